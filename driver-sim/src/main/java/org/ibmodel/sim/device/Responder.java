// The responder stage: drivers/infiniband/sw/rxe/rxe_resp.c (rxe_responder: check_psn,
// check_op_seq, check_op_valid, check_resource, check_length, check_rkey, execute, do_complete,
// acknowledge, duplicate_request); IBA 9.7.4 (responder), 9.7.5.1 (ACK generation), 9.8 (UC),
// 9.6.1.1 (UD)
package org.ibmodel.sim.device;

import java.util.Arrays;
import org.ibmodel.sim.wire.Aeth;
import org.ibmodel.sim.wire.Grh;
import org.ibmodel.sim.wire.Opcode;
import org.ibmodel.sim.wire.OpcodeTable;
import org.ibmodel.sim.wire.Packet;
import org.ibmodel.sim.wire.PacketBuilder;

/**
 * Executes request packets: checks the PSN, the opcode sequence, the QP's remote access, a
 * receive WQE, the packet's and the message's length and the remote key, then moves data
 * (receive buffer, RDMA WRITE target, RDMA READ source, atomic target), writes the receive CQE
 * and acknowledges. Errors are states: an RC responder NAKs them, a UC one drops the message, a
 * UD one drops the packet.
 */
final class Responder {
    /** The engine's states (rxe_resp.c enum resp_states). */
    enum State {
        GET_REQ,
        CHECK_PSN,
        CHECK_OP_SEQ,
        CHECK_OP_VALID,
        CHECK_RESOURCE,
        CHECK_LENGTH,
        CHECK_RKEY,
        EXECUTE,
        READ_REPLY,
        ATOMIC_REPLY,
        COMPLETE,
        ACKNOWLEDGE,
        DUPLICATE,
        ERR_PSN_OUT_OF_SEQ,
        ERR_RNR,
        ERR_RKEY_VIOLATION,
        ERR_INVALID_REQUEST,
        ERR_LENGTH,
        ERR_PROTECTION,
        ERR_INVALIDATE_RKEY,
        DROP_MESSAGE,
        DONE
    }

    /** The largest message, the port's max_msg_sz: a RETH or a SEND longer than it is refused. */
    static final long MAX_MESSAGE = 1L << 31;

    /** IBA 11.4.1.1: a UD receive buffer starts with 40 bytes for the GRH. */
    static final int GRH_ROOM = Grh.HEADER_LENGTH;

    private final Transport transport;
    private final byte[] cqe = new byte[Layout.Cqe.SIZE];
    // The packet being processed; single-threaded like an rxe task.
    private TransportQp qp;
    private Packet pkt;
    /** The receive WQE {@link #recvSges} reads, grown to the largest stride seen. */
    private byte[] recvWqeBytes = new byte[0];
    /** The last view of {@link #recvWqeBytes} handed out. */
    private Transport.Segments recvSegments = Transport.Segments.NONE;
    private Opcode op;
    private int psn;
    private Syndrome recvError;
    /**
     * Why a UC message is dropped, for a receive it took from an SRQ: rxe_resp.c completes that
     * one in error (class E) instead of keeping it for the next message. Null: a plain drop.
     */
    private Syndrome dropStatus;
    /** What a dropped UC message is counted as: one reason per packet. */
    private Transport.Drop dropReason;
    // What this packet did, for the TransportObserver: executed, and the response sent (or -1).
    private boolean executed;
    private int replySyndrome;
    private int replyPsn;

    Responder(Transport transport) {
        this.transport = transport;
    }

    void receive(TransportQp t, Packet p) {
        qp = t;
        pkt = p;
        op = p.opcode();
        psn = p.bth().psn();
        recvError = null;
        dropStatus = null;
        dropReason = Transport.Drop.PARTIAL_MESSAGE;
        executed = false;
        replySyndrome = -1;
        State s = State.GET_REQ;
        try {
            s = run(s, t, p);
        } catch (ReceiveQueueGone g) {
            if (!transport.policy().containsQueueFaults()) {
                throw g;
            }
            // §6.1: the packet is dropped with the QP.
            transport.firmware().qps().catastrophic(t.ctx);
        }
        TransportObserver obs = transport.observer();
        if (obs != null && t.rc()) {
            obs.respRecv(transport, t.qpn(), psn, executed, replySyndrome < 0 ? TransportObserver.Reply.NONE
                    : TransportObserver.Reply.of(replySyndrome), replyPsn);
        }
        qp = null;
        pkt = null;
    }

