package org.ibmodel.props;

import static org.ibmodel.props.QpTableSpec.ACCESS_FLAGS;
import static org.ibmodel.props.QpTableSpec.ALT_PATH;
import static org.ibmodel.props.QpTableSpec.AV;
import static org.ibmodel.props.QpTableSpec.CUR_STATE;
import static org.ibmodel.props.QpTableSpec.DEST_QPN;
import static org.ibmodel.props.QpTableSpec.MAX_DEST_RD_ATOMIC;
import static org.ibmodel.props.QpTableSpec.MAX_QP_RD_ATOMIC;
import static org.ibmodel.props.QpTableSpec.MIN_RNR_TIMER;
import static org.ibmodel.props.QpTableSpec.PATH_MTU;
import static org.ibmodel.props.QpTableSpec.PKEY_INDEX;
import static org.ibmodel.props.QpTableSpec.PORT;
import static org.ibmodel.props.QpTableSpec.RETRY_CNT;
import static org.ibmodel.props.QpTableSpec.RNR_RETRY;
import static org.ibmodel.props.QpTableSpec.STATE;
import static org.ibmodel.props.QpTableSpec.TIMEOUT;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.ibmodel.core.DeviceAttr;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SigType;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.ibmodel.props.VerbsAction.AllocPd;
import org.ibmodel.props.VerbsAction.ArmCq;
import org.ibmodel.props.VerbsAction.CreateAh;
import org.ibmodel.props.VerbsAction.CreateCq;
import org.ibmodel.props.VerbsAction.CreateQp;
import org.ibmodel.props.VerbsAction.CreateSrq;
import org.ibmodel.props.VerbsAction.DeallocPd;
import org.ibmodel.props.VerbsAction.Dest;
import org.ibmodel.props.VerbsAction.DestroyAh;
import org.ibmodel.props.VerbsAction.DestroyCq;
import org.ibmodel.props.VerbsAction.DestroyQp;
import org.ibmodel.props.VerbsAction.DestroySrq;
import org.ibmodel.props.VerbsAction.DrainQp;
import org.ibmodel.props.VerbsAction.ModifyQp;
import org.ibmodel.props.VerbsAction.Outcome;
import org.ibmodel.props.VerbsAction.PollCq;
import org.ibmodel.props.VerbsAction.PostRecv;
import org.ibmodel.props.VerbsAction.PostSend;
import org.ibmodel.props.VerbsAction.PostSrqRecv;
import org.ibmodel.props.VerbsAction.Progress;
import org.ibmodel.props.VerbsAction.QkeyMode;
import org.ibmodel.props.VerbsAction.RecvSpec;
import org.ibmodel.props.VerbsAction.SendSpec;
import org.ibmodel.props.VerbsAction.WcView;

/**
 * The abstract model of ib_core over one loopback device, against which the stateful test checks
 * the real thing. It is written from what the verbs promise (include/rdma/ib_verbs.h,
 * drivers/infiniband/core/verbs.c, IBA chapters 10 and 11) and shares no code with the model
 * under test: QPs are a state and two queues of work-request specs, CQs a bounded list of
 * expected completions, and the device a single loop that serves send queues in QPN order.
 *
 * <p>What it promises, and the test checks after every step: each verb returns only its
 * documented errnos and exactly the one predicted here; a rejected modify changes nothing; every
 * posted work request completes exactly once, in posting order per queue, is retired without a
 * completion (an unsignaled success), is discarded by a reset or destroy of its QP or SRQ, or is
 * lost to a CQ overrun, which raises IB_EVENT_CQ_ERR; an armed CQ raises one completion upcall
 * and disarms; no upcall or event reaches a destroyed CQ; use counts follow the objects that
 * hold a PD, CQ or SRQ; a QP moved to SQD drains until the device next runs, and meanwhile
 * leaves SQD only for ERR.
 *
 * <p>Left out: memory regions and RDMA reads (a write always carries an rkey no region has),
 * SRQ limits, QP asynchronous events, ib_drain_qp on UD and GSI QPs (its marker is an RDMA
 * write, which those types refuse), RC and UC connections between two different QPs (a
 * connected QP is connected to itself or to nobody, so when a blocked send may proceed does not
 * depend on another QP's state).
 */
final class VerbsModel {
    /** The Q_Key every UD and GSI QP of the test is given. */
    static final int QKEY = 0x1234;
    static final int MISMATCHED_QKEY = 0x4321;
    /** IBA 10.2.4: a Q_Key with the high bit set tells the sender to use its QP's own. */
    static final int CONTROLLED_QKEY = 0x8000_0000;
    /** IBA 11.4.1.2: a UD receive buffer starts with 40 bytes for the GRH. */
    static final int GRH_BYTES = 40;
    /** The active MTU of every port of the device under test (PortAttr's IB_MTU_4096), in bytes. */
    static final int PORT_MTU = 4096;
    /** IBA 9.7.5.2.8: rnr_retry 7 retries forever. */
    static final int RNR_INFINITE = 7;
    static final int RECV_LEN = 128;
    static final int SHORT_RECV_LEN = 8;
    /** CQs polled with ib_process_cq_direct are made large enough for any run's drains. */
    static final int DIRECT_CQE = 256;

    // include/rdma/ib_verbs.h: enum ib_access_flags
    static final int IB_ACCESS_LOCAL_WRITE = 1;
    static final int IB_ACCESS_REMOTE_WRITE = 1 << 1;
    static final int IB_ACCESS_REMOTE_READ = 1 << 2;
    static final int IB_ACCESS_REMOTE_ATOMIC = 1 << 3;
    static final int IB_ACCESS_MW_BIND = 1 << 4;
    static final int IB_ACCESS_ZERO_BASED = 1 << 5;
    private static final int QP_ACCESS = IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE | IB_ACCESS_REMOTE_READ
            | IB_ACCESS_REMOTE_ATOMIC | IB_ACCESS_MW_BIND;

