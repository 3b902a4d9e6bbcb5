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
    public long deviceCapFlags;
    /** IB_DEVICE_CHANGE_PHY_PORT in deviceCapFlags. */
    public static final long CHANGE_PHY_PORT = 1L << 5;
    /** IB_DEVICE_PORT_ACTIVE_EVENT in deviceCapFlags. */
    public static final long PORT_ACTIVE_EVENT = 1L << 10;
    /** IB_DEVICE_SYS_IMAGE_GUID in deviceCapFlags. */
    public static final long SYS_IMAGE_GUID = 1L << 11;
    /** IB_DEVICE_RC_RNR_NAK_GEN in deviceCapFlags. */
    public static final long RC_RNR_NAK_GEN = 1L << 12;
    /** IB_DEVICE_BLOCK_MULTICAST_LOOPBACK in deviceCapFlags. */
    public static final long BLOCK_MULTICAST_LOOPBACK = 1L << 22;
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
