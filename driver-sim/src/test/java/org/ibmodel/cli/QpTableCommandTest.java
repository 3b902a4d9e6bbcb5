package org.ibmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The qp-table contract of its --help and README.md's CLI section, checked on the CLI's own output. */
class QpTableCommandTest {
    private static final Pattern ENTRY = Pattern.compile(
            "\\{\"from\":\"(IB_QPS_\\w+)\",\"to\":\"(IB_QPS_\\w+)\",\"qp_type\":\"(IB_QPT_\\w+)\","
                    + "\"required\":\\[([^\\]]*)\\],\"optional\":\\[([^\\]]*)\\]\\}");

    record Entry(String from, String to, String type, List<String> required, List<String> optional) {
    }

    private static List<Entry> entries(String json) {
        List<Entry> out = new ArrayList<>();
        Matcher m = ENTRY.matcher(json);
        while (m.find()) {
            out.add(new Entry(m.group(1), m.group(2), m.group(3), names(m.group(4)), names(m.group(5))));
        }
        return out;
    }

    private static List<String> names(String list) {
        List<String> out = new ArrayList<>();
        for (String s : list.split(",")) {
            if (!s.isBlank()) {
                out.add(s.replace("\"", ""));
            }
        }
        return out;
    }

    private static Entry find(List<Entry> all, String from, String to, String type) {
        return all.stream().filter(e -> e.from.equals(from) && e.to.equals(to) && e.type.equals(type))
                .findFirst().orElse(null);
    }

    @Test
    void shouldPrintOneEntryPerValidCellAndType() {
        CliRun run = CliRun.of("qp-table", "--json");
        assertEquals(0, run.exit());
        assertTrue(run.out().startsWith("{\"transitions\":["), run.out());
        List<Entry> all = entries(run.out());
        // verbs.c has 22 valid cells; each of the 8 modelled types appears in each.
        assertEquals(22 * 8, all.size());
        int braces = run.out().split("\\{\"from\"", -1).length - 1;
        assertEquals(all.size(), braces, "every entry must match the schema exactly");
    }

    @Test
    void shouldListRcRtrToRtsRequirementsSortedByName() {
        // drivers/infiniband/core/verbs.c: RTR->RTS for RC needs timeout, retry counts, SQ PSN, max_rd_atomic
        Entry e = find(entries(CliRun.of("qp-table", "--json").out()), "IB_QPS_RTR", "IB_QPS_RTS", "IB_QPT_RC");
        assertEquals(List.of("IB_QP_MAX_QP_RD_ATOMIC", "IB_QP_RETRY_CNT", "IB_QP_RNR_RETRY", "IB_QP_SQ_PSN",
                "IB_QP_TIMEOUT"), e.required());
        assertEquals(List.of("IB_QP_ACCESS_FLAGS", "IB_QP_ALT_PATH", "IB_QP_CUR_STATE", "IB_QP_MIN_RNR_TIMER",
                "IB_QP_PATH_MIG_STATE"), e.optional());
    }

    @Test
    void shouldNeverListIbQpStateOrInvalidMoves() {
        List<Entry> all = entries(CliRun.of("qp-table", "--json").out());
        for (Entry e : all) {
            assertFalse(e.required().contains("IB_QP_STATE"), e.toString());
            assertFalse(e.optional().contains("IB_QP_STATE"), e.toString());
            List<String> sorted = new ArrayList<>(e.required());
            sorted.sort(null);
            assertEquals(sorted, e.required());
        }
        // drivers/infiniband/core/verbs.c: RESET has no ERR entry, and nothing leaves ERR but RESET/ERR.
        assertEquals(null, find(all, "IB_QPS_RESET", "IB_QPS_ERR", "IB_QPT_RC"));
        assertEquals(null, find(all, "IB_QPS_ERR", "IB_QPS_RTS", "IB_QPT_UD"));
    }

    @Test
    void shouldDrawOneEdgePerValidTransition() {
        CliRun run = CliRun.of("qp-table", "--dot");
        assertEquals(0, run.exit());
        assertTrue(run.out().startsWith("digraph qp_state_table {"));
        long edges = run.out().lines().filter(l -> l.contains(" -> ")).filter(l -> l.contains("[label=")).count();
        assertEquals(22, edges);
        assertTrue(run.out().contains("IB_QPS_INIT -> IB_QPS_RTR [label="), run.out());
    }

    @Test
    void shouldRejectBothFormatsWithUsageExit() {
        CliRun run = CliRun.of("qp-table", "--json", "--dot");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("mutually exclusive"), run.err());
        assertEquals("", run.out());
    }
}
