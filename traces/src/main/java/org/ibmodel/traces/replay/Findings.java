package org.ibmodel.traces.replay;

import java.util.ArrayList;
import java.util.List;

/** What followers report while a trace is replayed; keeps at most {@link #KEEP} violations. */
public final class Findings {
    static final int KEEP = 1000;
    private final List<Violation> violations = new ArrayList<>();
    private long total;

    public void violation(int line, String rule, String message) {
        total++;
        if (violations.size() < KEEP) {
            violations.add(new Violation(line, rule, message));
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
