// include/rdma/ib_verbs.h: struct ib_srq_attr, enum ib_srq_attr_mask
package org.ibmodel.core;

/** Attributes of a shared receive queue. */
public final class SrqAttr {
    /** IB_SRQ_MAX_WR: resize the queue. */
    public static final int MAX_WR = 1;
    /** IB_SRQ_LIMIT: arm the limit event. */
    public static final int LIMIT = 1 << 1;

    public int maxWr;
    public int maxSge;
    public int srqLimit;

    public SrqAttr(int maxWr, int maxSge, int srqLimit) {
        this.maxWr = maxWr;
        this.maxSge = maxSge;
        this.srqLimit = srqLimit;
    }
}
