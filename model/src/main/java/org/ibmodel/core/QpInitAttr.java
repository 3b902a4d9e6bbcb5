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
    /** enum ib_qp_create_flags bits; the driver refuses what it does not support. */
    public int createFlags;

    /** IB_QP_CREATE_IPOIB_UD_LSO */
    public static final int CREATE_IPOIB_UD_LSO = 1 << 0;
    /** IB_QP_CREATE_BLOCK_MULTICAST_LOOPBACK: the QP gets no copy of its own multicast sends. */
    public static final int CREATE_BLOCK_MULTICAST_LOOPBACK = 1 << 1;

    public static QpInitAttr of(QpType type, Cq sendCq, Cq recvCq, QpCap cap) {
        QpInitAttr a = new QpInitAttr();
        a.qpType = type;
        a.sendCq = sendCq;
        a.recvCq = recvCq;
        a.cap = cap;
        return a;
    }
}
