package org.ibmodel.specs.trace;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of a spec trace: its position ({@code seq}, counted from 1, and the file line), the
 * spec action it records and the action's fields.
 */
public record SpecEvent(long seq, int line, TraceAction action, Map<String, Object> fields) {

    public long num(String field) {
        return (Long) fields.get(field);
    }

    public int qpn() {
        return (int) num("qpn");
    }

    public String str(String field) {
        return (String) fields.get(field);
    }

    public boolean bool(String field) {
        return (Boolean) fields.get(field);
    }

    @SuppressWarnings("unchecked")
    public List<Object> list(String field) {
        return (List<Object>) fields.get(field);
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> object(String field) {
        return (Map<String, Object>) fields.get(field);
    }

    /** The NDJSON line: seq and ev first, then the fields in the order given. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", seq);
        m.put("ev", action.name());
        m.putAll(fields);
        StringBuilder b = new StringBuilder();
        FlatJson.write(b, m);
        return b.toString();
    }

    @Override
    public String toString() {
        return toJson();
    }
}
