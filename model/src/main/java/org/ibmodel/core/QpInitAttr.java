// include/rdma/ib_verbs.h: struct ib_qp_init_attr
package org.ibmodel.core;

/** Creation attributes of a QP. Public fields, as the kernel struct is filled in by callers. */
public final class QpInitAttr {
    public IbEventHandler eventHandler;
    public Object qpContext;
    public Cq sendCq;
    public Cq recvCq;
    public Srq srq;
    public QpCap cap = QpCap.of(1, 1, 1);
    public SigType sqSigType = SigType.ALL_WR;
    public QpType qpType = QpType.RC;
    /** Only for SMI and GSI QPs, which belong to one port. */
    public int portNum;

    public static QpInitAttr of(QpType type, Cq sendCq, Cq recvCq, QpCap cap) {
        QpInitAttr a = new QpInitAttr();
        a.qpType = type;
        a.sendCq = sendCq;
        a.recvCq = recvCq;
        a.cap = cap;
        return a;
    }
}
