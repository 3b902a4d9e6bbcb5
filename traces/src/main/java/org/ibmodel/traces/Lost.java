package org.ibmodel.traces;

/**
 * Records the kernel dropped, at {@code line} of the trace, where the ring buffer of {@code cpu}
 * overflowed. A consuming read (trace_pipe) says how many: "CPU:%d [LOST %lu EVENTS]"; the
 * trace file, read without consuming since Linux 5.7, says only that some were: "CPU:%d [LOST
 * EVENTS]" (kernel/trace/trace.c print_trace_line); trace-cmd report prints "CPU:%d [%lld EVENTS
 * DROPPED]" or "CPU:%d [EVENTS DROPPED]". {@code events} is {@link #UNCOUNTED} when not said.
 */
public record Lost(int line, int cpu, long events) {
    /** The marker did not say how many records were lost. */
    public static final long UNCOUNTED = -1;

    public boolean counted() {
        return events != UNCOUNTED;
    }

    /** "5 events", or "events" when the marker did not say how many. */
    public String what() {
        return counted() ? events + " events" : "events";
    }
}
