package org.ibmodel.traces;

import java.util.Arrays;

/**
 * The event names of lines already read, with their tracepoints, kept by their bytes: a trace
 * repeats a few names, and comparing one as words costs less than classing its bytes one at a
 * time, interning it and looking up its tracepoint. The slot comes from the eight bytes where a
 * name's first 16 bytes up to its colon, so names that differ only after that share a slot
 * (a miss costs reading the name the long way).
 */
final class EventNames {
    static final int SLOTS = 256;

    /** A name's bytes, its String and its tracepoint (null for an event this vocabulary does not type). */
    record Name(byte[] key, String name, Tracepoint tracepoint) {
    }

    private final Name[] names = new Name[SLOTS];

    /** The kept name {@code l[at, n)} starts with, followed by its colon; null if none. */
    Name find(byte[] l, int at, int n) {
        if (at + 16 > l.length) {
            return null;
        }
        Name name = names[slot(l, at)];
        if (name == null) {
            return null;
        }
        int len = name.key.length;
        if (at + len >= n || l[at + len] != ':' || !Ascii.equals(l, at, name.key, 0, len)) {
            return null;
        }
        return name;
    }

    /** Keeps the name {@code l[at, end)}, all name characters and followed by its colon. */
    void put(byte[] l, int at, int end, String name, Tracepoint tp) {
        if (at + 16 <= l.length) {
            names[slot(l, at)] = new Name(Arrays.copyOfRange(l, at, end), name, tp);
        }
    }

    /**
     * The slot of the name at {@code l[at, ...)}: from its first 16 bytes, those from the first
     * colon on cleared, so a name's slot does not depend on the body after it. (Prefixes such as
     * cm_event_ and icm_send_ are common, so eight bytes are not enough.)
     */
    static int slot(byte[] l, int at) {
        long low = Ascii.word(l, at);
        long high = Ascii.word(l, at + 8);
        int colon = Ascii.indexOf(low, ':');
        if (colon < 8) {
            low &= (1L << (colon << 3)) - 1;
            high = 0;
        } else {
            colon = Ascii.indexOf(high, ':');
            if (colon < 8) {
                high &= (1L << (colon << 3)) - 1;
            }
        }
        long h = low * 0x9E3779B97F4A7C15L + high * 0xC2B2AE3D27D4EB4FL;
        return (int) (((h ^ (h >>> 29)) * 0xBF58476D1CE4E5B9L) >>> 56);
    }
}
