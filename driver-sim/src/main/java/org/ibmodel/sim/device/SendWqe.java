// docs/HCA.md §5: control segment, then datagram / remote address / atomic, then data or inline
package org.ibmodel.sim.device;

/**
 * A send WQE as the SQ fetched it: its counter, its bytes, and where each segment starts
 * (-1 when absent). Later stages read the segments with the {@link Layout} fields.
 *
 * <p>The SQ keeps one per ring slot and refills it when the slot's next WQE is fetched, which
 * happens only after the previous one completed (the device never fetches more than a ring
 * ahead of its consumer index), so a stage may hold a WQE until it completes it.
 */
public final class SendWqe {
    private final byte[] bytes;
    private int index;
    private SendOpcode opcode;
    private int datagramOffset;
    private int raddrOffset;
    private int atomicOffset;
    private int localOffset;
    private int dataOffset;

    SendWqe(int size) {
        this.bytes = new byte[size];
    }

    /** A WQE parsed from a copy of {@code b}. */
    static SendWqe parse(int index, byte[] b, boolean datagram) {
        SendWqe w = new SendWqe(b.length);
        System.arraycopy(b, 0, w.bytes, 0, b.length);
        return w.parse(index, datagram);
    }

    /** Reads the segments of what {@link #bytes()} now holds, as WQE {@code index}. */
    SendWqe parse(int index, boolean datagram) {
        byte[] b = bytes;
        SendOpcode op = SendOpcode.of(Layout.Ctrl.OPCODE.getInt(b, 0));
        int off = Layout.Ctrl.SIZE;
        int dg = -1;
        int ra = -1;
        int at = -1;
        if (datagram) {
            dg = off;
            off += Layout.Datagram.SIZE;
        }
        if (op != null && op.hasRemoteAddress()) {
            ra = off;
            off += Layout.Raddr.SIZE;
        }
        if (op != null && op.hasAtomic()) {
            at = off;
            off += Layout.Atomic.SIZE;
        }
        int local = -1;
        if (op == SendOpcode.FAST_REG) {
            local = off;
            off += Layout.FastReg.SIZE;
        } else if (op == SendOpcode.LOCAL_INVAL) {
            local = off;
            off += Layout.LocalInv.SIZE;
        }
        this.localOffset = local;
        this.index = index;
        this.opcode = op;
        this.datagramOffset = dg;
        this.raddrOffset = ra;
        this.atomicOffset = at;
        this.dataOffset = off;
        return this;
    }

    /** The WQE counter (§5): its position in posting order. */
    public int index() {
        return index;
    }

    public byte[] bytes() {
        return bytes;
    }

    /** Null for an opcode the device does not know. */
    public SendOpcode opcode() {
        return opcode;
    }

    public int datagramOffset() {
        return datagramOffset;
    }

    public int raddrOffset() {
        return raddrOffset;
    }

    public int atomicOffset() {
        return atomicOffset;
    }

    /** The fast-register (§5.7) or local-invalidate (§5.8) segment, or -1. */
    public int localOffset() {
        return localOffset;
    }

    public int dataOffset() {
        return dataOffset;
    }

    public boolean signaled() {
        return Layout.Ctrl.SIGNALED.isSet(bytes, 0);
    }

    public boolean solicited() {
        return Layout.Ctrl.SOLICITED.isSet(bytes, 0);
    }

    public boolean fence() {
        return Layout.Ctrl.FENCE.isSet(bytes, 0);
    }

    /** WQE size in 16-byte units. */
    public int ds() {
        return Layout.Ctrl.DS.getInt(bytes, 0);
    }

    public int imm() {
        return Layout.Ctrl.IMM.getInt(bytes, 0);
    }

    @Override
    public String toString() {
        return "SendWqe[index=" + index + ", opcode=" + opcode + "]";
    }
}
