package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class FtraceWriterTest {
    private static List<TraceRecord> sample() {
        return Samples.read(Samples.open(Samples.FLAGS5)).records().stream().map(TraceRecord::withoutLine)
                .collect(Collectors.toList());
    }

    private static String write(List<TraceRecord> records, Layout layout) throws IOException {
        StringBuilder sb = new StringBuilder();
        FtraceWriter w = new FtraceWriter(sb, layout);
        w.writeHeader("nop", records.size(), records.size(), 2);
        for (TraceRecord r : records) {
            w.write(r);
        }
        return sb.toString();
    }

    @Test
    void shouldWriteTheSysfsTextTheKernelPrints() throws IOException {
        assertEquals(Samples.text(Samples.FLAGS5), write(sample(), Layout.SYSFS_FLAGS5));
    }

    @Test
    void shouldReadBackWhatItWritesInEveryLayout() throws IOException {
        List<TraceRecord> records = sample();
        for (Layout layout : List.of(Layout.SYSFS_FLAGS5, Layout.TRACE_CMD)) {
            List<TraceRecord> back = Samples.read(write(records, layout)).records().stream()
                    .map(TraceRecord::withoutLine).collect(Collectors.toList());
            assertEquals(records, back, layout.name());
        }
        for (Layout layout : List.of(Layout.SYSFS_FLAGS4, Layout.SYSFS_NO_FLAGS)) {
            List<String> back = Samples.read(write(records, layout)).records().stream().map(Samples::meaning)
                    .collect(Collectors.toList());
            assertEquals(records.stream().map(Samples::meaning).collect(Collectors.toList()), back, layout.name());
        }
    }

    /**
     * kernel/trace/trace_output.c trace_print_context prints {@code "[%03d] "}, the irq-info flags
     * when that option is on, then trace_print_time's {@code " %5lu.%06lu"}: the timestamp has a
     * space of its own before its padding, with or without the flags column.
     */
    @Test
    void shouldPadTheTimestampAsTheKernelDoesWithAndWithoutFlags() throws IOException {
        String body = "23.446433: cq_poll: cq.id=3 requested 16, returned 2\n";
        String flags5 = "           rping-164     [000] .....    " + body;
        TraceRecord r = Samples.read(flags5).records().get(0);
        assertEquals(flags5, writeOne(r, Layout.SYSFS_FLAGS5));
        assertEquals("           rping-164     [000]     " + body, writeOne(r, Layout.SYSFS_NO_FLAGS));
        assertEquals("           rping-164   [000] ....    " + body, writeOne(r, Layout.SYSFS_FLAGS4));
    }

    private static String writeOne(TraceRecord r, Layout layout) throws IOException {
        StringBuilder sb = new StringBuilder();
        new FtraceWriter(sb, layout).write(r);
        return sb.toString();
    }

    @Test
    void shouldKeepTheOldestEntriesOutOfAFullBuffer() throws IOException {
        TraceBuffer b = new TraceBuffer(2);
        for (TraceRecord r : sample().subList(0, 3)) {
            b.accept(r);
        }
        StringBuilder sb = new StringBuilder();
        b.writeTo(sb, Layout.SYSFS_FLAGS5, 2);
        assertEquals(2, b.records().size());
        assertEquals(true, sb.toString().contains("entries-in-buffer/entries-written: 2/3"));
    }
}
