// Conformance of the HCA driver's command interface to specs/src/main/tla/HcaCommands.tla: seeded
// runs against a firmware that is slow or hangs, recorded and validated with TLC, and two of the
// spec's mutants made in the driver's Java, each rejected at the event it produces
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.PortAttr;
import org.ibmodel.core.Result;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.sim.conform.HcaCommandsRecorder;
import org.ibmodel.specs.trace.SpecEvent;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.sim.conform.SeededRuns;
import org.ibmodel.specs.trace.TraceAction;
import org.junit.jupiter.api.Test;

/**
 * One scenario per seed on one host's HCA, the driver in event mode: 4-30 steps, each a command
 * from the test's process (ib_query_port, which is MAD_IFC, or a CQ created and destroyed,
 * SW2HW_CQ and HW2SW_CQ), the firmware answering at once, after 1-100 µs or, now and then, after
 * 70 s (the command times out); the firmware hanging, once, between steps or under a command in
 * progress; a catastrophic error, once, likewise; or the world running 0-3 s, in which the
 * driver's health poll finds the error and the error state's reset and restart happen. The
 * driver is recorded by {@link HcaCommandsRecorder} and the traces validated against
 * HcaCommands. Replay one run: {@code -Dtest=HcaCommandsConformanceTest -Dibmodel.seed=SEED}.
 */
class HcaCommandsConformanceTest {
    /** Seeded runs per build: {@code -Dibmodel.cmdRuns=N} for more. */
    private static final int RUNS = Integer.getInteger("ibmodel.cmdRuns", 60);
    /** Longer than MLX4_CMD_TIME_CLASS_A: the command times out. */
    private static final long SLOW_NS = 70_000_000_000L;

    @Test
    void shouldValidateEverySeededRunAgainstHcaCommands() {
        SeededRuns runs = SeededRuns.validated("HcaCommandsConformanceTest", RUNS,
                seed -> record(seed, CmdPolicy.CORRECT));
        if (runs.replay()) {
            return;
        }
        // What the runs must have exercised for the check to mean something.
        runs.assertSeen("a command completed by its EQE", e -> e.action() == TraceAction.CmdDeliver
                && e.bool("completed"));
        runs.assertSeen("a hang", e -> e.action() == TraceAction.CmdHang);
        runs.assertSeen("a timeout", e -> e.action() == TraceAction.CmdTimeOut);
        runs.assertSeen("a command answered in the error state", e -> e.action() == TraceAction.CmdIssue
                && e.bool("answered"));
        runs.assertSeen("a restart", e -> e.action() == TraceAction.CmdResetAndRestart);
        runs.assertSeen("a command of the restarted device", e -> e.action() == TraceAction.CmdPost
                && e.num("gen") > 0);
        runs.assertSeen("a catastrophic error", e -> e.action() == TraceAction.CmdCatas);
        assertTrue(runs.traces().stream().anyMatch(t -> underCommand(t, TraceAction.CmdHang)),
                "no hang under a command in progress in " + RUNS + " runs");
        assertTrue(runs.traces().stream().anyMatch(t -> underCommand(t, TraceAction.CmdCatas)),
                "no catastrophic error waking a command in " + RUNS + " runs");
    }

    /** Whether {@code a} happens in {@code t} while a command posted waits for its EQE. */
    private static boolean underCommand(SpecTrace t, TraceAction a) {
        boolean waiting = false;
        for (SpecEvent e : t.events()) {
            if (e.action() == a && waiting) {
                return true;
            }
            switch (e.action()) {
                case CmdPost -> waiting = true;
                case CmdTimeOut, CmdCatas -> waiting = false;
                case CmdDeliver -> waiting &= !e.bool("completed");
                default -> {
                }
            }
        }
        return false;
    }

    /** AnsweredInErrorState: the driver posts commands in its error state too. */
    private static final CmdPolicy POSTS_IN_ERROR_STATE = new CmdPolicy() {
        @Override
        public boolean answeredInErrorState() {
            return false;
        }
    };

    /** ResetFlow, as mthca has it: a command that timed out leaves the driver out of its error state. */
    private static final CmdPolicy NO_RESET_FLOW = new CmdPolicy() {
        @Override
        public boolean resetFlow() {
            return false;
        }
    };

    @Test
    void shouldRejectACommandPostedInTheErrorState() {
        assertRejectedAtTheIssueAfterATimeout(POSTS_IN_ERROR_STATE);
    }