    // include/rdma/ib_verbs.h: enum ib_cq_notify_flags
    static final int IB_CQ_SOLICITED = 1;
    static final int IB_CQ_NEXT_COMP = 2;
    static final int IB_CQ_SOLICITED_MASK = 3;
    static final int IB_CQ_REPORT_MISSED_EVENTS = 4;

    /** The device's limits, as ib_query_device and ib_query_port report them. */
    record Limits(int maxQp, int maxQpWr, int maxSendSge, int maxRecvSge, int maxCq, int maxCqe, int maxSrq,
            int maxSrqWr, int maxSrqSge, int maxRdAtomic, int maxDestRdAtomic, int numPorts, int pkeyTableLength,
            int maxMtu) {
        static Limits of(IbDevice dev) {
            DeviceAttr a = dev.attr();
            return new Limits(a.maxQp, a.maxQpWr, a.maxSendSge, a.maxRecvSge, a.maxCq, a.maxCqe, a.maxSrq,
                    a.maxSrqWr, a.maxSrqSge, a.maxQpInitRdAtom, a.maxQpRdAtom, dev.numPorts(),
                    dev.port(1).pkeyTableLength(), dev.port(1).query().maxMtu.value());
        }
    }

    /** A predicted outcome and, for the coverage report, the rule that decided it. */
    record Prediction(Outcome outcome, String reason) {
    }

    /** What became of a posted work request. */
    enum Fate {
        /** On a send, receive or shared receive queue. */
        QUEUED,
        /** Its completion is on a CQ, not yet reaped. */
        ON_CQ,
        REAPED,
        /** An unsignaled send that succeeded: no completion is due. */
        RETIRED,
        /** Its QP was reset or destroyed, or its SRQ destroyed. */
        DISCARDED,
        /** Its completion found the CQ full. */
        LOST
    }

    static final class MPd {
        final int id;
        boolean live = true;

        MPd(int id) {
            this.id = id;
        }
    }

    static final class MCq {
        final int id;
        final boolean direct;
        final int cqe;
        final Deque<WcView> ring = new ArrayDeque<>();
        int armed;
        int pendingUpcalls;
        int upcalls;
        int pendingErrors;
        int errors;
        /** Completions this CQ had no room for. */
        int overruns;
        boolean live = true;

        MCq(int id, boolean direct, int cqe) {
            this.id = id;
            this.direct = direct;
            this.cqe = cqe;
        }
    }

    static final class MSrq {
        final int id;
        final MPd pd;
        final int maxWr;
        final int maxSge;
        final Deque<RecvSpec> wrs = new ArrayDeque<>();
        boolean live = true;

        MSrq(int id, MPd pd, int maxWr, int maxSge) {
            this.id = id;
            this.pd = pd;
            this.maxWr = maxWr;
            this.maxSge = maxSge;
        }
    }

    static final class MAh {
        final int id;
        final MPd pd;
        /** The destination LID is the port's own: packets loop back. */
        final boolean routable;
        boolean live = true;

        MAh(int id, MPd pd, boolean routable) {
            this.id = id;
            this.pd = pd;
            this.routable = routable;
        }
    }

    static final class MQp {
        final int id;
        final QpType type;
        final MPd pd;
        final MCq scq;
        final MCq rcq;
        final MSrq srq;
        final QpCap cap;
        final SigType sigType;
        QpState state = QpState.RESET;
        /** Connected QPs: IB_QP_DEST_QPN named the QP itself. */
        boolean destSelf;
        int rnrRetry;
        /** qp_access_flags, as the last IB_QP_ACCESS_FLAGS set them since RESET. */
        int accessFlags;
        /**
         * In SQD: the send queue has not run since the QP was moved to SQD, so its drain is not
         * over (rxe's sq_draining).
         */
        boolean draining;
        /**
         * On an SRQ: Last WQE Reached events raised (the QP entered ERR) and not yet delivered,
         * and those delivered that no ib_drain_qp has waited for yet (qp->srq_completion).
         */
        int lastWqeRaised;
        int lastWqeDelivered;
        final Deque<SendSpec> sq = new ArrayDeque<>();
        final Deque<RecvSpec> rq = new ArrayDeque<>();
        boolean live = true;

        MQp(int id, QpType type, MPd pd, MCq scq, MCq rcq, MSrq srq, QpCap cap, SigType sigType) {
            this.id = id;
            this.type = type;
            this.pd = pd;
            this.scq = scq;
            this.rcq = rcq;
            this.srq = srq;
            this.cap = cap;
            this.sigType = sigType;
        }

        boolean datagram() {
            return type == QpType.UD || type == QpType.GSI;
        }
    }

    private final Limits limits;
    private final Map<Integer, MPd> pds = new LinkedHashMap<>();
    private final Map<Integer, MCq> cqs = new LinkedHashMap<>();
    private final Map<Integer, MSrq> srqs = new LinkedHashMap<>();
    private final Map<Integer, MAh> ahs = new LinkedHashMap<>();
    private final Map<Integer, MQp> qps = new LinkedHashMap<>();
    private final Map<Long, Fate> ledger = new LinkedHashMap<>();

    VerbsModel(Limits limits) {
        this.limits = limits;
    }

    // ---- what the test compares with the system ---------------------------------------

    Limits limits() {
        return limits;
    }

    Map<Integer, MPd> pds() {
        return Collections.unmodifiableMap(pds);
    }

