// The verbs of a software device: queue checks as drivers/infiniband/sw/rxe/rxe_verbs.c makes
// them, sizes as rxe_qp.c, rxe_cq.c and rxe_srq.c check them and full pools as rxe_pool.c
// refuses them (drivers/infiniband/sw/rxe), CQ notification as drivers/infiniband/sw/rxe/rxe_cq.c,
// CQ cleanup on reset/destroy as drivers/infiniband/hw/mlx4/qp.c
package org.ibmodel.sw.mem;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.CqNotifyFlags;
import org.ibmodel.core.DeviceAttr;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.IbCore;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.Pd;
import org.ibmodel.core.PortAttr;
import org.ibmodel.core.PortState;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.ResType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcFlags;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.ExecContext;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.sw.mem.MemQueues.CqRing;
import org.ibmodel.sw.mem.MemQueues.QpQueues;
import org.ibmodel.sw.mem.MemQueues.SrqQueue;

/**
 * The in-memory device. Creating a QP, CQ or SRQ checks its sizes as rxe does, and a QP, CQ, SRQ
 * or MR beyond the device's count is -EINVAL, as from rxe's full pool; posting checks and queues;
 * the {@link MemExecutor} runs queued work from a softirq; completions land in CQ rings and, when
 * a CQ is armed, raise an interrupt that reaches ib_core in hard-interrupt context.
 */
public final class MemDevice implements DeviceOps {
    /** The reserved lkey that covers all host memory for local access (IB_DEVICE_LOCAL_DMA_LKEY). */
    public static final int LOCAL_DMA_LKEY = 0x100;
    /** The first QPN handed out; 0 and 1 are the SMI and GSI QPs of each port (IBA 9.5.4). */
    public static final int FIRST_QPN = 0x40;

    private final Kernel kernel;
    private final HostMemory memory;
    private final Map<Integer, Qp> qps = new LinkedHashMap<>();
    private final Map<Integer, Mr> mrs = new LinkedHashMap<>();
    private final Map<Integer, Qp> specialQps = new LinkedHashMap<>();
    private final MemExecutor executor;
    private IbDevice device;
    private int nextQpn = FIRST_QPN;
    private int nextKey = 1;
    private boolean executorScheduled;

    private MemDevice(Kernel kernel, HostMemory memory) {
        this.kernel = kernel;
        this.memory = memory;
        this.executor = new MemExecutor(this);
    }

    /** A device with one port, ACTIVE with the given LID. */
    public static IbDevice create(IbCore core, String name, HostMemory memory, int lid) {
        return create(core, name, memory, lid, UnaryOperator.identity());
    }

    /**
     * As {@link #create(IbCore, String, HostMemory, int)}, with the device ops ib_core sees passed
     * through {@code wrap} first: tests put a deliberately broken driver behind ib_core this way
     * to show their checkers catch it.
     */
    public static IbDevice create(IbCore core, String name, HostMemory memory, int lid,
            UnaryOperator<DeviceOps> wrap) {
        MemDevice drv = new MemDevice(core.kernel(), memory);
        DeviceAttr attr = new DeviceAttr();
        attr.vendorId = 0x02c9;
        attr.kernelCapFlags = DeviceAttr.IBK_LOCAL_DMA_LKEY;
        // rxe_init_device_param (drivers/infiniband/sw/rxe/rxe.c): atomics are executed one at a
        // time on the device (MemExecutor.atomic), IB_ATOMIC_HCA.
        attr.atomicCap = DeviceAttr.ATOMIC_HCA;
        // rxe_param.h: RXE_MAX_QP_RD_ATOM, RXE_MAX_QP_INIT_RD_ATOM, RXE_MAX_RES_RD_ATOM.
        attr.maxQpRdAtom = 128;
        attr.maxQpInitRdAtom = 128;
        attr.maxResRdAtom = 0x3f000;
        // RXE_MAX_MR_SIZE and RXE_PAGE_SIZE_CAP: regions of any length, pages from 4 KiB up.
        attr.maxMrSize = -1L;
        attr.pageSizeCap = 0xffff_f000L;
        // RXE_MAX_SGE_RD, reported whatever max_send_sge a QP may have.
        attr.maxSgeRd = 32;
        PortAttr port = new PortAttr();
        // rxe_init_port_param: RXE_PORT_GID_TBL_LEN GIDs, RXE_PORT_MAX_VL_NUM (VL0 only).
        port.gidTblLen = 1024;
        port.maxVlNum = 1;
        IbDevice dev = new IbDevice(core, name, wrap.apply(drv), attr, memory, 0x0002_c903_0000_1000L + lid * 0x100L, port);
        drv.device = dev;
        dev.port(1).setLid(lid, 0);
        dev.port(1).setSm(lid, 0);
        dev.port(1).setState(PortState.ACTIVE);
        return dev;
    }

