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
import static org.ibmodel.props.VerbsModel.DIRECT_CQE;
import static org.ibmodel.props.VerbsModel.IB_ACCESS_LOCAL_WRITE;
import static org.ibmodel.props.VerbsModel.IB_ACCESS_REMOTE_READ;
import static org.ibmodel.props.VerbsModel.IB_ACCESS_REMOTE_WRITE;
import static org.ibmodel.props.VerbsModel.IB_ACCESS_ZERO_BASED;
import static org.ibmodel.props.VerbsModel.IB_CQ_NEXT_COMP;
import static org.ibmodel.props.VerbsModel.IB_CQ_REPORT_MISSED_EVENTS;
import static org.ibmodel.props.VerbsModel.IB_CQ_SOLICITED;
import static org.ibmodel.props.VerbsModel.IB_CQ_SOLICITED_MASK;
import static org.ibmodel.props.VerbsModel.QKEY;
import static org.ibmodel.props.VerbsModel.RECV_LEN;
import static org.ibmodel.props.VerbsModel.RNR_INFINITE;
import static org.ibmodel.props.VerbsModel.SHORT_RECV_LEN;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SigType;
import org.ibmodel.core.WrOpcode;
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
import org.ibmodel.props.VerbsAction.PollCq;
import org.ibmodel.props.VerbsAction.PostRecv;
import org.ibmodel.props.VerbsAction.PostSend;
import org.ibmodel.props.VerbsAction.PostSrqRecv;
import org.ibmodel.props.VerbsAction.Progress;
import org.ibmodel.props.VerbsAction.QkeyMode;
import org.ibmodel.props.VerbsAction.RecvSpec;
import org.ibmodel.props.VerbsAction.SendSpec;
import org.ibmodel.props.VerbsModel.Limits;
import org.ibmodel.props.VerbsModel.MAh;
import org.ibmodel.props.VerbsModel.MCq;
import org.ibmodel.props.VerbsModel.MPd;
import org.ibmodel.props.VerbsModel.MQp;
import org.ibmodel.props.VerbsModel.MSrq;

/**
 * Turns each generated {@link VerbsIntent} into a concrete {@link VerbsAction}, reading only the
 * abstract model's state: which object to act on, which attributes and mask, which work
 * requests. This is where the weighting lives that makes every QP state and every verb outcome
 * reachable: next-step modifies go mostly to the QP closest to RTS with the legal mask, sends
 * go mostly to QPs in RTS, a step that needs an object that does not exist creates it, and a
 * deliberately wrong request breaks exactly one rule.
 */
final class VerbsChooser {
    /** The attributes whose values ib_modify_qp checks, so a request can carry a wrong one. */
    private static final int CHECKED_VALUES = PORT | PKEY_INDEX | AV | PATH_MTU | TIMEOUT | RETRY_CNT | RNR_RETRY
            | MIN_RNR_TIMER | MAX_QP_RD_ATOMIC | MAX_DEST_RD_ATOMIC | ACCESS_FLAGS | DEST_QPN | ALT_PATH;

    private final VerbsModel model;
    private final Limits limits;
    private int nextId;
    private long nextWrId = 1;

    VerbsChooser(VerbsModel model) {
        this.model = model;
        this.limits = model.limits();
    }

