package org.ibmodel.sim.device;

import static org.ibmodel.sim.device.VerbsLifecycle.GRH;
import static org.ibmodel.sim.device.VerbsLifecycle.MCAST_QPN;
import static org.ibmodel.sim.device.VerbsLifecycle.errorMark;
import static org.ibmodel.sim.device.VerbsLifecycle.payload;
import static org.ibmodel.sim.device.VerbsLifecycle.source;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.ibmodel.core.Cq;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.QpType;
import org.ibmodel.core.Srq;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcFlags;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.device.VerbsLifecycle.Q;
import org.ibmodel.sim.device.VerbsLifecycle.Side;
import org.ibmodel.sim.device.VerbsLifecycle.Target;
import org.ibmodel.sim.device.VerbsLifecycle.W;

/**
 * The ledger of a {@link VerbsLifecycle} run: every work request posted, and what became of it.
 * Each completion polled is checked against it as it comes (once, in queue order, on the right
 * CQ, with a status the run's history allows and the bytes it promises); the run's teardown asks
 * it about deliveries and events.
 */
final class LifecycleLedger {
    private final VerbsLifecycle run;
    /** Every work request posted, by wr_id (unique over the run). */
    final Map<Long, W> ledger = new LinkedHashMap<>();
    /** The status each completed WR got; SUCCESS for an unsignalled one a later completion retired. */
    final Map<Long, WcStatus> done = new HashMap<>();
    /** The SRQ each SRQ receive was posted to. */
    final Map<Long, Srq> srqOf = new HashMap<>();
    /** Sends (and WRITEs with immediate) whose message a receive completion reported. */
    final Set<Long> received = new HashSet<>();
    /** Multicast datagrams received, as "id@QP": once per receiving QP. */
    final Set<String> mcastReceived = new HashSet<>();

    LifecycleLedger(VerbsLifecycle run) {
        this.run = run;
    }

    /** Checks one completion polled from {@code cq} of host {@code s} against the ledger. */
    void reap(Side s, Cq cq, Wc wc) {
        W w = ledger.get(wc.wrId);
        Q q = run.byQp.get(wc.qp);
        String what = "completion " + wc + " on h" + s.index;
        run.note("reaped " + wc.status + " " + wc.opcode + " #" + wc.wrId + " of " + q);
        assertNotNull(w, what + ": no such WR was posted" + run.where());
        assertNotNull(q, what + ": no such QP" + run.where());
        assertTrue(!done.containsKey(w.id()), what + ": WR " + w.id() + " already completed with "
                + done.get(w.id()) + run.where());
        done.put(w.id(), wc.status);
        run.coverage.hit((w.send() ? w.op() + " " : "recv ") + q.type + " " + wc.status);
        if (w.send()) {
            reapSend(q, cq, wc, w, what);
        } else {
            reapRecv(q, cq, wc, w, what);
        }
    }

    private void reapSend(Q q, Cq cq, Wc wc, W w, String what) {
        assertTrue(w.q() == q, what + ": WR was posted on " + w.q() + run.where());
        assertTrue(cq == q.qp.sendCq(), what + ": not on the QP's send CQ" + run.where());
        assertTrue(q.sq.contains(w.id()), what + ": not outstanding on its send queue " + q.sq + run.where());
        // A completion retires the unsignalled WRs before it, which succeeded (IBA 10.8.3: a send
        // queue completes in order, and an error or a flush is reported whatever the WR asked).
        Side peer = run.sides[1 - q.side.index];
        while (q.sq.peekFirst() != w.id()) {
            W before = ledger.get(q.sq.removeFirst());
            assertTrue(!before.signaled(), what + ": send queue completes out of order: signalled WR "
                    + before.id() + " is older" + run.where());
            retire(q, before, peer, what);
        }
        q.sq.removeFirst();
        assertTrue(w.signaled() || wc.status != WcStatus.SUCCESS, what + ": an unsignalled WR completed with"
                + " SUCCESS" + run.where());
        switch (wc.status) {
            case SUCCESS -> {
                assertTrue(w.id() >= q.flushBelow, what + ": success after an error completion, posted before the"
                        + " QP was taken back to RTS" + run.where());
                assertEquals(w.op().completion(), wc.opcode, what + ": opcode" + run.where());
                if (q.type == QpType.RC) {
                    assertTrue(w.remote() < 0 || w.remoteOk(), what + ": succeeded with a bad rkey or address"
                            + run.where());
                    checkRcData(q, w, peer, what);
                }
            }
            case WR_FLUSH_ERR -> checkFlush(q, w, what);
            case LOC_PROT_ERR -> {
                assertTrue(w.badLkey(), what + ": local protection error with a good lkey" + run.where());
                failed(q, w);
            }
            case RETRY_EXC_ERR, RNR_RETRY_EXC_ERR, REM_ACCESS_ERR, REM_INV_REQ_ERR, REM_OP_ERR -> {
                assertEquals(QpType.RC, q.type, what + ": a remote error on " + q.type + run.where());
                if (wc.status == WcStatus.REM_ACCESS_ERR) {
                    assertTrue(!w.remoteOk() || w.target() == Target.EXTRA, what
                            + ": remote access error on a good rkey and address" + run.where());
                }
                if (wc.status == WcStatus.REM_OP_ERR) {
                    // The responder could not scatter into a receive (IBA 9.9.3, class B).
                    assertTrue(ledger.values().stream().anyMatch(x -> !x.send() && x.badLkey() && (x.q() == q.peer
                            || q.peer.onSrq && x.srqSide() == q.peer.side)), what
                            + ": remote operational error with no receive of a bad lkey" + run.where());
                }
                if (wc.status == WcStatus.RNR_RETRY_EXC_ERR) {
                    assertTrue(w.op() == WrOpcode.SEND || w.op() == WrOpcode.SEND_WITH_IMM
                            || w.op() == WrOpcode.RDMA_WRITE_WITH_IMM, what + ": RNR on " + w.op() + run.where());
                }
                failed(q, w);
            }
            default -> fail(what + ": unexpected status" + run.where());
        }
    }

