// IBA 9.3.7: Immediate Extended Transport Header
package org.ibmodel.sim.wire;

import static org.ibmodel.sim.wire.BigEndian.hex;

/**
 * Flyweight over ImmDt, the 4 bytes of immediate data handed to the receiver's completion.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                      Immediate Data                           |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class ImmDt {
    public static final int HEADER_LENGTH = 4;
    public static final int IMMDT_OFFSET = 0;

    private byte[] buffer;
    private int offset;

    public ImmDt wrap(byte[] buffer, int offset) {
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

    /** Immediate Data, 32 bits, opaque to the transport. */
    public int immDt() {
        return BigEndian.i32(buffer, offset + IMMDT_OFFSET);
    }

    public ImmDt immDt(int immDt) {
        BigEndian.put32(buffer, offset + IMMDT_OFFSET, immDt);
        return this;
    }

    @Override
    public String toString() {
        return "ImmDt[ImmDt=" + hex(immDt(), 8) + "]";
    }
}
