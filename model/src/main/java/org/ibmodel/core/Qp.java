// drivers/infiniband/core/verbs.c: ib_create_qp, _ib_modify_qp, ib_query_qp, ib_destroy_qp,
// __ib_drain_sq / __ib_drain_rq; the port and P_Key index checks of core/security.c
// (ib_security_modify_qp); the ranges of the other values are each driver's to check
package org.ibmodel.core;

import static org.ibmodel.core.QpAttrMask.ACCESS_FLAGS;
import static org.ibmodel.core.QpAttrMask.ALT_PATH;
import static org.ibmodel.core.QpAttrMask.AV;
import static org.ibmodel.core.QpAttrMask.CUR_STATE;
import static org.ibmodel.core.QpAttrMask.DEST_QPN;
import static org.ibmodel.core.QpAttrMask.EN_SQD_ASYNC_NOTIFY;
import static org.ibmodel.core.QpAttrMask.MAX_DEST_RD_ATOMIC;
import static org.ibmodel.core.QpAttrMask.MAX_QP_RD_ATOMIC;
import static org.ibmodel.core.QpAttrMask.MIN_RNR_TIMER;
import static org.ibmodel.core.QpAttrMask.PATH_MIG_STATE;
import static org.ibmodel.core.QpAttrMask.PATH_MTU;
import static org.ibmodel.core.QpAttrMask.PKEY_INDEX;
import static org.ibmodel.core.QpAttrMask.PORT;
import static org.ibmodel.core.QpAttrMask.QKEY;
import static org.ibmodel.core.QpAttrMask.RATE_LIMIT;
import static org.ibmodel.core.QpAttrMask.RETRY_CNT;
import static org.ibmodel.core.QpAttrMask.RNR_RETRY;
import static org.ibmodel.core.QpAttrMask.RQ_PSN;
import static org.ibmodel.core.QpAttrMask.SQ_PSN;
import static org.ibmodel.core.QpAttrMask.STATE;
import static org.ibmodel.core.QpAttrMask.TIMEOUT;

import java.util.List;
import org.ibmodel.kernel.Completion;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.KernelBug;

/** A queue pair. Its state changes only through {@link #modify} or, for errors, the device. */
public final class Qp extends IbObject {
    /** PSNs are 24 bits (IBA 9.7.2). */
    public static final int PSN_MASK = 0xffffff;
    /** QPNs are 24 bits (IBA 9.2). */
    public static final int QPN_MASK = 0xffffff;
    /** rnr_retry of 7 retries forever (IBA 9.7.5.2.8). */
    public static final int RNR_RETRY_INFINITE = 7;
    /** Q_Keys with the high bit set are controlled: senders use the QP's own (IBA 10.2.4). */
    public static final int QKEY_CONTROLLED = 0x8000_0000;
    /** IB_QP1_QKEY (include/rdma/ib_mad.h): the Q_Key every GSI QP takes (IBA 13.4.6.3). */
    public static final int QP1_QKEY = 0x8001_0000;

    private final Pd pd;
    private final QpType type;
    private final Cq sendCq;
    private final Cq recvCq;
    private final Srq srq;
    private QpCap cap;
    private final SigType sigType;
    private final IbEventHandler eventHandler;
    /** qp->srq_completion: completed by ib_core's QP event handler on LAST_WQE_REACHED. */
    private final Completion srqCompletion;
    private final Object context;
    private final QpAttr attr = new QpAttr();
    private QpState state = QpState.RESET;
    private int qpNum = -1;

    private Qp(Pd pd, QpInitAttr init) {
        super(pd.device(), ResType.QP);
        this.pd = pd;
        this.type = init.qpType;
        this.sendCq = init.sendCq;
        this.recvCq = init.recvCq;
        this.srq = init.srq;
        this.cap = capOf(init);
        this.sigType = init.sqSigType;
        this.eventHandler = init.eventHandler;
        this.srqCompletion = new Completion(pd.device().kernel());
        this.context = init.qpContext;
        this.attr.portNum = init.portNum;
        this.attr.cap = cap;
    }

