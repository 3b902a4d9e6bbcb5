package org.ibmodel.traces;

/**
 * The body of one trace record: what the tracepoint printed after its name. Known tracepoints
 * are {@link Tracepoint.Event} records; everything else is a {@link RawEvent}.
 */
public interface TraceEvent {
    /** The event name as ftrace prints it ({@code cq_poll}, {@code function}, ...). */
    String name();

    /** The trace system ({@code rdma_core}, ...); empty when the text does not tell. */
    String system();

    /** Appends the text printed after {@code name: }. */
    void appendBody(StringBuilder sb);

    default String body() {
        StringBuilder sb = new StringBuilder();
        appendBody(sb);
        return sb.toString();
    }
}
