package org.ibmodel.traces.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.ibmodel.traces.Lost;
import org.junit.jupiter.api.Test;

/**
 * The ring buffer overflows: ftrace prints "CPU:%d [LOST %lu EVENTS]" where records are missing
 * (kernel/trace/trace.c print_trace_line), trace_pipe with the count and trace without, and the header's
 * entries-in-buffer/entries-written says how many were overwritten. A replay says so, and marks
 * the violations after a loss as possibly the loss's doing.
 */
class LostEventsTest {
    private static ReplayReport replay(String trace) throws IOException {
        return new Replay().run(new ByteArrayInputStream(trace.getBytes(StandardCharsets.UTF_8)));
    }

    private static final String TRACE = "# tracer: nop\n"
            + "#\n"
            + "# entries-in-buffer/entries-written: 3/8   #P:4\n"
            + "#\n"
            + "  rping-1  [001] ..... 1.000001: cq_free: cq.id=4\n"
            + "CPU:1 [LOST 5 EVENTS]\n"
            + "  rping-1  [001] ..... 1.000003: cq_schedule: cq.id=4\n";

    @Test
    void shouldReportLostEventsAndQualifyTheViolationsAfterThem() throws IOException {
        ReplayReport r = replay(TRACE);
        assertEquals(List.of(new Lost(6, 1, 5)), r.lost());
        assertEquals(5, r.overwritten());
        assertEquals(1, r.violationsTotal());
        Violation v = r.violations().get(0);
        assertEquals(7, v.line());
        assertTrue(v.message().endsWith("(5 events lost on CPU 1 at line 6 before it)"), v.message());
        String text = r.toText("t");
        assertTrue(text.contains("lost events: 5 (the ring buffer overflowed; records are missing)\n"
                + "  line 6: CPU 1 lost 5 events\n"), text);
        assertTrue(text.contains("overwritten: 5 of 8 entries written, the oldest, before the first record"), text);
        String json = r.toJson();
        assertTrue(json.contains(",\"lost\":[{\"line\":6,\"cpu\":1,\"events\":5}],\"overwritten\":5"), json);
    }

    /**
     * Read without consuming, the trace file says only that records were lost, not how many
     * ("CPU:%d [LOST EVENTS]", Linux 5.7 on); a replay still says so and marks what follows.
     */
    @Test
    void shouldReportALossWhoseCountTheTraceFileDoesNotGive() throws IOException {
        ReplayReport r = replay(TRACE.replace("CPU:1 [LOST 5 EVENTS]", "CPU:1 [LOST EVENTS]"));
        assertEquals(List.of(new Lost(6, 1, Lost.UNCOUNTED)), r.lost());
        assertTrue(r.violations().get(0).message().endsWith("(events lost on CPU 1 at line 6 before it)"),
                r.violations().get(0).message());
        String text = r.toText("t");
        assertTrue(text.contains("lost events: 0 or more (the ring buffer overflowed; records are missing)\n"
                + "  line 6: CPU 1 lost events (how many, the trace does not say)\n"), text);
        assertTrue(r.toJson().contains("\"lost\":[{\"line\":6,\"cpu\":1,\"events\":null}]"), r.toJson());
    }

    /** trace-cmd report marks a loss "CPU:%d [%lld EVENTS DROPPED]", or without a count. */
    @Test
    void shouldReportTheLossesTraceCmdReports() throws IOException {
        assertEquals(List.of(new Lost(6, 1, 204600)),
                replay(TRACE.replace("CPU:1 [LOST 5 EVENTS]", "CPU:1 [204600 EVENTS DROPPED]")).lost());
        assertEquals(List.of(new Lost(6, 2, Lost.UNCOUNTED)),
                replay(TRACE.replace("CPU:1 [LOST 5 EVENTS]", "CPU:2 [EVENTS DROPPED]")).lost());
    }

    /**
     * A trace whose oldest records the ring buffer overwrote (the header's entries-in-buffer below
     * entries-written) may begin in the middle of what a violation concerns: each says so.
     */
    @Test
    void shouldQualifyTheViolationsOfATraceWhoseStartWasOverwritten() throws IOException {
        ReplayReport r = replay(TRACE.replace("CPU:1 [LOST 5 EVENTS]\n", ""));
        assertEquals(List.of(), r.lost());
        assertTrue(r.violations().get(0).message().endsWith("(the trace begins after 5 records the ring buffer "
                + "overwrote)"), r.violations().get(0).message());
    }

    @Test
    void shouldSayNothingOfLossesInACompleteTrace() throws IOException {
        ReplayReport r = replay(TRACE.replace("CPU:1 [LOST 5 EVENTS]\n", "").replace("3/8", "2/2"));
        assertEquals(List.of(), r.lost());
        assertEquals(0, r.overwritten());
        assertTrue(!r.toText("t").contains("lost") && !r.toText("t").contains("overwritten"), r.toText("t"));
        assertTrue(!r.violations().get(0).message().contains("lost")
                && !r.violations().get(0).message().contains("overwrote"), r.violations().get(0).message());
        assertTrue(!r.toJson().contains("lost"), r.toJson());
    }
}
