package org.ibmodel.specs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} beside the specs, as in tlaplus/Examples: the modules, and per
 * configuration the spec it checks, its root module and the expected state counts (or, for a
 * mutant, the property it must violate).
 *
 * <pre>
 * {"modules": ["RcTransport.tla", "MCRcTransport.tla"],
 *  "configs": [{"spec": "RcTransport", "module": "MCRcTransport", "cfg": "MCRcTransport.cfg",
 *               "generated": 398717, "distinct": 61112, "depth": 30}]}
 * </pre>
 */
public record Manifest(List<String> modules, List<SpecConfig> configs) {

    /** Parses a manifest; {@code origin} names it in error messages. */
    public static Manifest parse(String json, String origin) {
        Object root = new Parser(json, origin).document();
        if (!(root instanceof Map<?, ?> top)) {
            throw new SpecException(origin + ":1: a manifest is a JSON object");
        }
        List<String> modules = new ArrayList<>();
        for (Object m : list(top.get("modules"), origin, "modules")) {
            modules.add(String.valueOf(m));
        }
        List<SpecConfig> configs = new ArrayList<>();
        for (Object o : list(top.get("configs"), origin, "configs")) {
            if (!(o instanceof Map<?, ?> c)) {
                throw new SpecException(origin + ": each entry of configs is an object");
            }
            configs.add(new SpecConfig(text(c, "spec", origin), text(c, "module", origin), text(c, "cfg", origin),
                    number(c, "generated"), number(c, "distinct"), (int) number(c, "depth"),
                    c.get("violates") == null ? null : String.valueOf(c.get("violates"))));
        }
        if (configs.isEmpty()) {
            // A check of nothing would pass: say so instead.
            throw new SpecException(origin + ": \"configs\" lists no configuration to check");
        }
        return new Manifest(List.copyOf(modules), List.copyOf(configs));
    }

    private static List<?> list(Object o, String origin, String key) {
        if (!(o instanceof List<?> l)) {
            throw new SpecException(origin + ": \"" + key + "\" must be an array");
        }
        return l;
    }

    private static String text(Map<?, ?> c, String key, String origin) {
        Object v = c.get(key);
        if (!(v instanceof String s)) {
            throw new SpecException(origin + ": a config entry lacks \"" + key + "\"");
        }
        return s;
    }

    private static long number(Map<?, ?> c, String key) {
        return c.get(key) instanceof Long l ? l : -1;
    }

    /** Just enough JSON for a manifest: objects, arrays, strings, integers, null. */
    private static final class Parser {
        private final String s;
        private final String origin;
        private int pos;

        Parser(String s, String origin) {
            this.s = s;
            this.origin = origin;
        }

        Object document() {
            Object v = value();
            skipSpace();
            if (pos != s.length()) {
                throw error("trailing text");
            }
            return v;
        }

        private Object value() {
            skipSpace();
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(pos);
            if (c == '{') {
                Map<String, Object> m = new LinkedHashMap<>();
                pos++;
                skipSpace();
                if (peek('}')) {
                    return m;
                }
                do {
                    skipSpace();
                    String k = string();
                    skipSpace();
                    expect(':');
                    m.put(k, value());
                    skipSpace();
                } while (peek(','));
                expect('}');
                return m;
            }
            if (c == '[') {
                List<Object> l = new ArrayList<>();
                pos++;
                skipSpace();
                if (peek(']')) {
                    return l;
                }
                do {
                    l.add(value());
                    skipSpace();
                } while (peek(','));
                expect(']');
                return l;
            }
            if (c == '"') {
                return string();
            }
            if (s.startsWith("null", pos)) {
                pos += 4;
                return null;
            }
            int start = pos;
            if (c == '-') {
                pos++;
            }
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            if (start == pos) {
                throw error("unexpected '" + c + "'");
            }
            return Long.parseLong(s.substring(start, pos));
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (pos < s.length() && s.charAt(pos) != '"') {
                char c = s.charAt(pos++);
                if (c == '\\' && pos < s.length()) {
                    c = s.charAt(pos++);
                }
                b.append(c);
            }
            expect('"');
            return b.toString();
        }

        private boolean peek(char c) {
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private SpecException error(String what) {
            int line = 1;
            for (int i = 0; i < Math.min(pos, s.length()); i++) {
                if (s.charAt(i) == '\n') {
                    line++;
                }
            }
            return new SpecException(origin + ":" + line + ": " + what);
        }
    }
}
