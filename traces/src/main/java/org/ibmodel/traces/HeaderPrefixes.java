package org.ibmodel.traces;

/**
 * The header columns before the timestamp (comm, pid, CPU, flags) of lines already read, kept by
 * their bytes: a trace repeats a few tasks on a few CPUs, so most lines start with bytes seen
 * before, and comparing them as words costs less than reading the columns again. Only prefixes
 * of at least {@link #HASHED} bytes are kept, since the slot comes from their first
 * {@code HASHED} bytes; a prefix ends where its timestamp starts.
 */
final class HeaderPrefixes {
    static final int SLOTS = 256;
    static final int HASHED = 32;

    /** One prefix and what it reads as. */
    record Prefix(byte[] key, String comm, int pid, int cpu, String flags) {
    }

    private final Prefix[] prefixes = new Prefix[SLOTS];

    /** The kept prefix {@code l[from, ...)} starts with, or null; {@code n - from >= HASHED}. */
    Prefix find(byte[] l, int from, int n) {
        Prefix p = prefixes[slot(l, from)];
        if (p == null) {
            return null;
        }
        int len = p.key.length;
        // The next byte must not be whitespace, or the line's timestamp starts later than the prefix's.
        if (len >= n - from || PrintFormat.isWs(l[from + len]) || !Ascii.equals(l, from, p.key, 0, len)) {
            return null;
        }
        return p;
    }

    /** Keeps {@code l[from, to)}, a prefix that reads as {@code p}'s fields. */
    void put(byte[] l, int from, int to, String comm, int pid, int cpu, String flags) {
        if (to - from < HASHED) {
            return;
        }
        prefixes[slot(l, from)] = new Prefix(java.util.Arrays.copyOfRange(l, from, to), comm, pid, cpu, flags);
    }

    static int slot(byte[] l, int from) {
        long h = Ascii.word(l, from) * 0x9E3779B97F4A7C15L + Ascii.word(l, from + 8);
        h = h * 0x9E3779B97F4A7C15L + Ascii.word(l, from + 16);
        h = (h * 0x9E3779B97F4A7C15L + Ascii.word(l, from + 24)) * 0xC2B2AE3D27D4EB4FL;
        return (int) (h >>> 32) & (SLOTS - 1);
    }
}