    /** A concrete action for a generated step, decided from the model's state only; null for none. */
    VerbsAction resolve(VerbsIntent intent) {
        Dice d = new Dice(intent.dice());
        return switch (intent.kind()) {
            case SKIP -> null;
            case ALLOC_PD -> new AllocPd(nextId++);
            case CREATE_CQ -> resolveCreateCq(d);
            case CREATE_AH -> resolveCreateAh(d, null);
            case CREATE_SRQ -> resolveCreateSrq(d);
            case CREATE_QP -> resolveCreateQp(d);
            case MODIFY_NEXT, MODIFY_ATTRS, MODIFY_BAD, MOVE_TO_ERR -> resolveModify(d, intent.kind());
            case POST_SEND -> resolvePostSend(d);
            case POST_RECV -> resolvePostRecv(d);
            case POST_SRQ_RECV -> resolvePostSrqRecv(d);
            case PROGRESS -> new Progress();
            case POLL_CQ -> resolvePoll(d);
            case ARM_CQ -> resolveArm(d);
            case DRAIN_QP -> resolveDrain(d);
            case DESTROY_QP -> pickLive(model.qps(), q -> q.live, d, q -> new DestroyQp(q.id));
            case DESTROY_CQ -> pickLive(model.cqs(), c -> c.live, d, c -> new DestroyCq(c.id));
            case DESTROY_SRQ -> pickLive(model.srqs(), s -> s.live, d, s -> new DestroySrq(s.id));
            case DESTROY_AH -> pickLive(model.ahs(), a -> a.live, d, a -> new DestroyAh(a.id));
            case DEALLOC_PD -> pickLive(model.pds(), p -> p.live, d, p -> new DeallocPd(p.id));
        };
    }

    /** The move of a QP to ERR that starts the teardown. */
    ModifyQp moveToErr(MQp q) {
        return new ModifyQp(q.id, "to-err", STATE, goodAttr(new Dice(q.id), QpState.ERR, q.state), Dest.DEAD);
    }

    private static <T> List<T> liveList(Map<Integer, T> objects, Predicate<T> live) {
        List<T> out = new ArrayList<>();
        for (T t : objects.values()) {
            if (live.test(t)) {
                out.add(t);
            }
        }
        return out;
    }

    private static <T> VerbsAction pickLive(Map<Integer, T> objects, Predicate<T> live, Dice d,
            Function<T, VerbsAction> action) {
        List<T> l = liveList(objects, live);
        return l.isEmpty() ? new Progress() : action.apply(d.pick(l));
    }

    private VerbsAction resolveCreateCq(Dice d) {
        boolean direct = d.percent(50);
        int cqe = direct ? DIRECT_CQE : 1 + d.below(8);
        if (d.percent(10)) {
            cqe = d.percent(50) ? 0 : limits.maxCqe() + 1;
        }
        return new CreateCq(nextId++, direct, cqe);
    }

    private VerbsAction resolveCreateAh(Dice d, MPd forPd) {
        MPd pd = forPd;
        if (pd == null) {
            List<MPd> live = liveList(model.pds(), p -> p.live);
            if (live.isEmpty()) {
                return new AllocPd(nextId++);
            }
            pd = d.pick(live);
        }
        boolean routable = forPd != null || d.percent(85);
        int port = forPd == null && d.percent(10) ? limits.numPorts() + 1 : 1;
        return new CreateAh(nextId++, pd.id, port, routable ? VerbsSystem.PORT_LID : VerbsSystem.PORT_LID + 8);
    }

    private VerbsAction resolveCreateSrq(Dice d) {
        List<MPd> live = liveList(model.pds(), p -> p.live);
        if (live.isEmpty()) {
            return new AllocPd(nextId++);
        }
        int maxWr = 1 + d.below(4);
        int maxSge = 1 + d.below(2);
        if (d.percent(15)) {
            switch (d.below(3)) {
                case 0 -> maxWr = 0;
                case 1 -> maxWr = limits.maxSrqWr() + 1;
                default -> maxSge = limits.maxSrqSge() + 1;
            }
        }
        return new CreateSrq(nextId++, d.pick(live).id, maxWr, maxSge);
    }

