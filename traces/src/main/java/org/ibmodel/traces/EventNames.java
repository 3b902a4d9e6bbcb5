package org.ibmodel.traces;

import java.util.Arrays;

/**
 * The event names of lines already read, with their tracepoints, kept by their bytes: a trace
 * repeats a few names, and comparing one as words costs less than classing its bytes one at a
 * time, interning it and looking up its tracepoint. The slot comes from the eight bytes where a
 * name starts, so a name shorter than that (whose slot then depends on the text after it) is
 * usually not found and is read the long way.
 */
final class EventNames {
    static final int SLOTS = 64;

    /** A name's bytes, its String and its tracepoint (null for an event this vocabulary does not type). */
    record Name(byte[] key, String name, Tracepoint tracepoint) {
    }

    private final Name[] names = new Name[SLOTS];

    /** The kept name {@code l[at, n)} starts with, followed by its colon; null if none. */
    Name find(byte[] l, int at, int n) {
        if (at + 8 > l.length) {
            return null;
        }
        Name name = names[slot(Ascii.word(l, at))];
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
        if (at + 8 <= l.length) {
            names[slot(Ascii.word(l, at))] = new Name(Arrays.copyOfRange(l, at, end), name, tp);
        }
    }

    static int slot(long word) {
        return (int) ((word * 0x9E3779B97F4A7C15L) >>> 58);
    }
}
