package org.ibmodel.traces.replay;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.traces.Lost;

/** What followers report while a trace is replayed; keeps at most {@link #KEEP} violations. */
public final class Findings {
    static final int KEEP = 1000;
    private final List<Violation> violations = new ArrayList<>();
    private long total;
    /** The first loss of records so far, or null: what follows it may be its doing. */
    private Lost firstLoss;
    /** Records the ring buffer overwrote before the trace was read (its header says so). */
    private long overwritten;

    public void violation(int line, String rule, String message) {
        total++;
        if (violations.size() < KEEP) {
            if (firstLoss != null) {
                message += " (" + firstLoss.what() + " lost on CPU " + firstLoss.cpu() + " at line "
                        + firstLoss.line() + " before it)";
            } else if (overwritten > 0) {
                message += " (the trace begins after " + overwritten + " records the ring buffer overwrote)";
            }
            violations.add(new Violation(line, rule, message));
        }
    }

    /** The ring buffer overwrote {@code records} before the trace was read; violations say so. */
    void overwritten(long records) {
        overwritten = records;
    }

    /** The kernel lost records at {@code lost}; violations found from now on say so. */
    void lost(Lost lost) {
        if (firstLoss == null) {
            firstLoss = lost;
        }
    }

    public List<Violation> violations() {
        return List.copyOf(violations);
    }

    /** All violations found, including those beyond {@link #KEEP}. */
    public long total() {
        return total;
    }
}
