// include/rdma/ib_verbs.h: enum ib_wc_opcode (values shared with include/uapi/rdma/ib_user_verbs.h)
package org.ibmodel.core;

/** Work-completion opcodes with the kernel's values. */
public enum WcOpcode {
    SEND(0),
    RDMA_WRITE(1),
    RDMA_READ(2),
    COMP_SWAP(3),
    FETCH_ADD(4),
    BIND_MW(5),
    LOCAL_INV(6),
    LSO(7),
    FLUSH(8),
    ATOMIC_WRITE(9),
    REG_MR(10),
    MASKED_COMP_SWAP(11),
    MASKED_FETCH_ADD(12),
    RECV(1 << 7),
    RECV_RDMA_WITH_IMM((1 << 7) + 1);

    private final int value;

    WcOpcode(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** Receive completions have bit 7 set (IB_WC_RECV). */
    public boolean isRecv() {
        return (value & RECV.value) != 0;
    }

    public String kernelName() {
        return "IB_WC_" + name();
    }
}