    private State run(State first, TransportQp t, Packet p) {
        State s = first;
        while (s != State.DONE) {
            s = switch (s) {
                case GET_REQ -> t.ctx.datagram() ? datagram() : State.CHECK_PSN;
                case CHECK_PSN -> checkPsn();
                case CHECK_OP_SEQ -> checkOpSeq();
                case CHECK_OP_VALID -> checkOpValid();
                case CHECK_RESOURCE -> checkResource();
                case CHECK_LENGTH -> checkLength();
                case CHECK_RKEY -> checkRkey();
                case EXECUTE -> execute();
                case READ_REPLY -> readReply(psn, p.reth().va(), p.reth().rKey(), p.reth().dmaLen());
                case ATOMIC_REPLY -> atomicReply();
                case COMPLETE -> complete();
                case ACKNOWLEDGE -> acknowledge();
                case DUPLICATE -> duplicate();
                case ERR_PSN_OUT_OF_SEQ -> outOfSequence();
                case ERR_RNR -> rnr();
                case ERR_RKEY_VIOLATION -> fatal(Aeth.NakCode.REMOTE_ACCESS_ERROR, EventType.WQ_ACCESS_ERROR, psn);
                case ERR_INVALID_REQUEST -> fatal(Aeth.NakCode.INVALID_REQUEST, EventType.WQ_INVAL_REQ_ERROR, psn);
                case ERR_LENGTH -> lengthError();
                case ERR_PROTECTION -> protectionError();
                case ERR_INVALIDATE_RKEY -> invalidateError();
                case DROP_MESSAGE -> dropMessage();
                case DONE -> State.DONE;
            };
        }
        return s;
    }

    // ---- RC and UC ----------------------------------------------------------------------------

    /** rxe_resp.c check_psn: in order executes; RC NAKs a gap once and replays duplicates. */
    private State checkPsn() {
        int d = transport.policy().psnDiff(psn, qp.expectedPsn);
        if (!qp.rc()) {
            // IBA 9.8.3: UC has no retry; a gap loses the message in progress, never part of it.
            if (d != 0) {
                loseUcMessage();
                qp.expectedPsn = psn;
            }
            return State.CHECK_OP_SEQ;
        }
        if (d > 0) {
            return State.ERR_PSN_OUT_OF_SEQ;
        }
        if (d < 0) {
            return State.DUPLICATE;
        }
        qp.nakSent = false;
        return State.CHECK_OP_SEQ;
    }

    /** rxe_resp.c check_op_seq: the table of legal successors inside a message. */
    private State checkOpSeq() {
        if (OpcodeTable.mayFollow(qp.lastOpcode, op)) {
            communicationEstablished();
            return State.CHECK_OP_VALID;
        }
        if (!qp.rc() && op.isStart()) {
            // hfi1/uc.c hfi1_uc_rcv: a message that starts in sequence while another is unfinished
            // (a sender recovered from SQE) abandons that one, as a PSN gap does, and is taken.
            // rxe drops it too (class D1); it is a correct sender's message.
            loseUcMessage();
            communicationEstablished();
            return State.CHECK_OP_VALID;
        }
        // rxe_resp.c: RC class C; UC class D1 (a plain drop) or, on an SRQ, E.
        return qp.rc() ? State.ERR_INVALID_REQUEST : ucDrop(Syndrome.REMOTE_INVAL_REQ_ERR);
    }

    /**
     * IBA 11.6.3.1, Communication Established: the first request a connected QP takes in RTR;
     * the CM takes it for the RTU it may have missed (ib_cm_notify). Only one whose PSN and
     * place in its message are right counts (qib_rc.c qib_rc_rcv, hfi1 rc.c hfi1_rc_rcv raise
     * it after those checks): a stale packet of an earlier connection on the QPN does not.
     */
    private void communicationEstablished() {
        QpContext ctx = qp.ctx;
        if (ctx.state() == HwQpState.RTR && !ctx.commEstReported) {
            ctx.commEstReported = true;
            transport.event(qp, EventType.COMM_EST);
        }
    }

    /** rxe_resp.c check_op_valid: the QP must allow the remote operation (IBA 10.2.1 access flags). */
    private State checkOpValid() {
        boolean ok = (!op.isRdmaWrite() || qp.ctx.get(Layout.QpCtx.REMOTE_WRITE) != 0)
                && (!op.isRdmaReadRequest() || qp.ctx.get(Layout.QpCtx.REMOTE_READ) != 0)
                && (!op.isAtomic() || qp.ctx.get(Layout.QpCtx.REMOTE_ATOMIC) != 0);
        if (ok) {
            return State.CHECK_RESOURCE;
        }
        return qp.rc() ? State.ERR_INVALID_REQUEST : State.DROP_MESSAGE;
    }

    /**
     * rxe_resp.c check_resource / get_srq_wqe: a receive WQE for a SEND or a WRITE with
     * immediate; a READ or atomic needs responder resources, and a QP with none
     * (max_dest_rd_atomic 0) answers it as an invalid request.
     */
    private State checkResource() {
        if (op.isRdmaReadRequest() || op.isAtomic()) {
            return maxDestRdAtomic() > 0 ? State.CHECK_LENGTH : State.ERR_INVALID_REQUEST;
        }
        if (op.requiresRecvWqe() && qp.recvWqe < 0
                && (!transport.policy().receiverReady(psn) || !takeRecvWqe(qp))) {
            if (qp.rc()) {
                return State.ERR_RNR;
            }
            dropReason = Transport.Drop.NO_RECV_WQE;
            return State.DROP_MESSAGE;
        }
        return State.CHECK_LENGTH;
    }