    /**
     * ib_create_qp: checks the type (-EOPNOTSUPP) and that the CQs and SRQ given are the device's
     * (-EINVAL), then asks the driver, which checks the capabilities, the QP count and that there
     * are CQs at all (core/verbs.c create_qp takes a NULL CQ: rxe refuses it, mlx4 oopses).
     */
    public static Result<Qp> create(Pd pd, QpInitAttr init) {
        pd.checkLive("ib_create_qp");
        IbDevice dev = pd.device();
        dev.kernel().mightSleep();
        int err = checkInit(dev, pd, init);
        if (err != 0) {
            return Result.err(err);
        }
        Qp qp = new Qp(pd, init);
        int ret = dev.ops().createQp(qp, init);
        if (ret != 0) {
            return Result.err(ret);
        }
        // The driver may have written back what it made (a ring holds a power of two of WRs).
        qp.cap = capOf(init);
        qp.attr.cap = qp.cap;
        if (qp.qpNum < 0) {
            throw new KernelBug(KernelBug.WARN_ON, dev.name() + ": driver created a QP without a number");
        }
        pd.get();
        qp.sendCq.get();
        qp.recvCq.get();
        if (qp.srq != null) {
            qp.srq.get();
        }
        qp.live();
        return Result.of(qp);
    }

    /** rdma_get_gid_attr's answer for an address vector's GRH source GID; 0 without a GRH. */
    private static int sgidErr(IbDevice dev, AhAttr av) {
        return av.grh() == null ? 0 : dev.port(av.portNum()).checkSgidIndex(av.grh().sgidIndex());
    }

    /** The capabilities a QP reports: no receive queue of its own on an SRQ. */
    private static QpCap capOf(QpInitAttr init) {
        return init.srq == null ? init.cap
                : new QpCap(init.cap.maxSendWr(), 0, init.cap.maxSendSge(), 0, init.cap.maxInlineData());
    }

    private static int checkInit(IbDevice dev, Pd pd, QpInitAttr init) {
        if (init.qpType == null || !init.qpType.supported()) {
            return Errno.EOPNOTSUPP.negative();
        }
        if (init.cap == null) {
            return Errno.EINVAL.negative();
        }
        for (Cq cq : new Cq[] {init.sendCq, init.recvCq}) {
            if (cq != null) {
                cq.checkLive("ib_create_qp");
                if (cq.device() != dev) {
                    return Errno.EINVAL.negative();
                }
            }
        }
        if (init.srq != null) {
            init.srq.checkLive("ib_create_qp");
            if (init.srq.device() != dev) {
                return Errno.EINVAL.negative();
            }
        }
        // The capabilities, the number of QPs and an SMI or GSI QP's port are the driver's to
        // check (core/verbs.c create_qp checks none of them, nor an SRQ on a special QP):
        // rxe_qp_chk_cap, rxe_qp_chk_init and its pool; mlx4's set_rq_size, set_kernel_sq_size
        // and QP bitmap; each with its own limits and errno.
        return 0;
    }

    /** Set once by the driver in createQp. */
    public void assignQpNum(int qpn) {
        if (qpNum >= 0) {
            throw new KernelBug(KernelBug.WARN_ON, "QP number assigned twice");
        }
        qpNum = qpn & QPN_MASK;
    }

    public int qpNum() {
        return qpNum;
    }

    public QpType type() {
        return type;
    }

    public QpState state() {
        return state;
    }

    public Pd pd() {
        return pd;
    }

    public Cq sendCq() {
        return sendCq;
    }

    public Cq recvCq() {
        return recvCq;
    }

    public Srq srq() {
        return srq;
    }

    public QpCap cap() {
        return cap;
    }

    public SigType sigType() {
        return sigType;
    }

    public Object context() {
        return context;
    }

