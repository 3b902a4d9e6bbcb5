// When the responder acknowledges: IBA 9.7.5.1.1 (an ACK for the last packet of a message and for
// any packet whose AckReq is set, coalescing the rest), 9.7.5.1.3 (duplicates alike), 9.8 (UC
// acknowledges nothing); drivers/infiniband/sw/rxe/rxe_resp.c acknowledge and duplicate_request
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.sim.wire.Aeth;
import org.ibmodel.sim.wire.Opcode;
import org.ibmodel.sim.wire.OpcodeTable;
import org.junit.jupiter.api.Test;

class ResponderAckTest {
    private static final int PSN = HostilePeer.RQ_PSN;
    private static final int MTU = HostilePeer.MTU;

    /** The victim's packets since the last look, as opcode@psn. */
    private static List<String> answers(HostilePeer h) {
        h.world.settle();
        return h.sent().stream().map(s -> OpcodeTable.lookup(s.opcode()) + "@" + Integer.toHexString(s.psn()))
                .toList();
    }

    private static String ack(int psn) {
        return Opcode.RC_ACKNOWLEDGE + "@" + Integer.toHexString(psn);
    }

    private static void postRecvs(HostilePeer h, int n) {
        for (int i = 1; i <= n; i++) {
            assertTrue(h.qp.postRecv(new RecvWr(i, new Sge(h.base + 4096L * i, 4096, h.mr.lkey()))).ok());
        }
    }

    /** The packets of a three-packet SEND from {@code psn}; the MIDDLE asks for an ACK if {@code ask}. */
    private static void threePacketSend(HostilePeer h, int psn, boolean ask) {
        h.send(Opcode.RC_SEND_FIRST, psn, f -> f.payload = TransportPair.pattern(2, MTU));
        h.send(Opcode.RC_SEND_MIDDLE, psn + 1, f -> {
            f.payload = TransportPair.pattern(3, MTU);
            f.ackReq = ask;
        });
        h.send(Opcode.RC_SEND_LAST, psn + 2, f -> f.payload = TransportPair.pattern(4, 16));
    }

    /**
     * A message's FIRST and MIDDLE packets are acknowledged by the ACK of its LAST (coalescing; the
     * LAST asks, as requesters set AckReq there), unless one sets AckReq: that one gets its own.
     */
    @Test
    void shouldAcknowledgeTheLastPacketAndThoseThatAsk() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            postRecvs(h, 2);
            threePacketSend(h, PSN, false);
            assertEquals(List.of(ack(PSN + 2)), answers(h), "one ACK for the message");
            threePacketSend(h, PSN + 3, true);
            assertEquals(List.of(ack(PSN + 4), ack(PSN + 5)), answers(h), "and one for the MIDDLE that asked");
            assertEquals(List.of(WcStatus.SUCCESS, WcStatus.SUCCESS), h.poll().stream().map(w -> w.status).toList());
        }
    }

    /**
     * Duplicates are acknowledged where a first-time packet would be, with the PSN of the last
     * packet executed: a FIRST gets nothing, a MIDDLE that asks and the LAST get an ACK. Nothing is
     * received twice, and each duplicate is counted.
     */
    @Test
    void shouldAcknowledgeDuplicatesWhereAFirstTimePacketWouldBe() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            postRecvs(h, 2);
            threePacketSend(h, PSN, false);
            assertEquals(List.of(ack(PSN + 2)), answers(h));
            h.send(Opcode.RC_SEND_FIRST, PSN, f -> f.payload = TransportPair.pattern(2, MTU));
            assertEquals(List.of(), answers(h), "a duplicate FIRST");
            h.send(Opcode.RC_SEND_MIDDLE, PSN + 1, f -> {
                f.payload = TransportPair.pattern(3, MTU);
                f.ackReq = true;
            });
            assertEquals(List.of(ack(PSN + 2)), answers(h), "a duplicate MIDDLE that asks");
            h.send(Opcode.RC_SEND_LAST, PSN + 2, f -> f.payload = TransportPair.pattern(4, 16));
            assertEquals(List.of(ack(PSN + 2)), answers(h), "a duplicate LAST");
            List<Wc> wcs = h.poll();
            assertEquals(1, wcs.size(), wcs.toString());
            assertEquals(3, h.world.transport(HostilePeer.VICTIM).dropped(Transport.Drop.DUPLICATE));
        }
    }

    /**
     * rxe_resp.c acknowledge, qib_rc_rcv, hfi1_rc_rcv: only a packet with AckReq set is answered,
     * the last of a message too; one with it set later acknowledges both. A duplicate without it
     * is not answered either (qib and hfi1 rc_rcv_error).
     */
    @Test
    void shouldAcknowledgeOnlyWhenAsked() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            postRecvs(h, 2);
            h.send(Opcode.RC_SEND_ONLY, PSN, f -> {
                f.payload = TransportPair.pattern(2, 16);
                f.ackReq = false;
            });
            assertEquals(List.of(), answers(h), "a SEND Only that does not ask");
            h.send(Opcode.RC_SEND_ONLY, PSN, f -> {
                f.payload = TransportPair.pattern(2, 16);
                f.ackReq = false;
            });
            assertEquals(List.of(), answers(h), "nor its duplicate");
            h.send(Opcode.RC_SEND_ONLY, PSN + 1, f -> f.payload = TransportPair.pattern(3, 16));
            assertEquals(List.of(ack(PSN + 1)), answers(h), "the next, asking, acknowledges both");
            assertEquals(2, h.poll().size());
        }
    }

    /** UC has no acknowledgements: a whole message, AckReq or not, gets no packet back. */
    @Test
    void shouldAcknowledgeNothingOnUc() {
        try (HostilePeer h = new HostilePeer(QpType.UC)) {
            postRecvs(h, 1);
            h.send(Opcode.UC_SEND_FIRST, PSN, f -> f.payload = TransportPair.pattern(2, MTU));
            h.send(Opcode.UC_SEND_LAST, PSN + 1, f -> {
                f.payload = TransportPair.pattern(4, 16);
                f.ackReq = true;
            });
            assertEquals(List.of(), answers(h));
            assertEquals(QpState.RTS, h.state());
            List<Wc> wcs = h.poll();
            assertEquals(1, wcs.size(), wcs.toString());
            assertEquals(MTU + 16, wcs.get(0).byteLen, wcs.toString());
        }
    }

    /**
     * An RDMA READ response's FIRST and LAST (or ONLY) carry an AETH, an ACK with the responder's
     * credits (IBA 9.7.5.1.2: four receives posted); its MIDDLE packets none (IBA 9.3.1).
     */
    @Test
    void shouldCarryAnAckInTheFirstAndLastReadResponse() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            postRecvs(h, 4);
            h.send(Opcode.RC_RDMA_READ_REQUEST, PSN, f -> {
                f.va = h.base;
                f.rkey = h.mr.rkey();
                f.dmaLen = 3 * MTU;
            });
            h.world.settle();
            List<Transport.Sent> sent = h.sent();
            assertEquals(List.of(Opcode.RC_RDMA_READ_RESPONSE_FIRST.value(),
                    Opcode.RC_RDMA_READ_RESPONSE_MIDDLE.value(), Opcode.RC_RDMA_READ_RESPONSE_LAST.value()),
                    sent.stream().map(Transport.Sent::opcode).toList());
            int ack = Aeth.ackSyndrome(Aeth.creditCode(4));
            assertEquals(ack, sent.get(0).syndrome(), sent.toString());
            assertEquals(ack, sent.get(2).syndrome(), sent.toString());
            assertEquals(-1, sent.get(1).syndrome(), sent.toString());
        }
    }
}
