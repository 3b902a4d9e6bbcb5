package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class AsciiTest {
    @Test
    void shouldCompareLikeArraysEqualsAtEveryLengthAndOffset() {
        byte[] a = "cq.id=5 requested 16, returned 3 wake-up took 12 [us] from interrupt"
                .getBytes(StandardCharsets.ISO_8859_1);
        for (int len = 0; len <= 24; len++) {
            for (int af = 0; af + len <= a.length; af++) {
                byte[] b = Arrays.copyOfRange(a, af, af + len);
                assertEquals(true, Ascii.equals(a, af, b, 0, len));
                for (int k = 0; k < len; k++) {
                    byte[] c = b.clone();
                    c[k] ^= 1;
                    assertEquals(false, Ascii.equals(a, af, c, 0, len), "length " + len + " at " + af + " byte " + k);
                }
            }
        }
    }

    @Test
    void shouldFindTheFirstSpaceOrTabAtEveryOffset() {
        for (int at = 0; at < 20; at++) {
            for (char ws : new char[] {' ', '\t'}) {
                String s = "x".repeat(at) + ws + "y z\tw" + "v".repeat(10);
                byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
                for (int p = 0; p <= at; p++) {
                    assertEquals(at, Ascii.wsEnd(b, p, b.length), "at " + at + " from " + p);
                    assertEquals(Math.min(at, p + 3), Ascii.wsEnd(b, p, Math.min(b.length, p + 3)));
                }
            }
        }
        byte[] none = "abcdefghijklmnopqrstu".getBytes(StandardCharsets.ISO_8859_1);
        for (int p = 0; p <= none.length; p++) {
            assertEquals(none.length, Ascii.wsEnd(none, p, none.length));
        }
    }
}