    /**
     * rxe_resp.c rxe_resp_check_length (IBA C9-92): a requester cuts a message into packets of
     * the path MTU, so a FIRST or MIDDLE packet carries exactly the MTU, an ONLY at most the
     * MTU and a LAST from 1 byte to the MTU. Any other was cut by no correct requester.
     */
    private State checkLength() {
        if (op.hasPayload()) {
            int mtu = transport.mtu(qp);
            int len = pkt.payloadLength();
            boolean ok = op.isOnly() ? len <= mtu : op.isEnd() ? len >= 1 && len <= mtu : len == mtu;
            if (!ok) {
                return qp.rc() ? State.ERR_INVALID_REQUEST : ucDrop(Syndrome.REMOTE_INVAL_REQ_ERR);
            }
        }
        // rxe_resp.c rxe_resp_check_length refuses a RETH longer than the largest message. rxe's
        // receives are shorter than that (rxe_verbs.c post_one_recv), so a SEND that would pass
        // it has overrun its receive; here a receive may be longer, and the SEND fails it.
        if (op.hasReth() && Integer.toUnsignedLong(pkt.reth().dmaLen()) > MAX_MESSAGE) {
            return qp.rc() ? State.ERR_INVALID_REQUEST : ucDrop(Syndrome.REMOTE_INVAL_REQ_ERR);
        }
        if (op.isSend() && qp.recvOffset + pkt.payloadLength() > MAX_MESSAGE) {
            recvError = Syndrome.LOCAL_LENGTH_ERR;
            return State.ERR_LENGTH;
        }
        return State.CHECK_RKEY;
    }

    /** rxe_resp.c check_rkey: the key, PD, range and access of the remote buffer (IBA 10.6.3.3). */
    private State checkRkey() {
        int pd = qp.ctx.pd();
        if (op.isRdmaWrite() && op.hasReth()) {
            long len = Integer.toUnsignedLong(pkt.reth().dmaLen());
            if (len != 0 && transport.firmware().translate(pkt.reth().rKey(), pd, pkt.reth().va(), len,
                    Layout.Mpt.REMOTE_WRITE) < 0) {
                return qp.rc() ? State.ERR_RKEY_VIOLATION : ucDrop(Syndrome.LOCAL_ACCESS_ERR);
            }
            qp.writeVa = pkt.reth().va();
            qp.writeRkey = pkt.reth().rKey();
            qp.writeLeft = len;
            qp.writeLength = len;
        }
        // rxe_resp.c check_rkey: the packet that ends a WRITE carries all that is left of its
        // DMA length; a WRITE ending short would complete with bytes never written.
        if (op.isRdmaWrite() && (pkt.payloadLength() > qp.writeLeft
                || op.isEnd() && pkt.payloadLength() != qp.writeLeft)) {
            return qp.rc() ? State.ERR_INVALID_REQUEST : ucDrop(Syndrome.REMOTE_INVAL_REQ_ERR);
        }
        if (op.isRdmaReadRequest()) {
            long len = Integer.toUnsignedLong(pkt.reth().dmaLen());
            if (len != 0 && transport.firmware().translate(pkt.reth().rKey(), pd, pkt.reth().va(), len,
                    Layout.Mpt.REMOTE_READ) < 0) {
                return State.ERR_RKEY_VIOLATION;
            }
        }
        if (op.isAtomic()) {
            // The key first, as rxe_resp.c check_rkey does; the alignment after it, as
            // rxe_atomic_reply checks it (RESPST_ERR_MISALIGNED_ATOMIC): IBA 9.4.5, the atomic
            // target is 8 bytes, naturally aligned.
            if (transport.firmware().translate(pkt.atomicEth().rKey(), pd, pkt.atomicEth().va(), 8,
                    Layout.Mpt.ATOMIC) < 0) {
                return State.ERR_RKEY_VIOLATION;
            }
            if ((pkt.atomicEth().va() & 7) != 0) {
                return State.ERR_INVALID_REQUEST;
            }
        }
        return State.EXECUTE;
    }