    /** An unsignalled WR that a later completion, or the end of the run, shows succeeded. */
    void retire(Q q, W w, Side peer, String what) {
        done.put(w.id(), WcStatus.SUCCESS);
        run.coverage.hit("unsignalled " + q.type + " retired");
        if (q.type == QpType.RC) {
            assertTrue(w.remote() < 0 || w.remoteOk(), what + ": unsignalled WR " + w.id()
                    + " succeeded with a bad rkey or address" + run.where());
            checkRcData(q, w, peer, what + ", retiring unsignalled WR " + w.id());
        }
    }

    /** WR {@code w} failed: until the QP's first return to RTS after it, its send queue only flushes. */
    private static void failed(Q q, W w) {
        q.flushBelow = q.recoveries.stream().filter(r -> r > w.id()).findFirst().orElse(Long.MAX_VALUE);
    }

    /** An RC requester's SUCCESS means the responder has executed it: its bytes are in place. */
    private void checkRcData(Q q, W w, Side peer, String what) {
        Side me = q.side;
        switch (w.op()) {
            case RDMA_WRITE, RDMA_WRITE_WITH_IMM -> assertArrayEquals(payload(w.id(), w.size()),
                    peer.memory().read(peer.buf + w.remote(), w.size()), what + ": WRITE's bytes at the peer"
                    + run.where());
            case RDMA_READ -> assertArrayEquals(source(peer.index, w.remote(), w.size()),
                    me.memory().read(me.buf + w.local(), w.size()), what + ": READ's bytes" + run.where());
            case ATOMIC_CMP_AND_SWP, ATOMIC_FETCH_AND_ADD -> {
                long init = 0x1000_0000_0000L + w.id();
                assertEquals(init, me.memory().readLong(me.buf + w.local()), what + ": original value" + run.where());
                long now = peer.memory().readLong(peer.buf + w.remote());
                long want = w.op() == WrOpcode.ATOMIC_FETCH_AND_ADD ? init + w.swapAdd()
                        : w.compare() == init ? w.swapAdd() : init;
                assertEquals(want, now, what + ": remote value after the atomic" + run.where());
            }
            default -> {
            }
        }
    }

    /** A flush needs the QP in ERR or SQE at some moment since the WR was posted. */
    private void checkFlush(Q q, W w, String what) {
        // A failed HCA's driver flushes everything outstanding itself (HCA.md 2.1).
        assertTrue(run.dead[q.side.index] || (w.errorMark() & 1) == 1 || q.errorEntries > w.errorMark() >> 1,
                what + ": flushed, but the QP was not in ERR or SQE at any time since the WR was posted" + run.where());
    }

