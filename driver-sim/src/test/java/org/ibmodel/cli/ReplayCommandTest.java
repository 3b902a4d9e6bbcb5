package org.ibmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCommandTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static final String CLEAN = "# tracer: nop\n"
            + "    kworker/u4:1-58      [001] .....  2417.318242: cq_alloc: cq.id=0 nr_cqe=4096 comp_vector=0 poll_ctx=SOFTIRQ\n"
            + "          <idle>-0       [000] ..s1.  2417.319317: cq_poll: cq.id=0 requested 16, returned 3\n"
            + "    kworker/u4:1-58      [001] .....  2417.320548: cq_free: cq.id=0\n";

    @Test
    void shouldReplayTheDemoTraceWithoutViolations() throws IOException {
        Path trace = dir.resolve("demo.trace");
        CliRun demo = CliRun.of("demo", "--single-host", "--quiet", "--trace", trace.toString());
        assertEquals(0, demo.exit(), demo.err());
        assertTrue(Files.readString(trace).contains("cq_alloc: cq.id=0 nr_cqe=64 comp_vector=0 poll_ctx=SOFTIRQ"));
        CliRun r = CliRun.of("replay", trace.toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\"cq\":{\"created\":2,\"destroyed\":2,\"live\":0,\"adopted\":0}"), r.out());
        assertTrue(r.out().contains("\"violations\":[]"), r.out());
    }

    /**
     * The fabric demo's own traces, with and without the HCA failing: a reset device numbers
     * its objects from 0 again, so ids freed with the old device come back on the new one.
     */
    @Test
    void shouldReplayThePingPongTracesWithoutViolations() throws IOException {
        for (String[] args : new String[][] {{}, {"--catas"}}) {
            Path trace = dir.resolve("pingpong" + args.length + ".trace");
            java.util.List<String> demo = new java.util.ArrayList<>(java.util.List.of("demo", "--quiet", "--trace",
                    trace.toString()));
            demo.addAll(java.util.List.of(args));
            CliRun d = CliRun.of(demo.toArray(String[]::new));
            assertEquals(0, d.exit(), d.err());
            CliRun r = CliRun.of("replay", trace.toString(), "--json");
            assertEquals(0, r.exit(), java.util.Arrays.toString(args) + ": " + r.out());
            assertTrue(r.out().contains("\"violations\":[]"), r.out());
            assertTrue(r.out().contains("\"unparsed\":[]"), r.out());
        }
    }

    @Test
    void shouldPrintASummaryByDefault() throws IOException {
        CliRun r = CliRun.of("replay", file("t", CLEAN).toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("4 lines, 3 events"), r.out());
        assertTrue(r.out().contains("cq     created 1, destroyed 1, live 0, adopted 0"), r.out());
        assertTrue(r.out().contains("violations: 0"), r.out());
    }

    @Test
    void shouldExitOneWithTheLineOfEachViolation() throws IOException {
        String bad = CLEAN + "          <idle>-0       [000] ..s1.  2417.321000: cq_poll: cq.id=0 requested 16, returned 0\n";
        CliRun r = CliRun.of("replay", file("t", bad).toString(), "--json");
        assertEquals(1, r.exit());
        assertTrue(r.out().contains("{\"line\":5,\"rule\":\"use_after_free\""), r.out());
    }

    @Test
    void shouldExitTwoWhenNothingCanBeRead() throws IOException {
        CliRun r = CliRun.of("replay", file("csv", "time,event\n1,cq_poll\n").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("ibmodel: "), r.err());
        assertTrue(r.err().contains("line 1"), r.err());
        assertEquals(1, r.err().strip().lines().count());
    }

    @Test
    void shouldExitTwoForAMissingOrEmptyFile() throws IOException {
        assertEquals(2, CliRun.of("replay", dir.resolve("nope").toString()).exit());
        assertEquals(2, CliRun.of("replay", file("empty", "").toString()).exit());
    }

    @Test
    void shouldReportGarbageButReplayTheRest() throws IOException {
        CliRun r = CliRun.of("replay", file("t", "\u0001\u0002garbage\n" + CLEAN).toString(), "--json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("\"unparsed\":[{\"line\":1,\"text\":\"\\\\x01\\\\x02garbage\"}]"), r.out());
    }

    /**
     * --strict: a line that could not be read fails the replay (exit 2) after the report, naming
     * the first such line, so that a CI job does not pass on a damaged trace.
     */
    @Test
    void shouldFailOnAnUnreadLineWhenStrict() throws IOException {
        String damaged = CLEAN.replace("2417.319317: cq_poll: cq.id=0 requested 16, returned 3", "2417.3193");
        Path t = file("damaged.trace", damaged);
        CliRun lenient = CliRun.of("replay", t.toString());
        assertEquals(0, lenient.exit(), lenient.err());
        CliRun strict = CliRun.of("replay", "--strict", t.toString());
        assertEquals(2, strict.exit(), strict.out() + strict.err());
        assertTrue(strict.out().contains("unparsed lines: 1"), strict.out());
        assertEquals(1, strict.err().lines().count(), strict.err());
        assertTrue(strict.err().startsWith("ibmodel: " + t + ":3: "), strict.err());
        assertEquals(0, CliRun.of("replay", "--strict", file("clean.trace", CLEAN).toString()).exit());
    }

    /** Events the kernel lost make a trace incomplete: said in the report, and --strict fails on them. */
    @Test
    void shouldReportLostEventsAndFailOnThemWhenStrict() throws IOException {
        int at = CLEAN.indexOf('\n', CLEAN.indexOf('\n') + 1) + 1;
        Path t = file("lost.trace", CLEAN.substring(0, at) + "CPU:3 [LOST 120 EVENTS]\n" + CLEAN.substring(at));
        CliRun lenient = CliRun.of("replay", t.toString());
        assertEquals(0, lenient.exit(), lenient.err());
        assertTrue(lenient.out().contains("lost events: 120 (the ring buffer overflowed; records are missing)\n"
                + "  line 3: CPU 3 lost 120 events\n"), lenient.out());
        CliRun strict = CliRun.of("replay", "--strict", t.toString());
        assertEquals(2, strict.exit(), strict.out() + strict.err());
        assertEquals("ibmodel: " + t + ":3: CPU 3 lost 120 events (120 lost in all; --strict)", strict.err().strip());
    }
}