    /** rxe_resp.c execute: moves the payload; READ and atomics answer with their own responses. */
    private State execute() {
        int pd = qp.ctx.pd();
        if (op.isRdmaReadRequest()) {
            return State.READ_REPLY;
        }
        if (op.isAtomic()) {
            return State.ATOMIC_REPLY;
        }
        if (op.isSend()) {
            Syndrome s = transport.scatter(recvPd(qp), recvSges(qp), qp.recvOffset, pkt.buffer(), pkt.payloadOffset(),
                    pkt.payloadLength());
            if (s != null) {
                recvError = s;
                return s == Syndrome.LOCAL_LENGTH_ERR ? State.ERR_LENGTH : State.ERR_PROTECTION;
            }
            qp.recvOffset += pkt.payloadLength();
            // rxe_resp.c execute: the IETH's key is freed once the data is in place (§5.8).
            if (op.hasIeth() && !transport.firmware().mpts().invalidate(pkt.ieth().rKey(), pd)) {
                return State.ERR_INVALIDATE_RKEY;
            }
        } else if (op.isRdmaWrite()) {
            if (!transport.write(qp.writeRkey, pd, qp.writeVa, pkt.buffer(), pkt.payloadOffset(), pkt.payloadLength(),
                    Layout.Mpt.REMOTE_WRITE)) {
                return qp.rc() ? State.ERR_RKEY_VIOLATION : ucDrop(Syndrome.LOCAL_ACCESS_ERR);
            }
            qp.writeVa += pkt.payloadLength();
            qp.writeLeft -= pkt.payloadLength();
        }
        qp.expectedPsn = Psn.add(psn, 1);
        qp.ackPsn = qp.expectedPsn;
        qp.lastOpcode = op;
        executed = true;
        if (op.isEnd()) {
            qp.msn = (qp.msn + 1) & Psn.MASK;
        }
        return op.completesRecvWqe() ? State.COMPLETE : State.ACKNOWLEDGE;
    }

    /** IBA 9.7.4.1.5 / rxe_resp.c read_reply: the READ's data in response packets of path MTU. */
    private State readReply(int firstPsn, long va, int rkey, int dmaLen) {
        int pd = qp.ctx.pd();
        int mtu = transport.mtu(qp);
        long len = Integer.toUnsignedLong(dmaLen);
        int packets = (int) Math.max(1, (len + mtu - 1) / mtu);
        boolean fresh = Psn.diff(firstPsn, qp.expectedPsn) == 0;
        if (fresh) {
            qp.expectedPsn = Psn.add(firstPsn, packets);
            qp.msn = (qp.msn + 1) & Psn.MASK;
            qp.lastOpcode = op;
            ResponderResources.Resource r = qp.resources.next(maxDestRdAtomic());
            r.atomic = false;
            r.firstPsn = firstPsn;
            r.lastPsn = Psn.add(firstPsn, packets - 1);
            r.va = va;
            r.length = len;
            r.rkey = rkey;
        }
        for (int i = 0; i < packets; i++) {
            int n = (int) Math.min(mtu, len - (long) i * mtu);
            Opcode rop = packets == 1 ? Opcode.RC_RDMA_READ_RESPONSE_ONLY
                    : i == 0 ? Opcode.RC_RDMA_READ_RESPONSE_FIRST
                    : i == packets - 1 ? Opcode.RC_RDMA_READ_RESPONSE_LAST : Opcode.RC_RDMA_READ_RESPONSE_MIDDLE;
            PacketBuilder b = transport.beginToPeer(qp, rop, Psn.add(firstPsn, i), n);
            if (rop.hasAeth()) {
                b.aeth().ack(credits(qp)).msn(qp.msn);
            }
            // Read from memory straight into the packet, as the HCA's DMA does.
            if (!transport.read(rkey, pd, va + (long) i * mtu, b.buffer(), b.payloadRoom(n), n,
                    Layout.Mpt.REMOTE_READ)) {
                // rxe_resp.c read_reply: a copy that fails is an rkey violation (class C), told
                // at the PSN of the response that could not be sent.
                transport.discard(qp);
                return fatal(Aeth.NakCode.REMOTE_ACCESS_ERROR, EventType.WQ_ACCESS_ERROR, Psn.add(firstPsn, i));
            }
            transport.sendResponse(qp);
        }
        return State.DONE;
    }

