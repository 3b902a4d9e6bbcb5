// libibverbs/verbs.h: struct ibv_srq_attr (inside struct ibv_srq_init_attr)
package org.ibmodel.verbs;

/** SRQ sizes asked for at ibv_create_srq and, after it, what the kernel granted. */
public final class IbvSrqAttr {
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
