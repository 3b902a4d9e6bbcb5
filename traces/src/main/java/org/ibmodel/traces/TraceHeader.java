// kernel/trace/trace_output.c: trace_print_context, trace_print_lat_fmt, trace_print_time
package org.ibmodel.traces;

/**
 * The context columns ftrace prints before every event: task, pid, CPU, the irq-flags column
 * when the irq-info option is on (null when it is off), and the timestamp.
 *
 * @param comm     the task's comm, or {@code <...>} when ftrace no longer knows it
 * @param flags    4 characters before Linux 5.14 ({@code d.s1}), 5 since ({@code d.s1.}); null when absent
 * @param timeUs   the timestamp in microseconds; with {@code rawClock}, the clock's count as printed
 *                 (unsigned: a count past Long.MAX_VALUE is negative here)
 * @param rawClock whether the trace clock does not count nanoseconds (counter, uptime, x86-tsc), so
 *                 trace_print_time printed its count ({@code %12llu}) instead of {@code secs.usecs}
 */
public record TraceHeader(String comm, int pid, int cpu, String flags, long timeUs, boolean rawClock) {
    /** A header of a trace clock counted in nanoseconds, printed as seconds and microseconds. */
    public TraceHeader(String comm, int pid, int cpu, String flags, long timeUs) {
        this(comm, pid, cpu, flags, timeUs, false);
    }

    /** The header the tracer would print for a task at a time. */
    public static TraceHeader of(String comm, int pid, int cpu, String flags, long timeUs) {
        return new TraceHeader(comm, pid, cpu, flags, timeUs);
    }
}