    /**
     * rxe_query_port (drivers/infiniband/sw/rxe/rxe_verbs.c) copies the port's attributes the
     * driver keeps; this device keeps them in the Port that ib_core holds, where whoever plays
     * the subnet manager sets them.
     */
    @Override
    public int queryPort(int portNum, PortAttr out) {
        out.set(device.port(portNum).query());
        return 0;
    }

    Kernel kernel() {
        return kernel;
    }

    HostMemory memory() {
        return memory;
    }

    IbDevice device() {
        return device;
    }

    /** The QP a packet for {@code qpn} arriving on {@code port} would reach, or null. */
    Qp qp(int qpn, int port) {
        int n = qpn & Qp.QPN_MASK;
        if (n <= 1) {
            return specialQps.get((port << 1) | n);
        }
        return qps.get(n);
    }

    /** Only a mutation test calls it: see {@link KeyCheck}. */
    void keyCheck(KeyCheck check) {
        executor.keyCheck(check);
    }

    Mr mrByKey(int key) {
        return mrs.get(key);
    }

    static QpQueues queues(Qp qp) {
        return (QpQueues) qp.drv();
    }

    static SrqQueue queue(Srq srq) {
        return (SrqQueue) srq.drv();
    }

    static CqRing ring(Cq cq) {
        return (CqRing) cq.drv();
    }

    // ---- PD, AH, MR -------------------------------------------------------------------

    @Override
    public int allocPd(Pd pd) {
        if (!pd.user()) {
            pd.localDmaLkey(LOCAL_DMA_LKEY);
        }
        return 0;
    }

    @Override
    public int deallocPd(Pd pd) {
        return 0;
    }

    @Override
    public int createAh(Ah ah, AhAttr attr) {
        return 0;
    }

    @Override
    public int destroyAh(Ah ah) {
        return 0;
    }

    @Override
    public int getDmaMr(Mr mr, int access) {
        return addMr(mr);
    }

    @Override
    public int regMr(Mr mr, long start, long length, long iova, int access) {
        // The region's pages (Mr.pages) are what the HCA reaches; iova is translated through them.
        return addMr(mr);
    }

    private int addMr(Mr mr) {
        // rxe_get_dma_mr and rxe_reg_user_mr add to the MR pool first: rxe_add_to_pool
        // (rxe_pool.c) refuses one past its max_elem with -EINVAL, not -ENOMEM.
        if (mrs.size() >= device.attr().maxMr) {
            return Errno.EINVAL.negative();
        }
        int key = (nextKey++ << 8) | 0x42;
        mr.assignKeys(key, key);
        mrs.put(key, mr);
        return 0;
    }

    @Override
    public int deregMr(Mr mr) {
        mrs.remove(mr.lkey());
        return 0;
    }

    // ---- CQ ---------------------------------------------------------------------------

    @Override
    public int createCq(Cq cq, CqInitAttr attr) {
        // rxe_create_cq: any flag is -EOPNOTSUPP, before the size is looked at.
        if (attr.flags() != 0) {
            return Errno.EOPNOTSUPP.negative();
        }
        int err = chkCqe(attr.cqe());
        if (err != 0) {
            return err;
        }
        // rxe_add_to_pool (rxe_pool.c): a full pool is -EINVAL.
        if (device.liveCount(ResType.CQ) >= device.attr().maxCq) {
            return Errno.EINVAL.negative();
        }
        cq.drv(new CqRing());
        cq.cqe(queueSlots(attr.cqe()));
        return 0;
    }

    @Override
    public int destroyCq(Cq cq) {
        return 0;
    }

    @Override
    public int resizeCq(Cq cq, int cqe) {
        if (chkCqe(cqe) != 0 || cqe < ring(cq).entries.size()) {
            return Errno.EINVAL.negative();
        }
        cq.cqe(queueSlots(cqe));
        return 0;
    }

