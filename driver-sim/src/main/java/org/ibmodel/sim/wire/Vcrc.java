// IBA 7.8.2: Variant CRC
package org.ibmodel.sim.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * The 16-bit Variant CRC, recomputed on every link: it covers every byte of the packet from the
 * first byte of the LRH through the ICRC, variant fields included, nothing masked.
 *
 * <p>Algorithm (IBA 7.8.2): polynomial x^16 + x^12 + x^3 + x + 1 (0x100B), register preset to
 * all ones, bytes fed least significant bit first like the ICRC (so the table uses the reflected
 * polynomial 0xD008), the result complemented. Byte order on the wire: least significant byte of
 * the result first, the ICRC's convention. Mellanox's IB packet generator MPGA computes it the
 * same way (internal_functions.c: update_VCRC and its 0x100B table) and stores it little-endian
 * (packet_append.c: append_VCRC).
 */
public final class Vcrc {
    public static final int LENGTH = 2;

    private static final int POLY_REFLECTED = 0xD008;
    private static final int[] TABLE = new int[256];
    /*
     * Slicing by eight (Intel's "slicing-by-8" CRC, as zlib's crc32 braids): T<k>[n] is the
     * register after byte n followed by k zero bytes, so eight bytes cost eight independent
     * lookups. T0 is TABLE. Separate constant arrays of 256 let the JIT drop the index checks.
     */
    private static final int[] T0 = TABLE;
    private static final int[] T1 = new int[256];
    private static final int[] T2 = new int[256];
    private static final int[] T3 = new int[256];
    private static final int[] T4 = new int[256];
    private static final int[] T5 = new int[256];
    private static final int[] T6 = new int[256];
    private static final int[] T7 = new int[256];
    /** Eight payload bytes in one load, least significant first: the order the CRC eats them. */
    private static final VarHandle INT_LE =
        MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG_LE =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
            }
            TABLE[n] = c;
        }
        int[][] slices = {T0, T1, T2, T3, T4, T5, T6, T7};
        for (int k = 1; k < 8; k++) {
            for (int n = 0; n < 256; n++) {
                int c = slices[k - 1][n];
                slices[k][n] = (c >>> 8) ^ TABLE[c & 0xFF];
            }
        }
    }

    private Vcrc() {
    }

    /** The VCRC of the {@code length} bytes at {@code offset}: LRH through ICRC. */
    public static int compute(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        int crc = 0xFFFF;
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            long x = (long) LONG_LE.get(buffer, i);
            // The 16-bit register meets the first two bytes; the other six enter unchanged. Their
            // lookups do not wait for the register, so they are summed first and the chain from
            // one word to the next is one xor, two lookups and two xors.
            int lo = (int) x;
            int hi = (int) (x >>> 32);
            int rest = T5[(lo >>> 16) & 0xFF] ^ T4[lo >>> 24]
                ^ T3[hi & 0xFF] ^ T2[(hi >>> 8) & 0xFF] ^ T1[(hi >>> 16) & 0xFF] ^ T0[hi >>> 24];
            int d = lo ^ crc;
            crc = rest ^ T7[d & 0xFF] ^ T6[(d >>> 8) & 0xFF];
        }
        if (i + 4 <= end) {
            // Four bytes: the register meets the first two, as in the loop above.
            int x = (int) INT_LE.get(buffer, i);
            int d = x ^ crc;
            crc = (T1[(x >>> 16) & 0xFF] ^ T0[x >>> 24]) ^ T3[d & 0xFF] ^ T2[(d >>> 8) & 0xFF];
            i += 4;
        }
        for (; i < end; i++) {
            crc = T0[(crc ^ buffer[i]) & 0xFF] ^ (crc >>> 8);
        }
        return ~crc & 0xFFFF;
    }

    /** The same CRC one byte at a time: the definition {@link #compute} must equal. */
    static int computeBytewise(byte[] buffer, int offset, int length) {
        int crc = 0xFFFF;
        for (int i = 0; i < length; i++) {
            crc = TABLE[(crc ^ buffer[offset + i]) & 0xFF] ^ (crc >>> 8);
        }
        return ~crc & 0xFFFF;
    }

    /** Stores a VCRC least significant byte first. */
    public static void put(byte[] buffer, int offset, int vcrc) {
        buffer[offset] = (byte) vcrc;
        buffer[offset + 1] = (byte) (vcrc >>> 8);
    }

    /** Reads a VCRC stored least significant byte first. */
    public static int get(byte[] buffer, int offset) {
        return (buffer[offset] & 0xFF) | (buffer[offset + 1] & 0xFF) << 8;
    }
}
