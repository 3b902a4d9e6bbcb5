// IBA 7.7: Local Route Header
package org.ibmodel.sim.wire;

import static org.ibmodel.sim.wire.BigEndian.fits;
import static org.ibmodel.sim.wire.BigEndian.hex;

/**
 * Flyweight over a Local Route Header, the first 8 bytes of every packet.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------+-------+-------+---+---+-------------------------------+
 *  |  VL   | LVer  |  SL   |Rsv|LNH|             DLID              |
 *  +-------+-------+-------+---+---+-------------------------------+
 *  |  Rsv5   |        PktLen       |             SLID              |
 *  +---------+---------------------+-------------------------------+
 * </pre>
 *
 * PktLen counts 4-byte words from the first byte of the LRH through the ICRC; the 2-byte VCRC is
 * not counted (IBA 7.7).
 */
public final class Lrh {
    public static final int HEADER_LENGTH = 8;
    public static final int VL_LVER_OFFSET = 0;
    public static final int SL_LNH_OFFSET = 1;
    public static final int DLID_OFFSET = 2;
    public static final int PKTLEN_OFFSET = 4;
    public static final int SLID_OFFSET = 6;

    /** IBA 7.7: Link Next Header values; only the two IBA values carry a BTH. */
    public static final int LNH_RAW = 0;
    public static final int LNH_IP_NON_IBA = 1;
    public static final int LNH_IBA_LOCAL = 2;
    public static final int LNH_IBA_GLOBAL = 3;

    /** PktLen is 11 bits wide. */
    public static final int PKTLEN_MAX = 0x7FF;

    private byte[] buffer;
    private int offset;

    public Lrh wrap(byte[] buffer, int offset) {
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

    /** Virtual Lane, 4 bits; the one LRH field a switch may change, so ICRC masks it (IBA 7.8.1). */
    public int vl() {
        return (buffer[offset + VL_LVER_OFFSET] & 0xF0) >>> 4;
    }

    public Lrh vl(int vl) {
        BigEndian.putBits(buffer, offset + VL_LVER_OFFSET, 0xF0, fits("VL", vl, 4) << 4);
        return this;
    }

    /** Link Version, 4 bits; 0 for this version of the spec (IBA 7.7). */
    public int lver() {
        return buffer[offset + VL_LVER_OFFSET] & 0x0F;
    }

    public Lrh lver(int lver) {
        BigEndian.putBits(buffer, offset + VL_LVER_OFFSET, 0x0F, fits("LVer", lver, 4));
        return this;
    }

    /** Service Level, 4 bits. */
    public int sl() {
        return (buffer[offset + SL_LNH_OFFSET] & 0xF0) >>> 4;
    }

    public Lrh sl(int sl) {
        BigEndian.putBits(buffer, offset + SL_LNH_OFFSET, 0xF0, fits("SL", sl, 4) << 4);
        return this;
    }

    /** Link Next Header, 2 bits. */
    public int lnh() {
        return buffer[offset + SL_LNH_OFFSET] & 0x03;
    }

    public Lrh lnh(int lnh) {
        BigEndian.putBits(buffer, offset + SL_LNH_OFFSET, 0x03, fits("LNH", lnh, 2));
        return this;
    }

    /** Destination Local Identifier, 16 bits. */
    public int dlid() {
        return BigEndian.u16(buffer, offset + DLID_OFFSET);
    }

    public Lrh dlid(int dlid) {
        BigEndian.put16(buffer, offset + DLID_OFFSET, fits("DLID", dlid, 16));
        return this;
    }

    /** Packet length in 4-byte words, 11 bits. */
    public int pktLen() {
        return BigEndian.u16(buffer, offset + PKTLEN_OFFSET) & PKTLEN_MAX;
    }

    public Lrh pktLen(int words) {
        int word = BigEndian.u16(buffer, offset + PKTLEN_OFFSET) & ~PKTLEN_MAX;
        BigEndian.put16(buffer, offset + PKTLEN_OFFSET, word | fits("PktLen", words, 11));
        return this;
    }

    /** Source Local Identifier, 16 bits. */
    public int slid() {
        return BigEndian.u16(buffer, offset + SLID_OFFSET);
    }

    public Lrh slid(int slid) {
        BigEndian.put16(buffer, offset + SLID_OFFSET, fits("SLID", slid, 16));
        return this;
    }

    @Override
    public String toString() {
        return "LRH[VL=" + vl() + " LVer=" + lver() + " SL=" + sl() + " LNH=" + lnh()
            + " DLID=" + hex(dlid(), 4) + " PktLen=" + pktLen() + " SLID=" + hex(slid(), 4) + "]";
    }
}
