// drivers/infiniband/core/verbs.c: qp_state_table and ib_modify_qp_is_ok
package org.ibmodel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link QpStateTable#isModifyOk} against the kernel's {@code ib_modify_qp_is_ok} for every
 * (current, next) state pair, every {@link QpType} and a systematic family of attribute masks.
 *
 * <p>The expectations do not come from {@link QpStateTable}: the table is read from
 * {@code qp_state_table.expected}, a hand transcription of {@code qp_state_table} in
 * drivers/infiniband/core/verbs.c, and the verdict comes from a reference predicate written here.
 * The attribute bits and type values are likewise spelled out from include/rdma/ib_verbs.h, so a
 * wrong cell or a wrong constant in main code makes this test fail.
 */
class QpStateTableTest {

    // include/rdma/ib_verbs.h: enum ib_qp_attr_mask
    private static final int IB_QP_STATE = 1 << 0;
    private static final int IB_QP_CUR_STATE = 1 << 1;
    private static final int IB_QP_EN_SQD_ASYNC_NOTIFY = 1 << 2;
    private static final int IB_QP_ACCESS_FLAGS = 1 << 3;
    private static final int IB_QP_PKEY_INDEX = 1 << 4;
    private static final int IB_QP_PORT = 1 << 5;
    private static final int IB_QP_QKEY = 1 << 6;
    private static final int IB_QP_AV = 1 << 7;
    private static final int IB_QP_PATH_MTU = 1 << 8;
    private static final int IB_QP_TIMEOUT = 1 << 9;
    private static final int IB_QP_RETRY_CNT = 1 << 10;
    private static final int IB_QP_RNR_RETRY = 1 << 11;
    private static final int IB_QP_RQ_PSN = 1 << 12;
    private static final int IB_QP_MAX_QP_RD_ATOMIC = 1 << 13;
    private static final int IB_QP_ALT_PATH = 1 << 14;
    private static final int IB_QP_MIN_RNR_TIMER = 1 << 15;
    private static final int IB_QP_SQ_PSN = 1 << 16;
    private static final int IB_QP_MAX_DEST_RD_ATOMIC = 1 << 17;
    private static final int IB_QP_PATH_MIG_STATE = 1 << 18;
    private static final int IB_QP_CAP = 1 << 19;
    private static final int IB_QP_DEST_QPN = 1 << 20;
    private static final int IB_QP_RESERVED1 = 1 << 21;
    private static final int IB_QP_RESERVED2 = 1 << 22;
    private static final int IB_QP_RESERVED3 = 1 << 23;
    private static final int IB_QP_RESERVED4 = 1 << 24;
    private static final int IB_QP_RATE_LIMIT = 1 << 25;

    /** Every enumerator of ib_qp_attr_mask, by name without the IB_QP_ prefix, in bit order. */
    private static final Map<String, Integer> KERNEL_BITS = new LinkedHashMap<>();

    static {
        KERNEL_BITS.put("STATE", IB_QP_STATE);
        KERNEL_BITS.put("CUR_STATE", IB_QP_CUR_STATE);
        KERNEL_BITS.put("EN_SQD_ASYNC_NOTIFY", IB_QP_EN_SQD_ASYNC_NOTIFY);
        KERNEL_BITS.put("ACCESS_FLAGS", IB_QP_ACCESS_FLAGS);
        KERNEL_BITS.put("PKEY_INDEX", IB_QP_PKEY_INDEX);
        KERNEL_BITS.put("PORT", IB_QP_PORT);
        KERNEL_BITS.put("QKEY", IB_QP_QKEY);
        KERNEL_BITS.put("AV", IB_QP_AV);
        KERNEL_BITS.put("PATH_MTU", IB_QP_PATH_MTU);
        KERNEL_BITS.put("TIMEOUT", IB_QP_TIMEOUT);
        KERNEL_BITS.put("RETRY_CNT", IB_QP_RETRY_CNT);
        KERNEL_BITS.put("RNR_RETRY", IB_QP_RNR_RETRY);
        KERNEL_BITS.put("RQ_PSN", IB_QP_RQ_PSN);
        KERNEL_BITS.put("MAX_QP_RD_ATOMIC", IB_QP_MAX_QP_RD_ATOMIC);
        KERNEL_BITS.put("ALT_PATH", IB_QP_ALT_PATH);
        KERNEL_BITS.put("MIN_RNR_TIMER", IB_QP_MIN_RNR_TIMER);
        KERNEL_BITS.put("SQ_PSN", IB_QP_SQ_PSN);
        KERNEL_BITS.put("MAX_DEST_RD_ATOMIC", IB_QP_MAX_DEST_RD_ATOMIC);
        KERNEL_BITS.put("PATH_MIG_STATE", IB_QP_PATH_MIG_STATE);
        KERNEL_BITS.put("CAP", IB_QP_CAP);
        KERNEL_BITS.put("DEST_QPN", IB_QP_DEST_QPN);
        KERNEL_BITS.put("RESERVED1", IB_QP_RESERVED1);
        KERNEL_BITS.put("RESERVED2", IB_QP_RESERVED2);
        KERNEL_BITS.put("RESERVED3", IB_QP_RESERVED3);
        KERNEL_BITS.put("RESERVED4", IB_QP_RESERVED4);
        KERNEL_BITS.put("RATE_LIMIT", IB_QP_RATE_LIMIT);
    }

