// The requester stage: drivers/infiniband/sw/rxe/rxe_req.c (rxe_requester, next_opcode,
// init_req_packet), IBA 9.4 (packet sequencing), 9.5 (segmentation), 9.7.4 (requester side)
package org.ibmodel.sim.device;

import java.util.EnumMap;
import java.util.Map;
import org.ibmodel.sim.wire.Opcode;
import org.ibmodel.sim.wire.OpcodeTable;
import org.ibmodel.sim.wire.PacketBuilder;

/**
 * Turns send WQEs into request packets: takes the next WQE (or the one a retry went back to),
 * checks the limits that may make it wait, gathers its data, and sends its packets from the
 * cursor PSN to its last. RC keeps every started WQE until the {@link Completer} retires it;
 * UC and UD WQEs are done once their last packet is on the wire.
 */
final class Requester {
    /** The engine's states, one handler each (rxe_req.c has the same steps inline). */
    enum State {
        GET_WQE,
        CHECK_LIMITS,
        PREPARE,
        SEND_PACKET,
        NEXT_WQE,
        ERR_LOCAL_PROT,
        ERR_LOCAL_LENGTH,
        ERR_LOCAL_QP_OP,
        DONE
    }

    /** Position of a packet in its message: the columns of {@link #OPCODES}. */
    private static final int FIRST = 0;
    private static final int MIDDLE = 1;
    private static final int LAST = 2;
    private static final int ONLY = 3;

    /** RC opcodes per send opcode and position; UC is the same with OpCode bit 5 set (IBA Table 38). */
    private static final Map<SendOpcode, Opcode[]> OPCODES = new EnumMap<>(SendOpcode.class);

    static {
        OPCODES.put(SendOpcode.SEND, new Opcode[] {Opcode.RC_SEND_FIRST, Opcode.RC_SEND_MIDDLE,
            Opcode.RC_SEND_LAST, Opcode.RC_SEND_ONLY});
        OPCODES.put(SendOpcode.SEND_IMM, new Opcode[] {Opcode.RC_SEND_FIRST, Opcode.RC_SEND_MIDDLE,
            Opcode.RC_SEND_LAST_WITH_IMMEDIATE, Opcode.RC_SEND_ONLY_WITH_IMMEDIATE});
        OPCODES.put(SendOpcode.SEND_INVAL, new Opcode[] {Opcode.RC_SEND_FIRST, Opcode.RC_SEND_MIDDLE,
            Opcode.RC_SEND_LAST_WITH_INVALIDATE, Opcode.RC_SEND_ONLY_WITH_INVALIDATE});
        OPCODES.put(SendOpcode.RDMA_WRITE, new Opcode[] {Opcode.RC_RDMA_WRITE_FIRST, Opcode.RC_RDMA_WRITE_MIDDLE,
            Opcode.RC_RDMA_WRITE_LAST, Opcode.RC_RDMA_WRITE_ONLY});
        OPCODES.put(SendOpcode.RDMA_WRITE_IMM, new Opcode[] {Opcode.RC_RDMA_WRITE_FIRST,
            Opcode.RC_RDMA_WRITE_MIDDLE, Opcode.RC_RDMA_WRITE_LAST_WITH_IMMEDIATE,
            Opcode.RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE});
        Opcode[] read = {Opcode.RC_RDMA_READ_REQUEST, Opcode.RC_RDMA_READ_REQUEST, Opcode.RC_RDMA_READ_REQUEST,
            Opcode.RC_RDMA_READ_REQUEST};
        OPCODES.put(SendOpcode.RDMA_READ, read);
        OPCODES.put(SendOpcode.ATOMIC_CS, new Opcode[] {null, null, null, Opcode.RC_COMPARE_SWAP});
        OPCODES.put(SendOpcode.ATOMIC_FA, new Opcode[] {null, null, null, Opcode.RC_FETCH_ADD});
    }

