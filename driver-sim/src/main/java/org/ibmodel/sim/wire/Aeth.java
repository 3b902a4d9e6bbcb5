// IBA 9.3.5: ACK Extended Transport Header
package org.ibmodel.sim.wire;

import static org.ibmodel.sim.wire.BigEndian.fits;
import static org.ibmodel.sim.wire.BigEndian.hex;

/**
 * Flyweight over an AETH, carried by Acknowledge, ATOMIC Acknowledge and the first and last RDMA
 * READ responses.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+-----------------------------------------------+
 *  |   Syndrome    |                      MSN                      |
 *  +---------------+-----------------------------------------------+
 *
 *  Syndrome:  7   6 5   4 3 2 1 0
 *            +-+-----+---------+
 *            |0|Type |  Value  |   Type 00 ACK       Value = credit count
 *            +-+-----+---------+        01 RNR NAK   Value = RNR timer code
 *                                       10 reserved
 *                                       11 NAK       Value = NAK code
 * </pre>
 */
public final class Aeth {
    public static final int HEADER_LENGTH = 4;
    public static final int SYNDROME_OFFSET = 0;
    public static final int MSN_OFFSET = 1;

    /** Credit count 31: the responder gives no credit information (IBA 9.3.5). */
    public static final int CREDIT_INVALID = 0x1F;

    /** The syndrome's type bits. */
    public enum Type {
        ACK(0),
        RNR_NAK(1),
        RESERVED(2),
        NAK(3);

        private final int bits;

        Type(int bits) {
            this.bits = bits;
        }

        public int bits() {
            return bits;
        }
    }

    /** NAK codes, the syndrome's value bits when the type is NAK; 5-31 are reserved. */
    public enum NakCode {
        PSN_SEQUENCE_ERROR(0),
        INVALID_REQUEST(1),
        REMOTE_ACCESS_ERROR(2),
        REMOTE_OPERATIONAL_ERROR(3),
        INVALID_RD_REQUEST(4),
        RESERVED(-1);

        private final int value;

        NakCode(int value) {
            this.value = value;
        }

        public int value() {
            return value;
        }

        /** The code for a 5-bit NAK value; RESERVED for the values the spec leaves unassigned. */
        public static NakCode ofValue(int value) {
            return value >= 0 && value < ASSIGNED.length ? ASSIGNED[value] : RESERVED;
        }

        private static final NakCode[] ASSIGNED = {
            PSN_SEQUENCE_ERROR, INVALID_REQUEST, REMOTE_ACCESS_ERROR, REMOTE_OPERATIONAL_ERROR,
            INVALID_RD_REQUEST,
        };
    }

    // Credits per credit-count code 0..30 (code 31 = invalid). drivers/infiniband/sw/rdmavt/rc.c
    private static final int[] CREDITS = {
        0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768,
        1024, 1536, 2048, 3072, 4096, 6144, 8192, 12288, 16384, 24576, 32768,
    };

    // RNR NAK timer per code 0..31 in microseconds; code 0 is the longest, 655.36 ms.
    // drivers/infiniband/sw/rdmavt/qp.c
    private static final int[] RNR_TIMER_MICROS = {
        655360, 10, 20, 30, 40, 60, 80, 120, 160, 240, 320, 480, 640, 960, 1280, 1920,
        2560, 3840, 5120, 7680, 10240, 15360, 20480, 30720, 40960, 61440, 81920, 122880,
        163840, 245760, 327680, 491520,
    };

    private byte[] buffer;
    private int offset;

