package org.ibmodel.props;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.WcStatus;
import org.ibmodel.props.VerbsAction.Outcome;
import org.ibmodel.props.VerbsAction.WcView;

/**
 * What the stateful test reached over all its runs: QP states, each verb's outcomes, the rule
 * behind each rejection, completion statuses and CQ events. The test fails when something in
 * {@link #CLAIMED} was never reached, so a change that makes part of the space unreachable (or a
 * weighting that never gets there) cannot pass quietly.
 */
final class VerbsCoverage {

    /** Everything the test claims to exercise. */
    static final List<String> CLAIMED = claimed();

    private final Map<String, Long> counts = new TreeMap<>();
    private long sequences;
    private long steps;

    void sequence() {
        sequences++;
    }

    void step(VerbsAction action, String reason, Outcome outcome) {
        steps++;
        bump("verb " + action.verb() + " " + outcome.key());
        if (action instanceof VerbsAction.ModifyQp || action instanceof VerbsAction.PostSend
                || action instanceof VerbsAction.PostRecv || action instanceof VerbsAction.PostSrqRecv
                || action instanceof VerbsAction.CreateQp || action instanceof VerbsAction.CreateCq
                || action instanceof VerbsAction.CreateSrq || action instanceof VerbsAction.DrainQp
                || action instanceof VerbsAction.DeallocPd || action instanceof VerbsAction.ArmCq) {
            String r = reason.startsWith("bad-value:") ? "bad-value" : reason;
            bump("why " + action.verb() + " " + r + " " + outcome.key());
        }
        for (WcView wc : outcome.completions()) {
            bump("wc " + wc.status().name());
        }
    }

    void qpState(QpType type, QpState state) {
        bump("state " + state.name());
        bump("state " + type.name() + " " + state.name());
    }

    void events(long upcalls, long overruns, long errors) {
        add("event cq completion upcall", upcalls);
        add("event cq overrun (completion lost)", overruns);
        add("event cq IB_EVENT_CQ_ERR delivered", errors);
    }

    private void bump(String key) {
        add(key, 1);
    }

    private void add(String key, long n) {
        if (n > 0) {
            counts.merge(key, n, Long::sum);
        }
    }

    long count(String key) {
        return counts.getOrDefault(key, 0L);
    }

    /** The claimed items that were never reached. */
    List<String> missing() {
        List<String> out = new ArrayList<>();
        for (String c : CLAIMED) {
            if (count(c) == 0) {
                out.add(c);
            }
        }
        return out;
    }

    /** One line per verb or section: {@code verb ib_post_send: -EINVAL=491 -ENOMEM=207 0=293}. */
    String report(long seed, long millis) {
        Map<String, StringBuilder> lines = new TreeMap<>();
        for (Map.Entry<String, Long> e : counts.entrySet()) {
            String[] t = e.getKey().split(" ");
            String group;
            String item;
            switch (t[0]) {
                case "verb" -> {
                    group = t[0] + " " + t[1];
                    item = t[2];
                }
                case "why" -> {
                    group = t[0] + " " + t[1];
                    item = t[2] + "/" + t[3];
                }
                case "state" -> {
                    group = t.length == 2 ? "state" : "state " + t[1];
                    item = t[t.length - 1];
                }
                default -> {
                    group = t[0];
                    item = e.getKey().substring(t[0].length() + 1).replace(' ', '_');
                }
            }
            lines.computeIfAbsent(group, g -> new StringBuilder()).append(' ').append(item).append('=')
                    .append(e.getValue());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("VerbsStatefulTest coverage: seed=%d sequences=%d steps=%d time=%dms%n",
                seed, sequences, steps, millis));
        lines.forEach((group, items) -> sb.append("  ").append(group).append(':').append(items).append('\n'));
        List<String> missing = missing();
        sb.append("  claimed: ").append(CLAIMED.size()).append(" items, missing: ")
                .append(missing.isEmpty() ? "none" : missing.toString()).append('\n');
        return sb.toString();
    }