    /**
     * rxe_queue_init (rxe_queue.c): a queue asked for n entries has roundup_pow_of_two(n + 1)
     * slots, one of which always stays empty, so it holds one less: that count is what rxe writes
     * back as a CQ's cqe (rxe_cq_from_init, rxe_cq_resize_queue), a QP's max_send_wr and
     * max_recv_wr (rxe_init_sq, rxe_init_rq) and an SRQ's max_wr (rxe_srq_from_init,
     * rxe_queue_resize), and what it lets be posted.
     */
    static int queueSlots(int n) {
        int slots = n + 1;
        int pow = slots <= 1 ? 1 : Integer.highestOneBit(slots - 1) << 1;
        return pow - 1;
    }

    /** rxe_cq_chk_attr (rxe_cq.c): a size from 1 to the device's max_cqe, else -EINVAL. */
    private int chkCqe(int cqe) {
        return cqe <= 0 || cqe > device.attr().maxCqe ? Errno.EINVAL.negative() : 0;
    }

    @Override
    public int pollCq(Cq cq, int numEntries, Wc[] wc) {
        CqRing r = ring(cq);
        int n = 0;
        while (n < numEntries && !r.entries.isEmpty()) {
            if (wc[n] == null) {
                wc[n] = new Wc();
            }
            wc[n].copyFrom(r.entries.poll());
            n++;
        }
        return n;
    }

    @Override
    public int reqNotifyCq(Cq cq, int flags) {
        CqRing r = ring(cq);
        // rxe_verbs.c rxe_req_notify_cq: arms add up, so a solicited request does not weaken a
        // pending next-completion arm; flags without a solicited bit arm nothing and are no error.
        r.armed |= flags & CqNotifyFlags.SOLICITED_MASK;
        if ((flags & CqNotifyFlags.REPORT_MISSED_EVENTS) != 0 && !r.entries.isEmpty()) {
            return 1;
        }
        return 0;
    }

    /**
     * A CQE is written. A full ring is an overrun: the entry is lost and the CQ's event handler
     * hears IB_EVENT_CQ_ERR (rxe_cq.c rxe_cq_post).
     */
    void complete(Cq cq, Wc wc, boolean solicited) {
        CqRing r = ring(cq);
        if (r.entries.size() >= cq.cqe()) {
            r.overrun = true;
            interrupt(cq, () -> cq.eventUpcall(IbEventType.CQ_ERR));
            return;
        }
        r.entries.add(wc);
        // A solicited arm fires on an unsuccessful completion too (ibv_req_notify_cq(3): "a CQE is
        // solicited if ... the status is not successful"), as the HCA does; here the device
        // departs from rxe, whose completer posts every send CQE as unsolicited.
        boolean fire = (r.armed & CqNotifyFlags.NEXT_COMP) != 0
                || ((r.armed & CqNotifyFlags.SOLICITED) != 0 && (solicited || wc.status != WcStatus.SUCCESS));
        if (fire) {
            r.armed = 0;
            interrupt(cq, cq::completionUpcall);
        }
    }

    /**
     * The device raises an interrupt about {@code cq}; its handler runs in hard-interrupt
     * context. One still in flight when the CQ is destroyed is dropped: destroy waits for it
     * (rxe_cq.c rxe_cq_disable, mlx4_cq_free's synchronize_irq), so no upcall follows
     * ib_destroy_cq.
     */
    private void interrupt(Cq cq, Runnable handler) {
        raise(() -> {
            if (!cq.freed()) {
                handler.run();
            }
        });
    }

    /** The same for an event about {@code qp}: none follows ib_destroy_qp. */
    private void interrupt(Qp qp, Runnable handler) {
        raise(() -> {
            if (!qp.freed()) {
                handler.run();
            }
        });
    }

    private void raise(Runnable handler) {
        kernel.raiseSoftirq("mem-irq", () -> kernel.runIn(ExecContext.HARDIRQ, handler));
    }

    // ---- SRQ --------------------------------------------------------------------------

