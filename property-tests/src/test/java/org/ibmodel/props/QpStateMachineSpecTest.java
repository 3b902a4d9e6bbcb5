// drivers/infiniband/core/verbs.c: ib_modify_qp_is_ok, against specs/src/main/tla/QpStateMachine.tla IsModifyOk
package org.ibmodel.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpStateTable;
import org.ibmodel.core.QpType;
import org.ibmodel.specs.SpecConfig;
import org.ibmodel.specs.SpecDir;
import org.ibmodel.specs.TlcResult;
import org.ibmodel.specs.TlcRunner;
import org.junit.jupiter.api.Test;

/**
 * The spec's {@code IsModifyOk} and {@link QpStateTable#isModifyOk} give the same answer on every
 * case the Java table is tested with (model/src/test/.../QpStateTableTest), for RC, UC, UD, GSI
 * and SMI: all 7x7 state pairs; in a valid cell every subset of req|opt, with and without
 * IB_QP_STATE, and each of those that holds req plus each single bit outside req|opt|STATE (the
 * four reserved bits included); in an invalid cell 0, IB_QP_STATE, each single bit with and
 * without IB_QP_STATE, and all bits.
 *
 * <p>The cases are not listed one by one: per (cur, next, type) the generated module gets the
 * cell's bits and the set of masks Java accepts; TLC enumerates the same masks, checks that it
 * reaches exactly as many as Java did, and that IsModifyOk accepts exactly Java's set. A
 * disagreement fails an ASSUME and is printed with its masks.
 */
class QpStateMachineSpecTest {
    private static final QpType[] TYPES = {QpType.RC, QpType.UC, QpType.UD, QpType.GSI, QpType.SMI};

    /** include/rdma/ib_verbs.h enum ib_qp_attr_mask: every bit below 26, reserved ones named. */
    private static final String[] NAMES = new String[26];

    static {
        for (int i = 0; i < NAMES.length; i++) {
            NAMES[i] = "RESERVED_BIT_" + i;
        }
        for (QpAttrMask b : QpAttrMask.values()) {
            NAMES[Integer.numberOfTrailingZeros(b.bit())] = b.name();
        }
    }

    private static final int STATE = QpAttrMask.STATE.bit();
    private static final int ALL = (1 << NAMES.length) - 1;

    /** One (cur, next, type): the masks Java tests there and the ones it accepts. */
    record Group(QpState cur, QpState next, QpType type, boolean valid, int free, int req, Set<Integer> tested,
            Set<Integer> accepted) {
    }

    static List<Group> groups() {
        List<Group> out = new ArrayList<>();
        for (QpState cur : QpState.values()) {
            for (QpState next : QpState.values()) {
                for (QpType type : TYPES) {
                    QpStateTable.Transition t = QpStateTable.lookup(cur, next);
                    Set<Integer> tested = new TreeSet<>();
                    int free = 0;
                    int req = 0;
                    if (t != null) {
                        req = t.required(type);
                        free = (req | t.optional(type)) & ~STATE;
                        for (int sub = free; ; sub = (sub - 1) & free) {
                            for (int s : new int[] {0, STATE}) {
                                int mask = sub | s;
                                tested.add(mask);
                                if ((mask & req) == req) {
                                    for (int bit = 1; bit != 1 << NAMES.length; bit <<= 1) {
                                        if ((bit & (free | STATE)) == 0) {
                                            tested.add(mask | bit);
                                        }
                                    }
                                }
                            }
                            if (sub == 0) {
                                break;
                            }
                        }
                    } else {
                        tested.add(0);
                        tested.add(STATE);
                        for (int bit = 1; bit != 1 << NAMES.length; bit <<= 1) {
                            tested.add(bit);
                            tested.add(bit | STATE);
                        }
                        tested.add(ALL);
                    }
                    Set<Integer> accepted = new TreeSet<>();
                    for (int m : tested) {
                        if (QpStateTable.isModifyOk(cur, next, type, m)) {
                            accepted.add(m);
                        }
                    }
                    out.add(new Group(cur, next, type, t != null, free, req, tested, accepted));
                }
            }
        }
        return out;
    }

