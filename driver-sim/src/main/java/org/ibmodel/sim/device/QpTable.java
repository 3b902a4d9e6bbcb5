// docs/HCA.md §3.3 (QP commands), §4.5, §6 (flush CQEs), §8 (SEND and RECV doorbells); flush
// semantics of IBA 10.3.1 / 11.6.3 as drivers/infiniband/sw/rxe/rxe_comp.c flush_send_queue shows them
package org.ibmodel.sim.device;

import java.util.List;
import java.util.function.Consumer;

/**
 * The QP context table. The device keeps its own QP state machine: a transition command from
 * any state but its source is BAD_QP_STATE. Entering ERR completes every outstanding WQE of the
 * SQ, then the receive WQE a half-arrived message took (from the RQ or the SRQ), then the RQ,
 * with a WR_FLUSH_ERR CQE, in order; entering RESET discards them.
 */
final class QpTable {
    /** A transition's in_modifier below bit 31, RTS2SQD's request for SQ_DRAINED: the QPN. */
    private static final int QPN_BITS = 0x7fff_ffff;
    /** CONF_SPECIAL_QP: the GSI QPs follow the SMI QPs of both ports a device may have. */
    private static final int GSI_OFFSET = 2;
    private static final int SPECIAL_QPS = 4;

    private final QpContext[] qps;
    private final Dma dma;
    private final DevCaps caps;
    private final CqTable cqs;
    private final SrqTable srqs;
    private final EqTable eqs;
    private final TransportStage stage;
    private TransportPolicy policy;
    /** CONF_SPECIAL_QP bases: [0] SMI, [1] GSI; -1 until configured. */
    private final long[] specialBase = {-1, -1};

    QpTable(int numQp, Dma dma, DevCaps caps, CqTable cqs, SrqTable srqs, EqTable eqs, TransportStage stage,
            TransportPolicy policy) {
        // A context is made when its QPN is first named: a QPN never used is a RESET context
        // either way, and a world of thousands of hosts would otherwise hold every one of them.
        this.qps = new QpContext[numQp];
        this.dma = dma;
        this.caps = caps;
        this.cqs = cqs;
        this.srqs = srqs;
        this.eqs = eqs;
        this.stage = stage;
        this.policy = policy;
    }

    /** Mutation tests only: see {@link Transport#policy(TransportPolicy)}. */
    void policy(TransportPolicy p) {
        policy = p;
    }

    QpContext qp(int qpn) {
        if (qpn < 0 || qpn >= qps.length) {
            return null;
        }
        QpContext q = qps[qpn];
        if (q == null) {
            q = new QpContext(qpn);
            qps[qpn] = q;
        }
        return q;
    }

    /** QPs whose context is attached (out of RESET). */
    int live() {
        int n = 0;
        for (QpContext q : qps) {
            if (q != null && (q.attached() || q.state() != HwQpState.RESET)) {
                n++;
            }
        }
        return n;
    }

    /**
     * CONF_SPECIAL_QP: the in_modifier is the base of the special QPNs, the SMI QP of port n at
     * base + n - 1 and the GSI QP at base + 2 + n - 1 (mlx4 qp.c mlx4_CONF_SPECIAL_QP; mlx4_ib
     * get_sqp_num); base 0 configures none, as mlx4_cleanup_qp_table sends it.
     */
    Status confSpecial(int base) {
        if (base == 0) {
            specialBase[0] = -1;
            specialBase[1] = -1;
            return Status.OK;
        }
        if (base < 0 || (long) base + SPECIAL_QPS > qps.length) {
            return Status.BAD_PARAM;
        }
        specialBase[0] = base;
        specialBase[1] = base + GSI_OFFSET;
        return Status.OK;
    }

    /** HCA.md §3.3: the SMI (0) or GSI (1) QP of {@code port}, or null when not configured. */
    QpContext special(int which, int port) {
        long b = specialBase[which];
        return b < 0 || port < 1 || port > caps.numPorts() ? null : qps[(int) b + port - 1];
    }

    /** The port whose SMI (0) or GSI (1) QP {@code qpn} is, -1 if it is none. */
    private int specialIndex(int which, int qpn) {
        long b = specialBase[which];
        return b >= 0 && qpn >= b && qpn < b + caps.numPorts() ? (int) (qpn - b) + 1 : -1;
    }