    /** include/rdma/ib_verbs.h: enum ib_qp_type, up to IB_QPT_MAX (exclusive). */
    private static final Map<String, Integer> KERNEL_QP_TYPES = new LinkedHashMap<>();

    static {
        KERNEL_QP_TYPES.put("SMI", 0);
        KERNEL_QP_TYPES.put("GSI", 1);
        KERNEL_QP_TYPES.put("RC", 2);
        KERNEL_QP_TYPES.put("UC", 3);
        KERNEL_QP_TYPES.put("UD", 4);
        KERNEL_QP_TYPES.put("RAW_IPV6", 5);
        KERNEL_QP_TYPES.put("RAW_ETHERTYPE", 6);
        KERNEL_QP_TYPES.put("RAW_PACKET", 8);
        KERNEL_QP_TYPES.put("XRC_INI", 9);
        KERNEL_QP_TYPES.put("XRC_TGT", 10);
    }

    /** include/rdma/ib_verbs.h: enum ib_qp_state, in value order from 0. */
    private static final List<String> KERNEL_QP_STATES =
            List.of("RESET", "INIT", "RTR", "RTS", "SQD", "SQE", "ERR");

    /** How many (from,to) cells the kernel marks valid; a guard against a truncated resource. */
    private static final int KERNEL_VALID_CELLS = 22;

    /** Lower bound on the cases the exhaustive test checks; see its derivation there. */
    private static final long EXPECTED_FLOOR = 30_178;

    /** At most this many mismatch lines are printed. */
    private static final int MAX_REPORTED = 50;

    private static ExpectedTable expected;

    @BeforeAll
    static void loadExpectedTable() throws IOException {
        expected = ExpectedTable.load("qp_state_table.expected");
    }

    // ---------------------------------------------------------------------------------------
    // The exhaustive comparison
    // ---------------------------------------------------------------------------------------

    @Test
    void isModifyOkShouldMatchKernelForEveryCellTypeAndMask() {
        Comparison cmp = new Comparison();
        long floor = 0;
        for (QpState cur : QpState.values()) {
            for (QpState next : QpState.values()) {
                for (QpType type : QpType.values()) {
                    if (expected.isValid(cur, next)) {
                        floor += checkValidCell(cmp, cur, next, type);
                    } else {
                        floor += checkInvalidCell(cmp, cur, next, type);
                    }
                }
            }
        }
        cmp.failIfMismatched();

        // The floor counts the masks the loops above must reach at the very least: 2^(n+1) per
        // valid cell and type (every subset of the n bits of req|opt, with and without
        // IB_QP_STATE) plus 3 + 2 * 26 fixed probes per invalid cell and type; the extra-bit
        // probes come on top. Summed by hand over verbs.c's table for the eight QpType values it
        // is 18,298 + 27 * 8 * 55 = 30,178, so a resource that lost or gained bits fails here.
        assertEquals(EXPECTED_FLOOR, floor, "floor computed from qp_state_table.expected");
        assertTrue(cmp.checked >= floor,
                "checked only " + cmp.checked + " cases, expected at least " + floor);
    }

