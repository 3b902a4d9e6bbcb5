package org.ibmodel.traces;

/** Where a tracer puts records: a buffer, a writer, a replayer. */
@FunctionalInterface
public interface TraceSink {
    void accept(TraceRecord record);
}