    private void reapRecv(Q q, Cq cq, Wc wc, W w, String what) {
        assertTrue(cq == q.qp.recvCq(), what + ": not on the QP's receive CQ" + run.where());
        if (w.srqSide() != null) {
            assertTrue(q.onSrq && q.qp.srq() == srqOf.get(w.id()), what + ": SRQ WR completed on " + q
                    + ", not on its SRQ" + run.where());
        } else {
            assertTrue(w.q() == q, what + ": WR was posted on " + w.q() + run.where());
            assertEquals(q.rq.peekFirst(), (Long) w.id(), what + ": receive queue completes out of order " + q.rq
                    + run.where());
            q.rq.removeFirst();
        }
        switch (wc.status) {
            case SUCCESS -> checkReceived(q, wc, w, what);
            case WR_FLUSH_ERR -> {
                if (w.srqSide() == null) {
                    checkFlush(q, w, what);
                }
            }
            case REM_INV_REQ_ERR -> assertEquals(QpType.UC, q.type, what + ": class E error on " + q.type
                    + run.where());
            case LOC_PROT_ERR -> assertTrue(w.badLkey(), what + ": local protection error with a good lkey"
                    + run.where());
            // A WRITE with immediate takes its receive before the rkey check fails (rxe_resp.c checks
            // resources first); RC's class C error completes that receive (IBA 9.9.3), and so does a
            // UC QP on an SRQ, which drops the message (rxe_resp.c, RESPST_ERR_RKEY_VIOLATION), with
            // the status IBA 11.6.2 gives a protection error on a WRITE with immediate's receiver.
            case LOC_ACCESS_ERR -> {
                assertTrue((q.type == QpType.RC || q.onSrq) && ledger.values().stream()
                        .anyMatch(x -> x.q() == q.peer && x.op() == WrOpcode.RDMA_WRITE_WITH_IMM
                                && (!x.remoteOk() || x.target() == Target.EXTRA)),
                        what + ": no WRITE with immediate to a bad key or address came" + run.where());
                q.accessErrReceives++;
            }
            default -> fail(what + ": unexpected status" + run.where());
        }
    }

    private void checkReceived(Q q, Wc wc, W w, String what) {
        Side me = q.side;
        int grh = q.type == QpType.UD ? GRH : 0;
        if (wc.opcode == WcOpcode.RECV_RDMA_WITH_IMM) {
            assertTrue((wc.wcFlags & WcFlags.WITH_IMM) != 0, what + ": no IB_WC_WITH_IMM" + run.where());
            W sent = ledger.get((long) wc.immData);
            assertNotNull(sent, what + ": immediate names no WR" + run.where());
            assertEquals(WrOpcode.RDMA_WRITE_WITH_IMM, sent.op(), what + ": immediate of " + sent + run.where());
            assertTrue(sent.q() == q.peer, what + ": WRITE came from " + sent.q() + run.where());
            assertTrue(received.add(sent.id()), what + ": WRITE " + sent.id() + " reported twice" + run.where());
            Side peerSide = run.sides[1 - me.index];
            if (sent.target() == Target.MAIN) {
                assertArrayEquals(payload(sent.id(), sent.size()), me.memory().read(me.buf + sent.remote(),
                        sent.size()), what + ": bytes of WRITE " + sent.id() + run.where());
            }
            assertTrue(peerSide != me, "two sides");
            return;
        }
        assertEquals(WcOpcode.RECV, wc.opcode, what + ": opcode" + run.where());
        int len = wc.byteLen - grh;
        boolean imm = (wc.wcFlags & WcFlags.WITH_IMM) != 0;
        long id = 0;
        if (len == 0 && imm) {
            // A message of no bytes is known by its immediate.
            id = wc.immData & 0xffff_ffffL;
        } else if (len == 0) {
            assertTrue(ledger.values().stream().anyMatch(x -> x.op() == WrOpcode.SEND && x.size() == 0
                    && x.q().type == q.type), what + ": no empty SEND was posted" + run.where());
            return;
        } else {
            assertTrue(len >= 8, what + ": a message of " + len + " bytes was never sent" + run.where());
            byte[] head = me.memory().read(me.buf + w.local() + grh, 8);
            for (int i = 7; i >= 0; i--) {
                id = id << 8 | (head[i] & 0xff);
            }
        }
        W sent = ledger.get(id);
        assertNotNull(sent, what + ": carries WR id " + id + ", never sent" + run.where());
        assertTrue(sent.send() && (sent.op() == WrOpcode.SEND || sent.op() == WrOpcode.SEND_WITH_IMM),
                what + ": matched " + sent + run.where());
        boolean mcast = sent.remoteQpn() == MCAST_QPN;
        if (q.type == QpType.UD && mcast) {
            // Every QP attached to the group gets a copy, the sender's host's too (the HCA's
            // loopback, HCA.md 3.11), the sender itself included.
            assertTrue(sent.q().type == QpType.UD && q.everAttached, what + ": multicast datagram " + sent.id()
                    + " reached " + q + ", never attached" + run.where());
            assertTrue((wc.wcFlags & WcFlags.GRH) != 0, what + ": a multicast datagram without its GRH" + run.where());
            assertEquals(sent.q().qp.qpNum(), wc.srcQp, what + ": source QP" + run.where());
        } else if (q.type == QpType.UD) {
            assertTrue(sent.q().type == QpType.UD && sent.q().side != me && sent.remoteQpn() == q.qp.qpNum(),
                    what + ": datagram " + sent.id() + " was sent by " + sent.q() + " to QPN 0x"
                    + Integer.toHexString(sent.remoteQpn()) + run.where());
            assertEquals(sent.q().qp.qpNum(), wc.srcQp, what + ": source QP" + run.where());
        } else {
            assertTrue(sent.q() == q.peer, what + ": message " + sent.id() + " was sent by " + sent.q() + run.where());
        }
        assertEquals(sent.size(), len, what + ": length of message " + sent.id() + run.where());
        assertArrayEquals(payload(sent.id(), sent.size()), me.memory().read(me.buf + w.local() + grh, len),
                what + ": bytes of message " + sent.id() + run.where());
        assertEquals(sent.op() == WrOpcode.SEND_WITH_IMM, imm, what + ": IB_WC_WITH_IMM" + run.where());
        if (imm) {
            assertEquals((int) sent.id(), wc.immData, what + ": immediate" + run.where());
        }
        if (mcast) {
            assertTrue(mcastReceived.add(sent.id() + "@" + q.name), what + ": multicast datagram " + sent.id()
                    + " delivered twice to " + q + run.where());
            run.coverage.hit("multicast received" + (sent.q().side == me ? " by loopback" : ""));
        } else {
            assertTrue(received.add(sent.id()), what + ": message " + sent.id() + " delivered twice" + run.where());
        }
    }

