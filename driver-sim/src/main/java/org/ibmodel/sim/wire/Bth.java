// IBA 9.2: Base Transport Header
package org.ibmodel.sim.wire;

import static org.ibmodel.sim.wire.BigEndian.fits;
import static org.ibmodel.sim.wire.BigEndian.hex;

/**
 * Flyweight over a Base Transport Header, present in every IBA transport packet.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+-+-+---+-------+-------------------------------+
 *  |    OpCode     |S|M|Pad| TVer  |             P_Key             |
 *  |               |E| |Cnt|       |                               |
 *  +---------------+-+-+---+-------+-------------------------------+
 *  |F|B|  Resv6a   |                    DestQP                     |
 *  +-+-+-----------+-----------------------------------------------+
 *  |A|   Resv7     |                      PSN                      |
 *  +-+-------------+-----------------------------------------------+
 * </pre>
 *
 * The byte before DestQP was Resv8a, reserved but variant; congestion control (IBA Annex A10)
 * took its top two bits for FECN and BECN, which a switch may set on the way (include/rdma/ib_hdrs.h
 * IB_FECN_SHIFT, IB_BECN_SHIFT; drivers/infiniband/sw/rxe/rxe_hdr.h BTH_FECN_MASK, BTH_BECN_MASK,
 * BTH_RESV6A_MASK). The ICRC still covers the whole byte as ones (IBA 7.8.1; rxe_icrc.c).
 */
public final class Bth {
    public static final int HEADER_LENGTH = 12;
    public static final int OPCODE_OFFSET = 0;
    public static final int FLAGS_OFFSET = 1;
    public static final int PKEY_OFFSET = 2;
    public static final int RESV8A_OFFSET = 4;
    public static final int DESTQP_OFFSET = 5;
    public static final int ACKREQ_OFFSET = 8;
    public static final int PSN_OFFSET = 9;

    /** PSNs and QPNs are 24 bits; PSN arithmetic is modulo 2^24 (IBA 9.7.1). */
    public static final int PSN_MASK = 0xFF_FFFF;
    public static final int QPN_MASK = 0xFF_FFFF;

    private byte[] buffer;
    private int offset;

    public Bth wrap(byte[] buffer, int offset) {
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

    /** Operation code, 8 bits: transport in bits 7-5, operation in bits 4-0 (IBA 9.2.1). */
    public int opCode() {
        return BigEndian.u8(buffer, offset + OPCODE_OFFSET);
    }

    public Bth opCode(int opCode) {
        BigEndian.put8(buffer, offset + OPCODE_OFFSET, fits("OpCode", opCode, 8));
        return this;
    }

    /** Solicited Event. */
    public boolean se() {
        return (buffer[offset + FLAGS_OFFSET] & 0x80) != 0;
    }

    public Bth se(boolean se) {
        BigEndian.putBits(buffer, offset + FLAGS_OFFSET, 0x80, se ? 0x80 : 0);
        return this;
    }

    /** M: MigReq, the path migration state bit. */
    public boolean migReq() {
        return (buffer[offset + FLAGS_OFFSET] & 0x40) != 0;
    }

    public Bth migReq(boolean m) {
        BigEndian.putBits(buffer, offset + FLAGS_OFFSET, 0x40, m ? 0x40 : 0);
        return this;
    }

    /** Pad Count, 2 bits: bytes added to the payload to reach a 4-byte boundary. */
    public int padCnt() {
        return (buffer[offset + FLAGS_OFFSET] & 0x30) >>> 4;
    }

    public Bth padCnt(int padCnt) {
        BigEndian.putBits(buffer, offset + FLAGS_OFFSET, 0x30, fits("PadCnt", padCnt, 2) << 4);
        return this;
    }

    /** Transport header Version, 4 bits; 0 here. */
    public int tVer() {
        return buffer[offset + FLAGS_OFFSET] & 0x0F;
    }

    public Bth tVer(int tVer) {
        BigEndian.putBits(buffer, offset + FLAGS_OFFSET, 0x0F, fits("TVer", tVer, 4));
        return this;
    }

    /** Partition Key, 16 bits. */
    public int pKey() {
        return BigEndian.u16(buffer, offset + PKEY_OFFSET);
    }

    public Bth pKey(int pKey) {
        BigEndian.put16(buffer, offset + PKEY_OFFSET, fits("P_Key", pKey, 16));
        return this;
    }

    /** The whole variant byte before DestQP (FECN, BECN, Resv6a): what the ICRC reads as ones. */
    public int resv8a() {
        return BigEndian.u8(buffer, offset + RESV8A_OFFSET);
    }

    public Bth resv8a(int resv8a) {
        BigEndian.put8(buffer, offset + RESV8A_OFFSET, fits("Resv8a", resv8a, 8));
        return this;
    }

    /** F: Forward Explicit Congestion Notification, set by a congested switch (IBA A10). */
    public boolean fecn() {
        return (buffer[offset + RESV8A_OFFSET] & 0x80) != 0;
    }

    public Bth fecn(boolean f) {
        BigEndian.putBits(buffer, offset + RESV8A_OFFSET, 0x80, f ? 0x80 : 0);
        return this;
    }

    /** B: Backward Explicit Congestion Notification, returned to the source of a FECN. */
    public boolean becn() {
        return (buffer[offset + RESV8A_OFFSET] & 0x40) != 0;
    }

    public Bth becn(boolean b) {
        BigEndian.putBits(buffer, offset + RESV8A_OFFSET, 0x40, b ? 0x40 : 0);
        return this;
    }

    /** Reserved (variant), 6 bits. */
    public int resv6a() {
        return buffer[offset + RESV8A_OFFSET] & 0x3F;
    }

    public Bth resv6a(int resv6a) {
        BigEndian.putBits(buffer, offset + RESV8A_OFFSET, 0x3F, fits("Resv6a", resv6a, 6));
        return this;
    }

    /** Destination QP number, 24 bits. */
    public int destQp() {
        return BigEndian.u24(buffer, offset + DESTQP_OFFSET);
    }

    public Bth destQp(int destQp) {
        BigEndian.put24(buffer, offset + DESTQP_OFFSET, fits("DestQP", destQp, 24));
        return this;
    }

    /** A: AckReq, asks the responder to acknowledge this packet. */
    public boolean ackReq() {
        return (buffer[offset + ACKREQ_OFFSET] & 0x80) != 0;
    }

    public Bth ackReq(boolean a) {
        BigEndian.putBits(buffer, offset + ACKREQ_OFFSET, 0x80, a ? 0x80 : 0);
        return this;
    }

    /** Packet Sequence Number, 24 bits. */
    public int psn() {
        return BigEndian.u24(buffer, offset + PSN_OFFSET);
    }

    public Bth psn(int psn) {
        BigEndian.put24(buffer, offset + PSN_OFFSET, fits("PSN", psn, 24));
        return this;
    }

    @Override
    public String toString() {
        return "BTH[OpCode=" + hex(opCode(), 2) + " SE=" + (se() ? 1 : 0) + " M=" + (migReq() ? 1 : 0)
            + " PadCnt=" + padCnt() + " TVer=" + tVer() + " P_Key=" + hex(pKey(), 4)
            + " F=" + (fecn() ? 1 : 0) + " B=" + (becn() ? 1 : 0) + " Resv6a=" + hex(resv6a(), 2)
            + " DestQP=" + hex(destQp(), 6) + " A=" + (ackReq() ? 1 : 0) + " PSN=" + hex(psn(), 6) + "]";
    }
}
