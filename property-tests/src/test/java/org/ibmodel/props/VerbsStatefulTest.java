// drivers/infiniband/core/verbs.c, cq.c: random verb sequences against an abstract model
package org.ibmodel.props;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.ibmodel.core.Ah;
import org.ibmodel.core.Cq;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpState;
import org.ibmodel.core.ResType;
import org.ibmodel.core.Srq;
import org.ibmodel.props.VerbsAction.Outcome;
import org.ibmodel.props.VerbsAction.PostRecv;
import org.ibmodel.props.VerbsAction.PostSend;
import org.ibmodel.props.VerbsAction.PostSrqRecv;
import org.ibmodel.props.VerbsAction.Progress;
import org.ibmodel.props.VerbsAction.WcView;
import org.ibmodel.props.VerbsModel.Fate;
import org.ibmodel.props.VerbsModel.MAh;
import org.ibmodel.props.VerbsModel.MCq;
import org.ibmodel.props.VerbsModel.MPd;
import org.ibmodel.props.VerbsModel.MQp;
import org.ibmodel.props.VerbsModel.MSrq;
import org.ibmodel.props.VerbsModel.Prediction;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.AsString;
import org.quicktheories.core.Reporter;

/**
 * Random sequences of create / modify / post / poll / drain / destroy verbs on RC, UC, UD and GSI
 * QPs, run against ib_core over the in-memory device and, step by step, against
 * {@link VerbsModel}. After every step:
 *
 * <ul>
 *   <li><b>documented errnos</b>: the verb returned one of the values listed for it in
 *       {@link #ERRNOS};</li>
 *   <li><b>prediction</b>: it returned exactly what the model predicts (return value, bad_wr,
 *       the completions reaped, in order), and every QP is in the model's state;</li>
 *   <li><b>exactly once</b>: no wr_id completes twice, and only WRs the system accepted
 *       complete;</li>
 *   <li><b>use counts</b>: every PD, CQ, SRQ and QP has the model's usecnt, and the device's
 *       per-type object counts match.</li>
 * </ul>
 * Each sequence ends with a teardown: every QP to ERR, every CQ reaped, then every WR must have
 * completed, been retired unsignaled, discarded by a reset or destroy, or lost to a CQ overrun;
 * everything is destroyed and every use count and {@code liveTotal()} must be zero.
 *
 * <p>Replay a failure with the seed it prints:
 * {@code mvn -B -pl property-tests -am verify -Dtest=VerbsStatefulTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}; {@code -Dibmodel.sequences=N}
 * changes how many sequences run.
 */
class VerbsStatefulTest {
    static final long DEFAULT_SEED = 0x1b_5eed_2024L;
    static final int DEFAULT_SEQUENCES = 1500;
    static final int MAX_STEPS = 60;
    static final int SHRINK_CYCLES = 2000;
    static final int MAX_QP = 5;
    static final int MAX_CQ = 4;
    static final int MAX_SRQ = 1;

    /**
     * The values each verb may return (include/rdma/ib_verbs.h, verbs.c, the in-memory device as
     * rxe: a full object pool is -EINVAL); WARN is a kernel WARN_ON.
     */
    static final Map<String, Set<String>> ERRNOS = Map.ofEntries(
            Map.entry("ib_alloc_pd", Set.of("0")),
            Map.entry("ib_create_cq", Set.of("0", "-EINVAL")),
            Map.entry("ib_alloc_cq", Set.of("0", "-EINVAL")),
            Map.entry("rdma_create_ah", Set.of("0", "-EINVAL")),
            Map.entry("ib_create_srq", Set.of("0", "-EINVAL")),
            Map.entry("ib_create_qp", Set.of("0", "-EINVAL", "-EOPNOTSUPP")),
            Map.entry("ib_modify_qp", Set.of("0", "-EINVAL", "-EOPNOTSUPP")),
            Map.entry("ib_post_send", Set.of("0", "-EINVAL", "-ENOMEM")),
            Map.entry("ib_post_recv", Set.of("0", "-EINVAL", "-ENOMEM")),
            Map.entry("ib_post_srq_recv", Set.of("0", "-EINVAL", "-ENOMEM")),
            Map.entry("run_pending", Set.of("0")),
            Map.entry("ib_poll_cq", Set.of("0", "n>0")),
            Map.entry("ib_process_cq_direct", Set.of("0", "n>0")),
            Map.entry("ib_req_notify_cq", Set.of("0", "1")),
            Map.entry("ib_drain_qp", Set.of("0", "WARN")),
            Map.entry("ib_destroy_qp", Set.of("0", "-EBUSY")),
            Map.entry("ib_destroy_cq", Set.of("0", "-EBUSY")),
            Map.entry("ib_destroy_srq", Set.of("0", "-EBUSY")),
            Map.entry("rdma_destroy_ah", Set.of("0")),
            Map.entry("ib_dealloc_pd", Set.of("0", "WARN")));

