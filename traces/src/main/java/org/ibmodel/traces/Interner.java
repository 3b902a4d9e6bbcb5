package org.ibmodel.traces;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reuses the strings a trace repeats on every line (comms, flags, event names, addresses, state
 * and device names), so reading a record costs no new String for them: a small direct-mapped
 * cache. The slot comes from the length and a few characters (the ends, where names and
 * addresses differ most, and three inside), not from every character: hashing a whole string
 * costs more than the line around it; a collision only costs a new String. Strings longer than
 * {@link #MAX_LENGTH} are not kept, so the cache holds at most {@code SLOTS * MAX_LENGTH}
 * characters whatever the trace. ASCII text read as bytes has its own slots, keyed by the bytes,
 * so it is never widened to compare it.
 */
final class Interner {
    static final int SLOTS = 512;
    static final int MAX_LENGTH = 64;

    private final String[] strings = new String[SLOTS];
    private final char[][] keys = new char[SLOTS][];
    private final String[] asciiStrings = new String[SLOTS];
    private final byte[][] asciiKeys = new byte[SLOTS][];
    // Strings of up to 16 bytes (comms, flags, event names, addresses, states: nearly all of them)
    // are keyed by their two words, so a hit costs two loads, a multiply and three compares.
    private final String[] shortStrings = new String[SLOTS];
    private final long[] shortLow = new long[SLOTS];
    private final long[] shortHigh = new long[SLOTS];
    private final int[] shortLength = new int[SLOTS];

    /** A string equal to {@code s[from, to)}. */
    String intern(char[] s, int from, int to) {
        int len = to - from;
        if (len > MAX_LENGTH) {
            return new String(s, from, len);
        }
        int slot = slot(s, from, len);
        char[] key = keys[slot];
        if (key != null && key.length == len && Arrays.equals(key, 0, len, s, from, to)) {
            return strings[slot];
        }
        String c = new String(s, from, len);
        keys[slot] = Arrays.copyOfRange(s, from, to);
        strings[slot] = c;
        return c;
    }

    /** A string equal to the ASCII bytes {@code s[from, to)}, one character per byte. */
    String intern(byte[] s, int from, int to) {
        int len = to - from;
        if (len <= 16 && from + 16 <= s.length) {
            return internShort(s, from, len);
        }
        if (len > MAX_LENGTH) {
            return new String(s, from, len, StandardCharsets.ISO_8859_1);
        }
        int slot = slot(s, from, len);
        byte[] key = asciiKeys[slot];
        if (key != null && key.length == len && Ascii.equals(key, 0, s, from, len)) {
            return asciiStrings[slot];
        }
        String c = new String(s, from, len, StandardCharsets.ISO_8859_1);
        asciiKeys[slot] = Arrays.copyOfRange(s, from, to);
        asciiStrings[slot] = c;
        return c;
    }

    /** {@link #intern(byte[], int, int)} of 16 bytes or fewer, with 16 bytes readable at {@code from}. */
    private String internShort(byte[] s, int from, int len) {
        long low = Ascii.word(s, from);
        long high = Ascii.word(s, from + 8);
        if (len < 8) {
            low &= (1L << (len << 3)) - 1;
            high = 0;
        } else if (len < 16) {
            high &= (1L << ((len - 8) << 3)) - 1;
        }
        int slot = shortSlot(low, high, len);
        if (shortLow[slot] == low && shortHigh[slot] == high && shortLength[slot] == len && shortStrings[slot] != null) {
            return shortStrings[slot];
        }
        String c = new String(s, from, len, StandardCharsets.ISO_8859_1);
        shortLow[slot] = low;
        shortHigh[slot] = high;
        shortLength[slot] = len;
        shortStrings[slot] = c;
        return c;
    }

    /** The slot of a string of up to 16 bytes, from its two words (zero beyond its end) and length. */
    static int shortSlot(long low, long high, int len) {
        long h = ((low + len) * 0x9E3779B97F4A7C15L + high) * 0xC2B2AE3D27D4EB4FL;
        return (int) (h >>> 32) & (SLOTS - 1);
    }

    /** {@link #slot(char[], int, int)} for bytes: the same characters give the same slot. */
    private static int slot(byte[] s, int from, int len) {
        if (len == 0) {
            return 0;
        }
        int last = from + len - 1;
        int h = len;
        h = h * 31 + s[from];
        h = h * 31 + s[last];
        h = h * 31 + s[Math.max(from, last - 1)];
        h = h * 31 + s[from + (len >> 1)];
        h = h * 31 + s[from + (len >> 2)];
        h = h * 31 + s[from + (3 * len >> 2)];
        h *= 0x9E3779B9;
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }

    private static int slot(char[] s, int from, int len) {
        if (len == 0) {
            return 0;
        }
        int last = from + len - 1;
        int h = len;
        h = h * 31 + s[from];
        h = h * 31 + s[last];
        h = h * 31 + s[Math.max(from, last - 1)];
        h = h * 31 + s[from + (len >> 1)];
        h = h * 31 + s[from + (len >> 2)];
        h = h * 31 + s[from + (3 * len >> 2)];
        h *= 0x9E3779B9;
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }
}
