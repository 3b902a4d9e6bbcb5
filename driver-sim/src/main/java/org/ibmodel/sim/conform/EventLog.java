// The events a recorder has logged so far, one per spec action, as a spec trace turns them into
// NDJSON lines (org.ibmodel.specs.trace.SpecTrace)
package org.ibmodel.sim.conform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibmodel.specs.trace.SpecEvent;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.specs.trace.TraceAction;

/** Events in the order logged, each with its fields; the last one's fields may still change. */
final class EventLog {
    private final String spec;
    private final List<TraceAction> actions = new ArrayList<>();
    private final List<Map<String, Object>> fields = new ArrayList<>();

    /** A log of events of {@code spec}. */
    EventLog(String spec) {
        this.spec = spec;
    }

    /** Logs {@code a} with fields given as name, value, name, value... */
    void add(TraceAction a, Object... kv) {
        Map<String, Object> f = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            f.put((String) kv[i], kv[i + 1]);
        }
        actions.add(a);
        fields.add(f);
    }

    /** The action logged last, or null. */
    TraceAction last() {
        return actions.isEmpty() ? null : actions.get(actions.size() - 1);
    }

    /** The fields of the event logged last, to add to a step still in progress. */
    Map<String, Object> lastFields() {
        return fields.get(fields.size() - 1);
    }

    /** The trace so far, its header carrying {@code extra} (seed, scenario). */
    SpecTrace trace(Map<String, Object> extra) {
        List<SpecEvent> events = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            events.add(new SpecEvent(i + 1, i + 2, actions.get(i), new LinkedHashMap<>(fields.get(i))));
        }
        return new SpecTrace("(recorded)", List.of(spec), SpecTrace.header(List.of(spec), extra), List.copyOf(events));
    }
}