    private boolean special(int qpn) {
        for (long b : specialBase) {
            if (b >= 0 && qpn >= b && qpn < b + caps.numPorts()) {
                return true;
            }
        }
        return false;
    }

    /** Every QP context made so far, in QPN order. */
    void forEach(Consumer<QpContext> action) {
        for (QpContext qp : qps) {
            if (qp != null) {
                action.accept(qp);
            }
        }
    }

    /**
     * One transition command; {@code mailbox} is null for commands without one. The in_modifier
     * is the QPN, and for RTS2SQD bit 31 asks for SQ_DRAINED (mlx4 qp.c __mlx4_qp_modify); the
     * opcode modifier is not read (mlx4 sets 2 for 2RST_QP).
     */
    Status transition(QpTransition t, int inModifier, byte[] mailbox) {
        QpContext qp = qp(inModifier & QPN_BITS);
        if (qp == null) {
            return Status.BAD_INDEX;
        }
        boolean sqdEvent = t == QpTransition.RTS2SQD && inModifier < 0;
        Status s = apply(t, qp, mailbox, sqdEvent);
        if (s != Status.OK) {
            stage.answered(qp, t, sqdEvent, optpar(t, mailbox), s);
        }
        // §4.5: asked for at RTS2SQD, the event comes at once when nothing is in progress, else
        // when the transport retires the last WQE that is.
        if (s == Status.OK && t == QpTransition.RTS2SQD && qp.sqDrainedPending && stage.inProgress(qp) == 0) {
            qp.sqDrainedPending = false;
            eqs.post(EventType.SQ_DRAINED, 0, qp.qpn());
            stage.sqDrainedPosted(qp);
        }
        return s;
    }

    private static boolean optpar(QpTransition t, byte[] mailbox) {
        return t.takesMailbox() && Field.word(mailbox, Layout.Optpar.REMOTE_ACCESS.offset()) != 0;
    }

    private Status apply(QpTransition t, QpContext qp, byte[] mailbox, boolean sqdEvent) {
        int qpn = qp.qpn();
        if (!t.allowedFrom(qp.state())
                || t.needsDrainedSq() && stage.inProgress(qp) > 0 && policy.leavesSqdOnlyDrained()) {
            return Status.BAD_QP_STATE;
        }
        if (t.takesMailbox()) {
            int optpar = Field.word(mailbox, Layout.Optpar.REMOTE_ACCESS.offset());
            if ((optpar & ~t.optparAllowed()) != 0) {
                return Status.BAD_PARAM;
            }
            byte[] next = merge(t, qp.raw(), mailbox, optpar);
            Status s = check(qpn, t, next, optpar);
            if (s == Status.OK) {
                s = checkMigration(t, qp.raw(), next, optpar);
            }
            if (s != Status.OK) {
                return s;
            }
            boolean migrate = Layout.Optpar.PM_STATE.extract(optpar) != 0
                    && qp.pmState() == Layout.QpCtx.PM_ARMED
                    && Layout.QpCtx.PM_STATE.getInt(next, 0) == Layout.QpCtx.PM_MIGRATED;
            qp.raw(next);
            stage.contextLoaded(qp, t, optpar);
            if (migrate) {
                // §5.10: software asked an armed QP to migrate now (rdmavt's modify_qp does the same).
                qp.migrate();
                eqs.post(EventType.PATH_MIG, 0, qpn);
            }
            if (migrate || Layout.Optpar.PM_STATE.extract(optpar) != 0 && qp.pmState() == Layout.QpCtx.PM_REARM) {
                stage.pathCommand(qp);
            }
        }
        // Reported as it takes effect, before what it starts: SQD2RTS may begin WQEs within the command.
        stage.answered(qp, t, sqdEvent, optpar(t, mailbox), Status.OK);
        switch (t) {
            case RST2INIT -> attach(qp);
            case TO_ERR -> {
                boolean entering = qp.state() != HwQpState.ERR;
                qp.state(HwQpState.ERR);
                flush(qp, entering);
            }
            case TO_RST -> reset(qp);
            case RTS2SQD -> {
                qp.state(HwQpState.SQD);
                Layout.QpCtx.EN_SQD_ASYNC_NOTIFY.set(qp.raw(), 0, sqdEvent ? 1 : 0);
                qp.touched();
                qp.sqDrainedPending = sqdEvent;
            }
            default -> {
                qp.state(t.to());
                if (t.to() == HwQpState.RTS) {
                    if (t == QpTransition.SQD2RTS) {
                        stage.resume(qp);
                    }
                    fetch(qp);
                }
            }
        }
        return Status.OK;
    }

