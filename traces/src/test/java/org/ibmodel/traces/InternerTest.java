package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class InternerTest {
    @Test
    void shouldReturnTheSameStringForTheSameCharactersAnywhereInALine() {
        Interner in = new Interner();
        char[] a = "   kworker/u4:1-58".toCharArray();
        char[] b = "kworker/u4:1-99 x".toCharArray();
        String first = in.intern(a, 3, 15);
        assertEquals("kworker/u4:1", first);
        assertSame(first, in.intern(b, 0, 12));
    }

    @Test
    void shouldGiveEqualStringsWhenStringsShareASlot() {
        Interner in = new Interner();
        // Same length and same sampled characters: they may share a slot, and must still differ.
        String x = in.intern("10.0.1.5:7174".toCharArray(), 0, 13);
        String y = in.intern("10.0.2.5:7174".toCharArray(), 0, 13);
        assertEquals("10.0.1.5:7174", x);
        assertEquals("10.0.2.5:7174", y);
        assertEquals("10.0.1.5:7174", in.intern("10.0.1.5:7174".toCharArray(), 0, 13));
        assertEquals("", in.intern(new char[0], 0, 0));
    }

    @Test
    void shouldNotKeepStringsLongerThanTheLimit() {
        Interner in = new Interner();
        char[] s = "x".repeat(Interner.MAX_LENGTH + 1).toCharArray();
        String first = in.intern(s, 0, s.length);
        assertEquals(new String(s), first);
        assertNotSame(first, in.intern(s, 0, s.length));
    }
}
