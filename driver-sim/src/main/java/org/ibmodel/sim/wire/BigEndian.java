// IBA 1.4.5: every multi-byte IBA header field is sent most significant byte first.
package org.ibmodel.sim.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Big-endian field access for the header flyweights; no allocation except on a range error. */
final class BigEndian {
    // One bounds-checked load or store per field instead of one per byte.
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private BigEndian() {
    }

    static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }

    static int u16(byte[] b, int i) {
        return (short) SHORT.get(b, i) & 0xFFFF;
    }

    static int u24(byte[] b, int i) {
        return (b[i] & 0xFF) << 16 | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF);
    }

    static int i32(byte[] b, int i) {
        return (int) INT.get(b, i);
    }

    static long i64(byte[] b, int i) {
        return (long) LONG.get(b, i);
    }

    static void put8(byte[] b, int i, int v) {
        b[i] = (byte) v;
    }

    static void put16(byte[] b, int i, int v) {
        SHORT.set(b, i, (short) v);
    }

    static void put24(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 16);
        b[i + 1] = (byte) (v >>> 8);
        b[i + 2] = (byte) v;
    }

    static void put32(byte[] b, int i, int v) {
        INT.set(b, i, v);
    }

    static void put64(byte[] b, int i, long v) {
        LONG.set(b, i, v);
    }

    /** Replaces the bits of {@code mask} in byte {@code i} with {@code bits} (already shifted). */
    static void putBits(byte[] b, int i, int mask, int bits) {
        b[i] = (byte) ((b[i] & ~mask) | (bits & mask));
    }

    /**
     * A value wider than its field (at most 31 bits) is a bug in the caller, never something to
     * truncate silently.
     */
    static int fits(String field, int value, int bits) {
        if (value < 0 || value >>> bits != 0) {
            throw new IllegalArgumentException(field + "=0x" + Integer.toHexString(value)
                + " does not fit in " + bits + " bits");
        }
        return value;
    }

    static String hex(int value, int digits) {
        String h = Integer.toHexString(value);
        return "0x" + "0".repeat(Math.max(0, digits - h.length())) + h;
    }

    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