    public Aeth wrap(byte[] buffer, int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public byte[] buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    /** Syndrome, 8 bits. */
    public int syndrome() {
        return BigEndian.u8(buffer, offset + SYNDROME_OFFSET);
    }

    public Aeth syndrome(int syndrome) {
        BigEndian.put8(buffer, offset + SYNDROME_OFFSET, fits("Syndrome", syndrome, 8));
        return this;
    }

    /** Message Sequence Number, 24 bits. */
    public int msn() {
        return BigEndian.u24(buffer, offset + MSN_OFFSET);
    }

    public Aeth msn(int msn) {
        BigEndian.put24(buffer, offset + MSN_OFFSET, fits("MSN", msn, 24));
        return this;
    }

    public Type type() {
        return typeOf(syndrome());
    }

    /** The 5-bit value: credit count, RNR timer code or NAK code, depending on the type. */
    public int value() {
        return syndrome() & 0x1F;
    }

    /** Writes an ACK syndrome with a credit count code (0-31). */
    public Aeth ack(int creditCode) {
        return syndrome(ackSyndrome(creditCode));
    }

    /** Writes an RNR NAK syndrome with a timer code (0-31). */
    public Aeth rnrNak(int timerCode) {
        return syndrome(rnrNakSyndrome(timerCode));
    }

    /** Writes a NAK syndrome. */
    public Aeth nak(NakCode code) {
        return syndrome(nakSyndrome(code));
    }

    /**
     * What a syndrome says when it is not a plain ACK, in words ("NAK psn sequence error", "RNR
     * NAK"); "" for an ACK (IBA 9.7.5.2).
     */
    public static String nakText(int syndrome) {
        return switch (typeOf(syndrome)) {
            case ACK -> "";
            case RNR_NAK -> "RNR NAK";
            case NAK -> "NAK " + NakCode.ofValue(syndrome & 0x1f).name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', ' ');
            case RESERVED -> "reserved syndrome 0x" + Integer.toHexString(syndrome);
        };
    }

    /**
     * The syndrome's type from bits 6-5. Bit 7 is reserved, 0 in every assigned syndrome, and the
     * kernel reads the type as the top three bits (include/rdma/ib_hdrs.h IB_AETH_NAK_SHIFT,
     * drivers/infiniband/sw/rxe/rxe_hdr.h AETH_TYPE_MASK 0xe0): a syndrome with bit 7 set is
     * neither ACK nor NAK but reserved, and the requester ignores it.
     */
    public static Type typeOf(int syndrome) {
        return (syndrome & 0x80) != 0 ? Type.RESERVED : TYPES[(syndrome >>> 5) & 0x3];
    }

    private static final Type[] TYPES = Type.values();

    public static int ackSyndrome(int creditCode) {
        return Type.ACK.bits << 5 | fits("credit count", creditCode, 5);
    }

    public static int rnrNakSyndrome(int timerCode) {
        return Type.RNR_NAK.bits << 5 | fits("RNR timer", timerCode, 5);
    }

    public static int nakSyndrome(NakCode code) {
        if (code == NakCode.RESERVED) {
            throw new IllegalArgumentException("NAK code RESERVED has no wire value");
        }
        return Type.NAK.bits << 5 | code.value;
    }

    /**
     * The credit-count code for {@code available} receive WQEs: the largest code that grants no
     * more than that many (IBA 9.7.5.1.2), 0 when none are available.
     */
    public static int creditCode(int available) {
        int lo = 0;
        int hi = CREDITS.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (CREDITS[mid] <= available) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Credits a credit-count code grants; -1 for code 31 (no credit information). */
    public static int credits(int creditCode) {
        return creditCode == CREDIT_INVALID ? -1 : CREDITS[fits("credit count", creditCode, 5)];
    }

    /** The RNR NAK timer for a timer code, in nanoseconds of virtual time. */
    public static long rnrTimerNanos(int timerCode) {
        return RNR_TIMER_MICROS[fits("RNR timer", timerCode, 5)] * 1000L;
    }

    @Override
    public String toString() {
        int s = syndrome();
        String detail;
        switch (typeOf(s)) {
            case ACK:
                detail = "ACK credits=" + (credits(s & 0x1F) < 0 ? "invalid" : credits(s & 0x1F));
                break;
            case RNR_NAK:
                detail = "RNR NAK timer=" + (rnrTimerNanos(s & 0x1F) / 1000) + "us";
                break;
            case NAK:
                detail = "NAK " + NakCode.ofValue(s & 0x1F);
                break;
            default:
                detail = "reserved";
                break;
        }
        return "AETH[Syndrome=" + hex(s, 2) + " (" + detail + ") MSN=" + hex(msn(), 6) + "]";
    }
}