    /**
     * Unacknowledged PSNs an RC QP may have on the wire before it waits for an ACK (rxe's
     * RXE_MAX_UNACKED_PSNS is 128; a hardware HCA's limit is its own).
     */
    static final int WINDOW = 64;
    /**
     * A long message's packets ask for an ACK every this many PSNs from its first, as qib and
     * hfi1 ask on each packet whose PSN is a non-zero multiple of QIB_PSN_CREDIT / HFI1_PSN_CREDIT
     * (16) past the WQE's first PSN (qib_rc.c qib_make_rc_req, hw/hfi1/rc.c hfi1_make_rc_req),
     * whichever packet a go-back resumes at; rxe_req.c counts RXE_MAX_PKT_PER_ACK (64) packets.
     */
    static final int PACKETS_PER_ACK_REQ = 16;

    private final Transport transport;

    Requester(Transport transport) {
        this.transport = transport;
    }

    /** Sends what can be sent now; called on a doorbell, an ACK, a timer. */
    void run(TransportQp t) {
        State s = State.GET_WQE;
        while (s != State.DONE) {
            if (transport.live(t) == null) {
                return;
            }
            s = switch (s) {
                case GET_WQE -> getWqe(t);
                case CHECK_LIMITS -> checkLimits(t);
                case PREPARE -> prepare(t);
                case SEND_PACKET -> sendPacket(t);
                case NEXT_WQE -> nextWqe(t);
                case ERR_LOCAL_PROT -> localError(t, Syndrome.LOCAL_PROT_ERR);
                case ERR_LOCAL_LENGTH -> localError(t, Syndrome.LOCAL_LENGTH_ERR);
                case ERR_LOCAL_QP_OP -> localError(t, Syndrome.LOCAL_QP_OP_ERR);
                case DONE -> State.DONE;
            };
        }
    }

    /**
     * The WQE at the cursor: one already started (a retry, or the rest of a message) or the next
     * pending. In SQD the started ones go on and no new one starts (IBA 10.3.1); after a local
     * error, the ones before the failed WQE go on (a retry resends them) and nothing from it on.
     */
    private State getWqe(TransportQp t) {
        HwQpState s = t.ctx.state();
        if (t.rnrWait || !(s.sends() || s == HwQpState.SQD)) {
            return State.DONE;
        }
        if (t.cursor < t.inflight.size()) {
            return t.inflight.get(t.cursor).failure != null ? State.DONE : State.SEND_PACKET;
        }
        return t.requesterHalted || t.pending.isEmpty() || !transport.policy().mayBegin(s) ? State.DONE
                : State.CHECK_LIMITS;
    }

    /**
     * IBA 9.4.4 / 10.8.3.3: max_rd_atomic outstanding READ and atomics; a fenced WQE waits for
     * them. A local operation waits until every WQE before it has completed (IBA 10.6.5.1, the
     * Local Invalidate Fence: rxe_req.c rxe_wqe_is_fenced for LOCAL_INV, hfi1 rc.c
     * hfi1_make_rc_req for REG_MR too), so a READ into a region lands before its key goes.
     */
    private State checkLimits(TransportQp t) {
        SendWqe w = t.pending.peek();
        if (w.opcode() == null) {
            return State.PREPARE;
        }
        if (w.opcode().isLocal() && !t.inflight.isEmpty()) {
            return State.DONE;
        }
        boolean rdAtomic = w.opcode() == SendOpcode.RDMA_READ || w.opcode().hasAtomic();
        // Only a READ, an atomic or a fenced WQE waits for the outstanding ones: count them then.
        if (rdAtomic || w.fence()) {
            int outstanding = t.rdAtomicOutstanding();
            int limit = Math.max(1, (int) t.ctx.get(Layout.QpCtx.MAX_RD_ATOMIC));
            if ((rdAtomic && outstanding >= limit) || (w.fence() && outstanding > 0)) {
                return State.DONE;
            }
        }
        if (t.rc() && Psn.diff(t.nextPsn, t.unackedPsn) >= WINDOW) {
            return State.DONE;
        }
        // rdmavt make_rc_req: no credit for a message that needs a receive WQE: wait for an ACK.
        if (t.rc() && !t.unlimitedCredit && w.opcode().consumesRecvWqe() && Psn.diff(t.ssn, Psn.add(t.lsn, 1)) > 0
                && transport.policy().honoursCredits()) {
            return State.DONE;
        }
        return State.PREPARE;
    }