    private static byte[] merge(QpTransition t, byte[] current, byte[] mailbox, int optpar) {
        byte[] next = current.clone();
        if (t == QpTransition.RST2INIT) {
            System.arraycopy(mailbox, Layout.CTX, next, 0, Layout.QpCtx.SIZE);
            return next;
        }
        for (Field f : t.always()) {
            copy(f, mailbox, next);
        }
        for (Field bit : QpTransition.OPTPAR) {
            if (bit.extract(optpar) != 0) {
                for (Field f : QpTransition.group(bit)) {
                    copy(f, mailbox, next);
                }
            }
        }
        return next;
    }

    private static void copy(Field f, byte[] mailbox, byte[] ctx) {
        if (f.width() > 64) {
            f.bytes(ctx, 0, f.bytes(mailbox, Layout.CTX));
        } else {
            f.set(ctx, 0, f.get(mailbox, Layout.CTX));
        }
    }

    /** Checks a would-be context before anything changes. */
    private Status check(int qpn, QpTransition t, byte[] c, int optpar) {
        int service = Layout.QpCtx.SERVICE_TYPE.getInt(c, 0);
        if (service != QpContext.RC && service != QpContext.UC && service != QpContext.UD
                && service != QpContext.SPECIAL) {
            return Status.BAD_PARAM;
        }
        if ((service == QpContext.SPECIAL) != special(qpn)) {
            return Status.BAD_PARAM;
        }
        if (Layout.QpCtx.PD.getInt(c, 0) >= caps.maxPd()) {
            return Status.BAD_PARAM;
        }
        if (cqs.cq(Layout.QpCtx.SEND_CQN.getInt(c, 0)) == null || cqs.cq(Layout.QpCtx.RECV_CQN.getInt(c, 0)) == null) {
            return Status.BAD_RESOURCE;
        }
        boolean hasSrq = Layout.QpCtx.HAS_SRQ.isSet(c, 0);
        if (hasSrq && srqs.srq(Layout.QpCtx.SRQN.getInt(c, 0)) == null) {
            return Status.BAD_RESOURCE;
        }
        int sqLog = Layout.QpCtx.SQ_LOG_SIZE.getInt(c, 0);
        int rqLog = Layout.QpCtx.RQ_LOG_SIZE.getInt(c, 0);
        if ((1L << sqLog) > caps.maxQpWr() || (1L << rqLog) > caps.maxQpWr()) {
            return Status.EXCEED_LIM;
        }
        int sqStride = Layout.QpCtx.SQ_LOG_STRIDE.getInt(c, 0);
        int rqStride = Layout.QpCtx.RQ_LOG_STRIDE.getInt(c, 0);
        if (!strideOk(sqStride) || (!hasSrq && !strideOk(rqStride))) {
            return Status.BAD_PARAM;
        }
        if (!dma.mapped(Layout.QpCtx.SQ_ADDR.get(c, 0), 1L << (sqLog + sqStride))
                || (!hasSrq && !dma.mapped(Layout.QpCtx.RQ_ADDR.get(c, 0), 1L << (rqLog + rqStride)))
                || !dma.mapped(Layout.QpCtx.DB_RECORD.get(c, 0), 8)) {
            return Status.BAD_PARAM;
        }
        int port = Layout.QpCtx.PORT.getInt(c, 0);
        if (port < 1 || port > caps.numPorts() || Layout.QpCtx.PKEY_INDEX.getInt(c, 0) >= caps.pkeyTableLen()) {
            return Status.BAD_PARAM;
        }
        if (t == QpTransition.INIT2RTR || Layout.Optpar.PATH_MTU.extract(optpar) != 0) {
            int mtu = Layout.QpCtx.PATH_MTU.getInt(c, 0);
            if (!datagramService(service) && (mtu < 1 || mtu > caps.maxMtu())) {
                return Status.BAD_PARAM;
            }
        }
        if (Layout.QpCtx.MAX_RD_ATOMIC.getInt(c, 0) > caps.maxQpInitRdAtom()
                || Layout.QpCtx.MAX_DEST_RD_ATOMIC.getInt(c, 0) > caps.maxQpRdAtom()) {
            return Status.BAD_PARAM;
        }
        return Status.OK;
    }

