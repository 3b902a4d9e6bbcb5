// A kernel MAD agent driven at random (drivers/infiniband/core/mad.c): sends with response
// timeouts and retries, cancelled or given new timeouts while virtual time runs
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.MadResult;
import org.ibmodel.core.QpType;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.mad.MadAgent;
import org.ibmodel.core.mad.MadLayer;
import org.ibmodel.core.mad.MadSendBuf;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.device.Pma;
import org.ibmodel.sim.device.SeedReporter;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Random steps of an agent on h0's QP1 asking h1 (which runs the MAD layer): PerfMgt Gets h1's
 * PMA answers and PerfMgt Sends nobody answers, each with a timeout of 0, 5 or 20 ms and 0 to 2
 * retries; cancels of sends already posted, and new timeouts of those that await a response;
 * virtual time run on between. Every
 * send is done exactly once, with SUCCESS, RESP_TIMEOUT_ERR or WR_FLUSH_ERR as what happened to
 * it allows; a response reaches the agent at most once, only for a send awaiting one, and
 * before that send is done; nothing is left held.
 */
class MadAgentPropertyTest {
    private static final long DEFAULT_SEED = 0xa6e47L;
    private static final SeedReporter REPORTER = SeedReporter.of("MadAgentPropertyTest", DEFAULT_SEED);
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 200) / 2;
    private static final long MS = 1_000_000L;
    private static final int[] TIMEOUTS = {0, 5, 20};

    /**
     * One step: post an answered Get (0) or an unanswered Send (1) with {@code timeout} and
     * {@code retries}; cancel (2) or give a new timeout to (3) the {@code which}-th send posted;
     * run virtual time on by {@code which} ms (4; 0: until the fabric is quiet).
     */
    record Step(int kind, int which, int timeout, int retries) {
    }

    private static Gen<Step> steps() {
        return integers().between(0, 4).zip(integers().between(0, 9), integers().between(0, 2),
                integers().between(0, 2), (k, w, t, r) -> new Step(k, w, TIMEOUTS[t], r));
    }

    /** What happened to one send. */
    private static final class Sent {
        final MadSendBuf sb;
        final boolean answered;
        final int timeoutMs;
        boolean cancelled;
        int responses;
        int dones;
        WcStatus status;

        Sent(MadSendBuf sb, boolean answered, int timeoutMs) {
            this.sb = sb;
            this.answered = answered;
            this.timeoutMs = timeoutMs;
        }
    }

    /** Runs the steps; returns how many sends ended with each of SUCCESS, RESP_TIMEOUT_ERR, WR_FLUSH_ERR. */
    static int[] check(long seed, List<Step> steps, UnaryOperator<DeviceOps> decorate) {
        try (World w = World.of(seed, 2, decorate)) {
            MadLayer mad0 = new MadLayer(MadLayer.QP_MIN_SIZE, MadLayer.QP_MIN_SIZE);
            assertEquals(0, w.host(0).core().registerClient(mad0));
            assertEquals(0, w.host(1).core().registerClient(new MadLayer(MadLayer.QP_MIN_SIZE, MadLayer.QP_MIN_SIZE)));
            IbDevice dev = w.host(0).driver(0).device();
            int held = MadLayerTest.held(w, 0);
            int live = dev.liveTotal();
            List<Sent> sent = new ArrayList<>();
            MadAgent agent = mad0.registerMadAgent(dev, 1, QpType.GSI, null, (sb, st) -> {
                Sent s = (Sent) sb.context;
                s.dones++;
                s.status = st;
                sb.ah.destroy();
                sb.agent().freeSendMad(sb);
            }, (sb, r) -> {
                Sent s = (Sent) sb.context;
                assertEquals(0, s.dones, "a response after its send was done: " + steps);
                s.responses++;
            }).get();
            long tid = 0;
            for (Step step : steps) {
                switch (step.kind()) {
                    case 0, 1 -> {
                        MadSendBuf sb = agent.createSendMad(1, 0, 24, 232).get();
                        Layout.Mad.BASE_VERSION.set(sb.mad, 0, 1);
                        Layout.Mad.MGMT_CLASS.set(sb.mad, 0, Pma.CLASS_PERF_MGMT);
                        Layout.Mad.CLASS_VERSION.set(sb.mad, 0, 1);
                        // A Get h1's PMA answers; a Send of the class nobody answers.
                        Layout.Mad.METHOD.set(sb.mad, 0, step.kind() == 0 ? 0x01 : 0x03);
                        Layout.Mad.TID.set(sb.mad, 0, (long) agent.hiTid() << 32 | ++tid);
                        Layout.Mad.ATTR_ID.set(sb.mad, 0, Pma.ATTR_PORT_COUNTERS);
                        Layout.PortCounters.PORT_SELECT.set(sb.mad, Layout.Mad.DATA, 1);
                        sb.timeoutMs = step.timeout();
                        sb.retries = step.retries();
                        sb.ah = Ah.create(agent.qp().pd(), AhAttr.lid(1, w.lid(1))).get();
                        Sent s = new Sent(sb, step.kind() == 0, step.timeout());
                        sb.context = s;
                        assertEquals(0, agent.postSendMad(sb), "posted: " + steps);
                        sent.add(s);
                    }
                    case 2, 3 -> {
                        if (sent.isEmpty()) {
                            break;
                        }
                        Sent s = sent.get(step.which() % sent.size());
                        // ib_modify_mad's callers (cm.c's MRA) give a new timeout only to a send that
                        // awaits a response: one posted without, given a timeout and then cancelled,
                        // is done twice in mad.c as here (see MadAgent.modifyMad).
                        boolean modifiable = step.kind() == 2 || s.timeoutMs > 0;
                        if (s.dones == 0 && modifiable) {
                            // ib_cancel_mad is ib_modify_mad with timeout 0.
                            int timeout = step.kind() == 2 ? 0 : step.timeout();
                            s.cancelled |= timeout == 0 && agent.modifyMad(s.sb, timeout) == 0;
                            if (timeout != 0) {
                                agent.modifyMad(s.sb, timeout);
                            }
                        }
                    }
                    default -> {
                        if (step.which() == 0) {
                            w.settle();
                        } else {
                            w.runUntil(w.scheduler().now() + step.which() * MS);
                        }
                    }
                }
            }
            // Long enough for the last timeout with every retry: 20 ms, three times.
            w.runUntil(w.scheduler().now() + 100 * MS);
            w.settle();
            int[] ends = new int[3];
            for (Sent s : sent) {
                String what = "send " + sent.indexOf(s) + " of " + steps;
                assertEquals(1, s.dones, "done exactly once: " + what);
                assertTrue(s.responses <= (s.answered && s.timeoutMs > 0 ? 1 : 0), "responses: " + what);
                switch (s.status) {
                    case SUCCESS -> {
                        // Answered, or no response awaited (none asked, or cancelled first).
                        assertTrue(s.responses == 1 || s.timeoutMs == 0 || !s.answered || s.cancelled,
                                "SUCCESS without its answer: " + what);
                        ends[0]++;
                    }
                    case RESP_TIMEOUT_ERR -> {
                        assertEquals(0, s.responses, what);
                        assertTrue(!s.answered, "an answered Get timed out: " + what);
                        ends[1]++;
                    }
                    case WR_FLUSH_ERR -> {
                        assertTrue(s.cancelled, "flushed, never cancelled: " + what);
                        ends[2]++;
                    }
                    default -> throw new AssertionError("status " + s.status + ": " + what);
                }
            }
            assertEquals(0, agent.outstanding(), "nothing left on the agent's lists: " + steps);
            agent.unregister();
            assertEquals(held, MadLayerTest.held(w, 0), "h0's memory as it was: " + steps);
            assertEquals(live, dev.liveTotal(), "h0's objects as they were: " + dev.liveSummary() + " " + steps);
            return ends;
        }
    }

    private static int[] run(long seed, UnaryOperator<DeviceOps> decorate) {
        int[] totals = new int[3];
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter("MadAgentPropertyTest", seed))
                .forAll(lists().of(steps()).ofSizeBetween(1, 16))
                .checkAssert(steps -> {
                    int[] ends = check(seed, steps, decorate);
                    for (int i = 0; i < 3; i++) {
                        totals[i] += ends[i];
                    }
                });
        return totals;
    }

    @Test
    void shouldEndEverySendOnceAsWhatHappenedToItAllows() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        int[] ends = run(seed, UnaryOperator.identity());
        REPORTER.assertReached(ends[0], EXAMPLES, "sends done with SUCCESS in " + EXAMPLES + " runs");
        REPORTER.assertReached(ends[1], EXAMPLES / 4, "sends timed out in " + EXAMPLES + " runs");
        REPORTER.assertReached(ends[2], EXAMPLES / 8, "sends cancelled in " + EXAMPLES + " runs");
    }

    /**
     * The property catches what it exists for: when h1's answers carry a TID whose high half is
     * not the agent's, no response is matched, and the Gets h1 answered time out.
     */
    @Test
    void shouldCatchResponsesThatMatchNoRequest() {
        UnaryOperator<DeviceOps> wrongTid = real -> new ForwardingDeviceOps(real) {
            @Override
            public int processMad(int flags, int portNum, Wc inWc, byte[] inMad, byte[] outMad) {
                int ret = real.processMad(flags, portNum, inWc, inMad, outMad);
                if ((ret & MadResult.REPLY) != 0) {
                    outMad[8] ^= 0x40;
                }
                return ret;
            }
        };
        AssertionError e = assertThrows(AssertionError.class, () -> run(DEFAULT_SEED, wrongTid));
        assertTrue(e.getMessage().contains("an answered Get timed out"), e.getMessage());
    }
}
