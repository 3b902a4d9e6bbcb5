// include/rdma/ib_verbs.h: struct ib_qp_attr
package org.ibmodel.core;

/**
 * Attributes of a QP for ib_modify_qp and ib_query_qp. Which fields are read is said by the
 * attribute mask ({@link QpAttrMask}), as in the kernel.
 */
public final class QpAttr {
    public QpState qpState = QpState.RESET;
    public QpState curQpState = QpState.RESET;
    public Mtu pathMtu = Mtu.MTU_256;
    /** Raw ib_mtu value; validation rejects values that are not an ib_mtu. Set by {@link #pathMtu(Mtu)}. */
    public int pathMtuValue = Mtu.MTU_256.value();
    public int pathMigState;
    public int qkey;
    public int rqPsn;
    public int sqPsn;
    public int destQpNum;
    public int qpAccessFlags;
    public QpCap cap;
    public AhAttr ahAttr;
    public AhAttr altAhAttr;
    public int pkeyIndex;
    public int altPkeyIndex;
    public boolean enSqdAsyncNotify;
    public boolean sqDraining;
    public int maxRdAtomic;
    public int maxDestRdAtomic;
    public int minRnrTimer;
    public int portNum;
    public int timeout;
    public int retryCnt;
    public int rnrRetry;
    public int altPortNum;
    public int altTimeout;
    public int rateLimit;

    public QpAttr state(QpState s) {
        qpState = s;
        return this;
    }

    public QpAttr pathMtu(Mtu m) {
        pathMtu = m;
        pathMtuValue = m.value();
        return this;
    }

    public QpAttr copy() {
        QpAttr c = new QpAttr();
        c.qpState = qpState;
        c.curQpState = curQpState;
        c.pathMtu = pathMtu;
        c.pathMtuValue = pathMtuValue;
        c.pathMigState = pathMigState;
        c.qkey = qkey;
        c.rqPsn = rqPsn;
        c.sqPsn = sqPsn;
        c.destQpNum = destQpNum;
        c.qpAccessFlags = qpAccessFlags;
        c.cap = cap;
        c.ahAttr = ahAttr;
        c.altAhAttr = altAhAttr;
        c.pkeyIndex = pkeyIndex;
        c.altPkeyIndex = altPkeyIndex;
        c.enSqdAsyncNotify = enSqdAsyncNotify;
        c.sqDraining = sqDraining;
        c.maxRdAtomic = maxRdAtomic;
        c.maxDestRdAtomic = maxDestRdAtomic;
        c.minRnrTimer = minRnrTimer;
        c.portNum = portNum;
        c.timeout = timeout;
        c.retryCnt = retryCnt;
        c.rnrRetry = rnrRetry;
        c.altPortNum = altPortNum;
        c.altTimeout = altTimeout;
        c.rateLimit = rateLimit;
        return c;
    }
}
