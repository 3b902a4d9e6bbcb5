package org.ibmodel.sim.conform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpState;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.specs.trace.SpecEvent;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.specs.trace.TraceAction;
import org.ibmodel.specs.trace.TraceValidator;
import org.junit.jupiter.api.Test;

/**
 * The validator catches the model bugs it is for (specs/README.md, "Trace validation"): a driver
 * is broken on purpose under the recorder, and the validator must reject the run at the event the
 * bug produced — not earlier, not later. Each mutant runs on seeds until it has struck in {@link #RUNS} runs.
 */
class SpecConformanceMutationTest {
    static final int RUNS = 5;

    /** The completer reorders two CQEs of one queue of one QP: the second is polled first. */
    static final class SwapCompletions extends ForwardingDriver {
        long firstPolled = -1;

        SwapCompletions(DeviceOps d) {
            super(d);
        }

        @Override
        public int pollCq(org.ibmodel.core.Cq cq, int numEntries, Wc[] wc) {
            int n = d.pollCq(cq, numEntries, wc);
            for (int i = 0; firstPolled < 0 && i + 1 < n; i++) {
                if (wc[i].qp == wc[i + 1].qp && wc[i].opcode.isRecv() == wc[i + 1].opcode.isRecv()) {
                    Wc t = wc[i];
                    wc[i] = wc[i + 1];
                    wc[i + 1] = t;
                    firstPolled = wc[i].wrId;
                }
            }
            return n;
        }
    }

    /** A send WR posted to a QP in ERR completes with SUCCESS instead of WR_FLUSH_ERR. */
    static final class FlushedAsSuccess extends ForwardingDriver {
        final Set<Long> postedInErr = new HashSet<>();
        long mutated = -1;

        FlushedAsSuccess(DeviceOps d) {
            super(d);
        }

        @Override
        public PostResult postSend(Qp qp, List<SendWr> wrs) {
            if (qp.state() == QpState.ERR) {
                wrs.forEach(w -> postedInErr.add(w.wrId()));
            }
            return d.postSend(qp, wrs);
        }

        @Override
        public int pollCq(org.ibmodel.core.Cq cq, int numEntries, Wc[] wc) {
            int n = d.pollCq(cq, numEntries, wc);
            for (int i = 0; i < n; i++) {
                if (mutated < 0 && wc[i].status == WcStatus.WR_FLUSH_ERR && postedInErr.contains(wc[i].wrId)) {
                    wc[i].status = WcStatus.SUCCESS;
                    mutated = wc[i].wrId;
                }
            }
            return n;
        }
    }

    /** ib_post_send in INIT or RTR "succeeds": the QP state table's posting rule is broken. */
    static final class PostSendBeforeRts extends ForwardingDriver {
        long accepted = -1;

        PostSendBeforeRts(DeviceOps d) {
            super(d);
        }

        @Override
        public PostResult postSend(Qp qp, List<SendWr> wrs) {
            if (accepted < 0 && (qp.state() == QpState.INIT || qp.state() == QpState.RTR)) {
                accepted = wrs.get(0).wrId();
                return wrs.size() == 1 ? PostResult.OK : PostResult.fail(-12, 1);
            }
            return d.postSend(qp, wrs);
        }
    }

    @Test
    void shouldRejectSwappedCompletionsAtTheFirstSwappedPoll() {
        List<String> seen = strike(SpecWalk.Scope.WORK_QUEUES, SwapCompletions::new, m -> ((SwapCompletions) m).firstPolled,
                TraceAction.UserPoll, "WorkQueues");
        assertEquals(RUNS, seen.size(), String.join("\n", seen));
    }

    @Test
    void shouldRejectAFlushedWrCompletedWithSuccessAtItsPoll() {
        List<String> seen = strike(SpecWalk.Scope.WORK_QUEUES, FlushedAsSuccess::new, m -> ((FlushedAsSuccess) m).mutated,
                TraceAction.UserPoll, "WorkQueues");
        assertEquals(RUNS, seen.size(), String.join("\n", seen));
    }

    @Test
    void shouldRejectASendPostedBeforeRtsAtThePost() {
        List<String> seen = strike(SpecWalk.Scope.QP_STATES, PostSendBeforeRts::new,
                m -> ((PostSendBeforeRts) m).accepted, TraceAction.UserPostSend, "QpStateMachine");
        assertEquals(RUNS, seen.size(), String.join("\n", seen));
    }

    /**
     * Runs seeds with the mutant until it struck in {@link #RUNS} runs; each such run must be
     * rejected by {@code spec} at the {@code action} event for the WR the mutant changed.
     */
    private static List<String> strike(SpecWalk.Scope scope, Function<DeviceOps, ForwardingDriver> mutant,
            Function<ForwardingDriver, Long> struck, TraceAction action, String spec) {
        List<SpecTrace> traces = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (long seed = 1; traces.size() < RUNS && seed <= 400; seed++) {
            ForwardingDriver[] m = new ForwardingDriver[1];
            SpecTrace t = SpecWalk.run(seed, scope, SpecConformanceTest.STEPS, ops -> m[0] = mutant.apply(ops));
            long wrId = struck.apply(m[0]);
            if (wrId < 0) {
                continue;
            }
            SpecEvent at = t.events().stream()
                    .filter(e -> e.action() == action && e.num("wrId") == wrId).findFirst().orElseThrow();
            traces.add(t);
            expected.add(at.seq());
        }
        List<String> seen = new ArrayList<>();
        List<TraceValidator.Verdict> verdicts = TraceValidator.validateAll(traces);
        for (int i = 0; i < verdicts.size(); i++) {
            TraceValidator.Mismatch m = verdicts.get(i).mismatch();
            String seed = "seed " + traces.get(i).header().get("seed");
            assertNotNull(m, seed + ": the mutant's run was accepted");
            assertEquals(expected.get(i), m.seq(), seed + ": " + m);
            assertEquals(spec, m.spec(), seed + ": " + m);
            assertEquals(action.name(), m.event(), seed + ": " + m);
            assertTrue(m.line() == m.seq() + 1, seed + ": " + m);
            seen.add(seed + ": " + m);
        }
        seen.forEach(System.out::println);
        return seen;
    }
}
