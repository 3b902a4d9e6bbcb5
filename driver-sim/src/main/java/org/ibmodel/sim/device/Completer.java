// The completer stage: drivers/infiniband/sw/rxe/rxe_comp.c (rxe_completer: check_psn,
// check_ack, do_read, do_atomic, complete_ack, do_complete, the retransmit and RNR timers);
// IBA 9.7.5.1 (requester side of acknowledgements), 9.7.5.2 (retry), 9.7.6 (RNR)
package org.ibmodel.sim.device;

import java.util.Arrays;
import org.ibmodel.sim.wire.Aeth;
import org.ibmodel.sim.wire.Opcode;
import org.ibmodel.sim.wire.Packet;

/**
 * Retires send WQEs: processes ACKs, NAKs, READ responses and ATOMIC ACKs, writes send CQEs in
 * order (signaled WQEs get one; unsignaled ones complete implicitly), and runs the local ACK
 * timeout and the RNR timer. A response for a PSN not yet sent is dropped, and one for the last
 * PSN acknowledged is a duplicate, of which only an ACK's credits count. An error, a READ
 * response or ATOMIC ACKNOWLEDGE whose AETH is not an ACK included (BAD_RESP_ERR), and an RDMA
 * READ response of another length than its PSN must carry (LOCAL_LENGTH_ERR), completes the WQE it
 * concerns with an error CQE and moves the QP to ERR, which flushes the rest in order.
 */
final class Completer {
    /** The engine's states (rxe_comp.c enum comp_state). */
    enum State {
        GET_ACK,
        CHECK_PSN,
        CHECK_ACK,
        READ,
        ATOMIC,
        ACK,
        RNR_NAK,
        SEQ_NAK,
        ERROR_NAK,
        ERROR_RETRY,
        BAD_RESPONSE,
        RETIRE,
        DROP,
        DONE
    }

    /** IBA 9.7.6.1.3: the local ACK timeout is 4.096 µs × 2^timeout; 0 disables it. */
    static final long ACK_TIMEOUT_UNIT_NS = 4096;
    /** IBA 9.7.6.1.4 (rnr_retry): 7 retries for ever. */
    static final int RNR_RETRY_INFINITE = 7;

    private final Transport transport;
    private final byte[] cqe = new byte[Layout.Cqe.SIZE];
    // The packet being processed; the stage is single-threaded like an rxe task.
    private TransportQp qp;
    private Packet pkt;
    private int psn;
    private int index;
    /** ERROR_RETRY: the in-flight READ or atomic whose response a later response says was lost. */
    private int lost;
    /** The packet's credits let more messages begin; a dropped one still wakes the requester. */
    private boolean creditRaised;

    Completer(Transport transport) {
        this.transport = transport;
    }

    /** A response packet for {@code t}. */
    void receive(TransportQp t, Packet p) {
        qp = t;
        pkt = p;
        TransportObserver obs = transport.observer();
        if (obs != null && t.rc()) {
            obs.compRecv(transport, t.qpn(), p.opcode().hasAeth() ? TransportObserver.Reply.of(p.aeth().syndrome())
                    : TransportObserver.Reply.ACK, p.bth().psn());
        }
        State s = State.GET_ACK;
        while (s != State.DONE) {
            s = switch (s) {
                case GET_ACK -> getAck();
                case CHECK_PSN -> checkPsn();
                case CHECK_ACK -> checkAck();
                case READ -> read();
                case ATOMIC -> atomic();
                case ACK -> ack();
                case RNR_NAK -> rnrNak();
                case SEQ_NAK -> seqNak();
                case ERROR_NAK -> errorNak();
                case ERROR_RETRY -> errorRetry();
                case BAD_RESPONSE -> badResponse();
                case RETIRE -> retireAndSend();
                case DROP -> drop();
                case DONE -> State.DONE;
            };
        }
        qp = null;
        pkt = null;
    }

    private State getAck() {
        psn = pkt.bth().psn();
        // qib_rc.c / hfi1 rc.c rcv_resp: credits come with a response for a PSN sent and not yet
        // acknowledged, or with an ACKNOWLEDGE of the last PSN acknowledged (a "ghost" ACK,
        // which acknowledges nothing new); an older or a future one grants nothing.
        int sinceLast = Psn.diff(psn, Psn.add(qp.unackedPsn, -1));
        boolean current = Psn.diff(psn, qp.sentPsn) < 0
                && (sinceLast > 0 || (sinceLast == 0 && pkt.opcode() == Opcode.RC_ACKNOWLEDGE));
        creditRaised = qp.rc() && current && credit();
        return qp.rc() && !qp.inflight.isEmpty() ? State.CHECK_PSN : State.DROP;
    }

