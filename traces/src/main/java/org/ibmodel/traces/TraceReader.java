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

    // The pending record: a header line and any continuation lines.
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
    /** The first line of the pending record and where its body starts; pBody holds it once wrapped. */
    private String pText;
    private int pFrom;
    private final Interner interner = new Interner();
    private int pLastLen;
    private Tracepoint.Event pParsed;
    private boolean pWrapped;

    /** Reads {@code in} to its end, reporting every record and every line that is not one. */
    public void read(InputStream in, Handler h) throws IOException {
        LineSource src = new LineSource(in, MAX_LINE);
        String line;
        while ((line = src.next()) != null) {
            lines++;
            if (lines == 1 && line.startsWith(TRACE_DAT_MAGIC)) {
                h.unparsed(new Unparsed(1, show(line),
                        "a trace-cmd binary file (trace.dat); convert it with `trace-cmd report`"));
                return;
            }
            if (src.overlong()) {
                flush(h);
                h.unparsed(new Unparsed(lines, show(line), "line of " + src.fullLength()
                        + " bytes is longer than the " + MAX_LINE + "-byte limit"));
                continue;
            }
            if (src.control()) {
                flush(h);
                h.unparsed(new Unparsed(lines, show(line), "binary data, not text"));
                continue;
            }
            String l = unquote(line);
            if (isMeta(l)) {
                flush(h);
                continue;
            }
            if (startRecord(l, h)) {
                continue;
            }
            if (pName != null && isContinuation(l)) {
                if (!pWrapped) {
                    pBody.setLength(0);
                    pBody.append(pText, pFrom, pText.length());
                }
                if (pBody.length() > 0) {
                    pBody.append(' ');
                }
                pBody.append(l.trim());
                pLastLen = l.length();
                pParsed = null;
                pWrapped = true;
                continue;
            }
            flush(h);
            h.unparsed(new Unparsed(lines, show(l), records == 0
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

    /** A mail reply quotes with {@code > }; the trace is what follows. */
    private static String unquote(String l) {
        int i = 0;
        while (i < l.length() && l.charAt(i) == '>') {
            i++;
            if (i < l.length() && l.charAt(i) == ' ') {
                i++;
            }
        }
        return i == 0 ? l : l.substring(i);
    }

    private boolean isMeta(String l) {
        int i = PrintFormat.skipWs(l, 0, l.length());
        if (i == l.length() || l.charAt(i) == '#') {
            return true;
        }
        if (l.startsWith("cpus=")) {
            layouts.add(Layout.TRACE_CMD);
            return true;
        }
        // trace-cmd report: "CPU 3 is empty", "version = 6"; ftrace: "CPU:2 [LOST 120 EVENTS]"
        return l.startsWith("CPU ") || l.startsWith("CPU:") || l.startsWith("version = ")
                || l.startsWith("##### CPU");
    }

    /** Parses a record's first line into the pending record; false when it is not one. */
    private boolean startRecord(String l, Handler h) {
        int n = l.length();
        int i = PrintFormat.skipWs(l, 0, n);
        // The CPU column: " [ddd]" after TASK-PID (and an optional "(tgid)").
        int br = l.indexOf('[', i);
        int close = -1;
        while (br > i) {
            int j = br + 1;
            while (j < n && l.charAt(j) >= '0' && l.charAt(j) <= '9') {
                j++;
            }
            if (j > br + 1 && j < n && l.charAt(j) == ']' && PrintFormat.isWs(l.charAt(br - 1))) {
                close = j;
                break;
            }
            br = l.indexOf('[', br + 1);
        }
        if (close < 0) {
            return false;
        }
        int segEnd = br;
        while (segEnd > i && PrintFormat.isWs(l.charAt(segEnd - 1))) {
            segEnd--;
        }
        boolean tgid = false;
        if (segEnd > i && l.charAt(segEnd - 1) == ')') {
            int open = l.lastIndexOf('(', segEnd - 1);
            if (open <= i) {
                return false;
            }
            tgid = true;
            segEnd = open;
            while (segEnd > i && PrintFormat.isWs(l.charAt(segEnd - 1))) {
                segEnd--;
            }
        }
        int dash = l.lastIndexOf('-', segEnd - 1);
        if (dash <= i || dash == segEnd - 1) {
            return false;
        }
        int pid = 0;
        for (int k = dash + 1; k < segEnd; k++) {
            char c = l.charAt(k);
            if (c < '0' || c > '9' || k - dash > 10) {
                return false;
            }
            pid = pid * 10 + (c - '0');
        }
        int cpu = 0;
        for (int k = br + 1; k < close; k++) {
            cpu = cpu * 10 + (l.charAt(k) - '0');
        }
        // FLAGS (optional), then the timestamp "secs.frac:".
        int p = PrintFormat.skipWs(l, close + 1, n);
        int tokEnd = p;
        while (tokEnd < n && !PrintFormat.isWs(l.charAt(tokEnd))) {
            tokEnd++;
        }
        String flags = null;
        if (!isTimestamp(l, p, tokEnd)) {
            int len = tokEnd - p;
            if (len < 4 || len > 5) {
                return false;
            }
            flags = l.substring(p, tokEnd);
            p = PrintFormat.skipWs(l, tokEnd, n);
            tokEnd = p;
            while (tokEnd < n && !PrintFormat.isWs(l.charAt(tokEnd))) {
                tokEnd++;
            }
            if (!isTimestamp(l, p, tokEnd)) {
                return false;
            }
        }
        long time = timestampUs(l, p, tokEnd - 1);
        int body = PrintFormat.skipWs(l, tokEnd, n);
        // EVENT: or, for the function tracer, FUNC <-PARENT.
        int e = body;
        while (e < n && isNameChar(l.charAt(e))) {
            e++;
        }
        // Without "EVENT:" the body is the function tracer's "FUNC <-PARENT" (possibly wrapped).
        boolean function = !(e > body && e < n && l.charAt(e) == ':');
        if (function && body == n) {
            return false;
        }
        flush(h);
        pLine = lines;
        int commEnd = dash;
        while (commEnd > i && PrintFormat.isWs(l.charAt(commEnd - 1))) {
            commEnd--;
        }
        pComm = interner.intern(l, i, commEnd);
        pPid = pid;
        pCpu = cpu;
        pFlags = flags;
        pTime = time;
        pFunction = function;
        pText = l;
        if (function) {
            pName = RawEvent.FUNCTION;
            pTp = null;
            pFrom = body;
        } else {
            pName = interner.intern(l, body, e);
            pTp = Tracepoint.byName(pName);
            pFrom = PrintFormat.skipWs(l, e + 1, n);
        }
        pLastLen = l.length();
        pParsed = null;
        pWrapped = false;
        if (tgid) {
            layouts.add(Layout.TGID);
        }
        layouts.add(flags == null ? Layout.SYSFS_NO_FLAGS : flags.length() == 5 ? Layout.SYSFS_FLAGS5 : Layout.SYSFS_FLAGS4);
        return true;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    /** {@code 12345.678901:} (microseconds, or nanoseconds from trace-cmd -t). */
    private static boolean isTimestamp(String l, int from, int to) {
        if (to - from < 3 || l.charAt(to - 1) != ':') {
            return false;
        }
        boolean dot = false;
        for (int k = from; k < to - 1; k++) {
            char c = l.charAt(k);
            if (c == '.' && !dot && k > from) {
                dot = true;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static long timestampUs(String l, int from, int to) {
        long secs = 0;
        int k = from;
        while (k < to && l.charAt(k) != '.') {
            secs = secs * 10 + (l.charAt(k++) - '0');
        }
        long frac = 0;
        int digits = 0;
        for (k++; k < to; k++) {
            if (digits < 6) {
                frac = frac * 10 + (l.charAt(k) - '0');
                digits++;
            }
        }
        while (digits > 0 && digits < 6) {
            frac *= 10;
            digits++;
        }
        return secs * 1_000_000L + frac;
    }

    /** Whether {@code l} continues the pending record rather than being a line of its own. */
    private boolean isContinuation(String l) {
        if ((pWrapped ? pBody.length() : pText.length()) + l.length() > MAX_LINE) {
            return false;
        }
        if (pTp != null) {
            // A typed record continues until its body reads in full.
            return pending() == null;
        }
        return pLastLen >= WRAP_WIDTH || pFunction && body().indexOf("<-") < 0;
    }

    private Tracepoint.Event pending() {
        if (pParsed == null && pTp != null) {
            if (pWrapped) {
                String b = pBody.toString();
                pParsed = pTp.parse(b, 0, b.length());
            } else {
                pParsed = pTp.parse(pText, pFrom, pText.length());
            }
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
        return pWrapped ? pBody.toString() : pText.substring(pFrom);
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