    private VerbsAction resolveCreateQp(Dice d) {
        List<MPd> livePds = liveList(model.pds(), p -> p.live);
        if (livePds.isEmpty()) {
            return new AllocPd(nextId++);
        }
        List<MCq> liveCqs = liveList(model.cqs(), c -> c.live);
        if (liveCqs.isEmpty()) {
            return new CreateCq(nextId++, d.percent(50), DIRECT_CQE);
        }
        QpType type = switch (d.weighted(35, 23, 28, 9, 5)) {
            case 0 -> QpType.RC;
            case 1 -> QpType.UC;
            case 2 -> QpType.UD;
            case 3 -> QpType.GSI;
            default -> d.percent(50) ? QpType.RAW_PACKET : QpType.XRC_INI;
        };
        MPd pd = d.pick(livePds);
        MCq scq = d.pick(liveCqs);
        MCq rcq = d.percent(50) ? scq : d.pick(liveCqs);
        List<MSrq> liveSrqs = liveList(model.srqs(), s -> s.live);
        MSrq srq = type != QpType.GSI && !liveSrqs.isEmpty() && d.percent(30) ? d.pick(liveSrqs) : null;
        int sendWr = 1 + d.below(4);
        int recvWr = 1 + d.below(4);
        int sendSge = 1 + d.below(2);
        int recvSge = 1 + d.below(2);
        int port = type == QpType.GSI ? 1 : 0;
        String flaw = type.supported() ? null : "unsupported-type";
        if (flaw == null && d.percent(20)) {
            // A GSI QP's own flaws (an SRQ, a bad port) are rare enough to go unvisited in a run of
            // some seeds: a flawed GSI QP takes one of them half the time.
            switch (type == QpType.GSI && d.percent(50) ? 4 : d.below(5)) {
                case 0 -> {
                    flaw = "send-wr-over-max";
                    sendWr = limits.maxQpWr() + 1;
                }
                case 1 -> {
                    flaw = "send-sge-over-max";
                    sendSge = limits.maxSendSge() + 1;
                }
                case 2 -> {
                    flaw = "recv-sge-over-max";
                    recvSge = limits.maxRecvSge() + 1;
                }
                case 3 -> {
                    flaw = "negative-cap";
                    sendWr = -1;
                }
                default -> {
                    if (type == QpType.GSI && !liveSrqs.isEmpty() && d.percent(50)) {
                        flaw = "gsi-with-srq";
                        srq = d.pick(liveSrqs);
                    } else if (type == QpType.GSI) {
                        flaw = "gsi-bad-port";
                        port = limits.numPorts() + 1;
                    }
                }
            }
        }
        QpCap cap = new QpCap(sendWr, recvWr, sendSge, recvSge, 0);
        SigType sig = d.percent(50) ? SigType.ALL_WR : SigType.REQ_WR;
        return new CreateQp(nextId++, type, pd.id, scq.id, rcq.id, srq == null ? -1 : srq.id, port, cap, sig, flaw);
    }

    // ---- modify -----------------------------------------------------------------------

    private VerbsAction resolveModify(Dice d, VerbsIntent.Kind kind) {
        List<MQp> live = liveList(model.qps(), q -> q.live);
        if (live.isEmpty()) {
            return resolveCreateQp(d);
        }
        MQp q = kind == VerbsIntent.Kind.MODIFY_NEXT ? pickBehind(d, live) : d.pick(live);
        return switch (kind) {
            case MODIFY_NEXT -> legal(q, d, preferredNext(q, d), "next");
            case MOVE_TO_ERR -> new ModifyQp(q.id, "to-err", STATE, goodAttr(d, QpState.ERR, q.state), Dest.SELF);
            case MODIFY_ATTRS -> attrsOnly(q, d);
            default -> switch (d.weighted(25, 20, 25, 15, 15)) {
                case 0 -> missingRequired(q, d);
                case 1 -> wrongState(q, d);
                case 2 -> badValue(q, d);
                case 3 -> extraBit(q, d);
                default -> assertedCurState(q, d);
            };
        };
    }

    /**
     * Most next-step moves go to a QP that has not reached RTS, preferring the one closest to
     * it, so that QPs get there within a sequence.
     */
    private static MQp pickBehind(Dice d, List<MQp> live) {
        List<MQp> behind = new ArrayList<>();
        MQp best = null;
        for (MQp q : live) {
            if (q.state == QpState.RESET || q.state == QpState.INIT || q.state == QpState.RTR) {
                behind.add(q);
                if (best == null || q.state.ordinal() > best.state.ordinal()) {
                    best = q;
                }
            }
        }
        if (behind.isEmpty() || d.percent(30)) {
            return d.pick(live);
        }
        return d.percent(60) ? best : d.pick(behind);
    }

