// IBA 7.8.2: Variant CRC
package org.ibmodel.sim.wire;

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

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
            }
            TABLE[n] = c;
        }
    }

    private Vcrc() {
    }

    /** The VCRC of the {@code length} bytes at {@code offset}: LRH through ICRC. */
    public static int compute(byte[] buffer, int offset, int length) {
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
