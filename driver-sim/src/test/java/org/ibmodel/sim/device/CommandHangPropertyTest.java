// Property: whenever the HCA's firmware stops answering commands, the driver's next command times
// out, every work request completes exactly once, and the reset device comes back (docs/HCA.md
// §3.1; mlx4_cmd_wait, mlx4_cmd_reset_flow, mlx4_handle_error_state)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.UnaryOperator;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.hca.HcaDriver;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.device.CatastrophicErrorPropertyTest.FreeingConsumer;
import org.ibmodel.sim.device.CatastrophicErrorPropertyTest.Posted;
import org.ibmodel.sim.device.CatastrophicErrorPropertyTest.Step;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;

/**
 * The scenarios of {@link CatastrophicErrorPropertyTest} (a world seed, host a's SENDs, WRITEs and
 * receives, b's receives, runs of the world and polls), but what strikes after some step is a
 * firmware hang on a's HCA: its transport goes on, its commands neither run nor complete. Once the
 * steps are done a moves its QP to ERR, the first command since the hang. Whatever was in flight:
 * <ul>
 * <li>{@code timedOut}: the modify returns -EIO no sooner than 60 s later, the QP as it was;</li>
 * <li>{@code told}: ib_core's handlers hear IB_EVENT_DEVICE_FATAL once, before {@code removed},
 *     the consumer asked to let go of the old device, which frees everything without error;</li>
 * <li>{@code exactlyOnce}: each work request a posted completes once, each queue in order, and
 *     what is polled once the driver is in its error state is WR_FLUSH_ERR;</li>
 * <li>{@code back}: the reset cleared the hang and the driver registered a new device, once.</li>
 * </ul>
 * RNR retries are finite here: a SEND with no receive at b ends instead of retrying through the
 * minute the command waits. A driver that takes a timed-out command for a successful one is
 * found ({@link #shouldCatchAModifyThatTakesATimeoutForSuccess}).
 * Replay a failure with the seed it prints:
 * {@code mvn -B -pl driver-sim -am verify -Dtest=CommandHangPropertyTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class CommandHangPropertyTest {
    private static final long DEFAULT_SEED = 0x4a96;
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 100);
    /** MLX4_CMD_TIME_CLASS_A, _B and _C. */
    private static final long TIMEOUT_NS = 60_000_000_000L;

    @Test
    void shouldTimeOutCompleteEveryWorkRequestOnceAndComeBack() {
        int[] caught = {0};
        check(UnaryOperator.identity(), flushed -> caught[0] += flushed > 0 ? 1 : 0);
        // The scenarios must reach what the property is about, or it holds for nothing: the
        // command timed out with a SEND or WRITE of a's still outstanding, flushed in the error state.
        SeedReporter.of("CommandHangPropertyTest", DEFAULT_SEED).assertReached(caught[0], EXAMPLES * 2 / 5,
                "of " + EXAMPLES + " runs flushed an outstanding send");
    }

    /**
     * A modify_qp that reads the firmware's status and not whether the command came back (as
     * callers of mthca's commands, with their separate status byte, could): a command that timed
     * out passes for one that succeeded.
     */
    @Test
    void shouldCatchAModifyThatTakesATimeoutForSuccess() {
        UnaryOperator<DeviceOps> statusOnly = real -> new ForwardingDeviceOps(real) {
            @Override
            public int modifyQp(Qp qp, QpAttr attr, int mask, QpState cur, QpState next) {
                int ret = real.modifyQp(qp, attr, mask, cur, next);
                return ret == Errno.EIO.negative() ? 0 : ret;
            }
        };
        AssertionError e = assertThrows(AssertionError.class, () -> check(statusOnly, flushed -> { }));
        assertTrue(e.getMessage().contains("-Dibmodel.seed="), e.getMessage());
        assertInstanceOf(AssertionError.class, e.getCause(), e.getMessage());
        assertTrue(e.getMessage().contains("timedOut"), e.getMessage());
    }

    /**
     * The property over the scenarios, ib_core seeing a's and b's drivers through {@code decorate};
     * {@code flushed} hears how many of a's SENDs and WRITEs each run flushed in the error state.
     */
    private static void check(UnaryOperator<DeviceOps> decorate, IntConsumer flushed) {
        CatastrophicErrorPropertyTest.scenarios("CommandHangPropertyTest", DEFAULT_SEED, EXAMPLES, 20)
                .checkAssert((worldSeed, steps, hangAfter) -> flushed.accept(run(worldSeed, steps, hangAfter,
                        decorate)));
    }

    /** One scenario; how many of a's SENDs and WRITEs were flushed in the error state. */
    static int run(long worldSeed, List<Step> steps, int hangAfter, UnaryOperator<DeviceOps> decorate) {
        String at = "steps " + steps + ", hanging after " + Math.min(hangAfter, steps.size());
        TransportPair.Conn conn = TransportPair.Conn.standard(Mtu.MTU_1024).retries(7, 6);
        try (TransportPair p = new TransportPair(World.of(worldSeed, 2, decorate), 0, 1, QpType.RC, conn)) {
            HcaDriver drv = p.a.host.driver(0);
            Hca hca = p.a.host.hca(0);
            IbDevice old = p.a.dev;
            FreeingConsumer consumer = new FreeingConsumer(p, at);
            assertEquals(0, p.a.host.core().registerClient(consumer));
            Posted o = CatastrophicErrorPropertyTest.play(p, steps, hangAfter, hca::hangCommands);
            QpState before = p.a.qp.state();
            long t0 = p.world.scheduler().now();
            int ret = p.a.qp.modify(new QpAttr().state(QpState.ERR), QpAttrMask.STATE.bit());
            long waited = p.world.scheduler().now() - t0;
            assertEquals(Errno.EIO.negative(), ret, at + ": timedOut");
            assertTrue(waited >= TIMEOUT_NS, at + ": timedOut after " + waited + " ns");
            assertEquals(before, p.a.qp.state(), at + ": timedOut, the QP as it was");
            assertTrue(drv.internalError(), at + ": error state");
            // In the error state, before the reset's wait is over, polls flush in software.
            List<Wc> after = p.a.poll();
            // The error state's work, queued as the command gave up, runs first.
            p.settle();
            p.world.runUntil(p.world.scheduler().now() + HcaDriver.RESET_WAIT_NS + 1_000_000);
            p.settle();
            assertTrue(consumer.removed, at + ": removed");
            after.addAll(consumer.drained);
            for (Wc wc : after) {
                assertEquals(WcStatus.WR_FLUSH_ERR, wc.status, at + ": flushed in the error state " + wc);
            }
            List<Wc> beforeError = new ArrayList<>(o.before);
            CatastrophicErrorPropertyTest.assertEachOnce(at, o.sends, o.recvs, beforeError, after);
            assertTrue(!hca.commandsHung(), at + ": back, the hang cleared");
            assertEquals(1, drv.restarts(), at + ": back, once");
            assertTrue(drv.device() != null && drv.device() != old, at + ": back, " + drv.restartError());
            return CatastrophicErrorPropertyTest.flushedSends(after);
        }
    }
}
