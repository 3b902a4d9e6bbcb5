// kernel/trace/trace_output.c: trace_print_context, trace_print_lat_fmt
package org.ibmodel.traces;

/**
 * The context columns ftrace prints before every event: task, pid, CPU, the irq-flags column
 * when the irq-info option is on (null when it is off), and the timestamp in microseconds.
 *
 * @param comm  the task's comm, or {@code <...>} when ftrace no longer knows it
 * @param flags 4 characters before Linux 5.14 ({@code d.s1}), 5 since ({@code d.s1.}); null when absent
 */
public record TraceHeader(String comm, int pid, int cpu, String flags, long timeUs) {
    /** The header the tracer would print for a task at a time. */
    public static TraceHeader of(String comm, int pid, int cpu, String flags, long timeUs) {
        return new TraceHeader(comm, pid, cpu, flags, timeUs);
    }
}