    /** IBA 9.4.5 / rxe_resp.c atomic_reply: executes once, caches the original value for replays. */
    private State atomicReply() {
        int pd = qp.ctx.pd();
        long va = pkt.atomicEth().va();
        int rkey = pkt.atomicEth().rKey();
        byte[] cur = transport.read(rkey, pd, va, 8, Layout.Mpt.ATOMIC);
        if (cur == null) {
            // checkRkey passed, so only a DMA the host refuses gets here: answered as a WRITE's is.
            return State.ERR_RKEY_VIOLATION;
        }
        // The operand is a 64-bit integer in host byte order, as the CPU sees it (rxe_resp.c
        // atomic_reply works on a native u64); the wire carries it big-endian.
        long orig = 0;
        for (int i = 7; i >= 0; i--) {
            orig = (orig << 8) | (cur[i] & 0xff);
        }
        long next = op == Opcode.RC_FETCH_ADD ? orig + pkt.atomicEth().swapAddData()
                : orig == pkt.atomicEth().compareData() ? pkt.atomicEth().swapAddData() : orig;
        byte[] out = new byte[8];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (next >>> (8 * i));
        }
        transport.write(rkey, pd, va, out, 0, 8, Layout.Mpt.ATOMIC);
        qp.expectedPsn = Psn.add(psn, 1);
        qp.ackPsn = qp.expectedPsn;
        qp.msn = (qp.msn + 1) & Psn.MASK;
        qp.lastOpcode = op;
        ResponderResources.Resource r = qp.resources.next(maxDestRdAtomic());
        r.atomic = true;
        r.firstPsn = psn;
        r.lastPsn = psn;
        r.orig = orig;
        sendAtomicAck(psn, orig);
        return State.DONE;
    }

    private void sendAtomicAck(int atPsn, long orig) {
        PacketBuilder b = transport.beginToPeer(qp, Opcode.RC_ATOMIC_ACKNOWLEDGE, atPsn, 0);
        b.aeth().ack(credits(qp)).msn(qp.msn);
        b.atomicAckEth().origRemData(orig);
        transport.sendResponse(qp);
    }

    /** rxe_resp.c do_complete: the receive CQE (docs/HCA.md §6) once the message is whole. */
    private State complete() {
        // A WRITE with immediate reports the bytes written, as rxe's do_complete (resp.length) and
        // ibv_poll_cq's byte_len say; a SEND the bytes received.
        int byteCnt = (int) (op.isRdmaWrite() ? qp.writeLength : qp.recvOffset);
        byte[] cqe = recvCqe(qp, pkt, byteCnt);
        boolean written = transport.postCqe(qp, false, cqe, pkt.bth().se());
        qp.recvWqe = -1;
        qp.recvOffset = 0;
        // A CQ in error put the QP in ERR: it acknowledges nothing more.
        return !written || qp.ctx.datagram() ? State.DONE : State.ACKNOWLEDGE;
    }

    /**
     * IBA 9.7.5.1.1: ACK a packet asking for one (rxe_resp.c acknowledge, qib_rc_rcv and
     * hfi1_rc_rcv answer AckReq alone; requesters set it on every message's last packet); UC never.
     */
    private State acknowledge() {
        if (qp.rc() && pkt.bth().ackReq()) {
            sendAck(Aeth.ackSyndrome(credits(qp)), psn);
        }
        return State.DONE;
    }

    /**
     * rxe_resp.c duplicate_request (IBA 9.7.5.1.3): SEND and WRITE are acknowledged again; a READ
     * the responder still keeps executes again from memory, if it asks for no more than the
     * first time, through the same key; an atomic it still keeps replays its result. A READ or
     * atomic no longer kept is dropped.
     */
    private State duplicate() {
        transport.count(Transport.Drop.DUPLICATE);
        if (op.isRdmaReadRequest()) {
            ResponderResources.Resource r = qp.resources.find(maxDestRdAtomic(), psn);
            long va = pkt.reth().va();
            long len = Integer.toUnsignedLong(pkt.reth().dmaLen());
            if (r == null || r.atomic || va < r.va || len > r.length || va + len > r.va + r.length
                    || pkt.reth().rKey() != r.rkey) {
                return State.DONE;
            }
            // rxe_resp.c rxe_recheck_mr: the region may have gone since the first time.
            if (len != 0 && transport.firmware().translate(r.rkey, qp.ctx.pd(), va, len,
                    Layout.Mpt.REMOTE_READ) < 0) {
                return State.ERR_RKEY_VIOLATION;
            }
            return State.READ_REPLY;
        }
        if (op.isAtomic()) {
            ResponderResources.Resource r = qp.resources.find(maxDestRdAtomic(), psn);
            if (r != null && r.atomic) {
                sendAtomicAck(psn, r.orig);
            }
            return State.DONE;
        }
        // As first-time ACKs, only when asked (qib and hfi1 rc_rcv_error). At the last SEND, WRITE
        // or atomic executed, below any READ after it (rxe_resp.c duplicate_request acknowledges at
        // ack_psn - 1): an ACK covering a READ would tell the requester its responses were lost.
        if (pkt.bth().ackReq()) {
            sendAck(Aeth.ackSyndrome(credits(qp)), Psn.add(qp.ackPsn, -1));
        }
        return State.DONE;
    }

    /** IBA 9.7.5.2.1: one NAK per gap; the rest of the gap is dropped silently. */
    private State outOfSequence() {
        transport.count(Transport.Drop.OUT_OF_SEQUENCE);
        if (!qp.nakSent) {
            qp.nakSent = true;
            sendAck(Aeth.nakSyndrome(Aeth.NakCode.PSN_SEQUENCE_ERROR), qp.expectedPsn);
        }
        return State.DONE;
    }

    /** IBA 9.7.5.2.8: no receive WQE: RNR NAK with the QP's min_rnr_timer; the PSN does not advance. */
    private State rnr() {
        // The RNR NAK already asks for a resend from this PSN; the rest of the gap gets no NAK
        // (hw/hfi1/rc.c: the RNR NAK sets r_nak_state, which holds back sequence NAKs).
        qp.nakSent = true;
        sendAck(Aeth.rnrNakSyndrome((int) qp.ctx.get(Layout.QpCtx.MIN_RNR_TIMER)), psn);
        return State.DONE;
    }

    /**
     * A class of error that ends the connection (IBA 9.7.5.2.3-4, 11.6.3.1): NAK it, report the
     * affiliated asynchronous event, and move the QP to ERR.
     */
    private State fatal(Aeth.NakCode code, EventType event, int nakPsn) {
        // rxe_resp.c do_class_ac_error then do_complete: a receive the message holds completes in
        // error before the QP's other WQEs are flushed. An RDMA WRITE with immediate refused for its
        // key reports LOCAL_ACCESS_ERR, as IBA 11.6.2 defines IB_WC_LOC_ACCESS_ERR (mlx4 has the CQE
        // syndrome for it; rxe says REM_ACCESS_ERR). A SEND's receive, held when a duplicate READ
        // in its midst is refused, gets the requester's error, as rxe gives it.
        // The error reaches the consumer once: by the receive's CQE when the message holds one,
        // by the affiliated event (IBA 11.6.3.1) only when there is none to complete (HCA.md §7).
        boolean heldReceive = qp.recvWqe >= 0;
        if (heldReceive) {
            Syndrome s = code != Aeth.NakCode.REMOTE_ACCESS_ERROR ? Syndrome.REMOTE_INVAL_REQ_ERR
                    : op.isRdmaWrite() ? Syndrome.LOCAL_ACCESS_ERR : Syndrome.REMOTE_ACCESS_ERR;
            transport.postCqe(qp, false, Transport.errorCqe(qp.qpn(), qp.recvWqe, false, s), false);
            qp.recvWqe = -1;
            qp.recvOffset = 0;
        }
        sendAck(Aeth.nakSyndrome(code), nakPsn);
        if (!heldReceive) {
            transport.event(qp, event);
        }
        transport.error(qp);
        return State.DONE;
    }

    /** The message does not fit the receive buffer: the receive completes in error, the sender is told. */
    private State lengthError() {
        return receiveError(Aeth.NakCode.INVALID_REQUEST);
    }

    private State protectionError() {
        return receiveError(Aeth.NakCode.REMOTE_OPERATIONAL_ERROR);
    }

    /**
     * A SEND the receive cannot hold is rxe's class C on RC, D or E on UC (a drop, which on an SRQ
     * completes the receive); a receive WQE the device cannot write through (its lkey, PD or
     * access) is class A on both (rxe_resp.c RESPST_ERR_MALFORMED_WQE): the receive completes in
     * error and the QP enters ERR.
     */
    private State receiveError(Aeth.NakCode code) {
        if (!qp.rc() && recvError == Syndrome.LOCAL_LENGTH_ERR) {
            return ucDrop(Syndrome.REMOTE_INVAL_REQ_ERR);
        }
        transport.postCqe(qp, false, Transport.errorCqe(qp.qpn(), qp.recvWqe, false, recvError), false);
        qp.recvWqe = -1;
        qp.recvOffset = 0;
        if (qp.rc()) {
            sendAck(Aeth.nakSyndrome(code), psn);
        }
        transport.error(qp);
        return State.DONE;
    }

    /** A UC message is dropped; on an SRQ the receive it took completes with {@code classE}. */
    private State ucDrop(Syndrome classE) {
        dropStatus = classE;
        return State.DROP_MESSAGE;
    }

    /**
     * rxe_resp.c RESPST_ERR_INVALIDATE_RKEY (class J): the key of a SEND with invalidate could not
     * be freed. The receive completes with REMOTE_INVAL_REQ_ERR, the packet is acknowledged as
     * usual, and the QP enters ERR.
     */
    private State invalidateError() {
        boolean written = transport.postCqe(qp, false,
                Transport.errorCqe(qp.qpn(), qp.recvWqe, false, Syndrome.REMOTE_INVAL_REQ_ERR), false);
        qp.recvWqe = -1;
        qp.recvOffset = 0;
        // As in complete(): a completion lost to an overrun CQ is not acknowledged (§6).
        if (qp.rc() && written) {
            sendAck(Aeth.ackSyndrome(credits(qp)), psn);
        }
        transport.error(qp);
        return State.DONE;
    }

    /** UC: the message in progress is lost; its receive WQE serves the next one (rxe_resp.c drop_msg). */
    private State dropMessage() {
        transport.count(dropReason);
        if (dropStatus != null) {
            failSrqWqe(dropStatus);
        }
        abandonMessage();
        qp.expectedPsn = Psn.add(psn, 1);
        return State.DONE;
    }

    /**
     * rxe_resp.c class E: a UC message lost after it took a WQE from an SRQ completes that WQE
     * with {@code status}, since it cannot go back to the queue; a receive queue's WQE is kept.
     */
    private void failSrqWqe(Syndrome status) {
        if (qp.ctx.hasSrq() && qp.recvWqe >= 0) {
            transport.postCqe(qp, false, Transport.errorCqe(qp.qpn(), qp.recvWqe, false, status), false);
            qp.recvWqe = -1;
        }
    }

    /**
     * UC: the message in progress is lost out of sequence; the SRQ WQE it took fails (class E)
     * even when the packet at hand starts the next message.
     */
    private void loseUcMessage() {
        transport.count(Transport.Drop.OUT_OF_SEQUENCE);
        failSrqWqe(Syndrome.REMOTE_INVAL_REQ_ERR);
        abandonMessage();
    }

    private void abandonMessage() {
        qp.lastOpcode = null;
        qp.recvOffset = 0;
        qp.writeLeft = 0;
    }

    private void sendAck(int syndrome, int atPsn) {
        PacketBuilder b = transport.beginToPeer(qp, Opcode.RC_ACKNOWLEDGE, atPsn, 0);
        b.aeth().syndrome(syndrome).msn(qp.msn);
        replySyndrome = syndrome;
        replyPsn = atPsn;
        transport.sendResponse(qp);
    }

    /** IB_QP1_QKEY (include/rdma/ib_mad.h): the Q_Key every GSI packet carries. */
    static final int GSI_QKEY = 0x8001_0000;
    /** IB_MGMT_MAD_SIZE (include/rdma/ib_mad.h): a MAD's bytes. */
    static final int MAD_SIZE = 256;

    // ---- UD -----------------------------------------------------------------------------------

    /** IBA 9.6.1.1 / 10.2.4: Q_Key check, a receive WQE, GRH room, then the payload. */
    private State datagram() {
        // IBA 13.5.1, 14.2.1: QP0 checks no Q_Key, QP1 the well-known one (rxe_recv.c check_keys).
        int wellKnown = qp.ctx.wellKnown();
        int qkey = wellKnown == ReceiveDemux.GSI_QPN ? GSI_QKEY : (int) qp.ctx.get(Layout.QpCtx.QKEY);
        if (wellKnown != ReceiveDemux.SMI_QPN && pkt.deth().qKey() != qkey) {
            transport.count(Transport.Drop.QKEY_MISMATCH);
            transport.port(qp).qkeyViolation();
            return State.DONE;
        }
        // IBA 13.5.3.1: QP0 and QP1 take MADs, SEND Only of 256 bytes (qib_ud_rcv drops the rest).
        if (wellKnown >= 0 && (op != Opcode.UD_SEND_ONLY || pkt.payloadLength() != MAD_SIZE)) {
            transport.count(Transport.Drop.MAD_INVALID);
            return State.DONE;
        }
        if (!takeRecvWqe(qp)) {
            transport.count(Transport.Drop.NO_RECV_WQE);
            // qib_ud_rcv, hfi1_ud_rcv: an SMP QP0 had no receive for is counted as VL15Dropped.
            if (wellKnown == ReceiveDemux.SMI_QPN) {
                transport.port(qp).vl15Dropped();
            }
            return State.DONE;
        }
        int pd = recvPd(qp);
        Transport.Segments sges = recvSges(qp);
        if (sges.total() < GRH_ROOM + pkt.payloadLength()) {
            transport.count(Transport.Drop.LENGTH);
            transport.postCqe(qp, false, Transport.errorCqe(qp.qpn(), qp.recvWqe, false, Syndrome.LOCAL_LENGTH_ERR),
                    false);
            qp.recvWqe = -1;
            return State.DONE;
        }
        Syndrome s = null;
        if (pkt.hasGrh()) {
            s = transport.scatter(pd, sges, 0, pkt.buffer(), pkt.offset() + org.ibmodel.sim.wire.Lrh.HEADER_LENGTH,
                    GRH_ROOM);
        }
        if (s == null) {
            s = transport.scatter(pd, sges, GRH_ROOM, pkt.buffer(), pkt.payloadOffset(), pkt.payloadLength());
        }
        if (s != null) {
            // IBA 10.3.1: a receive error puts a UD QP in ERR too (SQE is for send errors); rxe
            // (RESPST_ERR_MALFORMED_WQE) and hfi1_ud_rcv (rvt_rc_error) agree.
            transport.postCqe(qp, false, Transport.errorCqe(qp.qpn(), qp.recvWqe, false, s), false);
            qp.recvWqe = -1;
            transport.error(qp);
            return State.DONE;
        }
        qp.recvOffset = GRH_ROOM + pkt.payloadLength();
        return State.COMPLETE;
    }

    // ---- receive WQEs and CQEs ----------------------------------------------------------------

    /**
     * §6.1: the QP's receive queue, or its SRQ, is not there any more (a DMA fault on its ring or
     * doorbell record, or an SRQ an earlier one put in error). Only the receive queue's accesses
     * throw it; a DMA fault anywhere else is a bug in the device.
     */
    private static final class ReceiveQueueGone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReceiveQueueGone(DmaFault cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /** Takes the next receive WQE from the SRQ or the RQ; false when none is posted. */
    private boolean takeRecvWqe(TransportQp t) {
        try {
            return takeRecvWqeOrFault(t);
        } catch (DmaFault f) {
            throw new ReceiveQueueGone(f);
        }
    }

    private boolean takeRecvWqeOrFault(TransportQp t) {
        if (t.ctx.hasSrq()) {
            SrqContext srq = transport.firmware().srq((int) t.ctx.get(Layout.QpCtx.SRQN));
            int n = srq == null ? -1 : srq.take();
            if (n < 0) {
                return false;
            }
            t.recvWqe = n;
            t.recvWqeAddr = srq.wqeAddress(n);
            t.recvStride = srq.stride();
            t.recvSgeOffset = Layout.SrqNext.SIZE;
        } else {
            RecvQueue rq = t.ctx.recvQueue();
            int n = rq.take();
            if (n < 0) {
                return false;
            }
            t.recvWqe = n;
            t.recvWqeAddr = rq.wqeAddress(n);
            t.recvStride = rq.stride();
            t.recvSgeOffset = 0;
        }
        t.recvOffset = 0;
        return true;
    }

    /**
     * The PD a receive WQE's lkeys must belong to: the SRQ's for a QP on an SRQ (§4.6), whose
     * WQEs any QP of any PD may take, as rdmavt's init_sge takes srq->pd
     * (drivers/infiniband/sw/rdmavt/qp.c); the QP's otherwise.
     */
    private int recvPd(TransportQp t) {
        if (t.ctx.hasSrq()) {
            SrqContext srq = transport.firmware().srq((int) t.ctx.get(Layout.QpCtx.SRQN));
            // The SRQ stays in hardware ownership while a QP is attached to it (§4.5).
            return srq == null ? -1 : srq.pd();
        }
        return t.ctx.pd();
    }

    private Transport.Segments recvSges(TransportQp t) {
        if (t.recvWqe < 0) {
            return Transport.Segments.NONE;
        }
        // The WQE is read for its segments only, so one buffer serves every packet.
        if (recvWqeBytes.length < t.recvStride) {
            recvWqeBytes = new byte[t.recvStride];
        }
        try {
            transport.readHost(t.recvWqeAddr, recvWqeBytes, t.recvStride);
        } catch (DmaFault f) {
            if (t.ctx.hasSrq()) {
                SrqContext srq = transport.firmware().srq((int) t.ctx.get(Layout.QpCtx.SRQN));
                if (srq != null) {
                    srq.fail();
                }
            }
            throw new ReceiveQueueGone(f);
        }
        // An SRQ WQE's data segments follow its next segment (§5.12). The view reads the buffer in
        // place, so one per buffer, offset and stride serves every packet.
        Transport.Segments s = recvSegments;
        if (s.wqe() != recvWqeBytes || s.from() != t.recvSgeOffset || s.to() != t.recvStride) {
            s = new Transport.Segments(recvWqeBytes, t.recvSgeOffset, t.recvStride);
            recvSegments = s;
        }
        return s;
    }

    // CQ.post copies the CQE into the ring at once, so one buffer serves every receive CQE.
    private byte[] recvCqe(TransportQp t, Packet p, int byteCnt) {
        byte[] b = cqe;
        Arrays.fill(b, (byte) 0);
        Opcode o = p.opcode();
        Layout.Cqe.QPN.set(b, 0, t.qpn());
        Layout.Cqe.WQE_INDEX.set(b, 0, t.recvWqe & 0xffff);
        Layout.Cqe.BYTE_CNT.set(b, 0, byteCnt);
        Layout.Cqe.SRC_QPN.set(b, 0, t.ctx.datagram() ? p.deth().srcQp() : t.ctx.remoteQpn());
        Layout.Cqe.SLID.set(b, 0, p.lrh().slid());
        Layout.Cqe.SL.set(b, 0, p.lrh().sl());
        Layout.Cqe.GRH.set(b, 0, p.hasGrh() ? 1 : 0);
        Layout.Cqe.PKEY_INDEX.set(b, 0, t.rxPkeyIndex);
        Layout.Cqe.DLID_PATH_BITS.set(b, 0, transport.port(t).pathBits(p.lrh().dlid()));
        int opcode;
        if (o.isRdmaWrite()) {
            opcode = Layout.Cqe.RECV_RDMA_WRITE_IMM;
        } else if (o.hasImmDt()) {
            opcode = Layout.Cqe.RECV_SEND_IMM;
        } else if (o.hasIeth()) {
            opcode = Layout.Cqe.RECV_SEND_INVAL;
        } else {
            opcode = Layout.Cqe.RECV_SEND;
        }
        Layout.Cqe.OPCODE.set(b, 0, opcode);
        if (o.hasImmDt()) {
            Layout.Cqe.IMM.set(b, 0, Integer.toUnsignedLong(p.immDt().immDt()));
        }
        if (o.hasIeth()) {
            Layout.Cqe.IMM.set(b, 0, Integer.toUnsignedLong(p.ieth().rKey()));
        }
        return b;
    }

    private int maxDestRdAtomic() {
        return (int) qp.ctx.get(Layout.QpCtx.MAX_DEST_RD_ATOMIC);
    }

    /** IBA 9.7.5.1.2 / Table 44: the credit code for the receive WQEs still posted; SRQ gives none. */
    private int credits(TransportQp t) {
        if (t.ctx.hasSrq()) {
            return Aeth.CREDIT_INVALID;
        }
        RecvQueue rq = t.ctx.recvQueue();
        try {
            return Aeth.creditCode(rq.producer() - rq.consumer());
        } catch (DmaFault f) {
            throw new ReceiveQueueGone(f);
        }
    }
}
