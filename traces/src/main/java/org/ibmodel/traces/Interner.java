package org.ibmodel.traces;

import java.util.Arrays;

/**
 * Reuses the strings a trace repeats on every line (comms, flags, event names, addresses, state
 * and device names), so reading a record costs no new String for them: a small direct-mapped
 * cache. The slot comes from the length and a few characters (the ends, where names and
 * addresses differ most, and three inside), not from every character: hashing a whole string
 * costs more than the line around it; a collision only costs a new String. Strings longer than
 * {@link #MAX_LENGTH} are not kept, so the cache holds at most {@code SLOTS * MAX_LENGTH}
 * characters whatever the trace.
 */
final class Interner {
    static final int SLOTS = 512;
    static final int MAX_LENGTH = 64;

    private final String[] strings = new String[SLOTS];
    private final char[][] keys = new char[SLOTS][];

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
