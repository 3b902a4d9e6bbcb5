// libibverbs/verbs.h: enum ibv_wr_opcode and enum ibv_send_flags
package org.ibmodel.verbs;

/** Send work request opcodes (the ABI values of enum ibv_wr_opcode) and send flags. */
public final class IbvWrOpcode {
    public static final int RDMA_WRITE = 0;
    public static final int RDMA_WRITE_WITH_IMM = 1;
    public static final int SEND = 2;
    public static final int SEND_WITH_IMM = 3;
    public static final int RDMA_READ = 4;
    public static final int ATOMIC_CMP_AND_SWP = 5;
    public static final int ATOMIC_FETCH_AND_ADD = 6;
    public static final int LOCAL_INV = 7;
    public static final int BIND_MW = 8;
    public static final int SEND_WITH_INV = 9;

    /** enum ibv_send_flags */
    public static final int SEND_FENCE = 1;
    public static final int SEND_SIGNALED = 1 << 1;
    public static final int SEND_SOLICITED = 1 << 2;
    public static final int SEND_INLINE = 1 << 3;

    private IbvWrOpcode() {
    }

    static boolean isRdma(int op) {
        return op == RDMA_WRITE || op == RDMA_WRITE_WITH_IMM || op == RDMA_READ;
    }

    static boolean isAtomic(int op) {
        return op == ATOMIC_CMP_AND_SWP || op == ATOMIC_FETCH_AND_ADD;
    }
}
