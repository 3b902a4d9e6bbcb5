package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
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

    /** {@code text} at {@code at} in an array whose other bytes are {@code fill}. */
    private static byte[] placed(String text, int at, char fill) {
        byte[] b = new byte[at + text.length() + 24];
        java.util.Arrays.fill(b, (byte) fill);
        System.arraycopy(text.getBytes(StandardCharsets.ISO_8859_1), 0, b, at, text.length());
        return b;
    }

    @Test
    void shouldInternAsciiBytesOfEveryLengthWhateverFollowsThem() {
        Interner in = new Interner();
        String all = "kworker/u4:1-58 192.0.2.1:40119 ESTABLISHED REQ_RCVD LAP_UNINIT cq.id=5 ...";
        for (int len = 0; len <= all.length(); len++) {
            String s = all.substring(0, len);
            for (int at = 0; at < 9; at++) {
                String first = in.intern(placed(s, at, 'x'), at, at + len);
                assertEquals(s, first, "length " + len);
                // The bytes after the string differ, the string is the same one.
                String again = in.intern(placed(s, at + 1, 'y'), at + 1, at + 1 + len);
                assertEquals(s, again, "length " + len);
                if (len <= Interner.MAX_LENGTH) {
                    assertSame(first, again, "length " + len);
                }
            }
        }
        // A string at the very end of its array, where the words cannot be read.
        byte[] tail = "..s1.".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals("..s1.", in.intern(tail, 0, tail.length));
    }

    @Test
    void shouldTellApartShortAsciiStringsThatShareASlot() {
        // Two strings of the same length in the same slot, found by trying names in turn.
        String a = "task-0";
        String b = null;
        int slot = Interner.shortSlot(word(a), 0, a.length());
        for (int i = 1; b == null; i++) {
            String c = "task-" + i;
            if (c.length() == a.length() && Interner.shortSlot(word(c), 0, c.length()) == slot) {
                b = c;
            }
        }
        Interner in = new Interner();
        for (String s : new String[] {a, b, a, b, b, a}) {
            byte[] bytes = placed(s, 0, ' ');
            assertEquals(s, in.intern(bytes, 0, s.length()));
        }
    }

    private static long word(String s) {
        long w = 0;
        for (int k = s.length() - 1; k >= 0; k--) {
            w = w << 8 | s.charAt(k);
        }
        return w;
    }
}