    /**
     * Assigns the WQE its PSNs and checks its data segments (rxe_req.c init_req_packet); the data
     * itself is read when each packet is sent.
     */
    private State prepare(TransportQp t) {
        SendWqe w = t.pending.poll();
        int mtu = transport.mtu(t);
        boolean allowed = w.opcode() != null && (t.rc() || (t.serviceType() == QpContext.UC && ucOpcode(w.opcode()))
                || (t.ctx.datagram() && (w.opcode() == SendOpcode.SEND || w.opcode() == SendOpcode.SEND_IMM)));
        TransportQp.Wqe q = t.newWqe();
        if (allowed && w.opcode().isLocal()) {
            return local(t, w, q);
        }
        long length;
        Syndrome failure = null;
        boolean oversizeDatagram = false;
        if (!allowed) {
            failure = Syndrome.LOCAL_QP_OP_ERR;
            length = 0;
        } else if (w.opcode() == SendOpcode.RDMA_READ || w.opcode().hasAtomic()) {
            length = new Transport.Segments(w.bytes(), w.dataOffset(), w.ds() * Layout.Data.SIZE).total();
        } else {
            length = messageLength(t, w);
            if (length < 0) {
                failure = Syndrome.LOCAL_PROT_ERR;
                length = 0;
            } else if (t.ctx.datagram() && length > mtu) {
                // IBA C10-93.1.1, quoted in rxe_req.c (rxe_requester): a UD message longer than the
                // port's MTU emits no packet and is no error; it completes as if sent.
                oversizeDatagram = true;
            }
        }
        // IBA 9.4: a message is at most 2^31 bytes; a longer one is a local length error.
        if (failure == null && length > Responder.MAX_MESSAGE) {
            failure = Syndrome.LOCAL_LENGTH_ERR;
            length = 0;
        }
        int packets = w.opcode() != null && w.opcode().hasAtomic() ? 1 : (int) Math.max(1, (length + mtu - 1) / mtu);
        if (failure != null || oversizeDatagram) {
            packets = 1;
        }
        q.set(w, t.nextPsn, packets, length);
        q.failure = failure;
        if (failure == null) {
            t.nextPsn = Psn.add(t.nextPsn, packets);
            t.ssn = Psn.add(t.ssn, 1);
            if (t.rc() && !t.unlimitedCredit && !w.opcode().consumesRecvWqe()) {
                // It takes an MSN at the responder but no receive WQE, so no credit.
                t.lsn = Psn.add(t.lsn, 1);
            }
        }
        t.inflight.add(q);
        t.cursorPsn = q.firstPsn;
        if (oversizeDatagram) {
            return State.NEXT_WQE;
        }
        if (failure == null) {
            return State.SEND_PACKET;
        }
        return switch (failure) {
            case LOCAL_PROT_ERR -> State.ERR_LOCAL_PROT;
            case LOCAL_LENGTH_ERR -> State.ERR_LOCAL_LENGTH;
            default -> State.ERR_LOCAL_QP_OP;
        };
    }

    /**
     * Whether UC sends {@code op}: SEND and RDMA WRITE, with or without immediate, and the local
     * operations. UC has no packet opcode for READ, atomics or SEND with Invalidate (rxe_req.c
     * next_opcode_uc likewise fails the rest with IB_WC_LOC_QP_OP_ERR).
     */
    private static boolean ucOpcode(SendOpcode op) {
        return op.isLocal() || op == SendOpcode.SEND || op == SendOpcode.SEND_IMM || op == SendOpcode.RDMA_WRITE
                || op == SendOpcode.RDMA_WRITE_IMM;
    }

    /**
     * FAST_REG or LOCAL_INVAL (§5.7, §5.8; rxe_req.c rxe_do_local_ops): carried out now, in SQ
     * order, with no packet; it completes in order once the WQEs before it have. A refusal is a
     * LOCAL_QP_OP_ERR and changes nothing.
     */
    private State local(TransportQp t, SendWqe w, TransportQp.Wqe q) {
        MptTable mpts = transport.firmware().mpts();
        int pd = t.ctx.pd();
        boolean ok = w.opcode() == SendOpcode.FAST_REG ? mpts.fastReg(pd, w.bytes(), w.localOffset())
                : mpts.invalidate(Layout.LocalInv.KEY.getInt(w.bytes(), w.localOffset()), pd);
        t.inflight.add(q);
        if (!ok) {
            q.set(w, t.nextPsn, 1, 0);
            q.failure = Syndrome.LOCAL_QP_OP_ERR;
            t.cursorPsn = q.firstPsn;
            return State.ERR_LOCAL_QP_OP;
        }
        q.set(w, t.nextPsn, 0, 0);
        q.done = true;
        t.cursor++;
        transport.completer().retire(t);
        return State.GET_WQE;
    }