    @Override
    public int createSrq(Srq srq, SrqAttr attr) {
        // rxe_srq.c rxe_srq_chk_init: max_wr from 1 to max_srq_wr, max_sge at most max_srq_sge,
        // as u32s (-EINVAL).
        DeviceAttr a = device.attr();
        if (attr.maxWr == 0 || above(attr.maxWr, a.maxSrqWr) || above(attr.maxSge, a.maxSrqSge)) {
            return Errno.EINVAL.negative();
        }
        // rxe_add_to_pool (rxe_pool.c): the SRQ pool holds max_srq; a full one is -EINVAL.
        if (device.liveCount(ResType.SRQ) >= a.maxSrq) {
            return Errno.EINVAL.negative();
        }
        SrqQueue q = new SrqQueue();
        // rxe_srq_from_init: the limit asked for at creation is armed.
        q.limit = attr.srqLimit;
        srq.drv(q);
        // rxe_srq_chk_init raises max_sge to RXE_MIN_SRQ_SGE (1); rxe_srq_from_init writes back
        // the size its queue got.
        attr.maxSge = Math.max(attr.maxSge, 1);
        attr.maxWr = queueSlots(attr.maxWr);
        return 0;
    }

    @Override
    public int modifySrq(Srq srq, SrqAttr attr, int mask) {
        // rxe_srq_chk_attr (rxe_srq.c), as u32s: a new size from 1 to max_srq_wr and not below
        // an armed limit; a limit at most max_srq_wr and the queue's size before any resize. Then
        // rxe_queue_resize refuses to drop what is posted (-EINVAL).
        DeviceAttr a = device.attr();
        SrqQueue q = queue(srq);
        boolean resize = (mask & SrqAttr.MAX_WR) != 0;
        if (resize && (attr.maxWr == 0 || above(attr.maxWr, a.maxSrqWr)
                || q.limit != 0 && Integer.compareUnsigned(attr.maxWr, q.limit) < 0)) {
            return Errno.EINVAL.negative();
        }
        if ((mask & SrqAttr.LIMIT) != 0 && (above(attr.srqLimit, a.maxSrqWr) || above(attr.srqLimit, srq.maxWr()))) {
            return Errno.EINVAL.negative();
        }
        // resize_finish compares the resized queue's room, not the size asked, with what is posted.
        if (resize && queueSlots(attr.maxWr) < q.wrs.size()) {
            return Errno.EINVAL.negative();
        }
        if (resize) {
            attr.maxWr = queueSlots(attr.maxWr);
        }
        // rxe_srq_from_attr: the limit is the driver's own (srq->limit).
        if ((mask & SrqAttr.LIMIT) != 0) {
            q.limit = attr.srqLimit;
        }
        return 0;
    }

    /**
     * rxe_query_srq (rxe_verbs.c): max_wr the queue's room, max_sge as created, and its own
     * srq->limit, which the responder clears as it fires the event.
     */
    @Override
    public int querySrq(Srq srq, SrqAttr out) {
        out.maxWr = srq.maxWr();
        out.maxSge = srq.maxSge();
        out.srqLimit = queue(srq).limit;
        return 0;
    }

    @Override
    public int destroySrq(Srq srq) {
        return 0;
    }

    @Override
    public PostResult postSrqRecv(Srq srq, List<RecvWr> wrs) {
        SrqQueue q = queue(srq);
        PostResult result = PostResult.OK;
        for (int i = 0; i < wrs.size(); i++) {
            RecvWr wr = wrs.get(i);
            int err = checkRecvWr(wr, q.wrs.size(), srq.maxWr(), srq.maxSge());
            if (err != 0) {
                result = PostResult.fail(err, i);
                break;
            }
            q.wrs.add(wr);
        }
        // The WRs before bad_wr are posted and must be processed (rxe schedules its task anyway).
        kick();
        return result;
    }

    // ---- QP ---------------------------------------------------------------------------

