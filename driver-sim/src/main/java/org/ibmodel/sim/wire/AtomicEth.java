// IBA 9.3.4: Atomic Extended Transport Header
package org.ibmodel.sim.wire;

import static org.ibmodel.sim.wire.BigEndian.hex;

/**
 * Flyweight over an AtomicETH, carried by CmpSwap and FetchAdd requests.
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
 *  |                     SwapData / AddData                        |
 *  +                                                               +
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        CompareData                            |
 *  +                                                               +
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * FetchAdd uses the third field as AddData and ignores CompareData.
 */
public final class AtomicEth {
    public static final int HEADER_LENGTH = 28;
    public static final int VA_OFFSET = 0;
    public static final int RKEY_OFFSET = 8;
    public static final int SWAP_ADD_DATA_OFFSET = 12;
    public static final int COMPARE_DATA_OFFSET = 20;

    private byte[] buffer;
    private int offset;

    public AtomicEth wrap(byte[] buffer, int offset) {
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

    /** Virtual Address, 64 bits; must be 8-byte aligned (checked by the responder, not here). */
    public long va() {
        return BigEndian.i64(buffer, offset + VA_OFFSET);
    }

    public AtomicEth va(long va) {
        BigEndian.put64(buffer, offset + VA_OFFSET, va);
        return this;
    }

    /** Remote Key, 32 bits. */
    public int rKey() {
        return BigEndian.i32(buffer, offset + RKEY_OFFSET);
    }

    public AtomicEth rKey(int rKey) {
        BigEndian.put32(buffer, offset + RKEY_OFFSET, rKey);
        return this;
    }

    /** SwapData for CmpSwap, AddData for FetchAdd; 64 bits. */
    public long swapAddData() {
        return BigEndian.i64(buffer, offset + SWAP_ADD_DATA_OFFSET);
    }

    public AtomicEth swapAddData(long data) {
        BigEndian.put64(buffer, offset + SWAP_ADD_DATA_OFFSET, data);
        return this;
    }

    /** CompareData, 64 bits. */
    public long compareData() {
        return BigEndian.i64(buffer, offset + COMPARE_DATA_OFFSET);
    }

    public AtomicEth compareData(long data) {
        BigEndian.put64(buffer, offset + COMPARE_DATA_OFFSET, data);
        return this;
    }

    @Override
    public String toString() {
        return "AtomicETH[VA=" + hex(va()) + " R_Key=" + hex(rKey(), 8)
            + " SwapData/AddData=" + hex(swapAddData()) + " CompareData=" + hex(compareData()) + "]";
    }
}
