// kernel/trace/trace.c (print_trace_header, print_func_help_header_irq) and
// kernel/trace/trace_output.c (trace_print_context) for the text layout
package org.ibmodel.traces;

import java.io.IOException;

/**
 * Writes records as /sys/kernel/tracing/trace prints them (or as {@code trace-cmd report} does),
 * so the reader reads back the same records.
 */
public final class FtraceWriter {
    private final Appendable out;
    private final Layout layout;
    private final StringBuilder sb = new StringBuilder(256);

    /** @param layout SYSFS_FLAGS5, SYSFS_FLAGS4, SYSFS_FLAGS7, SYSFS_NO_FLAGS or TRACE_CMD */
    public FtraceWriter(Appendable out, Layout layout) {
        if (layout == Layout.WRAPPED || layout == Layout.TGID) {
            throw new IllegalArgumentException("the writer does not produce " + layout);
        }
        this.out = out;
        this.layout = layout;
    }

    /** The comment block the kernel prints first (or trace-cmd's {@code cpus=N} line). */
    public void writeHeader(String tracer, long entries, long written, int cpus) throws IOException {
        if (layout == Layout.TRACE_CMD) {
            out.append("cpus=").append(Integer.toString(cpus)).append('\n');
            return;
        }
        out.append("# tracer: ").append(tracer).append('\n');
        out.append("#\n");
        out.append("# entries-in-buffer/entries-written: ").append(Long.toString(entries)).append('/')
                .append(Long.toString(written)).append("   #P:").append(Integer.toString(cpus)).append('\n');
        out.append("#\n");
        switch (layout) {
            case SYSFS_FLAGS5 -> out.append("""
                    #                                _-----=> irqs-off/BH-disabled
                    #                               / _----=> need-resched
                    #                              | / _---=> hardirq/softirq
                    #                              || / _--=> preempt-depth
                    #                              ||| / _-=> migrate-disable
                    #                              |||| /     delay
                    #           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
                    #              | |         |   |||||     |         |
                    """);
            case SYSFS_FLAGS7 -> out.append("""
                    #                                _-------=> irqs-off/BH-disabled
                    #                               / _------=> need-resched
                    #                              | / _-----=> need-resched-lazy
                    #                              || / _----=> hardirq/softirq
                    #                              ||| / _---=> preempt-depth
                    #                              |||| / _--=> preempt-lazy-depth
                    #                              ||||| / _-=> migrate-disable
                    #                              |||||| /     delay
                    #           TASK-PID     CPU#  |||||||  TIMESTAMP  FUNCTION
                    #              | |         |   |||||||      |         |
                    """);
            case SYSFS_FLAGS4 -> out.append("""
                    #                              _-----=> irqs-off
                    #                             / _----=> need-resched
                    #                            | / _---=> hardirq/softirq
                    #                            || / _--=> preempt-depth
                    #                            ||| /     delay
                    #           TASK-PID   CPU#  ||||    TIMESTAMP  FUNCTION
                    #              | |       |   ||||       |         |
                    """);
            default -> out.append("""
                    #           TASK-PID     CPU#     TIMESTAMP  FUNCTION
                    #              | |         |         |         |
                    """);
        }
    }

    /** One record on one line. */
    public void write(TraceRecord r) throws IOException {
        sb.setLength(0);
        TraceHeader h = r.header();
        pad(16 - h.comm().length());
        sb.append(h.comm()).append('-');
        int pidStart = sb.length();
        sb.append(h.pid());
        pad((layout == Layout.SYSFS_FLAGS4 || layout == Layout.TRACE_CMD ? 5 : 7) - (sb.length() - pidStart));
        sb.append(" [");
        if (h.cpu() < 100) {
            sb.append('0');
        }
        if (h.cpu() < 10) {
            sb.append('0');
        }
        sb.append(h.cpu()).append("] ");
        switch (layout) {
            case SYSFS_FLAGS5 -> sb.append(flags(h.flags(), 5)).append(' ');
            case SYSFS_FLAGS4 -> sb.append(flags(h.flags(), 4)).append(' ');
            case SYSFS_FLAGS7 -> sb.append(flags(h.flags(), 7)).append(' ');
            case TRACE_CMD -> {
                if (h.flags() != null) {
                    sb.append(h.flags()).append(' ');
                }
            }
            // trace_print_time prints " %5lu.%06lu": its own space even with no flags column.
            default -> sb.append(' ');
        }
        if (h.rawClock()) {
            // trace_print_time: a clock not counted in nanoseconds prints its count, "%12llu".
            String count = Long.toUnsignedString(h.timeUs());
            pad(12 - count.length());
            sb.append(count).append(": ");
        } else {
            String secs = Long.toString(h.timeUs() / 1_000_000L);
            pad(5 - secs.length());
            sb.append(secs).append('.');
            String us = Long.toString(h.timeUs() % 1_000_000L);
            pad(6 - us.length(), '0');
            sb.append(us).append(": ");
        }
        TraceEvent e = r.event();
        if (e instanceof RawEvent raw && raw.function()) {
            sb.append(raw.text());
        } else {
            int nameStart = sb.length();
            sb.append(e.name()).append(':');
            if (layout == Layout.TRACE_CMD) {
                pad(21 - (sb.length() - nameStart));
            }
            sb.append(' ');
            e.appendBody(sb);
        }
        sb.append('\n');
        out.append(sb);
    }

    /**
     * Where each flag of a column of 4, 5 or 7 sits among the seven an RT kernel prints (irqs-off,
     * need-resched, need-resched-lazy, hardirq/softirq, preempt-depth, preempt-lazy-depth,
     * migrate-disable), from trace_print_lat_fmt, by width; a flag a width does not print is not listed.
     */
    private static final int[][] FLAG_COLUMNS = {
        null, null, null, null, {0, 1, 3, 4}, {0, 1, 3, 4, 6}, null, {0, 1, 2, 3, 4, 5, 6}};

    /** The flags as a column {@code width} wide prints them; a flag the record lacks prints as '.'. */
    private static String flags(String f, int width) {
        if (f != null && f.length() == width) {
            return f;
        }
        char[] all = ".......".toCharArray();
        if (f != null && f.length() < FLAG_COLUMNS.length && FLAG_COLUMNS[f.length()] != null) {
            int[] from = FLAG_COLUMNS[f.length()];
            for (int k = 0; k < from.length; k++) {
                all[from[k]] = f.charAt(k);
            }
        }
        int[] to = FLAG_COLUMNS[width];
        char[] out = new char[to.length];
        for (int k = 0; k < to.length; k++) {
            out[k] = all[to[k]];
        }
        return new String(out);
    }

    private void pad(int n) {
        pad(n, ' ');
    }

    private void pad(int n, char c) {
        for (int k = 0; k < n; k++) {
            sb.append(c);
        }
    }
}
