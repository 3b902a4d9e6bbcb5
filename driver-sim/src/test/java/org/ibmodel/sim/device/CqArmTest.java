// IBA 11.4.2.2 (Request Completion Notification); drivers/infiniband/sw/rxe/rxe_verbs.c
// rxe_req_notify_cq and rxe_cq.c rxe_cq_post; docs/HCA.md §8 (CQ_ARM)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibmodel.core.CqNotifyFlags;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;

/** What an armed CQ reports: the next completion, or only the next solicited or error one. */
class CqArmTest {
    private static final long SEED = 3;

    private static void send(TransportPair p, long wrId, int flags) {
        p.b.postRecv(100 + wrId, TransportPair.TARGET + wrId * 64, 64);
        p.a.postSend(new SendWr().wrId(wrId).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 64)).sendFlags(flags));
        p.settle();
    }

    // rxe_req_notify_cq: a CQ armed for the next completion stays so when asked for a solicited one
    @Test
    void shouldKeepTheNextCompletionArmWhenASolicitedArmFollows() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            assertEquals(0, p.b.cq.reqNotify(CqNotifyFlags.NEXT_COMP));
            assertEquals(0, p.b.cq.reqNotify(CqNotifyFlags.SOLICITED));
            send(p, 1, SendFlags.SIGNALED);
            assertEquals(1, p.b.cq.upcalls(), "an unsolicited receive satisfies the arm for any completion");
            assertEquals(1, p.b.poll().size());
        }
    }

    @Test
    void shouldReportOnlyASolicitedReceiveToASolicitedArmAndOnlyOncePerArm() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            assertEquals(0, p.b.cq.reqNotify(CqNotifyFlags.SOLICITED));
            send(p, 1, SendFlags.SIGNALED);
            assertEquals(0, p.b.cq.upcalls(), "an unsolicited receive");
            assertEquals(1, p.b.poll().size());
            send(p, 2, SendFlags.SIGNALED | SendFlags.SOLICITED);
            assertEquals(1, p.b.cq.upcalls(), "a solicited receive");
            send(p, 3, SendFlags.SIGNALED | SendFlags.SOLICITED);
            assertEquals(1, p.b.cq.upcalls(), "one event per arm");
            assertEquals(2, p.b.poll().size());
        }
    }
}