    Map<Integer, MCq> cqs() {
        return Collections.unmodifiableMap(cqs);
    }

    Map<Integer, MSrq> srqs() {
        return Collections.unmodifiableMap(srqs);
    }

    Map<Integer, MAh> ahs() {
        return Collections.unmodifiableMap(ahs);
    }

    Map<Integer, MQp> qps() {
        return Collections.unmodifiableMap(qps);
    }

    Map<Long, Fate> ledger() {
        return Collections.unmodifiableMap(ledger);
    }

    /** ib_pd.usecnt: the QPs, SRQs and AHs created in the PD and not yet destroyed. */
    int usecnt(MPd pd) {
        int n = 0;
        for (MQp q : qps.values()) {
            n += q.live && q.pd == pd ? 1 : 0;
        }
        for (MSrq s : srqs.values()) {
            n += s.live && s.pd == pd ? 1 : 0;
        }
        for (MAh a : ahs.values()) {
            n += a.live && a.pd == pd ? 1 : 0;
        }
        return n;
    }

    /** ib_cq.usecnt: one per live QP for each of its queues the CQ serves. */
    int usecnt(MCq cq) {
        int n = 0;
        for (MQp q : qps.values()) {
            if (q.live) {
                n += (q.scq == cq ? 1 : 0) + (q.rcq == cq ? 1 : 0);
            }
        }
        return n;
    }

    int usecnt(MSrq srq) {
        int n = 0;
        for (MQp q : qps.values()) {
            n += q.live && q.srq == srq ? 1 : 0;
        }
        return n;
    }

    static <T> long live(Map<Integer, T> objects, Predicate<T> live) {
        return objects.values().stream().filter(live).count();
    }

    // ---- predictions ------------------------------------------------------------------

    /** Applies an action to the model and returns what the system must answer. */
    Prediction apply(VerbsAction action) {
        if (action instanceof AllocPd a) {
            pds.put(a.pd(), new MPd(a.pd()));
            return ok(a, "ok");
        } else if (action instanceof CreateCq a) {
            return createCq(a);
        } else if (action instanceof CreateAh a) {
            if (a.port() < 1 || a.port() > limits.numPorts()) {
                return err(a, Errno.EINVAL, "bad-port");
            }
            ahs.put(a.ah(), new MAh(a.ah(), pds.get(a.pd()), a.dlid() == VerbsSystem.PORT_LID));
            return ok(a, "ok");
        } else if (action instanceof CreateSrq a) {
            if (a.maxWr() < 1 || a.maxWr() > limits.maxSrqWr() || a.maxSge() < 0 || a.maxSge() > limits.maxSrqSge()) {
                return err(a, Errno.EINVAL, "bad-size");
            }
            if (live(srqs, s -> s.live) >= limits.maxSrq()) {
                return err(a, Errno.EINVAL, "max-srq"); // rxe_add_to_pool: a full pool
            }
            // rxe_srq_chk_init: max_sge at least 1; the queue holds what rxe_queue_init makes.
            srqs.put(a.srq(), new MSrq(a.srq(), pds.get(a.pd()), rxeQueue(a.maxWr()), Math.max(1, a.maxSge())));
            return ok(a, "ok");
        } else if (action instanceof CreateQp a) {
            return createQp(a);
        } else if (action instanceof ModifyQp a) {
            return modify(a);
        } else if (action instanceof PostSend a) {
            return postSend(a);
        } else if (action instanceof PostRecv a) {
            return postRecv(a);
        } else if (action instanceof PostSrqRecv a) {
            return postSrqRecv(a);
        } else if (action instanceof Progress a) {
            progress();
            return ok(a, "ok");
        } else if (action instanceof PollCq a) {
            MCq cq = cqs.get(a.cq());
            List<WcView> out = reap(cq, a.budget() < 0 ? Integer.MAX_VALUE : a.budget());
            return new Prediction(Outcome.reaped(a.verb(), out), out.isEmpty() ? "empty" : "some");
        } else if (action instanceof ArmCq a) {
            return arm(a);
        } else if (action instanceof DrainQp a) {
            return drain(a);
        } else if (action instanceof DestroyQp a) {
            MQp q = qps.get(a.qp());
            discardQueues(q);
            cleanCqs(q);
            q.live = false;
            return ok(a, "ok");
        } else if (action instanceof DestroyCq a) {
            MCq cq = cqs.get(a.cq());
            if (usecnt(cq) != 0) {
                return err(a, Errno.EBUSY, "in-use");
            }
            if (!cq.ring.isEmpty()) {
                throw new IllegalStateException("model: cq" + cq.id + " unused but holds " + cq.ring);
            }
            // ib_destroy_cq waits for the CQ's interrupts: none reaches a handler afterwards.
            cq.pendingUpcalls = 0;
            cq.pendingErrors = 0;
            cq.live = false;
            return ok(a, "ok");
        } else if (action instanceof DestroySrq a) {
            MSrq s = srqs.get(a.srq());
            if (usecnt(s) != 0) {
                return err(a, Errno.EBUSY, "in-use");
            }
            for (RecvSpec r : s.wrs) {
                fate(r.wrId(), Fate.QUEUED, Fate.DISCARDED);
            }
            s.wrs.clear();
            s.live = false;
            return ok(a, "ok");
        } else if (action instanceof DestroyAh a) {
            ahs.get(a.ah()).live = false;
            return ok(a, "ok");
        } else if (action instanceof DeallocPd a) {
            MPd pd = pds.get(a.pd());
            // verbs.c ib_dealloc_pd_user: WARN_ON(atomic_read(&pd->usecnt)); the model stops there.
            if (usecnt(pd) != 0) {
                return new Prediction(Outcome.warn(a.verb(), "warn_on"), "in-use");
            }
            pd.live = false;
            return ok(a, "ok");
        }
        throw new IllegalArgumentException("unknown action " + action);
    }