    /** The generated module: the groups as data and the comparison as ASSUMEs. */
    static String module(List<Group> groups) {
        StringBuilder b = new StringBuilder();
        b.append("---- MODULE IsModifyOkCases ----\n");
        b.append("EXTENDS QpStateMachine, Sequences\n");
        b.append("\\* Generated by QpStateMachineSpecTest from org.ibmodel.core.QpStateTable.\n");
        b.append("Names == <<");
        for (int i = 0; i < NAMES.length; i++) {
            b.append(i > 0 ? ", " : "").append('"').append(NAMES[i]).append('"');
        }
        b.append(">>\n");
        b.append("Pow2 == [i \\in 1..").append(NAMES.length).append(" |-> 2^(i - 1)]\n");
        b.append("""
                BitsOf(m) == {i \\in 1..Len(Names) : (m \\div Pow2[i]) % 2 = 1}
                AsNames(m) == {Names[i] : i \\in BitsOf(m)}
                \\* Every mask made of the bits of m.
                SubMasks(m) ==
                    LET idx == BitsOf(m)
                        f[S \\in SUBSET idx] ==
                            IF S = {} THEN {0}
                            ELSE LET x == CHOOSE x \\in S : TRUE
                                 IN f[S \\ {x}] \\cup {y + Pow2[x] : y \\in f[S \\ {x}]}
                    IN f[idx]
                Outside(free) == {i \\in 1..Len(Names) : i \\notin BitsOf(free) /\\ Pow2[i] # 1}
                Tested(g) ==
                    IF g.valid
                       THEN LET base == {s + t : s \\in SubMasks(g.free), t \\in {0, 1}}
                            IN base \\cup {m + Pow2[e] : m \\in {x \\in base : BitsOf(g.req) \\subseteq BitsOf(x)},
                                                      e \\in Outside(g.free)}
                       ELSE g.probes
                SpecAccepts(g) == {m \\in Tested(g) : IsModifyOk(g.cur, g.next, g.type, AsNames(m))}
                """);
        b.append("Groups == <<\n");
        for (int i = 0; i < groups.size(); i++) {
            Group g = groups.get(i);
            b.append(i > 0 ? ",\n" : "").append("  [cur |-> \"").append(g.cur.name())
                    .append("\", next |-> \"").append(g.next.name())
                    .append("\", type |-> \"").append(g.type.name())
                    .append("\", valid |-> ").append(g.valid ? "TRUE" : "FALSE")
                    .append(", free |-> ").append(g.free)
                    .append(", req |-> ").append(g.req)
                    .append(", probes |-> ").append(g.valid ? "{}" : set(g.tested))
                    .append(", count |-> ").append(g.tested.size())
                    .append(", ok |-> ").append(set(g.accepted)).append(']');
        }
        b.append("\n>>\n");
        b.append("""
                Mismatches == {i \\in DOMAIN Groups :
                                  \\/ Cardinality(Tested(Groups[i])) # Groups[i].count
                                  \\/ SpecAccepts(Groups[i]) # Groups[i].ok}
                ASSUME \\A i \\in Mismatches :
                    PrintT(<<"MISMATCH", i, Cardinality(Tested(Groups[i])),
                             SpecAccepts(Groups[i]) \\ Groups[i].ok, Groups[i].ok \\ SpecAccepts(Groups[i])>>)
                ASSUME Mismatches = {}
                CaseTypes == {"GSI"}
                ====
                """);
        return b.toString();
    }

    private static String set(Set<Integer> s) {
        StringBuilder b = new StringBuilder("{");
        for (int m : s) {
            b.append(b.length() > 1 ? "," : "").append(m);
        }
        return b.append('}').toString();
    }

    private static final Pattern MISMATCH =
            Pattern.compile("<<\"MISMATCH\", (\\d+), (\\d+), \\{([^}]*)\\}, \\{([^}]*)\\}>>");

