// An SRQ's limit and its QP's last WQE as a user process sees them: ibv_modify_srq,
// ibv_query_srq, IBV_EVENT_SRQ_LIMIT_REACHED and IBV_EVENT_QP_LAST_WQE_REACHED (libibverbs/verbs.h;
// drivers/infiniband/core/uverbs_cmd.c ib_uverbs_modify_srq, ib_uverbs_query_srq;
// drivers/infiniband/hw/mlx4/srq.c mlx4_ib_modify_srq, mlx4_ib_query_srq; IBA 10.2.9.4, 11.6.3.1)
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.ibmodel.kernel.Errno;
import org.ibmodel.verbs.IbvAsyncEvent;
import org.ibmodel.verbs.IbvEventType;
import org.ibmodel.verbs.IbvQp;
import org.ibmodel.verbs.IbvQpAttr;
import org.ibmodel.verbs.IbvQpAttrMask;
import org.ibmodel.verbs.IbvQpState;
import org.ibmodel.verbs.IbvRecvWr;
import org.ibmodel.verbs.IbvSendWr;
import org.ibmodel.verbs.IbvSge;
import org.ibmodel.verbs.IbvSrq;
import org.ibmodel.verbs.IbvSrqAttr;
import org.ibmodel.verbs.IbvWc;
import org.ibmodel.verbs.IbvWcStatus;
import org.ibmodel.verbs.IbvWrOpcode;
import org.junit.jupiter.api.Test;

/**
 * A server process receives on an SRQ of 16 WRs through one RC QP. It posts 8 receives and arms
 * the limit at 4 with ibv_modify_srq; ibv_query_srq reads 4 back. Four SENDs leave 4 WRs, not
 * fewer than the limit: no event. The fifth leaves 3: the process reads IBV_EVENT_SRQ_LIMIT_REACHED
 * for its SRQ once, and the limit reads 0, disarmed. mlx4 cannot resize an SRQ (IBV_SRQ_MAX_WR is
 * EINVAL) nor take a limit above its size. Moving the QP to ERR brings IBV_EVENT_QP_LAST_WQE_REACHED,
 * after which the QP and the SRQ can go.
 */
class UserSrqLimitTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 7);
    private static final int BUF = 16 * 256;
    private static final int SLOT = 256;

    @Test
    void shouldReportTheLimitOnceAndTheLastWqe() {
        try (World w = World.of(SEED, 2)) {
            UserProcess client = new UserProcess(w, 0, BUF);
            UserProcess server = new UserProcess(w, 1, BUF);
            IbvSrq srq = server.pd.createSrq(null, new IbvSrqAttr(16, 1, 0));
            assertNotNull(srq, "ibv_create_srq");
            IbvQp qp = client.createRcQp();
            IbvQp rq = server.createRcQp(srq, 0);
            UserProcess.connect(client, qp, server, rq);
            for (int i = 0; i < 8; i++) {
                assertEquals(0, srq.postRecv(new IbvRecvWr(i, new IbvSge(server.buf + (long) i * SLOT, SLOT,
                        server.mr.lkey())), new IbvRecvWr[1]), "ibv_post_srq_recv " + i);
            }

            assertEquals(Errno.EINVAL.number(), srq.modify(new IbvSrqAttr(32, 1, 0), IbvSrqAttr.MAX_WR),
                    "mlx4 does not resize an SRQ");
            assertEquals(Errno.EINVAL.number(), srq.modify(new IbvSrqAttr(0, 0, 1000), IbvSrqAttr.LIMIT),
                    "a limit above the SRQ's size");
            assertEquals(0, srq.modify(new IbvSrqAttr(0, 0, 4), IbvSrqAttr.LIMIT), "ibv_modify_srq IBV_SRQ_LIMIT");
            IbvSrqAttr q = new IbvSrqAttr();
            assertEquals(0, srq.query(q), "ibv_query_srq");
            assertEquals(4, q.srqLimit);
            assertTrue(q.maxWr >= 16, "max_wr " + q.maxWr);
            assertEquals(1, q.maxSge);

            for (int i = 0; i < 4; i++) {
                send(client, qp, server, "message " + i);
            }
            assertNull(server.ctx.getAsyncEvent(), "4 WRs left: not fewer than the limit");
            send(client, qp, server, "message 4");
            IbvAsyncEvent ev = server.ctx.getAsyncEvent();
            assertNotNull(ev, "3 WRs left");
            assertEquals(IbvEventType.SRQ_LIMIT_REACHED, ev.eventType());
            assertSame(srq, ev.element());
            server.ctx.ackAsyncEvent(ev);
            assertEquals(0, srq.query(q));
            assertEquals(0, q.srqLimit, "the limit fired and disarmed");
            send(client, qp, server, "message 5");
            assertNull(server.ctx.getAsyncEvent(), "once per arming");

            IbvQpAttr err = new IbvQpAttr();
            err.qpState = IbvQpState.ERR;
            assertEquals(0, rq.modify(err, IbvQpAttrMask.STATE), "the server's QP to ERR");
            w.settle();
            IbvAsyncEvent last = server.ctx.getAsyncEvent();
            assertNotNull(last, "the QP on the SRQ reports its last WQE");
            assertEquals(IbvEventType.QP_LAST_WQE_REACHED, last.eventType());
            assertSame(rq, last.element());
            server.ctx.ackAsyncEvent(last);
            assertEquals(0, rq.destroy(), "ibv_destroy_qp once the event is acknowledged");
            assertEquals(0, srq.destroy(), "ibv_destroy_srq");
        }
    }

    /** A SEND of {@code text} to the SRQ's QP, both completions checked and the bytes read back. */
    private static void send(UserProcess from, IbvQp qp, UserProcess to, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        assertEquals(0, from.ibv.task().mm().copyToUser(from.buf, b, 0, b.length));
        assertEquals(0, qp.postSend(new IbvSendWr(1, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                new IbvSge(from.buf, b.length, from.mr.lkey())), new IbvSendWr[1]), text);
        IbvWc sent = from.pollCq();
        assertNotNull(sent, text + ": no send completion");
        assertEquals(IbvWcStatus.SUCCESS, sent.status, text);
        IbvWc got = to.pollCq();
        assertNotNull(got, text + ": no receive completion");
        assertEquals(IbvWcStatus.SUCCESS, got.status, text);
        byte[] in = new byte[b.length];
        assertEquals(0, to.ibv.task().mm().copyFromUser(in, 0, to.buf + got.wrId * SLOT, b.length));
        assertEquals(text, new String(in, StandardCharsets.US_ASCII));
    }
}