    /**
     * §5.10: an alternate path must name a port and P_Key entry that exist; only migrated and
     * rearm may be asked for, rearm neither from armed nor without an alternate path nor into
     * anything but RTS, migrated not from rearm (rdmavt's modify_qp, IB_QP_PATH_MIG_STATE).
     */
    private Status checkMigration(QpTransition t, byte[] current, byte[] c, int optpar) {
        if (Layout.Optpar.ALT_ADDRESS_PATH.extract(optpar) != 0) {
            int port = Layout.QpCtx.ALT_PORT.getInt(c, 0);
            if (port < 1 || port > caps.numPorts() || Layout.QpCtx.ALT_PKEY_INDEX.getInt(c, 0) >= caps.pkeyTableLen()) {
                return Status.BAD_PARAM;
            }
        }
        if (Layout.Optpar.PM_STATE.extract(optpar) == 0) {
            return Status.OK;
        }
        int now = Layout.QpCtx.PM_STATE.getInt(current, 0);
        boolean ok = switch (Layout.QpCtx.PM_STATE.getInt(c, 0)) {
            case Layout.QpCtx.PM_REARM -> now != Layout.QpCtx.PM_ARMED && t.to() == HwQpState.RTS
                    && Layout.QpCtx.ALT_PORT.getInt(c, 0) != 0;
            case Layout.QpCtx.PM_MIGRATED -> now != Layout.QpCtx.PM_REARM;
            default -> false;
        };
        return ok ? Status.OK : Status.BAD_PARAM;
    }

    private static boolean datagramService(int service) {
        return service == QpContext.UD || service == QpContext.SPECIAL;
    }

    private static boolean strideOk(int logStride) {
        return logStride >= DevCaps.MIN_LOG_STRIDE && logStride <= DevCaps.MAX_LOG_STRIDE;
    }

    private void attach(QpContext qp) {
        qp.attach(dma);
        qp.wellKnown(specialIndex(0, qp.qpn()) >= 0 ? 0 : specialIndex(1, qp.qpn()) >= 0 ? 1 : -1);
        cqs.cq((int) qp.get(Layout.QpCtx.SEND_CQN)).attach();
        cqs.cq((int) qp.get(Layout.QpCtx.RECV_CQN)).attach();
        if (qp.hasSrq()) {
            srqs.srq((int) qp.get(Layout.QpCtx.SRQN)).attach();
        }
        qp.state(HwQpState.INIT);
    }

    private void reset(QpContext qp) {
        if (qp.attached()) {
            stage.drop(qp);
            cqs.cq((int) qp.get(Layout.QpCtx.SEND_CQN)).detach();
            cqs.cq((int) qp.get(Layout.QpCtx.RECV_CQN)).detach();
            if (qp.hasSrq()) {
                srqs.srq((int) qp.get(Layout.QpCtx.SRQN)).detach();
            }
            qp.detach();
        }
        qp.state(HwQpState.RESET);
    }

    /** Fetches new send WQEs for the transport while the QP sends. */
    private void fetch(QpContext qp) {
        List<SendWqe> wqes;
        try {
            wqes = qp.sendQueue().fetch();
        } catch (DmaFault f) {
            // §6.1: the send queue's ring or doorbell record is not there any more.
            catastrophic(qp);
            return;
        }
        for (SendWqe w : wqes) {
            // A WQE before this one failed and took the QP out of RTS (to SQE or ERR): the rest
            // were flushed with the queue, and must not reach the transport as well.
            if (!qp.state().sends()) {
                break;
            }
            stage.submit(qp, w);
        }
    }

    /**
     * The transport found an error that ends the connection (IBA 10.3.1: a completion error
     * moves the QP to the error state): the QP enters ERR and what is left is flushed.
     */
    void error(QpContext qp) {
        if (qp.state() == HwQpState.ERR || qp.state() == HwQpState.RESET) {
            return;
        }
        qp.state(HwQpState.ERR);
        flush(qp, true);
    }

    /**
     * A UD or UC send WQE completed in error (IBA 10.3.1): the QP enters SQE, with no event, and
     * what its send queue still holds is flushed; it goes on receiving until SQERR2RTS.
     */
    void sendQueueError(QpContext qp) {
        if (qp.state() != HwQpState.RTS && qp.state() != HwQpState.SQD) {
            return;
        }
        qp.state(HwQpState.SQE);
        stage.dropSends(qp);
        postSqFlushes(qp);
    }