    /** Returns the minimum number of cases this cell must contribute. */
    private static long checkValidCell(Comparison cmp, QpState cur, QpState next, QpType type) {
        int req = expected.required(cur, next, type);
        int opt = expected.optional(cur, next, type);
        int free = req | opt;
        int[] freeBits = bitsOf(free);
        List<Integer> outsideBits = new ArrayList<>();
        for (int bit : KERNEL_BITS.values()) {
            if ((bit & (free | IB_QP_STATE)) == 0) {
                outsideBits.add(bit);
            }
        }
        for (int subset = 0; subset < (1 << freeBits.length); subset++) {
            int base = 0;
            for (int i = 0; i < freeBits.length; i++) {
                if ((subset & (1 << i)) != 0) {
                    base |= freeBits[i];
                }
            }
            for (int state : new int[] {0, IB_QP_STATE}) {
                int mask = base | state;
                cmp.check(cur, next, type, mask);
                if ((mask & req) == req) {
                    for (int extra : outsideBits) {
                        cmp.check(cur, next, type, mask | extra);
                    }
                }
            }
        }
        return 2L << freeBits.length;
    }

    /** Returns the minimum number of cases this cell must contribute. */
    private static long checkInvalidCell(Comparison cmp, QpState cur, QpState next, QpType type) {
        int all = 0;
        cmp.check(cur, next, type, 0);
        cmp.check(cur, next, type, IB_QP_STATE);
        for (int bit : KERNEL_BITS.values()) {
            cmp.check(cur, next, type, bit);
            cmp.check(cur, next, type, bit | IB_QP_STATE);
            all |= bit;
        }
        cmp.check(cur, next, type, all);
        return 3 + 2L * KERNEL_BITS.size();
    }

    /** Collects disagreements between the model and the reference predicate. */
    private static final class Comparison {
        long checked;
        long mismatches;
        final List<String> lines = new ArrayList<>();

        void check(QpState cur, QpState next, QpType type, int mask) {
            checked++;
            boolean want = referenceModifyOk(cur, next, type, mask);
            boolean got = QpStateTable.isModifyOk(cur, next, type, mask);
            if (want != got) {
                mismatches++;
                if (lines.size() < MAX_REPORTED) {
                    lines.add(cur + "->" + next + " " + type + " mask=" + formatMask(mask)
                            + ": expected " + want + ", got " + got);
                }
            }
        }

        void failIfMismatched() {
            if (mismatches == 0) {
                return;
            }
            StringBuilder sb = new StringBuilder();
            sb.append(mismatches).append(" of ").append(checked)
                    .append(" ib_modify_qp_is_ok cases disagree with verbs.c:\n");
            for (String line : lines) {
                sb.append("  ").append(line).append('\n');
            }
            if (mismatches > lines.size()) {
                sb.append("  ... and ").append(mismatches - lines.size()).append(" more\n");
            }
            fail(sb.toString());
        }
    }

    // ---------------------------------------------------------------------------------------
    // Reference predicate: ib_modify_qp_is_ok, restated from verbs.c over the expected table
    // ---------------------------------------------------------------------------------------

    private static boolean referenceModifyOk(QpState cur, QpState next, QpType type, int mask) {
        // IB_QP_CUR_STATE may only be passed when the current state is RTR, RTS, SQD or SQE.
        if ((mask & IB_QP_CUR_STATE) != 0
                && cur != QpState.RTR && cur != QpState.RTS
                && cur != QpState.SQD && cur != QpState.SQE) {
            return false;
        }
        if (!expected.isValid(cur, next)) {
            return false;
        }
        int req = expected.required(cur, next, type);
        int opt = expected.optional(cur, next, type);
        if ((mask & req) != req) {
            return false;
        }
        return (mask & ~(req | opt | IB_QP_STATE)) == 0;
    }

    // ---------------------------------------------------------------------------------------
    // Structure and constants
    // ---------------------------------------------------------------------------------------

