package org.ibmodel.traces;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Comparing and scanning ASCII text in byte arrays eight bytes at a time, with one {@code long}
 * load per word. The strings a trace line is made of are short (5 to 20 bytes), where
 * {@code Arrays.equals} on ranges costs more in its call and setup than in comparing.
 */
final class Ascii {
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long SPACES = 0x2020202020202020L;
    private static final long TABS = 0x0909090909090909L;

    private Ascii() {
    }

    /** The eight bytes at {@code s[i, i + 8)}, the first in the low byte. */
    static long word(byte[] s, int i) {
        return (long) WORDS.get(s, i);
    }

    /** Whether {@code a[af, af + len)} equals {@code b[bf, bf + len)}; both ranges must be in their arrays. */
    static boolean equals(byte[] a, int af, byte[] b, int bf, int len) {
        if (len < 8) {
            for (int k = 0; k < len; k++) {
                if (a[af + k] != b[bf + k]) {
                    return false;
                }
            }
            return true;
        }
        int last = len - 8;
        for (int k = 0; k < last; k += 8) {
            if (word(a, af + k) != word(b, bf + k)) {
                return false;
            }
        }
        // The last eight bytes, overlapping the words already compared when len is not a multiple of 8.
        return word(a, af + last) == word(b, bf + last);
    }

    /** The index of the first byte {@code c} in {@code w}, first byte first; 8 if none. */
    static int indexOf(long w, char c) {
        return Long.numberOfTrailingZeros(zeroByte(w ^ (ONES * c))) >>> 3;
    }

    /** The first space or tab in {@code s[p, to)}, or {@code to}. */
    static int wsEnd(byte[] s, int p, int to) {
        while (p + 8 <= to) {
            long w = word(s, p);
            long found = zeroByte(w ^ SPACES) | zeroByte(w ^ TABS);
            if (found != 0) {
                return p + (Long.numberOfTrailingZeros(found) >>> 3);
            }
            p += 8;
        }
        while (p < to && s[p] != ' ' && s[p] != '\t') {
            p++;
        }
        return p;
    }

    /** How many of the bytes of {@code w}, first byte first, are ASCII digits before one is not (8 if all are). */
    static int digits(long w) {
        // A byte above '9' carries into its top bit when 0x46 is added, one below '0' borrows when
        // 0x30 is taken; the lowest such byte is found exactly (carries and borrows only go up).
        long t = ((w + 0x4646464646464646L) | (w - 0x3030303030303030L)) & HIGH_BITS;
        return Long.numberOfTrailingZeros(t) >>> 3;
    }

    /** The value of the first {@code d} bytes of {@code w}, 1 to 8 ASCII digits, most significant first. */
    static long digitsValue(long w, int d) {
        // Shifted so the digits are the top d bytes: the bytes below read as leading zeros.
        long v = (w & 0x0F0F0F0F0F0F0F0FL) << ((8 - d) << 3);
        v = (v * 10 + (v >>> 8)) & 0x00FF00FF00FF00FFL;
        v = (v * 100 + (v >>> 16)) & 0x0000FFFF0000FFFFL;
        return (v * 10000 + (v >>> 32)) & 0xFFFFFFFFL;
    }

    /**
     * A word with the top bit of each byte of {@code w} that is zero set: exact for the lowest
     * such byte (higher ones may be flagged falsely after it, past where a caller looks).
     */
    private static long zeroByte(long w) {
        return (w - ONES) & ~w & HIGH_BITS;
    }
}