    /**
     * The length of a SEND's or WRITE's message, each data segment checked for local access
     * through its lkey; -1 on a protection error. Inline data counts what the WQE holds.
     */
    private long messageLength(TransportQp t, SendWqe w) {
        byte[] b = w.bytes();
        int end = w.ds() * Layout.Data.SIZE;
        int pd = t.ctx.pd();
        long length = 0;
        for (int off = w.dataOffset(); off + Layout.Data.SIZE <= end;) {
            int count = Layout.Data.BYTE_COUNT.getInt(b, off);
            if (Layout.Data.INLINE.isSet(b, off)) {
                length += inlineLength(b, off, count);
                off += inlineSize(count);
                continue;
            }
            int lkey = Layout.Data.LKEY.getInt(b, off);
            if (lkey == Layout.Data.INVALID_LKEY) {
                break;
            }
            if (!transport.reachable(lkey, pd, Layout.Data.ADDR.get(b, off), count, null)) {
                return -1;
            }
            length += count;
            off += Layout.Data.SIZE;
        }
        return length;
    }

    /**
     * Reads bytes {@code [from, from + len)} of the WQE's message into {@code dst} at
     * {@code dstOff}: inline data from the WQE, the rest from host memory through the segments'
     * lkeys. As the HCA (and rxe_req.c copy_data) does, this happens for every packet sent,
     * retransmissions included, so a retransmission reads the memory again. False on a
     * protection error: the memory was deregistered or invalidated since the WQE was checked.
     */
    private boolean readPayload(TransportQp t, SendWqe w, int from, byte[] dst, int dstOff, int len) {
        byte[] b = w.bytes();
        int end = w.ds() * Layout.Data.SIZE;
        int skip = from;
        int done = 0;
        for (int off = w.dataOffset(); off + Layout.Data.SIZE <= end && done < len;) {
            int count = Layout.Data.BYTE_COUNT.getInt(b, off);
            boolean inline = Layout.Data.INLINE.isSet(b, off);
            int lkey = inline ? 0 : Layout.Data.LKEY.getInt(b, off);
            if (!inline && lkey == Layout.Data.INVALID_LKEY) {
                break;
            }
            int segment = inline ? inlineLength(b, off, count) : count;
            if (skip >= segment) {
                skip -= segment;
            } else {
                int n = Math.min(segment - skip, len - done);
                if (inline) {
                    System.arraycopy(b, off + Layout.Data.INLINE_HEADER + skip, dst, dstOff + done, n);
                } else if (!transport.read(lkey, t.ctx.pd(), Layout.Data.ADDR.get(b, off) + skip, dst, dstOff + done,
                        n, null)) {
                    return false;
                }
                done += n;
                skip = 0;
            }
            off += inline ? inlineSize(count) : Layout.Data.SIZE;
        }
        return true;
    }

    /** Inline bytes of the segment at {@code off}: its count, as far as the WQE holds them. */
    private static int inlineLength(byte[] wqe, int off, int count) {
        return Math.max(0, Math.min(count, wqe.length - (off + Layout.Data.INLINE_HEADER)));
    }

    private static int inlineSize(int count) {
        return (Layout.Data.INLINE_HEADER + count + Layout.Data.SIZE - 1) / Layout.Data.SIZE * Layout.Data.SIZE;
    }

