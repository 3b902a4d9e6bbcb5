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
 * with error completions (once; a sends nothing after). A reference of three facts predicts
 * every completion upcall b's CQ makes: how the CQ is armed (not, for a solicited completion, or
 * for any), and how many completions wait unpolled. Invariants ({@code notifiedAsArmed}): an arm
 * with completions waiting makes one upcall at once; an armed CQ makes one upcall for the next
 * completion, or for the next solicited or error one, and is then disarmed; an arm for a
 * solicited completion leaves an arm for any as it is; IB_CQ_SOLICITED alone arms for solicited
 * completions, anything else for any; ib_req_notify_cq returns 0.
 * Replay a failure with the seed it prints: {@code mvn -B -pl driver-sim -am verify
 * -Dtest=CqNotifyPropertyTest -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class CqNotifyPropertyTest {
    private static final long DEFAULT_SEED = 0xc9_a4e;
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 150);
    private static final int NONE = 0;
    private static final int FOR_SOLICITED = 1;
    private static final int FOR_ANY = 2;
    private static final int SEND = 0;
    private static final int WRITE_IMM = 1;
    private static final int POLL = 2;
    private static final int ARM = 3;
    private static final int ERR = 4;

    record Step(int kind, int arg) {
        @Override
        public String toString() {
            return new String[] {"SEND", "WRITE_IMM", "POLL", "ARM", "ERR"}[kind] + "(" + arg + ")";
        }
    }

    @Test
    void notifiedAsArmed() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter("CqNotifyPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40),
                        lists().of(integers().between(0, 20 * 8 - 1).map(CqNotifyPropertyTest::step))
                                .ofSizeBetween(1, 30))
                .checkAssert(CqNotifyPropertyTest::run);
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
        return k < 19 ? new Step(ARM, arg) : new Step(ERR, 0);
    }

    /** The ib_req_notify_cq flags of an ARM step: the arm bits 0-3, and REPORT_MISSED_EVENTS by the next bit. */
    private static int flags(int arg) {
        return (arg & 3) | ((arg & 4) != 0 ? CqNotifyFlags.REPORT_MISSED_EVENTS : 0);
    }

    static void run(long worldSeed, List<Step> steps) {
        try (TransportPair p = new TransportPair(worldSeed, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            for (int k = 0; k < 64; k++) {
                p.b.postRecv(1000 + k, TransportPair.TARGET + k * 64L, 64);
            }
            int armed = NONE;
            int waiting = 0;
            int posted = 64;
            long upcalls = 0;
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
                        if (armed == FOR_ANY || armed == FOR_SOLICITED && s.arg() == 1) {
                            upcalls++;
                            armed = NONE;
                        }
                        waiting++;
                    }
                    case POLL -> {
                        int got = p.b.cq.poll(s.arg(), wc);
                        assertEquals(Math.min(s.arg(), waiting), got, at + ": polled");
                        waiting -= got;
                    }
                    case ARM -> {
                        int flags = flags(s.arg());
                        assertEquals(0, p.b.cq.reqNotify(flags), at + ": ib_req_notify_cq");
                        p.settle();
                        if (waiting > 0) {
                            upcalls++;
                            armed = NONE;
                        } else if ((flags & CqNotifyFlags.SOLICITED_MASK) == CqNotifyFlags.SOLICITED) {
                            armed = Math.max(armed, FOR_SOLICITED);
                        } else {
                            armed = FOR_ANY;
                        }
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
                        if (armed != NONE && posted > 0) {
                            upcalls++;
                            armed = NONE;
                        }
                        waiting += posted;
                        posted = 0;
                    }
                }
                assertEquals(upcalls, p.b.cq.upcalls(), at);
            }
            assertTrue(p.b.cq.upcalls() <= steps.size(), "at most one upcall a step");
        }
    }
}
