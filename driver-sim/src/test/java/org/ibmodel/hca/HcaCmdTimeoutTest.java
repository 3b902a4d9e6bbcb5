// drivers/net/ethernet/mellanox/mlx4/cmd.c (mlx4_cmd_poll, mlx4_cmd_wait, mlx4_cmd_post,
// mlx4_cmd_reset_flow), include/linux/mlx4/cmd.h (MLX4_CMD_TIME_CLASS_*),
// drivers/net/ethernet/mellanox/mlx4/catas.c (mlx4_handle_error_state); docs/HCA.md §3.1
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.core.Cq;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.Qp;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Work;
import org.ibmodel.sim.device.Firmware;
import org.junit.jupiter.api.Test;

/**
 * A device whose firmware stops answering commands: the driver gives up on a command after 60 s
 * of virtual time, logs it, and takes mlx4's reset flow (its error state, the device reset, then
 * a restart if the device was up). A command that finishes inside the timeout is not affected.
 */
class HcaCmdTimeoutTest {
    /** MLX4_CMD_TIME_CLASS_A, _B and _C: 60,000 ms. */
    private static final long TIMEOUT_NS = 60_000_000_000L;
    private final HcaHost h = new HcaHost();

    private void runUntil(long ns) {
        while (h.scheduler.nextEventTime() >= 0 && h.scheduler.nextEventTime() <= ns) {
            h.scheduler.runNext();
            h.settle();
        }
    }

    private boolean logged(String line) {
        return h.kernel.dmesg().stream().anyMatch(l -> l.contains(line));
    }

    private void assertWaitedOneTimeout(long t0) {
        long waited = h.scheduler.now() - t0;
        assertTrue(waited >= TIMEOUT_NS && waited < TIMEOUT_NS + HcaDriver.CATAS_POLL_NS,
                "gave up after " + waited + " ns");
    }

    @Test
    void shouldGiveUpOnACommandAfterItsTimeoutAndRestartTheResetDevice() {
        HcaHost.Events ev = h.new Events();
        h.dev.registerEventHandler(ev);
        Cq cq = h.cq(8);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        h.hca.hangCommands();
        long t0 = h.scheduler.now();
        assertEquals(Errno.EIO.negative(), qp.modify(HcaHost.init(), HcaHost.RC_INIT), "RST2INIT_QP never answered");
        assertWaitedOneTimeout(t0);
        assertEquals(QpState.RESET, qp.state());
        assertTrue(logged("command 0x19 timed out (go bit not cleared)"), h.kernel.dmesg().toString());
        assertTrue(h.drv.internalError());
        long t1 = h.scheduler.now();
        assertEquals(Errno.EIO, Cq.create(h.dev, null, null, new CqInitAttr(8, 0)).errno(),
                "a command in the error state fails without reaching the device");
        assertEquals(t1, h.scheduler.now(), "at once");
        // The error state answers the tear-downs without the device, so everything can be freed.
        assertEquals(0, qp.destroy());
        assertEquals(0, cq.destroy());
        assertEquals(0, h.pd.dealloc());

        h.settle();
        assertEquals(1, h.hca.resets(), "mlx4_enter_error_state resets the device");
        assertFalse(h.hca.commandsHung(), "the reset clears the hang");
        runUntil(h.scheduler.now() + HcaDriver.RESET_WAIT_NS);
        assertEquals(List.of(IbEventType.DEVICE_FATAL), ev.types());
        assertEquals(1, h.drv.restarts());
        assertEquals(0, h.drv.restartError());
        assertNotNull(h.drv.device());
        assertNotSame(h.dev, h.drv.device(), "a new ib_device");
        assertFalse(h.drv.internalError());
        assertEquals(Firmware.SysState.INITIALISED, h.fw.state());
    }

    @Test
    void shouldCountATearDownThatTimesOutAsDone() {
        Cq cq = h.cq(8);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        h.hca.hangCommands();
        long t0 = h.scheduler.now();
        // mlx4_internal_err_ret_value: 2RST_QP is a tear-down, so its caller can go on freeing.
        assertEquals(0, qp.destroy());
        assertWaitedOneTimeout(t0);
        assertTrue(logged("command 0x21 timed out"), h.kernel.dmesg().toString());
        assertTrue(h.drv.internalError());
        long t1 = h.scheduler.now();
        assertEquals(0, cq.destroy(), "answered from the error state");
        assertEquals(t1, h.scheduler.now(), "without waiting for the device");
    }

