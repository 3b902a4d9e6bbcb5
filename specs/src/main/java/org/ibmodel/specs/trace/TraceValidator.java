// Trace validation (Kuppe, Cirstea and Merz, "Validating Traces of Distributed Programs Against
// TLA+ Specifications", 2024; tlaplus/Examples specifications/ewd998/EWD998ChanTrace.tla)
package org.ibmodel.specs.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.ibmodel.specs.SpecDir;
import org.ibmodel.specs.SpecException;
import tla2sany.semantic.OpDefNode;
import tlc2.tool.Action;
import tlc2.tool.StateVec;
import tlc2.tool.TLCState;
import tlc2.tool.impl.FastTool;
import tlc2.util.Context;
import tlc2.util.FP64;
import tlc2.value.IValue;
import tlc2.value.impl.BoolValue;
import tlc2.value.impl.IntValue;
import tlc2.value.impl.RecordValue;
import tlc2.value.impl.SetEnumValue;
import tlc2.value.impl.StringValue;
import tlc2.value.impl.TupleValue;
import tlc2.value.impl.Value;
import util.SimpleFilenameToStream;
import util.ToolIO;
import util.UniqueString;

/**
 * Checks with TLC that a recorded run of the model is a behaviour of a spec: the spec
 * constrained to the trace. Per spec, the trace module ({@code <Spec>Trace.tla}) holds one
 * predicate {@code Is<Event>(e)} per event, the spec action of the same name constrained by the
 * event's fields. The trace is walked in order with TLC's {@link FastTool}: from the set of spec
 * states the prefix can lead to, each event's predicate gives the next set; every event must be
 * consumed, and the first one whose set is empty is reported with its line and seq and the action
 * that should have matched.
 *
 * <p>Hidden steps, and only these: an {@code HcaRun} event (the HCA's softirq ran) is matched by
 * any number of {@code HcaStep} actions after which {@code HcaRunSeen(e)} holds (the QP states
 * and CQ errors software then saw); after a user verb that flushes inside the call (modify, post)
 * any number of {@code HcaFlush} actions. Software sees the HCA's work only through its results,
 * so these are the places the spec needs them.
 *
 * <p>QpStateMachine describes one QP: each QP of the trace is checked on its own with the events
 * naming it. WorkQueues describes the QPs of one CQ: their numbers become q1, q2, ... in creation
 * order. RcTransport describes one RC QP and its peer: the trace's header gives the constants
 * ({@link #RC_HEADER}), PSNs stay the wire's (PsnMod 2^24). SqDrain describes one QP's send
 * queue, HcaCommands one driver's commands; their constants are bounds, set from the traces
 * themselves. UverbsDisassociate describes the files open on one uverbs device: as many as the
 * header's {@code files}. PathMigration describes two QPs "A" and "B". TLC keeps its state in
 * static fields, so one spec is loaded at a time.
 */
public final class TraceValidator {
    /** More candidate states than this after one event is a run the validator gives up on. */
    public static final int MAX_FRONTIER = 200_000;

    /** The header fields of an RcTransport trace: the spec's constants NumWr, StartPsn, Window, MaxRetry, MaxRnrRetry. */
    public static final List<String> RC_HEADER = List.of("numWr", "startPsn", "window", "retryCnt", "rnrRetry");
    /** UverbsDisassociate's files in validation: each is a model value of the constant Files. */
    static final long MAX_FILES = 1000;

    /** The smallest value of an RcTransport header constant: the spec posts one WR and sends one request at least. */
    private static long rcHeaderMin(String h) {
        return h.equals("numWr") || h.equals("window") ? 1 : 0;
    }

    /**
     * The largest value of an RcTransport header constant: PSNs are 24 bits, the window at most
     * half their space (IBA 9.7.1), retry_cnt and rnr_retry 3-bit fields of the QP context.
     */
    private static long rcHeaderMax(String h) {
        return switch (h) {
            case "startPsn" -> RC_PSN_MOD - 1;
            case "window" -> RC_PSN_MOD / 2;
            case "retryCnt", "rnrRetry" -> 7;
            default -> Integer.MAX_VALUE;
        };
    }

    /** RcTransport's PSN modulus in validation: the wire's, 2^24 (IBA 9.7.1). */
    public static final long RC_PSN_MOD = 1L << 24;
    /** RcTransport's channel capacity in validation: no run comes near it, so only ChanLose events lose packets. */
    static final long RC_CHAN_CAP = 1L << 20;