    private static Prediction ok(VerbsAction a, String reason) {
        return new Prediction(Outcome.ret(a.verb(), 0), reason);
    }

    private static Prediction err(VerbsAction a, Errno e, String reason) {
        return new Prediction(Outcome.ret(a.verb(), e.negative()), reason);
    }

    private Prediction createCq(CreateCq a) {
        if (a.cqe() < 1 || a.cqe() > limits.maxCqe()) {
            return err(a, Errno.EINVAL, "bad-size");
        }
        if (live(cqs, c -> c.live) >= limits.maxCq()) {
            return err(a, Errno.EINVAL, "max-cq"); // rxe_add_to_pool: a full pool
        }
        cqs.put(a.cq(), new MCq(a.cq(), a.direct(), rxeQueue(a.cqe())));
        return ok(a, "ok");
    }

    /**
     * What rxe_queue_init (rxe_queue.c) makes of a queue asked for n entries: a power of two of
     * slots with one always empty, that is the least 2^k - 1 not below n.
     */
    static int rxeQueue(int n) {
        int k = 0;
        while ((1L << k) - 1 < n) {
            k++;
        }
        return (1 << k) - 1;
    }

    /**
     * ib_create_qp: the type, then, as rxe_qp_chk_init, the sizes against the device and a GSI
     * QP's port (an SRQ is allowed it), the QP count, the one GSI QP per port.
     */
    private Prediction createQp(CreateQp a) {
        String reason = a.flaw() == null ? "ok" : a.flaw();
        if (!(a.type() == QpType.RC || a.type() == QpType.UC || a.type() == QpType.UD || a.type() == QpType.GSI)) {
            return err(a, Errno.EOPNOTSUPP, reason);
        }
        QpCap c = a.cap();
        boolean special = a.type() == QpType.GSI;
        if (c.maxSendWr() < 0 || c.maxRecvWr() < 0 || c.maxSendSge() < 0 || c.maxRecvSge() < 0
                || c.maxSendWr() > limits.maxQpWr() || c.maxSendSge() > limits.maxSendSge()
                || (a.srq() < 0 && (c.maxRecvWr() > limits.maxQpWr() || c.maxRecvSge() > limits.maxRecvSge()))
                || (special && (a.port() < 1 || a.port() > limits.numPorts()))) {
            return err(a, Errno.EINVAL, reason);
        }
        if (special && live(qps, q -> q.live && q.type == QpType.GSI) > 0) {
            return err(a, Errno.EINVAL, "second-gsi"); // rxe_qp_chk_init, before the pool
        }
        if (live(qps, q -> q.live) >= limits.maxQp()) {
            return err(a, Errno.EINVAL, "max-qp"); // rxe_add_to_pool: a full pool
        }
        MSrq srq = a.srq() < 0 ? null : srqs.get(a.srq());
        // rxe_qp_init_req: the send WQE holds the larger of the SGE list and the inline data, and
        // the QP gets as many of each as it holds.
        int wqe = Math.max(c.maxSendSge() * 16, c.maxInlineData());
        QpCap cap = new QpCap(rxeQueue(c.maxSendWr()), srq == null ? rxeQueue(c.maxRecvWr()) : 0, wqe / 16,
                srq == null ? c.maxRecvSge() : 0, wqe);
        qps.put(a.qp(), new MQp(a.qp(), a.type(), pds.get(a.pd()), cqs.get(a.sendCq()), cqs.get(a.recvCq()), srq,
                cap, a.sigType()));
        return new Prediction(Outcome.ret(a.verb(), 0), reason);
    }

    /**
     * ib_modify_qp: the move and its mask must be legal in the transition table for the state the
     * caller asserts (IB_QP_CUR_STATE, which neither ib_core nor rxe compares with the QP's own),
     * and every given value must be in range. A rejected request changes nothing.
     */
    private Prediction modify(ModifyQp a) {
        MQp q = qps.get(a.qp());
        int mask = a.mask();
        QpAttr v = a.attr();
        QpState cur = (mask & CUR_STATE) != 0 ? v.curQpState : q.state;
        QpState next = (mask & STATE) != 0 ? v.qpState : cur;
        // ib_core looks up the paths' GIDs first (verbs.c _ib_modify_qp); then rxe_modify_qp
        // refuses bits beyond IB_QP_ATTR_STANDARD_BITS (GENMASK(20, 0)) before anything else.
        boolean pathsOk = ((mask & AV) == 0 || v.ahAttr != null && portOk(v.ahAttr.portNum()))
                && ((mask & ALT_PATH) == 0 || v.altAhAttr != null && portOk(v.altAhAttr.portNum()));
        if (pathsOk && (mask & ~STANDARD_BITS) != 0) {
            return err(a, Errno.EOPNOTSUPP, a.kind());
        }
        if (!QpTableSpec.isModifyOk(cur, next, q.type, mask) || !valuesOk(mask, v, a.dest())) {
            return err(a, Errno.EINVAL, a.kind());
        }
        // A QP still draining its send queue may leave SQD only for ERR (rxe_qp.c __qp_chk_state).
        boolean moves = (mask & STATE) != 0;
        if (moves && cur == QpState.SQD && q.draining && next != QpState.ERR) {
            return err(a, Errno.EINVAL, "sq-draining");
        }
        // Every move to SQD, SQD->SQD too, drains until the device next serves the send queues.
        if (moves) {
            q.draining = next == QpState.SQD;
        }
        if (next == QpState.RESET) {
            discardQueues(q);
            cleanCqs(q);
            q.destSelf = false;
            q.rnrRetry = 0;
            q.accessFlags = 0;
        } else if (next == QpState.ERR) {
            // IBA 10.3.1: outstanding work requests complete with IB_WC_WR_FLUSH_ERR.
            flushSq(q);
            flushRq(q);
            enterErr(q);
        }
        q.state = next;
        if ((mask & DEST_QPN) != 0) {
            q.destSelf = a.dest() == Dest.SELF;
        }
        if ((mask & RNR_RETRY) != 0) {
            q.rnrRetry = v.rnrRetry;
        }
        if ((mask & ACCESS_FLAGS) != 0) {
            q.accessFlags = v.qpAccessFlags;
        }
        return ok(a, a.kind());
    }

