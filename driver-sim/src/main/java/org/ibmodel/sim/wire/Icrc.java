// IBA 7.8.1: Invariant CRC; drivers/infiniband/sw/rxe/rxe_icrc.c for the RoCEv2 form of the rule
package org.ibmodel.sim.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * The 32-bit Invariant CRC, computed by the sending CA and checked by the receiving CA. It covers
 * every byte from the first byte of the LRH up to the ICRC itself, with the fields a switch or a
 * router may rewrite ("variant" fields) read as all ones:
 *
 * <pre>
 *  local packet (LNH = IBA local)         global packet (LNH = IBA global)
 *  LRH   VL (4 bits) as ones              LRH   all 8 bytes as ones (a router rebuilds it)
 *                                         GRH   TClass, FlowLabel, HopLmt as ones
 *  BTH   Resv8a as ones                   BTH   Resv8a as ones
 *  ext headers, payload, pad: as sent     ext headers, payload, pad: as sent
 * </pre>
 *
 * Sources: IBA 7.8.1 (the variant fields per packet kind); Mellanox's IB packet generator MPGA,
 * internal_functions.c (update_ICRC), masks exactly these bytes for native IB. RoCEv2 in
 * rxe_icrc.c is the global rule with the IP/UDP header standing in for the GRH: it starts from
 * the CRC of 8 bytes of ones in place of the LRH (seed 0xdebb20e3) and forces the IPv6 TClass,
 * FlowLabel and HopLimit and the BTH Resv8a byte to ones.
 *
 * <p>Algorithm: CRC-32 with the IEEE 802.3 polynomial 0x04C11DB7, register preset to all ones,
 * each byte fed least significant bit first (so the table below uses the reflected polynomial
 * 0xEDB88320), the result complemented: the CRC of java.util.zip.CRC32. Byte order on the wire:
 * least significant byte of the result first, as the Ethernet FCS. MPGA packet_append.c
 * (extract_ICRC) reads it little-endian; rxe_icrc.c stores {@code ~crc32_le()} in host order on
 * little-endian machines, the same bytes.
 */
public final class Icrc {
    public static final int LENGTH = 4;

    private static final int POLY_REFLECTED = 0xEDB8_8320;
    private static final int[] TABLE = new int[256];

    // Bits forced to one, by byte offset from the first byte of the LRH (0 = byte kept as sent).
    private static final byte[] LOCAL_VARIANT = new byte[Lrh.HEADER_LENGTH + Bth.RESV8A_OFFSET + 1];
    private static final byte[] GLOBAL_VARIANT =
        new byte[Lrh.HEADER_LENGTH + Grh.HEADER_LENGTH + Bth.RESV8A_OFFSET + 1];

    static {
        for (int n = 0; n < 256; n++) {
            int c = n;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
            }
            TABLE[n] = c;
        }

        LOCAL_VARIANT[Lrh.VL_LVER_OFFSET] = (byte) 0xF0;
        LOCAL_VARIANT[Lrh.HEADER_LENGTH + Bth.RESV8A_OFFSET] = (byte) 0xFF;

