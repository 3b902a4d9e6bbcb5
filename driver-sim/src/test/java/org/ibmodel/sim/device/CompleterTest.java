// The completer's timers, retries and completions as a peer sees them on the wire: IBA 9.7.5.2,
// 9.7.6; drivers/infiniband/sw/rxe/rxe_comp.c and rxe_req.c, drivers/infiniband/hw/hfi1/rc.c
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.wire.Opcode;
import org.junit.jupiter.api.Test;

class CompleterTest {
    /** ack_timeout 10: 4.096 µs × 2^10. */
    private static final int TIMEOUT = 10;
    private static final long TIMEOUT_NS = Completer.ACK_TIMEOUT_UNIT_NS << TIMEOUT;

    private static HostilePeer peer(Consumer<QpAttr> rts) {
        return new HostilePeer(QpType.RC, r -> {
        }, false, rts);
    }

    /** An RDMA WRITE of 8 bytes: it needs no receive credit, so it goes out whatever the peer ACKs. */
    private static void postWrite(HostilePeer h, long wrId) {
        assertTrue(h.qp.postSend(new SendWr().wrId(wrId).opcode(WrOpcode.RDMA_WRITE).sendFlags(SendFlags.SIGNALED)
                .sgList(new Sge(h.base, 8, h.mr.lkey())).remoteAddr(0x10_0000).rkey(0x1234)).ok());
    }

    /** An RDMA READ of one path MTU into the victim's region at 8 KiB: one request, one response PSN. */
    private static void postRead(HostilePeer h, long wrId) {
        postRead(h, wrId, HostilePeer.MTU);
    }

    private static void ack(HostilePeer h, int psn) {
        h.send(Opcode.RC_ACKNOWLEDGE, psn, f -> {
            f.syndrome = 0x1f;
            f.msn = 1;
        });
    }

    /** The times at which the victim sent a request with {@code psn}, in order. */
    private static List<Long> sentAt(List<Transport.Sent> sent, int psn) {
        return sent.stream().filter(p -> p.psn() == psn && p.opcode() != Opcode.RC_ACKNOWLEDGE.value())
                .map(Transport.Sent::timeNs).toList();
    }

    /**
     * rxe_req.c update_state starts the retransmit timer only when it is not running (hfi1 rc.c
     * likewise, hfi1_rc_send_complete): a later message going out does not put off the timeout
     * of an earlier one that waits for its ACK. The first WRITE is resent one ACK timeout after
     * it was sent, not one timeout after the second.
     */
    @Test
    void shouldNotPutOffTheAckTimeoutWhenALaterMessageIsSent() {
        try (HostilePeer h = peer(r -> r.timeout = TIMEOUT)) {
            postWrite(h, 1);
            // The world's clock moves by events only: the second WRITE is posted at an event of its own.
            h.world.scheduler().schedule(TIMEOUT_NS / 2, "post the second WRITE", () -> postWrite(h, 2));
            h.run(TIMEOUT_NS * 2);
            List<Transport.Sent> sent = h.sent();
            assertTrue(sentAt(sent, HostilePeer.SQ_PSN + 1).get(0) >= TIMEOUT_NS / 2, "the second WRITE went later");
            List<Long> first = sentAt(sent, HostilePeer.SQ_PSN);
            assertTrue(first.size() >= 2, "the first WRITE is resent: " + first);
            long waited = first.get(1) - first.get(0);
            assertTrue(waited >= TIMEOUT_NS && waited < TIMEOUT_NS + TIMEOUT_NS / 4,
                    "resent " + waited + " ns after it was first sent; the ACK timeout is " + TIMEOUT_NS + " ns");
        }
    }

