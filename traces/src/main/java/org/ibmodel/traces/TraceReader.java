// kernel/trace/trace_output.c (trace_print_context, trace_print_lat_fmt) for the header columns
package org.ibmodel.traces;

import java.io.IOException;
import java.io.InputStream;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads ftrace text as it is found: /sys/kernel/tracing/trace with or without the irq-flags
 * column (4 or 5 characters), with the record-tgid column, {@code trace-cmd report} output, and
 * records wrapped onto continuation lines by a mail client. Streams with bounded memory: one
 * line of at most {@link #MAX_LINE} bytes and one pending record at a time.
 *
 * <p>A record line is {@code TASK-PID [CPU] FLAGS SECS.USECS: EVENT: BODY}; FLAGS and a
 * {@code (TGID)} column after TASK-PID are optional, and a function-tracer line has
 * {@code FUNC <-PARENT} in place of {@code EVENT: BODY}.
 */
public final class TraceReader {
    /** Lines longer than this are cut and reported as unparsed. */
    public static final int MAX_LINE = 64 * 1024;
    /** Unparsed text is cut to this many characters in reports. */
    static final int SHOW = 160;
    /** A line at least this long may have been wrapped by a mail client. */
    static final int WRAP_WIDTH = 60;
    /** The first bytes of a trace-cmd binary file (trace-cmd/lib/trace-cmd/trace-output.c). */
    private static final String TRACE_DAT_MAGIC = "\u0017\u0008Dtracing";

    /** What the reader found, in file order. */
    public interface Handler {
        void record(TraceRecord record);

        void unparsed(Unparsed problem);
    }

    private final Set<Layout> layouts = EnumSet.noneOf(Layout.class);
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
    private String pName;
    private Tracepoint pTp;
    private boolean pFunction;
    private final StringBuilder pBody = new StringBuilder();
    /** The body on the first line, when kept; pBody holds the whole body once wrapped. */
    private String pText;
    /** The length of the first line (after any mail quoting). */
    private int pTextLen;
    private int pLastLen;
    private Tracepoint.Event pParsed;
    private boolean pWrapped;
    private final Interner interner = new Interner();
    private final PrintFormat.Values values = new PrintFormat.Values();
    private char[] joined = new char[256];

    /** Reads {@code in} to its end, reporting every record and every line that is not one. */
    public void read(InputStream in, Handler h) throws IOException {
        LineSource src = new LineSource(in, MAX_LINE);
        while (src.advance()) {
            lines++;
            char[] l = src.chars();
            int n = src.length();
            if (lines == 1 && startsWith(l, 0, n, TRACE_DAT_MAGIC)) {
                h.unparsed(new Unparsed(1, show(l, 0, n),
                        "a trace-cmd binary file (trace.dat); convert it with `trace-cmd report`"));
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
            if (isMeta(l, from, n)) {
                flush(h);
                continue;
            }
            if (startRecord(l, from, n, h)) {
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

    /** The layouts seen so far. */
    public Set<Layout> layouts() {
        return EnumSet.copyOf(layouts.isEmpty() ? EnumSet.noneOf(Layout.class) : layouts);
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
            layouts.add(Layout.TRACE_CMD);
            return true;
        }
        // trace-cmd report: "CPU 3 is empty", "version = 6"; ftrace: "CPU:2 [LOST 120 EVENTS]"
        return startsWith(l, from, n, "CPU ") || startsWith(l, from, n, "CPU:")
                || startsWith(l, from, n, "version = ") || startsWith(l, from, n, "##### CPU");
    }

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
    private boolean startRecord(char[] l, int from, int n, Handler h) {
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
        // FLAGS (optional), then the timestamp "secs.frac:".
        int p = PrintFormat.skipWs(l, close + 1, n);
        int tokEnd = tokenEnd(l, p, n);
        int flagsFrom = -1;
        int flagsTo = -1;
        if (!isTimestamp(l, p, tokEnd)) {
            int len = tokEnd - p;
            if (len < 4 || len > 5) {
                return false;
            }
            flagsFrom = p;
            flagsTo = tokEnd;
            p = PrintFormat.skipWs(l, tokEnd, n);
            tokEnd = tokenEnd(l, p, n);
            if (!isTimestamp(l, p, tokEnd)) {
                return false;
            }
        }
        long time = timestampUs(l, p, tokEnd - 1);
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
        int commEnd = dash;
        while (commEnd > i && PrintFormat.isWs(l[commEnd - 1])) {
            commEnd--;
        }
        pComm = interner.intern(l, i, commEnd);
        pPid = pid;
        pCpu = cpu;
        pFlags = flagsFrom < 0 ? null : interner.intern(l, flagsFrom, flagsTo);
        pTime = time;
        pFunction = function;
        pParsed = null;
        pText = null;
        if (function) {
            pName = RawEvent.FUNCTION;
            pTp = null;
            pText = new String(l, body, n - body);
        } else {
            pName = interner.intern(l, body, e);
            pTp = Tracepoint.byName(pName);
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
        if (tgid) {
            layouts.add(Layout.TGID);
        }
        layouts.add(flagsFrom < 0 ? Layout.SYSFS_NO_FLAGS
                : flagsTo - flagsFrom == 5 ? Layout.SYSFS_FLAGS5 : Layout.SYSFS_FLAGS4);
        return true;
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

    /** {@code 12345.678901:} (microseconds, or nanoseconds from trace-cmd -t). */
    private static boolean isTimestamp(char[] l, int from, int to) {
        if (to - from < 3 || l[to - 1] != ':') {
            return false;
        }
        boolean dot = false;
        for (int k = from; k < to - 1; k++) {
            char c = l[k];
            if (c == '.' && !dot && k > from) {
                dot = true;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static long timestampUs(char[] l, int from, int to) {
        long secs = 0;
        int k = from;
        while (k < to && l[k] != '.') {
            secs = secs * 10 + (l[k++] - '0');
        }
        long frac = 0;
        int digits = 0;
        for (k++; k < to; k++) {
            if (digits < 6) {
                frac = frac * 10 + (l[k] - '0');
                digits++;
            }
        }
        while (digits > 0 && digits < 6) {
            frac *= 10;
            digits++;
        }
        return secs * 1_000_000L + frac;
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
        return pLastLen >= WRAP_WIDTH || pFunction && body().indexOf("<-") < 0;
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
        TraceHeader header = new TraceHeader(pComm, pPid, pCpu, pFlags, pTime);
        TraceEvent event;
        if (pTp != null) {
            event = pending();
            if (event == null) {
                h.unparsed(new Unparsed(pLine, show(pName + ": " + body()),
                        pName + ": body does not match the kernel's format \"" + pTp.format(0) + "\""));
                pName = null;
                return;
            }
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
        if (pWrapped) {
            layouts.add(Layout.WRAPPED);
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