    /** The attributes the QP holds now; the driver reads them, nobody may change them. */
    public QpAttr attr() {
        QpAttr a = attr.copy();
        a.qpState = state;
        a.curQpState = state;
        return a;
    }

    /** The port the QP is bound to (0 before RESET->INIT for connected and UD QPs). */
    public int portNum() {
        return attr.portNum;
    }

    /**
     * ib_modify_qp. The paths' source GIDs are looked up first and the ports and P_Key indexes
     * checked, as ib_core does before the driver runs; the asserted current state is
     * IB_QP_CUR_STATE's when given; the table decides whether the move and its mask are legal,
     * and only a fully valid request reaches the driver and changes the QP.
     */
    public int modify(QpAttr req, int mask) {
        checkLive("ib_modify_qp");
        device().kernel().mightSleep();
        // _ib_modify_qp fills the source GIDs of the paths first, whatever the move, so its errno
        // comes before any the driver's checks would give.
        int err = fillSgidAttrs(req, mask);
        if (err != 0) {
            return err;
        }
        // ib_security_modify_qp (drivers/infiniband/core/security.c) then checks the ports and
        // P_Key indexes the request names against the port's table, still before the driver.
        err = checkAttrValues(req, mask);
        if (err != 0) {
            return err;
        }
        // The drivers the model follows refuse any bit beyond the standard ones, IB_QP_RATE_LIMIT
        // included, before they look at anything else (mlx4_ib_modify_qp in
        // drivers/infiniband/hw/mlx4/qp.c, rxe_modify_qp in drivers/infiniband/sw/rxe/rxe_verbs.c).
        if ((mask & ~QpAttrMask.STANDARD_BITS) != 0) {
            return Errno.EOPNOTSUPP.negative();
        }
        QpState cur = CUR_STATE.isSet(mask) ? req.curQpState : state;
        QpState next = STATE.isSet(mask) ? req.qpState : cur;
        if (cur == null || next == null) {
            return Errno.EINVAL.negative();
        }
        if (!QpStateTable.isModifyOk(cur, next, type, mask)) {
            return Errno.EINVAL.negative();
        }
        // ib_core never compares IB_QP_CUR_STATE with its own copy of the state, which is stale
        // after the device moved the QP alone (a UD or UC send error to SQE, HCA.md §5.10): that is
        // what the bit is for. The driver issues the command for cur->next (_mlx4_ib_modify_qp,
        // mthca_modify_qp) and the device refuses one from a state it is not in; rxe takes it.
        QpAttr masked = req.copy();
        // verbs.c: PSNs are masked to 24 bits with a warning, not rejected.
        masked.rqPsn &= PSN_MASK;
        masked.sqPsn &= PSN_MASK;
        int ret = device().ops().modifyQp(this, masked, mask, cur, next);
        if (ret != 0) {
            return ret;
        }
        apply(masked, mask, next);
        return 0;
    }

    /**
     * _ib_modify_qp (drivers/infiniband/core/verbs.c): rdma_fill_sgid_attr of the AV, then of the
     * alternate path's AV, each rdma_check_ah_attr's port and then the GRH's source GID. The
     * alternate path's own port and P_Key index are checked later (core/security.c, the driver).
     */
    private int fillSgidAttrs(QpAttr a, int mask) {
        IbDevice dev = device();
        if (AV.isSet(mask)) {
            if (a.ahAttr == null || !dev.isPortValid(a.ahAttr.portNum())) {
                return Errno.EINVAL.negative();
            }
            int sgid = sgidErr(dev, a.ahAttr);
            if (sgid != 0) {
                return sgid;
            }
        }
        if (ALT_PATH.isSet(mask)) {
            if (a.altAhAttr == null || !dev.isPortValid(a.altAhAttr.portNum())) {
                return Errno.EINVAL.negative();
            }
            return sgidErr(dev, a.altAhAttr);
        }
        return 0;
    }