    /**
     * An ACK for a PSN past an RDMA READ whose response never came says the response was lost:
     * the requester goes back to the READ, and that is a retry like any other, counted against
     * retry_cnt (rxe_comp.c check_psn to COMPST_ERROR_RETRY; hfi1 rc.c do_rc_ack,
     * hfi1_restart_rc). With retry_cnt 0 none is left: the READ completes with RETRY_EXC_ERR,
     * the QP enters ERR and the WRITE behind it is flushed.
     */
    @Test
    void shouldCountTheRetryOfAReadWhoseResponseAnAckPassed() {
        try (HostilePeer h = peer(r -> r.retryCnt = 0)) {
            postRead(h, 1);
            postWrite(h, 2);
            // The driver's doorbell takes the device some 20 µs to answer: wait for the requests.
            h.run(50_000);
            h.sent();
            ack(h, HostilePeer.SQ_PSN + 1);
            // Well within the ACK timeout of about 4.3 s: the ACK itself ends the READ.
            h.run(20_000);
            List<Wc> wcs = h.poll();
            assertEquals(2, wcs.size(), wcs.toString());
            assertEquals(1, wcs.get(0).wrId, wcs.toString());
            assertEquals(WcStatus.RETRY_EXC_ERR, wcs.get(0).status, wcs.toString());
            assertEquals(WcStatus.WR_FLUSH_ERR, wcs.get(1).status, wcs.toString());
            assertEquals(HwQpState.ERR, h.transportQp().ctx.state());
        }
    }

    /**
     * Once the requester went back for a lost READ response, further ACKs past the READ, sent
     * for what was on the wire before the retry, start no other retry until the READ's response
     * arrives (rxe_comp.c comp.started_retry; hfi1's RVT_R_RDMAR_SEQ): the READ is asked for
     * once, not once per ACK.
     */
    @Test
    void shouldGoBackForALostReadResponseOnceUntilItArrives() {
        try (HostilePeer h = peer(r -> {
        })) {
            postRead(h, 1);
            postWrite(h, 2);
            postWrite(h, 3);
            // The driver's doorbell takes the device some 20 µs to answer: wait for the requests.
            h.run(50_000);
            h.sent();
            ack(h, HostilePeer.SQ_PSN + 1);
            ack(h, HostilePeer.SQ_PSN + 2);
            List<Long> reads = sentAt(h.sent(), HostilePeer.SQ_PSN);
            assertEquals(1, reads.size(), "the READ request is resent once: " + reads);
        }
    }

    /**
     * A READ response for a later READ while an earlier READ has none says the earlier one's
     * response was lost: the requester asks for it again at once (rxe_comp.c check_psn to
     * COMPST_ERROR_RETRY; hfi1 rc.c do_rc_ack restarts it), not only when the ACK timer fires.
     */
    @Test
    void shouldAskAgainAtOnceForAReadALaterReadResponsePassed() {
        try (HostilePeer h = peer(r -> {
        })) {
            postRead(h, 1);
            postRead(h, 2);
            h.run(50_000);
            h.sent();
            h.send(Opcode.RC_RDMA_READ_RESPONSE_ONLY, HostilePeer.SQ_PSN + 1, f -> {
                f.syndrome = 0x1f;
                f.msn = 2;
                f.payload = TransportPair.pattern(7, HostilePeer.MTU);
            });
            h.run(20_000);
            assertEquals(1, sentAt(h.sent(), HostilePeer.SQ_PSN).size(), "the first READ is asked for again");
            assertTrue(h.poll().isEmpty(), "nothing completes before the first READ's response");
        }
    }

    private static void postSend(HostilePeer h, long wrId) {
        postSend(h, wrId, 8);
    }

    /**
     * A PSN sequence error NAK past a READ without its response says that response was lost,
     * as an ACK does: rxe_comp.c check_psn retries the READ before it looks at the NAK. With
     * retry_cnt 0 the READ completes with RETRY_EXC_ERR at once and the QP enters ERR, not
     * when the ACK timer fires (and never, were the timeout 0).
     */
    @Test
    void shouldFailAReadASequenceNakPassedWhenNoRetryIsLeft() {
        try (HostilePeer h = peer(r -> r.retryCnt = 0)) {
            postRead(h, 1);
            postWrite(h, 2);
            postWrite(h, 3);
            h.run(50_000);
            h.send(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN + 2, f -> f.syndrome =
                    org.ibmodel.sim.wire.Aeth.nakSyndrome(org.ibmodel.sim.wire.Aeth.NakCode.PSN_SEQUENCE_ERROR));
            h.run(20_000);
            List<Wc> wcs = h.poll();
            assertEquals(3, wcs.size(), wcs.toString());
            assertEquals(1, wcs.get(0).wrId, wcs.toString());
            assertEquals(WcStatus.RETRY_EXC_ERR, wcs.get(0).status, wcs.toString());
            assertEquals(HwQpState.ERR, h.transportQp().ctx.state());
        }
    }