    @Test
    void shouldRejectATimeoutThatTakesNoResetFlow() {
        assertRejectedAtTheIssueAfterATimeout(NO_RESET_FLOW);
    }

    /**
     * With {@code bug}, the first seed whose run issues a command after a timeout: the driver
     * should be in its error state then and answer it at once, and the validator rejects that
     * command's CmdIssue, which says it went to the device.
     */
    private static void assertRejectedAtTheIssueAfterATimeout(CmdPolicy bug) {
        SeededRuns.assertRejectedAtTheBug(200, seed -> record(seed, bug), t -> {
            boolean timedOut = false;
            for (SpecEvent e : t.events()) {
                timedOut |= e.action() == TraceAction.CmdTimeOut;
                if (timedOut && e.action() == TraceAction.CmdIssue) {
                    return e.seq();
                }
            }
            return 0;
        }, TraceAction.CmdIssue);
    }

    // ---- the runs ---------------------------------------------------------------------------

    /** The run of {@code seed}, the driver's command interface deciding as {@code policy} does. */
    static SpecTrace record(long seed, CmdPolicy policy) {
        SplittableRandom r = new SplittableRandom(seed);
        HcaHost h = new HcaHost();
        assertEquals(0, h.pd.dealloc());
        h.drv.cmdPolicy(policy);
        HcaCommandsRecorder rec = new HcaCommandsRecorder(h.drv, h.hca);
        Map<String, Object> header = new java.util.LinkedHashMap<>(Map.of("seed", seed));
        try {
            play(h, r);
        } catch (KernelBug e) {
            // A broken policy can make the kernel's own checks fire: the trace ends there.
            header.put("kernelBug", e.getMessage());
        }
        header.put("resets", (long) h.hca.resets());
        header.put("restarts", (long) h.drv.restarts());
        SpecTrace t = rec.trace(header);
        rec.detach();
        return t;
    }

    private static void play(HcaHost h, SplittableRandom r) {
        boolean hangLeft = true;
        boolean catasLeft = true;
        int steps = 4 + r.nextInt(27);
        for (int k = 0; k < steps; k++) {
            int kind = r.nextInt(21);
            if (kind < 12) {
                int latency = r.nextInt(20);
                long ns = latency < 13 ? 0 : latency < 19 ? 1_000 + r.nextInt(100_000) : SLOW_NS;
                h.hca.commandLatencyNs(ns);
                if (ns > 0 && hangLeft && r.nextInt(8) == 0) {
                    // The firmware hangs under the command about to be posted.
                    hangLeft = false;
                    h.scheduler.schedule(ns / 2, "firmware hangs", h.hca::hangCommands);
                } else if (ns == SLOW_NS && catasLeft && r.nextInt(3) == 0) {
                    // The device fails under it; the health poll finds that within a second.
                    catasLeft = false;
                    h.scheduler.schedule(ns / 2, "catastrophic error", () -> h.hca.catastrophicError(1));
                }
                command(h, r.nextBoolean());
                h.hca.commandLatencyNs(0);
            } else if (kind < 14) {
                if (hangLeft) {
                    hangLeft = false;
                    h.hca.hangCommands();
                }
            } else if (kind == 14) {
                if (catasLeft) {
                    catasLeft = false;
                    h.hca.catastrophicError(1);
                }
            } else {
                runFor(h, r.nextLong(3_000_000_000L));
            }
        }
        // Let a reset and restart still due happen.
        runFor(h, 2 * HcaDriver.RESET_WAIT_NS);
    }

    /** ib_query_port (MAD_IFC), or a CQ created and destroyed, on the driver's device of the moment. */
    private static void command(HcaHost h, boolean port) {
        IbDevice dev = h.drv.device();
        if (dev == null) {
            return;
        }
        if (port) {
            dev.queryPort(1, new PortAttr());
            return;
        }
        Result<Cq> cq = Cq.create(dev, null, null, new CqInitAttr(8, 0));
        if (!cq.isErr()) {
            assertEquals(0, cq.get().destroy(), "HW2SW_CQ succeeds or is answered");
        }
    }

    private static void runFor(HcaHost h, long ns) {
        long until = h.scheduler.now() + ns;
        while (h.scheduler.nextEventTime() >= 0 && h.scheduler.nextEventTime() <= until) {
            h.scheduler.runNext();
            h.settle();
        }
        h.settle();
    }
}
