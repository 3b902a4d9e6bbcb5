// include/rdma/ib_verbs.h: struct ib_cq_init_attr; include/uapi/rdma/ib_user_verbs.h: the flags
package org.ibmodel.core;

/** Creation attributes of a CQ; {@code flags} are EX_CREATE_CQ's (IB_UVERBS_CQ_FLAGS_*). */
public record CqInitAttr(int cqe, int compVector, int flags) {
    /** IB_UVERBS_CQ_FLAGS_TIMESTAMP_COMPLETION */
    public static final int TIMESTAMP_COMPLETION = 1;
    /** IB_UVERBS_CQ_FLAGS_IGNORE_OVERRUN */
    public static final int IGNORE_OVERRUN = 2;

    /** No flags, as every kernel caller asks. */
    public CqInitAttr(int cqe, int compVector) {
        this(cqe, compVector, 0);
    }
}
