// include/rdma/ib_verbs.h: enum ib_wr_opcode (values of include/uapi/rdma/ib_user_verbs.h)
package org.ibmodel.core;

/** Send work-request opcodes, with the completion opcode each one reports. */
public enum WrOpcode {
    RDMA_WRITE(0, WcOpcode.RDMA_WRITE),
    RDMA_WRITE_WITH_IMM(1, WcOpcode.RDMA_WRITE),
    SEND(2, WcOpcode.SEND),
    SEND_WITH_IMM(3, WcOpcode.SEND),
    RDMA_READ(4, WcOpcode.RDMA_READ),
    ATOMIC_CMP_AND_SWP(5, WcOpcode.COMP_SWAP),
    ATOMIC_FETCH_AND_ADD(6, WcOpcode.FETCH_ADD),
    LOCAL_INV(7, WcOpcode.LOCAL_INV),
    BIND_MW(8, WcOpcode.BIND_MW),
    SEND_WITH_INV(9, WcOpcode.SEND),
    LSO(10, WcOpcode.LSO),
    RDMA_READ_WITH_INV(11, WcOpcode.RDMA_READ),
    /** Kernel only (struct ib_reg_wr): registers a region allocated by ib_alloc_mr. */
    REG_MR(0x20, WcOpcode.REG_MR);

    private final int value;
    private final WcOpcode completion;

    WrOpcode(int value, WcOpcode completion) {
        this.value = value;
        this.completion = completion;
    }

    public int value() {
        return value;
    }

    /** The opcode of the send-side work completion. */
    public WcOpcode completion() {
        return completion;
    }

    public boolean isAtomic() {
        return this == ATOMIC_CMP_AND_SWP || this == ATOMIC_FETCH_AND_ADD;
    }

    /** Operations that touch remote memory through an rkey. */
    public boolean isRdma() {
        return this == RDMA_WRITE || this == RDMA_WRITE_WITH_IMM || this == RDMA_READ
                || this == RDMA_READ_WITH_INV || isAtomic();
    }

    /** Operations that consume a receive WR at the target. */
    public boolean consumesRecv() {
        return this == SEND || this == SEND_WITH_IMM || this == SEND_WITH_INV
                || this == RDMA_WRITE_WITH_IMM;
    }

    /**
     * IB_SEND_INLINE applies (rxe_opcode.c WR_INLINE_MASK): the sends and the RDMA writes, whose
     * data goes out; a READ or an atomic has only a place for data to come back to.
     */
    public boolean takesInline() {
        return consumesRecv() || this == RDMA_WRITE;
    }

    /** Work done by the HCA itself, with nothing sent: registering or invalidating a key. */
    public boolean isLocal() {
        return this == REG_MR || this == LOCAL_INV;
    }

    public boolean hasImmediate() {
        return this == SEND_WITH_IMM || this == RDMA_WRITE_WITH_IMM;
    }

    public String kernelName() {
        return "IB_WR_" + name();
    }
}
