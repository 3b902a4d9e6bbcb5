// IBA 9.3.6: Atomic Acknowledge Extended Transport Header
package org.ibmodel.sim.wire;

import static org.ibmodel.sim.wire.BigEndian.hex;

/**
 * Flyweight over an AtomicAckETH, carried by ATOMIC Acknowledge after the AETH.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        OrigRemData                            |
 *  +                                                               +
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class AtomicAckEth {
    public static final int HEADER_LENGTH = 8;
    public static final int ORIG_REM_DATA_OFFSET = 0;

    private byte[] buffer;
    private int offset;

    public AtomicAckEth wrap(byte[] buffer, int offset) {
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

    /** The remote 64-bit value before the atomic operation. */
    public long origRemData() {
        return BigEndian.i64(buffer, offset + ORIG_REM_DATA_OFFSET);
    }

    public AtomicAckEth origRemData(long data) {
        BigEndian.put64(buffer, offset + ORIG_REM_DATA_OFFSET, data);
        return this;
    }

    @Override
    public String toString() {
        return "AtomicAckETH[OrigRemData=" + hex(origRemData()) + "]";
    }
}