    /**
     * IBA 11.6.3.1, Local Work Queue Catastrophic Error: a work queue of {@code qp} could not
     * write a CQE because its CQ is in error (overrun or a DMA fault, §6.1), or could not reach
     * its own ring, doorbell record or SRQ (§6.1). The QP reports WQ_CATAS_ERROR
     * (IB_EVENT_QP_FATAL) and enters ERR; its flushes go where they can, and a CQE for the CQ in
     * error is lost. A QP already in ERR or RESET reports nothing more.
     */
    void catastrophic(QpContext qp) {
        if (qp.state() == HwQpState.ERR || qp.state() == HwQpState.RESET) {
            return;
        }
        eqs.post(EventType.WQ_CATAS_ERROR, 0, qp.qpn());
        error(qp);
    }

    /** What is outstanding is flushed; {@code entering}: the QP has just entered ERR. */
    private void flush(QpContext qp, boolean entering) {
        if (!qp.attached()) {
            return;
        }
        // The receive a half-arrived message took is outstanding and older than the RQ's rest; the
        // transport forgets it with the SQ (rxe_resp.c check_resource flushes qp->resp.wqe first).
        int taken = stage.recvInProgress(qp);
        flushSq(qp);
        if (taken >= 0) {
            cqs.cq((int) qp.get(Layout.QpCtx.RECV_CQN)).post(flushCqe(qp.qpn(), taken, false), false);
        }
        if (qp.hasSrq()) {
            // IBA 10.3.1: a QP on an SRQ reports its last WQE when it enters the error state,
            // once: 2ERR of a QP already in ERR says nothing again.
            if (entering) {
                eqs.post(EventType.SRQ_QP_LAST_WQE, 0, qp.qpn());
            }
        } else {
            flushRq(qp);
        }
    }

    private void flushSq(QpContext qp) {
        stage.drop(qp);
        postSqFlushes(qp);
    }

    /** A WR_FLUSH_ERR CQE for every WQE the send queue still holds, in order. */
    private void postSqFlushes(QpContext qp) {
        CompletionQueue cq = cqs.cq((int) qp.get(Layout.QpCtx.SEND_CQN));
        for (int n : qp.sendQueue().drain()) {
            cq.post(flushCqe(qp.qpn(), n, true), false);
        }
    }

    private void flushRq(QpContext qp) {
        CompletionQueue cq = cqs.cq((int) qp.get(Layout.QpCtx.RECV_CQN));
        List<Integer> drained = qp.recvQueue().drain();
        for (int n : drained) {
            cq.post(flushCqe(qp.qpn(), n, false), false);
        }
    }

    static byte[] flushCqe(int qpn, int wqe, boolean send) {
        byte[] b = new byte[Layout.Cqe.SIZE];
        Layout.Cqe.QPN.set(b, 0, qpn);
        Layout.Cqe.WQE_INDEX.set(b, 0, wqe & 0xffff);
        Layout.Cqe.IS_SEND.set(b, 0, send ? 1 : 0);
        Layout.Cqe.OPCODE.set(b, 0, Layout.Cqe.OPCODE_ERROR);
        Layout.Cqe.SYNDROME.set(b, 0, Syndrome.WR_FLUSH_ERR.value());
        return b;
    }

    /** SEND doorbell: a QP in ERR or SQE flushes what was posted; one that sends fetches it. */
    void sendDoorbell(int qpn) {
        QpContext qp = qp(qpn);
        if (qp == null || !qp.attached()) {
            return;
        }
        if (qp.state() == HwQpState.ERR) {
            flushSq(qp);
        } else if (qp.state() == HwQpState.SQE) {
            // The transport forgot the send side on entering SQE; only the new WQEs are left.
            postSqFlushes(qp);
        } else if (qp.state().sends()) {
            fetch(qp);
        }
    }

    /** RECV doorbell for a QP: in ERR the new receive WQEs are flushed at once. */
    void recvDoorbell(int qpn) {
        QpContext qp = qp(qpn);
        if (qp != null && qp.attached() && qp.state() == HwQpState.ERR && !qp.hasSrq()) {
            flushRq(qp);
        }
    }
}
