package org.ibmodel.traces.replay;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ibmodel.traces.Layout;
import org.ibmodel.traces.Lost;
import org.ibmodel.traces.Unparsed;

/**
 * The outcome of a replay, printable as JSON (replay --json; README.md's CLI section) or as a
 * summary for people. {@code lost}: where the kernel lost records; {@code overwritten}: the oldest
 * records the ring buffer overwrote before the trace was read, of {@code entriesWritten} (the
 * header's entries-in-buffer/entries-written says so; 0 and 0 without one).
 */
public record ReplayReport(int lines, int events, Map<String, Long> eventCounts, List<Unparsed> unparsed,
        long unparsedTotal, Map<ObjectKind, ObjectCounts> objects, List<Violation> violations, long violationsTotal,
        Set<Layout> layouts, List<Lost> lost, long overwritten, long entriesWritten) {

    /** Events the kernel lost in the middle of the trace, in all, of those whose count was said. */
    public long lostEvents() {
        long n = 0;
        for (Lost l : lost) {
            n += l.counted() ? l.events() : 0;
        }
        return n;
    }

    /** Whether every loss said how many it lost, so that {@link #lostEvents()} is all of them. */
    public boolean lostCounted() {
        return lost.stream().allMatch(Lost::counted);
    }

    /** True when no line could be read as a trace record although the input had some text. */
    public boolean nothingRead() {
        return events == 0 && unparsedTotal > 0;
    }

    public String toJson() {
        StringBuilder sb = new StringBuilder(1024);
        sb.append("{\"lines\":").append(lines).append(",\"events\":").append(events);
        sb.append(",\"event_counts\":{");
        String sep = "";
        for (Map.Entry<String, Long> e : eventCounts.entrySet()) {
            sb.append(sep);
            str(sb, e.getKey());
            sb.append(':').append(e.getValue());
            sep = ",";
        }
        sb.append("},\"unparsed\":[");
        sep = "";
        for (Unparsed u : unparsed) {
            sb.append(sep).append("{\"line\":").append(u.line()).append(",\"text\":");
            str(sb, u.text());
            sb.append('}');
            sep = ",";
        }
        sb.append(']');
        if (unparsedTotal > unparsed.size()) {
            sb.append(",\"unparsed_omitted\":").append(unparsedTotal - unparsed.size());
        }
        sb.append(",\"objects\":{");
        sep = "";
        for (Map.Entry<ObjectKind, ObjectCounts> e : objects.entrySet()) {
            ObjectCounts c = e.getValue();
            sb.append(sep);
            str(sb, e.getKey().key());
            sb.append(":{\"created\":").append(c.created()).append(",\"destroyed\":").append(c.destroyed())
                    .append(",\"live\":").append(c.live()).append(",\"adopted\":").append(c.adopted()).append('}');
            sep = ",";
        }
        sb.append("},\"violations\":[");
        sep = "";
        for (Violation v : violations) {
            sb.append(sep).append("{\"line\":").append(v.line()).append(",\"rule\":");
            str(sb, v.rule());
            sb.append(",\"message\":");
            str(sb, v.message());
            sb.append('}');
            sep = ",";
        }
        sb.append(']');
        if (violationsTotal > violations.size()) {
            sb.append(",\"violations_omitted\":").append(violationsTotal - violations.size());
        }
        if (!lost.isEmpty()) {
            sb.append(",\"lost\":[");
            sep = "";
            for (Lost l : lost) {
                sb.append(sep).append("{\"line\":").append(l.line()).append(",\"cpu\":").append(l.cpu())
                        .append(",\"events\":").append(l.counted() ? String.valueOf(l.events()) : "null").append('}');
                sep = ",";
            }
            sb.append(']');
        }
        if (overwritten > 0) {
            sb.append(",\"overwritten\":").append(overwritten);
        }
        sb.append('}');
        return sb.toString();
    }

    /** A summary: counts per kind, then every unparsed line and violation with its line number. */
    public String toText(String source) {
        StringBuilder sb = new StringBuilder();
        sb.append(source).append(": ").append(lines).append(" lines, ").append(events).append(" events");
        if (!layouts.isEmpty()) {
            sb.append(" (layout: ").append(layouts.toString().toLowerCase().replace("[", "").replace("]", ""))
                    .append(')');
        }
        sb.append('\n');
        sb.append("objects:\n");
        for (Map.Entry<ObjectKind, ObjectCounts> e : objects.entrySet()) {
            ObjectCounts c = e.getValue();
            sb.append(String.format("  %-6s created %d, destroyed %d, live %d, adopted %d%n", e.getKey().key(),
                    c.created(), c.destroyed(), c.live(), c.adopted()));
        }
        if (!eventCounts.isEmpty()) {
            sb.append("events:\n");
            for (Map.Entry<String, Long> e : eventCounts.entrySet()) {
                sb.append(String.format("  %-26s %d%n", e.getKey(), e.getValue()));
            }
        }
        if (unparsedTotal > 0) {
            sb.append("unparsed lines: ").append(unparsedTotal).append('\n');
            for (Unparsed u : unparsed) {
                sb.append("  line ").append(u.line()).append(": ").append(u.reason()).append(": ").append(u.text())
                        .append('\n');
            }
            if (unparsedTotal > unparsed.size()) {
                sb.append("  ... and ").append(unparsedTotal - unparsed.size()).append(" more\n");
            }
        }
        if (overwritten > 0) {
            sb.append("overwritten: ").append(overwritten).append(" of ").append(entriesWritten)
                    .append(" entries written, the oldest, before the first record: objects made then are")
                    .append(" adopted when first seen\n");
        }
        if (!lost.isEmpty()) {
            sb.append("lost events: ").append(lostEvents()).append(lostCounted() ? "" : " or more")
                    .append(" (the ring buffer overflowed; records are missing)\n");
            for (Lost l : lost) {
                sb.append("  line ").append(l.line()).append(": CPU ").append(l.cpu()).append(" lost ")
                        .append(l.counted() ? l.what() : "events (how many, the trace does not say)").append('\n');
            }
        }
        sb.append("violations: ").append(violationsTotal).append('\n');
        for (Violation v : violations) {
            sb.append("  line ").append(v.line()).append(": ").append(v.rule()).append(": ").append(v.message())
                    .append('\n');
        }
        return sb.toString();
    }

    static void str(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