    /**
     * An RNR NAK past a READ without its response: the READ's response was lost, and the
     * requester asks for it again at once (rxe_comp.c check_psn) rather than waiting out the RNR
     * timer and resending from the NAK's PSN, past the READ.
     */
    @Test
    void shouldAskAgainForAReadAnRnrNakPassed() {
        try (HostilePeer h = peer(r -> {
        })) {
            postRead(h, 1);
            postSend(h, 2);
            h.run(50_000);
            h.sent();
            h.send(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN + 1, f -> f.syndrome =
                    org.ibmodel.sim.wire.Aeth.rnrNakSyndrome(1));
            h.run(20_000);
            assertEquals(1, sentAt(h.sent(), HostilePeer.SQ_PSN).size(), "the READ is asked for again");
        }
    }

    /** An ACKNOWLEDGE of {@code psn} saying {@code msn} messages are done and {@code credits} receive WQEs are free. */
    private static void ack(HostilePeer h, int psn, int msn, int credits) {
        h.send(Opcode.RC_ACKNOWLEDGE, psn, f -> {
            f.syndrome = org.ibmodel.sim.wire.Aeth.ackSyndrome(org.ibmodel.sim.wire.Aeth.creditCode(credits));
            f.msn = msn;
        });
    }

    /** SENDs 1-3 out, the first two ACKed with no credit to spare; SEND 4 posted and waiting for credit. */
    private static void sendsWaitingForCredit(HostilePeer h) {
        for (int i = 1; i <= 4; i++) {
            postSend(h, i);
        }
        h.run(50_000);
        ack(h, HostilePeer.SQ_PSN, 1, 0);
        ack(h, HostilePeer.SQ_PSN + 1, 2, 0);
        h.run(20_000);
        List<Transport.Sent> sent = h.sent();
        assertEquals(1, sentAt(sent, HostilePeer.SQ_PSN + 2).size(), "SEND 3 goes one past the limit: " + sent);
        assertEquals(0, sentAt(sent, HostilePeer.SQ_PSN + 3).size(), "SEND 4 waits for credit: " + sent);
    }

    /**
     * Only an ACK that acknowledges something, or repeats the last one acknowledged (a "ghost"
     * ACK), updates the credits (qib_rc.c and hfi1 rc.c rcv_resp, rvt_get_credit): an older one,
     * which the completer drops, grants nothing, whatever its AETH says.
     */
    @Test
    void shouldTakeNoCreditFromAnAckOlderThanTheLastAcknowledged() {
        try (HostilePeer h = peer(r -> {
        })) {
            sendsWaitingForCredit(h);
            ack(h, HostilePeer.SQ_PSN, 1, 8);
            h.run(20_000);
            assertEquals(0, sentAt(h.sent(), HostilePeer.SQ_PSN + 3).size(), "SEND 4 still waits for credit");
        }
    }

    /** A ghost ACK, the last PSN acknowledged once more, brings credit: the waiting SEND goes at once. */
    @Test
    void shouldTakeCreditFromAnAckOfTheLastAcknowledgedPsn() {
        try (HostilePeer h = peer(r -> {
        })) {
            sendsWaitingForCredit(h);
            ack(h, HostilePeer.SQ_PSN + 1, 2, 8);
            h.run(20_000);
            assertEquals(1, sentAt(h.sent(), HostilePeer.SQ_PSN + 3).size(), "SEND 4 goes on the ghost ACK's credit");
        }
    }

    /**
     * Only an ACK carries credits (rvt_get_credit is called for ACKs alone): the low five bits of
     * an RNR NAK are its timer. Code 31, the longest wait, is also the credit code that lifts flow
     * control, so a completer that read credits from any AETH would let SEND 4 follow SEND 3 when
     * the wait ends; SEND 3 goes again, SEND 4 still waits for credit.
     */
    @Test
    void shouldTakeNoCreditFromAnRnrNak() {
        try (HostilePeer h = peer(r -> {
        })) {
            sendsWaitingForCredit(h);
            h.send(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN + 2, f -> {
                f.syndrome = org.ibmodel.sim.wire.Aeth.rnrNakSyndrome(31);
                f.msn = 2;
            });
            h.run(600_000_000L);
            List<Transport.Sent> sent = h.sent();
            assertEquals(1, sentAt(sent, HostilePeer.SQ_PSN + 2).size(), "SEND 3 goes again: " + sent);
            assertEquals(0, sentAt(sent, HostilePeer.SQ_PSN + 3).size(), "SEND 4 still waits for credit: " + sent);
        }
    }