    @Override
    public int createQp(Qp qp, QpInitAttr attr) {
        // rxe_create_qp: no create flag is supported.
        if (attr.createFlags != 0) {
            return Errno.EOPNOTSUPP.negative();
        }
        // rxe_qp_chk_init: "missing cq".
        if (attr.sendCq == null || attr.recvCq == null) {
            return Errno.EINVAL.negative();
        }
        int err = chkCap(attr.cap, attr.srq != null);
        if (err != 0) {
            return err;
        }
        boolean special = attr.qpType == QpType.SMI || attr.qpType == QpType.GSI;
        // rxe_qp_chk_init (rxe_qp.c): after the sizes, a GSI QP's port must be the device's
        // (-EINVAL); an SRQ is no matter. rxe has no SMI QP; this device's is checked alike.
        if (special && !device.isPortValid(attr.portNum)) {
            return Errno.EINVAL.negative();
        }
        // The special QP's number and its key among the ports' special QPs (unused otherwise).
        int qpn = attr.qpType == QpType.SMI ? 0 : 1;
        int specialKey = (attr.portNum << 1) | qpn;
        // rxe_qp_chk_init then refuses a second GSI QP of the port with -EINVAL (mthca and the
        // HCA driver say -EBUSY), before the pool is asked.
        if (special && specialQps.containsKey(specialKey)) {
            return Errno.EINVAL.negative();
        }
        // rxe_add_to_pool (rxe_pool.c): a full pool is -EINVAL, not -ENOMEM.
        if (device.liveCount(ResType.QP) >= device.attr().maxQp) {
            return Errno.EINVAL.negative();
        }
        if (special) {
            specialQps.put(specialKey, qp);
        } else {
            qpn = nextQpn++;
        }
        // rxe_qp_init_req: the send WQE is sized for the larger of the SGE list and the inline
        // data, and both are written back from it (and reported by rxe_qp_to_attr): an inline
        // limit of at least the SGE list's bytes, as many SGEs as the inline data's bytes take.
        // The queues hold what rxe_queue_init made of the counts asked (queueSlots); with an SRQ
        // rxe makes no receive queue and leaves max_recv_wr as asked.
        QpCap c = attr.cap;
        int wqe = Math.max(c.maxSendSge() * SGE_SIZE, c.maxInlineData());
        int recvWr = attr.srq != null ? c.maxRecvWr() : queueSlots(c.maxRecvWr());
        attr.cap = new QpCap(queueSlots(c.maxSendWr()), recvWr, wqe / SGE_SIZE, c.maxRecvSge(), wqe);
        qp.assignQpNum(qpn);
        qp.drv(new QpQueues());
        if (qpn > 1) {
            qps.put(qpn, qp);
        }
        return 0;
    }

    /**
     * rxe_qp_chk_cap (rxe_qp.c): work requests and SGEs above the device's are -EINVAL, the
     * receive ones only without an SRQ, and so is inline data above what the largest send WQE's
     * SGE list would take (rxe_param.h RXE_MAX_INLINE_DATA, 512 bytes for rxe's 32 SGEs).
     * The caps are u32 there, so a negative one is too large.
     */
    private int chkCap(QpCap c, boolean hasSrq) {
        DeviceAttr a = device.attr();
        boolean bad = above(c.maxSendWr(), a.maxQpWr) || above(c.maxSendSge(), a.maxSendSge)
                || !hasSrq && (above(c.maxRecvWr(), a.maxQpWr) || above(c.maxRecvSge(), a.maxRecvSge))
                || above(c.maxInlineData(), maxInlineData());
        return bad ? Errno.EINVAL.negative() : 0;
    }

    /** struct ib_sge: the bytes one SGE takes in a send WQE. */
    static final int SGE_SIZE = 16;

    /**
     * RXE_MAX_INLINE_DATA: the room of the largest SGE list, max_send_sge SGEs. ib_query_device
     * has no field for it; a QP's cap reports what it got.
     */
    int maxInlineData() {
        return device.attr().maxSendSge * SGE_SIZE;
    }

    /** The kernel's comparison of a u32 value with a limit. */
    private static boolean above(int u32, int max) {
        return Integer.compareUnsigned(u32, max) > 0;
    }

    @Override
    public int modifyQp(Qp qp, QpAttr attr, int mask, QpState cur, QpState next) {
        int err = chkAttr(qp, attr, mask);
        if (err != 0) {
            return err;
        }
        QpQueues q = queues(qp);
        boolean toState = QpAttrMask.STATE.isSet(mask);
        // rxe_qp.c __qp_chk_state: while the send queue drains, SQD may only be left for ERR.
        if (toState && cur == QpState.SQD && q.sqDraining && next != QpState.ERR) {
            return Errno.EINVAL.negative();
        }
        if (next != QpState.SQD) {
            q.sqDraining = false;
            q.sqdNotify = false;
        }
        switch (next) {
            case RESET -> {
                q.sq.clear();
                q.rq.clear();
                q.rnrWait = false;
                cleanCqs(qp);
            }
            case ERR -> {
                flushSq(qp);
                flushRq(qp);
                if (cur != QpState.ERR) {
                    lastWqeReached(qp);
                }
            }
            case SQD -> {
                if (toState) {
                    // rxe_qp_sqd: every move to SQD drains until the send queue next runs. The
                    // event is the one RTS->SQD asked for (mlx4 qp.c sqd_event, IBA 11.6.3).
                    q.sqDraining = true;
                    q.sqdNotify = cur == QpState.RTS && QpAttrMask.EN_SQD_ASYNC_NOTIFY.isSet(mask)
                            && attr.enSqdAsyncNotify;
                    kick();
                }
            }
            case RTS -> kick();
            default -> {
            }
        }
        return 0;
    }

