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
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Work;
import org.ibmodel.sim.device.Command;
import org.ibmodel.sim.device.Firmware;
import org.ibmodel.sim.device.HoldingStage;
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
     * mlx4_ib_handle_catas_error calls only CQs that have a comp_handler: a CQ created without
     * one (polled only) with work outstanding is passed over, the next CQ is still called and
     * ib_core still hears IB_EVENT_DEVICE_FATAL, from process context with interrupts off, as
     * the catastrophic-error work runs it.
     */
    @Test
    void shouldPassOverACqWithoutACompletionHandler() {
        h.drv.catasResetDisable(true);
        List<String> upcalls = new ArrayList<>();
        List<org.ibmodel.core.IbEventType> events = new ArrayList<>();
        h.dev.registerEventHandler(e -> events.add(e.event()));
        Cq polled = Cq.create(h.dev, null, null, new CqInitAttr(8, 0)).get();
        Cq called = Cq.create(h.dev, c -> upcalls.add("called in " + h.kernel.context()), null,
                new CqInitAttr(8, 0)).get();
        QpCap cap = QpCap.of(4, 4, 1);
        Qp first = Qp.create(h.pd, QpInitAttr.of(QpType.RC, polled, polled, cap)).get();
        Qp second = Qp.create(h.pd, QpInitAttr.of(QpType.RC, called, called, cap)).get();
        for (Qp q : List.of(first, second)) {
            assertEquals(0, q.modify(HcaHost.init(), HcaHost.RC_INIT));
            assertEquals(0, q.postRecv(new RecvWr(1)).ret());
        }
        h.hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
        runUntil(h.scheduler.now() + HcaDriver.CATAS_POLL_NS);
        assertEquals(List.of("called in PROCESS"), upcalls);
        assertTrue(events.contains(org.ibmodel.core.IbEventType.DEVICE_FATAL), events.toString());
        List<String> dmesg = h.kernel.dmesg();
        int started = dmesg.indexOf("<mlx4_ib> mlx4_ib_handle_catas_error: mlx4_ib_handle_catas_error was started");
        int ended = dmesg.indexOf("<mlx4_ib> mlx4_ib_handle_catas_error: mlx4_ib_handle_catas_error ended");
        assertTrue(started >= 0 && ended > started, "its pr_warn pair: " + dmesg);
    }

    /**
     * mlx4_ib_poll_sw_comp: once the device has failed, poll_cq reads no CQE. Every WQE still
     * outstanding on the CQ's QPs completes with WR_FLUSH_ERR, the send queues' before the receive
     * queues', each oldest first: a send with its WR's opcode, a receive as IB_WC_RECV.
     */
    @Test
    void shouldFlushEveryOutstandingWqeInSoftwareOnceTheDeviceHasFailed() {
        h.drv.catasResetDisable(true);
        Cq cq = h.cq(16);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        HcaHost.toRts(qp);
        Sge a = new Sge(0x1_0000_1000L, 8, h.pd.localDmaLkey());
        assertEquals(0, qp.postRecv(new RecvWr(10, a)).ret());
        assertEquals(0, qp.postRecv(new RecvWr(11, a)).ret());
        assertTrue(qp.postSend(SendWr.send(1, a), new SendWr().wrId(2).opcode(WrOpcode.RDMA_WRITE).sgList(a)
                .remoteAddr(0x2000).rkey(1)).ok());
        h.hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
        runUntil(h.scheduler.now() + HcaDriver.CATAS_POLL_NS);
        assertTrue(h.drv.internalError());
        List<String> polled = new ArrayList<>();
        for (Wc wc : HcaHost.poll(cq)) {
            polled.add(wc.wrId + " " + wc.opcode + " " + wc.status);
        }
        assertEquals(List.of("1 SEND WR_FLUSH_ERR", "2 RDMA_WRITE WR_FLUSH_ERR", "10 RECV WR_FLUSH_ERR",
                "11 RECV WR_FLUSH_ERR"), polled);
        assertEquals(List.of(), HcaHost.poll(cq), "each once");
    }

    /**
     * HCA.md §2.1: a failed device ignores every doorbell but its EQs'. Before the driver's poll
     * finds the failure it still posts and rings; the device's send queue does not move.
     */
    @Test
    void shouldIgnoreASendDoorbellOnceFailed() {
        h.drv.catasResetDisable(true);
        Qp qp = h.qp(QpType.RC, h.cq(8), QpCap.of(4, 4, 1));
        HcaHost.toRts(qp);
        Sge a = new Sge(0x1_0000_1000L, 8, h.pd.localDmaLkey());
        HoldingStage stage = (HoldingStage) h.hca.transport();
        assertTrue(qp.postSend(SendWr.send(1, a)).ok());
        assertEquals(1, stage.held(qp.qpNum()).size(), "fetched on its doorbell");
        h.hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
        assertEquals(0, stage.held(qp.qpNum()).size(), "the failed device forgot it");
        assertTrue(qp.postSend(SendWr.send(2, a)).ok(), "the driver does not know yet");
        h.settle();
        assertEquals(0, stage.held(qp.qpNum()).size(), "the SEND doorbell ignored");
        assertTrue(!h.drv.internalError(), "the poll has not come yet");
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

    /**
     * mlx4_cmd_post writes the HCR under device_state_mutex, which mlx4_enter_error_state holds
     * while it resets the chip: a command waiting for the HCR when the device fails is not
     * written to the device once it is reset, where it would leave the go bit set under the
     * restart's probe. Two commands race for the HCR while a hung device is failed and reset;
     * with either toggle parity (one CQ more or less before) the restart finds the device idle.
     */
    @Test
    void shouldNotPostAWaitingCommandToTheDeviceAfterItsReset() {
        for (int extraCqs = 0; extraCqs < 2; extraCqs++) {
            HcaHost host = new HcaHost();
            Cq cq = host.cq(8);
            Qp q1 = host.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
            Qp q2 = host.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
            List<Cq> extra = new ArrayList<>();
            for (int i = 0; i < extraCqs; i++) {
                extra.add(host.cq(8));
            }
            host.hca.commandLatencyNs(2_000_000_000L);
            host.hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
            host.hca.hangCommands();
            host.kernel.systemWq().queueWork(new Work("modify q1", () -> q1.modify(HcaHost.init(), HcaHost.RC_INIT)));
            long t0 = host.scheduler.now();
            q2.modify(HcaHost.init(), HcaHost.RC_INIT);
            assertEquals(0, q1.destroy());
            assertEquals(0, q2.destroy());
            assertEquals(0, cq.destroy());
            for (Cq c : extra) {
                assertEquals(0, c.destroy());
            }
            assertEquals(0, host.pd.dealloc());
            while (host.scheduler.nextEventTime() >= 0 && host.scheduler.nextEventTime() < t0 + 30_000_000_000L) {
                host.scheduler.runNext();
                host.settle();
            }
            String what = extraCqs + " extra CQ(s); dmesg " + host.kernel.dmesg();
            assertEquals(1, host.drv.restarts(), what);
            assertEquals(0, host.drv.restartError(), what);
            assertTrue(host.drv.device() != null, what);
        }
    }
}