    private static final String[] QP_TYPES = {"RC", "UC", "UD", "GSI", "SMI"};

    /** Where a trace stops being a behaviour of a spec. */
    public record Mismatch(String spec, long seq, int line, String event, String expected, String detail) {
        @Override
        public String toString() {
            return "line " + line + " (seq " + seq + "): " + event + " is not a step of " + spec + "; expected "
                    + expected + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }

    /** The result for one trace: {@code mismatch} is null when every spec accepts it. */
    public record Verdict(SpecTrace trace, Mismatch mismatch, long statesVisited) {
        public boolean ok() {
            return mismatch == null;
        }
    }

    private TraceValidator() {
    }

    public static Verdict validate(SpecTrace trace) {
        return validateAll(List.of(trace)).get(0);
    }

    /**
     * Validates the traces against the specs each names; each spec is loaded once per set of
     * constants. Results in the order given.
     */
    public static synchronized List<Verdict> validateAll(List<SpecTrace> traces) {
        Mismatch[] first = new Mismatch[traces.size()];
        long[] visited = new long[traces.size()];
        // An event of another spec than the trace names is its mismatch; such a trace is not walked.
        boolean[] foreign = new boolean[traces.size()];
        for (int i = 0; i < traces.size(); i++) {
            first[i] = foreignEvent(traces.get(i));
            foreign[i] = first[i] != null;
        }
        // QpStateMachine: one load for all traces, MaxWr the largest queue.
        List<Integer> qsm = new ArrayList<>();
        int maxWr = 1;
        for (int i = 0; i < traces.size(); i++) {
            if (!foreign[i] && traces.get(i).specs().contains("QpStateMachine")) {
                qsm.add(i);
                for (SpecEvent e : traces.get(i).events()) {
                    if (e.action() == TraceAction.CreateQp) {
                        maxWr = (int) Math.max(maxWr, Math.max(e.num("maxSendWr"), e.num("maxRecvWr")));
                    }
                }
            }
        }
        if (!qsm.isEmpty()) {
            Map<String, String> k = new LinkedHashMap<>();
            k.put("QpTypes", "{\"RC\", \"UC\", \"UD\", \"GSI\", \"SMI\"}");
            k.put("MaxWr", String.valueOf(maxWr));
            try (Loaded spec = new Loaded("QpStateMachine", k)) {
                for (int i : qsm) {
                    for (List<SpecEvent> part : perQp(traces.get(i))) {
                        Walk w = spec.walk(part, TraceValidator::qsmValue);
                        visited[i] += w.visited;
                        first[i] = earlier(first[i], w.mismatch);
                    }
                }
            }
        }
        // WorkQueues: one load per CQ depth.
        Map<Long, List<Integer>> byDepth = new TreeMap<>();
        Map<Integer, Mismatch> shapeErrors = new LinkedHashMap<>();
        int maxQps = 1;
        int maxPosts = 1;
        for (int i = 0; i < traces.size(); i++) {
            SpecTrace t = traces.get(i);
            if (foreign[i] || !t.specs().contains("WorkQueues")) {
                continue;
            }
            Shape s = Shape.of(t);
            if (s.error != null) {
                shapeErrors.put(i, s.error);
                continue;
            }
            byDepth.computeIfAbsent(s.depth, d -> new ArrayList<>()).add(i);
            maxQps = Math.max(maxQps, s.qpNames.size());
            maxPosts = Math.max(maxPosts, s.posts);
        }
        shapeErrors.forEach((i, m) -> first[i] = earlier(first[i], m));
        for (Map.Entry<Long, List<Integer>> g : byDepth.entrySet()) {
            Map<String, String> k = new LinkedHashMap<>();
            StringBuilder qps = new StringBuilder("{");
            for (int q = 1; q <= maxQps; q++) {
                qps.append(q > 1 ? ", " : "").append("\"q").append(q).append('"');
            }
            k.put("QPs", qps.append('}').toString());
            k.put("MaxWr", String.valueOf(maxPosts));
            k.put("CqDepth", String.valueOf(g.getKey()));
            k.put("UseSrq", "FALSE");
            try (Loaded spec = new Loaded("WorkQueues", k)) {
                for (int i : g.getValue()) {
                    Shape s = Shape.of(traces.get(i));
                    Walk w = spec.walk(traces.get(i).events(), e -> wqValue(e, s));
                    visited[i] += w.visited;
                    first[i] = earlier(first[i], w.mismatch);
                }
            }
        }
        // RcTransport: one load per set of connection constants; NumWr the most WRs of the group.
        Map<List<Long>, List<Integer>> byConn = new LinkedHashMap<>();
        for (int i = 0; i < traces.size(); i++) {
            SpecTrace t = traces.get(i);
            if (foreign[i] || !t.specs().contains("RcTransport")) {
                continue;
            }
            List<Long> conn = new ArrayList<>();
            for (String h : RC_HEADER) {
                if (!(t.header().get(h) instanceof Long n) || n < rcHeaderMin(h) || n > rcHeaderMax(h)) {
                    first[i] = earlier(first[i], new Mismatch("RcTransport", 0, 1, "header", "Init",
                            "the header needs the integers numWr 1 to " + Integer.MAX_VALUE + ", startPsn 0 to "
                                    + (RC_PSN_MOD - 1) + ", window 1 to " + RC_PSN_MOD / 2
                                    + ", retryCnt and rnrRetry 0 to 7"));
                    conn = null;
                    break;
                }
                conn.add(n);
            }
            if (conn != null) {
                first[i] = earlier(first[i], wrBeyondHeader(t, conn.get(0)));
                byConn.computeIfAbsent(List.copyOf(conn.subList(1, conn.size())), c -> new ArrayList<>()).add(i);
            }
        }
        for (Map.Entry<List<Long>, List<Integer>> g : byConn.entrySet()) {
            long numWr = 0;
            for (int i : g.getValue()) {
                numWr = Math.max(numWr, (Long) traces.get(i).header().get("numWr"));
            }
            List<Long> c = g.getKey();
            Map<String, String> k = new LinkedHashMap<>();
            k.put("NumWr", String.valueOf(numWr));
            k.put("PsnMod", String.valueOf(RC_PSN_MOD));
            k.put("StartPsn", String.valueOf(c.get(0) % RC_PSN_MOD));
            k.put("Window", String.valueOf(c.get(1)));
            k.put("MaxRetry", String.valueOf(c.get(2)));
            k.put("MaxRnrRetry", String.valueOf(c.get(3)));
            k.put("ChanCap", String.valueOf(RC_CHAN_CAP));
            walkPlain("RcTransport", k, g.getValue(), traces, first, visited);
        }
        // SqDrain: one load for all traces, each bound the most any of them needs.
        List<Integer> sqd = new ArrayList<>();
        long[] bounds = {1, 1, 1};
        for (int i = 0; i < traces.size(); i++) {
            if (!foreign[i] && traces.get(i).specs().contains("SqDrain")) {
                sqd.add(i);
                long[] b = sqDrainBounds(traces.get(i));
                for (int k = 0; k < b.length; k++) {
                    bounds[k] = Math.max(bounds[k], b[k]);
                }
            }
        }
        if (!sqd.isEmpty()) {
            Map<String, String> k = new LinkedHashMap<>();
            k.put("MaxWqe", String.valueOf(bounds[0]));
            k.put("MaxEntries", String.valueOf(bounds[1]));
            k.put("MaxAttr", String.valueOf(bounds[2]));
            walkPlain("SqDrain", k, sqd, traces, first, visited);
        }
        // HcaCommands: one load for all traces, NumCmds the most commands any of them issues.
        List<Integer> cmds = new ArrayList<>();
        long numCmds = 1;
        for (int i = 0; i < traces.size(); i++) {
            if (!foreign[i] && traces.get(i).specs().contains("HcaCommands")) {
                cmds.add(i);
                numCmds = Math.max(numCmds, traces.get(i).events().stream()
                        .filter(e -> e.action() == TraceAction.CmdIssue).count());
            }
        }
        if (!cmds.isEmpty()) {
            walkPlain("HcaCommands", Map.of("NumCmds", String.valueOf(numCmds)), cmds, traces, first, visited);
        }
        // UverbsDisassociate: one load per number of files (the header's), MaxObjs the most creates
        // of one file in any trace of the group.
        Map<Long, List<Integer>> byFiles = new TreeMap<>();
        for (int i = 0; i < traces.size(); i++) {
            SpecTrace t = traces.get(i);
            if (foreign[i] || !t.specs().contains("UverbsDisassociate")) {
                continue;
            }
            if (!(t.header().get("files") instanceof Long n) || n < 1 || n > MAX_FILES) {
                first[i] = earlier(first[i], new Mismatch("UverbsDisassociate", 0, 1, "header", "Init",
                        "the header needs the integer files, 1 to " + MAX_FILES));
                continue;
            }
            byFiles.computeIfAbsent(n, k -> new ArrayList<>()).add(i);
        }
        for (Map.Entry<Long, List<Integer>> g : byFiles.entrySet()) {
            long maxObjs = 1;
            for (int i : g.getValue()) {
                Map<Object, Long> creates = new java.util.HashMap<>();
                for (SpecEvent e : traces.get(i).events()) {
                    if (e.action() == TraceAction.UvBeginCreate) {
                        maxObjs = Math.max(maxObjs, creates.merge(e.fields().get("file"), 1L, Long::sum));
                    }
                }
            }
            StringBuilder files = new StringBuilder("{");
            for (long f = 1; f <= g.getKey(); f++) {
                files.append(f > 1 ? ", " : "").append("\"f").append(f).append('"');
            }
            Map<String, String> k = new LinkedHashMap<>();
            k.put("Files", files.append('}').toString());
            k.put("MaxObjs", String.valueOf(maxObjs));
            walkPlain("UverbsDisassociate", k, g.getValue(), traces, first, visited);
        }
        // PathMigration: one load for all traces, MaxRearm the most rearms of one QP in any.
        List<Integer> apm = new ArrayList<>();
        long maxRearm = 1;
        for (int i = 0; i < traces.size(); i++) {
            if (!foreign[i] && traces.get(i).specs().contains("PathMigration")) {
                apm.add(i);
                Map<Object, Long> rearms = new java.util.HashMap<>();
                for (SpecEvent e : traces.get(i).events()) {
                    if (e.action() == TraceAction.ApmRearm) {
                        maxRearm = Math.max(maxRearm, rearms.merge(e.fields().get("q"), 1L, Long::sum));
                    }
                }
            }
        }
        if (!apm.isEmpty()) {
            Map<String, String> k = new LinkedHashMap<>();
            k.put("ChanCap", String.valueOf(RC_CHAN_CAP));
            k.put("MaxRearm", String.valueOf(maxRearm));
            k.put("MaxFail", "1");
            walkPlain("PathMigration", k, apm, traces, first, visited);
        }
        List<Verdict> out = new ArrayList<>();
        for (int i = 0; i < traces.size(); i++) {
            out.add(new Verdict(traces.get(i), first[i], visited[i]));
        }
        return out;
    }

