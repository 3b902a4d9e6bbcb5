// The capabilities create_qp writes back and the WRs post_send and post_recv then take, as mlx4's
// drivers/infiniband/hw/mlx4/qp.c set_kernel_sq_size, set_rq_size and mlx4_ib_post_send
// (mlx4_wq_overflow) have them; docs/HCA.md §4.5, §10
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.Cq;
import org.ibmodel.core.DeviceAttr;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.device.QpContext;
import org.junit.jupiter.api.Test;

class HcaQpCapTest {
    private final HcaHost h = new HcaHost();
    private final DeviceAttr a = h.dev.attr();
    private final Cq cq = h.cq(64);
    private final Sge sge = new Sge(0x1_0000_1000L, 8, h.pd.localDmaLkey());

    /** Creates a QP asking {@code asked}; checks ib_query_qp reports what was written back. */
    private Qp create(QpType type, QpCap asked) {
        QpInitAttr init = QpInitAttr.of(type, cq, cq, asked);
        Qp qp = Qp.create(h.pd, init).get();
        assertEquals(qp.cap(), init.cap, "written into the caller's ib_qp_cap");
        HcaHost.toRts(qp);
        QpAttr q = new QpAttr();
        assertEquals(0, qp.query(q));
        assertEquals(init.cap, q.cap, "ib_query_qp");
        return qp;
    }

    private int sqEntries(Qp qp) {
        return 1 << h.fw.qp(qp.qpNum()).get(Layout.QpCtx.SQ_LOG_SIZE);
    }

    @Test
    void shouldWriteBackSendWrsOf64ByteWqesAsSetKernelSqSize() {
        // An RC WQE of one data segment: control, remote address, atomic, data, 64 bytes, so
        // MLX4_IB_SQ_HEADROOM(6) = (2048 >> 6) + 1 = 33 spare; wqe_cnt is
        // roundup_pow_of_two(max_send_wr + 33) and max_send_wr comes back as wqe_cnt - 33. The
        // most that may be asked is max_qp_wr, max_wqes less MLX4_IB_SQ_MAX_SPARE (also 33).
        assertEquals(h.fw.caps().maxQpWr() - 33, a.maxQpWr);
        int[][] askedRingBack = {{1, 64, 31}, {4, 64, 31}, {100, 256, 223}, {a.maxQpWr, 1024, 991}};
        for (int[] c : askedRingBack) {
            Qp qp = create(QpType.RC, new QpCap(c[0], 1, 1, 1, 0));
            assertEquals(c[1], sqEntries(qp), "ring for " + c[0]);
            assertEquals(new QpCap(c[2], 1, 1, 4, 0), qp.cap(), "asked " + c[0]);
            assertTrue(qp.cap().maxSendWr() <= a.maxQpWr, "at most max_qp_wr");
        }
    }

    @Test
    void shouldWriteBackSendWrsOf128ByteWqesNoMoreThanMaxQpWr() {
        // Five data segments make the RC WQE 128 bytes: MLX4_IB_SQ_HEADROOM(7) = 17 spare.
        // Asked the most, the ring is roundup_pow_of_two(991 + 17) = 1024, and wqe_cnt - 17 would
        // be 1007, above max_qp_wr: it is written back as max_qp_wr (set_rq_size's bound).
        int[][] askedRingBack = {{1, 32, 15}, {4, 32, 15}, {100, 128, 111}, {a.maxQpWr, 1024, 991}};
        for (int[] c : askedRingBack) {
            Qp qp = create(QpType.RC, new QpCap(c[0], 1, 5, 1, 0));
            assertEquals(c[1], sqEntries(qp), "ring for " + c[0]);
            // (128 - 48) / 16 data segments fit, as mlx4's sq.max_gs, within max_send_sge.
            assertEquals(new QpCap(c[2], 1, 5, 4, 0), qp.cap(), "asked " + c[0]);
        }
    }

    @Test
    void shouldWriteBackReceiveWrsAsSetRqSize() {
        // set_rq_size: wqe_cnt = roundup_pow_of_two(max_recv_wr), written back at most
        // max_wqes - MLX4_IB_SQ_MAX_SPARE.
        int[][] askedBack = {{1, 1}, {4, 4}, {100, 128}, {a.maxQpWr, 991}};
        for (int[] c : askedBack) {
            Qp qp = create(QpType.RC, new QpCap(1, c[0], 1, 1, 0));
            assertEquals(c[1], qp.cap().maxRecvWr(), "asked " + c[0]);
        }
        assertEquals(1024, 1 << h.fw.qp(create(QpType.RC, new QpCap(1, a.maxQpWr, 1, 1, 0)).qpNum())
                .get(Layout.QpCtx.RQ_LOG_SIZE));
    }

    /** Posts {@code n} sends one at a time, each taken. */
    private void sends(Qp qp, int n) {
        for (int i = 0; i < n; i++) {
            assertTrue(qp.postSend(SendWr.send(i, sge)).ok(), "send " + i);
        }
    }

    @Test
    void shouldTakeMaxSendWrSendsAndRefuseOneMoreAsMlx4WqOverflow() {
        int[][] askedSgeBack = {{1, 1, 31}, {100, 1, 223}, {a.maxQpWr, 1, 991}, {a.maxQpWr, 5, 991}};
        for (int[] c : askedSgeBack) {
            Qp qp = create(QpType.RC, new QpCap(c[0], 1, c[1], 1, 0));
            assertEquals(c[2], qp.cap().maxSendWr(), "asked " + c[0]);
            sends(qp, c[2]);
            PostResult r = qp.postSend(SendWr.send(-1, sge));
            assertEquals(Errno.ENOMEM.negative(), r.ret(), "one beyond max_send_wr " + c[2]);
            assertEquals(0, r.badWr());
            QpContext ctx = h.fw.qp(qp.qpNum());
            assertEquals(c[2], ctx.sendQueue().producer(), "the device was told of max_send_wr WQEs");
        }
    }

    @Test
    void shouldRefuseTheWrOfABatchThatWouldPostIntoTheSpareWqes() {
        Qp qp = create(QpType.RC, new QpCap(4, 1, 1, 1, 0));
        sends(qp, 29);
        List<SendWr> batch = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            batch.add(SendWr.send(100 + i, sge));
        }
        PostResult r = qp.postSend(batch);
        assertEquals(Errno.ENOMEM.negative(), r.ret());
        assertEquals(2, r.badWr(), "29 + 2 = 31 taken, the third of the batch refused");
        assertEquals(31, h.fw.qp(qp.qpNum()).sendQueue().producer());
    }

    @Test
    void shouldTakeMaxRecvWrReceivesAndRefuseOneMore() {
        Qp qp = create(QpType.RC, new QpCap(1, a.maxQpWr, 1, 1, 0));
        for (int i = 0; i < a.maxQpWr; i++) {
            assertTrue(qp.postRecv(new RecvWr(i, sge)).ok(), "receive " + i);
        }
        assertEquals(Errno.ENOMEM.negative(), qp.postRecv(new RecvWr(-1, sge)).ret(), "one beyond max_recv_wr");
    }
}
