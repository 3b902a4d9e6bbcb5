package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reader reads headers and bodies in place, in a line buffer it reuses, with strings shared
 * through its Interner: what it reads must not depend on the lines before, and a typed body must
 * read as the String parser reads it.
 */
class TraceReaderInPlaceTest {
    private static final List<String> SAMPLES = List.of(Samples.FLAGS5, Samples.FLAGS4_LEGACY, Samples.NOIRQ_TGID,
            Samples.TRACE_CMD, Samples.MAIL);

    @Test
    void shouldReadEveryTypedBodyAsTheStringParserDoes() {
        for (String sample : SAMPLES) {
            for (TraceRecord r : Samples.read(Samples.open(sample)).records()) {
                if (r.event() instanceof Tracepoint.Event e) {
                    String body = e.body();
                    assertEquals(e, e.tracepoint().parse(body, 0, body.length()), sample + " line " + r.line());
                }
            }
        }
    }

    @Test
    void shouldReadEachRecordLineAloneAsInItsFile() {
        for (String sample : List.of(Samples.FLAGS5, Samples.FLAGS4_LEGACY, Samples.NOIRQ_TGID, Samples.TRACE_CMD)) {
            List<TraceRecord> whole = Samples.read(Samples.open(sample)).records();
            String[] lines = Samples.text(sample).split("\n");
            for (TraceRecord r : whole) {
                Samples.Read alone = Samples.read(lines[r.line() - 1] + "\n");
                assertEquals(List.of(r.withoutLine()), alone.records().stream().map(TraceRecord::withoutLine).toList(),
                        sample + " line " + r.line());
            }
        }
    }

    @Test
    void shouldKeepABodyThatReadsOnlyOnceItsWrappedLineJoins() {
        Samples.Read r = Samples.read("  <idle>-0  [000] ..s1. 10.000001: cq_poll: cq.id=3 requested\n"
                + "      16, returned 2\n  <idle>-0  [000] ..s1. 10.000002: cq_schedule: cq.id=4\n");
        assertEquals(List.of(), r.unparsed());
        assertEquals(new RdmaCore.CqPoll(3, 16, 2), r.records().get(0).event());
        assertEquals(new RdmaCore.CqSchedule(4), r.records().get(1).event());
        assertTrue(r.reader().layouts().contains(Layout.WRAPPED));
    }

    @Test
    void shouldReadANonAsciiCommAndRawBody() {
        Samples.Read r = Samples.read("  kwörker-5  [001] ..... 3.000004: sched_wakeup: comm=café pid=9\n");
        TraceRecord rec = r.records().get(0);
        assertEquals(new TraceHeader("kwörker", 5, 1, ".....", 3_000_004L), rec.header());
        assertEquals(RawEvent.event("sched_wakeup", "comm=café pid=9"), rec.event());
    }
}