    /** The first event that is not an event of every spec the trace names, as a mismatch; null if none. */
    static Mismatch foreignEvent(SpecTrace t) {
        for (SpecEvent e : t.events()) {
            for (String spec : t.specs()) {
                if (!e.action().of(spec)) {
                    return new Mismatch(spec, e.seq(), e.line(), e.action().name(), "an event of " + spec,
                            spec + " has no " + e.action().name() + ": see specs/src/main/tla/" + spec + "Trace.tla");
                }
            }
        }
        return null;
    }

    /**
     * The first event of an RcTransport trace naming a WR past its header's numWr. Traces with the
     * same connection share one load of the spec, with NumWr the most any of them posts, so the
     * spec alone would let a trace post more WRs than its own header says.
     */
    private static Mismatch wrBeyondHeader(SpecTrace t, long numWr) {
        for (SpecEvent e : t.events()) {
            List<Object> wrs = new ArrayList<>();
            if (e.fields().get("wr") instanceof Long wr) {
                wrs.add(wr);
            }
            if (e.fields().get("wrs") instanceof List<?> l) {
                wrs.addAll(l);
            }
            for (Object wr : wrs) {
                if (wr instanceof Long n && n > numWr) {
                    return new Mismatch("RcTransport", e.seq(), e.line(), e.action().name(),
                            "a WR of 1 to " + numWr, "WR " + n + " is past the header's numWr " + numWr);
                }
            }
        }
        return null;
    }

