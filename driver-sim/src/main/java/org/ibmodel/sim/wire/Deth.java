// IBA 9.3.2: Datagram Extended Transport Header
package org.ibmodel.sim.wire;

import static org.ibmodel.sim.wire.BigEndian.fits;
import static org.ibmodel.sim.wire.BigEndian.hex;

/**
 * Flyweight over a DETH, carried by UD packets.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                             Q_Key                             |
 *  +---------------+-----------------------------------------------+
 *  |    Reserved   |                     SrcQP                     |
 *  +---------------+-----------------------------------------------+
 * </pre>
 */
public final class Deth {
    public static final int HEADER_LENGTH = 8;
    public static final int QKEY_OFFSET = 0;
    public static final int SRCQP_OFFSET = 5;

    private byte[] buffer;
    private int offset;

    public Deth wrap(byte[] buffer, int offset) {
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

    /** Queue Key, 32 bits (the int holds the bit pattern). */
    public int qKey() {
        return BigEndian.i32(buffer, offset + QKEY_OFFSET);
    }

    public Deth qKey(int qKey) {
        BigEndian.put32(buffer, offset + QKEY_OFFSET, qKey);
        return this;
    }

    /** Source QP number, 24 bits. */
    public int srcQp() {
        return BigEndian.u24(buffer, offset + SRCQP_OFFSET);
    }

    public Deth srcQp(int srcQp) {
        BigEndian.put24(buffer, offset + SRCQP_OFFSET, fits("SrcQP", srcQp, 24));
        return this;
    }

    @Override
    public String toString() {
        return "DETH[Q_Key=" + hex(qKey(), 8) + " SrcQP=" + hex(srcQp(), 6) + "]";
    }
}