    /** Field widths from IBA 9.7 and 12.7, ranges from the device and port attributes. */
    /** IB_QP_STATE through IB_QP_DEST_QPN. */
    private static final int STANDARD_BITS = (1 << 21) - 1;

    private boolean valuesOk(int mask, QpAttr a, Dest dest) {
        boolean ok = true;
        if ((mask & PORT) != 0) {
            ok &= portOk(a.portNum);
        }
        if ((mask & PKEY_INDEX) != 0) {
            ok &= a.pkeyIndex >= 0 && a.pkeyIndex < limits.pkeyTableLength();
        }
        if ((mask & AV) != 0) {
            ok &= a.ahAttr != null && portOk(a.ahAttr.portNum());
        }
        if ((mask & ALT_PATH) != 0) {
            ok &= a.altAhAttr != null && portOk(a.altPortNum) && a.altPkeyIndex >= 0
                    && a.altPkeyIndex < limits.pkeyTableLength() && a.altTimeout >= 0 && a.altTimeout <= 31;
        }
        if ((mask & PATH_MTU) != 0) {
            ok &= a.pathMtuValue >= 1 && a.pathMtuValue <= limits.maxMtu();
        }
        if ((mask & TIMEOUT) != 0) {
            ok &= a.timeout >= 0 && a.timeout <= 31;
        }
        if ((mask & RETRY_CNT) != 0) {
            ok &= a.retryCnt >= 0 && a.retryCnt <= 7;
        }
        if ((mask & RNR_RETRY) != 0) {
            ok &= a.rnrRetry >= 0 && a.rnrRetry <= 7;
        }
        if ((mask & MIN_RNR_TIMER) != 0) {
            ok &= a.minRnrTimer >= 0 && a.minRnrTimer <= 31;
        }
        if ((mask & MAX_QP_RD_ATOMIC) != 0) {
            ok &= a.maxRdAtomic >= 0 && a.maxRdAtomic <= limits.maxRdAtomic();
        }
        if ((mask & MAX_DEST_RD_ATOMIC) != 0) {
            ok &= a.maxDestRdAtomic >= 0 && a.maxDestRdAtomic <= limits.maxDestRdAtomic();
        }
        if ((mask & ACCESS_FLAGS) != 0) {
            ok &= (a.qpAccessFlags & ~QP_ACCESS) == 0;
        }
        if ((mask & DEST_QPN) != 0) {
            ok &= dest != Dest.INVALID;
        }
        return ok;
    }

    private boolean portOk(int port) {
        return port >= 1 && port <= limits.numPorts();
    }

    /**
     * ib_post_send: a QP sends from RTS on (RESET, INIT and RTR refuse); each WR must fit the
     * QP's capabilities and type, and the queue; WRs before bad_wr stay posted and are processed
     * like any other. On a QP in ERR or SQE they complete at once with IB_WC_WR_FLUSH_ERR.
     */
    private Prediction postSend(PostSend a) {
        MQp q = qps.get(a.qp());
        if (q.state == QpState.RESET || q.state == QpState.INIT || q.state == QpState.RTR) {
            return new Prediction(Outcome.post(a.verb(), Errno.EINVAL.negative(), 0), "wrong-state");
        }
        int ret = 0;
        int bad = -1;
        String reason = "ok";
        for (int i = 0; i < a.wrs().size(); i++) {
            SendSpec w = a.wrs().get(i);
            String flaw = sendFlaw(q, w);
            if (flaw != null) {
                ret = Errno.EINVAL.negative();
                bad = i;
                reason = flaw;
                break;
            }
            if (q.sq.size() >= q.cap.maxSendWr()) {
                ret = Errno.ENOMEM.negative();
                bad = i;
                reason = "queue-full";
                break;
            }
            q.sq.add(w);
            posted(w.wrId());
        }
        if (q.state == QpState.ERR || q.state == QpState.SQE) {
            flushSq(q);
        }
        return new Prediction(Outcome.post(a.verb(), ret, bad), reason);
    }