    /**
     * rdmavt rvt_get_credit: an ACK's credit code sets the limit to its MSN plus the credits, if
     * that is further; the invalid code (an SRQ behind the responder) lifts flow control. True
     * when more messages may begin than before.
     */
    private boolean credit() {
        if (!pkt.opcode().hasAeth() || qp.unlimitedCredit) {
            return false;
        }
        int syndrome = pkt.aeth().syndrome();
        if (Aeth.typeOf(syndrome) != Aeth.Type.ACK) {
            return false;
        }
        int code = syndrome & 0x1F;
        if (code == Aeth.CREDIT_INVALID) {
            qp.unlimitedCredit = true;
            return true;
        }
        int limit = Psn.add(pkt.aeth().msn(), Aeth.credits(code));
        if (Psn.diff(limit, qp.lsn) <= 0) {
            return false;
        }
        qp.lsn = limit;
        return true;
    }

    /**
     * rxe_comp.c check_psn: a response must concern a PSN sent and not yet acknowledged. A PSN
     * the WQEs begun hold but the requester has not sent yet is no more sent than one past
     * them: an ACK for it would acknowledge packets the peer never had, and a NAK would send
     * the requester on past them (rxe_comp.c retries only while req.psn is past comp.psn).
     */
    private State checkPsn() {
        int sinceLast = Psn.diff(psn, Psn.add(qp.unackedPsn, -1));
        if (Psn.diff(psn, qp.sentPsn) >= 0 || sinceLast < 0) {
            return State.DROP;
        }
        Opcode op = pkt.opcode();
        if (sinceLast == 0) {
            // The last PSN acknowledged: a duplicate. An ACK there is a ghost ACK, whose credits
            // getAck took; it acknowledges nothing and leaves the ACK timer alone. A NAK or RNR NAK
            // there contradicts the ACK before it (qib_rc.c, hfi1 rc.c rc_rcv_resp ignore every
            // response up to s_last_psn; rxe_comp.c check_psn, below comp.psn, COMPST_DONE).
            boolean ghost = op == Opcode.RC_ACKNOWLEDGE && Aeth.typeOf(pkt.aeth().syndrome()) == Aeth.Type.ACK;
            if (!ghost) {
                return State.DROP;
            }
            if (creditRaised) {
                transport.requester().run(qp);
            }
            return State.DONE;
        }
        if (op.isRdmaReadResponse() || op.hasAtomicAckEth()) {
            index = qp.indexOf(psn);
            if (index < 0 || index >= qp.cursor) {
                return State.DROP;
            }
            TransportQp.Wqe w = qp.inflight.get(index);
            boolean read = w.wqe.opcode() == SendOpcode.RDMA_READ;
            // rxe_comp.c check_ack: a READ response for a WQE that is no READ, or an ATOMIC
            // ACKNOWLEDGE for one that is no atomic, answers nothing asked: the WQE fails (hfi1
            // rc.c ack_op_err too), once what precedes it is acknowledged.
            boolean unexpected = read != op.isRdmaReadResponse() || (!read && !w.readOrAtomic());
            // A READ response past the next one expected skipped a lost one (hfi1 rc.c rcv_resp,
            // ack_seq_err and rdma_seq_err; qib_rc.c likewise): the READ is asked for again now.
            boolean gap = read && !unexpected && Psn.diff(psn, w.respPsn) > 0;
            if (w.done || read && Psn.diff(psn, w.respPsn) < 0 || !unexpected && !gap && psn != w.respPsn) {
                return State.DROP;
            }
            lost = acknowledgeUpTo(Psn.add(w.firstPsn, -1));
            // A READ or atomic before this one still without its response is retried first,
            // whatever this response is (hfi1 rc.c do_rc_ack; rxe_comp.c check_psn before
            // check_ack): the response concerns a request after the lost one and is not looked at.
            if (lost < 0 && gap) {
                lost = index;
            }
            if (lost >= 0) {
                return State.ERROR_RETRY;
            }
            if (unexpected) {
                return State.BAD_RESPONSE;
            }
        } else {
            Aeth.Type type = Aeth.typeOf(pkt.aeth().syndrome());
            // An ACK covers its own PSN, a NAK or RNR NAK those before it (IBA 9.7.5.1.2); so does
            // a reserved type, whose code alone is then ignored (qib_rc.c, hfi1 rc.c do_rc_ack).
            lost = acknowledgeUpTo(type == Aeth.Type.ACK ? psn : Psn.add(psn, -1));
        }
        // A response acknowledges what precedes it, and says that a READ or atomic there still
        // without its response lost it: that is retried before the response itself counts
        // (rxe_comp.c check_psn; hfi1 rc.c do_rc_ack).
        return lost >= 0 ? State.ERROR_RETRY : State.CHECK_ACK;
    }