    private int checkAttrValues(QpAttr a, int mask) {
        IbDevice dev = device();
        int port = PORT.isSet(mask) ? a.portNum : attr.portNum;
        if (PORT.isSet(mask)) {
            if (!dev.isPortValid(a.portNum)) {
                return Errno.EINVAL.negative();
            }
            // SMI and GSI QPs belong to the port they were created on.
            if ((type == QpType.SMI || type == QpType.GSI) && a.portNum != attr.portNum) {
                return Errno.EINVAL.negative();
            }
        }
        if (PKEY_INDEX.isSet(mask)
                && (!dev.isPortValid(port) || a.pkeyIndex < 0 || a.pkeyIndex >= dev.port(port).pkeyTableLength())) {
            return Errno.EINVAL.negative();
        }
        if (ALT_PATH.isSet(mask) && (!dev.isPortValid(a.altPortNum)
                || a.altPkeyIndex < 0 || a.altPkeyIndex >= dev.port(a.altPortNum).pkeyTableLength())) {
            return Errno.EINVAL.negative();
        }
        // Path MTU, timeouts, retry counts, read depths, access flags and the destination QPN are
        // not the core's to check: rxe_qp_chk_attr refuses some, mlx4 shifts them into its context
        // as they come, and each driver of the model does as the one it follows.
        return 0;
    }

    private void apply(QpAttr a, int mask, QpState next) {
        if (next == QpState.RESET) {
            // Back to the attributes of a new QP; SMI and GSI QPs keep the port they were made on.
            copyInto(new QpAttr(), attr);
            if (type != QpType.SMI && type != QpType.GSI) {
                attr.portNum = 0;
            }
        }
        if (PORT.isSet(mask)) {
            attr.portNum = a.portNum;
        }
        if (PKEY_INDEX.isSet(mask)) {
            attr.pkeyIndex = a.pkeyIndex;
        }
        if (QKEY.isSet(mask)) {
            attr.qkey = a.qkey;
        }
        if (ACCESS_FLAGS.isSet(mask)) {
            attr.qpAccessFlags = a.qpAccessFlags;
        }
        if (AV.isSet(mask)) {
            attr.ahAttr = a.ahAttr;
        }
        if (ALT_PATH.isSet(mask)) {
            attr.altAhAttr = a.altAhAttr;
            attr.altPortNum = a.altPortNum;
            attr.altPkeyIndex = a.altPkeyIndex;
            attr.altTimeout = a.altTimeout;
        }
        if (PATH_MTU.isSet(mask)) {
            attr.pathMtu = Mtu.ofValue(a.pathMtuValue);
            attr.pathMtuValue = a.pathMtuValue;
        }
        if (PATH_MIG_STATE.isSet(mask)) {
            attr.pathMigState = a.pathMigState;
        }
        if (DEST_QPN.isSet(mask)) {
            attr.destQpNum = a.destQpNum;
        }
        if (RQ_PSN.isSet(mask)) {
            attr.rqPsn = a.rqPsn;
        }
        if (SQ_PSN.isSet(mask)) {
            attr.sqPsn = a.sqPsn;
        }
        if (TIMEOUT.isSet(mask)) {
            attr.timeout = a.timeout;
        }
        if (RETRY_CNT.isSet(mask)) {
            attr.retryCnt = a.retryCnt;
        }
        if (RNR_RETRY.isSet(mask)) {
            attr.rnrRetry = a.rnrRetry;
        }
        if (MIN_RNR_TIMER.isSet(mask)) {
            attr.minRnrTimer = a.minRnrTimer;
        }
        if (MAX_QP_RD_ATOMIC.isSet(mask)) {
            attr.maxRdAtomic = a.maxRdAtomic;
        }
        if (MAX_DEST_RD_ATOMIC.isSet(mask)) {
            attr.maxDestRdAtomic = a.maxDestRdAtomic;
        }
        if (EN_SQD_ASYNC_NOTIFY.isSet(mask)) {
            attr.enSqdAsyncNotify = a.enSqdAsyncNotify;
        }
        if (RATE_LIMIT.isSet(mask)) {
            attr.rateLimit = a.rateLimit;
        }
        state = next;
    }