    /** The rule a send WR breaks, or null (rxe_verbs.c validate_send_wr, IBA 11.4.1.1). */
    private String sendFlaw(MQp q, SendSpec w) {
        if (w.numSge() > q.cap.maxSendSge()) {
            return "too-many-sge";
        }
        if (w.inline() && w.length() > q.cap.maxInlineData()) {
            return "inline-too-long";
        }
        // Inline data goes with sends and RDMA writes only (rxe_opcode.c WR_INLINE_MASK).
        if (w.inline() && (w.opcode() == WrOpcode.RDMA_READ || w.opcode().isAtomic())) {
            return "inline-not-allowed";
        }
        // An atomic carries exactly 8 bytes (rxe_verbs.c validate_send_wr).
        if (w.opcode().isAtomic() && w.length() != 8) {
            return "atomic-length";
        }
        boolean opOk = switch (q.type) {
            case RC -> w.opcode() != WrOpcode.LSO && w.opcode() != WrOpcode.BIND_MW;
            case UC -> w.opcode() == WrOpcode.SEND || w.opcode() == WrOpcode.SEND_WITH_IMM
                    || w.opcode() == WrOpcode.SEND_WITH_INV || w.opcode() == WrOpcode.RDMA_WRITE
                    || w.opcode() == WrOpcode.RDMA_WRITE_WITH_IMM;
            default -> w.opcode() == WrOpcode.SEND || w.opcode() == WrOpcode.SEND_WITH_IMM;
        };
        if (!opOk) {
            return "bad-opcode";
        }
        if (q.datagram()) {
            MAh ah = w.ah() < 0 ? null : ahs.get(w.ah());
            if (ah == null || !ah.live || ah.pd != q.pd) {
                return "bad-ah";
            }
        }
        return null;
    }

    /** ib_post_recv: not on a QP with an SRQ, not in RESET; flushed at once in ERR. */
    private Prediction postRecv(PostRecv a) {
        MQp q = qps.get(a.qp());
        if (q.srq != null) {
            return new Prediction(Outcome.post(a.verb(), Errno.EINVAL.negative(), 0), "qp-has-srq");
        }
        if (q.state == QpState.RESET) {
            return new Prediction(Outcome.post(a.verb(), Errno.EINVAL.negative(), 0), "wrong-state");
        }
        Prediction p = enqueueRecvs(a.verb(), a.wrs(), q.rq, q.cap.maxRecvSge(), q.cap.maxRecvWr());
        if (q.state == QpState.ERR) {
            flushRq(q);
        }
        return p;
    }

    private Prediction postSrqRecv(PostSrqRecv a) {
        MSrq s = srqs.get(a.srq());
        return enqueueRecvs(a.verb(), a.wrs(), s.wrs, s.maxSge, s.maxWr);
    }

    private Prediction enqueueRecvs(String verb, List<RecvSpec> wrs, Deque<RecvSpec> queue, int maxSge, int maxWr) {
        for (int i = 0; i < wrs.size(); i++) {
            RecvSpec r = wrs.get(i);
            // A full queue is reported before a WR that could never fit (rxe_verbs.c post_one_recv).
            if (queue.size() >= maxWr) {
                return new Prediction(Outcome.post(verb, Errno.ENOMEM.negative(), i), "queue-full");
            }
            if (r.numSge() > maxSge) {
                return new Prediction(Outcome.post(verb, Errno.EINVAL.negative(), i), "too-many-sge");
            }
            queue.add(r);
            posted(r.wrId());
        }
        return new Prediction(Outcome.post(verb, 0, -1), "ok");
    }

    private Prediction arm(ArmCq a) {
        MCq cq = cqs.get(a.cq());
        int how = a.flags() & IB_CQ_SOLICITED_MASK;
        // ib_req_notify_cq refuses no flags: rxe_verbs.c rxe_req_notify_cq adds whatever arm bits
        // there are (none arms nothing, both arm for any completion) until a completion fires them.
        cq.armed |= how;
        boolean missed = (a.flags() & IB_CQ_REPORT_MISSED_EVENTS) != 0 && !cq.ring.isEmpty();
        String why = missed ? "missed-events" : how == 0 ? "no-arm-bit" : "armed";
        return new Prediction(Outcome.ret(a.verb(), missed ? 1 : 0), why);
    }

    /**
     * ib_drain_qp (verbs.c __ib_drain_sq / __ib_drain_rq): WARN unless the CQs are ib_alloc_cq'd
     * and the QP may move to ERR; otherwise the QP moves to ERR, a marker WR is posted on each
     * queue, and each CQ is reaped until its marker's completion came back.
     */
    private Prediction drain(DrainQp a) {
        MQp q = qps.get(a.qp());
        if (!q.scq.direct) {
            return new Prediction(Outcome.warn(a.verb(), "warn_on"), "cq-not-alloced");
        }
        if (QpTableSpec.cell(q.state, QpState.ERR, q.type) == null) {
            return new Prediction(Outcome.warn(a.verb(), "warn_on"), "cannot-enter-err");
        }
        List<WcView> out = new ArrayList<>();
        drainQueue(q, q.scq, out);
        if (q.srq == null) {
            drainQueue(q, q.rcq, out);
        } else {
            drainSrq(q, out);
        }
        return new Prediction(new Outcome(a.verb(), 0, -1, List.copyOf(out), null), "ok");
    }

    /**
     * __ib_drain_srq: the QP in ERR, wait for a Last WQE Reached not waited for before (deferred
     * work runs meanwhile, which delivers a pending one); with none to come the wait expires and
     * nothing more is reaped. Then the receive CQ is reaped directly, at most its size.
     */
    private void drainSrq(MQp q, List<WcView> out) {
        if (q.lastWqeDelivered == 0) {
            progress();
        }
        if (q.lastWqeDelivered == 0) {
            return;
        }
        q.lastWqeDelivered--;
        for (WcView wc : reap(q.rcq, q.rcq.cqe)) {
            if (wc.wrId() != 0) {
                out.add(wc);
            }
        }
    }

    /** The QP enters ERR: on an SRQ the device raises Last WQE Reached (IBA 10.3.1). */
    private static void enterErr(MQp q) {
        if (q.state != QpState.ERR && q.srq != null) {
            q.lastWqeRaised++;
        }
    }

