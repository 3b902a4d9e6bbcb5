package org.ibmodel.sim.conform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.specs.trace.SpecEvent;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.specs.trace.TraceAction;
import org.ibmodel.specs.trace.TraceValidator;
import org.junit.jupiter.api.Test;

/**
 * Seeded random runs of the model, recorded and validated with TLC against QpStateMachine and
 * WorkQueues (specs/README.md, "Trace validation"): each run must be a behaviour of its specs. A
 * failing run prints its seed and the first event the specs cannot match.
 */
class SpecConformanceTest {
    static final int RUNS = 100;
    static final int STEPS = 40;

    @Test
    void shouldRecordRunsThatAreBehavioursOfTheSpecs() {
        List<SpecTrace> traces = new ArrayList<>();
        for (long seed = 1; seed <= RUNS; seed++) {
            traces.add(SpecWalk.run(seed, SpecWalk.Scope.WORK_QUEUES, STEPS));
            traces.add(SpecWalk.run(seed, SpecWalk.Scope.QP_STATES, STEPS));
        }
        long start = System.nanoTime();
        List<TraceValidator.Verdict> verdicts = TraceValidator.validateAll(traces);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> failed = new ArrayList<>();
        long events = 0;
        for (TraceValidator.Verdict v : verdicts) {
            events += v.trace().events().size();
            if (!v.ok()) {
                failed.add("seed " + v.trace().header().get("seed") + " " + v.trace().header().get("scope") + ": "
                        + v.mismatch());
            }
        }
        verdicts.stream().sorted((a, b) -> Long.compare(b.statesVisited(), a.statesVisited())).limit(5)
                .forEach(v -> System.out.println("  seed " + v.trace().header().get("seed") + " "
                        + v.trace().header().get("scope") + ": " + v.statesVisited() + " states"));
        System.out.printf("validated %d runs, %d events, in %.1f s%n", traces.size(), events, seconds);
        if (!failed.isEmpty()) {
            fail(failed.size() + " runs are not behaviours of their specs:\n" + String.join("\n", failed));
        }
    }

    @Test
    void shouldCoverEveryEventAndTheErrorPaths() {
        List<SpecEvent> all = new ArrayList<>();
        for (long seed = 1; seed <= RUNS; seed++) {
            all.addAll(SpecWalk.run(seed, SpecWalk.Scope.WORK_QUEUES, STEPS).events());
            all.addAll(SpecWalk.run(seed, SpecWalk.Scope.QP_STATES, STEPS).events());
        }
        for (TraceAction a : TraceAction.values()) {
            // The other specs' events come from the HCA, its driver and uverbs (their own
            // conformance tests: RcTransport, SqDrain, HcaCommands, UverbsDisassociate, PathMigration).
            assertTrue(!a.of("QpStateMachine") || all.stream().anyMatch(e -> e.action() == a),
                    "no " + a + " in " + RUNS + " runs");
        }
        assertTrue(all.stream().anyMatch(e -> e.action() == TraceAction.UserPoll
                && e.str("status").equals("WR_FLUSH_ERR")), "no flush");
        assertTrue(all.stream().anyMatch(e -> e.action() == TraceAction.UserPoll
                && !e.str("status").equals("WR_FLUSH_ERR") && !e.str("status").equals("SUCCESS")), "no send error");
        assertTrue(all.stream().anyMatch(e -> e.action() == TraceAction.HcaRun && !e.list("cqErr").isEmpty()),
                "no CQ overrun");
        assertTrue(all.stream().anyMatch(e -> e.action() == TraceAction.HcaRun
                && e.object("states").containsValue("SQE")), "no SQE");
        assertTrue(all.stream().anyMatch(e -> e.action() == TraceAction.UserModify && e.str("to").equals("SQD")),
                "no SQD");
    }

    @Test
    void shouldRecordTheSameRunForTheSameSeed() {
        assertEquals(SpecWalk.run(7, SpecWalk.Scope.WORK_QUEUES, STEPS).toNdjson(),
                SpecWalk.run(7, SpecWalk.Scope.WORK_QUEUES, STEPS).toNdjson());
    }
}