    /**
     * Loads {@code spec}'s trace module with {@code constants} and walks traces {@code group},
     * each event's fields as they are ({@link #plainValue}).
     */
    private static void walkPlain(String spec, Map<String, String> constants, List<Integer> group,
            List<SpecTrace> traces, Mismatch[] first, long[] visited) {
        try (Loaded loaded = new Loaded(spec, constants)) {
            for (int i : group) {
                Walk w = loaded.walk(traces.get(i).events(), TraceValidator::plainValue);
                visited[i] += w.visited;
                first[i] = earlier(first[i], w.mismatch);
            }
        }
    }

    private static Mismatch earlier(Mismatch a, Mismatch b) {
        if (a == null) {
            return b;
        }
        return b == null || a.seq() <= b.seq() ? a : b;
    }

    // ---- projections ---------------------------------------------------------------------

    /** QpStateMachine's view: per QP, its own events and the HcaRuns after its creation. */
    static List<List<SpecEvent>> perQp(SpecTrace t) {
        Map<Integer, List<SpecEvent>> parts = new LinkedHashMap<>();
        Set<Integer> destroyed = new HashSet<>();
        for (SpecEvent e : t.events()) {
            switch (e.action()) {
                case CreateQp -> parts.put(e.qpn(), new ArrayList<>(List.of(e)));
                case CreateCq -> {
                }
                case HcaRun -> {
                    for (Map.Entry<Integer, List<SpecEvent>> p : parts.entrySet()) {
                        if (!destroyed.contains(p.getKey())) {
                            p.getValue().add(e);
                        }
                    }
                }
                default -> {
                    List<SpecEvent> p = parts.get(e.qpn());
                    if (p == null) {
                        // An event for a QP the trace never created: its own one-event part fails at Init.
                        parts.put(e.qpn(), new ArrayList<>(List.of(e)));
                    } else {
                        p.add(e);
                    }
                    if (e.action() == TraceAction.UserDestroy) {
                        destroyed.add(e.qpn());
                    }
                }
            }
        }
        return new ArrayList<>(parts.values());
    }

