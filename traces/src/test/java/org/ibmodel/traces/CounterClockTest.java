package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kernel/trace/trace_output.c trace_print_time: with a trace clock counted in nanoseconds the
 * timestamp is {@code " %5lu.%06lu"} (seconds and microseconds); with one that is not (counter,
 * uptime, x86-tsc) it is the clock's count itself, {@code " %12llu"}. A count is read as a count,
 * never as seconds, and written back as the kernel printed it.
 */
class CounterClockTest {
    private static final String BODY = "cq_poll: cq.id=3 requested 16, returned 2\n";

    private static String writeOne(TraceRecord r, Layout layout) throws IOException {
        StringBuilder sb = new StringBuilder();
        new FtraceWriter(sb, layout).write(r);
        return sb.toString();
    }

    @Test
    void shouldReadACounterClockAsItsCount() throws IOException {
        String tsc = "           rping-164     [000] ..... 123456789012345: " + BODY;
        TraceRecord r = Samples.read(tsc).records().get(0);
        assertTrue(r.header().rawClock());
        assertEquals(123456789012345L, r.header().timeUs());
        assertEquals(tsc, writeOne(r, Layout.SYSFS_FLAGS5));
    }

    @Test
    void shouldPadASmallCountToTwelveColumns() throws IOException {
        String counter = "           rping-164     [000]" + " ".repeat(10) + "4242: " + BODY;
        Samples.Read read = Samples.read(counter);
        assertEquals(List.of(), read.unparsed());
        TraceRecord r = read.records().get(0);
        assertEquals(4242L, r.header().timeUs());
        assertEquals(counter, writeOne(r, Layout.SYSFS_NO_FLAGS));
    }

    @Test
    void shouldReadTheWholeUnsignedRangeOfACount() throws IOException {
        String max = "           rping-164     [000] ..... 18446744073709551615: " + BODY;
        TraceRecord r = Samples.read(max).records().get(0);
        assertEquals(-1L, r.header().timeUs());
        assertEquals(max, writeOne(r, Layout.SYSFS_FLAGS5));
        Samples.Read over = Samples.read("           rping-164     [000] ..... 18446744073709551616: " + BODY);
        assertEquals(List.of(), over.records());
        assertEquals(1, over.unparsed().size());
    }

    @Test
    void shouldKeepSecondsForANanosecondClock() {
        TraceRecord r = Samples.read("           rping-164     [000] .....    23.446433: " + BODY).records().get(0);
        assertFalse(r.header().rawClock());
        assertEquals(23_446433L, r.header().timeUs());
    }
}