    /** Mostly the move that makes progress towards RTS, sometimes another legal one. */
    private static QpState preferredNext(MQp q, Dice d) {
        QpState[] to;
        int[] w;
        switch (q.state) {
            case RESET -> {
                to = new QpState[] {QpState.INIT, QpState.RESET};
                w = new int[] {90, 10};
            }
            case INIT -> {
                to = new QpState[] {QpState.RTR, QpState.INIT, QpState.RESET, QpState.ERR};
                w = new int[] {80, 8, 4, 8};
            }
            case RTR -> {
                to = new QpState[] {QpState.RTS, QpState.RESET, QpState.ERR};
                w = new int[] {85, 5, 10};
            }
            case RTS -> {
                to = new QpState[] {QpState.RTS, QpState.SQD, QpState.ERR, QpState.RESET};
                w = new int[] {35, 30, 20, 15};
            }
            case SQD -> {
                to = new QpState[] {QpState.RTS, QpState.SQD, QpState.ERR, QpState.RESET};
                w = new int[] {60, 20, 10, 10};
            }
            case SQE -> {
                to = new QpState[] {QpState.RTS, QpState.ERR, QpState.RESET};
                w = new int[] {70, 15, 15};
            }
            default -> {
                to = new QpState[] {QpState.RESET, QpState.ERR};
                w = new int[] {80, 20};
            }
        }
        QpState next = to[d.weighted(w)];
        if (QpTableSpec.cell(q.state, next, q.type) == null) {
            next = d.pick(QpTableSpec.successors(q.state, q.type));
        }
        return next;
    }

    private ModifyQp legal(MQp q, Dice d, QpState to, String kind) {
        QpTableSpec.Cell c = QpTableSpec.cell(q.state, to, q.type);
        int mask = STATE | c.required() | subset(c.optional() & ~CUR_STATE, d, 30);
        if ((c.optional() & CUR_STATE) != 0 && d.percent(25)) {
            mask |= CUR_STATE;
        }
        return new ModifyQp(q.id, kind, mask, goodAttr(d, to, q.state), d.percent(85) ? Dest.SELF : Dest.DEAD);
    }

    /** A modify without IB_QP_STATE: the attributes the current state allows to change. */
    private ModifyQp attrsOnly(MQp q, Dice d) {
        QpTableSpec.Cell c = QpTableSpec.cell(q.state, q.state, q.type);
        int mask;
        if (c == null) {
            mask = d.percent(50) ? 0 : d.pick(List.of(QpTableSpec.QKEY, ACCESS_FLAGS, PKEY_INDEX));
        } else {
            mask = subset(c.optional() & ~CUR_STATE, d, 50);
            if ((c.optional() & CUR_STATE) != 0 && d.percent(20)) {
                mask |= CUR_STATE;
            }
        }
        return new ModifyQp(q.id, "attrs-only", mask, goodAttr(d, q.state, q.state), Dest.SELF);
    }

    private ModifyQp missingRequired(MQp q, Dice d) {
        List<QpState> candidates = new ArrayList<>();
        for (QpState to : QpTableSpec.successors(q.state, q.type)) {
            if (QpTableSpec.cell(q.state, to, q.type).required() != 0) {
                candidates.add(to);
            }
        }
        if (candidates.isEmpty()) {
            return wrongState(q, d);
        }
        QpState to = d.pick(candidates);
        QpTableSpec.Cell c = QpTableSpec.cell(q.state, to, q.type);
        int drop = d.pick(bits(c.required()));
        int mask = STATE | (c.required() & ~drop) | subset(c.optional() & ~CUR_STATE, d, 30);
        return new ModifyQp(q.id, "missing-required", mask, goodAttr(d, to, q.state), Dest.SELF);
    }