    /** Copies the modifiable attributes (not state, port or caps) from {@code c} to {@code target}. */
    private static void copyInto(QpAttr c, QpAttr target) {
        target.pathMtu = c.pathMtu;
        target.pathMtuValue = c.pathMtuValue;
        target.pathMigState = c.pathMigState;
        target.qkey = c.qkey;
        target.rqPsn = c.rqPsn;
        target.sqPsn = c.sqPsn;
        target.destQpNum = c.destQpNum;
        target.qpAccessFlags = c.qpAccessFlags;
        target.ahAttr = c.ahAttr;
        target.altAhAttr = c.altAhAttr;
        target.pkeyIndex = c.pkeyIndex;
        target.altPkeyIndex = c.altPkeyIndex;
        target.enSqdAsyncNotify = c.enSqdAsyncNotify;
        target.maxRdAtomic = c.maxRdAtomic;
        target.maxDestRdAtomic = c.maxDestRdAtomic;
        target.minRnrTimer = c.minRnrTimer;
        target.timeout = c.timeout;
        target.retryCnt = c.retryCnt;
        target.rnrRetry = c.rnrRetry;
        target.altPortNum = c.altPortNum;
        target.altTimeout = c.altTimeout;
        target.rateLimit = c.rateLimit;
    }

    /**
     * The device moved the QP on its own: to ERR on a fatal error, to SQE on a send error of an
     * unreliable QP in RTS, or in SQD while a WQE it had begun completes (IBA 10.3.1, 11.6.3).
     * Nothing else may change state outside modify.
     */
    public void deviceSetState(QpState next) {
        boolean ok = next == QpState.ERR
                || (next == QpState.SQE && (state == QpState.RTS || state == QpState.SQD)
                    && (type == QpType.UD || type == QpType.UC || type == QpType.GSI || type == QpType.SMI));
        if (!ok) {
            throw new KernelBug(KernelBug.WARN_ON, "device moved qpn 0x" + Integer.toHexString(qpNum) + " "
                    + state + "->" + next + ", which the device may not do on its own");
        }
        state = next;
    }

    /**
     * The driver reports an affiliated asynchronous event (QP_FATAL, COMM_EST, ...). ib_core's
     * own handler (__ib_qp_event_handler, verbs.c) notes LAST_WQE_REACHED of a QP on an SRQ for
     * ib_drain_qp, then passes every event to the ULP's.
     */
    public void eventUpcall(IbEventType type) {
        if (type.scope() != IbEventType.Scope.QP) {
            throw new IllegalArgumentException(type + " is not a QP event");
        }
        if (type == IbEventType.QP_LAST_WQE_REACHED && srq != null) {
            srqCompletion.complete();
        }
        if (eventHandler != null) {
            eventHandler.handle(IbEvent.qp(this, type));
        }
    }

    /** ib_query_qp */
    public int query(QpAttr out) {
        checkLive("ib_query_qp");
        QpAttr now = attr();
        copyInto(now, out);
        out.qpState = now.qpState;
        out.curQpState = now.curQpState;
        out.portNum = now.portNum;
        out.cap = now.cap;
        // A QP in RESET has no context on the device to read.
        return state == QpState.RESET ? 0 : device().ops().queryQp(this, out);
    }

    /** ib_post_send */
    public PostResult postSend(List<SendWr> wrs) {
        checkLive("ib_post_send");
        return device().ops().postSend(this, wrs);
    }

    public PostResult postSend(SendWr... wrs) {
        return postSend(List.of(wrs));
    }

    /** ib_post_recv: the driver's answer (a QP on an SRQ has no receive queue to post to). */
    public PostResult postRecv(List<RecvWr> wrs) {
        checkLive("ib_post_recv");
        return device().ops().postRecv(this, wrs);
    }