    /** The access flags a QP takes (rxe_qp_chk_attr, rvt_modify_qp). */
    private static final int QP_ACCESS = AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE
            | AccessFlags.REMOTE_READ | AccessFlags.REMOTE_ATOMIC | AccessFlags.MW_BIND;

    /**
     * The values ib_core leaves to the driver, checked as rxe_qp_chk_attr (rxe_qp.c) and
     * rvt_modify_qp (rdmavt/qp.c) check them: a path MTU that is none or above the port's, a
     * timeout or min_rnr_timer above 31, retry counts above 7 (IBA 9.7.5.2.8, 12.7.34), read
     * depths above the device's, unknown access flags, a destination QPN wider than 24 bits
     * (-EINVAL).
     */
    private int chkAttr(Qp qp, QpAttr a, int mask) {
        int port = QpAttrMask.PORT.isSet(mask) ? a.portNum : qp.portNum();
        if (QpAttrMask.PATH_MTU.isSet(mask)) {
            Mtu mtu = Mtu.ofValue(a.pathMtuValue);
            int p = device.isPortValid(port) ? port : 1;
            if (mtu == null || mtu.value() > device.port(p).query().maxMtu.value()) {
                return Errno.EINVAL.negative();
            }
        }
        boolean bad = QpAttrMask.TIMEOUT.isSet(mask) && (a.timeout < 0 || a.timeout > 31)
                || QpAttrMask.ALT_PATH.isSet(mask) && (a.altTimeout < 0 || a.altTimeout > 31)
                || QpAttrMask.RETRY_CNT.isSet(mask) && (a.retryCnt < 0 || a.retryCnt > 7)
                || QpAttrMask.RNR_RETRY.isSet(mask) && (a.rnrRetry < 0 || a.rnrRetry > 7)
                || QpAttrMask.MIN_RNR_TIMER.isSet(mask) && (a.minRnrTimer < 0 || a.minRnrTimer > 31)
                || QpAttrMask.MAX_QP_RD_ATOMIC.isSet(mask)
                        && (a.maxRdAtomic < 0 || a.maxRdAtomic > device.attr().maxQpInitRdAtom)
                || QpAttrMask.MAX_DEST_RD_ATOMIC.isSet(mask)
                        && (a.maxDestRdAtomic < 0 || a.maxDestRdAtomic > device.attr().maxQpRdAtom)
                || QpAttrMask.ACCESS_FLAGS.isSet(mask) && (a.qpAccessFlags & ~QP_ACCESS) != 0
                || QpAttrMask.DEST_QPN.isSet(mask) && (a.destQpNum & ~Qp.QPN_MASK) != 0;
        return bad ? Errno.EINVAL.negative() : 0;
    }

    /**
     * rxe_qp_from_attr (rxe_qp.c) keeps max_rd_atomic and max_dest_rd_atomic rounded up to a
     * power of two, 0 staying 0, and rxe_qp_to_attr reports what it kept; ib_core holds the
     * depths as asked, so the rounding is applied here.
     */
    @Override
    public int queryQp(Qp qp, QpAttr out) {
        out.maxRdAtomic = readDepth(out.maxRdAtomic);
        out.maxDestRdAtomic = readDepth(out.maxDestRdAtomic);
        // rxe_qp_to_attr reports attr.sq_draining.
        out.sqDraining = qp.state() == QpState.SQD && queues(qp).sqDraining;
        return 0;
    }

    private static int readDepth(int n) {
        return n <= 1 ? Math.max(n, 0) : Integer.highestOneBit(n - 1) << 1;
    }

    @Override
    public int destroyQp(Qp qp) {
        qps.remove(qp.qpNum());
        specialQps.values().remove(qp);
        QpQueues q = queues(qp);
        q.sq.clear();
        q.rq.clear();
        cleanCqs(qp);
        return 0;
    }

    /** Drops the CQEs of a QP that is reset or destroyed (mlx4_ib_cq_clean). */
    private static void cleanCqs(Qp qp) {
        ring(qp.sendCq()).entries.removeIf(wc -> wc.qp == qp);
        ring(qp.recvCq()).entries.removeIf(wc -> wc.qp == qp);
    }

