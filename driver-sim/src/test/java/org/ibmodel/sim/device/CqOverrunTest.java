// IBA 11.6.3.1: a CQ overrun (CQ Error) and the Local Work Queue Catastrophic Error that follows
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A receive CQ nobody polls fills up. The CQE that finds it full is lost and the CQ reports
 * CQ_ERROR; the receive queue that could not report its completion has a catastrophic error:
 * its QP reports IB_EVENT_QP_FATAL and enters ERR, acknowledges nothing more, and the sender
 * runs out of retries.
 */
@ExtendWith(ReplayOnFailure.class)
class CqOverrunTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 7);
    private static final int MESSAGES = 40;

    private static String at(String what) {
        return ReplayOnFailure.at("CqOverrunTest", SEED, what);
    }

    /** MESSAGES receives posted on b (wr_id 100 + i), MESSAGES 64-byte SENDs from a (wr_id i), run. */
    private static void sendAll(TransportPair p) {
        for (int i = 0; i < MESSAGES; i++) {
            p.b.postRecv(100 + i, TransportPair.TARGET + i * 64L, 64);
        }
        p.a.fill(0, TransportPair.pattern(1, 64));
        for (int i = 0; i < MESSAGES; i++) {
            p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 64)));
        }
        p.settle();
    }

    @Test
    void shouldTakeTheQpWhoseCompletionFoundItsCqFullToErrWithQpFatal() {
        TransportPair.Conn conn = TransportPair.Conn.standard(Mtu.MTU_1024).retries(2, 7);
        try (TransportPair p = new TransportPair(SEED, QpType.RC, conn, null, false, 0, 1, TransportPair.CQE, 8)) {
            // The ring holds one entry more than the CQ reports, as mlx4_ib_create_cq sizes it.
            int capacity = p.b.cq.cqe() + 1;
            assertTrue(capacity > 8 && capacity < MESSAGES, at("CQ ring of " + capacity + " entries"));
            sendAll(p);

            assertEquals(List.of(IbEventType.QP_FATAL), p.b.events, at("the receiver's QP events"));
            assertEquals(HwQpState.ERR, p.b.hwState(), at("receiver QP"));
            assertEquals(QpState.ERR, p.b.qp.state(), at("ib_core's view of the receiver QP"));
            List<Wc> received = p.b.poll();
            assertEquals(capacity, received.size(), at("what the CQ held before it overran: " + received));
            for (int i = 0; i < received.size(); i++) {
                assertEquals(WcStatus.SUCCESS, received.get(i).status, at("receive " + i));
                assertEquals(100 + i, received.get(i).wrId, at("receive " + i));
            }

            // The sender: what was acknowledged before, then the retries run out and the rest flushes.
            List<Wc> sent = p.a.poll();
            assertEquals(MESSAGES, sent.size(), at("every send completes: " + sent));
            int ok = 0;
            while (ok < sent.size() && sent.get(ok).status == WcStatus.SUCCESS) {
                ok++;
            }
            // The message whose completion found the CQ full is not acknowledged (rxe_resp.c:
            // RESPST_ERR_CQ_OVERFLOW comes before the ACK).
            assertEquals(capacity, ok, at("sends acknowledged: " + sent));
            assertEquals(WcStatus.RETRY_EXC_ERR, sent.get(ok).status, at("send " + ok));
            for (int i = ok + 1; i < sent.size(); i++) {
                assertEquals(WcStatus.WR_FLUSH_ERR, sent.get(i).status, at("send " + i));
            }
        }
    }

    @Test
    void shouldDoTheSameForASendQueueAndStopCompletingItsWqes() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024), null,
                false, 0, 1, 8, TransportPair.CQE)) {
            int capacity = p.a.cq.cqe() + 1;
            sendAll(p);

            assertEquals(List.of(IbEventType.QP_FATAL), p.a.events, at("the sender's QP events"));
            assertEquals(HwQpState.ERR, p.a.hwState(), at("sender QP"));
            List<Wc> sent = p.a.poll();
            assertEquals(capacity, sent.size(), at("what the CQ held: " + sent));
            for (int i = 0; i < sent.size(); i++) {
                assertEquals(WcStatus.SUCCESS, sent.get(i).status, at("send " + i));
                assertEquals(i, sent.get(i).wrId, at("send " + i));
            }
            // A WR posted now is flushed into the CQ in error: lost, and no second event.
            p.a.postSend(new SendWr().wrId(99).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 64)));
            p.settle();
            assertEquals(List.of(), p.a.poll(), at("nothing after the overrun"));
            assertEquals(List.of(IbEventType.QP_FATAL), p.a.events, at("one QP_FATAL"));
            assertTrue(p.b.poll().size() >= capacity, at("the receiver got at least what was completed"));
        }
    }

    @Test
    void shouldNotAcknowledgeASendWithInvalidateWhoseErrorCompletionFoundTheCqFull() {
        TransportPair.Conn conn = TransportPair.Conn.standard(Mtu.MTU_1024).retries(2, 7);
        try (TransportPair p = new TransportPair(SEED, QpType.RC, conn, null, false, 0, 1, TransportPair.CQE, 8)) {
            int capacity = p.b.cq.cqe() + 1;
            for (int i = 0; i <= capacity; i++) {
                p.b.postRecv(100 + i, TransportPair.TARGET + i * 64L, 64);
            }
            p.a.fill(0, TransportPair.pattern(1, 64));
            for (int i = 0; i < capacity; i++) {
                p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 64)));
            }
            // An ordinary region's key cannot be invalidated: the receive fails (class J), and
            // its error completion finds the CQ full.
            p.a.postSend(new SendWr().wrId(50).opcode(WrOpcode.SEND_WITH_INV).sgList(p.a.sge(0, 64))
                    .invalidateRkey(p.b.mr.rkey()));
            p.settle();
            assertEquals(List.of(IbEventType.QP_FATAL), p.b.events, at("the receiver's QP events"));
            List<Wc> sent = p.a.poll();
            assertEquals(capacity + 1, sent.size(), at("every send completes: " + sent));
            for (int i = 0; i < capacity; i++) {
                assertEquals(WcStatus.SUCCESS, sent.get(i).status, at("send " + i));
            }
            assertEquals(WcStatus.RETRY_EXC_ERR, sent.get(capacity).status,
                    at("the SEND with invalidate whose completion was lost is not acknowledged"));
        }
    }
}