    private ModifyQp wrongState(MQp q, Dice d) {
        List<QpState> invalid = new ArrayList<>();
        for (QpState to : QpState.values()) {
            if (QpTableSpec.cell(q.state, to, q.type) == null) {
                invalid.add(to);
            }
        }
        QpState to = d.pick(invalid);
        // With the attributes the forward move would need, so only the state is wrong.
        QpTableSpec.Cell fwd = QpTableSpec.cell(QpState.INIT, QpState.RTR, q.type);
        int mask = STATE | (d.percent(50) ? fwd.required() : 0);
        return new ModifyQp(q.id, "wrong-state", mask, goodAttr(d, to, q.state), Dest.SELF);
    }

    private ModifyQp extraBit(MQp q, Dice d) {
        QpState to = d.pick(QpTableSpec.successors(q.state, q.type));
        QpTableSpec.Cell c = QpTableSpec.cell(q.state, to, q.type);
        int allowed = STATE | c.required() | c.optional();
        List<Integer> extras = new ArrayList<>();
        for (int b : QpTableSpec.ALL_BITS) {
            if ((allowed & b) == 0) {
                extras.add(b);
            }
        }
        int mask = STATE | c.required() | d.pick(extras);
        return new ModifyQp(q.id, "extra-bit", mask, goodAttr(d, to, q.state), Dest.SELF);
    }

    private ModifyQp badValue(MQp q, Dice d) {
        List<QpState> tos = new ArrayList<>(QpTableSpec.successors(q.state, q.type));
        Collections.rotate(tos, d.below(tos.size()));
        for (QpState to : tos) {
            QpTableSpec.Cell c = QpTableSpec.cell(q.state, to, q.type);
            int mask = STATE | c.required() | subset(c.optional() & ~CUR_STATE, d, 30);
            if ((mask & CHECKED_VALUES) == 0 && (c.optional() & CHECKED_VALUES) != 0) {
                mask |= d.pick(bits(c.optional() & CHECKED_VALUES));
            }
            if ((mask & CHECKED_VALUES) == 0) {
                continue;
            }
            int bad = d.pick(bits(mask & CHECKED_VALUES));
            QpAttr a = goodAttr(d, to, q.state);
            Dest dest = corrupt(a, bad, d);
            return new ModifyQp(q.id, "bad-value:" + QpAttrMask.format(bad), mask, a, dest);
        }
        return extraBit(q, d);
    }

    /**
     * A move with IB_QP_CUR_STATE, asserting mostly a state the QP is not in: ib_core and rxe take
     * the caller's word, and the transition table decides for the state asserted.
     */
    private ModifyQp assertedCurState(MQp q, Dice d) {
        QpState to = d.pick(QpTableSpec.successors(q.state, q.type));
        QpTableSpec.Cell c = QpTableSpec.cell(q.state, to, q.type);
        QpAttr a = goodAttr(d, to, q.state);
        if ((c.optional() & CUR_STATE) != 0 || d.percent(70)) {
            List<QpState> others = new ArrayList<>(List.of(QpState.values()));
            others.remove(q.state);
            a.curQpState = d.pick(others);
        }
        return new ModifyQp(q.id, "asserted-cur-state", STATE | CUR_STATE | c.required(), a, Dest.SELF);
    }

    /** Values every check accepts; the destination and rnr_retry vary because the data path uses them. */
    private static QpAttr goodAttr(Dice d, QpState to, QpState cur) {
        QpAttr a = new QpAttr();
        a.qpState = to;
        a.curQpState = cur;
        a.portNum = 1;
        a.pkeyIndex = 0;
        a.qkey = QKEY;
        a.qpAccessFlags = IB_ACCESS_LOCAL_WRITE | IB_ACCESS_REMOTE_WRITE | IB_ACCESS_REMOTE_READ;
        a.ahAttr = AhAttr.lid(1, VerbsSystem.PORT_LID);
        a.pathMtu(Mtu.MTU_1024);
        // verbs.c masks PSNs to 24 bits instead of rejecting wider ones.
        a.rqPsn = d.percent(10) ? d.nextInt() : d.nextInt() & 0xffffff;
        a.sqPsn = d.percent(10) ? d.nextInt() : d.nextInt() & 0xffffff;
        a.timeout = 14;
        a.retryCnt = 7;
        a.rnrRetry = d.percent(70) ? RNR_INFINITE : d.below(RNR_INFINITE);
        a.minRnrTimer = 12;
        a.maxRdAtomic = 1;
        a.maxDestRdAtomic = 1;
        a.altAhAttr = AhAttr.lid(1, VerbsSystem.PORT_LID);
        a.altPortNum = 1;
        a.altPkeyIndex = 0;
        a.altTimeout = 14;
        a.enSqdAsyncNotify = d.percent(30);
        return a;
    }