        for (int i = 0; i < Lrh.HEADER_LENGTH; i++) {
            GLOBAL_VARIANT[i] = (byte) 0xFF;
        }
        int grh = Lrh.HEADER_LENGTH + Grh.IPVER_TCLASS_FLOWLABEL_OFFSET;
        GLOBAL_VARIANT[grh] = 0x0F;               // TClass high nibble (IPVer kept)
        GLOBAL_VARIANT[grh + 1] = (byte) 0xFF;    // TClass low nibble, FlowLabel
        GLOBAL_VARIANT[grh + 2] = (byte) 0xFF;    // FlowLabel
        GLOBAL_VARIANT[grh + 3] = (byte) 0xFF;    // FlowLabel
        GLOBAL_VARIANT[Lrh.HEADER_LENGTH + Grh.HOPLMT_OFFSET] = (byte) 0xFF;
        GLOBAL_VARIANT[Lrh.HEADER_LENGTH + Grh.HEADER_LENGTH + Bth.RESV8A_OFFSET] = (byte) 0xFF;
    }

    private Icrc() {
    }

    /**
     * The ICRC of the {@code length} bytes at {@code offset}: a packet from its LRH up to, not
     * including, its ICRC. LRH:LNH picks the local or the global rule.
     */
    public static int compute(byte[] buffer, int offset, int length) {
        return new Calculator().compute(buffer, offset, length);
    }

    /**
     * Computes ICRCs without allocating: a packet builder or parser keeps one. The algorithm is
     * CRC32's (see above). A packet up to {@link #SMALL} bytes, an ACK say, goes through tables
     * eight bytes at a time with the variant bits ORed into the words they fall in: the JDK's
     * intrinsic costs 20 ns a call on such packets, whatever their length. Up to {@link #COPIED}
     * bytes the intrinsic runs once over a copy with the variant bits set; longer packets feed it
     * their masked header bytes from a small buffer, then the rest in place.
     */
    public static final class Calculator {
        private final CRC32 crc = new CRC32();
        private final byte[] head = new byte[GLOBAL_VARIANT.length];
        private final byte[] copy = new byte[COPIED];

        /** As {@link Icrc#compute}. */
        public int compute(byte[] buffer, int offset, int length) {
            boolean global = length > Lrh.SL_LNH_OFFSET
                && (buffer[offset + Lrh.SL_LNH_OFFSET] & 0x03) == Lrh.LNH_IBA_GLOBAL;
            if (length <= SMALL) {
                return sliced(buffer, offset, length, global ? GLOBAL_WORDS : LOCAL_WORDS,
                        global ? GLOBAL_VARIANT : LOCAL_VARIANT);
            }
            crc.reset();
            if (length <= COPIED) {
                // One call over a masked copy costs less than two calls up to a few hundred bytes.
                System.arraycopy(buffer, offset, copy, 0, length);
                long[] words = global ? GLOBAL_WORDS : LOCAL_WORDS;
                for (int k = 0; k < words.length; k++) {
                    LONG_LE.set(copy, 8 * k, (long) LONG_LE.get(copy, 8 * k) | words[k]);
                }
                crc.update(copy, 0, length);
                return (int) crc.getValue();
            }
            byte[] variant = global ? GLOBAL_VARIANT : LOCAL_VARIANT;
            for (int i = 0; i < variant.length; i++) {
                head[i] = (byte) (buffer[offset + i] | variant[i]);
            }
            crc.update(head, 0, variant.length);
            crc.update(buffer, offset + variant.length, length - variant.length);
            return (int) crc.getValue();
        }
    }

    /** Packets up to this many bytes take the table path of {@link Calculator}. */
    static final int SMALL = 64;
    /** Packets up to this many bytes, and longer than {@link #SMALL}, are copied for one call. */
    static final int COPIED = 512;
    // The variant masks as little-endian words, the order the table path loads the packet in.
    private static final long[] LOCAL_WORDS = words(LOCAL_VARIANT);
    private static final long[] GLOBAL_WORDS = words(GLOBAL_VARIANT);
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    // Slicing by eight, as in Vcrc: S<k>[n] is the register after byte n and k zero bytes.
    private static final int[] S0 = TABLE;
    private static final int[] S1 = new int[256];
    private static final int[] S2 = new int[256];
    private static final int[] S3 = new int[256];
    private static final int[] S4 = new int[256];
    private static final int[] S5 = new int[256];
    private static final int[] S6 = new int[256];
    private static final int[] S7 = new int[256];

    static {
        int[][] slices = {S0, S1, S2, S3, S4, S5, S6, S7};
        for (int k = 1; k < slices.length; k++) {
            for (int n = 0; n < 256; n++) {
                int c = slices[k - 1][n];
                slices[k][n] = (c >>> 8) ^ TABLE[c & 0xFF];
            }
        }
    }

    private static long[] words(byte[] variant) {
        long[] w = new long[(variant.length + 7) / 8];
        for (int i = 0; i < variant.length; i++) {
            w[i / 8] |= (variant[i] & 0xFFL) << (8 * (i % 8));
        }
        return w;
    }

    private static int sliced(byte[] b, int offset, int length, long[] words, byte[] variant) {
        java.util.Objects.checkFromIndexSize(offset, length, b.length);
        int crc = 0xFFFF_FFFF;
        int i = offset;
        int end = offset + length;
        for (int k = 0; i + 8 <= end; i += 8, k++) {
            long x = (long) LONG_LE.get(b, i);
            if (k < words.length) {
                x |= words[k];
            }
            // The high word's lookups do not wait for the register: summed first, off the chain.
            int hi = (int) (x >>> 32);
            int rest = S3[hi & 0xFF] ^ S2[(hi >>> 8) & 0xFF] ^ S1[(hi >>> 16) & 0xFF] ^ S0[hi >>> 24];
            int lo = (int) x ^ crc;
            crc = rest ^ (S7[lo & 0xFF] ^ S6[(lo >>> 8) & 0xFF]) ^ (S5[(lo >>> 16) & 0xFF] ^ S4[lo >>> 24]);
        }
        for (; i < end; i++) {
            int at = i - offset;
            int v = b[i] | (at < variant.length ? variant[at] : 0);
            crc = S0[(crc ^ v) & 0xFF] ^ (crc >>> 8);
        }
        return ~crc;
    }

    /** The same CRC one byte at a time with the table: the definition {@link #compute} must equal. */
    static int computeBytewise(byte[] buffer, int offset, int length) {
        boolean global = length > Lrh.SL_LNH_OFFSET
            && (buffer[offset + Lrh.SL_LNH_OFFSET] & 0x03) == Lrh.LNH_IBA_GLOBAL;
        byte[] variant = global ? GLOBAL_VARIANT : LOCAL_VARIANT;
        int crc = 0xFFFF_FFFF;
        int masked = Math.min(length, variant.length);
        for (int i = 0; i < masked; i++) {
            crc = TABLE[(crc ^ (buffer[offset + i] | variant[i])) & 0xFF] ^ (crc >>> 8);
        }
        for (int i = masked; i < length; i++) {
            crc = TABLE[(crc ^ buffer[offset + i]) & 0xFF] ^ (crc >>> 8);
        }
        return ~crc;
    }

    /** Stores an ICRC least significant byte first. */
    public static void put(byte[] buffer, int offset, int icrc) {
        buffer[offset] = (byte) icrc;
        buffer[offset + 1] = (byte) (icrc >>> 8);
        buffer[offset + 2] = (byte) (icrc >>> 16);
        buffer[offset + 3] = (byte) (icrc >>> 24);
    }

    /** Reads an ICRC stored least significant byte first. */
    public static int get(byte[] buffer, int offset) {
        return (buffer[offset] & 0xFF) | (buffer[offset + 1] & 0xFF) << 8
            | (buffer[offset + 2] & 0xFF) << 16 | (buffer[offset + 3] & 0xFF) << 24;
    }
}