    @Test
    void verbSequencesFollowTheAbstractModel() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        int sequences = Integer.getInteger("ibmodel.sequences", DEFAULT_SEQUENCES);
        long start = System.nanoTime();
        VerbsCoverage coverage = check(seed, sequences, UnaryOperator.identity());
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.print(coverage.report(seed, millis));
        List<String> missing = coverage.missing();
        if (!missing.isEmpty()) {
            // The claims hold for the default count; far fewer sequences may not reach rare outcomes.
            throw new AssertionError(replay(seed) + "\ncoverage claimed but never reached in " + sequences
                    + " sequences (default " + DEFAULT_SEQUENCES + "): " + missing
                    + "\n" + coverage.report(seed, millis));
        }
    }

    /**
     * Runs {@code sequences} generated sequences from {@code seed} against ib_core over the
     * in-memory device, its ops passed through {@code driver}; throws an AssertionError naming
     * the seed at the first disagreement with the model.
     */
    static VerbsCoverage check(long seed, int sequences, UnaryOperator<DeviceOps> driver) {
        VerbsCoverage coverage = new VerbsCoverage();
        qt().withFixedSeed(seed)
                .withExamples(sequences)
                .withShrinkCycles(SHRINK_CYCLES)
                .withReporter(new SeedReporter(seed))
                .forAll(lists().of(VerbsIntent.gen()).ofSizeBetween(1, MAX_STEPS))
                .checkAssert(intents -> new Run(intents, coverage, driver).run());
        return coverage;
    }

    /**
     * Reports a falsified property with the seed, the command that replays it and the failure
     * of the shortest sequence found, instead of QuickTheories' list of every failing value.
     */
    private record SeedReporter(long seed) implements Reporter {
        @Override
        public void falisification(long qtSeed, int examples, Object smallest, Throwable cause,
                List<Object> others, AsString<Object> show) {
            throw new AssertionError(replay(seed) + "\nfalsified after " + examples + " sequence(s); shortest failing"
                    + " sequence has " + ((List<?>) smallest).size() + " generated steps:\n" + cause.getMessage());
        }

        @Override
        public void falisification(long qtSeed, int examples, Object smallest, List<Object> others,
                AsString<Object> show) {
            throw new AssertionError(replay(seed) + "\nfalsified after " + examples + " sequence(s): " + smallest);
        }

        @Override
        public void valuesExhausted(int examples) {
            throw new AssertionError(replay(seed) + "\nonly " + examples + " sequences could be generated");
        }
    }

    static String replay(long seed) {
        return "VerbsStatefulTest failed with seed " + seed + "; replay with:\n  mvn -B -pl property-tests -am verify"
                + " -Dtest=VerbsStatefulTest -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=" + seed;
    }

    /** One generated sequence: a fresh kernel and device, a fresh model, the steps, the teardown. */
    private static final class Run {
        private final List<VerbsIntent> intents;
        private final VerbsCoverage coverage;
        private final VerbsSystem system;
        private final VerbsModel model;
        private final VerbsChooser chooser;
        private final List<String> trace = new ArrayList<>();
        private int steps;
        /** wr_ids the system accepted, and those it completed: kept from the system's answers alone. */
        private final Set<Long> accepted = new HashSet<>();
        private final Set<Long> completed = new HashSet<>();

        Run(List<VerbsIntent> intents, VerbsCoverage coverage, UnaryOperator<DeviceOps> driver) {
            this.intents = intents;
            this.coverage = coverage;
            this.system = new VerbsSystem(MAX_QP, MAX_CQ, MAX_SRQ, driver);
            this.model = new VerbsModel(VerbsModel.Limits.of(system.device()));
            this.chooser = new VerbsChooser(model);
        }

        void run() {
            coverage.sequence();
            for (VerbsIntent intent : intents) {
                VerbsAction action = chooser.resolve(intent);
                if (action != null) {
                    step(action);
                }
            }
            teardown();
            long upcalls = 0;
            long overruns = 0;
            long errors = 0;
            for (MCq cq : model.cqs().values()) {
                upcalls += cq.upcalls;
                overruns += cq.overruns;
                errors += cq.errors;
            }
            coverage.events(upcalls, overruns, errors);
        }

        private void step(VerbsAction action) {
            steps++;
            Prediction p = model.apply(action);
            Outcome actual;
            try {
                actual = system.perform(action);
            } catch (RuntimeException e) {
                throw failure("the system threw " + e, action, p.outcome(), null, e);
            }
            trace.add(action.describe() + " = " + actual);
            Set<String> allowed = ERRNOS.get(action.verb());
            if (!allowed.contains(actual.key())) {
                throw failure("[documented errnos] " + action.verb() + " returned " + actual.key()
                        + ", not one of " + allowed, action, p.outcome(), actual, null);
            }
            if (!actual.equals(p.outcome())) {
                throw failure("[prediction] the system disagrees with the model", action, p.outcome(), actual, null);
            }
            checkExactlyOnce(action, actual);
            checkObjects(action, p.outcome());
            coverage.step(action, p.reason(), actual);
            for (MQp q : model.qps().values()) {
                if (q.live) {
                    coverage.qpState(q.type, q.state);
                }
            }
        }

        /** From the system's answers alone: a wr_id completes at most once, and only after it was posted. */
        private void checkExactlyOnce(VerbsAction action, Outcome actual) {
            List<Long> ids = new ArrayList<>();
            if (action instanceof PostSend a) {
                a.wrs().forEach(w -> ids.add(w.wrId()));
            } else if (action instanceof PostRecv a) {
                a.wrs().forEach(w -> ids.add(w.wrId()));
            } else if (action instanceof PostSrqRecv a) {
                a.wrs().forEach(w -> ids.add(w.wrId()));
            }
            int posted = actual.ret() == 0 ? ids.size() : Math.max(0, actual.badWr());
            accepted.addAll(ids.subList(0, Math.min(posted, ids.size())));
            for (WcView wc : actual.completions()) {
                if (!accepted.contains(wc.wrId())) {
                    throw failure("[exactly once] completion for wr" + wc.wrId() + ", which was never posted",
                            action, null, actual, null);
                }
                if (!completed.add(wc.wrId())) {
                    throw failure("[exactly once] wr" + wc.wrId() + " completed twice", action, null, actual, null);
                }
            }
        }

        /** QP states, use counts and the device's object counts against the model. */
        private void checkObjects(VerbsAction action, Outcome expected) {
            List<String> diffs = new ArrayList<>();
            for (MQp m : model.qps().values()) {
                Qp q = system.qps().get(m.id);
                if (m.live && q.state() != m.state) {
                    diffs.add("[prediction] qp" + m.id + " " + m.type + " is " + q.state() + ", model says " + m.state);
                }
                compare(diffs, "qp" + m.id, m.live, q.freed(), q.usecnt(), 0);
            }
            for (MPd m : model.pds().values()) {
                Pd pd = system.pds().get(m.id);
                compare(diffs, "pd" + m.id, m.live, pd.freed(), pd.usecnt(), m.live ? model.usecnt(m) : 0);
            }
            for (MCq m : model.cqs().values()) {
                Cq cq = system.cqs().get(m.id);
                compare(diffs, "cq" + m.id, m.live, cq.freed(), cq.usecnt(), m.live ? model.usecnt(m) : 0);
                int[] ev = system.cqEvents(m.id);
                if (ev != null && (ev[0] != m.upcalls || ev[1] != m.errors)) {
                    diffs.add("[prediction] cq" + m.id + " upcalls/CQ_ERR events " + ev[0] + "/" + ev[1]
                            + ", model says " + m.upcalls + "/" + m.errors);
                }
            }
            for (MSrq m : model.srqs().values()) {
                Srq srq = system.srqs().get(m.id);
                compare(diffs, "srq" + m.id, m.live, srq.freed(), srq.usecnt(), m.live ? model.usecnt(m) : 0);
            }
            for (MAh m : model.ahs().values()) {
                Ah ah = system.ahs().get(m.id);
                compare(diffs, "ah" + m.id, m.live, ah.freed(), 0, 0);
            }
            IbDevice dev = system.device();
            long[] want = {
                VerbsModel.live(model.pds(), x -> x.live), VerbsModel.live(model.cqs(), x -> x.live),
                VerbsModel.live(model.qps(), x -> x.live), VerbsModel.live(model.srqs(), x -> x.live),
                VerbsModel.live(model.ahs(), x -> x.live)};
            ResType[] types = {ResType.PD, ResType.CQ, ResType.QP, ResType.SRQ, ResType.AH};
            long total = 0;
            for (int i = 0; i < types.length; i++) {
                total += want[i];
                if (dev.liveCount(types[i]) != want[i]) {
                    diffs.add("[use counts] device has " + dev.liveCount(types[i]) + " live " + types[i]
                            + ", model says " + want[i]);
                }
            }
            if (dev.liveTotal() != total) {
                diffs.add("[use counts] device liveTotal " + dev.liveTotal() + ", model says " + total);
            }
            if (!diffs.isEmpty()) {
                throw failure(String.join("; ", diffs), action, expected, null, null);
            }
        }

        private static void compare(List<String> diffs, String name, boolean live, boolean freed, int usecnt,
                int want) {
            if (live == freed) {
                diffs.add("[prediction] " + name + (live ? " was freed" : " is still allocated"));
            }
            if (usecnt != want) {
                diffs.add("[use counts] " + name + " usecnt " + usecnt + ", model says " + want);
            }
        }

        /**
         * Every QP to ERR and every CQ reaped; then nothing may be outstanding but receives on a
         * live SRQ. Then everything is destroyed and all counts must be zero.
         */
        private void teardown() {
            step(new Progress());
            for (MQp q : List.copyOf(model.qps().values())) {
                if (q.live && q.state != QpState.RESET) {
                    step(chooser.moveToErr(q));
                }
            }
            step(new Progress());
            for (MCq cq : List.copyOf(model.cqs().values())) {
                while (cq.live && !cq.ring.isEmpty()) {
                    step(chooser.pollOf(cq, -1));
                }
            }
            Set<Long> onSrq = new HashSet<>();
            for (MSrq s : model.srqs().values()) {
                s.wrs.forEach(r -> onSrq.add(r.wrId()));
            }
            checkLedger(onSrq, "after every QP went to ERR and every CQ was reaped");
            for (MQp q : List.copyOf(model.qps().values())) {
                if (q.live) {
                    step(new VerbsAction.DestroyQp(q.id));
                }
            }
            for (MSrq s : List.copyOf(model.srqs().values())) {
                if (s.live) {
                    step(new VerbsAction.DestroySrq(s.id));
                }
            }
            for (MAh a : List.copyOf(model.ahs().values())) {
                if (a.live) {
                    step(new VerbsAction.DestroyAh(a.id));
                }
            }
            for (MCq cq : List.copyOf(model.cqs().values())) {
                if (cq.live) {
                    step(new VerbsAction.DestroyCq(cq.id));
                }
            }
            for (MPd pd : List.copyOf(model.pds().values())) {
                if (pd.live) {
                    step(new VerbsAction.DeallocPd(pd.id));
                }
            }
            step(new Progress());
            checkLedger(Set.of(), "after teardown");
            Set<Long> reaped = new HashSet<>();
            model.ledger().forEach((id, fate) -> {
                if (fate == Fate.REAPED) {
                    reaped.add(id);
                }
            });
            if (!reaped.equals(completed) || !accepted.equals(model.ledger().keySet())) {
                throw failure("[exactly once] the system completed " + completed.size() + " and accepted "
                        + accepted.size() + " WRs, the model reaped " + reaped.size() + " of "
                        + model.ledger().size(), new Progress(), null, null, null);
            }
            List<String> leaks = new ArrayList<>();
            system.pds().forEach((id, o) -> leak(leaks, "pd" + id, o.freed(), o.usecnt()));
            system.cqs().forEach((id, o) -> leak(leaks, "cq" + id, o.freed(), o.usecnt()));
            system.srqs().forEach((id, o) -> leak(leaks, "srq" + id, o.freed(), o.usecnt()));
            system.qps().forEach((id, o) -> leak(leaks, "qp" + id, o.freed(), o.usecnt()));
            system.ahs().forEach((id, o) -> leak(leaks, "ah" + id, o.freed(), o.usecnt()));
            if (system.device().liveTotal() != 0) {
                leaks.add("device liveTotal " + system.device().liveTotal() + " ("
                        + system.device().liveSummary() + ")");
            }
            if (!leaks.isEmpty()) {
                throw failure("[use counts] after teardown: " + leaks, new Progress(), null, null, null);
            }
        }

        private static void leak(List<String> leaks, String name, boolean freed, int usecnt) {
            if (!freed || usecnt != 0) {
                leaks.add(name + (freed ? "" : " not freed") + (usecnt != 0 ? " usecnt " + usecnt : ""));
            }
        }

        /** Every posted WR has a final fate, except those in {@code waiting}. */
        private void checkLedger(Set<Long> waiting, String when) {
            List<String> open = new ArrayList<>();
            model.ledger().forEach((id, fate) -> {
                if ((fate == Fate.QUEUED || fate == Fate.ON_CQ) && !waiting.contains(id)) {
                    open.add("wr" + id + " " + fate);
                }
            });
            if (!open.isEmpty()) {
                throw failure("[exactly once] outstanding " + when + ": " + open, new Progress(), null, null, null);
            }
        }

        private AssertionError failure(String what, VerbsAction action, Outcome expected, Outcome actual,
                Throwable cause) {
            StringBuilder sb = new StringBuilder(what).append("\n  at step ").append(steps)
                    .append(": ").append(action.describe());
            if (expected != null) {
                sb.append("\n  model predicts: ").append(expected);
            }
            if (actual != null) {
                sb.append("\n  system answered: ").append(actual);
            }
            sb.append("\n  steps so far (").append(intents.size()).append(" generated, then teardown):\n")
                    .append(VerbsAction.trace(trace.isEmpty() ? List.of("(none)") : trace));
            AssertionError e = new AssertionError(sb.toString());
            if (cause != null) {
                e.initCause(cause);
            }
            return e;
        }
    }
}
