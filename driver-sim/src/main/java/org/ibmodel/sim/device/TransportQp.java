// The transport half of a QP, as struct rxe_qp keeps req, resp and comp state side by side
// (drivers/infiniband/sw/rxe/rxe_verbs.h struct rxe_req_info, rxe_resp_info, rxe_comp_info)
package org.ibmodel.sim.device;

import java.util.ArrayDeque;
import java.util.Deque;
import org.ibmodel.sim.wire.Opcode;
import org.ibmodel.sim.sched.Scheduler;

/**
 * What the requester, responder and completer of one QP share: the send WQEs in flight with
 * their PSN ranges, the send cursor, retry budgets and timers; and on the receive side the
 * expected PSN, the MSN, the message in progress and the READ and atomic resources. Created when
 * the QP first sends or receives, forgotten when the QP leaves for ERR or RESET.
 */
final class TransportQp {
    /**
     * One send WQE the requester has started, until the completer retires it. The QP reuses
     * retired ones ({@link #newWqe}), payload buffer included.
     */
    static final class Wqe {
        SendWqe wqe;
        int firstPsn;
        int packets;
        /** Message bytes, at most 2^31; the data is read from host memory packet by packet. */
        long length;
        /** READ: the next response PSN expected. */
        int respPsn;
        boolean done;
        /** A local error found when the WQE was built; reported when it reaches the head. */
        Syndrome failure;

        Wqe set(SendWqe wqe, int firstPsn, int packets, long length) {
            this.wqe = wqe;
            this.firstPsn = firstPsn;
            this.packets = packets;
            this.length = length;
            this.respPsn = firstPsn;
            this.done = false;
            this.failure = null;
            return this;
        }

        int lastPsn() {
            return Psn.add(firstPsn, packets - 1);
        }

        boolean readOrAtomic() {
            return wqe.opcode() == SendOpcode.RDMA_READ || wqe.opcode().hasAtomic();
        }

        boolean contains(int psn) {
            return Psn.diff(psn, firstPsn) >= 0 && Psn.diff(psn, lastPsn()) <= 0;
        }
    }

    final QpContext ctx;

    // ---- requester and completer (rxe_req_info, rxe_comp_info) ----
    final Deque<SendWqe> pending = new ArrayDeque<>();
    final WqeRing inflight = new WqeRing();
    /** Retired WQEs for {@link #newWqe}. */
    private final ArrayDeque<Wqe> retired = new ArrayDeque<>();
    int nextPsn;
    /**
     * The PSN after the highest one sent (a READ's response PSNs count once its request is
     * out): a response for a PSN at or past it concerns nothing sent.
     */
    int sentPsn;
    /** Index into {@link #inflight} of the WQE being sent, and its next PSN. */
    int cursor;
    int cursorPsn;
    /** Everything before this PSN is acknowledged. */
    int unackedPsn;
    int retryLeft;
    int rnrLeft;
    boolean rnrWait;
    /** The local ACK timer: made on first use, then re-armed; pending while it runs. */
    Scheduler.Handle ackTimer;
    Scheduler.Handle rnrTimer;
    /** §5.9: the earliest virtual time the next packet may start, and the event that waits for it. */
    long pacedUntil;
    Scheduler.Handle paceTimer;
    /** §5.9: responses built while the rate held the QP back, oldest first, and their timer. */
    final ArrayDeque<Held> heldResponses = new ArrayDeque<>(0);
    Scheduler.Handle responseTimer;

    /** A finished packet waiting for its port. */
    record Held(int port, byte[] packet) {
    }
    /** Set when the transport forgets this QP (Transport.drop); a dropped QP is never live again. */
    boolean dropped;
    /**
     * The requester went back for a READ or atomic response a later response passed, or on a
     * timeout; no other such retry starts until the responses move on (rxe comp.started_retry).
     */
    boolean startedRetry;
    /** A local error stopped the requester; nothing further is sent. */
    boolean requesterHalted;
    /*
     * End-to-end credits (IBA 9.7.7.2; rdmavt's s_ssn, s_lsn and RVT_S_UNLIMITED_CREDIT): every
     * message begun takes the next SSN; a message that needs a receive WQE may begin only while
     * its SSN is at most one past the limit, which each ACK sets to its MSN plus its credits; one
     * that needs none moves the limit on by one. An ACK with the invalid credit code lifts it.
     */
    int ssn = 1;
    int lsn;
    boolean unlimitedCredit;