    public PostResult postRecv(RecvWr... wrs) {
        return postRecv(List.of(wrs));
    }

    /** The multicast LIDs (IBA 4.1; include/rdma/ib_verbs.h IB_MULTICAST_LID_BASE), 0xFFFF being permissive. */
    public static final int MULTICAST_LID_BASE = 0xC000;
    public static final int PERMISSIVE_LID = 0xFFFF;

    /**
     * ib_attach_mcast (drivers/infiniband/core/verbs.c): -EOPNOTSUPP if the driver has no
     * attach_mcast; -EINVAL unless {@code gid} is a multicast GID ({@link #isMulticastGid}), the QP is
     * UD and {@code lid} a multicast LID (is_valid_mcast_lid on an IB port); else the driver's
     * answer. Each attachment holds the QP, so it cannot be destroyed (-EBUSY) until detached.
     */
    public int attachMcast(byte[] gid, int lid) {
        checkLive("ib_attach_mcast");
        device().kernel().mightSleep();
        int bad = checkMcast(gid, lid);
        if (bad != 0) {
            return bad;
        }
        int ret = device().ops().attachMcast(this, gid.clone(), lid);
        if (ret == 0) {
            get();
        }
        return ret;
    }

    /** ib_detach_mcast: the same checks, and the hold an attachment took is dropped. */
    public int detachMcast(byte[] gid, int lid) {
        checkLive("ib_detach_mcast");
        device().kernel().mightSleep();
        int bad = checkMcast(gid, lid);
        if (bad != 0) {
            return bad;
        }
        int ret = device().ops().detachMcast(this, gid.clone(), lid);
        if (ret == 0) {
            put();
        }
        return ret;
    }

    private int checkMcast(byte[] gid, int lid) {
        if (!device().ops().hasMulticast()) {
            return Errno.EOPNOTSUPP.negative();
        }
        if (gid == null || gid.length != 16 || !isMulticastGid(gid) || type != QpType.UD) {
            return Errno.EINVAL.negative();
        }
        // is_valid_mcast_lid asks ib_query_qp for the QP's state and port, to check the LID on
        // that port only; failing that (its answer is not otherwise used), on every port. Each
        // port here is InfiniBand, so either way the LID must be a multicast one.
        query(new QpAttr());
        if (lid < MULTICAST_LID_BASE || lid >= PERMISSIVE_LID) {
            return Errno.EINVAL.negative();
        }
        return 0;
    }

    /**
     * rdma_is_multicast_addr (include/rdma/ib_addr.h): an IPv6 multicast address (first byte
     * 0xff), or an IPv4-mapped one (::ffff:a.b.c.d) of an IPv4 multicast address, 224.0.0.0/4.
     */
    static boolean isMulticastGid(byte[] gid) {
        if ((gid[0] & 0xff) == 0xff) {
            return true;
        }
        for (int i = 0; i < 10; i++) {
            if (gid[i] != 0) {
                return false;
            }
        }
        return (gid[10] & 0xff) == 0xff && (gid[11] & 0xff) == 0xff && (gid[12] & 0xf0) == 0xe0;
    }

    /** ib_destroy_qp: -EBUSY while the QP is still held (multicast, shared), changing nothing. */
    public int destroy() {
        checkLive("ib_destroy_qp");
        device().kernel().mightSleep();
        if (usecnt() != 0) {
            return Errno.EBUSY.negative();
        }
        int ret = device().ops().destroyQp(this);
        if (ret != 0) {
            return ret;
        }
        pd.put();
        sendCq.put();
        recvCq.put();
        if (srq != null) {
            srq.put();
        }
        free();
        return 0;
    }

    /**
     * ib_drain_sq: move to ERR, post a marker WR and wait until its flush completion is reaped,
     * so every WR posted before has completed. Needs a CQ from ib_alloc_cq.
     */
    public void drainSq() {
        if (device().ops().hasDrain()) {
            device().ops().drainSq(this);
        } else {
            drain(sendCq, true);
        }
        sendCq.traceDrainComplete();
    }

