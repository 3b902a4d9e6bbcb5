// libibverbs/verbs.h: enum ibv_wc_opcode and enum ibv_wc_flags
package org.ibmodel.verbs;

/** Work completion opcodes; receive completions have bit 7 set. */
public final class IbvWcOpcode {
    public static final int SEND = 0;
    public static final int RDMA_WRITE = 1;
    public static final int RDMA_READ = 2;
    public static final int COMP_SWAP = 3;
    public static final int FETCH_ADD = 4;
    public static final int BIND_MW = 5;
    public static final int LOCAL_INV = 6;
    public static final int RECV = 1 << 7;
    public static final int RECV_RDMA_WITH_IMM = RECV + 1;

    /** enum ibv_wc_flags */
    public static final int WC_GRH = 1;
    public static final int WC_WITH_IMM = 1 << 1;

    private IbvWcOpcode() {
    }
}
