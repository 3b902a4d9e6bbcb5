// docs/HCA.md §1: big-endian fields; bit 31 is the most significant bit of a 32-bit word
package org.ibmodel.sim.device;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One field of a structure the device reads or writes, as docs/HCA.md tabulates it: a byte
 * offset and a bit range of the 32-bit big-endian word there. Fields of 64 or 128 bits start at
 * the offset and span whole words. The device declares its own fields; the driver declares its
 * own; LayoutTest holds both to the document.
 */
public record Field(String name, int offset, int hi, int lo) {
    // A big-endian word in one bounds-checked access instead of four byte accesses.
    private static final VarHandle WORD = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    public Field {
        if (hi < lo || (hi >= 32 && (lo != 0 || (hi + 1) % 32 != 0))) {
            throw new IllegalArgumentException("bad bit range " + hi + ":" + lo + " for " + name);
        }
    }

    public int width() {
        return hi - lo + 1;
    }

    public boolean wide() {
        return hi >= 32;
    }

    public long get(byte[] b, int base) {
        int at = base + offset;
        if (wide()) {
            if (width() > 64) {
                throw new IllegalArgumentException(name + " is " + width() + " bits; use bytes()");
            }
            return (Integer.toUnsignedLong(word(b, at)) << 32) | Integer.toUnsignedLong(word(b, at + 4));
        }
        long w = Integer.toUnsignedLong(word(b, at));
        return (w >>> lo) & mask();
    }

    /** Stores {@code v}, truncated to the field's width as hardware would. */
    public void set(byte[] b, int base, long v) {
        int at = base + offset;
        if (wide()) {
            if (width() > 64) {
                throw new IllegalArgumentException(name + " is " + width() + " bits; use bytes()");
            }
            putWord(b, at, (int) (v >>> 32));
            putWord(b, at + 4, (int) v);
            return;
        }
        long m = mask() << lo;
        long w = Integer.toUnsignedLong(word(b, at));
        putWord(b, at, (int) ((w & ~m) | ((v << lo) & m)));
    }

    /** The field's bits in a register value (a 32-bit word already read at {@link #offset}). */
    public int extract(int word) {
        return (int) ((Integer.toUnsignedLong(word) >>> lo) & mask());
    }

    /** {@code word} with the field's bits replaced by {@code v}. */
    public int insert(int word, long v) {
        long m = mask() << lo;
        return (int) ((Integer.toUnsignedLong(word) & ~m) | ((v << lo) & m));
    }

    public int getInt(byte[] b, int base) {
        return (int) get(b, base);
    }

    public boolean isSet(byte[] b, int base) {
        return get(b, base) != 0;
    }

    /** The first (most significant) 64 bits of a 128-bit field: a GID's subnet prefix. */
    public long high64(byte[] b, int base) {
        checkGid();
        int at = base + offset;
        return (Integer.toUnsignedLong(word(b, at)) << 32) | Integer.toUnsignedLong(word(b, at + 4));
    }

    /** The last 64 bits of a 128-bit field: a GID's interface ID. */
    public long low64(byte[] b, int base) {
        checkGid();
        int at = base + offset + 8;
        return (Integer.toUnsignedLong(word(b, at)) << 32) | Integer.toUnsignedLong(word(b, at + 4));
    }

    private void checkGid() {
        if (width() != 128) {
            throw new IllegalArgumentException(name + " is " + width() + " bits, not a 128-bit GID");
        }
    }

    /** A wide field's bytes (a GID). */
    public byte[] bytes(byte[] b, int base) {
        byte[] out = new byte[width() / 8];
        System.arraycopy(b, base + offset, out, 0, out.length);
        return out;
    }

    public void bytes(byte[] b, int base, byte[] v) {
        if (v.length != width() / 8) {
            throw new IllegalArgumentException(name + " takes " + width() / 8 + " bytes, not " + v.length);
        }
        System.arraycopy(v, 0, b, base + offset, v.length);
    }

    private long mask() {
        return width() == 32 ? 0xffff_ffffL : (1L << width()) - 1;
    }

    static int word(byte[] b, int at) {
        return (int) WORD.get(b, at);
    }

    static void putWord(byte[] b, int at, int v) {
        WORD.set(b, at, v);
    }

    @Override
    public String toString() {
        return String.format("%s@0x%02x[%d:%d]", name, offset, hi, lo);
    }
}
