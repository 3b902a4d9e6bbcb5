// Conformance of the simulated HCA's SQ drain to specs/src/main/tla/SqDrain.tla: seeded runs
// under loss, recorded and validated with TLC, and the spec's three mutants made in the device's
// Java, each rejected at the event it produces
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToLongFunction;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.conform.SqDrainRecorder;
import org.ibmodel.specs.trace.SpecEvent;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.sim.conform.SeededRuns;
import org.ibmodel.specs.trace.TraceAction;
import org.junit.jupiter.api.Test;

/**
 * One scenario per seed on an RC pair: a path MTU, 0-10 % loss on the path, and 1-24 steps, each
 * posting a SEND or an RDMA WRITE (0 B to 8 KiB), running the world 1-200 µs, moving the QP to SQD
 * (asking for SQ_DRAINED or not) or, in SQD, to SQD again (with a new ack timeout or without
 * attributes), back to RTS, and now and then to ERR. A QP left in SQD drains and goes back to
 * RTS at the end. The sending QP is recorded by {@link SqDrainRecorder} and the traces validated
 * against SqDrain. Replay one run: {@code -Dtest=SqDrainConformanceTest -Dibmodel.seed=SEED}
 * validates that seed's run alone.
 */
class SqDrainConformanceTest {
    /** Seeded runs per build: {@code -Dibmodel.sqdRuns=N} for more. */
    private static final int RUNS = Integer.getInteger("ibmodel.sqdRuns", 120);
    private static final int SLOT = 8 << 10;

    @Test
    void shouldValidateEverySeededRunAgainstSqDrain() {
        SeededRuns runs = SeededRuns.validated("SqDrainConformanceTest", RUNS,
                seed -> record(seed, TransportPolicy.CORRECT));
        if (runs.replay()) {
            return;
        }
        // What the runs must have exercised for the check to mean something.
        runs.assertSeen("an SQ_DRAINED at RTS2SQD", e -> e.action() == TraceAction.ToSqd && e.num("drained") == 1);
        runs.assertSeen("an SQ_DRAINED at the last completion",
                e -> e.action() == TraceAction.Complete && e.num("drained") == 1);
        runs.assertSeen("an RTS2SQD without the event", e -> e.action() == TraceAction.ToSqd && !e.bool("notify"));
        runs.assertSeen("a refusal while draining", e -> e.action() == TraceAction.RefuseLeaveSqd);
        runs.assertSeen("an SQD2SQD changing attributes", e -> e.action() == TraceAction.LeaveSqd
                && e.str("to").equals("SQD") && e.bool("change"));
        runs.assertSeen("an SQD2RTS", e -> e.action() == TraceAction.LeaveSqd && e.str("to").equals("RTS"));
        runs.assertSeen("a 2ERR", e -> e.action() == TraceAction.ToErr);
        for (SpecTrace t : runs.traces()) {
            List<SpecEvent> es = t.events();
            for (int i = 1; i < es.size(); i++) {
                if (es.get(i).action() == TraceAction.Begin && es.get(i - 1).action() == TraceAction.LeaveSqd
                        && es.get(i - 1).str("to").equals("RTS")) {
                    return;
                }
            }
        }
        throw new AssertionError("no WQE that waited in SQD began with the SQD2RTS in " + RUNS + " runs");
    }

    /** SqDrain.tla's mutant BeginInSqd: the requester begins new WQEs in SQD. */
    private static final TransportPolicy BEGINS_IN_SQD = new TransportPolicy() {
        @Override
        public boolean mayBegin(HwQpState s) {
            return s.sends() || s == HwQpState.SQD;
        }
    };

    /** LeaveWhileDraining: the firmware takes SQD2SQD and SQD2RTS with WQEs in progress. */
    private static final TransportPolicy LEAVES_WHILE_DRAINING = new TransportPolicy() {
        @Override
        public boolean leavesSqdOnlyDrained() {
            return false;
        }
    };

    /** NoEventAtLastCompletion: the completer never posts the SQ_DRAINED asked for. */
    private static final TransportPolicy NO_EVENT_AT_LAST_COMPLETION = new TransportPolicy() {
        @Override
        public boolean drainedAtLastCompletion() {
            return false;
        }
    };

    @Test
    void shouldRejectAWqeBegunInSqd() {
        assertRejected(BEGINS_IN_SQD, t -> first(t, (s, e) -> e.action() == TraceAction.Begin && s.inSqd),
                TraceAction.Begin);
    }

    @Test
    void shouldRejectLeavingSqdWhileDraining() {
        assertRejected(LEAVES_WHILE_DRAINING, t -> first(t, (s, e) -> e.action() == TraceAction.LeaveSqd
                && s.inFlight > 0), TraceAction.LeaveSqd);
    }

    @Test
    void shouldRejectTheLastCompletionWithoutItsEvent() {
        assertRejected(NO_EVENT_AT_LAST_COMPLETION, t -> first(t, (s, e) -> e.action() == TraceAction.Complete
                && s.inSqd && s.asked && s.inFlight == 1), TraceAction.Complete);
    }

