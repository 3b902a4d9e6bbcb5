package org.ibmodel.traces.replay;

import org.ibmodel.traces.TraceRecord;

/**
 * Follows a trace record by record, in file order. The lifecycle and protocol checks are one
 * follower ({@link Lifecycles}); a model-driving follower is another: it turns each record into
 * what the model would be asked to do (an ib_alloc_cq for a cq_alloc, a poll for a cq_poll, ...),
 * runs it, and reports where the model's own tracepoints diverge from the trace's as findings.
 */
public interface TraceFollower {
    void follow(TraceRecord record, Findings findings);

    /** Called once after the last record. */
    default void finish(Findings findings) {
    }
}
