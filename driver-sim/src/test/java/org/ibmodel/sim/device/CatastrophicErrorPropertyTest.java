// Property: whenever the HCA fails, every work request posted to it completes exactly once, in
// order, and everything can be freed; with the reset, the device comes back (docs/HCA.md §2.1,
// §2.2; mlx4's error state and restart)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.ibmodel.core.Cq;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.IbClient;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.ResType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.hca.HcaDriver;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;
import org.quicktheories.dsl.TheoryBuilder3;

/**
 * Generated scenarios on an RC pair: a world seed, a list of steps (host a posts a SEND, an RDMA
 * WRITE or a receive; host b posts a receive; the world runs 1 µs to 5 ms; a polls its CQ) and
 * the step after which a's HCA has a catastrophic error; the steps after it run before the
 * driver's next poll finds it (posts still succeed, polls find what the device wrote before), and
 * then the world runs until it does, with the driver's reset disabled (the other property has it
 * on). Whatever was in flight, sent, acknowledged or completed with its CQE not yet polled:
 * <ul>
 * <li>{@code exactlyOnce}: each work request a posted completes once, send and receive queue
 *     each in posting order;</li>
 * <li>{@code flushedAfter}: every completion polled after the error is WR_FLUSH_ERR;</li>
 * <li>{@code freed}: QP, MR, CQ and PD are destroyed without error and nothing is left.</li>
 * </ul>
 * A driver whose software flush forgets the receive queues is found
 * ({@link #shouldCatchAFlushThatForgetsTheReceiveQueues}).
 * Replay a failure with the seed it prints:
 * {@code mvn -B -pl driver-sim -am verify -Dtest=CatastrophicErrorPropertyTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class CatastrophicErrorPropertyTest {
    private static final long DEFAULT_SEED = 0xca7a5;
    private static final SeedReporter REPORTER = SeedReporter.of("CatastrophicErrorPropertyTest", DEFAULT_SEED);
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 200);
    private static final int LEN = 2048;
    static final long[] RUN_NS = {1_000, 20_000, 300_000, 5_000_000};
    /** Receive WR ids are offset so a completion tells its queue. */
    static final long RECV = 1_000_000;

    /** One step: kind 0 a SENDs, 1 a WRITEs, 2 a posts a receive, 3 b posts a receive, 4 run, 5 a polls. */
    record Step(int kind, int arg) {
        @Override
        public String toString() {
            return switch (kind) {
                case 0 -> "send";
                case 1 -> "write";
                case 2 -> "recv(a)";
                case 3 -> "recv(b)";
                case 4 -> "run(" + RUN_NS[arg % RUN_NS.length] + "ns)";
                default -> "poll(a)";
            };
        }
    }

    /** Generated scenarios: a world seed, the steps, and after how many of them a's HCA fails. */
    private static TheoryBuilder3<Long, List<Step>, Integer> scenarios() {
        return scenarios("CatastrophicErrorPropertyTest", DEFAULT_SEED, EXAMPLES, 20);
    }

    /**
     * Scenarios for {@code test} (its seed, unless -Dibmodel.seed names one): a world seed, up to
     * 20 steps, and a choice from 0 to {@code maxChoice} (the step a fault strikes after, and
     * whatever else the test reads from it).
     */
    static TheoryBuilder3<Long, List<Step>, Integer> scenarios(String test, long defaultSeed, int examples,
            int maxChoice) {
        long seed = Long.getLong("ibmodel.seed", defaultSeed);
        return qt().withFixedSeed(seed)
                .withExamples(examples)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter(test, seed))
                .forAll(longs().between(0, 1L << 40),
                        lists().of(integers().between(0, 6 * 8 - 1).map(v -> new Step(v % 6, v / 6)))
                                .ofSizeBetween(1, 20),
                        integers().between(0, maxChoice));
    }

    /**
     * A kernel consumer registered with ib_core, as a ULP is: asked to let go of {@code old}, it
     * checks ib_core's handlers heard IB_EVENT_DEVICE_FATAL (and nothing else) first, drains a's
     * CQ and frees a's objects, each without error.
     */
    static final class FreeingConsumer implements IbClient {
        final List<Wc> drained = new ArrayList<>();
        final List<IbEventType> heard = new ArrayList<>();
        boolean removed;
        private final TransportPair p;
        private final IbDevice old;
        private final String at;

        FreeingConsumer(TransportPair p, String at) {
            this.p = p;
            this.old = p.a.dev;
            this.at = at;
            old.registerEventHandler(e -> heard.add(e.event()));
        }

        @Override
        public String name() {
            return "consumer";
        }

        @Override
        public int add(IbDevice device) {
            return 0;
        }

        @Override
        public void remove(IbDevice device, Object clientData) {
            if (device != old) {
                return;
            }
            removed = true;
            assertEquals(List.of(IbEventType.DEVICE_FATAL), heard, at + ": told, before removal");
            drained.addAll(p.a.poll());
            assertEquals(0, p.a.qp.destroy(), at + ": freed, QP");
            assertEquals(0, p.a.mr.dereg(), at + ": freed, MR");
            assertEquals(0, p.a.cq.destroy(), at + ": freed, CQ");
            assertEquals(0, p.a.pd.dealloc(), at + ": freed, PD");
        }
    }

    @Test
    void shouldCompleteEveryWorkRequestOnceWheneverTheHcaFails() {
        int[] reached = new int[2];
        check(UnaryOperator.identity(), seen -> count(reached, seen));
        assertReached(reached);
    }

    /**
     * The same with the driver's default reset: the device is reset and probed again, and the
     * test, as a kernel consumer registered with ib_core, drains a's CQ and frees a's objects in
     * its remove callback, as a ULP does. Besides {@code exactlyOnce} and {@code flushedAfter}
     * (over what was polled before and what remove drained): {@code told}, ib_core's event
     * handlers heard IB_EVENT_DEVICE_FATAL once, before {@code removed}, the consumer was asked to
     * let go of the old device, and {@code back}, the driver registered a new one, once.
     */
    @Test
    void shouldCompleteEveryWorkRequestOnceAndComeBackWheneverTheHcaIsReset() {
        int[] reached = new int[2];
        scenarios().checkAssert((worldSeed, steps, failAfter) -> count(reached,
                runWithReset(worldSeed, steps, failAfter)));
        assertReached(reached);
    }

    /**
     * A software flush that forgets the receive queues (mlx4_ib_poll_sw_comp without its pass
     * over recv_qp_list): once the device has failed, the receives a posted never complete.
     */
    @Test
    void shouldCatchAFlushThatForgetsTheReceiveQueues() {
        UnaryOperator<DeviceOps> sendQueuesOnly = real -> new ForwardingDeviceOps(real) {
            @Override
            public int pollCq(Cq cq, int numEntries, Wc[] wc) {
                int n = real.pollCq(cq, numEntries, wc);
                if (!((HcaDriver) real).internalError()) {
                    return n;
                }
                int kept = 0;
                for (int i = 0; i < n; i++) {
                    if (wc[i].opcode != WcOpcode.RECV) {
                        // Swapped, not copied: the caller's Wc objects stay distinct.
                        Wc w = wc[kept];
                        wc[kept++] = wc[i];
                        wc[i] = w;
                    }
                }
                return kept;
            }
        };
        AssertionError e = assertThrows(AssertionError.class, () -> check(sendQueuesOnly, seen -> { }));
        assertTrue(e.getMessage().contains("-Dibmodel.seed="), e.getMessage());
        assertInstanceOf(AssertionError.class, e.getCause(), e.getMessage());
        assertTrue(e.getMessage().contains("exactlyOnce, receives"), e.getMessage());
    }

    /**
     * The property over the scenarios, ib_core seeing a's and b's drivers through {@code decorate};
     * {@code seen} hears what each run reached (see {@link #run}).
     */
    private static void check(UnaryOperator<DeviceOps> decorate, Consumer<int[]> seen) {
        scenarios().checkAssert((worldSeed, steps, failAfter) -> seen.accept(run(worldSeed, steps, failAfter,
                decorate)));
    }

    /** Counts in {@code reached} the runs whose {@code seen} (see {@link #run}) is not zero. */
    private static void count(int[] reached, int[] seen) {
        for (int i = 0; i < reached.length; i++) {
            reached[i] += seen[i] > 0 ? 1 : 0;
        }
    }

    /**
     * The scenarios must reach what the property is about, or it holds for nothing: the driver
     * found the error with a SEND or WRITE of a's outstanding, and with a completion the device
     * had written before it failed that a had not polled.
     */
    private static void assertReached(int[] reached) {
        REPORTER.assertReached(reached[0], EXAMPLES / 2, "of " + EXAMPLES + " runs flushed an outstanding send");
        REPORTER.assertReached(reached[1], EXAMPLES / 12,
                "of " + EXAMPLES + " runs failed with a completion not yet polled");
    }

    /** What host a posted and what it polled before the end of the steps. */
    static final class Posted {
        final List<Long> sends = new ArrayList<>();
        final List<Long> recvs = new ArrayList<>();
        final List<Wc> before = new ArrayList<>();
    }

    /** The steps, a's HCA failing after {@code failAfter} of them. */
    private static Posted play(TransportPair p, List<Step> steps, int failAfter) {
        // The steps after it run in the 5 s before the driver's poll finds the error.
        return play(p, steps, failAfter, () -> p.a.host.hca(0).catastrophicError(Layout.Catas.CAUSE_INTERNAL));
    }

    /** The steps, {@code fault} striking after {@code failAfter} of them. */
    static Posted play(TransportPair p, List<Step> steps, int failAfter, Runnable fault) {
        Posted o = new Posted();
        int bRecvs = 0;
        for (int i = 0; i < steps.size() || i == Math.min(failAfter, steps.size()); i++) {
            if (i == Math.min(failAfter, steps.size())) {
                fault.run();
            }
            if (i == steps.size()) {
                break;
            }
            Step s = steps.get(i);
            switch (s.kind()) {
                case 0, 1 -> {
                    long id = o.sends.size();
                    SendWr wr = new SendWr().wrId(id).sgList(p.a.sge(0, LEN));
                    wr = s.kind() == 0 ? wr.opcode(WrOpcode.SEND)
                            : wr.opcode(WrOpcode.RDMA_WRITE).remoteAddr(p.b.buf).rkey(p.b.mr.rkey());
                    if (p.a.qp.postSend(wr).ok()) {
                        o.sends.add(id);
                    }
                }
                case 2 -> {
                    long id = RECV + o.recvs.size();
                    p.a.postRecv(id, TransportPair.TARGET, LEN);
                    o.recvs.add(id);
                }
                case 3 -> {
                    if (bRecvs < 64) {
                        p.b.postRecv(bRecvs++, TransportPair.TARGET, LEN);
                    }
                }
                case 4 -> p.world.runUntil(p.world.scheduler().now() + RUN_NS[s.arg() % RUN_NS.length]);
                default -> o.before.addAll(p.a.poll());
            }
        }
        return o;
    }

    /** The SENDs and WRITEs among {@code after}: work requests of a's send queue flushed. */
    static int flushedSends(List<Wc> after) {
        return (int) after.stream().filter(wc -> wc.wrId < RECV && wc.status == WcStatus.WR_FLUSH_ERR).count();
    }

    /** CQEs the device wrote to {@code s}'s CQ that its driver has not polled. */
    static int unpolledCqes(TransportPair.Side s) {
        Firmware fw = s.host.hca(0).firmware();
        byte[] cq = fw.cqContext((int) fw.qp(s.qp.qpNum()).get(Layout.QpCtx.RECV_CQN));
        int ci = Field.word(s.memory().read(Layout.CqCtx.DB_RECORD.get(cq, 0), 4), 0);
        return (Layout.CqCtx.PRODUCER_INDEX.getInt(cq, 0) - ci) & 0xffffff;
    }

    /** exactlyOnce and flushedAfter over what was polled before and {@code after} the error was found. */
    private static void assertEachOnce(String at, Posted o, List<Wc> after) {
        for (Wc wc : after) {
            assertEquals(WcStatus.WR_FLUSH_ERR, wc.status, at + ": flushedAfter " + wc);
        }
        assertEachOnce(at, o.sends, o.recvs, o.before, after);
    }

    /** exactlyOnce: each work request posted completes once, each queue in posting order. */
    static void assertEachOnce(String at, List<Long> sends, List<Long> recvs, List<Wc> before, List<Wc> after) {
        List<Long> gotSends = new ArrayList<>();
        List<Long> gotRecvs = new ArrayList<>();
        for (List<Wc> part : List.of(before, after)) {
            for (Wc wc : part) {
                (wc.wrId >= RECV ? gotRecvs : gotSends).add(wc.wrId);
            }
        }
        assertEquals(sends, gotSends, at + ": exactlyOnce, sends");
        assertEquals(recvs, gotRecvs, at + ": exactlyOnce, receives");
    }

    /** One scenario with the reset; what it reached, as {@link #run} says. */
    static int[] runWithReset(long worldSeed, List<Step> steps, int failAfter) {
        String at = "reset; steps " + steps + ", failing after " + Math.min(failAfter, steps.size());
        try (TransportPair p = new TransportPair(worldSeed, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            HcaDriver drv = p.a.host.driver(0);
            IbDevice old = p.a.dev;
            FreeingConsumer consumer = new FreeingConsumer(p, at);
            assertEquals(0, p.a.host.core().registerClient(consumer));
            Posted o = play(p, steps, failAfter);
            int unpolled = unpolledCqes(p.a);
            p.world.runUntil(p.world.scheduler().now() + HcaDriver.CATAS_POLL_NS + HcaDriver.RESET_WAIT_NS + 1_000_000);
            p.settle();
            assertTrue(consumer.removed, at + ": removed");
            assertEachOnce(at, o, consumer.drained);
            assertEquals(1, drv.restarts(), at + ": back, once");
            assertTrue(drv.device() != null && drv.device() != old, at + ": back, " + drv.restartError());
            return new int[] {flushedSends(consumer.drained), unpolled};
        }
    }

    /**
     * One scenario, ib_core seeing the drivers through {@code decorate}; how many of a's SENDs
     * and WRITEs were polled flushed after the error was found, and how many completions the
     * device had written that a had not polled when it was found (the device stopped at the
     * error, and nothing polls between the last step and the driver finding it).
     */
    static int[] run(long worldSeed, List<Step> steps, int failAfter, UnaryOperator<DeviceOps> decorate) {
        String at = "steps " + steps + ", failing after " + Math.min(failAfter, steps.size());
        TransportPair.Conn conn = TransportPair.Conn.standard(Mtu.MTU_1024);
        try (TransportPair p = new TransportPair(World.of(worldSeed, 2, decorate), 0, 1, QpType.RC, conn)) {
            p.a.host.driver(0).catasResetDisable(true);
            Posted o = play(p, steps, failAfter);
            int unpolled = unpolledCqes(p.a);
            p.world.runUntil(p.world.scheduler().now() + HcaDriver.CATAS_POLL_NS);
            p.settle();
            List<Wc> after = p.a.poll();
            assertEachOnce(at, o, after);
            assertEquals(0, p.a.qp.destroy(), at + ": freed, QP");
            assertEquals(0, p.a.mr.dereg(), at + ": freed, MR");
            assertEquals(0, p.a.cq.destroy(), at + ": freed, CQ");
            assertEquals(0, p.a.pd.dealloc(), at + ": freed, PD");
            for (ResType t : ResType.values()) {
                assertTrue(p.a.dev.liveCount(t) == 0, at + ": freed, " + t);
            }
            return new int[] {flushedSends(after), unpolled};
        }
    }
}
