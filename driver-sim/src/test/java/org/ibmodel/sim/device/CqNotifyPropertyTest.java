// Property: completion notification as ib_req_notify_cq arms it (IBA 11.4.2.2; docs/HCA.md §8;
// drivers/infiniband/hw/mlx4/cq.c mlx4_ib_arm_cq, drivers/infiniband/sw/rxe/rxe_verbs.c
// rxe_req_notify_cq)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import org.ibmodel.core.CqNotifyFlags;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;

/**
 * Generated scenarios on an RC pair, the world settled after every step: a SENDs to b or
 * RDMA WRITEs with immediate to it, solicited or not; b polls up to three completions; b arms
 * its CQ with ib_req_notify_cq (IB_CQ_SOLICITED, IB_CQ_NEXT_COMP, both, or no arm bit, any of
 * them with IB_CQ_REPORT_MISSED_EVENTS); or b's QP is moved to ERR, which flushes its receives
 * with error completions (once; a sends nothing after); or b sets its CQ's event moderation
 * with rdma_set_cq_moderation (a count of 0-3 completions, a period of 0 or 30 µs; two runs in three
 * start armed with a count of 2 or 3, half of them with the period). A reference
 * predicts every completion upcall b's CQ makes from how the CQ is armed (not, for a solicited
 * completion, or for any), how many completions wait unpolled, and the moderation: its count and
 * period, the completions it holds back and whether its period runs. Invariants
 * ({@code notifiedAsArmed}): an arm with completions waiting makes one upcall at once; an armed
 * CQ makes one upcall for the next completion, or for the next solicited or error one, and is
 * then disarmed; an arm for a solicited completion leaves an arm for any as it is;
 * IB_CQ_SOLICITED alone arms for solicited completions, anything else for any; with moderation
 * the upcall waits for the count of such completions, or for the period after the first of them,
 * and a new moderation applies to those held back (docs/HCA.md §8); ib_req_notify_cq and
 * rdma_set_cq_moderation return 0.
 * Replay a failure with the seed it prints: {@code mvn -B -pl driver-sim -am verify
 * -Dtest=CqNotifyPropertyTest -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class CqNotifyPropertyTest {
    private static final long DEFAULT_SEED = 0xc9_a4e;
    private static final SeedReporter REPORTER = SeedReporter.of("CqNotifyPropertyTest", DEFAULT_SEED);
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 150);
    private static final int NONE = 0;
    private static final int FOR_SOLICITED = 1;
    private static final int FOR_ANY = 2;
    private static final int SEND = 0;
    private static final int WRITE_IMM = 1;
    private static final int POLL = 2;
    private static final int ARM = 3;
    private static final int ERR = 4;
    private static final int MODERATE = 5;

    record Step(int kind, int arg) {
        @Override
        public String toString() {
            return new String[] {"SEND", "WRITE_IMM", "POLL", "ARM", "ERR", "MODERATE"}[kind] + "(" + arg + ")";
        }
    }

    @Test
    void notifiedAsArmed() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        int[] seen = new int[2];
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter("CqNotifyPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40),
                        lists().of(integers().between(0, 20 * 8 - 1).map(CqNotifyPropertyTest::step))
                                .ofSizeBetween(1, 30))
                .checkAssert((worldSeed, steps) -> {
                    int[] r = run(worldSeed, steps);
                    seen[0] += r[0];
                    seen[1] += r[1];
                });
        // The runs must reach moderation's two ways of raising a held-back event.
        REPORTER.assertReached(seen[0], EXAMPLES / 10, "upcalls at a moderation's count in " + EXAMPLES + " runs");
        REPORTER.assertReached(seen[1], EXAMPLES / 10, "upcalls at a moderation's period's end in " + EXAMPLES
                + " runs");
    }

    /** Arms most often, so that arms meet both waiting and arriving completions. */
    private static Step step(int v) {
        int k = v % 20;
        int arg = v / 20;
        if (k < 5) {
            return new Step(SEND, arg % 2);
        }
        if (k < 8) {
            return new Step(WRITE_IMM, arg % 2);
        }
        if (k < 11) {
            return new Step(POLL, 1 + arg % 3);
        }
        return k < 16 ? new Step(ARM, arg) : k < 19 ? new Step(MODERATE, arg % 8) : new Step(ERR, 0);
    }

    /** The reference's CQ: its arm, the completions waiting and the moderation's state. */
    private static final class Ref {
        int armed = NONE;
        int waiting;
        long upcalls;
        int count;
        boolean period;
        int pending;
        boolean periodRuns;
        /** Upcalls made at a count, and at a period's end, with the count or period not 0. */
        final int[] moderated = new int[2];

        void raise() {
            upcalls++;
            armed = NONE;
            pending = 0;
            periodRuns = false;
        }

        /** A completion arrives; {@code wakes}: it satisfies the arm as it is. */
        void completion(boolean wakes) {
            waiting++;
            if (!wakes) {
                return;
            }
            pending++;
            if (count == 0 && !period) {
                raise();
            } else if (count != 0 && pending >= count) {
                moderated[0] += count > 1 ? 1 : 0;
                raise();
            } else if (period) {
                periodRuns = true;
            }
        }

        /** The world settled: a period that runs has ended. */
        void settled() {
            if (periodRuns) {
                periodRuns = false;
                if (armed != NONE && pending > 0) {
                    moderated[1]++;
                    raise();
                }
            }
        }

        void moderate(int newCount, boolean newPeriod) {
            count = newCount;
            period = newPeriod;
            if (pending > 0 && (count == 0 && !period || count != 0 && pending >= count)) {
                raise();
            }
        }
    }

    /** The ib_req_notify_cq flags of an ARM step: the arm bits 0-3, and REPORT_MISSED_EVENTS by the next bit. */
    private static int flags(int arg) {
        return (arg & 3) | ((arg & 4) != 0 ? CqNotifyFlags.REPORT_MISSED_EVENTS : 0);
    }

    /** One scenario; the upcalls the moderation made at its count and at its period's end. */
    static int[] run(long worldSeed, List<Step> steps) {
        try (TransportPair p = new TransportPair(worldSeed, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            for (int k = 0; k < 64; k++) {
                p.b.postRecv(1000 + k, TransportPair.TARGET + k * 64L, 64);
            }
            Ref ref = new Ref();
            // Two runs in three start armed, with a count of 2 or 3, one of them with a period too.
            if (worldSeed % 3 != 0) {
                int count = 2 + (int) (worldSeed / 3 % 2);
                boolean period = worldSeed % 3 == 2;
                assertEquals(0, p.b.cq.setModeration(count, period ? 30 : 0), "rdma_set_cq_moderation");
                ref.moderate(count, period);
                assertEquals(0, p.b.cq.reqNotify(CqNotifyFlags.NEXT_COMP), "ib_req_notify_cq");
                ref.armed = FOR_ANY;
            }
            int posted = 64;
            boolean failed = false;
            Wc[] wc = {new Wc(), new Wc(), new Wc()};
            int n = 0;
            for (Step s : steps) {
                String at = "notifiedAsArmed: after " + s + " of " + steps;
                switch (s.kind()) {
                    case SEND, WRITE_IMM -> {
                        if (failed) {
                            continue;
                        }
                        SendWr wr = new SendWr().wrId(n).sgList(p.a.sge(0, 16))
                                .sendFlags(s.arg() == 1 ? SendFlags.SOLICITED : 0);
                        p.a.postSend(s.kind() == SEND ? wr.opcode(WrOpcode.SEND)
                                : wr.opcode(WrOpcode.RDMA_WRITE_WITH_IMM).remoteAddr(p.b.buf + (1 << 20) + n * 64L)
                                        .rkey(p.b.mr.rkey()).immData(n));
                        n++;
                        posted--;
                        p.settle();
                        // One receive completion; a solicited one wakes either arm.
                        ref.completion(ref.armed == FOR_ANY || ref.armed == FOR_SOLICITED && s.arg() == 1);
                    }
                    case POLL -> {
                        int got = p.b.cq.poll(s.arg(), wc);
                        assertEquals(Math.min(s.arg(), ref.waiting), got, at + ": polled");
                        ref.waiting -= got;
                    }
                    case ARM -> {
                        int flags = flags(s.arg());
                        assertEquals(0, p.b.cq.reqNotify(flags), at + ": ib_req_notify_cq");
                        p.settle();
                        if (ref.waiting > 0) {
                            ref.raise();
                        } else if ((flags & CqNotifyFlags.SOLICITED_MASK) == CqNotifyFlags.SOLICITED) {
                            ref.armed = Math.max(ref.armed, FOR_SOLICITED);
                        } else {
                            ref.armed = FOR_ANY;
                        }
                    }
                    case MODERATE -> {
                        int count = s.arg() % 4;
                        boolean period = s.arg() >= 4;
                        assertEquals(0, p.b.cq.setModeration(count, period ? 30 : 0), at + ": rdma_set_cq_moderation");
                        p.settle();
                        ref.moderate(count, period);
                    }
                    default -> {
                        if (failed) {
                            continue;
                        }
                        failed = true;
                        assertEquals(0, p.b.qp.modify(new QpAttr().state(QpState.ERR), QpAttrMask.STATE.bit()),
                                "to ERR");
                        p.settle();
                        // Every receive still posted completes in error, and an error wakes either arm.
                        for (; posted > 0; posted--) {
                            ref.completion(ref.armed != NONE);
                        }
                    }
                }
                ref.settled();
                assertEquals(ref.upcalls, p.b.cq.upcalls(), at);
            }
            assertTrue(p.b.cq.upcalls() <= steps.size(), "at most one upcall a step");
            return ref.moderated;
        }
    }
}
