// drivers/infiniband/hw/mlx4/cq.c mlx4_ib_resize_cq, mlx4_ib_cq_resize_copy_cqes and
// mlx4_ib_poll_one's RESIZE CQE: the new ring takes the CQEs not yet polled, and every other
// entry of it starts owned by the device, whenever the driver polls during the command
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.CqNotifyFlags;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
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

    /** A CQ whose handler polls it empty into {@code seen}, then arms it again when {@code rearm}. */
    private Cq pollingCq(List<Long> seen, int[] calls, boolean rearm) {
        return Cq.create(h.dev, c -> {
            // A handler that runs away (an event raised again at once, for ever) stops here.
            if (++calls[0] > 1000) {
                return;
            }
            Wc[] b = new Wc[4];
            int n;
            while ((n = c.poll(4, b)) > 0) {
                for (int i = 0; i < n; i++) {
                    seen.add(b[i].wrId);
                }
            }
            if (rearm) {
                c.reqNotify(CqNotifyFlags.NEXT_COMP);
            }
        }, null, new CqInitAttr(3, 0)).get();
    }

    /**
     * A completion handler polls while RESIZE_CQ runs, so the consumer index moves on after the
     * driver made the new ring: the CQEs it consumed are not taken to the new ring again, and
     * the entries it leaves are never read as written, lap after lap.
     */
    @Test
    void shouldKeepTheNewRingRightWhenTheHandlerPollsDuringTheCommand() {
        List<Long> seen = new ArrayList<>();
        Cq cq = pollingCq(seen, new int[1], false);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(32, 1, 1));
        HcaHost.toRts(qp);
        HcaHost.toErr(qp);
        h.settle();
        flushed(qp, 1, 2);
        assertEquals(List.of(), seen, "not armed yet");
        assertEquals(0, cq.reqNotify(CqNotifyFlags.NEXT_COMP));
        h.hca.commandLatencyNs(10_000);
        assertEquals(0, cq.resize(7));
        h.hca.commandLatencyNs(0);
        assertEquals(List.of(1L, 2L), seen, "the handler polled both during the command");
        for (int lap = 0; lap < 4; lap++) {
            flushed(qp, 10 + 10L * lap, 6);
            assertEquals(range(10 + 10L * lap, 6), ids(cq), "lap " + lap);
            assertEquals(List.of(), ids(cq), "lap " + lap + ": nothing the device has not written");
        }
        assertTrue(h.kernel.dmesg().stream().noneMatch(l -> l.contains("unknown QPN")), h.kernel.dmesg().toString());
    }

    /**
     * CQEs the device writes to the new ring before the driver has moved over to it reach a
     * handler that polls then: the RESIZE CQE in the old ring moves the poll over
     * (mlx4_ib_poll_one). Before, the handler found nothing, armed again, and the device, seeing
     * CQEs unconsumed, raised the event again at once, for ever.
     */
    @Test
    void shouldGiveAHandlerTheCqesWrittenToTheNewRingDuringTheCommand() {
        List<Long> seen = new ArrayList<>();
        int[] calls = {0};
        Cq cq = pollingCq(seen, calls, true);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(32, 1, 1));
        HcaHost.toRts(qp);
        HcaHost.toErr(qp);
        h.settle();
        assertEquals(0, cq.reqNotify(CqNotifyFlags.NEXT_COMP));
        h.hca.commandLatencyNs(10_000);
        for (long d : new long[] {10_000, 10_001, 10_010, 10_100, 11_000}) {
            h.scheduler.schedule(d, "post", () -> qp.postSend(SendWr.send(100 + d,
                    new Sge(0x1_0000_1000L, 8, h.pd.localDmaLkey()))));
        }
        assertEquals(0, cq.resize(7));
        h.hca.commandLatencyNs(0);
        h.settle();
        assertEquals(List.of(10_100L, 10_101L, 10_110L, 10_200L, 11_100L), seen);
        assertTrue(calls[0] <= 10, calls[0] + " handler calls");
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
