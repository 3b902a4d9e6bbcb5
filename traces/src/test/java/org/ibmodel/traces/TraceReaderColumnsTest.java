package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The reader checks a header at the sysfs columns before it scans for them; the check is only a
 * shortcut, so a reader with it must report exactly what a reader that only scans reports: the
 * same records, the same unparsed lines, the same layouts, for every sample layout, every trace
 * recorded from a kernel, and the lines built to sit on the edge of the shortcut.
 */
class TraceReaderColumnsTest {
    /** What one reader reported. */
    record Report(List<TraceRecord> records, List<Unparsed> unparsed, java.util.Set<Layout> layouts, int lines) {
    }

    static Report read(byte[] text, boolean columns) {
        List<TraceRecord> records = new ArrayList<>();
        List<Unparsed> unparsed = new ArrayList<>();
        TraceReader r = new TraceReader(columns);
        try (InputStream in = new ByteArrayInputStream(text)) {
            r.read(in, new TraceReader.Handler() {
                @Override
                public void record(TraceRecord record) {
                    records.add(record);
                }

                @Override
                public void unparsed(Unparsed problem) {
                    unparsed.add(problem);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertEquals(r.records(), records.size());
        return new Report(records, unparsed, r.layouts(), r.lines());
    }

    static void assertSameAsScan(byte[] text, String what) {
        Report scanned = read(text, false);
        Report checked = read(text, true);
        assertEquals(scanned, checked, what);
    }

    static void assertSameAsScan(String text) {
        assertSameAsScan(text.getBytes(StandardCharsets.UTF_8), text);
    }

    static Path recordedDir() {
        for (Path d = Path.of(System.getProperty("user.dir")).toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("traces").resolve("recorded");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @Test
    void shouldReadEverySampleLayoutAsTheScanDoes() {
        for (String sample : List.of(Samples.FLAGS5, Samples.FLAGS4_LEGACY, Samples.NOIRQ_TGID, Samples.TRACE_CMD,
                Samples.MAIL)) {
            byte[] text = Samples.text(sample).getBytes(StandardCharsets.UTF_8);
            Report r = read(text, true);
            assertFalse(r.records().isEmpty(), sample);
            assertSameAsScan(text, sample);
        }
    }

    @TestFactory
    Stream<DynamicTest> shouldReadEveryRecordedTraceAsTheScanDoes() throws IOException {
        Path dir = recordedDir();
        assertNotNull(dir, "no traces/recorded above " + System.getProperty("user.dir"));
        List<Path> traces;
        try (Stream<Path> s = Files.list(dir)) {
            traces = s.filter(p -> p.getFileName().toString().endsWith(".trace")).sorted().collect(Collectors.toList());
        }
        assertFalse(traces.isEmpty());
        return traces.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            byte[] text = Files.readAllBytes(p);
            assertTrue(read(text, true).records().size() > 0, p.toString());
            assertSameAsScan(text, p.toString());
        }));
    }

    @Test
    void shouldReadTheUsualSysfsLineAtTheColumns() {
        Report r = read("    kworker/u4:1-58      [001] ..... 2417.000007: cq_schedule: cq.id=5\n"
                .getBytes(StandardCharsets.UTF_8), true);
        assertEquals(List.of(new TraceRecord(1, new TraceHeader("kworker/u4:1", 58, 1, ".....", 2417_000007L),
                new RdmaCore.CqSchedule(5))), r.records());
    }

    @Test
    void shouldLeaveLinesOffTheColumnsToTheScan() {
        List<String> lines = List.of(
                // comm with a '[' that the scan may take for the CPU column
                "       a [1] b-12      [000] ..... 10.000001: cq_schedule: cq.id=1\n",
                "        a[2]bc-12      [000] ..... 10.000001: cq_schedule: cq.id=1\n",
                // comm with dashes, a comm of 16 characters, a pid wider than its column
                "   kworker/0:1-ev-12      [000] ..... 10.000001: cq_schedule: cq.id=1\n",
                "abcdefghijklmnop-12      [000] ..... 10.000001: cq_schedule: cq.id=1\n",
                "           bash-123456789 [001] d..1. 10.000001: cq_schedule: cq.id=1\n",
                "           bash-12345678901 [001] d..1. 10.000001: cq_schedule: cq.id=1\n",
                // the pid column before Linux 5.x (%-5d), tabs, no comm, a comm that is a comment
                "           bash-1234  [001] d..1 10.000001: cq_schedule: cq.id=1\n",
                "\t          bash-1234  [001] d..1 10.000001: cq_schedule: cq.id=1\n",
                "           bash-1234\t[001] d..1 10.000001: cq_schedule: cq.id=1\n",
                "                -1234  [001] d..1 10.000001: cq_schedule: cq.id=1\n",
                "           #bash-1234  [001] d..1 10.000001: cq_schedule: cq.id=1\n",
                "cpus=2          -1234  [001] d..1 10.000001: cq_schedule: cq.id=1\n",
                "CPU:2           -1234  [001] d..1 10.000001: cq_schedule: cq.id=1\n",
                "version = 6     -1234  [001] d..1 10.000001: cq_schedule: cq.id=1\n",
                // the (TGID) column, no flags, odd timestamps, a function tracer line
                "           bash-1234    (   1234) [001] ..... 10.000001: cq_schedule: cq.id=1\n",
                "           bash-1234    [001] 10.000001: cq_schedule: cq.id=1\n",
                "           bash-1234    [001] ..... 10: cq_schedule: cq.id=1\n",
                "           bash-1234    [001] ..... 10.: cq_schedule: cq.id=1\n",
                "           bash-1234    [001] ..... 1: cq_schedule: cq.id=1\n",
                "           bash-1234    [001] ..... .5: cq_schedule: cq.id=1\n",
                "           bash-1234    [001] ..... 10.1.2: cq_schedule: cq.id=1\n",
                "           bash-1234    [001] ..... 10:5: cq_schedule: cq.id=1\n",
                "           bash-1234    [001] ..... 10.123456789: cq_schedule: cq.id=1\n",
                "           bash-1234    [001] ..... 10.12:cq_schedule: cq.id=1\n",
                "           bash-1234    [001] ..... 10.000001: do_sys_open <-do_syscall_64\n",
                "           bash-1234    [001] .....\n",
                "           bash-1234    [1x] ..... 10.000001: cq_schedule: cq.id=1\n",
                "           bash-1234    []\n",
                "           bash-12a     [001] ..... 10.000001: cq_schedule: cq.id=1\n",
                "> > bash-1234    [001] ..... 10.000001: cq_schedule: cq.id=1\n",
                ">                bash-1234    [001] ..... 10.000001: cq_schedule: cq.id=1\r\n",
                "                -\n");
        StringBuilder all = new StringBuilder();
        for (String line : lines) {
            assertSameAsScan(line);
            all.append(line);
        }
        assertSameAsScan(all.toString());
    }

    @Test
    void shouldReadAGeneratedTraceAsTheScanDoes() throws IOException {
        StringBuilder sb = new StringBuilder();
        FtraceWriter w = new FtraceWriter(sb, Layout.SYSFS_FLAGS5);
        for (int i = 0; i < 2000; i++) {
            String comm = i % 3 == 0 ? "<idle>" : i % 3 == 1 ? "kworker/u4:1" : "abcdefghijklmno";
            w.write(new TraceRecord(0, new TraceHeader(comm, i % 3 == 0 ? 0 : 58 + i * 977, i % 4,
                    i % 2 == 0 ? "..s1." : ".....", 2417_000000L + i * 7L), new RdmaCore.CqPoll(i % 97, 16, i % 5)));
        }
        assertSameAsScan(sb.toString());
    }
}