    private State checkAck() {
        Opcode op = pkt.opcode();
        // rxe_comp.c check_ack: a responder refuses a READ or an atomic with an ACKNOWLEDGE, so
        // the AETH of a READ response or an ATOMIC ACKNOWLEDGE says ACK; a NAK or RNR NAK there
        // answers the request neither way.
        if ((op.isRdmaReadResponse() || op.hasAtomicAckEth()) && op.hasAeth()
                && Aeth.typeOf(pkt.aeth().syndrome()) != Aeth.Type.ACK) {
            return State.BAD_RESPONSE;
        }
        if (op.isRdmaReadResponse()) {
            return State.READ;
        }
        if (op.hasAtomicAckEth()) {
            return State.ATOMIC;
        }
        int syndrome = pkt.aeth().syndrome();
        return switch (Aeth.typeOf(syndrome)) {
            case ACK -> State.ACK;
            case RNR_NAK -> State.RNR_NAK;
            case NAK -> Aeth.NakCode.ofValue(syndrome & 0x1f) == Aeth.NakCode.PSN_SEQUENCE_ERROR
                    ? State.SEQ_NAK : State.ERROR_NAK;
            // Ignored once what precedes it is acknowledged (qib_rc.c do_rc_ack "reserved").
            case RESERVED -> State.RETIRE;
        };
    }

    /** rxe_comp.c do_read: the data lands in the WQE's scatter list by its PSN. */
    private State read() {
        TransportQp.Wqe w = qp.inflight.get(index);
        int mtu = transport.mtu(qp);
        long offset = (long) Psn.diff(psn, w.firstPsn) * mtu;
        // IBA 9.7.4.1.5: every response but the READ's last carries path MTU bytes, and the last
        // ends at the READ's length. Data lands by PSN, so a response of another length would
        // leave a hole, and a last one that comes early would complete what never arrived.
        long left = w.length - offset;
        if (pkt.payloadLength() != Math.min(left, mtu) || pkt.opcode().isEnd() != (left <= mtu)) {
            // hfi1 rc.c and qib_rc.c rcv_resp, ack_len_err: the READ completes with a local
            // length error and the QP enters ERR.
            w.failure = Syndrome.LOCAL_LENGTH_ERR;
            return State.RETIRE;
        }
        Syndrome s = transport.scatter(qp.ctx.pd(), sges(w), offset, pkt.buffer(),
                pkt.payloadOffset(), pkt.payloadLength());
        if (s != null) {
            w.failure = s;
            return State.RETIRE;
        }
        w.respPsn = Psn.add(w.respPsn, 1);
        progress(psn);
        if (pkt.opcode().isEnd()) {
            w.done = true;
        }
        return State.RETIRE;
    }

    /** rxe_comp.c do_atomic: the original remote value goes to the WQE's buffer. */
    private State atomic() {
        TransportQp.Wqe w = qp.inflight.get(index);
        byte[] orig = new byte[8];
        long v = pkt.atomicAckEth().origRemData();
        // Host byte order in the requester's buffer, as rxe_comp.c do_atomic stores a native u64.
        for (int i = 0; i < 8; i++) {
            orig[i] = (byte) (v >>> (8 * i));
        }
        Syndrome s = transport.scatter(qp.ctx.pd(), sges(w), 0, orig, 0, 8);
        if (s != null) {
            w.failure = s;
            return State.RETIRE;
        }
        w.done = true;
        progress(psn);
        return State.RETIRE;
    }

    /** An ACK for every PSN up to and including its own (IBA 9.7.5.1.2, coalesced ACKs; checkPsn). */
    private State ack() {
        return State.RETIRE;
    }

