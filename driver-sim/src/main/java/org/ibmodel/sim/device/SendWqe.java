// docs/HCA.md §5: control segment, then datagram / remote address / atomic, then data or inline
package org.ibmodel.sim.device;

/**
 * A send WQE as the SQ fetched it: its counter, its bytes, and where each segment starts
 * (-1 when absent). Later stages read the segments with the {@link Layout} fields.
 */
public record SendWqe(int index, byte[] bytes, SendOpcode opcode, int datagramOffset, int raddrOffset,
        int atomicOffset, int dataOffset) {

    static SendWqe parse(int index, byte[] b, boolean datagram) {
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
        return new SendWqe(index, b, op, dg, ra, at, off);
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
}