    /** Builds and sends the packet at the cursor PSN (rxe_req.c next_opcode, init_req_packet). */
    private State sendPacket(TransportQp t) {
        TransportQp.Wqe q = t.inflight.get(t.cursor);
        SendWqe w = q.wqe;
        if (t.rc() && Psn.diff(t.cursorPsn, t.unackedPsn) >= WINDOW) {
            return State.DONE;
        }
        if (t.pacedUntil > transport.scheduler().now() || !t.heldResponses.isEmpty()) {
            // Responses go before requests (qib_rc.c qib_make_rc_req, hfi1 rc.c: an ACK pending
            // is sent first): one the rate holds takes the slot, and the request the next.
            transport.releaseResponse(t);
            waitForRate(t);
            return State.DONE;
        }
        int mtu = transport.mtu(t);
        int index = Psn.diff(t.cursorPsn, q.firstPsn);
        Opcode op = opcode(t, w.opcode(), index, q.packets);
        int payloadLength = op.hasPayload() ? (int) Math.min(mtu, q.length - (long) index * mtu) : 0;
        PacketBuilder b;
        if (t.ctx.datagram()) {
            byte[] wb = w.bytes();
            int dg = w.datagramOffset();
            int qkey = Layout.Datagram.QKEY.getInt(wb, dg);
            // IBA 10.2.4: a Q_Key with its high bit set means "use the QP's own".
            if (qkey < 0) {
                qkey = (int) t.ctx.get(Layout.QpCtx.QKEY);
            }
            boolean global = Layout.Datagram.GRH.isSet(wb, dg);
            b = transport.begin(t, op, global, Layout.Datagram.DLID.getInt(wb, dg), Layout.Datagram.SL.getInt(wb, dg),
                    Layout.Datagram.SRC_PATH_BITS.getInt(wb, dg), Layout.Datagram.REMOTE_QPN.getInt(wb, dg),
                    t.cursorPsn, payloadLength);
            if (global) {
                transport.grh(b, t, Layout.Datagram.SGID_INDEX.getInt(wb, dg), Layout.Datagram.HOP_LIMIT.getInt(wb, dg),
                        Layout.Datagram.TRAFFIC_CLASS.getInt(wb, dg), Layout.Datagram.FLOW_LABEL.getInt(wb, dg),
                        Layout.Datagram.DGID.high64(wb, dg), Layout.Datagram.DGID.low64(wb, dg));
            }
            // The SMI and GSI QPs send as QP0 and QP1; QP0's packets go on VL15, a directed-route
            // SMP to the permissive LID from it too (IBA 13.5.1, 7.6.5; mthca_qp.c build_mlx_header).
            int wellKnown = t.ctx.wellKnown();
            b.deth().qKey(qkey).srcQp(wellKnown >= 0 ? wellKnown : t.qpn());
            if (wellKnown == ReceiveDemux.GSI_QPN) {
                // §5.2: QP1 sends each datagram on the partition its WQE names; past the table,
                // with the invalid P_Key 0, which no port takes.
                b.bth().pKey(transport.port(t).pkeyOrInvalid(Layout.Datagram.PKEY_INDEX.getInt(wb, dg)));
            }
            if (wellKnown == ReceiveDemux.SMI_QPN) {
                b.lrh().vl(ReceiveDemux.VL15);
                if (Layout.Datagram.DLID.getInt(wb, dg) == ReceiveDemux.PERMISSIVE_LID) {
                    b.lrh().slid(ReceiveDemux.PERMISSIVE_LID);
                }
            }
        } else {
            b = transport.beginToPeer(t, op, t.cursorPsn, payloadLength);
        }
        boolean last = w.opcode() == SendOpcode.RDMA_READ || index == q.packets - 1;
        if (op.hasReth()) {
            long off = w.opcode() == SendOpcode.RDMA_READ ? (long) index * mtu : 0;
            b.reth().va(Layout.Raddr.VA.get(w.bytes(), w.raddrOffset()) + off)
                    .rKey(Layout.Raddr.RKEY.getInt(w.bytes(), w.raddrOffset()))
                    .dmaLen((int) (q.length - off));
        }
        if (op.hasAtomicEth()) {
            b.atomicEth().va(Layout.Raddr.VA.get(w.bytes(), w.raddrOffset()))
                    .rKey(Layout.Raddr.RKEY.getInt(w.bytes(), w.raddrOffset()))
                    .swapAddData(Layout.Atomic.SWAP_ADD.get(w.bytes(), w.atomicOffset()))
                    .compareData(Layout.Atomic.COMPARE.get(w.bytes(), w.atomicOffset()));
        }
        if (op.hasImmDt()) {
            b.immDt().immDt(w.imm());
        }
        if (op.hasIeth()) {
            b.ieth().rKey(w.imm());
        }
        if (payloadLength > 0
                && !readPayload(t, w, index * mtu, b.buffer(), b.payloadRoom(payloadLength), payloadLength)) {
            transport.discard(t);
            return State.ERR_LOCAL_PROT;
        }
        boolean ackReq = t.rc() && (last || index != 0 && index % PACKETS_PER_ACK_REQ == 0);
        // IBA 9.2.3, rxe_req.c init_req_packet: SE only ends a SEND or a WRITE with immediate.
        boolean completesReceive = op.isSend() || op.isRdmaWrite() && op.hasImmDt();
        b.bth().ackReq(ackReq).se(last && w.solicited() && op.isEnd() && completesReceive);
        int rate = t.ctx.datagram() ? Layout.Datagram.STATIC_RATE.getInt(w.bytes(), w.datagramOffset())
                : t.ctx.staticRate();
        long started = transport.scheduler().now();
        long gap = StaticRate.gapNs(rate, transport.send(t), transport.port(t));
        if (gap > 0) {
            t.pacedUntil = started + gap;
        }
        if (t.rc()) {
            transport.completer().startTimer(t);
        }
        TransportObserver obs = transport.observer();
        if (obs != null && t.rc()) {
            obs.reqSend(transport, t.qpn(), w.index(), t.cursorPsn);
        }
        if (w.opcode() == SendOpcode.RDMA_READ) {
            // One request stands for all the response PSNs (IBA 9.7.2).
            t.cursorPsn = Psn.add(q.firstPsn, q.packets);
        } else {
            t.cursorPsn = Psn.add(t.cursorPsn, 1);
        }
        if (Psn.diff(t.cursorPsn, t.sentPsn) > 0) {
            t.sentPsn = t.cursorPsn;
        }
        return last ? State.NEXT_WQE : State.SEND_PACKET;
    }