    @Test
    void tableCellsShouldMatchKernelTranscription() {
        assertEquals(KERNEL_VALID_CELLS, expected.validCount(),
                "qp_state_table.expected should list every valid kernel cell");
        List<String> diffs = new ArrayList<>();
        for (QpState from : QpState.values()) {
            for (QpState to : QpState.values()) {
                QpStateTable.Transition t = QpStateTable.lookup(from, to);
                boolean valid = expected.isValid(from, to);
                if (valid != (t != null)) {
                    diffs.add(from + "->" + to + ": expected " + (valid ? "valid" : "invalid")
                            + ", model has it " + (t != null ? "valid" : "invalid"));
                    continue;
                }
                if (t == null) {
                    continue;
                }
                for (QpType type : QpType.values()) {
                    int req = expected.required(from, to, type);
                    int opt = expected.optional(from, to, type);
                    if (t.required(type) != req) {
                        diffs.add(from + "->" + to + " " + type + " req: expected "
                                + formatMask(req) + ", model has " + formatMask(t.required(type)));
                    }
                    if (t.optional(type) != opt) {
                        diffs.add(from + "->" + to + " " + type + " opt: expected "
                                + formatMask(opt) + ", model has " + formatMask(t.optional(type)));
                    }
                }
            }
        }
        assertTrue(diffs.isEmpty(), "QpStateTable differs from verbs.c:\n  "
                + String.join("\n  ", diffs.subList(0, Math.min(diffs.size(), MAX_REPORTED))));
    }

    @Test
    void enumsShouldCarryIbVerbsValues() {
        for (QpAttrMask bit : QpAttrMask.values()) {
            Integer kernel = KERNEL_BITS.get(bit.name());
            assertNotNull(kernel, "ib_qp_attr_mask has no IB_QP_" + bit.name());
            assertEquals(kernel.intValue(), bit.bit(), bit.kernelName());
        }
        for (Map.Entry<String, Integer> e : KERNEL_BITS.entrySet()) {
            if (!e.getKey().startsWith("RESERVED")) {
                assertEquals(e.getValue().intValue(), QpAttrMask.valueOf(e.getKey()).bit(),
                        "QpAttrMask should model IB_QP_" + e.getKey());
            }
        }
        for (QpType type : QpType.values()) {
            Integer kernel = KERNEL_QP_TYPES.get(type.name());
            assertNotNull(kernel, "ib_qp_type has no IB_QPT_" + type.name());
            assertEquals(kernel.intValue(), type.value(), type.kernelName());
        }
        assertEquals(KERNEL_QP_STATES.size(), QpState.values().length);
        for (QpState state : QpState.values()) {
            assertEquals(KERNEL_QP_STATES.indexOf(state.name()), state.ordinal(),
                    state.kernelName());
        }
    }

    // ---------------------------------------------------------------------------------------
    // Spot checks, each citing the verbs.c entry it relies on
    // ---------------------------------------------------------------------------------------

    /** verbs.c, [RTR][RTS].req_param[IB_QPT_RC] includes IB_QP_SQ_PSN. */
    @Test
    void shouldRequireSqPsnForRcRtrToRts() {
        int full = IB_QP_STATE | IB_QP_TIMEOUT | IB_QP_RETRY_CNT | IB_QP_RNR_RETRY
                | IB_QP_SQ_PSN | IB_QP_MAX_QP_RD_ATOMIC;
        assertTrue(QpStateTable.isModifyOk(QpState.RTR, QpState.RTS, QpType.RC, full));
        assertFalse(QpStateTable.isModifyOk(QpState.RTR, QpState.RTS, QpType.RC,
                full & ~IB_QP_SQ_PSN));
        // UD needs IB_QP_SQ_PSN too, but nothing else.
        assertTrue(QpStateTable.isModifyOk(QpState.RTR, QpState.RTS, QpType.UD,
                IB_QP_STATE | IB_QP_SQ_PSN));
        assertFalse(QpStateTable.isModifyOk(QpState.RTR, QpState.RTS, QpType.UD, IB_QP_STATE));
    }