    // ---- responder (rxe_resp_info) ----
    int expectedPsn;
    /**
     * rxe_resp_info.ack_psn: the PSN after the last SEND, WRITE or atomic request executed. A
     * READ moves expectedPsn past its responses but not this, so that a repeated SEND or WRITE
     * is acknowledged below any READ, never as if the READ's responses were an ACK's to give.
     */
    int ackPsn;
    int msn;
    boolean nakSent;
    /** The last packet of the request stream accepted, for the opcode sequence check. */
    Opcode lastOpcode;
    /** The receive WQE of the message in progress: its counter, or -1. */
    int recvWqe = -1;
    /** The P_Key table entry the packet being received matched: the QP's own but for the GSI's. */
    int rxPkeyIndex;
    long recvWqeAddr;
    int recvStride;
    /** Where the taken WQE's data segments begin: after an SRQ WQE's next segment (§5.12). */
    int recvSgeOffset;
    /** Bytes of the message in progress received; up to 2^31, so a long. */
    long recvOffset;
    /** The RDMA WRITE in progress: its next virtual address, key and bytes left. */
    long writeVa;
    int writeRkey;
    long writeLeft;
    /** The open RDMA WRITE's DMA length, its receive CQE's byte count when it carries an immediate. */
    long writeLength;
    /** UC: the rest of the current message is dropped (a packet of it was lost). */
    boolean dropMessage;
    /** RDMA READ and atomic requests kept to answer their repetitions. */
    final ResponderResources resources = new ResponderResources();

    TransportQp(QpContext ctx) {
        this.ctx = ctx;
        sendFrom((int) ctx.get(Layout.QpCtx.SQ_PSN));
        this.expectedPsn = (int) ctx.get(Layout.QpCtx.RQ_PSN);
        this.ackPsn = expectedPsn;
        this.retryLeft = ctx.retryCnt();
        this.rnrLeft = ctx.rnrRetry();
    }

    /** The send side starts at {@code psn}, nothing sent or acknowledged (IB_QP_SQ_PSN). */
    void sendFrom(int psn) {
        nextPsn = psn;
        unackedPsn = psn;
        cursorPsn = psn;
        sentPsn = psn;
    }

    /** The cursor moves to the next WQE begun, at its first PSN; past the last, to none yet. */
    void advanceCursor() {
        cursor++;
        if (cursor < inflight.size()) {
            cursorPsn = inflight.get(cursor).firstPsn;
        }
    }

    int qpn() {
        return ctx.qpn();
    }

    int serviceType() {
        return ctx.serviceType();
    }

    boolean rc() {
        return ctx.serviceType() == QpContext.RC;
    }

    /** READ and atomic WQEs sent and not yet answered. */
    int rdAtomicOutstanding() {
        int n = 0;
        for (int i = 0; i < cursor && i < inflight.size(); i++) {
            Wqe w = inflight.get(i);
            n += w.readOrAtomic() && !w.done ? 1 : 0;
        }
        return n;
    }

    /** The in-flight WQE whose PSN range holds {@code psn}, or -1. */
    int indexOf(int psn) {
        for (int i = 0; i < inflight.size(); i++) {
            if (inflight.get(i).contains(psn)) {
                return i;
            }
        }
        return -1;
    }

    /** A WQE record to fill, reused from a retired one when there is one. */
    Wqe newWqe() {
        Wqe w = retired.poll();
        return w != null ? w : new Wqe();
    }

    /** The completer is done with {@code w}; nothing may hold it any more. */
    void recycle(Wqe w) {
        w.wqe = null;
        retired.push(w);
    }

    void cancelTimers() {
        cancelRequesterTimers();
        if (responseTimer != null) {
            responseTimer.cancel();
        }
    }

    /** The ACK, RNR and pacing timers of the send side; the responder's held responses keep theirs. */
    void cancelRequesterTimers() {
        if (ackTimer != null) {
            ackTimer.cancel();
        }
        if (rnrTimer != null) {
            rnrTimer.cancel();
            rnrTimer = null;
        }
        if (paceTimer != null) {
            paceTimer.cancel();
        }
    }
}
