package org.ibmodel.traces;

/**
 * Reuses the strings a trace repeats on every line (comms, event names), so reading a record
 * costs no substring for them: a small direct-mapped cache keyed by the characters' hash.
 */
final class Interner {
    private final String[] slots = new String[512];

    String intern(String s, int from, int to) {
        int h = 0;
        for (int k = from; k < to; k++) {
            h = 31 * h + s.charAt(k);
        }
        int slot = (h ^ (h >>> 16)) & (slots.length - 1);
        String c = slots[slot];
        int len = to - from;
        if (c != null && c.length() == len && s.regionMatches(from, c, 0, len)) {
            return c;
        }
        c = s.substring(from, to);
        slots[slot] = c;
        return c;
    }
}