    private void drainQueue(MQp q, MCq cq, List<WcView> out) {
        flushSq(q);
        flushRq(q);
        enterErr(q);
        q.state = QpState.ERR;
        if (cq.ring.size() >= cq.cqe) {
            throw new IllegalStateException("model: drain marker of qp" + q.id + " would overrun cq" + cq.id);
        }
        cq.ring.add(WcView.of(0, q.id, WcStatus.WR_FLUSH_ERR, null, 0));
        for (WcView wc : reap(cq, Integer.MAX_VALUE)) {
            if (wc.wrId() != 0) {
                out.add(wc);
            }
        }
    }

    private List<WcView> reap(MCq cq, int budget) {
        List<WcView> out = new ArrayList<>();
        while (out.size() < budget && !cq.ring.isEmpty()) {
            WcView wc = cq.ring.poll();
            if (wc.wrId() != 0) {
                fate(wc.wrId(), Fate.ON_CQ, Fate.REAPED);
            }
            out.add(wc);
        }
        return out;
    }

    // ---- the device: send engine, completions, interrupts ------------------------------

    /**
     * Deferred work runs: the device serves the send queue of every QP in RTS, in QPN order (the
     * GSI QP is QP1, the others are numbered as created), each until it is empty or its head must
     * wait; then the interrupts raised so far reach their handlers.
     */
    private void progress() {
        List<MQp> order = new ArrayList<>();
        for (MQp q : qps.values()) {
            if (q.live && q.type == QpType.GSI) {
                order.add(q);
            }
        }
        for (MQp q : qps.values()) {
            if (q.live && q.type != QpType.GSI) {
                order.add(q);
            }
        }
        for (MQp q : order) {
            // Between two runs no WR is under way, so a QP in SQD has drained by now.
            q.draining = false;
            while (q.state == QpState.RTS && !q.sq.isEmpty()) {
                if (!execute(q)) {
                    break;
                }
            }
        }
        for (MCq cq : cqs.values()) {
            cq.upcalls += cq.pendingUpcalls;
            cq.pendingUpcalls = 0;
            cq.errors += cq.pendingErrors;
            cq.pendingErrors = 0;
        }
        for (MQp q : qps.values()) {
            q.lastWqeDelivered += q.lastWqeRaised;
            q.lastWqeRaised = 0;
        }
    }

    /** Executes the head of {@code q}'s send queue; false when it must wait for a receive WR. */
    private boolean execute(MQp q) {
        SendSpec w = q.sq.poll();
        if (q.type == QpType.UD && w.length() > PORT_MTU) {
            // IBA C10-93.1.1: a UD message above the port's MTU is not sent, and is no error.
            done(q, w);
            return true;
        }
        if (w.badLkey()) {
            fail(q, w, WcStatus.LOC_PROT_ERR);
            return true;
        }
        MQp dest = destination(q, w);
        if (dest == null || !receiving(dest)) {
            // Nobody answers: RC retries until retry_cnt runs out, UC and UD lose the message.
            return transportDone(q, w, WcStatus.RETRY_EXC_ERR);
        }
        if (q.datagram() && (w.qkey() == QkeyMode.MISMATCH || dest.type == QpType.GSI)) {
            // IBA 10.2.4: a datagram with the wrong Q_Key is silently dropped. QP1 takes only the
            // well-known Q_Key 0x80010000 (rxe_recv.c check_keys), which no QP of the test holds
            // (each has QKEY, and a controlled WR Q_Key means the sender's own).
            done(q, w);
            return true;
        }
        if (w.opcode() == WrOpcode.RDMA_WRITE && w.length() == 0 && (dest.accessFlags & IB_ACCESS_REMOTE_WRITE) != 0) {
            // IBA C9-88: a zero-byte write carries no rkey worth checking, so it cannot fail on one.
            done(q, w);
            return true;
        }
        if (w.opcode() == WrOpcode.RDMA_WRITE) {
            // The rkey names no region: the responder NAKs with a remote access error.
            responderError(dest, q);
            return transportDone(q, w, WcStatus.REM_ACCESS_ERR);
        }
        RecvSpec r = dest.srq != null ? dest.srq.wrs.poll() : dest.rq.poll();
        if (r == null) {
            if (q.type == QpType.RC && q.rnrRetry == RNR_INFINITE) {
                q.sq.addFirst(w);
                return false;
            }
            return transportDone(q, w, WcStatus.RNR_RETRY_EXC_ERR);
        }
        int need = w.length() + (dest.datagram() ? GRH_BYTES : 0);
        if (dest.datagram() && need > r.length()) {
            // A datagram that does not fit the receive with its GRH is dropped; with an SRQ the
            // receive it took reports an invalid request (IBA 10.2 class D and E errors).
            if (dest.srq == null) {
                dest.rq.addFirst(r);
            } else {
                complete(dest.rcq, r.wrId(), dest, WcStatus.REM_INV_REQ_ERR, null, 0, false);
            }
            done(q, w);
            return true;
        }
        if (need > r.length()) {
            complete(dest.rcq, r.wrId(), dest, WcStatus.LOC_LEN_ERR, null, 0, false);
            responderError(dest, q);
            return transportDone(q, w, WcStatus.REM_INV_REQ_ERR);
        }
        if (r.badLkey()) {
            complete(dest.rcq, r.wrId(), dest, WcStatus.LOC_PROT_ERR, null, 0, false);
            responderError(dest, q);
            return transportDone(q, w, WcStatus.REM_OP_ERR);
        }
        complete(dest.rcq, r.wrId(), dest, WcStatus.SUCCESS, WcOpcode.RECV, need, w.solicited());
        done(q, w);
        return true;
    }

    /** A request the responder did not accept: RC reports {@code rcStatus}, UC and UD never learn of it. */
    private boolean transportDone(MQp q, SendSpec w, WcStatus rcStatus) {
        if (q.type == QpType.RC) {
            fail(q, w, rcStatus);
        } else {
            done(q, w);
        }
        return true;
    }

