// IBA 8.3: Global Route Header (laid out like an IPv6 header)
package org.ibmodel.sim.wire;

import static org.ibmodel.sim.wire.BigEndian.fits;
import static org.ibmodel.sim.wire.BigEndian.hex;

/**
 * Flyweight over a Global Route Header, present when LRH:LNH is IBA global (0x3).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------+---------------+---------------------------------------+
 *  | IPVer |    TClass     |               FlowLabel               |
 *  +-------+---------------+---------------+-----------------------+
 *  |            PayLen             |    NxtHdr     |    HopLmt     |
 *  +-------------------------------+---------------+---------------+
 *  |                                                               |
 *  +                      SGID (128 bits)                          +
 *  |                    subnet prefix, interface ID                |
 *  +---------------------------------------------------------------+
 *  |                                                               |
 *  +                      DGID (128 bits)                          +
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * PayLen counts bytes from the first byte after the GRH through the ICRC (the VCRC excluded).
 * A GID is read and written as two longs: the 64-bit subnet prefix, then the interface ID
 * (IBA 4.1.1).
 */
public final class Grh {
    public static final int HEADER_LENGTH = 40;
    public static final int IPVER_TCLASS_FLOWLABEL_OFFSET = 0;
    public static final int PAYLEN_OFFSET = 4;
    public static final int NXTHDR_OFFSET = 6;
    public static final int HOPLMT_OFFSET = 7;
    public static final int SGID_OFFSET = 8;
    public static final int DGID_OFFSET = 24;
    public static final int GID_LENGTH = 16;

    /** IPVer of a GRH: the IPv6 version number (IBA 8.3). */
    public static final int IPVER_IBA = 6;
    /** NxtHdr when an IBA transport header follows (IBA 8.3). */
    public static final int NXTHDR_IBA_TRANSPORT = 0x1B;

    private byte[] buffer;
    private int offset;

    public Grh wrap(byte[] buffer, int offset) {
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

    private int word0() {
        return BigEndian.i32(buffer, offset + IPVER_TCLASS_FLOWLABEL_OFFSET);
    }

    private void word0(int mask, int bits) {
        BigEndian.put32(buffer, offset + IPVER_TCLASS_FLOWLABEL_OFFSET, (word0() & ~mask) | (bits & mask));
    }

    /** IP Version, 4 bits. */
    public int ipVer() {
        return word0() >>> 28;
    }

    public Grh ipVer(int ipVer) {
        word0(0xF000_0000, fits("IPVer", ipVer, 4) << 28);
        return this;
    }

    /** Traffic Class, 8 bits; routers may rewrite it, so ICRC masks it (IBA 7.8.1). */
    public int tClass() {
        return (word0() >>> 20) & 0xFF;
    }

    public Grh tClass(int tClass) {
        word0(0x0FF0_0000, fits("TClass", tClass, 8) << 20);
        return this;
    }

    /** Flow Label, 20 bits; masked in the ICRC like TClass. */
    public int flowLabel() {
        return word0() & 0x000F_FFFF;
    }

    public Grh flowLabel(int flowLabel) {
        word0(0x000F_FFFF, fits("FlowLabel", flowLabel, 20));
        return this;
    }

    /** Payload Length in bytes, 16 bits. */
    public int payLen() {
        return BigEndian.u16(buffer, offset + PAYLEN_OFFSET);
    }

    public Grh payLen(int payLen) {
        BigEndian.put16(buffer, offset + PAYLEN_OFFSET, fits("PayLen", payLen, 16));
        return this;
    }

    /** Next Header, 8 bits. */
    public int nxtHdr() {
        return BigEndian.u8(buffer, offset + NXTHDR_OFFSET);
    }

    public Grh nxtHdr(int nxtHdr) {
        BigEndian.put8(buffer, offset + NXTHDR_OFFSET, fits("NxtHdr", nxtHdr, 8));
        return this;
    }

    /** Hop Limit, 8 bits; decremented by routers, so masked in the ICRC. */
    public int hopLmt() {
        return BigEndian.u8(buffer, offset + HOPLMT_OFFSET);
    }

    public Grh hopLmt(int hopLmt) {
        BigEndian.put8(buffer, offset + HOPLMT_OFFSET, fits("HopLmt", hopLmt, 8));
        return this;
    }

    public long sgidPrefix() {
        return BigEndian.i64(buffer, offset + SGID_OFFSET);
    }

    public long sgidInterfaceId() {
        return BigEndian.i64(buffer, offset + SGID_OFFSET + 8);
    }

    /** Source GID as subnet prefix and interface ID. */
    public Grh sgid(long prefix, long interfaceId) {
        BigEndian.put64(buffer, offset + SGID_OFFSET, prefix);
        BigEndian.put64(buffer, offset + SGID_OFFSET + 8, interfaceId);
        return this;
    }

    public long dgidPrefix() {
        return BigEndian.i64(buffer, offset + DGID_OFFSET);
    }

    public long dgidInterfaceId() {
        return BigEndian.i64(buffer, offset + DGID_OFFSET + 8);
    }

    /** Destination GID as subnet prefix and interface ID. */
    public Grh dgid(long prefix, long interfaceId) {
        BigEndian.put64(buffer, offset + DGID_OFFSET, prefix);
        BigEndian.put64(buffer, offset + DGID_OFFSET + 8, interfaceId);
        return this;
    }

    @Override
    public String toString() {
        return "GRH[IPVer=" + ipVer() + " TClass=" + hex(tClass(), 2) + " FlowLabel=" + hex(flowLabel(), 5)
            + " PayLen=" + payLen() + " NxtHdr=" + hex(nxtHdr(), 2) + " HopLmt=" + hopLmt()
            + " SGID=" + gid(sgidPrefix(), sgidInterfaceId()) + " DGID=" + gid(dgidPrefix(), dgidInterfaceId()) + "]";
    }

    /**
     * IPv6 text as inet_ntop writes it and tshark prints a GRH's GIDs (RFC 5952): groups without
     * leading zeros, the longest run of two or more zero groups (the first of equal runs) as "::".
     */
    static String gid(long prefix, long interfaceId) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            long half = i < 4 ? prefix : interfaceId;
            g[i] = (int) (half >>> (48 - 16 * (i % 4))) & 0xFFFF;
        }
        int runAt = -1;
        int runLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > runLen) {
                runAt = i;
                runLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == runAt) {
                sb.append("::");
                i += runLen - 1;
                continue;
            }
            if (i > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