    /** verbs.c, [INIT][RTR].req_param[IB_QPT_RC] includes IB_QP_MIN_RNR_TIMER; UC's does not. */
    @Test
    void shouldRequireMinRnrTimerForRcInitToRtr() {
        int uc = IB_QP_STATE | IB_QP_AV | IB_QP_PATH_MTU | IB_QP_DEST_QPN | IB_QP_RQ_PSN;
        int rc = uc | IB_QP_MAX_DEST_RD_ATOMIC | IB_QP_MIN_RNR_TIMER;
        assertTrue(QpStateTable.isModifyOk(QpState.INIT, QpState.RTR, QpType.RC, rc));
        assertFalse(QpStateTable.isModifyOk(QpState.INIT, QpState.RTR, QpType.RC,
                rc & ~IB_QP_MIN_RNR_TIMER));
        assertTrue(QpStateTable.isModifyOk(QpState.INIT, QpState.RTR, QpType.UC, uc));
        assertFalse(QpStateTable.isModifyOk(QpState.INIT, QpState.RTR, QpType.UC, rc));
    }

    /** ib_modify_qp_is_ok: IB_QP_CUR_STATE is refused unless cur is RTR, RTS, SQD or SQE. */
    @Test
    void shouldRejectCurStateFromInit() {
        int rtr = IB_QP_STATE | IB_QP_AV | IB_QP_PATH_MTU | IB_QP_DEST_QPN | IB_QP_RQ_PSN
                | IB_QP_MAX_DEST_RD_ATOMIC | IB_QP_MIN_RNR_TIMER;
        assertTrue(QpStateTable.isModifyOk(QpState.INIT, QpState.RTR, QpType.RC, rtr));
        assertFalse(QpStateTable.isModifyOk(QpState.INIT, QpState.RTR, QpType.RC,
                rtr | IB_QP_CUR_STATE));
        assertFalse(QpStateTable.isModifyOk(QpState.INIT, QpState.INIT, QpType.UD,
                IB_QP_STATE | IB_QP_CUR_STATE));
        assertFalse(QpStateTable.isModifyOk(QpState.INIT, QpState.ERR, QpType.RC,
                IB_QP_STATE | IB_QP_CUR_STATE));
    }

    /** verbs.c, [RTS][RTS].opt_param[IB_QPT_UD] includes IB_QP_CUR_STATE. */
    @Test
    void shouldAllowCurStateFromRtsToRts() {
        assertTrue(QpStateTable.isModifyOk(QpState.RTS, QpState.RTS, QpType.UD,
                IB_QP_STATE | IB_QP_CUR_STATE));
        assertTrue(QpStateTable.isModifyOk(QpState.SQE, QpState.RTS, QpType.UD,
                IB_QP_STATE | IB_QP_CUR_STATE));
        // ... but not on the way to ERR, whose cell has no per-type bits at all.
        assertFalse(QpStateTable.isModifyOk(QpState.RTS, QpState.ERR, QpType.UD,
                IB_QP_STATE | IB_QP_CUR_STATE));
    }

    /** verbs.c, [IB_QPS_RESET] has no [IB_QPS_ERR] entry, so the move is invalid. */
    @Test
    void shouldRejectResetToErr() {
        for (QpType type : QpType.values()) {
            assertFalse(QpStateTable.isModifyOk(QpState.RESET, QpState.ERR, type, IB_QP_STATE),
                    type.kernelName());
            assertFalse(QpStateTable.isModifyOk(QpState.RESET, QpState.ERR, type, 0),
                    type.kernelName());
        }
        assertNull(QpStateTable.lookup(QpState.RESET, QpState.ERR));
    }

    /** verbs.c, every row has [IB_QPS_RESET] = { .valid = 1 }. */
    @Test
    void shouldAllowAnyStateToReset() {
        for (QpState cur : QpState.values()) {
            for (QpType type : QpType.values()) {
                assertTrue(QpStateTable.isModifyOk(cur, QpState.RESET, type, IB_QP_STATE),
                        cur.kernelName() + " -> IB_QPS_RESET for " + type.kernelName());
                assertFalse(QpStateTable.isModifyOk(cur, QpState.RESET, type,
                        IB_QP_STATE | IB_QP_PORT),
                        cur.kernelName() + " -> IB_QPS_RESET takes no attributes");
            }
        }
    }