    private MQp destination(MQp q, SendSpec w) {
        if (!q.datagram()) {
            return q.destSelf ? q : null;
        }
        MAh ah = ahs.get(w.ah());
        if (!ah.routable) {
            return null;
        }
        MQp dest = null;
        if (w.target() == VerbsAction.TARGET_GSI) {
            for (MQp c : qps.values()) {
                if (c.live && c.type == QpType.GSI) {
                    dest = c;
                }
            }
        } else if (w.target() >= 0) {
            MQp c = qps.get(w.target());
            dest = c != null && c.live ? c : null;
        }
        return dest != null && dest.datagram() ? dest : null;
    }

    static boolean receiving(MQp q) {
        return q.state == QpState.RTR || q.state == QpState.RTS || q.state == QpState.SQD || q.state == QpState.SQE;
    }

    /**
     * IBA 9.9.3.1: an RC responder that NAKs with a fatal error goes to ERR and its work requests
     * are flushed. When the responder is the requester itself (a loopback connection) the
     * requester's failure does that, after the failing WR completed: each WR completes once and
     * each queue completes in posting order.
     */
    private void responderError(MQp dest, MQp requester) {
        if (dest == requester || dest.type != QpType.RC || dest.state == QpState.ERR) {
            return;
        }
        enterErr(dest);
        dest.state = QpState.ERR;
        flushSq(dest);
        flushRq(dest);
    }

    /**
     * The WR succeeded: a completion if it was signaled or the QP signals all, whose byte_len is
     * the WR's length, the sum of its SGEs (rxe_comp.c make_send_cqe reports wqe->dma.length).
     */
    private void done(MQp q, SendSpec w) {
        if (w.signaled() || q.sigType == SigType.ALL_WR) {
            complete(q.scq, w.wrId(), q, WcStatus.SUCCESS, w.opcode() == WrOpcode.RDMA_WRITE
                    ? WcOpcode.RDMA_WRITE : WcOpcode.SEND, w.length(), false);
        } else {
            fate(w.wrId(), Fate.QUEUED, Fate.RETIRED);
        }
    }

    /**
     * The WR failed: its error completion (signaled or not), then RC goes to ERR and flushes both
     * queues, UC and UD go to SQE and flush the send queue (IBA 10.3.1, 11.6.3).
     */
    private void fail(MQp q, SendSpec w, WcStatus status) {
        complete(q.scq, w.wrId(), q, status, null, 0, false);
        if (q.type == QpType.RC) {
            enterErr(q);
            q.state = QpState.ERR;
            flushSq(q);
            flushRq(q);
        } else {
            q.state = QpState.SQE;
            flushSq(q);
        }
    }

    private void flushSq(MQp q) {
        while (!q.sq.isEmpty()) {
            complete(q.scq, q.sq.poll().wrId(), q, WcStatus.WR_FLUSH_ERR, null, 0, false);
        }
    }

    private void flushRq(MQp q) {
        while (!q.rq.isEmpty()) {
            complete(q.rcq, q.rq.poll().wrId(), q, WcStatus.WR_FLUSH_ERR, null, 0, false);
        }
    }

    /**
     * A completion is written. A full CQ loses it and raises IB_EVENT_CQ_ERR; an armed CQ raises
     * its completion interrupt for any completion (NEXT_COMP) or for a solicited or failed one
     * (SOLICITED), and disarms.
     */
    private void complete(MCq cq, long wrId, MQp q, WcStatus status, WcOpcode opcode, int byteLen, boolean solicited) {
        if (cq.ring.size() >= cq.cqe) {
            fate(wrId, Fate.QUEUED, Fate.LOST);
            cq.overruns++;
            cq.pendingErrors++;
            return;
        }
        cq.ring.add(WcView.of(wrId, q.id, status, opcode, byteLen));
        fate(wrId, Fate.QUEUED, Fate.ON_CQ);
        boolean fire = (cq.armed & IB_CQ_NEXT_COMP) != 0
                || ((cq.armed & IB_CQ_SOLICITED) != 0 && (solicited || status != WcStatus.SUCCESS));
        if (fire) {
            cq.armed = 0;
            cq.pendingUpcalls++;
        }
    }

    /** A reset or destroyed QP loses its queued WRs. */
    private void discardQueues(MQp q) {
        for (SendSpec w : q.sq) {
            fate(w.wrId(), Fate.QUEUED, Fate.DISCARDED);
        }
        for (RecvSpec r : q.rq) {
            fate(r.wrId(), Fate.QUEUED, Fate.DISCARDED);
        }
        q.sq.clear();
        q.rq.clear();
    }

    /** ... and the completions of it not yet reaped (mlx4_ib_cq_clean). */
    private void cleanCqs(MQp q) {
        for (MCq cq : List.of(q.scq, q.rcq)) {
            cq.ring.removeIf(wc -> {
                if (wc.qp() != q.id) {
                    return false;
                }
                fate(wc.wrId(), Fate.ON_CQ, Fate.DISCARDED);
                return true;
            });
        }
    }

    private void posted(long wrId) {
        if (ledger.putIfAbsent(wrId, Fate.QUEUED) != null) {
            throw new IllegalStateException("model: wr" + wrId + " posted twice");
        }
    }

    private void fate(long wrId, Fate from, Fate to) {
        Fate now = ledger.get(wrId);
        if (now != from) {
            throw new IllegalStateException("model: wr" + wrId + " is " + now + ", expected " + from + " before " + to);
        }
        ledger.put(wrId, to);
    }
}
