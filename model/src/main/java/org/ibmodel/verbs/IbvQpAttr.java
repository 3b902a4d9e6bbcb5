// libibverbs/verbs.h: struct ibv_qp_attr
package org.ibmodel.verbs;

/** QP attributes for ibv_modify_qp and ibv_query_qp; which ones count is the attribute mask. */
public final class IbvQpAttr {
    public IbvQpState qpState = IbvQpState.RESET;
    public IbvQpState curQpState = IbvQpState.RESET;
    public int pathMtu;
    public int pathMigState;
    public int qkey;
    public int rqPsn;
    public int sqPsn;
    public int destQpNum;
    public int qpAccessFlags;
    public IbvQpCap cap = new IbvQpCap();
    public IbvAhAttr ahAttr = new IbvAhAttr();
    public IbvAhAttr altAhAttr = new IbvAhAttr();
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
}
