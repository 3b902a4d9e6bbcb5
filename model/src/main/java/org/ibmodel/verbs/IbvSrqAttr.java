// libibverbs/verbs.h: struct ibv_srq_attr (inside struct ibv_srq_init_attr)
package org.ibmodel.verbs;

/**
 * SRQ sizes asked for at ibv_create_srq and, after it, what the kernel granted; what
 * ibv_modify_srq changes (the fields its mask names) and ibv_query_srq reports.
 */
public final class IbvSrqAttr {
    /** enum ibv_srq_attr_mask: resize the SRQ (mlx4 cannot: EINVAL). */
    public static final int MAX_WR = 1 << 0;
    /** enum ibv_srq_attr_mask: arm the limit, IBV_EVENT_SRQ_LIMIT_REACHED when fewer WRs are left. */
    public static final int LIMIT = 1 << 1;

    public int maxWr;
    public int maxSge;
    public int srqLimit;

    public IbvSrqAttr() {
    }

    public IbvSrqAttr(int maxWr, int maxSge, int srqLimit) {
        this.maxWr = maxWr;
        this.maxSge = maxSge;
        this.srqLimit = srqLimit;
    }
}
