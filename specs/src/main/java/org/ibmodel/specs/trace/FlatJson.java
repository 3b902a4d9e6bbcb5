package org.ibmodel.specs.trace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of one NDJSON line of a spec trace: an object whose values are strings, integers,
 * booleans, arrays of those, or objects of those. Parsing is strict; what it refuses it names
 * by column, and the caller adds file and line.
 */
final class FlatJson {
    private final String s;
    private int pos;

    private FlatJson(String s) {
        this.s = s;
    }

    /** The object on one line. */
    static Map<String, Object> parseObject(String line) {
        FlatJson p = new FlatJson(line);
        p.ws();
        Map<String, Object> m = p.object(0);
        p.ws();
        if (p.pos != p.s.length()) {
            throw p.error("text after the object");
        }
        return m;
    }

    private Map<String, Object> object(int depth) {
        expect('{');
        Map<String, Object> m = new LinkedHashMap<>();
        ws();
        if (peek() == '}') {
            pos++;
            return m;
        }
        while (true) {
            ws();
            String key = string();
            ws();
            expect(':');
            ws();
            if (m.put(key, value(depth)) != null) {
                throw error("duplicate key \"" + key + "\"");
            }
            ws();
            char c = next();
            if (c == '}') {
                return m;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private Object value(int depth) {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '{') {
            if (depth > 0) {
                throw error("objects nest one level at most");
            }
            return object(depth + 1);
        }
        if (c == '[') {
            if (depth > 0) {
                throw error("arrays nest one level at most");
            }
            pos++;
            List<Object> out = new ArrayList<>();
            ws();
            if (peek() == ']') {
                pos++;
                return out;
            }
            while (true) {
                ws();
                out.add(value(depth + 1));
                ws();
                char d = next();
                if (d == ']') {
                    return out;
                }
                if (d != ',') {
                    throw error("expected ',' or ']'");
                }
            }
        }
        if (s.startsWith("true", pos)) {
            pos += 4;
            return Boolean.TRUE;
        }
        if (s.startsWith("false", pos)) {
            pos += 5;
            return Boolean.FALSE;
        }
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
            pos++;
        }
        if (pos == start || (pos == start + 1 && s.charAt(start) == '-')) {
            throw error("expected a value");
        }
        try {
            return Long.parseLong(s.substring(start, pos));
        } catch (NumberFormatException e) {
            throw error("integer out of range");
        }
    }

    private String string() {
        expect('"');
        StringBuilder b = new StringBuilder();
        while (true) {
            if (pos >= s.length()) {
                throw error("unterminated string");
            }
            char c = s.charAt(pos++);
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\') {
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> b.append(e);
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'u' -> {
                        if (pos + 4 > s.length()) {
                            throw error("bad \\u escape");
                        }
                        try {
                            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw error("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> throw error("bad escape \\" + e);
                }
            } else {
                b.append(c);
            }
        }
    }

    private void ws() {
        while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
            pos++;
        }
    }

    private char peek() {
        if (pos >= s.length()) {
            throw error("unexpected end of line");
        }
        return s.charAt(pos);
    }

    private char next() {
        char c = peek();
        pos++;
        return c;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at column " + (pos + 1));
    }

    /** JSON text of a string. */
    static String quote(String v) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** JSON text of a value this class parses. */
    static void write(StringBuilder b, Object v) {
        if (v instanceof String str) {
            b.append(quote(str));
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof List<?> list) {
            b.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                write(b, list.get(i));
            }
            b.append(']');
        } else if (v instanceof Map<?, ?> map) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> en : map.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                b.append(quote(String.valueOf(en.getKey()))).append(':');
                write(b, en.getValue());
            }
            b.append('}');
        } else {
            throw new IllegalArgumentException("not a trace value: " + v);
        }
    }
}