    /** verbs.c, every row but [IB_QPS_RESET] has [IB_QPS_ERR] = { .valid = 1 }. */
    @Test
    void shouldAllowEveryStateButResetToMoveToErr() {
        for (QpState cur : QpState.values()) {
            boolean want = cur != QpState.RESET;
            assertEquals(want, QpStateTable.isModifyOk(cur, QpState.ERR, QpType.RC, IB_QP_STATE),
                    cur.kernelName() + " -> IB_QPS_ERR");
        }
    }

    /** verbs.c, [SQE][RTS] is valid with no req/opt entry for RC: IB_QP_STATE alone. */
    @Test
    void shouldAllowRcSqeToRtsWithStateAlone() {
        assertTrue(QpStateTable.isModifyOk(QpState.SQE, QpState.RTS, QpType.RC, IB_QP_STATE));
        assertFalse(QpStateTable.isModifyOk(QpState.SQE, QpState.RTS, QpType.RC,
                IB_QP_STATE | IB_QP_ACCESS_FLAGS));
        assertTrue(QpStateTable.isModifyOk(QpState.SQE, QpState.RTS, QpType.UC,
                IB_QP_STATE | IB_QP_ACCESS_FLAGS));
    }

    /** verbs.c, IB_QP_RATE_LIMIT is only in opt_param[IB_QPT_RAW_PACKET] of RTR->RTS, RTS->RTS. */
    @Test
    void shouldAllowRateLimitOnlyForRawPacketIntoRts() {
        assertTrue(QpStateTable.isModifyOk(QpState.RTR, QpState.RTS, QpType.RAW_PACKET,
                IB_QP_STATE | IB_QP_RATE_LIMIT));
        assertTrue(QpStateTable.isModifyOk(QpState.RTS, QpState.RTS, QpType.RAW_PACKET,
                IB_QP_STATE | IB_QP_RATE_LIMIT));
        assertFalse(QpStateTable.isModifyOk(QpState.SQD, QpState.RTS, QpType.RAW_PACKET,
                IB_QP_STATE | IB_QP_RATE_LIMIT));
        assertFalse(QpStateTable.isModifyOk(QpState.RTS, QpState.RTS, QpType.RC,
                IB_QP_STATE | IB_QP_RATE_LIMIT));
    }

    /** ib_modify_qp_is_ok never requires IB_QP_STATE itself; it only tolerates it. */
    @Test
    void shouldAcceptRequiredBitsWithoutStateBit() {
        int req = IB_QP_PKEY_INDEX | IB_QP_PORT | IB_QP_ACCESS_FLAGS;
        assertTrue(QpStateTable.isModifyOk(QpState.RESET, QpState.INIT, QpType.RC, req));
        assertFalse(QpStateTable.isModifyOk(QpState.RESET, QpState.INIT, QpType.RC, 0));
    }

    // ---------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------

    private static int[] bitsOf(int mask) {
        return KERNEL_BITS.values().stream().mapToInt(Integer::intValue)
                .filter(b -> (mask & b) != 0).toArray();
    }

    /** A mask the way verbs.c writes one: {@code IB_QP_STATE | IB_QP_SQ_PSN}. */
    private static String formatMask(int mask) {
        if (mask == 0) {
            return "0";
        }
        List<String> parts = new ArrayList<>();
        int known = 0;
        for (Map.Entry<String, Integer> e : KERNEL_BITS.entrySet()) {
            if ((mask & e.getValue()) != 0) {
                parts.add("IB_QP_" + e.getKey());
                known |= e.getValue();
            }
        }
        if ((mask & ~known) != 0) {
            parts.add(String.format("0x%x", mask & ~known));
        }
        return String.join(" | ", parts);
    }

    /** The parsed resource: which cells are valid and each type's req/opt bits. */
    private static final class ExpectedTable {
        private final boolean[][] valid;
        private final List<Map<QpType, int[]>> perType;

        private ExpectedTable() {
            int n = KERNEL_QP_STATES.size();
            valid = new boolean[n][n];
            perType = new ArrayList<>(Collections.nCopies(n * n, null));
            for (int i = 0; i < n * n; i++) {
                perType.set(i, new EnumMap<>(QpType.class));
            }
        }