    /**
     * rxe_comp.c check_psn, COMPST_ERROR_RETRY (hfi1 rc.c do_rc_ack, hfi1_restart_rc): a
     * response past a READ or atomic still waiting for its own (an ACK, a NAK, an RNR NAK, a READ
     * response or ATOMIC ACKNOWLEDGE for a later request) means that one was lost. The
     * requester goes back to it, and that is a retry counted against retry_cnt, RETRY_EXC_ERR
     * when none is left. Only one such retry is started until the responses move on
     * (comp.started_retry, hfi1's RVT_R_RDMAR_SEQ): the ACKs of what was sent before it would
     * each start another.
     */
    private State errorRetry() {
        if (qp.startedRetry) {
            return State.RETIRE;
        }
        TransportQp.Wqe w = qp.inflight.get(lost);
        if (!retry(qp)) {
            w.failure = Syndrome.TRANSPORT_RETRY_EXC_ERR;
            return State.RETIRE;
        }
        qp.startedRetry = true;
        goBack(qp, lost, w.respPsn);
        return State.RETIRE;
    }

    /** IBA 9.7.5.2.8: wait the RNR timer the NAK names, then resend from its PSN. */
    private State rnrNak() {
        int at = qp.indexOf(psn);
        if (at < 0) {
            return State.DROP;
        }
        TransportQp.Wqe w = qp.inflight.get(at);
        int rnrRetry = qp.ctx.rnrRetry();
        if (rnrRetry != RNR_RETRY_INFINITE) {
            if (qp.rnrLeft == 0) {
                w.failure = Syndrome.RNR_RETRY_EXC_ERR;
                return State.RETIRE;
            }
            qp.rnrLeft--;
        }
        qp.rnrWait = true;
        // Only the requester waits: the responses the static rate holds keep their timer (§5.9).
        qp.cancelRequesterTimers();
        TransportQp t = qp;
        int resume = psn;
        long delay = Aeth.rnrTimerNanos(pkt.aeth().value());
        t.rnrTimer = transport.scheduler().schedule(delay, transport.name() + " qp 0x" + Integer.toHexString(t.qpn())
                + " rnr timer", () -> {
                    if (transport.live(t) == null) {
                        return;
                    }
                    t.rnrTimer = null;
                    t.rnrWait = false;
                    int i = t.indexOf(resume);
                    if (i >= 0) {
                        goBack(t, i, resume);
                    }
                    armTimer(t);
                    transport.requester().run(t);
                });
        return State.RETIRE;
    }

    /**
     * IBA 9.7.5.2.1: a PSN sequence error NAK asks for go-back-N from its PSN. One that comes
     * while a go-back is under way and nothing progressed since (checkPsn would have ended it)
     * starts no other and spends no retry: the resent packets may be on their way, and only the
     * ACK timer starts another retry then (rxe_comp.c COMPST_ERROR_RETRY, started_retry).
     */
    private State seqNak() {
        if (qp.rnrWait) {
            // The RNR timer decides when to resend; this NAK concerns the same gap.
            return State.RETIRE;
        }
        int at = qp.indexOf(psn);
        if (at < 0 || qp.startedRetry) {
            return State.RETIRE;
        }
        if (!retry(qp)) {
            qp.inflight.get(at).failure = Syndrome.TRANSPORT_RETRY_EXC_ERR;
            return State.RETIRE;
        }
        qp.startedRetry = true;
        TransportQp.Wqe w = qp.inflight.get(at);
        goBack(qp, at, w.wqe.opcode() == SendOpcode.RDMA_READ ? w.respPsn : psn);
        return State.RETIRE;
    }

    /** IBA 9.7.5.2.3-5: remote access, invalid request and operational errors end the QP. */
    private State errorNak() {
        int at = qp.indexOf(psn);
        if (at < 0) {
            return State.DROP;
        }
        Aeth.NakCode code = Aeth.NakCode.ofValue(pkt.aeth().syndrome() & 0x1f);
        qp.inflight.get(at).failure = switch (code) {
            case REMOTE_ACCESS_ERROR -> Syndrome.REMOTE_ACCESS_ERR;
            case INVALID_REQUEST -> Syndrome.REMOTE_INVAL_REQ_ERR;
            default -> Syndrome.REMOTE_OP_ERR;
        };
        return State.RETIRE;
    }