    /** Runs TLC on the generated module; returns the mismatch lines, empty when all agree. */
    static List<String> compare(List<Group> groups, TlcResult[] result) throws IOException {
        try (SpecDir dir = SpecDir.fromClasspath(SpecDir.MANIFEST)) {
            Files.writeString(dir.root().resolve("IsModifyOkCases.tla"), module(groups));
            Files.writeString(dir.root().resolve("IsModifyOkCases.cfg"), String.join("\n",
                    "CONSTANTS", "    QpTypes <- CaseTypes", "    MaxWr = 1",
                    "SPECIFICATION Spec", "CHECK_DEADLOCK FALSE", ""));
            TlcResult r = new TlcRunner().run(dir,
                    new SpecConfig("QpStateMachine", "IsModifyOkCases", "IsModifyOkCases.cfg", -1, -1, -1, null));
            result[0] = r;
            List<String> lines = new ArrayList<>();
            Matcher m = MISMATCH.matcher(r.output());
            while (m.find()) {
                Group g = groups.get(Integer.parseInt(m.group(1)) - 1);
                lines.add(g.cur + "->" + g.next + " " + g.type + ": TLA+ enumerates " + m.group(2) + " masks, Java "
                        + g.tested.size() + "; only the spec accepts " + masks(m.group(3))
                        + "; only Java accepts " + masks(m.group(4)));
            }
            return lines;
        }
    }

    private static String masks(String ints) {
        List<String> out = new ArrayList<>();
        for (String s : ints.split(",")) {
            if (!s.isBlank()) {
                out.add("[" + QpAttrMask.format(Integer.parseInt(s.trim())) + "]");
            }
        }
        return out.isEmpty() ? "none" : String.join(" ", out);
    }

    @Test
    void specIsModifyOkShouldAgreeWithJavaOnEveryTestedCase() throws IOException {
        List<Group> groups = groups();
        long cases = groups.stream().mapToLong(g -> g.tested.size()).sum();
        TlcResult[] r = new TlcResult[1];
        List<String> mismatches = compare(groups, r);
        System.out.printf("IsModifyOk cross-check: %d (cur,next,type) groups, %d cases, TLC %s in %.1fs%n",
                groups.size(), cases, r[0].verdict().jsonName(), r[0].seconds());
        assertEquals(7 * 7 * TYPES.length, groups.size());
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
        assertEquals(TlcResult.Verdict.OK, r[0].verdict(), r[0].error() + "\n" + r[0].output());
    }

    @Test
    void comparisonShouldReportAMaskOnlyJavaAccepts() throws IOException {
        // The checker's own mutation test: pretend Java also accepted RTR->RTS for RC without SQ_PSN.
        List<Group> groups = new ArrayList<>();
        for (Group g : groups()) {
            if (g.cur == QpState.RTR && g.next == QpState.RTS && g.type == QpType.RC) {
                int noSqPsn = (g.req & ~QpAttrMask.SQ_PSN.bit()) | STATE;
                Set<Integer> accepted = new TreeSet<>(g.accepted);
                accepted.add(noSqPsn);
                groups.add(new Group(g.cur, g.next, g.type, g.valid, g.free, g.req, g.tested, accepted));
            } else if (g.cur == QpState.RTR || g.cur == QpState.RESET) {
                groups.add(g);
            }
        }
        TlcResult[] r = new TlcResult[1];
        List<String> mismatches = compare(groups, r);
        assertEquals(TlcResult.Verdict.VIOLATION, r[0].verdict(), r[0].output());
        assertEquals(1, mismatches.size(), mismatches.toString());
        assertTrue(mismatches.get(0).startsWith("RTR->RTS RC:"), mismatches.get(0));
        assertTrue(mismatches.get(0).contains("only Java accepts [IB_QP_STATE | IB_QP_TIMEOUT | IB_QP_RETRY_CNT"
                + " | IB_QP_RNR_RETRY | IB_QP_MAX_QP_RD_ATOMIC]"), mismatches.get(0));
    }
}