    /** ib_drain_rq */
    public void drainRq() {
        if (device().ops().hasDrain()) {
            device().ops().drainRq(this);
        } else {
            drain(recvCq, false);
        }
        recvCq.traceDrainComplete();
    }

    /** ib_drain_qp: the send queue, then the receive queue or, for a QP on an SRQ, what it took. */
    public void drain() {
        drainSq();
        if (srq == null) {
            drainRq();
        } else {
            drainSrq();
        }
    }

    /** How long __ib_drain_srq waits for LAST_WQE_REACHED (wait_for_completion_timeout, 60 s). */
    static final long SRQ_DRAIN_TIMEOUT_NS = 60_000_000_000L;

    /**
     * __ib_drain_srq (verbs.c, Linux 6.11 on), IBA's advice for a QP on an SRQ: in ERR, wait for
     * the Last WQE Reached event, then reap the receive CQ directly, at most its size, so the
     * receives the QP had taken are completed. Without the event in time it reaps nothing.
     */
    private void drainSrq() {
        checkLive("ib_drain_qp");
        device().kernel().mightSleep();
        int ret = modify(new QpAttr().state(QpState.ERR), STATE.bit());
        if (ret != 0) {
            throw new KernelBug(KernelBug.WARN_ON, "failed to drain shared recv queue: " + ret);
        }
        if (!device().kernel().waitEventTimeoutOrExpire(srqCompletion::done, SRQ_DRAIN_TIMEOUT_NS,
                "ib_drain_qp: LAST_WQE_REACHED of " + this)) {
            return;
        }
        srqCompletion.tryWaitForCompletion();
        int polled = 0;
        while (polled != recvCq.cqe()) {
            int n = recvCq.processDirect(recvCq.cqe() - polled);
            if (n == 0) {
                return;
            }
            polled += n;
        }
    }

    private void drain(Cq cq, boolean send) {
        checkLive(send ? "ib_drain_sq" : "ib_drain_rq");
        device().kernel().mightSleep();
        if (cq.pollContext() == null) {
            throw new KernelBug(KernelBug.WARN_ON, "drain of a QP whose CQ is not from ib_alloc_cq");
        }
        int ret = modify(new QpAttr().state(QpState.ERR), STATE.bit());
        if (ret != 0) {
            throw new KernelBug(KernelBug.WARN_ON, "failed to drain " + (send ? "send" : "recv") + " queue: " + ret);
        }
        Completion done = new Completion(device().kernel());
        Cqe marker = (c, wc) -> done.complete();
        PostResult pr = send
                ? postSend(new SendWr().opcode(WrOpcode.RDMA_WRITE).wrCqe(marker))
                : postRecv(new RecvWr(0, marker, List.of()));
        if (!pr.ok()) {
            throw new KernelBug(KernelBug.WARN_ON, "failed to drain " + (send ? "send" : "recv") + " queue: " + pr.ret());
        }
        awaitDrainMarker(cq, done);
    }

    /**
     * The wait of a drain: until the marker WR's completion, {@code done}, has been reaped from
     * {@code cq}, polling it here when it is an IB_POLL_DIRECT CQ (__ib_drain_sq; the drivers'
     * handle_drain_completion too).
     */
    public void awaitDrainMarker(Cq cq, Completion done) {
        if (cq.pollContext() == PollContext.DIRECT) {
            while (!done.tryWaitForCompletion()) {
                if (cq.processDirect(-1) == 0 && !device().kernel().runPending()) {
                    throw new KernelBug(KernelBug.COMPLETION_DEADLOCK, "drain marker never completed on " + this);
                }
            }
        } else {
            done.waitForCompletion();
        }
    }

    @Override
    public String toString() {
        return String.format("qp{qpn=0x%x type=%s state=%s}", qpNum, type.kernelName(), state.kernelName());
    }
}
