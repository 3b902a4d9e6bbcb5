// The SQ drain as a user process sees it: ibv_modify_qp to SQD with IBV_QP_EN_SQD_ASYNC_NOTIFY,
// IBV_EVENT_SQ_DRAINED from its async fd, sq_draining in ibv_query_qp (libibverbs/verbs.h;
// drivers/infiniband/core/uverbs_cmd.c modify_qp, ib_uverbs_qp_event_handler; docs/HCA.md §4.5)
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.OpenFile;
import org.ibmodel.verbs.IbvAccessFlags;
import org.ibmodel.verbs.IbvAsyncEvent;
import org.ibmodel.verbs.IbvEventType;
import org.ibmodel.verbs.IbvMr;
import org.ibmodel.verbs.IbvQp;
import org.ibmodel.verbs.IbvQpAttr;
import org.ibmodel.verbs.IbvQpAttrMask;
import org.ibmodel.verbs.IbvQpInitAttr;
import org.ibmodel.verbs.IbvQpState;
import org.ibmodel.verbs.IbvSendWr;
import org.ibmodel.verbs.IbvSge;
import org.ibmodel.verbs.IbvWc;
import org.ibmodel.verbs.IbvWcStatus;
import org.ibmodel.verbs.IbvWrOpcode;
import org.junit.jupiter.api.Test;

/**
 * A client process posts three 256 KiB RDMA WRITEs to a server process on the other host and,
 * while they are on the wire, moves its QP to SQD asking for the event. Until the last of them
 * completes, ibv_query_qp says the send queue is draining and ibv_modify_qp back to RTS fails
 * with EINVAL, changing nothing; then the process reads IBV_EVENT_SQ_DRAINED for its QP, the
 * queue is no longer draining, SQD to SQD may change the ack timeout, and the QP goes back to RTS.
 * The WRITEs begun before SQD complete in SQD, the others only after RTS; every WRITE completes
 * once, in order, its bytes at the server.
 */
class UserSqdTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 3);
    private static final int LEN = 256 * 1024;
    private static final int WRITES = 3;

    @Test
    void shouldDrainTellTheProcessAndRefuseRtsUntilThen() {
        try (World w = World.of(SEED, 2)) {
            UserProcess client = new UserProcess(w, 0, WRITES * LEN);
            UserProcess server = new UserProcess(w, 1, WRITES * LEN);
            IbvMr target = server.pd.regMr(server.buf, WRITES * LEN,
                    IbvAccessFlags.LOCAL_WRITE | IbvAccessFlags.REMOTE_WRITE);
            assertNotNull(target, "ibv_reg_mr with IBV_ACCESS_REMOTE_WRITE");
            IbvQp qp = client.createRcQp();
            IbvQp peer = server.createRcQp();
            IbvQpAttr writable = new IbvQpAttr();
            writable.qpState = IbvQpState.INIT;
            writable.qpAccessFlags = IbvAccessFlags.LOCAL_WRITE | IbvAccessFlags.REMOTE_WRITE;
            assertEquals(0, peer.modify(writable, IbvQpAttrMask.STATE | IbvQpAttrMask.ACCESS_FLAGS), "INIT2INIT");
            UserProcess.connect(client, qp, server, peer);

            byte[] data = new byte[WRITES * LEN];
            new SplittableRandom(SEED).nextBytes(data);
            assertEquals(0, client.ibv.task().mm().copyToUser(client.buf, data, 0, data.length));
            for (int i = 0; i < WRITES; i++) {
                IbvSendWr wr = new IbvSendWr(100 + i, IbvWrOpcode.RDMA_WRITE, IbvWrOpcode.SEND_SIGNALED,
                        new IbvSge(client.buf + (long) i * LEN, LEN, client.mr.lkey()));
                wr.remoteAddr = server.buf + (long) i * LEN;
                wr.rkey = target.rkey();
                assertEquals(0, qp.postSend(wr, new IbvSendWr[1]), "ibv_post_send " + i);
            }

            IbvQpAttr sqd = new IbvQpAttr();
            sqd.qpState = IbvQpState.SQD;
            sqd.enSqdAsyncNotify = true;
            assertEquals(0, qp.modify(sqd, IbvQpAttrMask.STATE | IbvQpAttrMask.EN_SQD_ASYNC_NOTIFY), "to SQD");
            IbvQpAttr q = query(qp);
            assertEquals(IbvQpState.SQD, q.qpState);
            assertTrue(q.sqDraining, "the WRITEs are still on the wire");
            assertEquals(Errno.EINVAL.number(), toRts(qp), "SQD2RTS while the send queue drains");
            assertEquals(IbvQpState.SQD, query(qp).qpState, "the refusal changed nothing");
            assertEquals(0, client.ibv.task().poll(client.ctx.asyncFd(), OpenFile.POLLIN),
                    "no event before the drain ends");

            w.settle();
            IbvAsyncEvent ev = client.ctx.getAsyncEvent();
            assertNotNull(ev, "an async event once drained, errno " + client.ibv.errno());
            assertEquals(IbvEventType.SQ_DRAINED, ev.eventType());
            assertSame(qp, ev.element(), "for the QP that drained");
            client.ctx.ackAsyncEvent(ev);
            assertNull(client.ctx.getAsyncEvent(), "one event per drain");
            assertEquals(Errno.EAGAIN.number(), client.ibv.errno());
            q = query(qp);
            assertEquals(IbvQpState.SQD, q.qpState);
            assertFalse(q.sqDraining, "drained");

            IbvQpAttr slower = new IbvQpAttr();
            slower.qpState = IbvQpState.SQD;
            slower.timeout = 16;
            assertEquals(0, qp.modify(slower, IbvQpAttrMask.STATE | IbvQpAttrMask.TIMEOUT), "SQD2SQD, new timeout");
            assertEquals(16, query(qp).timeout);
            // The WRITEs begun before SQD completed; the ones still waiting did not begin in SQD.
            IbvWc[] wc = {new IbvWc()};
            int done = 0;
            while (client.cq.poll(1, wc) == 1) {
                assertEquals(IbvWcStatus.SUCCESS, wc[0].status, wc[0].toString());
                assertEquals(100 + done, wc[0].wrId, "in posting order");
                done++;
            }
            assertTrue(done >= 1 && done < WRITES, done + " of " + WRITES + " WRITEs completed in SQD");
            assertEquals(0, toRts(qp), "back to RTS once drained");
            w.settle();
            for (; done < WRITES; done++) {
                assertEquals(1, client.cq.poll(1, wc), "completion " + done + " after RTS");
                assertEquals(IbvWcStatus.SUCCESS, wc[0].status, wc[0].toString());
                assertEquals(100 + done, wc[0].wrId, "in posting order");
            }
            assertEquals(0, client.cq.poll(1, wc), "each once");
            byte[] got = new byte[data.length];
            assertEquals(0, server.ibv.task().mm().copyFromUser(got, 0, server.buf, got.length));
            assertArrayEquals(data, got, "every byte at the server");
        }
    }

    private static IbvQpAttr query(IbvQp qp) {
        IbvQpAttr a = new IbvQpAttr();
        assertEquals(0, qp.query(a, IbvQpAttrMask.STATE | IbvQpAttrMask.TIMEOUT, new IbvQpInitAttr()));
        return a;
    }

    private static int toRts(IbvQp qp) {
        IbvQpAttr a = new IbvQpAttr();
        a.qpState = IbvQpState.RTS;
        return qp.modify(a, IbvQpAttrMask.STATE);
    }
}