    /** Makes the value of {@code bit} one ib_modify_qp must reject. */
    private Dest corrupt(QpAttr a, int bit, Dice d) {
        switch (bit) {
            case PORT -> a.portNum = d.percent(50) ? 0 : limits.numPorts() + 1;
            case PKEY_INDEX -> a.pkeyIndex = d.percent(50) ? -1 : limits.pkeyTableLength();
            case AV -> a.ahAttr = d.percent(50) ? null : AhAttr.lid(limits.numPorts() + 1, VerbsSystem.PORT_LID);
            case PATH_MTU -> a.pathMtuValue = d.percent(50) ? 0 : limits.maxMtu() + 1;
            case TIMEOUT -> a.timeout = 32;
            case RETRY_CNT -> a.retryCnt = 8;
            case RNR_RETRY -> a.rnrRetry = 8;
            case MIN_RNR_TIMER -> a.minRnrTimer = 32;
            case MAX_QP_RD_ATOMIC -> a.maxRdAtomic = limits.maxRdAtomic() + 1;
            case MAX_DEST_RD_ATOMIC -> a.maxDestRdAtomic = limits.maxDestRdAtomic() + 1;
            case ACCESS_FLAGS -> a.qpAccessFlags = IB_ACCESS_LOCAL_WRITE | IB_ACCESS_ZERO_BASED;
            case DEST_QPN -> {
                return Dest.INVALID;
            }
            case ALT_PATH -> {
                switch (d.below(4)) {
                    case 0 -> a.altAhAttr = null;
                    case 1 -> a.altPortNum = limits.numPorts() + 1;
                    case 2 -> a.altPkeyIndex = limits.pkeyTableLength();
                    default -> a.altTimeout = 32;
                }
            }
            default -> throw new IllegalArgumentException("no bad value for " + Integer.toHexString(bit));
        }
        return Dest.SELF;
    }

    private static int subset(int bits, Dice d, int percent) {
        int out = 0;
        for (int b : bits(bits)) {
            if (d.percent(percent)) {
                out |= b;
            }
        }
        return out;
    }

