package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * vsnprintf (lib/vsprintf.c) converts each argument to its conversion's type before printing it:
 * {@code %d} and {@code %u} print an int, {@code %x} an unsigned int, the {@code l}/{@code ll}
 * forms a 64-bit long. A number outside its conversion's range was never printed by the kernel,
 * so a body with one is garbled, and a value in range prints back exactly as it was read.
 */
class PrintFormatRangeTest {
    private static Object[] parse(String fmt, String s) {
        return PrintFormat.of(fmt).parse(s, 0, s.length());
    }

    private static String print(String fmt, Object... v) {
        StringBuilder sb = new StringBuilder();
        PrintFormat.of(fmt).format(sb, v);
        return sb.toString();
    }

    @Test
    void shouldReadAnIntOnlyInsideItsRange() {
        assertArrayEquals(new Object[] {-2147483648L}, parse("rc=%d", "rc=-2147483648"));
        assertArrayEquals(new Object[] {2147483647L}, parse("rc=%d", "rc=2147483647"));
        assertNull(parse("rc=%d", "rc=2147483648"));
        assertNull(parse("rc=%d", "rc=-2147483649"));
    }

    @Test
    void shouldReadAnUnsignedIntWithoutSignAndInsideItsRange() {
        assertArrayEquals(new Object[] {4294967295L}, parse("cq.id=%u", "cq.id=4294967295"));
        assertNull(parse("cq.id=%u", "cq.id=4294967296"));
        assertNull(parse("cq.id=%u", "cq.id=-1"));
    }

    @Test
    void shouldReadAndPrintBackTheWholeUnsignedLongRange() {
        String max = "timeout 18446744073709551615";
        Object[] v = parse("timeout %lu", max);
        assertArrayEquals(new Object[] {-1L}, v);
        assertEquals(max, print("timeout %lu", v));
        assertEquals("timeout 9223372036854775808", print("timeout %lu", Long.MIN_VALUE));
        assertNull(parse("timeout %lu", "timeout 18446744073709551616"));
        assertNull(parse("timeout %lu", "timeout 99999999999999999999"));
        assertNull(parse("latency %lld", "latency 9223372036854775808"));
        assertArrayEquals(new Object[] {Long.MIN_VALUE}, parse("latency %lld", "latency -9223372036854775808"));
    }

    @Test
    void shouldReadHexNoWiderThanItsType() {
        assertArrayEquals(new Object[] {0xffffffffL}, parse("status 0x%x", "status 0xffffffff"));
        assertNull(parse("status 0x%x", "status 0x123456789"));
        assertArrayEquals(new Object[] {-1L}, parse("tid 0x%llx", "tid 0xffffffffffffffff"));
        assertNull(parse("tid 0x%llx", "tid 0x1ffffffffffffffff"));
    }

    @Test
    void shouldPrintAValueAsItsConversionsTypeHoldsIt() {
        assertEquals("4294967295 -1 0xffffffff 0xffff",
                print("%u %d 0x%x 0x%04x", -1L, 0xffffffffL, -1L, 0xffffL));
        assertEquals("-1 18446744073709551615 0xffffffffffffffff", print("%lld %llu 0x%llx", -1L, -1L, -1L));
    }

    @Test
    void shouldReportAnOutOfRangeNumberAsUnparsedWithItsLine() {
        String line = "           rping-164     [000] .....    23.446433: cq_poll: cq.id=3 requested 4294967312, "
                + "returned 2\n";
        Samples.Read r = Samples.read(line + line.replace("4294967312", "16"));
        assertEquals(1, r.unparsed().size(), r.unparsed().toString());
        assertEquals(1, r.unparsed().get(0).line());
        assertEquals(List.of(2), r.records().stream().map(TraceRecord::line).toList());
    }
}
