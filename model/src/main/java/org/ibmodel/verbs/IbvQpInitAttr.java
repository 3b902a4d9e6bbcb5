// libibverbs/verbs.h: struct ibv_qp_init_attr, and of struct ibv_qp_init_attr_ex its create_flags
package org.ibmodel.verbs;

/**
 * What ibv_create_qp takes; {@link #cap} comes back with the sizes the kernel granted. With
 * {@link #createFlags} set it is ibv_create_qp_ex with IBV_QP_INIT_ATTR_CREATE_FLAGS.
 */
public final class IbvQpInitAttr {
    /** enum ibv_qp_create_flags: IBV_QP_CREATE_BLOCK_SELF_MCAST_LB, no copy of its own multicast sends. */
    public static final int CREATE_BLOCK_SELF_MCAST_LB = 1 << 1;
    /** The other flags of enum ibv_qp_create_flags, IBV_QP_CREATE_SCATTER_FCS to PCI_WRITE_END_PADDING. */
    public static final int CREATE_SCATTER_FCS = 1 << 8;
    public static final int CREATE_CVLAN_STRIPPING = 1 << 9;
    public static final int CREATE_SOURCE_QPN = 1 << 10;
    public static final int CREATE_PCI_WRITE_END_PADDING = 1 << 11;
    /** libibverbs/cmd.c CREATE_QP_EX2_SUP_CREATE_FLAGS: the flags ibv_cmd_create_qp_ex2 passes on. */
    static final int CREATE_QP_EX2_SUP_CREATE_FLAGS = CREATE_BLOCK_SELF_MCAST_LB | CREATE_SCATTER_FCS
            | CREATE_CVLAN_STRIPPING | CREATE_SOURCE_QPN | CREATE_PCI_WRITE_END_PADDING;

    public Object qpContext;
    public IbvCq sendCq;
    public IbvCq recvCq;
    public IbvSrq srq;
    public IbvQpCap cap = new IbvQpCap();
    public int qpType = IbvQpType.RC;
    public boolean sqSigAll;
    /** ibv_qp_init_attr_ex.create_flags; 0: ibv_create_qp. */
    public int createFlags;
}