    /**
     * With nothing in flight the completer has nothing to acknowledge, but a ghost ACK's credit
     * still wakes the requester (rvt_get_credit schedules the send engine): here the peer's ACK
     * of SEND 1 said no message was done, so SEND 2 waits, until a ghost ACK says one is.
     */
    @Test
    void shouldWakeTheRequesterOnCreditWithNothingInFlight() {
        try (HostilePeer h = peer(r -> {
        })) {
            postSend(h, 1);
            postSend(h, 2);
            h.run(50_000);
            ack(h, HostilePeer.SQ_PSN, 0, 0);
            h.run(20_000);
            assertEquals(0, sentAt(h.sent(), HostilePeer.SQ_PSN + 1).size(), "SEND 2 waits for credit");
            assertEquals(1, h.poll().size(), "SEND 1 completed: nothing is in flight");
            ack(h, HostilePeer.SQ_PSN, 1, 0);
            h.run(20_000);
            assertEquals(1, sentAt(h.sent(), HostilePeer.SQ_PSN + 1).size(), "SEND 2 goes on the ghost ACK's credit");
        }
    }

    /**
     * rxe_comp.c check_psn: a response for a PSN not yet sent concerns nothing, even the next one
     * the requester would use: it is dropped and counted, and the WRITE before it still waits.
     */
    @Test
    void shouldDropAnAckForThePsnAfterTheLastSent() {
        try (HostilePeer h = peer(r -> {
        })) {
            postWrite(h, 1);
            h.run(50_000);
            h.sent();
            Transport victim = h.world.transport(HostilePeer.VICTIM);
            long before = victim.dropped(Transport.Drop.STALE_RESPONSE);
            ack(h, HostilePeer.SQ_PSN + 1);
            h.run(20_000);
            assertEquals(List.of(), h.poll(), "the WRITE is not acknowledged");
            assertEquals(before + 1, victim.dropped(Transport.Drop.STALE_RESPONSE), "the ACK is counted as stale");
        }
    }

    /**
     * A response that makes progress gives the requester its retries back (IBA 9.7.6.1.3;
     * rxe_comp.c reset_retry_counters): an atomic resent once, then answered, leaves retry_cnt 1
     * whole for the WRITE after it, whose own ACK is late once too.
     */
    @Test
    void shouldGiveTheRetriesBackWhenAnAtomicIsAnswered() {
        try (HostilePeer h = peer(r -> {
            r.timeout = TIMEOUT;
            r.retryCnt = 1;
        })) {
            assertTrue(h.qp.postSend(new SendWr().wrId(1).opcode(WrOpcode.ATOMIC_FETCH_AND_ADD)
                    .sendFlags(SendFlags.SIGNALED).sgList(new Sge(h.base, 8, h.mr.lkey())).remoteAddr(0x10_0000)
                    .rkey(0x1234).compareAdd(1)).ok());
            h.run(50_000);
            h.run(TIMEOUT_NS + TIMEOUT_NS / 2);
            assertEquals(2, sentAt(h.sent(), HostilePeer.SQ_PSN).size(), "the atomic is sent and resent once");
            h.send(Opcode.RC_ATOMIC_ACKNOWLEDGE, HostilePeer.SQ_PSN, f -> {
                f.syndrome = 0x1f;
                f.msn = 1;
                f.orig = 5;
            });
            postWrite(h, 2);
            h.run(50_000);
            h.run(TIMEOUT_NS + TIMEOUT_NS / 2);
            assertEquals(2, sentAt(h.sent(), HostilePeer.SQ_PSN + 1).size(), "the WRITE is sent and resent once");
            ack(h, HostilePeer.SQ_PSN + 1);
            h.run(20_000);
            List<Wc> wcs = h.poll();
            assertEquals(2, wcs.size(), wcs.toString());
            assertEquals(WcStatus.SUCCESS, wcs.get(0).status, wcs.toString());
            assertEquals(WcStatus.SUCCESS, wcs.get(1).status, wcs.toString());
        }
    }