    @Override
    public PostResult postSend(Qp qp, List<SendWr> wrs) {
        QpState s = qp.state();
        // rxe_verbs.c rxe_post_send: a QP sends from RTS on; SQD and the error states queue.
        if (s == QpState.RESET || s == QpState.INIT || s == QpState.RTR) {
            return PostResult.fail(Errno.EINVAL.negative(), 0);
        }
        QpQueues q = queues(qp);
        PostResult result = PostResult.OK;
        for (int i = 0; i < wrs.size(); i++) {
            SendWr wr = wrs.get(i);
            int err = checkSendWr(qp, wr);
            if (err != 0) {
                result = PostResult.fail(err, i);
                break;
            }
            if (q.sq.size() >= qp.cap().maxSendWr()) {
                result = PostResult.fail(Errno.ENOMEM.negative(), i);
                break;
            }
            q.sq.add(wr);
        }
        // The WRs before bad_wr are posted: they are flushed or executed like any other.
        if (s == QpState.ERR || s == QpState.SQE) {
            flushSq(qp);
        } else {
            kick();
        }
        return result;
    }

    /** IBA's largest message, 2^31 bytes (rxe_verbs.c validate_send_wr). */
    static final long MAX_MSG_SIZE = 1L << 31;

    /**
     * rxe_verbs.c validate_send_wr: the WR must fit the QP and the QP type must allow it; its
     * SGEs may add up to 2^31 bytes; an atomic's to 8 in all, at an 8-byte aligned remote address;
     * inline data only for the opcodes rxe_opcode.c gives WR_INLINE_MASK (sends and writes).
     */
    private static int checkSendWr(Qp qp, SendWr wr) {
        if (wr.numSge() > qp.cap().maxSendSge() || wr.length() > MAX_MSG_SIZE) {
            return Errno.EINVAL.negative();
        }
        WrOpcode op = wr.opcode();
        if ((wr.sendFlags() & SendFlags.INLINE) != 0
                && (wr.length() > qp.cap().maxInlineData() || !op.takesInline())) {
            return Errno.EINVAL.negative();
        }
        boolean ok = switch (qp.type()) {
            case RC -> op != WrOpcode.LSO && op != WrOpcode.BIND_MW;
            case UC -> op == WrOpcode.SEND || op == WrOpcode.SEND_WITH_IMM || op == WrOpcode.RDMA_WRITE
                    || op == WrOpcode.RDMA_WRITE_WITH_IMM || op == WrOpcode.SEND_WITH_INV;
            case UD, GSI, SMI -> op == WrOpcode.SEND || op == WrOpcode.SEND_WITH_IMM;
            default -> false;
        };
        if (!ok) {
            return Errno.EINVAL.negative();
        }
        if (qp.type().datagram() && (wr.ah() == null || wr.ah().freed() || wr.ah().pd() != qp.pd())) {
            return Errno.EINVAL.negative();
        }
        if (op.isAtomic() && (wr.length() != 8 || (wr.remoteAddr() & 7) != 0)) {
            return Errno.EINVAL.negative();
        }
        return 0;
    }

    @Override
    public PostResult postRecv(Qp qp, List<RecvWr> wrs) {
        QpState s = qp.state();
        // rxe_verbs.c rxe_post_recv: not to a QP on an SRQ; receives may be posted from INIT on.
        if (qp.srq() != null || s == QpState.RESET) {
            return PostResult.fail(Errno.EINVAL.negative(), 0);
        }
        QpQueues q = queues(qp);
        PostResult result = PostResult.OK;
        for (int i = 0; i < wrs.size(); i++) {
            RecvWr wr = wrs.get(i);
            int err = checkRecvWr(wr, q.rq.size(), qp.cap().maxRecvWr(), qp.cap().maxRecvSge());
            if (err != 0) {
                result = PostResult.fail(err, i);
                break;
            }
            q.rq.add(wr);
        }
        // The WRs before bad_wr are posted: they are flushed or consumed like any other.
        if (s == QpState.ERR) {
            flushRq(qp);
        } else {
            kick();
        }
        return result;
    }