    private static List<String> claimed() {
        List<String> c = new ArrayList<>();
        for (QpState s : QpState.values()) {
            c.add("state " + s.name());
        }
        for (QpType t : List.of(QpType.RC, QpType.UC, QpType.UD, QpType.GSI)) {
            c.add("state " + t.name() + " RTS");
        }
        c.add("state RC ERR");
        c.add("state UC SQE");
        c.add("state UD SQE");
        verb(c, "ib_alloc_pd", "0");
        verb(c, "ib_create_cq", "0", "-EINVAL");
        verb(c, "ib_alloc_cq", "0", "-EINVAL");
        verb(c, "rdma_create_ah", "0", "-EINVAL");
        verb(c, "ib_create_srq", "0", "-EINVAL");
        verb(c, "ib_create_qp", "0", "-EINVAL", "-EOPNOTSUPP");
        // The in-memory device's pools are full as rxe's are: -EINVAL (rxe_add_to_pool).
        c.add("why ib_create_cq max-cq -EINVAL");
        c.add("why ib_create_srq max-srq -EINVAL");
        c.add("why ib_create_qp max-qp -EINVAL");
        // A GSI QP's port is rxe_qp_chk_init's to check; it may have an SRQ.
        c.add("why ib_create_qp gsi-bad-port -EINVAL");
        c.add("why ib_create_qp gsi-with-srq 0");
        c.add("why ib_create_qp second-gsi -EINVAL");
        verb(c, "ib_modify_qp", "0", "-EINVAL", "-EOPNOTSUPP");
        // A bit beyond IB_QP_ATTR_STANDARD_BITS (rxe_modify_qp).
        c.add("why ib_modify_qp extra-bit -EOPNOTSUPP");
        verb(c, "ib_post_send", "0", "-EINVAL", "-ENOMEM");
        verb(c, "ib_post_recv", "0", "-EINVAL", "-ENOMEM");
        verb(c, "ib_post_srq_recv", "0", "-EINVAL", "-ENOMEM");
        verb(c, "ib_poll_cq", "0", "n>0");
        verb(c, "ib_process_cq_direct", "0", "n>0");
        verb(c, "ib_req_notify_cq", "0", "1");
        // No flags are refused: without an arm bit rxe arms nothing (rxe_req_notify_cq).
        c.add("why ib_req_notify_cq no-arm-bit 0");
        verb(c, "ib_drain_qp", "0", "WARN");
        verb(c, "ib_destroy_qp", "0");
        verb(c, "ib_destroy_cq", "0", "-EBUSY");
        verb(c, "ib_destroy_srq", "0", "-EBUSY");
        verb(c, "rdma_destroy_ah", "0");
        verb(c, "ib_dealloc_pd", "0", "WARN");
        for (String why : List.of("next", "attrs-only", "to-err", "asserted-cur-state")) {
            c.add("why ib_modify_qp " + why + " 0");
        }
        for (String why : List.of("missing-required", "wrong-state", "bad-value", "extra-bit", "asserted-cur-state",
                "sq-draining")) {
            c.add("why ib_modify_qp " + why + " -EINVAL");
        }
        for (String why : List.of("wrong-state", "too-many-sge", "bad-opcode", "inline-too-long", "bad-ah")) {
            c.add("why ib_post_send " + why + " -EINVAL");
        }
        c.add("why ib_post_send queue-full -ENOMEM");
        c.add("why ib_post_recv wrong-state -EINVAL");
        c.add("why ib_post_recv qp-has-srq -EINVAL");
        c.add("why ib_post_recv too-many-sge -EINVAL");
        c.add("why ib_post_recv queue-full -ENOMEM");
        c.add("why ib_dealloc_pd in-use WARN");
        for (WcStatus s : List.of(WcStatus.SUCCESS, WcStatus.WR_FLUSH_ERR, WcStatus.LOC_LEN_ERR, WcStatus.LOC_PROT_ERR,
                WcStatus.REM_INV_REQ_ERR, WcStatus.REM_ACCESS_ERR, WcStatus.REM_OP_ERR, WcStatus.RETRY_EXC_ERR,
                WcStatus.RNR_RETRY_EXC_ERR)) {
            c.add("wc " + s.name());
        }
        c.add("event cq completion upcall");
        c.add("event cq overrun (completion lost)");
        c.add("event cq IB_EVENT_CQ_ERR delivered");
        return List.copyOf(c);
    }

    private static void verb(List<String> c, String verb, String... outcomes) {
        for (String o : outcomes) {
            c.add("verb " + verb + " " + o);
        }
    }
}
