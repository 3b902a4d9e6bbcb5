// The receive buffers of an SRQ belong to the SRQ's PD: rdmavt's init_sge checks a receive
// WQE's lkeys against qp->ibqp.srq->pd when the QP takes it from an SRQ (drivers/infiniband/sw/
// rdmavt/qp.c, and qib_init_sge before it), as mlx4 hardware uses the pd of the SRQ context
// (include/linux/mlx4/srq.h, drivers/net/ethernet/mellanox/mlx4/srq.c)
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.ibmodel.verbs.IbvAccessFlags;
import org.ibmodel.verbs.IbvMr;
import org.ibmodel.verbs.IbvPd;
import org.ibmodel.verbs.IbvQp;
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
 * A QP of one PD receiving from an SRQ of another: the SRQ's receive WQEs are checked against the
 * SRQ's PD, so a buffer registered in the SRQ's PD takes the message and one registered only in
 * the QP's PD is a local protection error, nothing written.
 */
class UserSrqPdTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 11);
    private static final int BUF = 4096;
    private static final byte[] DATA = "through the SRQ".getBytes(StandardCharsets.US_ASCII);

    /**
     * One SEND from h0 to a QP on h1 whose PD is not its SRQ's; the receive WQE's buffer is
     * registered in the SRQ's PD ({@code inSrqPd}) or in the QP's. Returns the receive status.
     */
    private static IbvWcStatus receive(boolean inSrqPd) {
        try (World w = World.of(SEED, 2)) {
            UserProcess sender = new UserProcess(w, 0, BUF);
            UserProcess receiver = new UserProcess(w, 1, BUF);
            IbvPd srqPd = receiver.ctx.allocPd();
            assertNotNull(srqPd, "ibv_alloc_pd");
            IbvSrq srq = srqPd.createSrq(null, new IbvSrqAttr(4, 1, 0));
            assertNotNull(srq, "ibv_create_srq");
            long rbuf = receiver.ibv.alloc(BUF);
            IbvMr rmr = (inSrqPd ? srqPd : receiver.pd).regMr(rbuf, BUF, IbvAccessFlags.LOCAL_WRITE);
            assertNotNull(rmr, "ibv_reg_mr");
            IbvQp qp = sender.createRcQp();
            IbvQp rq = receiver.createRcQp(srq, 0);
            UserProcess.connect(sender, qp, receiver, rq);
            assertEquals(0, srq.postRecv(new IbvRecvWr(1, new IbvSge(rbuf, BUF, rmr.lkey())), new IbvRecvWr[1]));
            assertEquals(0, sender.ibv.task().mm().copyToUser(sender.buf, DATA, 0, DATA.length));
            assertEquals(0, qp.postSend(new IbvSendWr(2, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                    new IbvSge(sender.buf, DATA.length, sender.mr.lkey())), new IbvSendWr[1]));
            sender.pollCq();
            IbvWc got = receiver.pollCq();
            assertNotNull(got, "no receive completion (seed " + SEED + ")");
            byte[] in = new byte[DATA.length];
            assertEquals(0, receiver.ibv.task().mm().copyFromUser(in, 0, rbuf, DATA.length));
            if (got.status == IbvWcStatus.SUCCESS) {
                assertArrayEquals(DATA, in);
            } else {
                assertFalse(Arrays.equals(DATA, in), "a refused receive wrote the buffer");
            }
            return got.status;
        }
    }

    @Test
    void shouldScatterAnSrqReceiveThroughAKeyOfTheSrqsPd() {
        assertEquals(IbvWcStatus.SUCCESS, receive(true));
    }

    @Test
    void shouldRefuseAnSrqReceiveThroughAKeyOfTheQpsPdOnly() {
        IbvWcStatus s = receive(false);
        assertNotEquals(IbvWcStatus.SUCCESS, s);
        assertEquals(IbvWcStatus.LOC_PROT_ERR, s);
    }
}