    /** The event as QpStateMachineTrace's e: its fields, the mask as a set, HcaRun's state of the QP. */
    private static Value qsmValue(SpecEvent e, int qpn) {
        Map<String, Value> f = new LinkedHashMap<>();
        switch (e.action()) {
            case CreateQp -> f.put("type", new StringValue(e.str("type")));
            case UserModify -> {
                f.put("from", new StringValue(e.str("from")));
                f.put("to", new StringValue(e.str("to")));
                f.put("mask", stringSet(e.list("mask")));
            }
            case HcaRun -> {
                Object s = e.object("states").get(String.valueOf(qpn));
                if (s instanceof String str) {
                    f.put("state", new StringValue(str));
                }
            }
            default -> {
            }
        }
        f.put("seq", IntValue.gen((int) e.seq()));
        return record(f);
    }

    /** WorkQueues' view: the QPs of one CQ, named q1, q2, ... in creation order. */
    private record Shape(long depth, long cq, Map<Integer, String> qpNames, int posts, Mismatch error) {
        static Shape of(SpecTrace t) {
            Long cq = null;
            long depth = 0;
            Map<Integer, String> names = new LinkedHashMap<>();
            int posts = 0;
            for (SpecEvent e : t.events()) {
                switch (e.action()) {
                    case CreateCq -> {
                        if (cq != null) {
                            return error(e, "WorkQueues has one CQ; this is a second");
                        }
                        cq = e.num("cq");
                        depth = e.num("depth");
                    }
                    case CreateQp -> {
                        if (cq == null || e.num("sendCq") != cq || e.num("recvCq") != cq) {
                            return error(e, "WorkQueues has the QPs complete into its one CQ");
                        }
                        names.put(e.qpn(), "q" + (names.size() + 1));
                    }
                    case UserPostSend, UserPostRecv -> posts++;
                    default -> {
                    }
                }
            }
            if (cq == null) {
                return new Shape(0, 0, names, posts, new Mismatch("WorkQueues", 0, 1, "header",
                        "CreateCq", "the trace creates no CQ"));
            }
            return new Shape(depth, cq, names, posts, null);
        }

        private static Shape error(SpecEvent e, String why) {
            return new Shape(0, 0, Map.of(), 0, new Mismatch("WorkQueues", e.seq(), e.line(), e.action().name(),
                    "Init", why));
        }
    }