    /**
     * rxe_verbs.c post_one_recv, for a QP's queue and an SRQ's alike: a full queue is -ENOMEM,
     * tested first; then more SGEs than the queue takes, or SGEs adding up to 2^31 bytes or more
     * (IBA's largest message), are -EINVAL.
     */
    private static int checkRecvWr(RecvWr wr, int queued, int maxWr, int maxSge) {
        if (queued >= maxWr) {
            return Errno.ENOMEM.negative();
        }
        return wr.numSge() > maxSge || wr.length() >= MAX_MSG_SIZE ? Errno.EINVAL.negative() : 0;
    }

    /**
     * The device moves a QP to ERR on its own, after a fatal error (rxe_qp.c rxe_qp_error):
     * both queues flush, as on a modify to ERR.
     */
    void qpError(Qp qp) {
        qp.deviceSetState(QpState.ERR);
        queues(qp).sqDraining = false;
        queues(qp).sqdNotify = false;
        flushSq(qp);
        flushRq(qp);
        lastWqeReached(qp);
    }

    /**
     * The send queue of a QP in SQD has run: no WR is in progress between two runs of the executor
     * (an RNR-waiting one is retried by the next run, as rxe's req_retry puts it back to posted),
     * so the drain ends (rxe_req.c req_check_sq_drain_done) and the event asked for is raised.
     */
    void sqDrained(Qp qp) {
        QpQueues q = queues(qp);
        q.sqDraining = false;
        if (q.sqdNotify) {
            q.sqdNotify = false;
            interrupt(qp, () -> qp.eventUpcall(IbEventType.SQ_DRAINED));
        }
    }

    /** IBA 10.3.1: a QP on an SRQ reports its last WQE whenever it enters ERR. */
    private void lastWqeReached(Qp qp) {
        if (qp.srq() != null) {
            interrupt(qp, () -> qp.eventUpcall(IbEventType.QP_LAST_WQE_REACHED));
        }
    }

    // ---- completion helpers used by the executor --------------------------------------

    /** Every outstanding send WR completes with IB_WC_WR_FLUSH_ERR, in order, signaled or not. */
    void flushSq(Qp qp) {
        QpQueues q = queues(qp);
        while (!q.sq.isEmpty()) {
            SendWr wr = q.sq.poll();
            complete(qp.sendCq(), sendWc(qp, wr, WcStatus.WR_FLUSH_ERR), false);
        }
        q.rnrWait = false;
    }

    void flushRq(Qp qp) {
        QpQueues q = queues(qp);
        while (!q.rq.isEmpty()) {
            complete(qp.recvCq(), recvWc(qp, q.rq.poll(), WcStatus.WR_FLUSH_ERR), false);
        }
    }

    /**
     * rxe_comp.c make_send_cqe: every send completion carries wr_id, status and qp; a successful
     * one also its opcode, IB_WC_WITH_IMM for the two opcodes with immediate data, and byte_len
     * the WR's length (wqe->dma.length, its SGEs' sum). A failed or flushed one leaves them as
     * the zeroed CQE had them: opcode 0 (IB_WC_SEND), byte_len 0, no flags.
     */
    static Wc sendWc(Qp qp, SendWr wr, WcStatus status) {
        Wc wc = new Wc();
        wc.wrId = wr.wrId();
        wc.wrCqe = wr.wrCqe();
        wc.status = status;
        wc.qp = qp;
        if (status == WcStatus.SUCCESS) {
            wc.opcode = wr.opcode().completion();
            wc.byteLen = (int) wr.length();
            if (wr.opcode().hasImmediate()) {
                wc.wcFlags = WcFlags.WITH_IMM;
            }
        }
        return wc;
    }

    static Wc recvWc(Qp qp, RecvWr wr, WcStatus status) {
        Wc wc = new Wc();
        wc.wrId = wr.wrId();
        wc.wrCqe = wr.wrCqe();
        wc.status = status;
        wc.opcode = WcOpcode.RECV;
        wc.qp = qp;
        return wc;
    }

    /** Schedules the executor, once, in softirq context (rxe runs its tasks there too). */
    void kick() {
        if (!executorScheduled) {
            executorScheduled = true;
            kernel.raiseSoftirq("mem-xmit", () -> {
                executorScheduled = false;
                executor.run(activeQps());
            });
        }
    }

    private List<Qp> activeQps() {
        List<Qp> out = new ArrayList<>(specialQps.values());
        for (Iterator<Qp> it = qps.values().iterator(); it.hasNext();) {
            out.add(it.next());
        }
        return out;
    }
}