    /** §5.9: the QP sends again when its static rate lets it; one event per QP, re-armed. */
    private void waitForRate(TransportQp t) {
        if (t.paceTimer == null) {
            t.paceTimer = transport.scheduler().event(
                    transport.name() + " qp 0x" + Integer.toHexString(t.qpn()) + " static rate", () -> {
                        if (transport.live(t) != null) {
                            run(t);
                        }
                    });
        }
        if (!t.paceTimer.isPending()) {
            t.paceTimer.armAt(t.pacedUntil);
        }
    }

    private static Opcode opcode(TransportQp t, SendOpcode op, int index, int packets) {
        if (t.ctx.datagram()) {
            return op == SendOpcode.SEND_IMM ? Opcode.UD_SEND_ONLY_WITH_IMMEDIATE : Opcode.UD_SEND_ONLY;
        }
        int pos = packets == 1 ? ONLY : index == 0 ? FIRST : index == packets - 1 ? LAST : MIDDLE;
        Opcode rc = OPCODES.get(op)[pos];
        return t.rc() ? rc : OpcodeTable.lookup(rc.value() | 0x20);
    }

    /**
     * The WQE's last packet is out: the cursor moves on; UC and UD WQEs are done now. An RC WQE's
     * packets started the ACK timer if it was not running (sendPacket); it is not restarted here,
     * or a stream of new messages would put off the timeout of an older one (rxe_req.c
     * update_state; hfi1 rc.c hfi1_rc_send_complete starts it only when not running either).
     */
    private State nextWqe(TransportQp t) {
        TransportQp.Wqe q = t.inflight.get(t.cursor);
        t.advanceCursor();
        if (!t.rc()) {
            q.done = true;
            transport.completer().retire(t);
        }
        return State.GET_WQE;
    }

    /**
     * A local error on the WQE just prepared: nothing from it on is sent, and the error CQE is
     * written in order, once everything before it completed (rxe_comp.c reports it from the
     * completer); what precedes it is still resent when a retry asks.
     */
    private State localError(TransportQp t, Syndrome s) {
        t.requesterHalted = true;
        t.inflight.get(t.cursor).failure = s;
        t.cursor++;
        transport.completer().retire(t);
        return State.DONE;
    }
}
