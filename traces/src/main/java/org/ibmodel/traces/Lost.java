package org.ibmodel.traces;

/**
 * Records the kernel dropped: ftrace prints "CPU:%d [LOST %lu EVENTS]" where the ring buffer of
 * that CPU overflowed (kernel/trace/trace.c print_trace_line), at {@code line} of the trace.
 */
public record Lost(int line, int cpu, long events) {
}
