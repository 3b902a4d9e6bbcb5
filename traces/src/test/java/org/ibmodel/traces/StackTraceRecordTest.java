package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kernel/trace/trace_output.c prints a kernel_stack entry (the stacktrace option or trigger) as
 * {@code <stack trace>} after the context columns and one {@code  => SYMBOL} line per frame, and a
 * user_stack entry as {@code <user stack trace>} with its frames the same way. Both are records,
 * not damage, and write back as the kernel printed them.
 */
class StackTraceRecordTest {
    private static final String POLL = "    kworker/u5:0-69      [000] .....    27.561592: cq_poll: "
            + "cq.id=0 requested 16, returned 2\n";
    private static final String STACK = "    kworker/u5:0-69      [000] .....    27.561598: <stack trace>\n"
            + " => __ib_process_cq\n"
            + " => ib_cq_poll_work\n"
            + " => process_one_work\n"
            + " => worker_thread\n"
            + " => kthread\n"
            + " => ret_from_fork\n";
    private static final String USER = "           rping-167     [001] .....    27.557460: <user stack trace>\n"
            + " => <00007f3a1c2d4e17>\n"
            + " => <000055d5c2e0d1b0>\n";

    @Test
    void shouldReadAStackTraceAsOneRecordWithItsFrames() {
        Samples.Read r = Samples.read(POLL + STACK + USER + POLL);
        assertEquals(List.of(), r.unparsed());
        assertEquals(List.of(1, 2, 9, 12), r.records().stream().map(TraceRecord::line).toList());
        assertEquals(List.of("cq_poll", "kernel_stack", "user_stack", "cq_poll"),
                r.records().stream().map(x -> x.event().name()).toList());
        assertEquals(27_561598L, r.records().get(1).header().timeUs());
    }

    /** A line that starts with " => " while a stack trace is open is its frame, kept as printed. */
    @Test
    void shouldTakeEveryFrameLineAsItIs() throws IOException {
        String odd = STACK + " =>         worker-178     [000] .....    33.288374: cq_free: cq.id=1\n";
        Samples.Read r = Samples.read(POLL + odd + POLL);
        assertEquals(List.of(), r.unparsed());
        assertEquals(List.of("cq_poll", "kernel_stack", "cq_poll"),
                r.records().stream().map(x -> x.event().name()).toList());
        StringBuilder sb = new StringBuilder();
        FtraceWriter w = new FtraceWriter(sb, Layout.SYSFS_FLAGS5);
        for (TraceRecord x : r.records()) {
            w.write(x);
        }
        assertEquals(POLL + odd + POLL, sb.toString());
    }

    @Test
    void shouldWriteAStackTraceBackAsTheKernelPrintsIt() throws IOException {
        String text = POLL + STACK + USER;
        StringBuilder sb = new StringBuilder();
        FtraceWriter w = new FtraceWriter(sb, Layout.SYSFS_FLAGS5);
        for (TraceRecord r : Samples.read(text).records()) {
            w.write(r);
        }
        assertEquals(text, sb.toString());
    }
}
