// include/rdma/ib_verbs.h: struct ib_device_attr
package org.ibmodel.core;

/** Device capabilities, as ib_query_device reports them. */
public final class DeviceAttr {
    public long fwVer;
    public long sysImageGuid;
    public long maxMrSize = 1L << 32;
    public long pageSizeCap = 4096;
    public int vendorId;
    public int vendorPartId;
    public int hwVer;
    public int maxQp = 256;
    public int maxQpWr = 1024;
    /** enum ib_device_cap_flags: what uverbs reports to user space (ib_uverbs_device_cap_flags). */
    public long deviceCapFlags;
    /** IB_DEVICE_BAD_PKEY_CNTR: PortInfo's P_Key violation counter counts. */
    public static final long BAD_PKEY_CNTR = 1L << 1;
    /** IB_DEVICE_BAD_QKEY_CNTR: and the Q_Key one. */
    public static final long BAD_QKEY_CNTR = 1L << 2;
    /** IB_DEVICE_AUTO_PATH_MIG: alternate paths and migration. */
    public static final long AUTO_PATH_MIG = 1L << 4;
    /** IB_DEVICE_CHANGE_PHY_PORT in deviceCapFlags. */
    public static final long CHANGE_PHY_PORT = 1L << 5;
    /** IB_DEVICE_PORT_ACTIVE_EVENT in deviceCapFlags. */
    public static final long PORT_ACTIVE_EVENT = 1L << 10;
    /** IB_DEVICE_SYS_IMAGE_GUID in deviceCapFlags. */
    public static final long SYS_IMAGE_GUID = 1L << 11;
    /** IB_DEVICE_RC_RNR_NAK_GEN in deviceCapFlags. */
    public static final long RC_RNR_NAK_GEN = 1L << 12;
    /** IB_DEVICE_MEM_MGT_EXTENSIONS: IB_WR_REG_MR, IB_WR_LOCAL_INV and SEND with invalidate. */
    public static final long MEM_MGT_EXTENSIONS = 1L << 21;
    /**
     * enum ib_kernel_cap_flags: for kernel ULPs only, never reported to user space (since Linux
     * 5.19 they are apart from deviceCapFlags).
     */
    public long kernelCapFlags;
    /** IBK_LOCAL_DMA_LKEY: one lkey reaches all local memory without a registration. */
    public static final long IBK_LOCAL_DMA_LKEY = 1L << 0;
    /** IBK_BLOCK_MULTICAST_LOOPBACK: IB_QP_CREATE_BLOCK_MULTICAST_LOOPBACK is honoured. */
    public static final long IBK_BLOCK_MULTICAST_LOOPBACK = 1L << 5;
    public int maxSendSge = 16;
    public int maxRecvSge = 16;
    /** SGEs an RDMA READ work request may scatter into; 0 when the driver does not say. */
    public int maxSgeRd;
    public int maxCq = 256;
    public int maxCqe = 4096;
    public int maxMr = 1024;
    public int maxPd = 256;
    public int maxQpRdAtom = 16;
    public int maxQpInitRdAtom = 16;
    /** Responder resources of the whole device; 0 when the driver does not say. */
    public int maxResRdAtom;
    /** enum ib_atomic_cap: IB_ATOMIC_NONE, IB_ATOMIC_HCA, IB_ATOMIC_GLOB. */
    public static final int ATOMIC_NONE = 0;
    public static final int ATOMIC_HCA = 1;
    public int atomicCap = ATOMIC_NONE;
    /** The same for masked compare-and-swap and fetch-and-add. */
    public int maskedAtomicCap = ATOMIC_NONE;
    /** Pages one IB_WR_REG_MR may map (ib_alloc_mr's max_num_sg); 0 without fast registration. */
    public int maxFastRegPageListLen;
    public int maxSrq = 64;
    public int maxSrqWr = 1024;
    public int maxSrqSge = 16;
    public int maxAh = 1024;
    public int maxPkeys = 64;
    public int localCaAckDelay = 15;
    /** Multicast groups, QPs per group and attachments in all; 0 without multicast. */
    public int maxMcastGrp;
    public int maxMcastQpAttach;
    public int maxTotalMcastQpAttach;
    /**
     * struct ib_cq_caps: the largest count and period (µs) rdma_set_cq_moderation takes; 0 on a
     * device without modify_cq.
     */
    public int maxCqModerationCount;
    public int maxCqModerationPeriod;
}
