// docs/HCA.md §5.6; the opcode table of drivers/infiniband/hw/mlx4/qp.c mlx4_ib_opcode
package org.ibmodel.hca;

import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WrOpcode;

/** Send WQE opcodes, the ib_wr_opcode each carries and the segments it needs. */
public enum SendOpcode {
    SEND_INVAL(0x01, WrOpcode.SEND_WITH_INV),
    RDMA_WRITE(0x08, WrOpcode.RDMA_WRITE),
    RDMA_WRITE_IMM(0x09, WrOpcode.RDMA_WRITE_WITH_IMM),
    SEND(0x0a, WrOpcode.SEND),
    SEND_IMM(0x0b, WrOpcode.SEND_WITH_IMM),
    RDMA_READ(0x10, WrOpcode.RDMA_READ),
    ATOMIC_CS(0x11, WrOpcode.ATOMIC_CMP_AND_SWP),
    ATOMIC_FA(0x12, WrOpcode.ATOMIC_FETCH_AND_ADD),
    FAST_REG(0x19, WrOpcode.REG_MR),
    LOCAL_INVAL(0x1b, WrOpcode.LOCAL_INV);

    /** values() copies its array on every call; lookups walk this one. */
    private static final SendOpcode[] VALUES = values();

    private final int value;
    private final WrOpcode wr;

    SendOpcode(int value, WrOpcode wr) {
        this.value = value;
        this.wr = wr;
    }

    public int value() {
        return value;
    }

    public WrOpcode wr() {
        return wr;
    }

    /** The opcode for a work request, or null when the device has none (BIND_MW, LSO ...). */
    public static SendOpcode of(WrOpcode op) {
        for (SendOpcode o : VALUES) {
            if (o.wr == op) {
                return o;
            }
        }
        return null;
    }

    public static SendOpcode of(int value) {
        for (SendOpcode o : VALUES) {
            if (o.value == value) {
                return o;
            }
        }
        return null;
    }

    public WcOpcode completion() {
        return wr.completion();
    }

    /** §5: a remote address segment follows the control (and datagram) segment. */
    public boolean hasRemoteAddress() {
        return wr.isRdma();
    }

    public boolean hasAtomic() {
        return wr.isAtomic();
    }
}
