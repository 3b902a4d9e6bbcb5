// kernel/trace/trace_output.c (trace_print_context, trace_print_lat_fmt) for the header columns
package org.ibmodel.traces;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads ftrace text as it is found: /sys/kernel/tracing/trace with or without the irq-flags
 * column (4 or 5 characters), with the record-tgid column, {@code trace-cmd report} output, and
 * records wrapped onto continuation lines by a mail client. Streams with bounded memory: one
 * line of at most {@link #MAX_LINE} bytes and one pending record at a time.
 *
 * <p>A record line is {@code TASK-PID [CPU] FLAGS SECS.USECS: EVENT: BODY}; FLAGS and a
 * {@code (TGID)} column after TASK-PID are optional, and a function-tracer line has
 * {@code FUNC <-PARENT} in place of {@code EVENT: BODY}. A stack trace has {@code <stack trace>}
 * or {@code <user stack trace>} there and one {@code  => FRAME} line per frame after it
 * (trace_stack_print and trace_user_stack_print in kernel/trace/trace_output.c).
 */
public final class TraceReader {
    /** Lines longer than this are cut and reported as unparsed. */
    public static final int MAX_LINE = 64 * 1024;
    /**
     * Input with no newline in this many bytes is not a text trace, and reading stops there: a
     * trace line is a few hundred bytes (trace_seq holds one page), and /dev/zero has no end.
     */
    public static final long MAX_SCAN = 16L << 20;
    /** Unparsed text is cut to this many characters in reports. */
    static final int SHOW = 160;
    /** A line at least this long may have been wrapped by a mail client. */
    static final int WRAP_WIDTH = 60;
    /**
     * Nor longer than this: mail clients wrap at 72 to 78 columns (RFC 5322 2.1.1 asks for 78),
     * so a longer line of an event the reader does not know was not wrapped, and a line after it
     * that is no record is reported, not taken as the rest of its body.
     */
    static final int WRAP_MAX = 80;
    /** The first bytes of a trace-cmd binary file (trace-cmd/lib/trace-cmd/trace-output.c). */
    private static final String TRACE_DAT_MAGIC = "\u0017\u0008Dtracing";
    /** What trace_output.c prints for a kernel_stack and a user_stack entry, and before each frame. */
    private static final String KERNEL_STACK = "<stack trace>";
    private static final String USER_STACK = "<user stack trace>";
    private static final String FRAME = " => ";

    /** What the reader found, in file order. */
    public interface Handler {
        void record(TraceRecord record);

        void unparsed(Unparsed problem);

        /** The kernel lost records here: the ring buffer of a CPU overflowed. */
        default void lost(Lost lost) {
        }

        /**
         * The header's entries-in-buffer/entries-written (trace_print_header, print_event_info):
         * the buffer held {@code inBuffer} of the {@code written} records; the rest, the oldest,
         * were overwritten before the trace was read.
         */
        default void entries(long inBuffer, long written) {
        }
    }

    /** The width ftrace pads a comm to in the TASK-PID column (trace_print_context: {@code "%16s-%-7d"}). */
    static final int COMM_WIDTH = 16;
    /** The longest comm ftrace prints: TASK_COMM_LEN (include/linux/sched.h) less its NUL. */
    static final int COMM_MAX = 15;

    /** The layouts seen so far, one bit per {@link Layout#ordinal}: set on every record, so no Set call. */
    private int layouts;
    /** Whether a header is first checked at the sysfs columns (off only to test it against the scan). */
    private final boolean columns;
    private int lines;
    private int records;

    // The pending record: a header line and any continuation lines. Its line is read into a
    // buffer the next line overwrites, so a typed body is read when its line is, and only text
    // that may still be needed (a raw body, a typed body that does not read yet) is kept.
    private int pLine;
    private String pComm;
    private int pPid;
    private int pCpu;
    private String pFlags;
    private long pTime;
    private boolean pRawClock;
    private String pName;
    private Tracepoint pTp;
    private boolean pFunction;
    /** The entry name of a pending stack trace (kernel_stack, user_stack); null for any other record. */
    private String pStack;
    private final StringBuilder pBody = new StringBuilder();
    /** The body on the first line, when kept; pBody holds the whole body once wrapped. */
    private String pText;
    /** The length of the first line (after any mail quoting). */
    private int pTextLen;
    private int pLastLen;
    private Tracepoint.Event pParsed;
    private boolean pWrapped;
    private final Interner interner = new Interner();
    private static final int TP_SLOTS = 64;
    private final String[] tpNames = new String[TP_SLOTS];
    private final Tracepoint[] tps = new Tracepoint[TP_SLOTS];
    private final PrintFormat.Values values = new PrintFormat.Values();
    static final int COMM_SLOTS = 64;
    private final HeaderPrefixes prefixes = new HeaderPrefixes();
    private final EventNames eventNames = new EventNames();
    // The columns before the timestamp of the ASCII line being read.
    private String aComm;
    private int aPid;
    private int aCpu;
    private String aFlags;
    private final String[] comms = new String[COMM_SLOTS];
    private final long[] commLow = new long[COMM_SLOTS];
    private final long[] commHigh = new long[COMM_SLOTS];
    private char[] joined = new char[256];

    // The header columns of the line being read: comm range, pid, CPU, the CPU column's ']', the
    // (TGID) column, and the timestamp in microseconds.
    private int hCommFrom;
    private int hCommTo;
    private int hPid;
    private int hCpu;
    private int hClose;
    private boolean hTgid;
    private long hTime;
    /** Whether the timestamp just read was a clock's count (%12llu) rather than seconds and microseconds. */
    private boolean hRawClock;

    public TraceReader() {
        this(true);
    }

    /** A reader that checks the sysfs columns first ({@code columns}), or one that only scans for them. */
    TraceReader(boolean columns) {
        this.columns = columns;
    }

    /** Reads {@code in} to its end, reporting every record and every line that is not one. */
    public void read(InputStream in, Handler h) throws IOException {
        LineSource src = new LineSource(in, MAX_LINE, MAX_SCAN);
        while (src.advance()) {
            lines++;
            // The usual line is read on its bytes; the trace.dat magic has control bytes, so a
            // trace.dat never gets past control() to be read this way.
            if (columns && src.ascii() && !src.control() && !src.overlong()
                    && (pStack == null || !isFrame(src.bytes(), src.from(), src.to()))
                    && asciiRecord(src.bytes(), src.from(), src.to(), h)) {
                continue;
            }
            char[] l = src.chars();
            int n = src.length();
            if (lines == 1 && startsWith(l, 0, n, TRACE_DAT_MAGIC)) {
                h.unparsed(new Unparsed(1, show(l, 0, n),
                        "a trace-cmd binary file (trace.dat); convert it with `trace-cmd report`"));
                return;
            }
            if (src.endless()) {
                flush(h);
                h.unparsed(new Unparsed(lines, show(l, 0, n), "no newline in " + src.fullLength()
                        + " bytes: not a text trace; the rest is not read"));
                return;
            }
            if (src.overlong()) {
                flush(h);
                h.unparsed(new Unparsed(lines, show(l, 0, n), "line of " + src.fullLength()
                        + " bytes is longer than the " + MAX_LINE + "-byte limit"));
                continue;
            }
            if (src.control()) {
                flush(h);
                h.unparsed(new Unparsed(lines, show(l, 0, n), "binary data, not text"));
                continue;
            }
            int from = unquote(l, n);
            // While a stack trace is open, a line that starts as trace_stack_print starts a frame is one.
            if (pStack != null && startsWith(l, from, n, FRAME)) {
                if (!pWrapped) {
                    pBody.setLength(0);
                    pBody.append(pText);
                    pWrapped = true;
                }
                int end = n;
                while (end > from + FRAME.length() && l[end - 1] <= ' ') {
                    end--;
                }
                pBody.append('\n').append(l, from, end - from);
                continue;
            }
            // A line in the sysfs columns is never a meta line (sysfsColumns checks its first characters).
            boolean atColumns = columns && sysfsColumns(l, from, n);
            if (!atColumns && isMeta(l, from, n)) {
                flush(h);
                meta(l, from, n, h);
                continue;
            }
            if (startRecord(l, from, n, atColumns, h)) {
                continue;
            }
            if (pName != null && isContinuation(n - from)) {
                if (!pWrapped) {
                    pBody.setLength(0);
                    pBody.append(pText);
                }
                if (pBody.length() > 0) {
                    pBody.append(' ');
                }
                appendTrimmed(pBody, l, from, n);
                pLastLen = n - from;
                pParsed = null;
                pWrapped = true;
                continue;
            }
            flush(h);
            h.unparsed(new Unparsed(lines, show(l, from, n), records == 0
                    ? "not a trace record (unrecognised layout)" : "not a trace record"));
        }
        flush(h);
    }

    /** Lines read so far. */
    public int lines() {
        return lines;
    }

    /** Records read so far. */
    public int records() {
        return records;
    }

    private void saw(Layout l) {
        layouts |= 1 << l.ordinal();
    }

    /** The layouts seen so far. */
    public Set<Layout> layouts() {
        Set<Layout> seen = EnumSet.noneOf(Layout.class);
        for (Layout l : Layout.values()) {
            if ((layouts & 1 << l.ordinal()) != 0) {
                seen.add(l);
            }
        }
        return seen;
    }

    /** Whether the ASCII line {@code l[from, to)} starts with {@link #FRAME}. */
    private static boolean isFrame(byte[] l, int from, int to) {
        return to - from >= 4 && l[from] == ' ' && l[from + 1] == '=' && l[from + 2] == '>' && l[from + 3] == ' ';
    }

    /** A mail reply quotes with {@code > }; the trace is what follows. Where it starts. */
    private static int unquote(char[] l, int n) {
        int i = 0;
        while (i < n && l[i] == '>') {
            i++;
            if (i < n && l[i] == ' ') {
                i++;
            }
        }
        return i;
    }

    private boolean isMeta(char[] l, int from, int n) {
        int i = PrintFormat.skipWs(l, from, n);
        if (i == n || l[i] == '#') {
            return true;
        }
        if (startsWith(l, from, n, "cpus=")) {
            saw(Layout.TRACE_CMD);
            return true;
        }
        // trace-cmd report: "CPU 3 is empty", "version = 6"; ftrace: "CPU:2 [LOST 120 EVENTS]"
        return startsWith(l, from, n, "CPU ") || startsWith(l, from, n, "CPU:")
                || startsWith(l, from, n, "version = ") || startsWith(l, from, n, "##### CPU");
    }

    /** What a meta line says of records the trace lacks: a lost-events marker, the header's entry counts. */
    private void meta(char[] l, int from, int n, Handler h) {
        String line = new String(l, from, n - from).strip();
        Matcher m = LOST.matcher(line);
        if (m.matches()) {
            // Group 2 is the count "LOST %lu EVENTS" or "%lld EVENTS DROPPED" gives, absent when
            // the marker gives none.
            String count = m.group(2) != null ? m.group(2) : m.group(3);
            long events = count == null ? Lost.UNCOUNTED : Long.parseLong(count);
            h.lost(new Lost(lines, Integer.parseInt(m.group(1)), events));
            return;
        }
        m = ENTRIES.matcher(line);
        if (m.lookingAt()) {
            h.entries(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        }
    }

    /**
     * kernel/trace/trace.c print_trace_line: "CPU:%d [LOST %lu EVENTS]" from trace_pipe, "CPU:%d
     * [LOST EVENTS]" from trace; trace-cmd report: "CPU:%d [%lld EVENTS DROPPED]", "CPU:%d [EVENTS
     * DROPPED]".
     */
    private static final Pattern LOST =
            Pattern.compile("CPU:(\\d{1,9}) \\[(?:LOST (?:(\\d{1,18}) )?EVENTS|(?:(\\d{1,18}) )?EVENTS DROPPED)\\]");
    /** kernel/trace/trace.c print_event_info: "# entries-in-buffer/entries-written: %lu/%lu   #P:%d". */
    private static final Pattern ENTRIES =
            Pattern.compile("# entries-in-buffer/entries-written: (\\d{1,18})/(\\d{1,18})");

    private static boolean startsWith(char[] l, int from, int n, String prefix) {
        int len = prefix.length();
        if (n - from < len) {
            return false;
        }
        for (int k = 0; k < len; k++) {
            if (l[from + k] != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** Parses a record's first line, {@code l[from, n)}, into the pending record; false when it is not one. */
    private boolean startRecord(char[] l, int from, int n, boolean atColumns, Handler h) {
        if (!atColumns && !scanColumns(l, from, n)) {
            return false;
        }
        int close = hClose;
        // FLAGS (optional), then the timestamp "secs.frac:".
        int p = PrintFormat.skipWs(l, close + 1, n);
        int flagsFrom = -1;
        int flagsTo = -1;
        int tokEnd = timestamp(l, p, n);
        if (tokEnd < 0) {
            int flagsEnd = tokenEnd(l, p, n);
            if (!flagsWidth(flagsEnd - p)) {
                return false;
            }
            flagsFrom = p;
            flagsTo = flagsEnd;
            p = PrintFormat.skipWs(l, flagsEnd, n);
            tokEnd = timestamp(l, p, n);
            if (tokEnd < 0) {
                return false;
            }
        }
        long time = hTime;
        boolean rawClock = hRawClock;
        int body = PrintFormat.skipWs(l, tokEnd, n);
        // EVENT: or, for the function tracer, FUNC <-PARENT.
        int e = body;
        while (e < n && isNameChar(l[e])) {
            e++;
        }
        // Without "EVENT:" the body is the function tracer's "FUNC <-PARENT" (possibly wrapped).
        boolean function = !(e > body && e < n && l[e] == ':');
        if (function && body == n) {
            return false;
        }
        flush(h);
        pLine = lines;
        pComm = interner.intern(l, hCommFrom, hCommTo);
        pPid = hPid;
        pCpu = hCpu;
        pFlags = flagsFrom < 0 ? null : interner.intern(l, flagsFrom, flagsTo);
        pTime = time;
        pRawClock = rawClock;
        pFunction = function;
        pParsed = null;
        pText = null;
        pStack = null;
        if (function) {
            pName = RawEvent.FUNCTION;
            pTp = null;
            pText = new String(l, body, n - body).stripTrailing();
            pStack = pText.equals(KERNEL_STACK) ? RawEvent.KERNEL_STACK
                    : pText.equals(USER_STACK) ? RawEvent.USER_STACK : null;
            if (pStack == null) {
                pText = new String(l, body, n - body);
            }
        } else {
            pName = interner.intern(l, body, e);
            pTp = tracepoint(pName);
            int bodyFrom = PrintFormat.skipWs(l, e + 1, n);
            if (pTp != null) {
                pParsed = pTp.parse(l, bodyFrom, n, interner, values);
            }
            if (pParsed == null) {
                pText = new String(l, bodyFrom, n - bodyFrom);
            }
        }
        pTextLen = n - from;
        pLastLen = n - from;
        pWrapped = false;
        if (hTgid) {
            saw(Layout.TGID);
        }
        saw(flagsLayout(flagsFrom < 0 ? 0 : flagsTo - flagsFrom));
        return true;
    }

    /**
     * The TASK-PID and CPU columns where /sys/kernel/tracing/trace prints them
     * ({@code "%16s-%-7d [%03d] "}, or {@code %-5d} before Linux 5.x): the comm right-aligned in
     * 16 columns, the dash in the 17th, the pid and its padding, then {@code [cpu]}. Checked where
     * they are expected, so the usual line is read without searching; false (and nothing read)
     * whenever the line is not exactly that, and {@link #scanColumns} decides. Gives what the scan
     * would give: a {@code [} in the comm, which the scan might take for the CPU column, is left
     * to it, and so is a line that {@link #isMeta} might take (one starting with {@code #}, or
     * with the first letter of one of its prefixes).
     */
    private boolean sysfsColumns(char[] l, int from, int n) {
        int dash = from + COMM_WIDTH;
        if (n - dash < 6 || l[dash] != '-') {
            return false;
        }
        char first = l[from];
        if (first == 'c' || first == 'C' || first == 'v') {
            return false;
        }
        // One pass over the comm column: where the comm starts and ends, and no '['.
        int i = -1;
        int commTo = from;
        for (int k = from; k < dash; k++) {
            char c = l[k];
            if (!PrintFormat.isWs(c)) {
                if (c == '[') {
                    return false;
                }
                if (i < 0) {
                    i = k;
                }
                commTo = k + 1;
            }
        }
        // A comm that fills the column is longer than COMM_MAX: not what "%16s" printed.
        if (i < 0 || l[i] == '#' || i == from) {
            return false;
        }
        int k = dash + 1;
        int pid = 0;
        char c;
        // The pid, left-aligned and padded with spaces to the CPU column.
        while (k < n && (c = l[k]) >= '0' && c <= '9') {
            pid = pid * 10 + (c - '0');
            k++;
        }
        if (k == dash + 1 || k - dash > 11 || k >= n || l[k] != ' ') {
            return false;
        }
        while (k < n && l[k] == ' ') {
            k++;
        }
        if (k >= n || l[k] != '[') {
            return false;
        }
        int j = k + 1;
        int cpu = 0;
        while (j < n && (c = l[j]) >= '0' && c <= '9') {
            cpu = cpu * 10 + (c - '0');
            j++;
        }
        if (j == k + 1 || j >= n || l[j] != ']') {
            return false;
        }
        hCommFrom = i;
        hCommTo = commTo;
        hPid = pid;
        hCpu = cpu;
        hClose = j;
        hTgid = false;
        return true;
    }

    /**
     * {@link #sysfsColumns} and {@link #startRecord} on an ASCII line's bytes, {@code l[from, n)},
     * where {@link LineSource} read them, for the usual line: the sysfs columns, a timestamp,
     * {@code EVENT:} and a body that reads (typed) or is kept (raw). Saves widening the line and
     * reading it as characters. False, with nothing changed, for any other line (quoted, wrapped,
     * function tracer, other layouts), which the character path then reads as before.
     */
    private boolean asciiRecord(byte[] l, int from, int n, Handler h) {
        int p;
        HeaderPrefixes.Prefix known = n - from > HeaderPrefixes.HASHED ? prefixes.find(l, from, n) : null;
        if (known != null) {
            p = from + known.key().length;
            aComm = known.comm();
            aPid = known.pid();
            aCpu = known.cpu();
            aFlags = known.flags();
        } else {
            p = asciiPrefix(l, from, n);
            if (p < 0) {
                return false;
            }
            prefixes.put(l, from, p, aComm, aPid, aCpu, aFlags);
        }
        int tokEnd = timestamp(l, p, n);
        if (tokEnd < 0) {
            return false;
        }
        int body = PrintFormat.skipWs(l, tokEnd, n);
        int e;
        String name;
        Tracepoint tp;
        EventNames.Name seen = eventNames.find(l, body, n);
        if (seen != null) {
            e = body + seen.key().length;
            name = seen.name();
            tp = seen.tracepoint();
        } else {
            e = body;
            while (e < n && isNameChar(l[e])) {
                e++;
            }
            if (e == body || e >= n || l[e] != ':') {
                return false;
            }
            name = interner.intern(l, body, e);
            tp = tracepoint(name);
            eventNames.put(l, body, e, name, tp);
        }
        int bodyFrom = PrintFormat.skipWs(l, e + 1, n);
        Tracepoint.Event parsed = null;
        if (tp != null) {
            parsed = tp.parse(l, bodyFrom, n, interner, values);
            if (parsed == null) {
                return false;
            }
        }
        flush(h);
        pLine = lines;
        pComm = aComm;
        pPid = aPid;
        pCpu = aCpu;
        pFlags = aFlags;
        pTime = hTime;
        pRawClock = hRawClock;
        pFunction = false;
        pStack = null;
        pName = name;
        pTp = tp;
        pParsed = parsed;
        pText = tp == null ? new String(l, bodyFrom, n - bodyFrom, StandardCharsets.ISO_8859_1) : null;
        pTextLen = n - from;
        pLastLen = n - from;
        pWrapped = false;
        saw(flagsLayout(aFlags == null ? 0 : aFlags.length()));
        return true;
    }

    /**
     * Reads the columns before the timestamp of {@code l[from, n)} as {@link #sysfsColumns} and
     * {@link #startRecord} do, into {@link #aComm}, {@link #aPid}, {@link #aCpu} and
     * {@link #aFlags}; where the timestamp starts, or -1 where they decline the line.
     */
    private int asciiPrefix(byte[] l, int from, int n) {
        int dash = from + COMM_WIDTH;
        if (n - dash < 6 || l[dash] != '-') {
            return -1;
        }
        String comm = commColumn(l, from);
        if (comm == null) {
            return -1;
        }
        int k = dash + 1;
        int pid = 0;
        int c;
        while (k < n && (c = l[k] - '0') >= 0 && c <= 9) {
            pid = pid * 10 + c;
            k++;
        }
        if (k == dash + 1 || k - dash > 11 || k >= n || l[k] != ' ') {
            return -1;
        }
        while (k < n && l[k] == ' ') {
            k++;
        }
        if (k >= n || l[k] != '[') {
            return -1;
        }
        int j = k + 1;
        int cpu = 0;
        while (j < n && (c = l[j] - '0') >= 0 && c <= 9) {
            cpu = cpu * 10 + c;
            j++;
        }
        if (j == k + 1 || j >= n || l[j] != ']') {
            return -1;
        }
        // startRecord from here on: FLAGS (optional) before the timestamp.
        int p = PrintFormat.skipWs(l, j + 1, n);
        String flags = null;
        if (timestamp(l, p, n) < 0) {
            int flagsEnd = p;
            while (flagsEnd < n && !PrintFormat.isWs(l[flagsEnd])) {
                flagsEnd++;
            }
            if (!flagsWidth(flagsEnd - p)) {
                return -1;
            }
            flags = interner.intern(l, p, flagsEnd);
            p = PrintFormat.skipWs(l, flagsEnd, n);
        }
        aComm = comm;
        aPid = pid;
        aCpu = cpu;
        aFlags = flags;
        return p;
    }

    /**
     * The comm in the 16-byte comm column at {@code l[from, from + 16)}, read as
     * {@link #sysfsColumns} reads it; null where that declines the line. A trace has few tasks,
     * so the answer is kept by the column's two words and most lines are read with two loads.
     */
    private String commColumn(byte[] l, int from) {
        long low = Ascii.word(l, from);
        long high = Ascii.word(l, from + 8);
        int slot = commSlot(low, high);
        String comm = comms[slot];
        if (comm != null && commLow[slot] == low && commHigh[slot] == high) {
            return comm;
        }
        byte first = l[from];
        if (first == 'c' || first == 'C' || first == 'v' || first == '>') {
            return null;
        }
        int i = -1;
        int commTo = from;
        for (int k = from; k < from + COMM_WIDTH; k++) {
            byte c = l[k];
            if (!PrintFormat.isWs(c)) {
                if (c == '[') {
                    return null;
                }
                if (i < 0) {
                    i = k;
                }
                commTo = k + 1;
            }
        }
        if (i < 0 || l[i] == '#' || i == from) {
            return null;
        }
        comm = interner.intern(l, i, commTo);
        comms[slot] = comm;
        commLow[slot] = low;
        commHigh[slot] = high;
        return comm;
    }

    /**
     * Whether a token of this length can be the irq-info flags column (trace_print_lat_fmt in
     * kernel/trace/trace_output.c): 4 characters before Linux 5.14, 5 since (migrate-disable),
     * 7 on a kernel with the PREEMPT_RT patch set (need-resched-lazy, preempt-lazy-depth).
     */
    private static boolean flagsWidth(int len) {
        return len == 4 || len == 5 || len == 7;
    }

    /** The layout a flags column of this width (0: none) says the trace has. */
    private static Layout flagsLayout(int width) {
        return switch (width) {
            case 0 -> Layout.SYSFS_NO_FLAGS;
            case 4 -> Layout.SYSFS_FLAGS4;
            case 7 -> Layout.SYSFS_FLAGS7;
            default -> Layout.SYSFS_FLAGS5;
        };
    }

    /** The slot of a comm column, from its two words. */
    static int commSlot(long low, long high) {
        long h = (low * 0x9E3779B97F4A7C15L + high) * 0xC2B2AE3D27D4EB4FL;
        return (int) (h >>> 32) & (COMM_SLOTS - 1);
    }

    /** {@link #timestamp(char[], int, int)} on ASCII bytes. */
    private int timestamp(byte[] l, int p, int n) {
        // The usual token, "secs.micros:" with up to 7 digits of seconds, read a word at a time.
        if (p + 16 <= l.length) {
            long w = Ascii.word(l, p);
            int d = Ascii.digits(w);
            int colon = p + d + 7;
            if (d > 0 && d < 8 && colon < n && l[p + d] == '.' && l[colon] == ':'
                    && (colon + 1 == n || PrintFormat.isWs(l[colon + 1]))) {
                long f = Ascii.word(l, p + d + 1);
                if (Ascii.digits(f) == 6) {
                    hTime = Ascii.digitsValue(w, d) * 1_000_000L + Ascii.digitsValue(f, 6);
                    hRawClock = false;
                    return colon + 1;
                }
            }
        }
        int k = p;
        long secs = 0;
        int c;
        while (k < n && (c = l[k] - '0') >= 0 && c <= 9) {
            secs = secs * 10 + c;
            k++;
        }
        int secsEnd = k;
        long frac = 0;
        int digits = 0;
        boolean dot = k > p && k < n && l[k] == '.';
        if (dot) {
            k++;
            while (k < n && (c = l[k] - '0') >= 0 && c <= 9) {
                if (digits < 6) {
                    frac = frac * 10 + c;
                    digits++;
                }
                k++;
            }
        }
        if (k >= n || l[k] != ':' || k + 1 - p < 3 || k + 1 < n && !PrintFormat.isWs(l[k + 1])) {
            return -1;
        }
        if (!dot) {
            return count(new String(l, p, secsEnd - p, StandardCharsets.ISO_8859_1)) ? k + 1 : -1;
        }
        while (digits > 0 && digits < 6) {
            frac *= 10;
            digits++;
        }
        hTime = secs * 1_000_000L + frac;
        hRawClock = false;
        return k + 1;
    }

    /** {@link #isNameChar(char)} for an ASCII byte, by table: an event name is read a byte per step. */
    private static boolean isNameChar(byte c) {
        return c >= 0 && NAME_CHARS[c];
    }

    private static final boolean[] NAME_CHARS = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            NAME_CHARS[c] = isNameChar(c);
        }
    }

    /** The TASK-PID, optional (TGID) and CPU columns in any layout, found by searching for {@code [cpu]}. */
    private boolean scanColumns(char[] l, int from, int n) {
        int i = PrintFormat.skipWs(l, from, n);
        // The CPU column: " [ddd]" after TASK-PID (and an optional "(tgid)").
        int br = indexOf(l, '[', i, n);
        int close = -1;
        while (br > i) {
            int j = br + 1;
            while (j < n && l[j] >= '0' && l[j] <= '9') {
                j++;
            }
            if (j > br + 1 && j < n && l[j] == ']' && PrintFormat.isWs(l[br - 1])) {
                close = j;
                break;
            }
            br = indexOf(l, '[', br + 1, n);
        }
        if (close < 0) {
            return false;
        }
        int segEnd = br;
        while (segEnd > i && PrintFormat.isWs(l[segEnd - 1])) {
            segEnd--;
        }
        boolean tgid = false;
        if (segEnd > i && l[segEnd - 1] == ')') {
            int open = lastIndexOf(l, '(', from, segEnd - 1);
            if (open <= i) {
                return false;
            }
            tgid = true;
            segEnd = open;
            while (segEnd > i && PrintFormat.isWs(l[segEnd - 1])) {
                segEnd--;
            }
        }
        int dash = lastIndexOf(l, '-', from, segEnd - 1);
        if (dash <= i || dash == segEnd - 1) {
            return false;
        }
        int pid = 0;
        for (int k = dash + 1; k < segEnd; k++) {
            char c = l[k];
            if (c < '0' || c > '9' || k - dash > 10) {
                return false;
            }
            pid = pid * 10 + (c - '0');
        }
        int cpu = 0;
        for (int k = br + 1; k < close; k++) {
            cpu = cpu * 10 + (l[k] - '0');
        }
        int commTo = dash;
        while (commTo > i && PrintFormat.isWs(l[commTo - 1])) {
            commTo--;
        }
        if (commTo - i > COMM_MAX) {
            return false;
        }
        hCommFrom = i;
        hCommTo = commTo;
        hPid = pid;
        hCpu = cpu;
        hClose = close;
        hTgid = tgid;
        return true;
    }

    /**
     * {@link Tracepoint#byName}, remembered for the name strings the interner hands out: a trace
     * repeats a few event names, and comparing the same String by identity costs less than a
     * map lookup that compares its characters.
     */
    private Tracepoint tracepoint(String name) {
        int slot = name.hashCode() & (TP_SLOTS - 1);
        if (tpNames[slot] != name) {
            tps[slot] = Tracepoint.byName(name);
            tpNames[slot] = name;
        }
        return tps[slot];
    }

    private static int indexOf(char[] l, char c, int from, int n) {
        for (int k = from; k < n; k++) {
            if (l[k] == c) {
                return k;
            }
        }
        return -1;
    }

    /** The last {@code c} in {@code l[from, at]}, or -1. */
    private static int lastIndexOf(char[] l, char c, int from, int at) {
        for (int k = at; k >= from; k--) {
            if (l[k] == c) {
                return k;
            }
        }
        return -1;
    }

    private static int tokenEnd(char[] l, int p, int n) {
        while (p < n && !PrintFormat.isWs(l[p])) {
            p++;
        }
        return p;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    /**
     * Reads a timestamp token at {@code l[p, ...)} in one pass: {@code 12345.678901:} (microseconds,
     * or nanoseconds from trace-cmd -t, cut to microseconds), digits with at most one dot that is
     * not first, then a colon that ends the token. Where the token ends, its value in
     * {@link #hTime}; -1 when the token is not a timestamp.
     */
    private int timestamp(char[] l, int p, int n) {
        int k = p;
        long secs = 0;
        char c;
        while (k < n && (c = l[k]) >= '0' && c <= '9') {
            secs = secs * 10 + (c - '0');
            k++;
        }
        int secsEnd = k;
        long frac = 0;
        int digits = 0;
        boolean dot = k > p && k < n && l[k] == '.';
        if (dot) {
            k++;
            while (k < n && (c = l[k]) >= '0' && c <= '9') {
                if (digits < 6) {
                    frac = frac * 10 + (c - '0');
                    digits++;
                }
                k++;
            }
        }
        if (k >= n || l[k] != ':' || k + 1 - p < 3 || k + 1 < n && !PrintFormat.isWs(l[k + 1])) {
            return -1;
        }
        if (!dot) {
            return count(new String(l, p, secsEnd - p)) ? k + 1 : -1;
        }
        while (digits > 0 && digits < 6) {
            frac *= 10;
            digits++;
        }
        hTime = secs * 1_000_000L + frac;
        hRawClock = false;
        return k + 1;
    }

    /**
     * A timestamp without a dot: trace_print_time's {@code %12llu} of a clock not counted in
     * nanoseconds. Its count, unsigned, into {@link #hTime}; false when it is past 64 bits.
     */
    private boolean count(String digits) {
        try {
            hTime = Long.parseUnsignedLong(digits);
        } catch (NumberFormatException e) {
            return false;
        }
        hRawClock = true;
        return true;
    }

    /** Appends {@code l[from, n)} without leading and trailing spaces and controls, as String.trim. */
    private static void appendTrimmed(StringBuilder sb, char[] l, int from, int n) {
        while (from < n && l[from] <= ' ') {
            from++;
        }
        while (n > from && l[n - 1] <= ' ') {
            n--;
        }
        sb.append(l, from, n - from);
    }

    /** Whether a line of {@code len} characters continues the pending record rather than being a line of its own. */
    private boolean isContinuation(int len) {
        if ((pWrapped ? pBody.length() : pTextLen) + len > MAX_LINE) {
            return false;
        }
        if (pTp != null) {
            // A typed record continues until its body reads in full.
            return pending() == null;
        }
        if (pStack != null) {
            // Only its frames continue a stack trace.
            return false;
        }
        return pLastLen >= WRAP_WIDTH && pLastLen <= WRAP_MAX || pFunction && body().indexOf("<-") < 0;
    }

    /** The typed body; read when the first line is, and again from the joined text once wrapped. */
    private Tracepoint.Event pending() {
        if (pParsed == null && pTp != null && pWrapped) {
            int len = pBody.length();
            if (joined.length < len) {
                joined = new char[Math.max(len, joined.length * 2)];
            }
            pBody.getChars(0, len, joined, 0);
            pParsed = pTp.parse(joined, 0, len, interner, values);
        }
        return pParsed;
    }

    private void flush(Handler h) {
        if (pName != null) {
            emit(h);
        }
    }

    private void emit(Handler h) {
        TraceHeader header = new TraceHeader(pComm, pPid, pCpu, pFlags, pTime, pRawClock);
        TraceEvent event;
        if (pTp != null) {
            event = pending();
            if (event == null) {
                h.unparsed(new Unparsed(pLine, show(pName + ": " + body()),
                        pName + ": body does not match the kernel's format \"" + pTp.format(0) + "\""));
                pName = null;
                return;
            }
        } else if (pStack != null) {
            event = RawEvent.stack(pStack, body());
        } else if (pFunction) {
            String text = body();
            if (text.indexOf("<-") < 0) {
                h.unparsed(new Unparsed(pLine, show(text),
                        "neither \"EVENT: BODY\" nor a function tracer's \"FUNC <-PARENT\" after the timestamp"));
                pName = null;
                return;
            }
            event = RawEvent.function(text);
        } else {
            event = RawEvent.event(pName, body());
        }
        if (pWrapped && pStack == null) {
            saw(Layout.WRAPPED);
        }
        records++;
        pName = null;
        h.record(new TraceRecord(pLine, header, event));
    }

    /** The pending record's body text. */
    private String body() {
        return pWrapped ? pBody.toString() : pText;
    }

    /** {@link #show(String)} of {@code l[from, n)}, copying no more of a long line than is shown. */
    static String show(char[] l, int from, int n) {
        return show(new String(l, from, Math.min(n - from, SHOW + 1)));
    }

    static String show(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), SHOW) + 8);
        for (int k = 0; k < s.length() && sb.length() < SHOW; k++) {
            char c = s.charAt(k);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (sb.length() >= SHOW && s.length() > SHOW) {
            sb.append("...");
        }
        return sb.toString();
    }
}
