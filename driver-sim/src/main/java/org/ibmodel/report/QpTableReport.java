// Renders drivers/infiniband/core/verbs.c qp_state_table (as QpStateTable holds it) for people
// and tools: JSON as README.md's CLI section gives it, and a Graphviz digraph.
package org.ibmodel.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpStateTable;
import org.ibmodel.core.QpType;

/** The QP transition table as rows: one per (from, to, type) that ib_modify_qp_is_ok can accept. */
public final class QpTableReport {

    /** One transition a QP of one type can make, with its attributes sorted by kernel name. */
    public record Row(QpState from, QpState to, QpType type, List<String> required, List<String> optional) {
    }

    private QpTableReport() {
    }

    /** Every accepted (from, to, type), in state order, then the kernel's type order. */
    public static List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        for (QpState from : QpState.values()) {
            for (QpState to : QpState.values()) {
                QpStateTable.Transition t = QpStateTable.lookup(from, to);
                if (t == null) {
                    continue;
                }
                // A valid cell accepts every type: one without bits moves with IB_QP_STATE alone.
                for (QpType type : QpType.values()) {
                    rows.add(new Row(from, to, type, names(t.required(type)), names(t.optional(type))));
                }
            }
        }
        return rows;
    }

    private static List<String> names(int mask) {
        List<String> out = new ArrayList<>();
        for (QpAttrMask b : QpAttrMask.decode(mask & ~QpAttrMask.STATE.bit())) {
            out.add(b.kernelName());
        }
        out.sort(null);
        return out;
    }

    /** {"transitions":[{"from":..,"to":..,"qp_type":..,"required":[..],"optional":[..]}, ...]} */
    public static String json() {
        StringBuilder sb = new StringBuilder("{\"transitions\":[");
        List<Row> rows = rows();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            sb.append(i == 0 ? "\n  " : ",\n  ")
                    .append("{\"from\":\"").append(r.from().kernelName())
                    .append("\",\"to\":\"").append(r.to().kernelName())
                    .append("\",\"qp_type\":\"").append(r.type().kernelName())
                    .append("\",\"required\":").append(array(r.required()))
                    .append(",\"optional\":").append(array(r.optional()))
                    .append('}');
        }
        return sb.append("\n]}\n").toString();
    }

    private static String array(List<String> names) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < names.size(); i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(names.get(i)).append('"');
        }
        return sb.append(']').toString();
    }

    /**
     * One edge per valid transition; its label lists, per group of QP types with the same
     * attributes, what is required (and in brackets what is optional).
     */
    public static String dot() {
        StringBuilder sb = new StringBuilder();
        sb.append("digraph qp_state_table {\n")
                .append("  // drivers/infiniband/core/verbs.c qp_state_table; ")
                .append("labels: types: required [optional]; IB_QP_STATE is always allowed\n")
                .append("  rankdir=LR;\n  node [shape=ellipse, fontname=\"Helvetica\"];\n")
                .append("  edge [fontname=\"Helvetica\", fontsize=9];\n");
        for (QpState s : QpState.values()) {
            sb.append("  ").append(s.kernelName()).append(";\n");
        }
        Map<String, List<Row>> byEdge = new LinkedHashMap<>();
        for (Row r : rows()) {
            byEdge.computeIfAbsent(r.from().kernelName() + " -> " + r.to().kernelName(), k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<Row>> e : byEdge.entrySet()) {
            sb.append("  ").append(e.getKey()).append(" [label=\"").append(label(e.getValue())).append("\"];\n");
        }
        return sb.append("}\n").toString();
    }

    private static String label(List<Row> rows) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (Row r : rows) {
            String attrs = shortNames(r.required()) + (r.optional().isEmpty() ? "" : " [" + shortNames(r.optional()) + "]");
            groups.computeIfAbsent(attrs, k -> new ArrayList<>()).add(r.type().name());
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<String>> g : groups.entrySet()) {
            if (sb.length() > 0) {
                sb.append("\\n");
            }
            sb.append(String.join(",", g.getValue())).append(": ")
                    .append(g.getKey().isBlank() ? "-" : g.getKey().strip());
        }
        return sb.toString();
    }

    private static String shortNames(List<String> names) {
        List<String> s = new ArrayList<>();
        for (String n : names) {
            s.add(n.substring("IB_QP_".length()));
        }
        return String.join(" ", s);
    }
}