    @Test
    void shouldNeverFinishTheCommandInProgressWhenTheFirmwareHangs() {
        Cq cq = h.cq(8);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        h.hca.commandLatencyNs(10_000);
        long commands = h.fw.commands();
        h.scheduler.schedule(5_000, "firmware hangs", h.hca::hangCommands);
        long t0 = h.scheduler.now();
        assertEquals(Errno.EIO.negative(), qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        assertWaitedOneTimeout(t0);
        assertEquals(commands, h.fw.commands(), "RST2INIT_QP, posted before the hang, never ran");
        assertEquals(QpState.RESET, qp.state());
    }

    @Test
    void shouldGiveUpPostingWhenAnotherCommandHoldsTheHcrTooLong() {
        // mlx4_cmd_post in event mode: go still set after GO_BIT_TIMEOUT_MSECS is -EIO and the
        // reset flow. A command that takes 15 s holds the HCR; a work item that runs while its
        // caller sleeps posts a second one.
        Cq cq = h.cq(8);
        Qp first = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        Qp second = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        h.hca.commandLatencyNs(15_000_000_000L);
        int[] secondRet = {1};
        long[] secondAt = {0};
        h.kernel.systemWq().queueWork(new Work("second command", () -> {
            secondRet[0] = second.modify(HcaHost.init(), HcaHost.RC_INIT);
            secondAt[0] = h.scheduler.now();
        }));
        long t0 = h.scheduler.now();
        int firstRet = first.modify(HcaHost.init(), HcaHost.RC_INIT);
        assertEquals(Errno.EIO.negative(), secondRet[0], "not posted: the HCR stayed busy");
        assertEquals(t0 + 10_000_000_000L, secondAt[0], "after GO_BIT_TIMEOUT_MSECS");
        // mlx4_cmd_post's two lines: mlx4_err, then mlx4_warn with the command's parameters.
        assertTrue(logged("mlx4_cmd_post:cmd_pending failed"), h.kernel.dmesg().toString());
        assertTrue(logged("Could not post command 0x19: ret=-5, in_param=0x"), h.kernel.dmesg().toString());
        assertTrue(h.drv.internalError(), "the reset flow");
        assertEquals(Errno.EIO.negative(), firstRet, "the error state woke the first one too");
        assertEquals(QpState.RESET, second.state());
    }

    @Test
    void shouldNotTimeOutACommandTheDeviceFinishesInTime() {
        Cq cq = h.cq(8);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        h.hca.commandLatencyNs(TIMEOUT_NS - 1_000_000);
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        assertEquals(QpState.INIT, qp.state());
        assertFalse(h.drv.internalError());
        assertFalse(logged("timed out"), h.kernel.dmesg().toString());
    }

    @Test
    void shouldFailAProbeWhoseCommandsTimeOutAndNotRestartIt() {
        assertEquals(0, h.pd.dealloc());
        h.drv.remove();
        h.hca.hangCommands();
        long t0 = h.scheduler.now();
        // Probe polls (no EQs yet): QUERY_FW's go bit never clears.
        assertEquals(Errno.EIO.negative(), h.drv.probe());
        assertWaitedOneTimeout(t0);
        assertTrue(logged("command 0x4 timed out (go bit not cleared)"), h.kernel.dmesg().toString());
        h.settle();
        runUntil(h.scheduler.now() + 2 * HcaDriver.RESET_WAIT_NS);
        assertEquals(1, h.hca.resets(), "the error state reset the device");
        assertFalse(h.hca.commandsHung());
        assertEquals(0, h.drv.restarts(), "mlx4_handle_error_state restarts only a device that was up");
        assertNull(h.drv.device());
        assertEquals(Firmware.SysState.RESET, h.fw.state());

        assertEquals(0, h.drv.probe(), "a later load finds the reset device well");
        assertNotNull(h.drv.device());
        assertFalse(h.drv.internalError());
    }

    @Test
    void shouldResetButNotProbeADeviceWhoseRemovalTimesOut() {
        assertEquals(0, h.pd.dealloc());
        h.hca.hangCommands();
        long t0 = h.scheduler.now();
        // CLOSE_PORT of port 1 times out; everything after it is answered from the error state.
        h.drv.remove();
        assertWaitedOneTimeout(t0);
        assertTrue(logged("command 0xa timed out"), h.kernel.dmesg().toString());
        h.settle();
        runUntil(h.scheduler.now() + 2 * HcaDriver.RESET_WAIT_NS);
        assertEquals(1, h.hca.resets(), "mlx4_enter_error_state resets the device even while it is removed");
        assertEquals(0, h.drv.restarts(), "but nothing probes a device being removed");
        assertNull(h.drv.device());
        assertTrue(h.host.core().devices().isEmpty());
        assertEquals(Firmware.SysState.RESET, h.fw.state());
    }
}