    private static Value wqValue(SpecEvent e, Shape s) {
        Map<String, Value> f = new LinkedHashMap<>();
        for (Map.Entry<String, Object> en : e.fields().entrySet()) {
            String k = en.getKey();
            Object v = en.getValue();
            switch (k) {
                case "qpn" -> f.put("qp", new StringValue(s.qpNames.getOrDefault(e.qpn(), "qp" + e.qpn())));
                case "mask" -> f.put(k, stringSet(e.list(k)));
                case "states" -> {
                    Map<String, Value> st = new LinkedHashMap<>();
                    for (Map.Entry<String, Object> q : e.object(k).entrySet()) {
                        String name = s.qpNames.get(Integer.parseInt(q.getKey()));
                        if (name != null) {
                            st.put(name, new StringValue(String.valueOf(q.getValue())));
                        }
                    }
                    f.put(k, st.isEmpty() ? TupleValue.EmptyTuple : record(st));
                }
                case "cqErr" -> f.put(k, e.list(k).contains(s.cq) ? BoolValue.ValTrue : BoolValue.ValFalse);
                default -> {
                    if (v instanceof String str) {
                        f.put(k, new StringValue(str));
                    } else if (v instanceof Long n) {
                        f.put(k, IntValue.gen((int) (long) n));
                    } else if (v instanceof Boolean b) {
                        f.put(k, b ? BoolValue.ValTrue : BoolValue.ValFalse);
                    }
                }
            }
        }
        f.put("seq", IntValue.gen((int) e.seq()));
        return record(f);
    }

    /** SqDrain's constants for one trace: its Posts, its ToSqds and its attribute changes. */
    static long[] sqDrainBounds(SpecTrace t) {
        long[] b = new long[3];
        for (SpecEvent e : t.events()) {
            switch (e.action()) {
                case Post -> b[0]++;
                case ToSqd -> b[1]++;
                case LeaveSqd -> b[2] += e.bool("change") ? 1 : 0;
                default -> {
                }
            }
        }
        return b;
    }

    /** The event as the e of the traces of RcTransport and the specs after it: its fields as they are. */
    private static Value plainValue(SpecEvent e) {
        Map<String, Value> f = new LinkedHashMap<>();
        for (Map.Entry<String, Object> en : e.fields().entrySet()) {
            Value v = plain(en.getValue());
            if (v != null) {
                f.put(en.getKey(), v);
            }
        }
        f.put("seq", IntValue.gen((int) e.seq()));
        return record(f);
    }

    private static Value plain(Object v) {
        if (v instanceof String str) {
            return new StringValue(str);
        } else if (v instanceof Long n) {
            return IntValue.gen((int) (long) n);
        } else if (v instanceof Boolean b) {
            return b ? BoolValue.ValTrue : BoolValue.ValFalse;
        } else if (v instanceof List<?> l) {
            Value[] vs = new Value[l.size()];
            for (int i = 0; i < vs.length; i++) {
                vs[i] = plain(l.get(i));
                if (vs[i] == null) {
                    return null;
                }
            }
            return new TupleValue(vs);
        }
        return null;
    }

    private static Value stringSet(List<Object> items) {
        Value[] vs = new Value[items.size()];
        for (int i = 0; i < vs.length; i++) {
            vs[i] = new StringValue(String.valueOf(items.get(i)));
        }
        return new SetEnumValue(vs, false).normalize();
    }

    private static Value record(Map<String, Value> f) {
        UniqueString[] names = new UniqueString[f.size()];
        Value[] vals = new Value[f.size()];
        int i = 0;
        for (Map.Entry<String, Value> en : f.entrySet()) {
            names[i] = UniqueString.uniqueStringOf(en.getKey());
            vals[i++] = en.getValue();
        }
        return new RecordValue(names, vals, false).normalize();
    }

    // ---- one loaded trace module ---------------------------------------------------------

    private record Walk(Mismatch mismatch, long visited) {
    }

    private interface EventValue {
        Value of(SpecEvent e, int qpn);
    }

    /** {@code <spec>Trace.tla} loaded into a FastTool with the given constants. */
    private static final class Loaded implements AutoCloseable {
        private final String spec;
        private final Path dir;
        private final FastTool tool;
        private final Map<String, OpDefNode> defs = new LinkedHashMap<>();
        private final tla2sany.semantic.ExprNode view;

