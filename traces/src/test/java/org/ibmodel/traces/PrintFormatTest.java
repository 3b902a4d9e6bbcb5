package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PrintFormatTest {
    private static String print(String fmt, Object... v) {
        StringBuilder sb = new StringBuilder();
        PrintFormat.of(fmt).format(sb, v);
        return sb.toString();
    }

    @Test
    void shouldPrintLikeVsnprintf() {
        assertEquals("cq.id=3 requested 16, returned -11", print("cq.id=%u requested %d, returned %d", 3L, 16L, -11L));
        assertEquals("tid 0x000000010000002a attr_id 0x0035 class 0x3",
                print("tid 0x%016llx attr_id 0x%04x class 0x%x", 0x10000002aL, 0x35L, 3L));
    }

    @Test
    void shouldReadBackWhatItPrints() {
        String fmt = "cm.id=%u src=%pISpc dst=%pISpc tos=%u %s (%lu/%d)";
        Object[] v = {7L, "192.0.2.1:40119", "[2001:db8::2]:7174", 0L, "ESTABLISHED", 9L, -110L};
        String s = print(fmt, v);
        assertArrayEquals(v, PrintFormat.of(fmt).parse(s, 0, s.length()));
    }

    @Test
    void shouldTreatAnyWhitespaceRunAsOne() {
        String s = "  cq.id=3   requested 16,\treturned 2  ";
        assertArrayEquals(new Object[] {3L, 16L, 2L},
                PrintFormat.of("cq.id=%u requested %d, returned %d").parse(s, 0, s.length()));
    }

    @Test
    void shouldRejectTextOfAnotherFormatOrWithTrailingWords() {
        PrintFormat f = PrintFormat.of("cq.id=%u");
        assertNull(f.parse("cq.id=x", 0, 7));
        assertNull(f.parse("cq.id=3 extra", 0, 13));
        assertNull(f.parse("mr.id=3", 0, 7));
    }

    @Test
    void shouldKeepPointerExtensionsOutOfTheLiteral() {
        String s = "gid fe80::1 flow 0x00000000";
        assertArrayEquals(new Object[] {"fe80::1", 0L}, PrintFormat.of("gid %pI6c flow 0x%08x").parse(s, 0, s.length()));
    }
}