    /**
     * An RNR NAK stops the retransmit timer while the RNR timer runs (qib_rc.c do_rc_ack,
     * rvt_stop_rc_timers then rvt_add_rnr_timer): an ACK timeout far shorter than the RNR wait
     * takes no retry from retry_cnt 0, and the SEND goes again when the RNR timer ends.
     */
    @Test
    void shouldNotTimeOutWhileWaitingOutAnRnrNak() {
        try (HostilePeer h = peer(r -> {
            r.timeout = TIMEOUT;
            r.retryCnt = 0;
        })) {
            postSend(h, 1);
            h.run(50_000);
            h.sent();
            // Timer code 0: 655.36 ms, some 150 ACK timeouts.
            h.send(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN, f -> f.syndrome =
                    org.ibmodel.sim.wire.Aeth.rnrNakSyndrome(0));
            h.run(600_000_000L);
            assertEquals(List.of(), h.poll(), "nothing completes while the RNR timer runs");
            assertEquals(0, sentAt(h.sent(), HostilePeer.SQ_PSN).size(), "nothing is resent before it ends");
            // The clock moves by events only, so this runs to 700 ms after the NAK.
            h.run(700_000_000L);
            assertEquals(1, sentAt(h.sent(), HostilePeer.SQ_PSN).size(), "the SEND goes again after 655.36 ms");
        }
    }

