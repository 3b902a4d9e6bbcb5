// drivers/infiniband/hw/mlx4/main.c (mlx4_ib_handle_catas_error), drivers/infiniband/hw/mlx4/qp.c
// (create_qp_common's qps_list); docs/HCA.md §2.1
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.device.Command;
import org.ibmodel.sim.device.Firmware;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.device.Status;
import org.junit.jupiter.api.Test;

/** What the driver does for its consumers when it finds the device failed. */
class HcaCatasTest {
    private final HcaHost h = new HcaHost();

    /** Runs the world until {@code ns}. */
    private void runUntil(long ns) {
        while (h.scheduler.nextEventTime() >= 0 && h.scheduler.nextEventTime() <= ns) {
            h.scheduler.runNext();
            h.settle();
        }
    }

    @Test
    void shouldCallTheCompletionHandlersInTheOrderTheQpsWereCreated() {
        // mlx4_ib_handle_catas_error walks the device's qp_list, to whose tail create_qp_common
        // adds each QP: creation order, not QPN order, which round robin can turn around.
        h.drv.catasResetDisable(true);
        List<String> upcalls = new ArrayList<>();
        Cq older = Cq.create(h.dev, c -> upcalls.add("first QP's CQ"), null, new CqInitAttr(8, 0)).get();
        Cq newer = Cq.create(h.dev, c -> upcalls.add("second QP's CQ"), null, new CqInitAttr(8, 0)).get();
        Cq spare = h.cq(8);
        QpCap cap = QpCap.of(4, 4, 1);
        // Walk the QPNs once round to learn the highest, then up to the one below it.
        int highest = -1;
        int qpn;
        do {
            Qp q = h.qp(QpType.RC, spare, cap);
            qpn = q.qpNum();
            highest = Math.max(highest, qpn);
            assertEquals(0, q.destroy());
        } while (qpn == highest);
        do {
            Qp q = h.qp(QpType.RC, spare, cap);
            qpn = q.qpNum();
            assertEquals(0, q.destroy());
        } while (qpn != highest - 1);
        Qp first = Qp.create(h.pd, QpInitAttr.of(QpType.RC, older, older, cap)).get();
        Qp second = Qp.create(h.pd, QpInitAttr.of(QpType.RC, newer, newer, cap)).get();
        assertTrue(second.qpNum() < first.qpNum(), "the QPNs wrapped: " + first.qpNum() + ", " + second.qpNum());
        for (Qp q : List.of(first, second)) {
            assertEquals(0, q.modify(HcaHost.init(), HcaHost.RC_INIT));
            assertEquals(0, q.postRecv(new RecvWr(q.qpNum())).ret());
        }
        h.hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
        runUntil(h.scheduler.now() + HcaDriver.CATAS_POLL_NS);
        assertTrue(h.drv.internalError());
        assertEquals(List.of("first QP's CQ", "second QP's CQ"), upcalls);
    }

    /**
     * mlx4_ib_handle_catas_error calls the handler of a CQ only for a QP with work outstanding
     * on it (sq.head != sq.tail, rq.head != rq.tail): an idle QP's CQ hears nothing.
     */
    @Test
    void shouldCallOnlyTheHandlersOfCqsWithWorkOutstanding() {
        h.drv.catasResetDisable(true);
        List<String> upcalls = new ArrayList<>();
        Cq idle = Cq.create(h.dev, c -> upcalls.add("idle"), null, new CqInitAttr(8, 0)).get();
        Cq sendCq = Cq.create(h.dev, c -> upcalls.add("send"), null, new CqInitAttr(8, 0)).get();
        Cq recvCq = Cq.create(h.dev, c -> upcalls.add("recv"), null, new CqInitAttr(8, 0)).get();
        QpCap cap = QpCap.of(4, 4, 1);
        Qp quiet = Qp.create(h.pd, QpInitAttr.of(QpType.RC, idle, idle, cap)).get();
        Qp receiving = Qp.create(h.pd, QpInitAttr.of(QpType.RC, sendCq, recvCq, cap)).get();
        assertEquals(0, quiet.modify(HcaHost.init(), HcaHost.RC_INIT));
        assertEquals(0, receiving.modify(HcaHost.init(), HcaHost.RC_INIT));
        assertEquals(0, receiving.postRecv(new RecvWr(1)).ret());
        h.hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
        runUntil(h.scheduler.now() + HcaDriver.CATAS_POLL_NS);
        assertTrue(h.drv.internalError());
        assertEquals(List.of("recv"), upcalls, "only the receive CQ of the QP with a receive posted");
    }

    /**
     * mlx4_restart_one after the reset: a probe the reset device refuses leaves the driver without
     * a device, the error logged as restartError, the device closed and ib_core without it.
     */
    @Test
    void shouldStayDownWhenTheRestartsProbeIsRefused() {
        assertEquals(0, h.pd.dealloc());
        h.hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
        // Nothing reaches the failed device; the first command after its reset is the probe's QUERY_FW.
        h.fw.injectStatus(Command.QUERY_FW.opcode(), Status.BAD_SYS_STATE);
        runUntil(h.scheduler.now() + HcaDriver.CATAS_POLL_NS + 2 * HcaDriver.RESET_WAIT_NS);
        assertEquals(1, h.drv.restarts());
        assertEquals(Errno.ENXIO.negative(), h.drv.restartError());
        assertNull(h.drv.device());
        assertTrue(h.host.core().devices().isEmpty());
        assertEquals(Firmware.SysState.RESET, h.fw.state());
    }
}