        Loaded(String spec, Map<String, String> constants) {
            this.spec = spec;
            try {
                dir = Files.createTempDirectory("ibmodel-trace");
                for (String m : List.of(spec + ".tla", spec + "Trace.tla")) {
                    copyResource(m, dir.resolve(m));
                }
                for (String m : STANDARD_MODULES) {
                    copyStandardModule(m, dir);
                }
                StringBuilder cfg = new StringBuilder("CONSTANTS\n");
                constants.forEach((k, v) -> cfg.append("    ").append(k).append(" = ").append(v).append('\n'));
                cfg.append("INIT Init\nNEXT Next\n");
                Files.writeString(dir.resolve(spec + "Trace.cfg"), cfg.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            PrintStream out = ToolIO.out;
            PrintStream err = ToolIO.err;
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            try {
                // SANY and TLC report parsing on ToolIO; a spec that does not parse is a SpecException.
                ToolIO.out = quiet;
                ToolIO.err = quiet;
                // A name keeps the definition slot (UniqueString.loc) the previous spec gave it,
                // and the new spec's table would hand that slot to another name: forget them all.
                for (UniqueString u : UniqueString.internTbl.toMap().values()) {
                    u.setLoc(-1);
                }
                // Fingerprints are 0 until the polynomial is chosen (TLC does this at start-up).
                FP64.Init();
                tool = new FastTool(dir.toString(), spec + "Trace", spec + "Trace",
                        new SimpleFilenameToStream(dir.toString()));
            } catch (RuntimeException e) {
                close();
                throw new SpecException(spec + "Trace.tla: " + e.getMessage());
            } finally {
                ToolIO.out = out;
                ToolIO.err = err;
            }
            for (OpDefNode d : tool.getRootModule().getOpDefs()) {
                defs.put(d.getName().toString(), d);
            }
            view = def("TraceView").getBody();
        }

        /** The fingerprint of the state's TraceView: states with the same one have the same futures. */
        private long key(TLCState s) {
            return ((Value) tool.eval(view, Context.Empty, s)).fingerPrint(FP64.New());
        }

        /**
         * The standard modules the specs extend, directly or through TLC. SANY looks for a module in
         * the spec's directory before the tools' jar; one it takes from the jar it first writes into
         * java.io.tmpdir, which every JVM on the machine shares, so two validations at once rewrite
         * each other's copies while SANY reads them. A copy next to the spec keeps it out of there.
         */
        private static final List<String> STANDARD_MODULES = List.of("Naturals", "Integers", "Sequences",
                "FiniteSets", "TLC");

        private static void copyStandardModule(String name, Path dir) throws IOException {
            String resource = "tla2sany/StandardModules/" + name + ".tla";
            try (InputStream in = tlc2.TLC.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new SpecException(resource + ": not in the TLA+ tools");
                }
                Files.write(dir.resolve(name + ".tla"), in.readAllBytes());
            }
        }

        private static void copyResource(String name, Path to) throws IOException {
            try (InputStream in = TraceValidator.class.getClassLoader()
                    .getResourceAsStream(SpecDir.RESOURCE_DIR + name)) {
                if (in == null) {
                    throw new SpecException(name + ": no such file among the built-in specs");
                }
                Files.write(to, in.readAllBytes());
            }
        }

        private OpDefNode def(String name) {
            OpDefNode d = defs.get(name);
            if (d == null) {
                throw new SpecException(spec + "Trace.tla defines no " + name);
            }
            return d;
        }

        private Action action(String name, Value e) {
            OpDefNode d = def(name);
            Context c = d.getArity() == 0 ? Context.Empty : Context.Empty.cons(d.getParams()[0], e);
            return new Action(d.getBody(), c);
        }

        private boolean holds(String name, Value e, TLCState s) {
            OpDefNode d = def(name);
            IValue v = tool.eval(d.getBody(), Context.Empty.cons(d.getParams()[0], e), s);
            return v instanceof BoolValue b && b.val;
        }

        /** Walks one sequence of events from Init; the first that matches no state is the mismatch. */
        Walk walk(List<SpecEvent> events, java.util.function.Function<SpecEvent, Value> value) {
            return walk(events, (e, q) -> value.apply(e));
        }

        Walk walk(List<SpecEvent> events, EventValue value) {
            int qpn = events.isEmpty() || !events.get(0).fields().containsKey("qpn") ? -1 : events.get(0).qpn();
            long visited = 0;
            List<TLCState> frontier = new ArrayList<>();
            StateVec init = tool.getInitStates();
            for (int i = 0; i < init.size(); i++) {
                frontier.add(init.elementAt(i));
            }
            int start = 0;
            if (spec.equals("QpStateMachine")) {
                SpecEvent first = events.get(0);
                if (first.action() != TraceAction.CreateQp) {
                    return new Walk(new Mismatch(spec, first.seq(), first.line(), first.action().name(), "CreateQp",
                            "qpn " + first.qpn() + " was never created"), 0);
                }
                Value e = value.of(first, qpn);
                frontier.removeIf(s -> !holds("IsCreateQp", e, s));
                start = 1;
            }
            Action flush = action("HcaFlush", null);
            Action step = action("HcaStep", null);
            boolean flushMayFollow = false;
            for (int k = start; k < events.size(); k++) {
                SpecEvent ev = events.get(k);
                Value e = value.of(ev, qpn);
                List<TLCState> next;
                try {
                    if (flushMayFollow) {
                        // The driver flushes inside the verb, all of the queue at once
                        // (MemDevice.flushSq/flushRq): only states with nothing left to flush.
                        frontier = closure(frontier, flush, ev);
                        frontier.removeIf(s -> !tool.getNextStates(flush, s).empty());
                    }
                    if (ev.action() == TraceAction.HcaRun) {
                        next = closure(frontier, step, ev);
                        next.removeIf(s -> !holds("HcaRunSeen", e, s));
                    } else {
                        next = dedup(successors(frontier, action("Is" + ev.action().name(), e)));
                    }
                } catch (RuntimeException ex) {
                    if (ex instanceof SpecException) {
                        throw ex;
                    }
                    // TLC could not evaluate the predicate on this event: a value of the wrong kind.
                    return new Walk(new Mismatch(spec, ev.seq(), ev.line(), ev.action().name(), expected(ev),
                            "TLC: " + String.valueOf(ex.getMessage()).replaceAll("\\s+", " ").trim()), visited);
                }
                visited += next.size();
                if (next.isEmpty()) {
                    return new Walk(new Mismatch(spec, ev.seq(), ev.line(), ev.action().name(),
                            expected(ev), describe(frontier)), visited);
                }
                frontier = next;
                flushMayFollow = ev.action().userVerb();
            }
            return new Walk(null, visited);
        }

        private String expected(SpecEvent ev) {
            return switch (ev.action()) {
                case HcaRun -> "HcaStep* then HcaRunSeen";
                default -> ev.action().name() + " (Is" + ev.action().name() + ")";
            };
        }

        private static String describe(List<TLCState> frontier) {
            if (frontier.isEmpty()) {
                return "no state";
            }
            String s = frontier.get(0).toString().replaceAll("\\s+", " ").trim();
            if (s.length() > 600) {
                s = s.substring(0, 600) + "...";
            }
            return frontier.size() + " candidate state" + (frontier.size() == 1 ? "" : "s") + ", e.g. " + s;
        }

        private List<TLCState> successors(List<TLCState> from, Action a) {
            List<TLCState> out = new ArrayList<>();
            for (TLCState s : from) {
                StateVec v = tool.getNextStates(a, s);
                for (int i = 0; i < v.size(); i++) {
                    out.add(v.elementAt(i));
                }
            }
            return out;
        }

        /** The states reachable from {@code from} by zero or more {@code a} steps. */
        private List<TLCState> closure(List<TLCState> from, Action a, SpecEvent at) {
            Set<Long> seen = new HashSet<>();
            List<TLCState> out = new ArrayList<>();
            ArrayDeque<TLCState> todo = new ArrayDeque<>();
            for (TLCState s : from) {
                if (seen.add(key(s))) {
                    out.add(s);
                    todo.add(s);
                }
            }
            while (!todo.isEmpty()) {
                TLCState s = todo.poll();
                StateVec v = tool.getNextStates(a, s);
                for (int i = 0; i < v.size(); i++) {
                    TLCState t = v.elementAt(i);
                    if (seen.add(key(t))) {
                        out.add(t);
                        todo.add(t);
                        if (out.size() > MAX_FRONTIER) {
                            throw new IllegalStateException(spec + ": more than " + MAX_FRONTIER
                                    + " states reachable by hidden steps before line " + at.line());
                        }
                    }
                }
            }
            return out;
        }

        private List<TLCState> dedup(List<TLCState> states) {
            Set<Long> seen = new HashSet<>();
            List<TLCState> out = new ArrayList<>();
            for (TLCState s : states) {
                if (seen.add(key(s))) {
                    out.add(s);
                }
            }
            return out;
        }

        @Override
        public void close() {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // a leftover temporary directory is harmless
            }
        }
    }
}