        boolean isValid(QpState from, QpState to) {
            return valid[from.ordinal()][to.ordinal()];
        }

        int required(QpState from, QpState to, QpType type) {
            int[] ro = cell(from, to).get(type);
            return ro == null ? 0 : ro[0];
        }

        int optional(QpState from, QpState to, QpType type) {
            int[] ro = cell(from, to).get(type);
            return ro == null ? 0 : ro[1];
        }

        int validCount() {
            int count = 0;
            for (boolean[] row : valid) {
                for (boolean v : row) {
                    count += v ? 1 : 0;
                }
            }
            return count;
        }

        private Map<QpType, int[]> cell(QpState from, QpState to) {
            return perType.get(from.ordinal() * KERNEL_QP_STATES.size() + to.ordinal());
        }

        static ExpectedTable load(String resource) throws IOException {
            ExpectedTable table = new ExpectedTable();
            try (InputStream in = QpStateTableTest.class.getResourceAsStream(resource)) {
                assertNotNull(in, "missing test resource " + resource);
                BufferedReader reader =
                        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                String line;
                int lineNo = 0;
                while ((line = reader.readLine()) != null) {
                    lineNo++;
                    String text = line.strip();
                    if (text.isEmpty() || text.startsWith("#")) {
                        continue;
                    }
                    table.parseLine(text, resource + ":" + lineNo);
                }
            }
            return table;
        }

        private void parseLine(String text, String where) {
            String[] tok = text.split("\\s+");
            if (tok.length != 2 && tok.length != 5) {
                throw new IllegalArgumentException(where + ": expected 'FROM TO' or "
                        + "'FROM TO TYPE req=... opt=...', got: " + text);
            }
            QpState from = state(tok[0], where);
            QpState to = state(tok[1], where);
            if (tok.length == 2) {
                if (isValid(from, to)) {
                    throw new IllegalArgumentException(where + ": duplicate cell " + text);
                }
                valid[from.ordinal()][to.ordinal()] = true;
                return;
            }
            if (!isValid(from, to)) {
                throw new IllegalArgumentException(
                        where + ": per-type line before its '" + from + " " + to + "' line");
            }
            QpType type = type(tok[2], where);
            int req = bits(tok[3], "req=", where);
            int opt = bits(tok[4], "opt=", where);
            if (((req | opt) & IB_QP_STATE) != 0 || (req & opt) != 0) {
                throw new IllegalArgumentException(
                        where + ": STATE listed, or a bit both required and optional");
            }
            if (cell(from, to).put(type, new int[] {req, opt}) != null) {
                throw new IllegalArgumentException(where + ": duplicate line for " + type);
            }
        }

        private static QpState state(String name, String where) {
            int value = KERNEL_QP_STATES.indexOf(name);
            if (value < 0) {
                throw new IllegalArgumentException(where + ": no ib_qp_state IB_QPS_" + name);
            }
            return QpState.values()[value];
        }

        private static QpType type(String name, String where) {
            if (!KERNEL_QP_TYPES.containsKey(name)) {
                throw new IllegalArgumentException(where + ": no ib_qp_type IB_QPT_" + name);
            }
            for (QpType t : QpType.values()) {
                if (t.name().equals(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException(where + ": QpType lacks IB_QPT_" + name);
        }

        private static int bits(String token, String key, String where) {
            if (!token.startsWith(key)) {
                throw new IllegalArgumentException(where + ": expected " + key + "..., got "
                        + token);
            }
            String list = token.substring(key.length());
            int mask = 0;
            if (list.isEmpty()) {
                return mask;
            }
            for (String name : list.split(",")) {
                Integer bit = KERNEL_BITS.get(name);
                if (bit == null) {
                    throw new IllegalArgumentException(where + ": no ib_qp_attr_mask IB_QP_"
                            + name);
                }
                if ((mask & bit) != 0) {
                    throw new IllegalArgumentException(where + ": IB_QP_" + name + " twice");
                }
                mask |= bit;
            }
            return mask;
        }
    }
}
