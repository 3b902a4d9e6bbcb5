// drivers/infiniband/hw/mlx4/cq.c mlx4_ib_resize_cq: the new ring takes the CQEs not yet polled,
// and every other entry of it starts owned by the device
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.Cq;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.kernel.Errno;
import org.junit.jupiter.api.Test;

/**
 * A CQ resized with its consumer index part way round the old ring and CQEs waiting: after the
 * resize it gives those CQEs, then exactly the completions the device writes afterwards, lap
 * after lap of the new ring, never an entry the device has not written.
 */
class HcaCqResizeTest {
    private final HcaHost h = new HcaHost();

    private void flushed(Qp qp, long first, int count) {
        for (int i = 0; i < count; i++) {
            assertTrue(qp.postSend(SendWr.send(first + i, new Sge(0x1_0000_1000L, 8, h.pd.localDmaLkey()))).ok());
        }
        h.settle();
    }

    private static List<Long> ids(Cq cq) {
        return HcaHost.poll(cq).stream().map(w -> w.wrId).toList();
    }

    private static List<Long> range(long first, int count) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(first + i);
        }
        return out;
    }

    @Test
    void shouldGiveTheWaitingCqesThenOnlyWhatTheDeviceWritesLater() {
        Cq cq = h.cq(7);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(32, 1, 1));
        HcaHost.toRts(qp);
        HcaHost.toErr(qp);
        flushed(qp, 100, 5);
        assertEquals(range(100, 5), ids(cq));
        flushed(qp, 200, 2);
        assertEquals(0, cq.resize(30));
        assertEquals(range(200, 2), ids(cq), "the CQEs waiting when the ring changed");
        assertEquals(List.of(), ids(cq), "nothing the device has not written");
        // The consumer index is at 7 of the 32-entry ring: up to the end of its first lap, where
        // the entries of the second lap have not been written yet, then four laps more.
        flushed(qp, 300, 8);
        assertEquals(range(300, 8), ids(cq), "part of the first lap");
        assertEquals(List.of(), ids(cq), "the rest of the first lap starts owned by the device");
        flushed(qp, 308, 17);
        assertEquals(range(308, 17), ids(cq), "to the end of the first lap");
        assertEquals(List.of(), ids(cq), "the second lap's entries start owned by the device");
        for (int batch = 0; batch < 13; batch++) {
            flushed(qp, 1000 + 10L * batch, 10);
            assertEquals(range(1000 + 10L * batch, 10), ids(cq), "batch " + batch);
        }
    }

    /**
     * mlx4_ib_resize_cq: entries + 1 rounded up to a power of two, one CQE kept free; a ring
     * that holds exactly the CQEs waiting and the free one is taken, a smaller one is -EINVAL;
     * one entry is the smallest CQ.
     */
    @Test
    void shouldTakeARingThatJustHoldsTheWaitingCqes() {
        Cq cq = h.cq(30);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(32, 1, 1));
        HcaHost.toRts(qp);
        HcaHost.toErr(qp);
        assertEquals(0, cq.resize(8));
        assertEquals(15, cq.cqe(), "8 + 1 rounds up to 16");
        flushed(qp, 1, 7);
        assertEquals(Errno.EINVAL.negative(), cq.resize(3), "4 entries cannot hold 7 CQEs");
        assertEquals(0, cq.resize(7), "8 entries hold 7 CQEs and the free one");
        assertEquals(7, cq.cqe());
        assertEquals(range(1, 7), ids(cq));
        assertEquals(0, cq.resize(1));
        assertEquals(1, cq.cqe(), "a ring of two");
    }
}
