// The seeded runs of a conformance test, recorded and validated against their specs with TLC
package org.ibmodel.sim.conform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.ibmodel.specs.trace.SpecEvent;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.specs.trace.TraceAction;
import org.ibmodel.specs.trace.TraceValidator;

/**
 * Seeds 1 to {@code runs}, or the one {@code -Dibmodel.seed} names (a replay), each recorded and
 * all validated; a failure prints the trace and the command that replays its seed. A run whose
 * kernel checks fired says so in its header ({@code kernelBug}) and fails too.
 */
public final class SeededRuns {
    private final int runs;
    private final boolean replay;
    private final List<SpecTrace> traces;

    private SeededRuns(int runs, boolean replay, List<SpecTrace> traces) {
        this.runs = runs;
        this.replay = replay;
        this.traces = traces;
    }

    /** Records every seed's run with {@code record} and validates them, {@code test} naming the replay. */
    public static SeededRuns validated(String test, int runs, LongFunction<SpecTrace> record) {
        Long only = Long.getLong("ibmodel.seed");
        List<SpecTrace> traces = new ArrayList<>();
        for (long seed = only != null ? only : 1; seed <= (only != null ? only : runs); seed++) {
            traces.add(record.apply(seed));
        }
        for (SpecTrace t : traces) {
            assertFalse(t.header().containsKey("kernelBug"), () -> "seed " + t.header().get("seed") + ": "
                    + t.header().get("kernelBug"));
        }
        for (TraceValidator.Verdict v : TraceValidator.validateAll(traces)) {
            assertTrue(v.ok(), () -> "seed " + v.trace().header().get("seed") + ": " + v.mismatch() + "\n"
                    + v.trace().toNdjson() + "replay: mvn -B -pl driver-sim -am verify -Dtest=" + test
                    + " -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=" + v.trace().header().get("seed"));
        }
        return new SeededRuns(runs, only != null, List.copyOf(traces));
    }

    /** One seed's replay: what the runs exercised together is no concern then. */
    public boolean replay() {
        return replay;
    }

    public List<SpecTrace> traces() {
        return traces;
    }

    /** Every event of every run, in order. */
    public List<SpecEvent> events() {
        return traces.stream().flatMap(t -> t.events().stream()).toList();
    }

    /**
     * A mutation test of the validator: of seeds 1 to {@code seeds} recorded with a bug, the first
     * whose trace shows it ({@code where} gives the seq of the event it made, or 0) is rejected at
     * that seq, on an event of kind {@code at}; failing that, no run made the bug show.
     */
    public static void assertRejectedAtTheBug(int seeds, LongFunction<SpecTrace> record,
            ToLongFunction<SpecTrace> where, TraceAction at) {
        for (long seed = 1; seed <= seeds; seed++) {
            SpecTrace t = record.apply(seed);
            long bugSeq = where.applyAsLong(t);
            if (bugSeq > 0) {
                TraceValidator.Mismatch m = TraceValidator.validate(t).mismatch();
                String why = "seed " + seed + ": the bug is at seq " + bugSeq + "; the validator: " + m + "\n"
                        + t.toNdjson();
                assertNotNull(m, why);
                assertEquals(bugSeq, m.seq(), why);
                assertEquals(at.name(), m.event(), why);
                return;
            }
        }
        throw new AssertionError("no run in " + seeds + " seeds made the bug show (" + at + ")");
    }

    /** Some run had an event {@code p} finds: what the runs must exercise for the check to mean something. */
    public void assertSeen(String what, Predicate<SpecEvent> p) {
        assertTrue(events().stream().anyMatch(p), "no " + what + " in " + runs + " runs");
    }
}