    private static List<Integer> bits(int mask) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            if ((mask & (1 << i)) != 0) {
                out.add(1 << i);
            }
        }
        return out;
    }

    // ---- posts ------------------------------------------------------------------------

    private VerbsAction resolvePostSend(Dice d) {
        List<MQp> live = liveList(model.qps(), q -> q.live);
        if (live.isEmpty()) {
            return resolveCreateQp(d);
        }
        List<MQp> rts = liveList(model.qps(), q -> q.live && q.state == QpState.RTS);
        List<MQp> sending = liveList(model.qps(), q -> q.live && q.state.ordinal() >= QpState.RTS.ordinal());
        if (rts.isEmpty() && d.percent(60)) {
            // Nothing can send yet: bring a QP closer to RTS instead.
            MQp behind = pickBehind(d, live);
            return legal(behind, d, preferredNext(behind, d), "next");
        }
        MQp q;
        if (!rts.isEmpty() && d.percent(70)) {
            q = d.pick(rts);
        } else {
            q = !sending.isEmpty() && d.percent(70) ? d.pick(sending) : d.pick(live);
        }
        List<MAh> qpAhs = liveList(model.ahs(), a -> a.live && a.pd == q.pd);
        if (q.datagram() && qpAhs.isEmpty() && d.percent(80)) {
            return resolveCreateAh(d, q.pd);
        }
        int n = 1 + d.below(3);
        int flawed = d.percent(20) ? d.below(n) : -1;
        List<SendSpec> wrs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            wrs.add(i == flawed ? badSend(q, d) : goodSend(q, d));
        }
        return new PostSend(q.id, wrs);
    }

    private SendSpec goodSend(MQp q, Dice d) {
        WrOpcode op;
        if (q.datagram()) {
            op = d.percent(80) ? WrOpcode.SEND : WrOpcode.SEND_WITH_IMM;
        } else {
            op = switch (d.weighted(70, 18, 12)) {
                case 0 -> WrOpcode.SEND;
                case 1 -> WrOpcode.SEND_WITH_IMM;
                default -> WrOpcode.RDMA_WRITE;
            };
        }
        int numSge = d.percent(25) ? 0 : 1 + d.below(q.cap.maxSendSge());
        int sgeLen = 8 + d.below(25);
        boolean badLkey = numSge > 0 && d.percent(10);
        int ah = -1;
        int target = VerbsAction.TARGET_DEAD;
        QkeyMode qkey = QkeyMode.MATCH;
        String flaw = null;
        if (q.datagram()) {
            List<MAh> qpAhs = liveList(model.ahs(), a -> a.live && a.pd == q.pd);
            if (qpAhs.isEmpty()) {
                flaw = "bad-ah";
            } else {
                ah = d.pick(qpAhs).id;
            }
            int t = d.weighted(60, 25, 15);
            if (t == 0) {
                target = address(q);
            } else if (t == 1) {
                target = address(d.pick(new ArrayList<>(model.qps().values())));
            }
            qkey = switch (d.weighted(80, 10, 10)) {
                case 0 -> QkeyMode.MATCH;
                case 1 -> QkeyMode.CONTROLLED;
                default -> QkeyMode.MISMATCH;
            };
        }
        return new SendSpec(nextWrId++, op, numSge, sgeLen, badLkey, d.percent(60), d.percent(20), false, ah,
                target, qkey, flaw);
    }

    /** How a UD sender names a QP: QP1 for the GSI QP (IBA 9.5.4), the QP's own number for the rest. */
    private static int address(MQp q) {
        return q.type == QpType.GSI ? VerbsAction.TARGET_GSI : q.id;
    }

    private SendSpec badSend(MQp q, Dice d) {
        SendSpec good = goodSend(q, d);
        List<String> flaws = new ArrayList<>(List.of("too-many-sge", "bad-opcode", "inline-too-long"));
        if (q.datagram()) {
            flaws.add("bad-ah");
        }
        String flaw = d.pick(flaws);
        int numSge = good.numSge();
        WrOpcode op = good.opcode();
        boolean inline = false;
        int ah = good.ah();
        switch (flaw) {
            case "too-many-sge" -> numSge = q.cap.maxSendSge() + 1;
            case "bad-opcode" -> op = switch (q.type) {
                case RC -> WrOpcode.LSO;
                case UC -> WrOpcode.RDMA_READ;
                default -> WrOpcode.RDMA_WRITE;
            };
            case "inline-too-long" -> {
                inline = true;
                numSge = Math.max(1, Math.min(numSge, q.cap.maxSendSge()));
            }
            default -> {
                List<MAh> others = liveList(model.ahs(), a -> a.pd != q.pd || !a.live);
                ah = others.isEmpty() || d.percent(30) ? -1 : d.pick(others).id;
            }
        }
        return new SendSpec(good.wrId(), op, numSge, good.sgeLen(), false, good.signaled(), good.solicited(),
                inline, ah, good.target(), good.qkey(), flaw);
    }

    private VerbsAction resolvePostRecv(Dice d) {
        List<MQp> live = liveList(model.qps(), q -> q.live);
        if (live.isEmpty()) {
            return resolveCreateQp(d);
        }
        List<MQp> receiving = liveList(model.qps(), q -> q.live && q.srq == null && VerbsModel.receiving(q));
        List<MQp> own = liveList(model.qps(), q -> q.live && q.srq == null && q.state != QpState.RESET);
        MQp q;
        if (!receiving.isEmpty() && d.percent(60)) {
            q = d.pick(receiving);
        } else {
            q = !own.isEmpty() && d.percent(80) ? d.pick(own) : d.pick(live);
        }
        return new PostRecv(q.id, recvs(d, q.srq == null ? q.cap.maxRecvSge() : 1));
    }

    private VerbsAction resolvePostSrqRecv(Dice d) {
        List<MSrq> live = liveList(model.srqs(), s -> s.live);
        if (live.isEmpty()) {
            return resolveCreateSrq(d);
        }
        MSrq s = d.pick(live);
        return new PostSrqRecv(s.id, recvs(d, s.maxSge));
    }

    private List<RecvSpec> recvs(Dice d, int maxSge) {
        int n = 1 + d.below(3);
        int flawed = d.percent(15) ? d.below(n) : -1;
        List<RecvSpec> wrs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long id = nextWrId++;
            if (i == flawed) {
                wrs.add(new RecvSpec(id, maxSge + 1, RECV_LEN, false, "too-many-sge"));
                continue;
            }
            wrs.add(switch (d.weighted(68, 14, 4, 14)) {
                case 0 -> new RecvSpec(id, 1, RECV_LEN, false, null);
                case 1 -> new RecvSpec(id, 1, SHORT_RECV_LEN, false, null);
                case 2 -> new RecvSpec(id, 0, 0, false, null);
                default -> new RecvSpec(id, 1, RECV_LEN, true, null);
            });
        }
        return wrs;
    }

    // ---- CQs and drain ----------------------------------------------------------------

    private VerbsAction resolvePoll(Dice d) {
        List<MCq> live = liveList(model.cqs(), c -> c.live);
        if (live.isEmpty()) {
            return resolveCreateCq(d);
        }
        List<MCq> full = liveList(model.cqs(), c -> c.live && !c.ring.isEmpty());
        MCq cq = !full.isEmpty() && d.percent(70) ? d.pick(full) : d.pick(live);
        return pollOf(cq, cq.direct && d.percent(30) ? -1 : 1 + d.below(8));
    }

    PollCq pollOf(MCq cq, int budget) {
        return new PollCq(cq.id, cq.direct, cq.direct ? budget : Math.max(1, budget < 0 ? 8 : budget));
    }

    private VerbsAction resolveArm(Dice d) {
        List<MCq> armable = liveList(model.cqs(), c -> c.live && !c.direct);
        if (armable.isEmpty()) {
            return new CreateCq(nextId++, false, 1 + d.below(8));
        }
        int flags;
        if (d.percent(15)) {
            flags = d.pick(List.of(0, IB_CQ_SOLICITED_MASK, IB_CQ_REPORT_MISSED_EVENTS));
        } else {
            flags = (d.percent(50) ? IB_CQ_NEXT_COMP : IB_CQ_SOLICITED)
                    | (d.percent(40) ? IB_CQ_REPORT_MISSED_EVENTS : 0);
        }
        List<MCq> pending = liveList(model.cqs(), c -> c.live && !c.direct && !c.ring.isEmpty());
        return new ArmCq((!pending.isEmpty() && d.percent(50) ? d.pick(pending) : d.pick(armable)).id, flags);
    }

    private VerbsAction resolveDrain(Dice d) {
        List<MQp> connected = liveList(model.qps(), q -> q.live && (q.type == QpType.RC || q.type == QpType.UC));
        if (connected.isEmpty()) {
            return resolveCreateQp(d);
        }
        MQp q = d.pick(connected);
        // ib_drain_rq needs an ib_alloc_cq'd receive CQ too; half-drainable QPs are polled instead.
        if (q.scq.direct && q.srq == null && !q.rcq.direct) {
            return pollOf(q.scq, -1);
        }
        return new DrainQp(q.id);
    }
}
