package org.ibmodel.specs.trace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recorded run of the model as NDJSON: a header line
 * {@code {"trace":"ibmodel-spec","specs":[...],...}} naming the specs the run is a behaviour of,
 * then one {@link SpecEvent} per line, {@code seq} counting from 1 without gaps.
 */
public record SpecTrace(String file, List<String> specs, Map<String, Object> header, List<SpecEvent> events) {
    public static final String FORMAT = "ibmodel-spec";
    /** The specs a trace may name. */
    public static final List<String> SPECS = List.of("QpStateMachine", "WorkQueues", "RcTransport", "SqDrain",
            "HcaCommands", "UverbsDisassociate", "PathMigration");

    /** The largest recorded run read (a run of the demo is a few kilobytes). */
    public static final int MAX_BYTES = 256 << 20;

    public static SpecTrace read(Path p) {
        return read(p, MAX_BYTES);
    }

    /** As {@link #read(Path)}, refusing a file longer than {@code maxBytes} (an endless one too). */
    static SpecTrace read(Path p, int maxBytes) {
        try (java.io.InputStream in = Files.newInputStream(p)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new TraceFormatException(p.toString(), 0, "longer than " + sizeName(maxBytes)
                        + ", so not a recorded run this reads");
            }
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
            java.nio.CharBuffer text = java.nio.CharBuffer.allocate(bytes.length);
            java.nio.charset.CoderResult bad = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(buf, text, true);
            if (bad.isError()) {
                // Where the first byte that is no UTF-8 stands: its line, and its offset in the file.
                int at = buf.position();
                int line = 1;
                for (int i = 0; i < at; i++) {
                    line += bytes[i] == '\n' ? 1 : 0;
                }
                throw new TraceFormatException(p.toString(), line, "not UTF-8 text (byte " + at
                        + "), so not a recorded run (NDJSON)");
            }
            text.flip();
            return parse(p.toString(), new StringReader(text.toString()));
        } catch (IOException e) {
            throw new TraceFormatException(p.toString(), 0, "cannot read: "
                    + (e instanceof java.nio.file.AccessDeniedException ? "Permission denied" : e.getMessage()));
        }
    }

    private static String sizeName(int bytes) {
        return bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    public static SpecTrace parse(String file, String text) {
        try {
            return parse(file, new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a whole trace; a malformed line is a {@link TraceFormatException} naming it. */
    public static SpecTrace parse(String file, Reader in) throws IOException {
        BufferedReader r = new BufferedReader(in);
        List<SpecEvent> events = new ArrayList<>();
        Map<String, Object> header = null;
        List<String> specs = null;
        int lineNo = 0;
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            lineNo++;
            // A byte-order mark some editors write is no part of the first line's JSON.
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> m;
            try {
                m = FlatJson.parseObject(line);
            } catch (IllegalArgumentException e) {
                throw new TraceFormatException(file, lineNo, "not a JSON object: " + e.getMessage());
            }
            if (header == null) {
                if (!FORMAT.equals(m.get("trace"))) {
                    throw new TraceFormatException(file, lineNo, "the first line must be the header {\"trace\":\""
                            + FORMAT + "\",\"specs\":[...]}");
                }
                specs = new ArrayList<>();
                if (!(m.get("specs") instanceof List<?> l) || l.isEmpty()) {
                    throw new TraceFormatException(file, lineNo, "the header needs a non-empty \"specs\" list");
                }
                for (Object o : l) {
                    if (!(o instanceof String s) || !SPECS.contains(s)) {
                        throw new TraceFormatException(file, lineNo, "unknown spec " + o + "; known: " + SPECS);
                    }
                    if (specs.contains(s)) {
                        throw new TraceFormatException(file, lineNo, "the header names " + s + " twice");
                    }
                    specs.add(s);
                }
                header = m;
                continue;
            }
            events.add(event(file, lineNo, m, events.size() + 1));
        }
        if (header == null) {
            throw new TraceFormatException(file, Math.max(lineNo, 1), "empty trace: no header line");
        }
        return new SpecTrace(file, List.copyOf(specs), header, List.copyOf(events));
    }

    private static SpecEvent event(String file, int lineNo, Map<String, Object> m, long expectedSeq) {
        if (!(m.get("seq") instanceof Long seq)) {
            throw new TraceFormatException(file, lineNo, "no integer \"seq\"");
        }
        if (seq != expectedSeq) {
            throw new TraceFormatException(file, lineNo, "seq " + seq + " where " + expectedSeq + " was due");
        }
        if (!(m.get("ev") instanceof String ev)) {
            throw new TraceFormatException(file, lineNo, "no string \"ev\" (the spec action)");
        }
        TraceAction a;
        try {
            a = TraceAction.valueOf(ev);
        } catch (IllegalArgumentException e) {
            throw new TraceFormatException(file, lineNo, "unknown event \"" + ev + "\"");
        }
        Map<String, Object> fields = new LinkedHashMap<>(m);
        fields.remove("seq");
        fields.remove("ev");
        for (String key : fields.keySet()) {
            if (!a.fields().containsKey(key)) {
                throw new TraceFormatException(file, lineNo, ev + " has no field \"" + key + "\"; its fields: "
                        + new java.util.TreeSet<>(a.fields().keySet()));
            }
        }
        for (Map.Entry<String, TraceAction.Kind> f : a.fields().entrySet()) {
            Object v = fields.get(f.getKey());
            if (v == null) {
                throw new TraceFormatException(file, lineNo, ev + " without \"" + f.getKey() + "\"");
            }
            if (!TraceAction.matches(f.getValue(), v)) {
                throw new TraceFormatException(file, lineNo, ev + ": \"" + f.getKey() + "\" is not "
                        + (f.getValue() == TraceAction.Kind.STRING && v instanceof String
                                ? "a name (a letter or _, then at most 63 letters, digits, _ . or -)"
                                : f.getValue().name().toLowerCase(java.util.Locale.ROOT)));
            }
            // Numbers, handles, depths and PSNs are the spec's naturals, within a Java int (TLC's);
            // a wr_id is the kernel's u64 and goes through as it is.
            if (f.getValue() == TraceAction.Kind.INT && !f.getKey().equals("wrId")
                    && ((Long) v < 0 || (Long) v > Integer.MAX_VALUE)) {
                throw new TraceFormatException(file, lineNo, ev + ": \"" + f.getKey() + "\" is out of range (0 to "
                        + Integer.MAX_VALUE + ")");
            }
        }
        return new SpecEvent(seq, lineNo, a, fields);
    }

    /** Writes the trace as NDJSON. */
    public void write(Writer w) throws IOException {
        StringBuilder b = new StringBuilder();
        FlatJson.write(b, header);
        w.write(b.append('\n').toString());
        for (SpecEvent e : events) {
            w.write(e.toJson());
            w.write('\n');
        }
    }

    public String toNdjson() {
        java.io.StringWriter sw = new java.io.StringWriter();
        try {
            write(sw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }

    /** A header for a trace of the given specs, with extra fields (seed, model...). */
    public static Map<String, Object> header(List<String> specs, Map<String, Object> extra) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("trace", FORMAT);
        h.put("specs", List.copyOf(specs));
        h.putAll(extra);
        return h;
    }
}
