// Sequences from a connected but hostile peer (IBA 9.7.4-9.7.6, 9.8; docs/HCA.md §6, §7);
// drivers/infiniband/sw/rxe/rxe_resp.c and rxe_comp.c for what a software HCA does with them
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.wire.Opcode;
import org.junit.jupiter.api.Test;

class HostilePeerTest {

    private static byte[] payload(int len) {
        return TransportPair.pattern(7, len);
    }

    /**
     * A SEND_FIRST takes a receive WQE; a second SEND_FIRST inside that message is an invalid
     * request that ends the connection. Every receive posted must still complete: the one the
     * message had taken as well as those behind it (§6, 2ERR completes every outstanding WQE).
     */
    @Test
    void shouldCompleteTheReceiveAMessageHadTakenWhenTheQpFails() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            for (int i = 1; i <= 2; i++) {
                assertTrue(h.qp.postRecv(new RecvWr(i, new Sge(h.base + 4096L * i, 4096, h.mr.lkey()))).ok());
            }
            h.send(Opcode.RC_SEND_FIRST, HostilePeer.RQ_PSN, f -> f.payload = payload(HostilePeer.MTU));
            h.send(Opcode.RC_SEND_FIRST, HostilePeer.RQ_PSN + 1, f -> f.payload = payload(HostilePeer.MTU));
            h.world.settle();
            assertEquals(QpState.ERR, h.state());
            List<Wc> wcs = h.poll();
            assertEquals(2, wcs.size(), "a completion for each receive posted: " + wcs);
            assertEquals(1, wcs.get(0).wrId, "in order: " + wcs);
            assertEquals(2, wcs.get(1).wrId, "in order: " + wcs);
            for (Wc w : wcs) {
                assertTrue(w.status != WcStatus.SUCCESS, "nothing was received whole: " + w);
            }
        }
    }

    /**
     * As above with the receives on an SRQ: the WQE the half-arrived message took completes in
     * error, and only it; the SRQ's other WQE is not the failing QP's to flush (IBA 10.2.9.5).
     */
    @Test
    void shouldCompleteTheSrqReceiveAMessageHadTakenWhenTheQpFails() {
        try (HostilePeer h = new HostilePeer(QpType.RC, q -> {
        }, true)) {
            for (int i = 1; i <= 2; i++) {
                assertTrue(h.srq.postRecv(new RecvWr(i, new Sge(h.base + 4096L * i, 4096, h.mr.lkey()))).ok());
            }
            h.send(Opcode.RC_SEND_FIRST, HostilePeer.RQ_PSN, f -> f.payload = payload(HostilePeer.MTU));
            h.send(Opcode.RC_SEND_FIRST, HostilePeer.RQ_PSN + 1, f -> f.payload = payload(HostilePeer.MTU));
            h.world.settle();
            assertEquals(QpState.ERR, h.state());
            List<Wc> wcs = h.poll();
            assertEquals(1, wcs.size(), "the receive the message took, and only it: " + wcs);
            assertEquals(1, wcs.get(0).wrId);
            assertTrue(wcs.get(0).status != WcStatus.SUCCESS, "nothing was received whole: " + wcs.get(0));
        }
    }

    /** As above with the victim on UC, whose QP a user moves to ERR with a message half received. */
    @Test
    void shouldFlushTheReceiveAUcMessageHadTakenWhenTheQpIsMovedToErr() {
        try (HostilePeer h = new HostilePeer(QpType.UC)) {
            for (int i = 1; i <= 2; i++) {
                assertTrue(h.qp.postRecv(new RecvWr(i, new Sge(h.base + 4096L * i, 4096, h.mr.lkey()))).ok());
            }
            h.send(Opcode.UC_SEND_FIRST, HostilePeer.RQ_PSN, f -> f.payload = payload(HostilePeer.MTU));
            assertEquals(0, h.qp.modify(new org.ibmodel.core.QpAttr().state(QpState.ERR),
                    org.ibmodel.core.QpAttrMask.STATE.bit()));
            h.world.settle();
            List<Wc> wcs = h.poll();
            assertEquals(2, wcs.size(), "a completion for each receive posted: " + wcs);
            assertEquals(1, wcs.get(0).wrId, "in order: " + wcs);
            assertEquals(WcStatus.WR_FLUSH_ERR, wcs.get(0).status, wcs.get(0).toString());
            assertEquals(WcStatus.WR_FLUSH_ERR, wcs.get(1).status, wcs.get(1).toString());
        }
    }

    /** The victim reads 4 KiB (four response packets at path MTU 1024) into its region at 8 KiB. */
    private static void postRead(HostilePeer h) {
        assertTrue(h.qp.postSend(new SendWr().wrId(9).opcode(WrOpcode.RDMA_READ).sendFlags(SendFlags.SIGNALED)
                .sgList(new Sge(h.base + 8192, 4096, h.mr.lkey())).remoteAddr(0x10_0000).rkey(0x1234)).ok());
        h.world.runUntil(h.world.scheduler().now() + 2_000);
    }

    private static void readResponse(HostilePeer h, Opcode op, int psn, int len) {
        h.send(op, psn, f -> {
            f.syndrome = 0x1f;
            f.msn = 1;
            f.payload = payload(len);
        });
    }

    /**
     * A READ of 4 KiB answered by one RDMA READ RESPONSE ONLY of 16 bytes has not been carried
     * out: the victim must not complete it successfully with 4080 bytes never written (rxe_comp.c
     * do_read completes only once the whole length has arrived).
     */
    @Test
    void shouldNotCompleteAReadWhoseResponseIsShorterThanAsked() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            postRead(h);
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_ONLY, HostilePeer.SQ_PSN, 16);
            List<Wc> wcs = h.poll();
            assertTrue(wcs.stream().noneMatch(w -> w.status == WcStatus.SUCCESS), "completed short: " + wcs);
        }
    }

    /** As above with a FIRST of path MTU and a LAST at the second of the four response PSNs. */
    @Test
    void shouldNotCompleteAReadWhoseLastResponseComesEarly() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            postRead(h);
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_FIRST, HostilePeer.SQ_PSN, HostilePeer.MTU);
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_LAST, HostilePeer.SQ_PSN + 1, HostilePeer.MTU);
            List<Wc> wcs = h.poll();
            assertTrue(wcs.stream().noneMatch(w -> w.status == WcStatus.SUCCESS), "completed short: " + wcs);
        }
    }

    /** The same READ answered as a correct responder does still completes, its data in place. */
    /**
     * A response must be the one its WQE waits for. A READ response ahead of the one expected
     * says the ones before it were lost: it places nothing and the READ is asked for again
     * (hfi1 rc.c rdma_seq_err); one repeated after the READ is done is dropped and counted
     * (rxe_comp.c check_psn). The READ answered in order completes once.
     */
    @Test
    void shouldDropAResponseItsReadDoesNotWaitFor() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            postRead(h);
            h.run(50_000);
            h.sent();
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_MIDDLE, HostilePeer.SQ_PSN + 1, HostilePeer.MTU);
            Transport t = h.world.transport(HostilePeer.VICTIM);
            assertEquals(List.of(Opcode.RC_RDMA_READ_REQUEST.value()),
                    h.sent().stream().map(Transport.Sent::opcode).toList(), "the READ is asked for again");
            assertEquals(List.of(), h.poll());
            org.junit.jupiter.api.Assertions.assertArrayEquals(
                    java.util.Arrays.copyOfRange(TransportPair.pattern(1, HostilePeer.REGION), 8192, 8192 + 4096),
                    h.victim.memory().read(h.base + 8192, 4096), "nothing placed");
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_FIRST, HostilePeer.SQ_PSN, HostilePeer.MTU);
            for (int i = 1; i < 3; i++) {
                readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_MIDDLE, HostilePeer.SQ_PSN + i, HostilePeer.MTU);
            }
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_LAST, HostilePeer.SQ_PSN + 3, HostilePeer.MTU);
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_LAST, HostilePeer.SQ_PSN + 3, HostilePeer.MTU);
            assertEquals(1, t.dropped(Transport.Drop.STALE_RESPONSE), "the LAST again");
            List<Wc> wcs = h.poll();
            assertEquals(1, wcs.size(), wcs.toString());
            assertEquals(WcStatus.SUCCESS, wcs.get(0).status, wcs.toString());
        }
    }

    /**
     * rxe_comp.c check_ack: an ATOMIC ACKNOWLEDGE for a READ, or a READ response for a WQE that
     * is no READ, answers nothing the requester asked; the WQE fails and the QP enters ERR
     * (hfi1 rc.c fails it too, ack_op_err), with IBA's class for an unexpected opcode in a
     * response, BAD_RESP_ERR. Nothing is placed.
     */
    @Test
    void shouldFailAReadAnsweredByAnAtomicAcknowledge() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            postRead(h);
            h.send(Opcode.RC_ATOMIC_ACKNOWLEDGE, HostilePeer.SQ_PSN, f -> {
                f.syndrome = 0x1f;
                f.msn = 1;
                f.orig = -1;
            });
            assertBadResponse(h);
            org.junit.jupiter.api.Assertions.assertArrayEquals(
                    java.util.Arrays.copyOfRange(TransportPair.pattern(1, HostilePeer.REGION), 8192, 8192 + 4096),
                    h.victim.memory().read(h.base + 8192, 4096), "nothing placed");
        }
    }

    @Test
    void shouldFailASendAnsweredByAReadResponse() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            assertTrue(h.qp.postSend(new SendWr().wrId(9).opcode(WrOpcode.SEND).sendFlags(SendFlags.SIGNALED)
                    .sgList(new Sge(h.base, 64, h.mr.lkey()))).ok());
            h.run(2_000);
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_ONLY, HostilePeer.SQ_PSN, 64);
            assertBadResponse(h);
        }
    }

    @Test
    void shouldCompleteAReadAnsweredInFull() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            postRead(h);
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_FIRST, HostilePeer.SQ_PSN, HostilePeer.MTU);
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_MIDDLE, HostilePeer.SQ_PSN + 1, HostilePeer.MTU);
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_MIDDLE, HostilePeer.SQ_PSN + 2, HostilePeer.MTU);
            readResponse(h, Opcode.RC_RDMA_READ_RESPONSE_LAST, HostilePeer.SQ_PSN + 3, HostilePeer.MTU);
            List<Wc> wcs = h.poll();
            assertEquals(1, wcs.size(), wcs.toString());
            assertEquals(WcStatus.SUCCESS, wcs.get(0).status, wcs.toString());
            assertEquals(4096, wcs.get(0).byteLen, wcs.toString());
            org.junit.jupiter.api.Assertions.assertArrayEquals(payload(HostilePeer.MTU),
                    h.victim.memory().read(h.base + 8192 + 3 * HostilePeer.MTU, HostilePeer.MTU));
        }
    }

    /**
     * §5.9: ACKs the victim's static rate holds back go out in turn. An RNR NAK for the victim's
     * own SEND, arriving while they wait, stops its requester until the RNR timer; it must not
     * strand the responder's ACKs, which a peer that sends nothing more would wait for until its
     * ACK timeout.
     */
    @Test
    void shouldStillSendHeldAcksAfterAnRnrNak() {
        try (HostilePeer h = new HostilePeer(QpType.RC,
                r -> r.ahAttr = new org.ibmodel.core.AhAttr(r.ahAttr.dlid(), 0, 0, 2, 1, null))) {
            for (int i = 1; i <= 3; i++) {
                assertTrue(h.qp.postRecv(new RecvWr(i, new Sge(h.base + 256L * i, 256, h.mr.lkey()))).ok());
            }
            assertTrue(h.qp.postSend(new SendWr().wrId(9).opcode(WrOpcode.SEND).sendFlags(SendFlags.SIGNALED)
                    .sgList(new Sge(h.base, 8, h.mr.lkey()))).ok());
            h.run(2_000);
            h.sent();
            for (int i = 0; i < 3; i++) {
                h.put(Opcode.RC_SEND_ONLY, HostilePeer.RQ_PSN + i, f -> {
                    f.ackReq = true;
                    f.payload = payload(8);
                });
            }
            // RNR timer code 31, about 491 ms (IBA Table 45).
            h.put(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN, f -> f.syndrome =
                    org.ibmodel.sim.wire.Aeth.rnrNakSyndrome(31));
            h.run(20_000);
            List<Transport.Sent> sent = h.sent();
            assertTrue(sent.stream().anyMatch(p -> p.opcode() == Opcode.RC_ACKNOWLEDGE.value()
                    && p.psn() == HostilePeer.RQ_PSN + 2), "the ACK of the third SEND: " + sent);
        }
    }

    /**
     * IBA 9.7.5.2.8: an RNR NAK stops the local ACK timer; the requester waits out the RNR timer
     * and sends again, and only then does the ACK timer run. With an ACK timeout of 8 µs, no
     * retries and an RNR wait of about 491 ms, the SEND is sent again after the wait (a timer left
     * running would fail it with RETRY_EXC_ERR within microseconds), and fails only once that goes
     * unanswered.
     */
    @Test
    void shouldNotTimeOutWhileWaitingOutAnRnrNak() {
        try (HostilePeer h = new HostilePeer(QpType.RC, r -> {
        }, false, r -> {
            r.timeout = 1;
            r.retryCnt = 0;
            r.rnrRetry = 1;
        })) {
            assertTrue(h.qp.postSend(new SendWr().wrId(9).opcode(WrOpcode.SEND).sendFlags(SendFlags.SIGNALED)
                    .sgList(new Sge(h.base, 8, h.mr.lkey()))).ok());
            h.run(1_000);
            assertEquals(1, h.sent().size(), "the SEND");
            // RNR timer code 31, about 491 ms (IBA Table 45).
            h.put(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN, f -> f.syndrome =
                    org.ibmodel.sim.wire.Aeth.rnrNakSyndrome(31));
            long nak = h.world.scheduler().now();
            h.run(1_000_000);
            assertEquals(List.of(), h.poll(), "nothing completes during the RNR wait");
            assertEquals(QpState.RTS, h.state());
            h.run(500_000_000);
            List<Transport.Sent> again = h.sent();
            assertEquals(1, again.size(), again.toString());
            assertEquals(HostilePeer.SQ_PSN, again.get(0).psn(), again.toString());
            assertTrue(again.get(0).timeNs() - nak >= org.ibmodel.sim.wire.Aeth.rnrTimerNanos(31),
                    "sent again after the RNR wait: " + again);
            List<Wc> wcs = h.poll();
            assertEquals(1, wcs.size(), wcs.toString());
            assertEquals(WcStatus.RETRY_EXC_ERR, wcs.get(0).status, wcs.toString());
        }
    }

    /**
     * The edges of rxe_comp.c check_psn's window: with a SEND's first 64 packets sent (its
     * window), an ACK of the first PSN not sent is as stale as one further on, and one older than
     * the last PSN acknowledged is stale too; each is dropped and counted, acknowledges nothing and
     * sends nothing on. The ACK of the last PSN sent lets the rest go.
     */
    @Test
    void shouldDropAnAckJustOutsideWhatWasSentAndNotYetAcknowledged() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            int packets = 100;
            assertTrue(h.qp.postSend(new SendWr().wrId(9).opcode(WrOpcode.SEND).sendFlags(SendFlags.SIGNALED)
                    .sgList(new Sge(h.base, packets * HostilePeer.MTU, h.mr.lkey()))).ok());
            h.run(20_000);
            assertEquals(Requester.WINDOW, h.sent().size());
            int firstUnsent = HostilePeer.SQ_PSN + Requester.WINDOW;
            Transport t = h.world.transport(HostilePeer.VICTIM);
            for (int psn : new int[] {firstUnsent, HostilePeer.SQ_PSN - 2}) {
                h.send(Opcode.RC_ACKNOWLEDGE, psn, f -> f.syndrome = 0x1f);
                h.run(20_000);
                assertEquals(List.of(), h.sent(), "sent on for an ACK of +" + (psn - HostilePeer.SQ_PSN));
            }
            assertEquals(2, t.dropped(Transport.Drop.STALE_RESPONSE));
            h.send(Opcode.RC_ACKNOWLEDGE, firstUnsent - 1, f -> f.syndrome = 0x1f);
            h.run(20_000);
            java.util.TreeSet<Integer> more = new java.util.TreeSet<>();
            h.sent().forEach(p -> more.add(p.psn()));
            assertEquals(firstUnsent, (int) more.first(), more.toString());
            assertEquals(HostilePeer.SQ_PSN + packets - 1, (int) more.last(), more.toString());
            assertEquals(List.of(), h.poll());
        }
    }

    /**
     * IBA 9.7.6.1.3, rxe_comp.c: a local ACK timeout resends from the oldest PSN not acknowledged,
     * not from the message's first: a SEND whose first packet was acknowledged goes again from
     * its second; an RDMA READ that had its first response asks again from its second (IBA
     * 9.7.5.1.1: the new request's PSN is that of the response it still needs).
     */
    @Test
    void shouldResendFromTheOldestUnacknowledgedPsnOnATimeout() {
        for (WrOpcode op : List.of(WrOpcode.SEND, WrOpcode.RDMA_READ)) {
            try (HostilePeer h = new HostilePeer(QpType.RC, r -> {
            }, false, r -> r.timeout = 1)) {
                boolean read = op == WrOpcode.RDMA_READ;
                SendWr wr = new SendWr().wrId(9).opcode(op).sendFlags(SendFlags.SIGNALED)
                        .sgList(new Sge(h.base, 3 * HostilePeer.MTU, h.mr.lkey()));
                if (read) {
                    wr.remoteAddr(0x10_0000).rkey(0x1234);
                }
                assertTrue(h.qp.postSend(wr).ok());
                h.run(1_000);
                assertEquals(read ? 1 : 3, h.sent().size(), op.toString());
                if (read) {
                    h.put(Opcode.RC_RDMA_READ_RESPONSE_FIRST, HostilePeer.SQ_PSN, f -> {
                        f.syndrome = 0x1f;
                        f.payload = payload(HostilePeer.MTU);
                    });
                } else {
                    h.put(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN, f -> f.syndrome = 0x1f);
                }
                // The ACK timeout of 4.096 us x 2^1, and then some.
                h.run(12_000);
                List<Transport.Sent> again = h.sent();
                assertTrue(!again.isEmpty(), op + ": nothing sent again");
                assertEquals(HostilePeer.SQ_PSN + 1, again.get(0).psn(), op + ": " + again);
                assertEquals((read ? Opcode.RC_RDMA_READ_REQUEST : Opcode.RC_SEND_MIDDLE).value(),
                        again.get(0).opcode(), op + ": " + again);
            }
        }
    }

    /**
     * IBA 9.7.5.2.1, rxe_comp.c COMPST_ERROR_RETRY: a PSN sequence error NAK spends a retry of
     * retry_cnt and starts a go-back; a second one before anything progressed starts no other
     * (started_retry) and spends nothing: only the ACK timer retries then. With two retries: the
     * first NAK resends the SEND, the second is ignored, the timeout resends it with the last
     * retry, and the next timeout fails it with RETRY_EXC_ERR; the QP enters ERR.
     */
    @Test
    void shouldStartOneGoBackForSequenceErrorNaksUntilTheTimerFires() {
        try (HostilePeer h = new HostilePeer(QpType.RC, r -> {
        }, false, r -> {
            r.retryCnt = 2;
            r.timeout = 1;
        })) {
            assertTrue(h.qp.postSend(new SendWr().wrId(9).opcode(WrOpcode.SEND).sendFlags(SendFlags.SIGNALED)
                    .sgList(new Sge(h.base, 8, h.mr.lkey()))).ok());
            h.run(1_000);
            assertEquals(1, h.sent().size());
            int nak = org.ibmodel.sim.wire.Aeth.nakSyndrome(org.ibmodel.sim.wire.Aeth.NakCode.PSN_SEQUENCE_ERROR);
            h.send(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN, f -> f.syndrome = nak);
            List<Transport.Sent> again = h.sent();
            assertEquals(1, again.size(), "the first NAK sends it again: " + again);
            assertEquals(HostilePeer.SQ_PSN, again.get(0).psn(), again.toString());
            h.send(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN, f -> f.syndrome = nak);
            assertEquals(List.of(), h.sent(), "the second, during the go-back, starts none");
            assertEquals(List.of(), h.poll(), "and fails nothing");
            // The ACK timeout of 4.096 us x 2^1, and then some: the last retry.
            h.run(12_000);
            assertEquals(1, h.sent().size(), "the timer resends it");
            assertEquals(List.of(), h.poll());
            h.run(12_000);
            List<Wc> wcs = h.poll();
            assertEquals(1, wcs.size(), wcs.toString());
            assertEquals(WcStatus.RETRY_EXC_ERR, wcs.get(0).status, wcs.toString());
            assertEquals(QpState.ERR, h.state());
        }
    }

    /**
     * A SEND of 100 packets: the victim sends the first 64 (its window) and waits for an ACK. A
     * PSN sequence error NAK for a PSN it has not sent yet, or any ACK or NAK beyond what it
     * sent, concerns nothing it sent and is dropped (rxe_comp.c retries only what was sent,
     * req.psn past comp.psn). Following it would skip packets the peer never had, and the SEND
     * would complete with them never sent.
     */
    @Test
    void shouldNotSkipUnsentPacketsForANakBeyondWhatWasSent() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            int packets = 100;
            assertTrue(h.qp.postSend(new SendWr().wrId(9).opcode(WrOpcode.SEND).sendFlags(SendFlags.SIGNALED)
                    .sgList(new Sge(h.base, packets * HostilePeer.MTU, h.mr.lkey()))).ok());
            h.run(20_000);
            h.send(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN + 90, f -> f.syndrome =
                    org.ibmodel.sim.wire.Aeth.nakSyndrome(org.ibmodel.sim.wire.Aeth.NakCode.PSN_SEQUENCE_ERROR));
            h.run(20_000);
            h.send(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN + packets - 1, f -> f.syndrome = 0x1f);
            h.run(20_000);
            java.util.TreeSet<Integer> sent = new java.util.TreeSet<>();
            for (Transport.Sent p : h.sent()) {
                sent.add(p.psn());
            }
            List<Wc> early = h.poll();
            assertTrue(early.isEmpty(), "completed " + early + " on responses for PSNs never sent: " + sent);
            // An ACK of the last PSN really sent lets the rest go; the ACK of the last completes it.
            h.send(Opcode.RC_ACKNOWLEDGE, sent.last(), f -> f.syndrome = 0x1f);
            h.run(20_000);
            h.send(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN + packets - 1, f -> f.syndrome = 0x1f);
            h.run(20_000);
            for (Transport.Sent p : h.sent()) {
                sent.add(p.psn());
            }
            for (int i = 0; i < packets; i++) {
                assertTrue(sent.contains(HostilePeer.SQ_PSN + i), "PSN +" + i + " never sent");
            }
            List<Wc> wcs = h.poll();
            assertEquals(1, wcs.size(), "the SEND completes once its every packet is acknowledged: " + wcs);
            assertEquals(WcStatus.SUCCESS, wcs.get(0).status);
        }
    }

    private static void postRecvs(HostilePeer h, int n) {
        for (int i = 1; i <= n; i++) {
            assertTrue(h.qp.postRecv(new RecvWr(i, new Sge(h.base + 4096L * i, 4096, h.mr.lkey()))).ok());
        }
    }

    /** The victim answered {@code psn} with NAK Invalid Request and its QP is in ERR. */
    private static void assertInvalidRequest(HostilePeer h, int psn) {
        h.world.settle();
        List<Transport.Sent> sent = h.sent();
        int nak = org.ibmodel.sim.wire.Aeth.nakSyndrome(org.ibmodel.sim.wire.Aeth.NakCode.INVALID_REQUEST);
        assertTrue(sent.stream().anyMatch(p -> p.opcode() == Opcode.RC_ACKNOWLEDGE.value() && p.psn() == psn
                && p.syndrome() == nak), "NAK Invalid Request for PSN 0x" + Integer.toHexString(psn) + ": " + sent);
        assertEquals(QpState.ERR, h.state());
        assertTrue(h.poll().stream().noneMatch(w -> w.status == WcStatus.SUCCESS), "nothing was received whole");
    }

    /**
     * IBA C9-92 (rxe_resp.c check_length): a FIRST or MIDDLE packet carries exactly the path MTU,
     * an ONLY at most the MTU, a LAST from 1 byte to the MTU. An RC responder answers any other
     * with NAK Invalid Request and its QP enters ERR.
     */
    @Test
    void shouldRefuseAFirstPacketShorterThanThePathMtu() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            postRecvs(h, 1);
            h.send(Opcode.RC_SEND_FIRST, HostilePeer.RQ_PSN, f -> f.payload = payload(HostilePeer.MTU / 2));
            h.send(Opcode.RC_SEND_LAST, HostilePeer.RQ_PSN + 1, f -> f.payload = payload(HostilePeer.MTU / 2));
            assertInvalidRequest(h, HostilePeer.RQ_PSN);
        }
    }

    @Test
    void shouldRefuseAnOnlyPacketLongerThanThePathMtu() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            postRecvs(h, 1);
            h.send(Opcode.RC_SEND_ONLY, HostilePeer.RQ_PSN, f -> f.payload = payload(2 * HostilePeer.MTU));
            assertInvalidRequest(h, HostilePeer.RQ_PSN);
        }
    }

    @Test
    void shouldRefuseAnEmptyLastPacket() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            postRecvs(h, 1);
            h.send(Opcode.RC_SEND_FIRST, HostilePeer.RQ_PSN, f -> f.payload = payload(HostilePeer.MTU));
            h.send(Opcode.RC_SEND_LAST, HostilePeer.RQ_PSN + 1);
            assertInvalidRequest(h, HostilePeer.RQ_PSN + 1);
        }
    }

    /**
     * rxe_resp.c check_rkey: the packet that ends an RDMA WRITE carries what is left of its RETH
     * DMA length, no less; a WRITE ONLY of 16 bytes for a DMA length of 64 would complete with 48
     * bytes never written.
     */
    @Test
    void shouldRefuseAWriteThatEndsShortOfItsDmaLength() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            h.send(Opcode.RC_RDMA_WRITE_ONLY, HostilePeer.RQ_PSN, f -> {
                f.va = h.base;
                f.rkey = h.mr.rkey();
                f.dmaLen = 64;
                f.payload = payload(16);
            });
            assertInvalidRequest(h, HostilePeer.RQ_PSN);
        }
    }

    /** On UC the same violation loses the message and nothing else: the receive serves the next one. */
    @Test
    void shouldDropAUcPacketLongerThanThePathMtu() {
        try (HostilePeer h = new HostilePeer(QpType.UC)) {
            postRecvs(h, 1);
            h.send(Opcode.UC_SEND_ONLY, HostilePeer.RQ_PSN, f -> f.payload = payload(2 * HostilePeer.MTU));
            h.send(Opcode.UC_SEND_ONLY, HostilePeer.RQ_PSN + 1, f -> f.payload = payload(8));
            h.assertOneReceive(8);
        }
    }

    /**
     * rxe_resp.c rxe_resp_check_length: a RETH DMA length over 2^31, the largest message (the
     * port's max_msg_sz), is an invalid request whatever the key; it is not a remote access error.
     */
    @Test
    void shouldRefuseARethLongerThanTheLargestMessage() {
        for (Opcode op : List.of(Opcode.RC_RDMA_WRITE_FIRST, Opcode.RC_RDMA_READ_REQUEST)) {
            try (HostilePeer h = new HostilePeer(QpType.RC)) {
                h.send(op, HostilePeer.RQ_PSN, f -> {
                    f.va = h.base;
                    f.rkey = h.mr.rkey();
                    f.dmaLen = (int) ((1L << 31) + HostilePeer.MTU);
                    f.payload = payload(op.hasPayload() ? HostilePeer.MTU : 0);
                });
                assertInvalidRequest(h, HostilePeer.RQ_PSN);
            }
        }
    }

    /**
     * A SEND may not grow past 2^31 bytes either, however large the receive: its offset in the
     * receive buffer would wrap. The receive's first segment is empty, at base + 2^31, so a
     * wrapped offset would put data at base, outside the buffer; its second and third take the
     * SEND's first 1 KiB and its bytes from 2^31 - 1 KiB. The test sets the offset the 2^21 - 1
     * MIDDLE packets before would have left, as sending 2 GiB is out of reach. The LAST that
     * takes the message past 2^31 fails the receive as one too long for its buffer.
     */
    @Test
    void shouldRefuseASendLongerThanTheLargestMessage() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            int lkey = h.mr.lkey();
            long third = h.base + (128 << 10) - ((1L << 31) - 4096 - HostilePeer.MTU);
            assertTrue(h.qp.postRecv(new RecvWr(1, new Sge(h.base + (1L << 31), 0, lkey),
                    new Sge(h.base + (64 << 10), 4096, lkey), new Sge(third, Integer.MAX_VALUE, lkey))).ok());
            h.send(Opcode.RC_SEND_FIRST, HostilePeer.RQ_PSN, f -> f.payload = payload(HostilePeer.MTU));
            h.transportQp().recvOffset = (int) ((1L << 31) - HostilePeer.MTU);
            h.send(Opcode.RC_SEND_MIDDLE, HostilePeer.RQ_PSN + 1, f -> f.payload = payload(HostilePeer.MTU));
            h.send(Opcode.RC_SEND_LAST, HostilePeer.RQ_PSN + 2, f -> f.payload = payload(HostilePeer.MTU));
            h.world.settle();
            org.junit.jupiter.api.Assertions.assertArrayEquals(TransportPair.pattern(1, HostilePeer.MTU),
                    h.victim.memory().read(h.base, HostilePeer.MTU), "written outside the receive buffer");
            List<Transport.Sent> sent = h.sent();
            int nak = org.ibmodel.sim.wire.Aeth.nakSyndrome(org.ibmodel.sim.wire.Aeth.NakCode.INVALID_REQUEST);
            assertTrue(sent.stream().anyMatch(p -> p.psn() == HostilePeer.RQ_PSN + 2 && p.syndrome() == nak),
                    sent.toString());
            List<Wc> wcs = h.poll();
            assertEquals(1, wcs.size(), wcs.toString());
            assertEquals(WcStatus.LOC_LEN_ERR, wcs.get(0).status, wcs.toString());
            // The device's state: no event tells the driver of a receive that fails (§7).
            assertEquals(HwQpState.ERR, h.transportQp().ctx.state());
        }
    }

    /**
     * rxe_comp.c check_ack: an RDMA READ response that carries an AETH, and an ATOMIC
     * ACKNOWLEDGE, must say ACK; a responder NAKs a READ or an atomic with an ACKNOWLEDGE. One
     * whose AETH is a NAK or an RNR NAK answers nothing: the WQE fails and the QP enters ERR.
     */
    @Test
    void shouldFailAReadWhoseResponseCarriesANak() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            assertTrue(h.qp.postSend(new SendWr().wrId(9).opcode(WrOpcode.RDMA_READ).sendFlags(SendFlags.SIGNALED)
                    .sgList(new Sge(h.base + 8192, HostilePeer.MTU, h.mr.lkey())).remoteAddr(0x10_0000).rkey(0x1234))
                    .ok());
            h.run(2_000);
            h.send(Opcode.RC_RDMA_READ_RESPONSE_ONLY, HostilePeer.SQ_PSN, f -> {
                f.syndrome = org.ibmodel.sim.wire.Aeth.nakSyndrome(
                        org.ibmodel.sim.wire.Aeth.NakCode.REMOTE_ACCESS_ERROR);
                f.msn = 1;
                f.payload = payload(HostilePeer.MTU);
            });
            assertBadResponse(h);
        }
    }

    @Test
    void shouldFailAnAtomicWhoseAcknowledgeCarriesAnRnrNak() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            assertTrue(h.qp.postSend(new SendWr().wrId(9).opcode(WrOpcode.ATOMIC_FETCH_AND_ADD)
                    .sendFlags(SendFlags.SIGNALED).sgList(new Sge(h.base + 8192, 8, h.mr.lkey()))
                    .remoteAddr(0x10_0000).rkey(0x1234).compareAdd(1)).ok());
            h.run(2_000);
            h.send(Opcode.RC_ATOMIC_ACKNOWLEDGE, HostilePeer.SQ_PSN, f -> {
                f.syndrome = org.ibmodel.sim.wire.Aeth.rnrNakSyndrome(1);
                f.msn = 1;
                f.orig = 0x1234_5678L;
            });
            assertBadResponse(h);
        }
    }

    private static void assertBadResponse(HostilePeer h) {
        h.world.settle();
        List<Wc> wcs = h.poll();
        assertEquals(1, wcs.size(), wcs.toString());
        assertEquals(WcStatus.BAD_RESP_ERR, wcs.get(0).status, wcs.toString());
        assertEquals(HwQpState.ERR, h.transportQp().ctx.state());
    }
}
