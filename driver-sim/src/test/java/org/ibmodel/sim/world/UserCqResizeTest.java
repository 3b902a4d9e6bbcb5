// ibv_resize_cq as a user process sees it, through uverbs' RESIZE_CQ on the HCA
// (libibverbs/verbs.h ibv_resize_cq; drivers/infiniband/core/uverbs_cmd.c ib_uverbs_resize_cq;
// drivers/infiniband/hw/mlx4/cq.c mlx4_ib_resize_cq; docs/HCA.md §4.4)
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ibmodel.kernel.Errno;
import org.ibmodel.verbs.IbvCq;
import org.ibmodel.verbs.IbvDeviceAttr;
import org.ibmodel.verbs.IbvQp;
import org.ibmodel.verbs.IbvRecvWr;
import org.ibmodel.verbs.IbvSendWr;
import org.ibmodel.verbs.IbvSge;
import org.ibmodel.verbs.IbvWc;
import org.ibmodel.verbs.IbvWcStatus;
import org.ibmodel.verbs.IbvWrOpcode;
import org.junit.jupiter.api.Test;

/**
 * A client process's CQ holds four send completions it has not polled. Resizing it below what
 * they need is EINVAL and changes nothing; growing it keeps them, in order, and cqe reads the new
 * size (a power of two less one, as mlx4 rounds); shrinking an empty CQ works; a size above the
 * device's max_cqe is EINVAL.
 */
class UserCqResizeTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 9);
    private static final int SENDS = 4;

    @Test
    void shouldResizeKeepingTheCompletionsNotYetPolled() {
        try (World w = World.of(SEED, 2)) {
            UserProcess client = new UserProcess(w, 0, 4096);
            UserProcess server = new UserProcess(w, 1, 4096);
            IbvQp qp = client.createRcQp();
            IbvQp peer = server.createRcQp();
            UserProcess.connect(client, qp, server, peer);
            for (int i = 0; i < SENDS; i++) {
                assertEquals(0, peer.postRecv(new IbvRecvWr(i, new IbvSge(server.buf + i * 64L, 64,
                        server.mr.lkey())), new IbvRecvWr[1]));
                assertEquals(0, qp.postSend(new IbvSendWr(10 + i, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                        new IbvSge(client.buf, 8, client.mr.lkey())), new IbvSendWr[1]));
            }
            w.settle();
            IbvCq cq = client.cq;
            int before = cq.cqe();
            assertTrue(before >= 16, "cqe " + before);

            assertEquals(Errno.EINVAL.number(), cq.resize(2), "too small for the 4 completions waiting");
            assertEquals(before, cq.cqe(), "a refused resize changes nothing");
            assertEquals(0, cq.resize(100), "ibv_resize_cq");
            assertEquals(127, cq.cqe(), "the ring mlx4 rounds 100 up to, less the slot kept empty");
            IbvWc[] wc = {new IbvWc()};
            for (int i = 0; i < SENDS; i++) {
                assertEquals(1, cq.poll(1, wc), "completion " + i + " kept across the resize");
                assertEquals(IbvWcStatus.SUCCESS, wc[0].status);
                assertEquals(10 + i, wc[0].wrId, "in order");
            }
            assertEquals(0, cq.poll(1, wc), "each once");

            assertEquals(0, cq.resize(5), "an empty CQ shrinks");
            assertEquals(7, cq.cqe());
            IbvDeviceAttr attr = new IbvDeviceAttr();
            assertEquals(0, client.ctx.queryDevice(attr));
            assertEquals(Errno.EINVAL.number(), cq.resize(attr.maxCqe + 1), "above max_cqe");
            assertEquals(7, cq.cqe());

            // The resized CQ takes completions as before (the server's receives polled first:
            // their slots free when their completions are).
            for (int i = 0; i < SENDS; i++) {
                assertEquals(1, server.cq.poll(1, wc), "receive " + i);
            }
            assertEquals(0, peer.postRecv(new IbvRecvWr(9, new IbvSge(server.buf, 64, server.mr.lkey())),
                    new IbvRecvWr[1]));
            assertEquals(0, qp.postSend(new IbvSendWr(20, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                    new IbvSge(client.buf, 8, client.mr.lkey())), new IbvSendWr[1]));
            IbvWc after = client.pollCq();
            assertEquals(20, after.wrId);
            assertEquals(IbvWcStatus.SUCCESS, after.status);
        }
    }
}