    /**
     * The QPs' asynchronous events (include/rdma/ib_verbs.h enum ib_event_type, from mlx4's EQEs):
     * a QP on an SRQ reports its last WQE once per entry into ERR (IBA 10.3.1); a responder that
     * refused a remote access reports QP_ACCESS_ERR, only after its peer aimed one at a bad key or
     * address, unless the receive the refused message held reported it (HCA.md §7); nothing reports a fatal error, as no queue is corrupt and no CQ overruns, nor an
     * invalid request, as every request is well formed and every receive large enough.
     */
    void checkEvents() {
        for (Q q : run.byQp.values()) {
            long lastWqe = q.events.stream().filter(e -> e == IbEventType.QP_LAST_WQE_REACHED).count();
            long access = q.events.stream().filter(e -> e == IbEventType.QP_ACCESS_ERR).count();
            String what = q + " events " + q.events;
            if (q.onSrq && !q.destroyed && run.dead[q.side.index]) {
                // Events the device had not yet written when it failed are lost.
                assertTrue(lastWqe <= q.errEntries, what + ": more QP_LAST_WQE_REACHED than entries into ERR"
                        + run.where());
            } else if (q.onSrq && !q.destroyed) {
                assertEquals(q.errEntries, lastWqe, what + ": one QP_LAST_WQE_REACHED per entry into ERR"
                        + run.where());
            } else if (!q.onSrq) {
                assertEquals(0, lastWqe, what + ": QP_LAST_WQE_REACHED without an SRQ" + run.where());
            }
            long badAccesses = ledger.values().stream().filter(x -> x.send() && x.q() == q.peer && x.remote() >= 0
                    && (!x.remoteOk() || x.target() == Target.EXTRA)).count();
            assertTrue(access <= badAccesses, what + ": QP_ACCESS_ERR without a bad remote access" + run.where());
            // A REM_ACCESS_ERR NAK comes from a responder that refused the access (IBA 11.6.3.1).
            boolean nakked = ledger.values().stream().anyMatch(x -> x.send() && x.q() == q.peer
                    && done.get(x.id()) == WcStatus.REM_ACCESS_ERR);
            if (nakked && !q.destroyed && !run.dead[q.side.index]) {
                assertTrue(access > 0 || q.accessErrReceives > 0, what + ": " + q.peer
                        + " got REM_ACCESS_ERR but no QP_ACCESS_ERR or LOC_ACCESS_ERR receive here" + run.where());
            }
            for (IbEventType e : q.events) {
                // COMM_EST: a connected QP received in RTR (IBA 11.6.2), while a pair is reconnected.
                assertTrue(e == IbEventType.QP_LAST_WQE_REACHED || e == IbEventType.QP_ACCESS_ERR
                        || e == IbEventType.COMM_EST && q.type != QpType.UD, what + ": " + e + run.where());
                run.coverage.hit("event " + e);
            }
        }
    }
}