    /**
     * The first seed whose run with {@code bug} has an event {@code where} finds (the event the
     * bug produced, judged from the trace alone) is rejected by the validator at that event.
     */
    private static void assertRejected(TransportPolicy bug, ToLongFunction<SpecTrace> where, TraceAction at) {
        SeededRuns.assertRejectedAtTheBug(300, seed -> record(seed, bug), where, at);
    }

    /** What a trace says of the QP so far, as SqDrain would have it. */
    private static final class Seen {
        boolean inSqd;
        boolean asked;
        int inFlight;

        void step(SpecEvent e) {
            switch (e.action()) {
                case Begin -> inFlight++;
                case Complete -> {
                    inFlight--;
                    asked &= e.num("drained") == 0;
                }
                case ToSqd -> {
                    inSqd = true;
                    asked = e.bool("notify") && e.num("drained") == 0;
                }
                case LeaveSqd -> {
                    inSqd = e.str("to").equals("SQD");
                    asked &= inSqd;
                }
                default -> {
                }
            }
        }
    }

    private interface Finder {
        boolean test(Seen before, SpecEvent e);
    }

    /** The seq of the first event {@code f} finds, given what the events before it said; 0 if none. */
    private static long first(SpecTrace t, Finder f) {
        Seen s = new Seen();
        for (SpecEvent e : t.events()) {
            if (f.test(s, e)) {
                return e.seq();
            }
            s.step(e);
        }
        return 0;
    }

    // ---- the runs ---------------------------------------------------------------------------

    /** The run of {@code seed}, the sending side's device deciding as {@code policy} does. */
    static SpecTrace record(long seed, TransportPolicy policy) {
        SplittableRandom r = new SplittableRandom(seed);
        Mtu mtu = Mtu.values()[r.nextInt(Mtu.values().length)];
        int drop = r.nextInt(11);
        int n = 1 + r.nextInt(24);
        TransportPair.Conn c = new TransportPair.Conn(mtu, r.nextInt(1 << 24), 0x7000, 10, 7, 7, 1);
        try (TransportPair p = new TransportPair(r.nextLong(1L << 40), QpType.RC, c)) {
            p.a.transport().policy(policy);
            for (int k = 0; k < n; k++) {
                p.b.postRecv(1000 + k, TransportPair.TARGET + (long) k * SLOT, SLOT);
            }
            p.pathLoss(drop);
            SqDrainRecorder rec = new SqDrainRecorder(p.a.transport(), p.a.qp.qpNum());
            boolean inSqd = false;
            boolean err = false;
            int posted = 0;
            for (int k = 0; k < n; k++) {
                int kind = r.nextInt(30);
                if (kind == 0) {
                    assertEquals(0, p.a.qp.modify(new QpAttr().state(QpState.ERR), QpAttrMask.STATE.bit()), "to ERR");
                    err = true;
                    break;
                } else if (kind < 10) {
                    int len = r.nextInt(SLOT + 1);
                    long at = (long) posted * SLOT;
                    p.a.fill(at, TransportPair.pattern(posted, len));
                    SendWr wr = new SendWr().wrId(posted).sgList(p.a.sge(at, len));
                    rec.post();
                    p.a.postSend(r.nextBoolean() ? wr.opcode(WrOpcode.SEND) : wr.opcode(WrOpcode.RDMA_WRITE)
                            .remoteAddr(p.b.buf + TransportPair.TARGET + (1 << 20) + at).rkey(p.b.mr.rkey()));
                    posted++;
                } else if (kind < 18) {
                    p.world.runUntil(p.world.scheduler().now() + (1 + r.nextInt(200)) * 1000L);
                } else if (kind < 24) {
                    QpAttr sqd = new QpAttr().state(QpState.SQD);
                    int mask = QpAttrMask.STATE.bit();
                    if (!inSqd) {
                        sqd.enSqdAsyncNotify = r.nextInt(4) != 0;
                        mask |= sqd.enSqdAsyncNotify ? QpAttrMask.EN_SQD_ASYNC_NOTIFY.bit() : 0;
                    } else if (r.nextBoolean()) {
                        sqd.timeout = 10 + r.nextInt(4);
                        mask |= QpAttrMask.TIMEOUT.bit();
                    }
                    int ret = p.a.qp.modify(sqd, mask);
                    inSqd |= ret == 0;
                } else if (inSqd) {
                    inSqd = p.a.qp.modify(new QpAttr().state(QpState.RTS), QpAttrMask.STATE.bit()) != 0;
                }
            }
            if (inSqd && !err) {
                p.settle();
                assertEquals(0, p.a.qp.modify(new QpAttr().state(QpState.RTS), QpAttrMask.STATE.bit()), "SQD to RTS");
            }
            p.settle();
            SpecTrace t = rec.trace(Map.of("seed", seed, "mtu", mtu.name(), "drop", (long) drop));
            rec.detach();
            return t;
        }
    }
}