    /**
     * A PSN sequence error NAK in the middle of a message resends from the PSN it names, not
     * from the message's first packet (IBA 9.7.5.1.5; rxe_comp.c COMPST_ERROR_RETRY from the
     * NAK's PSN).
     */
    @Test
    void shouldResendFromTheNakedPsnInTheMiddleOfAMessage() {
        try (HostilePeer h = peer(r -> {
        })) {
            assertTrue(h.qp.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sendFlags(SendFlags.SIGNALED)
                    .sgList(new Sge(h.base, 3 * HostilePeer.MTU, h.mr.lkey()))).ok());
            h.run(50_000);
            assertEquals(1, sentAt(h.sent(), HostilePeer.SQ_PSN + 2).size(), "three packets out");
            h.send(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN + 1, f -> f.syndrome =
                    org.ibmodel.sim.wire.Aeth.nakSyndrome(org.ibmodel.sim.wire.Aeth.NakCode.PSN_SEQUENCE_ERROR));
            h.run(20_000);
            List<Transport.Sent> again = h.sent();
            assertEquals(0, sentAt(again, HostilePeer.SQ_PSN).size(), "the first packet was received: " + again);
            assertEquals(1, sentAt(again, HostilePeer.SQ_PSN + 1).size(), "resent from the NAK's PSN: " + again);
            assertEquals(1, sentAt(again, HostilePeer.SQ_PSN + 2).size(), again.toString());
        }
    }

    /**
     * A response whose AETH has a reserved type still says, like a NAK, that everything before
     * its PSN arrived; only the code itself is ignored (qib_rc.c and hfi1 rc.c do_rc_ack
     * complete the WQEs before acting on the syndrome). WRITE 1 completes, WRITE 2 still waits.
     */
    @Test
    void shouldAcknowledgeWhatPrecedesAReservedSyndromeAndIgnoreTheRest() {
        try (HostilePeer h = peer(r -> {
        })) {
            postWrite(h, 1);
            postWrite(h, 2);
            h.run(50_000);
            h.sent();
            // Type 010b, reserved (IBA 9.7.5.1.1).
            h.send(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN + 1, f -> f.syndrome = 0x40);
            h.run(20_000);
            List<Wc> wcs = h.poll();
            assertEquals(1, wcs.size(), wcs.toString());
            assertEquals(1, wcs.get(0).wrId, wcs.toString());
            assertEquals(WcStatus.SUCCESS, wcs.get(0).status, wcs.toString());
            assertEquals(HwQpState.RTS, h.transportQp().ctx.state());
        }
    }

    private static void postSend(HostilePeer h, long wrId, int len) {
        assertTrue(h.qp.postSend(new SendWr().wrId(wrId).opcode(WrOpcode.SEND).sendFlags(SendFlags.SIGNALED)
                .sgList(new Sge(h.base, len, h.mr.lkey()))).ok());
    }

    private static void postRead(HostilePeer h, long wrId, int len) {
        assertTrue(h.qp.postSend(new SendWr().wrId(wrId).opcode(WrOpcode.RDMA_READ).sendFlags(SendFlags.SIGNALED)
                .sgList(new Sge(h.base + 8192, len, h.mr.lkey())).remoteAddr(0x10_0000).rkey(0x1234)).ok());
    }

    /**
     * A SEND of three packets whose first the peer acknowledged, then a response with
     * {@code syndrome} for that first PSN again; what was sent until then is taken off the log.
     */
    private static void staleResponse(HostilePeer h, int syndrome) {
        postSend(h, 1, 3 * HostilePeer.MTU);
        h.run(50_000);
        ack(h, HostilePeer.SQ_PSN);
        h.sent();
        h.send(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN, f -> f.syndrome = syndrome);
    }

    /** Runs 20 µs on and polls: exactly one completion, a success. */
    private static void assertOneSuccess(HostilePeer h) {
        h.run(20_000);
        List<Wc> wcs = h.poll();
        assertEquals(1, wcs.size(), wcs.toString());
        assertEquals(WcStatus.SUCCESS, wcs.get(0).status, wcs.toString());
    }

    private static void readResponse(HostilePeer h, Opcode op, int psn, int len) {
        h.send(op, psn, f -> {
            f.syndrome = 0x1f;
            f.msn = 1;
            f.payload = TransportPair.pattern(psn, len);
        });
    }

    /**
     * A NAK for the last PSN acknowledged contradicts the ACK before it: qib_rc.c and hfi1 rc.c
     * rc_rcv_resp ignore every response up to s_last_psn, rxe_comp.c every one below comp.psn.
     * The SEND whose first packet was acknowledged neither fails nor moves the QP to ERR; the ACK
     * of its last packet completes it.
     */
    @Test
    void shouldIgnoreANakForTheLastAcknowledgedPsn() {
        try (HostilePeer h = peer(r -> {
        })) {
            staleResponse(h, org.ibmodel.sim.wire.Aeth.nakSyndrome(
                    org.ibmodel.sim.wire.Aeth.NakCode.REMOTE_ACCESS_ERROR));
            h.run(20_000);
            assertTrue(h.poll().isEmpty(), "nothing completes on a stale NAK");
            assertEquals(HwQpState.RTS, h.transportQp().ctx.state());
            ack(h, HostilePeer.SQ_PSN + 2);
            assertOneSuccess(h);
        }
    }

    /** An RNR NAK for the last PSN acknowledged is as stale: nothing is resent and nothing waits. */
    @Test
    void shouldIgnoreAnRnrNakForTheLastAcknowledgedPsn() {
        try (HostilePeer h = peer(r -> {
        })) {
            staleResponse(h, org.ibmodel.sim.wire.Aeth.rnrNakSyndrome(1));
            h.run(200_000);
            List<Transport.Sent> sent = h.sent();
            assertEquals(0, sentAt(sent, HostilePeer.SQ_PSN).size() + sentAt(sent, HostilePeer.SQ_PSN + 1).size(),
                    "nothing is resent: " + sent);
            assertTrue(!h.transportQp().rnrWait, "no RNR wait");
        }
    }

    /**
     * A ghost ACK (the last PSN acknowledged, again) acknowledges nothing and leaves the ACK
     * timer alone (qib_rc.c, hfi1 rc.c rc_rcv_resp take only its credits): a peer repeating it
     * does not keep the unacknowledged WRITE 2 from being resent one timeout after the ACK
     * of WRITE 1.
     */
    @Test
    void shouldNotPutOffTheAckTimeoutWithGhostAcks() {
        try (HostilePeer h = peer(r -> r.timeout = TIMEOUT)) {
            postWrite(h, 1);
            postWrite(h, 2);
            h.run(50_000);
            h.sent();
            long acked = h.world.scheduler().now();
            ack(h, HostilePeer.SQ_PSN);
            for (int i = 0; i < 4; i++) {
                h.run(TIMEOUT_NS / 2);
                ack(h, HostilePeer.SQ_PSN);
            }
            List<Long> resent = sentAt(h.sent(), HostilePeer.SQ_PSN + 1);
            assertTrue(!resent.isEmpty(), "WRITE 2 is resent");
            long waited = resent.get(0) - acked;
            assertTrue(waited >= TIMEOUT_NS && waited < TIMEOUT_NS + TIMEOUT_NS / 4,
                    "resent " + waited + " ns after WRITE 1's ACK; the ACK timeout is " + TIMEOUT_NS + " ns");
        }
    }

    /**
     * An RDMA READ response shorter than the READ's length completes the READ with
     * IB_WC_LOC_LEN_ERR at once and moves the QP to ERR (hfi1 rc.c and qib_rc.c rcv_resp,
     * ack_len_err), rather than waiting for the ACK timer to ask again.
     */
    @Test
    void shouldFailAReadWithALocalLengthErrorOnAShortResponse() {
        try (HostilePeer h = peer(r -> r.timeout = TIMEOUT)) {
            postRead(h, 1, HostilePeer.MTU);
            h.run(50_000);
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_ONLY, HostilePeer.SQ_PSN, 100);
            h.run(20_000);
            List<Wc> wcs = h.poll();
            assertEquals(1, wcs.size(), wcs.toString());
            assertEquals(WcStatus.LOC_LEN_ERR, wcs.get(0).status, wcs.toString());
            assertEquals(HwQpState.ERR, h.transportQp().ctx.state());
        }
    }

    /**
     * A READ response past the next one expected says the one between was lost: the requester
     * asks for the rest of the READ at once (hfi1 rc.c rdma_seq_err, qib_rc.c likewise), from
     * the response it still lacks, not one ACK timeout later; the READ then completes.
     */
    @Test
    void shouldAskAgainAtOnceForTheRestOfAReadWhoseMiddleResponseWasLost() {
        try (HostilePeer h = peer(r -> r.timeout = TIMEOUT)) {
            postRead(h, 1, 3 * HostilePeer.MTU);
            h.run(50_000);
            h.sent();
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_FIRST, HostilePeer.SQ_PSN, HostilePeer.MTU);
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_LAST, HostilePeer.SQ_PSN + 2, HostilePeer.MTU);
            h.run(20_000);
            List<Transport.Sent> sent = h.sent();
            assertEquals(1, sent.stream().filter(p -> p.opcode() == Opcode.RC_RDMA_READ_REQUEST.value()
                    && p.psn() == HostilePeer.SQ_PSN + 1).count(), "the rest is asked for at once: " + sent);
            assertTrue(h.poll().isEmpty(), "the READ waits for its data");
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_FIRST, HostilePeer.SQ_PSN + 1, HostilePeer.MTU);
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_LAST, HostilePeer.SQ_PSN + 2, HostilePeer.MTU);
            assertOneSuccess(h);
        }
    }

    /**
     * A response of the wrong kind for a WQE behind a READ still without its response says first
     * that the READ's response was lost: the READ is asked for again and the response is not
     * looked at (hfi1 rc.c do_rc_ack restarts the READ; rxe_comp.c check_psn retries before
     * check_ack). The WRITE behind it does not fail; both complete once answered.
     */
    @Test
    void shouldRetryALostReadBeforeJudgingAResponseOfTheWrongKindBehindIt() {
        try (HostilePeer h = peer(r -> r.timeout = TIMEOUT)) {
            postRead(h, 1, HostilePeer.MTU);
            postWrite(h, 2);
            h.run(50_000);
            h.sent();
            h.send(Opcode.RC_ATOMIC_ACKNOWLEDGE, HostilePeer.SQ_PSN + 1, f -> {
                f.syndrome = 0x1f;
                f.msn = 2;
            });
            h.run(20_000);
            assertEquals(1, sentAt(h.sent(), HostilePeer.SQ_PSN).size(), "the READ is asked for again at once");
            assertTrue(h.poll().isEmpty());
            assertEquals(HwQpState.RTS, h.transportQp().ctx.state());
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_ONLY, HostilePeer.SQ_PSN, HostilePeer.MTU);
            ack(h, HostilePeer.SQ_PSN + 1);
            h.run(20_000);
            List<Wc> wcs = h.poll();
            assertEquals(2, wcs.size(), wcs.toString());
            assertTrue(wcs.stream().allMatch(w -> w.status == WcStatus.SUCCESS), wcs.toString());
        }
    }
}
