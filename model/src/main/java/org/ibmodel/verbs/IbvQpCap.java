// libibverbs/verbs.h: struct ibv_qp_cap
package org.ibmodel.verbs;

/** Queue sizes asked for at ibv_create_qp and, after it, what the kernel granted. */
public final class IbvQpCap {
    public int maxSendWr;
    public int maxRecvWr;
    public int maxSendSge;
    public int maxRecvSge;
    public int maxInlineData;

    public IbvQpCap() {
    }

    public IbvQpCap(int maxSendWr, int maxRecvWr, int maxSendSge, int maxRecvSge) {
        this.maxSendWr = maxSendWr;
        this.maxRecvWr = maxRecvWr;
        this.maxSendSge = maxSendSge;
        this.maxRecvSge = maxRecvSge;
    }
}
