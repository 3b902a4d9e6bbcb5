// IBA 9.3.8: Invalidate Extended Transport Header
package org.ibmodel.sim.wire;

import static org.ibmodel.sim.wire.BigEndian.hex;

/**
 * Flyweight over an IETH, carried by SEND with Invalidate: the R_Key the responder invalidates.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                            R_Key                              |
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class Ieth {
    public static final int HEADER_LENGTH = 4;
    public static final int RKEY_OFFSET = 0;

    private byte[] buffer;
    private int offset;

    public Ieth wrap(byte[] buffer, int offset) {
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

    /** The R_Key to invalidate, 32 bits. */
    public int rKey() {
        return BigEndian.i32(buffer, offset + RKEY_OFFSET);
    }

    public Ieth rKey(int rKey) {
        BigEndian.put32(buffer, offset + RKEY_OFFSET, rKey);
        return this;
    }

    @Override
    public String toString() {
        return "IETH[R_Key=" + hex(rKey(), 8) + "]";
    }
}