    /**
     * A response no correct responder sends fails its WQE with a bad response error (IBA's
     * class for it, IB_WC_BAD_RESP_ERR; rxe_comp.c check_ack fails it too), once what precedes
     * it is acknowledged (checkPsn); the QP enters ERR.
     */
    private State badResponse() {
        qp.inflight.get(index).failure = Syndrome.BAD_RESP_ERR;
        return State.RETIRE;
    }

    private State retireAndSend() {
        TransportQp t = qp;
        retire(t);
        if (transport.live(t) != null) {
            armTimer(t);
            transport.requester().run(t);
        }
        return State.DONE;
    }

    private State drop() {
        transport.count(Transport.Drop.STALE_RESPONSE);
        if (creditRaised) {
            transport.requester().run(qp);
        }
        return State.DONE;
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static Transport.Segments sges(TransportQp.Wqe w) {
        return new Transport.Segments(w.wqe.bytes(), w.wqe.dataOffset(), w.wqe.ds() * Layout.Data.SIZE);
    }

    /**
     * Marks done every SEND and WRITE whose last PSN is at or before {@code upTo}. Returns the
     * index of a READ or atomic the ACK passed without its response (so the response was lost),
     * or -1. Every WQE begun counts, those at or past the cursor too: after a go-back the
     * responder may acknowledge what the requester is about to send again (rxe_comp.c check_psn
     * works from the oldest WQE, whatever the requester's position).
     */
    private int acknowledgeUpTo(int upTo) {
        for (int i = 0; i < qp.inflight.size(); i++) {
            TransportQp.Wqe w = qp.inflight.get(i);
            if (w.done) {
                continue;
            }
            if (Psn.diff(w.lastPsn(), upTo) > 0) {
                break;
            }
            if (w.readOrAtomic()) {
                // What the ACK says past the READ or atomic is no progress: its response is
                // missing (rxe_comp.c check_psn retries without reset_retry_counters).
                progress(Psn.add(w.firstPsn, -1));
                return i;
            }
            w.done = true;
        }
        // The requester does not send again what the responder has (qib_rc.c and hfi1 rc.c
        // do_rc_ack: an ACK at or past the send PSN moves it to the PSN after the ACK's, by
        // reset_psn), and retiring the WQEs behind the cursor keeps it on a WQE still in flight.
        while (qp.cursor < qp.inflight.size() && qp.inflight.get(qp.cursor).done) {
            qp.advanceCursor();
        }
        if (qp.cursor < qp.inflight.size() && !qp.inflight.get(qp.cursor).readOrAtomic()
                && Psn.diff(upTo, qp.cursorPsn) >= 0) {
            qp.cursorPsn = Psn.add(upTo, 1);
        }
        progress(upTo);
        return -1;
    }

    /**
     * The responder has everything up to {@code psn}: the window moves and the retry budgets
     * refill (rxe_comp.c reset_retry_counters, started_retry included).
     */
    private void progress(int upTo) {
        int next = Psn.add(upTo, 1);
        if (Psn.diff(next, qp.unackedPsn) > 0) {
            qp.unackedPsn = next;
            qp.retryLeft = qp.ctx.retryCnt();
            qp.rnrLeft = qp.ctx.rnrRetry();
            qp.startedRetry = false;
        }
    }

    /** Go-back-N: the requester resends from WQE {@code i} at {@code psn}. */
    static void goBack(TransportQp t, int i, int psn) {
        t.cursor = i;
        t.cursorPsn = psn;
    }

    /**
     * rxe_comp.c do_complete: retires done WQEs from the head in order, a CQE for the signaled
     * ones. A WQE with a failure gets an error CQE whether signaled or not, and the QP goes to
     * ERR, which flushes the WQEs after it.
     */
    void retire(TransportQp t) {
        SendQueue sq = t.ctx.sendQueue();
        while (!t.inflight.isEmpty()) {
            TransportQp.Wqe head = t.inflight.get(0);
            if (head.failure != null) {
                done(t, head, head.failure);
                sq.complete();
                transport.postCqe(t, true, Transport.errorCqe(t.qpn(), head.wqe.index(), true, head.failure), false);
                transport.sendError(t);
                return;
            }
            if (!transport.policy().retirable(t)) {
                break;
            }
            done(t, head, null);
            t.inflight.removeFirst();
            t.cursor--;
            sq.complete();
            if (head.wqe.signaled() && !transport.postCqe(t, true, sendCqe(t, head), false)) {
                // The CQ is in error: the QP went to ERR and flushed the rest.
                return;
            }
            t.recycle(head);
        }
        // IBA 11.6.3 (SQ Drained): after the CQE of the last WQE that was in progress.
        if (t.inflight.isEmpty() && t.ctx.sqDrainedPending && transport.policy().drainedAtLastCompletion()) {
            t.ctx.sqDrainedPending = false;
            transport.event(t, EventType.SQ_DRAINED);
        }
    }

    private void done(TransportQp t, TransportQp.Wqe w, Syndrome status) {
        TransportObserver obs = transport.observer();
        if (obs != null && t.rc()) {
            obs.compDone(transport, t.qpn(), w.wqe.index(), status);
        }
    }

    // CQ.post copies the CQE into the ring at once, so one buffer serves every send CQE.
    private byte[] sendCqe(TransportQp t, TransportQp.Wqe w) {
        byte[] b = cqe;
        Arrays.fill(b, (byte) 0);
        Layout.Cqe.QPN.set(b, 0, t.qpn());
        Layout.Cqe.WQE_INDEX.set(b, 0, w.wqe.index() & 0xffff);
        Layout.Cqe.IS_SEND.set(b, 0, 1);
        Layout.Cqe.OPCODE.set(b, 0, w.wqe.opcode().value());
        Layout.Cqe.BYTE_CNT.set(b, 0, w.length);
        return b;
    }

    /**
     * Takes one retry of retry_cnt, false when none is left. An armed QP whose retries ran out
     * migrates to its alternate path instead and starts counting again (HCA.md §5.10; qib_rc.c,
     * qib_restart_rc).
     */
    private boolean retry(TransportQp t) {
        if (t.retryLeft > 0) {
            t.retryLeft--;
            return true;
        }
        if (!transport.policy().migratesOnExhaustion(t.ctx.pmState())) {
            return false;
        }
        transport.migrate(t, "retries");
        t.retryLeft = t.ctx.retryCnt();
        return true;
    }

    /**
     * rxe_req.c update_state: a request packet went out; the timer starts unless it already
     * runs. Sending never restarts it: only a response does (retireAndSend), a retry and the end
     * of an RNR wait.
     */
    void startTimer(TransportQp t) {
        if (t.ackTimer == null || !t.ackTimer.isPending()) {
            armTimer(t);
        }
    }

    /** (Re)starts the local ACK timer while a sent WQE waits for its acknowledgement. */
    void armTimer(TransportQp t) {
        if (t.ackTimer != null) {
            t.ackTimer.cancel();
        }
        int timeout = t.ctx.ackTimeout();
        // A WQE enters the in-flight list as its first packet is sent, so a non-empty list means
        // packets await acknowledgement (a large message may still be mid-send, cursor 0).
        if (!t.rc() || timeout == 0 || t.rnrWait || t.inflight.isEmpty()) {
            return;
        }
        if (t.ackTimer == null) {
            // One event per QP, re-armed on every ACK.
            t.ackTimer = transport.scheduler().event(
                    transport.name() + " qp 0x" + Integer.toHexString(t.qpn()) + " ack timeout", () -> timeout(t));
        }
        t.ackTimer.arm(ACK_TIMEOUT_UNIT_NS << timeout);
    }

    /** IBA 9.7.6.1.3: no acknowledgement in time: resend from the oldest unacknowledged PSN. */
    private void timeout(TransportQp t) {
        if (transport.live(t) == null) {
            return;
        }
        if (t.inflight.isEmpty()) {
            return;
        }
        TransportObserver obs = transport.observer();
        if (obs != null) {
            obs.compTimeout(transport, t.qpn());
        }
        TransportQp.Wqe head = t.inflight.get(0);
        if (!retry(t)) {
            head.failure = Syndrome.TRANSPORT_RETRY_EXC_ERR;
            retire(t);
            return;
        }
        int resume = head.wqe.opcode() == SendOpcode.RDMA_READ ? head.respPsn
                : head.contains(t.unackedPsn) ? t.unackedPsn : head.firstPsn;
        // rxe_comp.c: a timeout retries whatever was started, and is a started retry itself.
        t.startedRetry = true;
        goBack(t, 0, resume);
        armTimer(t);
        transport.requester().run(t);
    }
}
