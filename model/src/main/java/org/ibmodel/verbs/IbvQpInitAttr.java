// libibverbs/verbs.h: struct ibv_qp_init_attr
package org.ibmodel.verbs;

/** What ibv_create_qp takes; {@link #cap} comes back with the sizes the kernel granted. */
public final class IbvQpInitAttr {
    public Object qpContext;
    public IbvCq sendCq;
    public IbvCq recvCq;
    public IbvSrq srq;
    public IbvQpCap cap = new IbvQpCap();
    public int qpType = IbvQpType.RC;
    public boolean sqSigAll;
}
