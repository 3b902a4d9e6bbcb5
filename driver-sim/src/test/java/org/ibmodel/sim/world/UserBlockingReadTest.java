// A process asleep in read() of its completion channel, as ibv_get_cq_event leaves it
// (drivers/infiniband/core/uverbs_main.c ib_uverbs_event_read, ib_uverbs_event_poll;
// libibverbs/verbs.c ibv_get_cq_event)
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.OpenFile;
import org.ibmodel.kernel.Task;
import org.ibmodel.verbs.IbvCompChannel;
import org.ibmodel.verbs.IbvCq;
import org.ibmodel.verbs.IbvQp;
import org.ibmodel.verbs.IbvRecvWr;
import org.ibmodel.verbs.IbvSendWr;
import org.ibmodel.verbs.IbvSge;
import org.ibmodel.verbs.IbvWc;
import org.ibmodel.verbs.IbvWcStatus;
import org.ibmodel.verbs.IbvWrOpcode;
import org.junit.jupiter.api.Test;

/**
 * The server's CQ is on a completion channel and armed; the client sends. The server's
 * ibv_get_cq_event, called while the SEND is still to be posted on the wire, sleeps while the
 * world runs and returns the CQ once the receive's completion interrupt has queued the event,
 * with virtual time gone by. poll() says 0 before and POLLIN once it is queued. A second read,
 * with nothing left in the world to queue an event, ends with EINTR instead of sleeping for
 * ever; made O_NONBLOCK, the channel says EAGAIN.
 */
class UserBlockingReadTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 11);

    @Test
    void shouldSleepInGetCqEventUntilTheCompletionComes() {
        try (World w = World.of(SEED, 2)) {
            UserProcess client = new UserProcess(w, 0, 4096);
            UserProcess server = new UserProcess(w, 1, 4096);
            IbvCompChannel ch = server.ctx.createCompChannel();
            assertNotNull(ch, "ibv_create_comp_channel");
            IbvCq cq = server.ctx.createCq(8, "server cq", ch, 0);
            assertNotNull(cq, "ibv_create_cq");
            IbvQp sqp = server.createRcQp(cq, null, 0);
            IbvQp cqp = client.createRcQp();
            UserProcess.connect(client, cqp, server, sqp);
            assertEquals(0, sqp.postRecv(new IbvRecvWr(1, new IbvSge(server.buf, 64, server.mr.lkey())),
                    new IbvRecvWr[1]));
            assertEquals(0, cq.reqNotify(false));
            w.settle();
            int chFd = ch.fd();
            assertEquals(0, server.ibv.task().poll(chFd, OpenFile.POLLIN), "nothing queued yet");

            assertEquals(0, cqp.postSend(new IbvSendWr(2, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                    new IbvSge(client.buf, 16, client.mr.lkey())), new IbvSendWr[1]));
            long posted = w.scheduler().now();
            IbvCq ev = ch.getCqEvent();
            assertSame(cq, ev, "errno " + server.ibv.errno());
            assertTrue(w.scheduler().now() > posted, "the read slept while the SEND crossed the fabric");
            IbvWc[] wc = {new IbvWc()};
            assertEquals(1, cq.poll(1, wc), "the completion that raised the event");
            assertEquals(IbvWcStatus.SUCCESS, wc[0].status);
            assertEquals(1, wc[0].wrId);
            cq.ackEvents(1);
            w.settle();

            assertNull(ch.getCqEvent(), "nothing left in the world can queue another");
            assertEquals(Errno.EINTR.number(), server.ibv.errno());
            assertEquals(0, ch.setNonblocking());
            assertNull(ch.getCqEvent());
            assertEquals(Errno.EAGAIN.number(), server.ibv.errno());
            assertEquals(OpenFile.O_RDONLY | OpenFile.O_NONBLOCK,
                    server.ibv.task().fcntl(chFd, Task.F_GETFL, 0));

            assertEquals(0, sqp.destroy());
            assertEquals(0, cq.destroy());
            assertEquals(0, ch.destroy());
            assertEquals(0, cqp.destroy());
        }
    }
}
