// include/rdma/ib_verbs.h: struct ib_qp_cap
package org.ibmodel.core;

/** Work-queue sizes of a QP. */
public record QpCap(int maxSendWr, int maxRecvWr, int maxSendSge, int maxRecvSge, int maxInlineData) {
    public static QpCap of(int maxSendWr, int maxRecvWr, int maxSge) {
        return new QpCap(maxSendWr, maxRecvWr, maxSge, maxSge, 0);
    }
}
