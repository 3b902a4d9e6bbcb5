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
