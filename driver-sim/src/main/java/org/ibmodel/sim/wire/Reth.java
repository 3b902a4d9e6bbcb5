// IBA 9.3.3: RDMA Extended Transport Header
package org.ibmodel.sim.wire;

import static org.ibmodel.sim.wire.BigEndian.hex;

/**
 * Flyweight over a RETH, carried by the first (or only) packet of an RDMA WRITE and by an RDMA
 * READ request.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                       Virtual Address                         |
 *  +                           (VA)                                +
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                            R_Key                              |
 *  +---------------------------------------------------------------+
 *  |                           DMALen                              |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class Reth {
    public static final int HEADER_LENGTH = 16;
    public static final int VA_OFFSET = 0;
    public static final int RKEY_OFFSET = 8;
    public static final int DMALEN_OFFSET = 12;

    private byte[] buffer;
    private int offset;

    public Reth wrap(byte[] buffer, int offset) {
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

    /** Virtual Address, 64 bits. */
    public long va() {
        return BigEndian.i64(buffer, offset + VA_OFFSET);
    }

    public Reth va(long va) {
        BigEndian.put64(buffer, offset + VA_OFFSET, va);
        return this;
    }

    /** Remote Key, 32 bits. */
    public int rKey() {
        return BigEndian.i32(buffer, offset + RKEY_OFFSET);
    }

    public Reth rKey(int rKey) {
        BigEndian.put32(buffer, offset + RKEY_OFFSET, rKey);
        return this;
    }

    /** DMA Length in bytes, 32 bits unsigned (the int holds the bit pattern). */
    public int dmaLen() {
        return BigEndian.i32(buffer, offset + DMALEN_OFFSET);
    }

    public Reth dmaLen(int dmaLen) {
        BigEndian.put32(buffer, offset + DMALEN_OFFSET, dmaLen);
        return this;
    }

    @Override
    public String toString() {
        return "RETH[VA=" + hex(va()) + " R_Key=" + hex(rKey(), 8)
            + " DMALen=" + Integer.toUnsignedString(dmaLen()) + "]";
    }
}
