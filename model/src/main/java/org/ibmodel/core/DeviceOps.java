// include/rdma/ib_verbs.h: struct ib_device_ops
package org.ibmodel.core;

import java.util.List;

/**
 * What a driver implements. ib_core has already checked what every driver would check (object
 * in use, masks against the QP state table, capabilities against the device limits) before it
 * calls here; a driver adds its own checks and returns 0 or a negative errno. Objects arrive
 * allocated by ib_core; a driver keeps its private state in {@code drv(...)} of each object.
 */
public interface DeviceOps {
    /**
     * query_port: the port's attributes as the driver knows them now, into {@code out}, a new
     * PortAttr; ib_query_port calls it on every query (the port number is valid). 0 or -errno.
     */
    int queryPort(int portNum, PortAttr out);

    int allocPd(Pd pd);

    int deallocPd(Pd pd);

    int createCq(Cq cq, CqInitAttr attr);

    int destroyCq(Cq cq);

    int resizeCq(Cq cq, int cqe);

    /**
     * modify_cq: hold the CQ's completion event back until {@code cqCount} completions have come
     * or {@code cqPeriod} µs have passed (each a u16, 0: no bound). A driver without one (rxe) leaves
     * ib_core to answer -EOPNOTSUPP.
     */
    default int modifyCq(Cq cq, int cqCount, int cqPeriod) {
        return org.ibmodel.kernel.Errno.EOPNOTSUPP.negative();
    }

    /** Copies up to {@code numEntries} completions into {@code wc}; returns how many, or -errno. */
    int pollCq(Cq cq, int numEntries, Wc[] wc);

    /** Arms the CQ; with REPORT_MISSED_EVENTS returns 1 when completions may have been missed. */
    int reqNotifyCq(Cq cq, int flags);

    /** Creates the QP and assigns its number with {@link Qp#assignQpNum}. */
    int createQp(Qp qp, QpInitAttr attr);

    /** Applies a modify that ib_core has validated; {@code cur} is the QP's state before it. */
    int modifyQp(Qp qp, QpAttr attr, int mask, QpState cur, QpState next);

    int destroyQp(Qp qp);

    /**
     * ib_query_qp's driver half: {@code out} holds ib_core's copy of the attributes; a driver whose
     * device changes some of them on its own (path migration) puts the device's in. 0 or -errno.
     */
    default int queryQp(Qp qp, QpAttr out) {
        return 0;
    }

    PostResult postSend(Qp qp, List<SendWr> wrs);

    PostResult postRecv(Qp qp, List<RecvWr> wrs);

    int createSrq(Srq srq, SrqAttr attr);

    int modifySrq(Srq srq, SrqAttr attr, int mask);

    /**
     * query_srq: fills max_wr, max_sge and srq_limit as the driver and its device hold them now.
     * 0 or -errno; a driver without it leaves ib_query_srq -EOPNOTSUPP (core/verbs.c).
     */
    default int querySrq(Srq srq, SrqAttr out) {
        return org.ibmodel.kernel.Errno.EOPNOTSUPP.negative();
    }

    int destroySrq(Srq srq);

    PostResult postSrqRecv(Srq srq, List<RecvWr> wrs);

    /** Assigns lkey and rkey with {@link Mr#assignKeys}. */
    int getDmaMr(Mr mr, int access);

    int regMr(Mr mr, long start, long length, long iova, int access);

    int deregMr(Mr mr);

    /**
     * ib_alloc_mr for IB_MR_TYPE_MEM_REG: a key with room for {@code maxNumSg} pages and no
     * mapping, registered later by IB_WR_REG_MR. Assigns keys with {@link Mr#assignKeys}.
     */
    default int allocMr(Mr mr, int maxNumSg) {
        return org.ibmodel.kernel.Errno.EOPNOTSUPP.negative();
    }

    /** The driver's map_mr_sg: {@code pages} become the page list an IB_WR_REG_MR hands the HCA. */
    default int mapMrSg(Mr mr, long[] pages) {
        return org.ibmodel.kernel.Errno.EOPNOTSUPP.negative();
    }

    /**
     * process_mad: a MAD for the device's own agents, received on {@code portNum} ({@code inWc}
     * says from whom; null for one generated on this host). Returns {@link MadResult} bits, with
     * the response in {@code outMad} when REPLY is set. A driver without agents of its own
     * leaves it to the MAD layer: SUCCESS alone changes nothing there.
     */
    default int processMad(int flags, int portNum, Wc inWc, byte[] inMad, byte[] outMad) {
        return MadResult.SUCCESS;
    }

    /**
     * Whether the driver has process_mad: without it the MAD layer offers it nothing, and the
     * SMI hands no directed-route SMP to a local agent (smi_check_local_smp).
     */
    default boolean hasProcessMad() {
        return false;
    }

    /**
     * Whether the driver has attach_mcast and detach_mcast: ib_attach_mcast and ib_detach_mcast
     * answer -EOPNOTSUPP before any other check when it has not.
     */
    default boolean hasMulticast() {
        return false;
    }

    /** Whether the driver has modify_cq: uverbs' EX_MODIFY_CQ needs it (UAPI_DEF_METHOD_NEEDS_FN). */
    default boolean hasModifyCq() {
        return false;
    }

    /**
     * alloc_ucontext, which ib_init_ucontext calls for a process's GET_CONTEXT: 0, or the errno
     * the driver refuses a new user context with.
     */
    default int allocUcontext() {
        return 0;
    }

    /**
     * Whether the driver has disassociate_ucontext: uverbs can then take a device away from
     * under open files (ib_uverbs_remove_one) instead of waiting for them to close.
     */
    default boolean hasDisassociateUcontext() {
        return false;
    }

    /**
     * Whether the driver has drain_sq and drain_rq: ib_drain_sq and ib_drain_rq call them instead
     * of their own __ib_drain_sq and __ib_drain_rq (drivers/infiniband/core/verbs.c).
     */
    default boolean hasDrain() {
        return false;
    }

    /** drain_sq: {@code qp}'s send queue drained, as __ib_drain_sq promises. */
    default void drainSq(Qp qp) {
        throw new UnsupportedOperationException("drain_sq");
    }

    /** drain_rq: {@code qp}'s receive queue drained, as __ib_drain_rq promises. */
    default void drainRq(Qp qp) {
        throw new UnsupportedOperationException("drain_rq");
    }

    /** attach_mcast: {@code qp} (UD) receives what is sent to the group {@code gid}, {@code lid}. */
    default int attachMcast(Qp qp, byte[] gid, int lid) {
        return org.ibmodel.kernel.Errno.EOPNOTSUPP.negative();
    }

    /** detach_mcast: {@code qp} leaves the group. */
    default int detachMcast(Qp qp, byte[] gid, int lid) {
        return org.ibmodel.kernel.Errno.EOPNOTSUPP.negative();
    }

    int createAh(Ah ah, AhAttr attr);

    int destroyAh(Ah ah);
}
