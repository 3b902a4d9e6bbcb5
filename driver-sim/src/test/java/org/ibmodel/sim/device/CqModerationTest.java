// rdma_set_cq_moderation (drivers/infiniband/core/verbs.c), mlx4_ib_modify_cq and mlx4_cq_modify
// (drivers/infiniband/hw/mlx4/cq.c, drivers/net/ethernet/mellanox/mlx4/cq.c); docs/HCA.md §3.3, §4.4, §8
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibmodel.core.CqNotifyFlags;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Event moderation: an armed CQ holds its completion event back until a count of completions
 * has come or a period has passed since the first of them, whichever is first.
 */
@ExtendWith(ReplayOnFailure.class)
class CqModerationTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 5);
    private static final long US = 1000;

    private static TransportPair rc() {
        return new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024));
    }

    /** One signalled 64-byte WRITE from a, its completion on a's CQ. */
    private static void write(TransportPair p, long wrId) {
        p.a.postSend(new SendWr().wrId(wrId).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, 64))
                .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()).sendFlags(SendFlags.SIGNALED));
    }

    /** EQEs the device has written on every EQ of {@code side}'s HCA. */
    private static long eqes(TransportPair.Side side) {
        EqTable eqs = side.host.hca(0).firmware().eqs();
        long n = 0;
        for (int eqn = 0; eqs.inRange(eqn); eqn++) {
            n += eqs.eq(eqn) == null ? 0 : eqs.eq(eqn).producerIndex();
        }
        return n;
    }

    /** Moderation {@code count} / {@code periodUs} on a's CQ, armed for the next completion; the time then. */
    private static long moderatedAndArmed(TransportPair p, int count, int periodUs) {
        assertEquals(0, p.a.cq.setModeration(count, periodUs));
        assertEquals(0, p.a.cq.reqNotify(CqNotifyFlags.NEXT_COMP));
        return p.world.scheduler().now();
    }

    /** One WRITE's completion held back by a 100 µs period, 20 µs after the arm (returned). */
    private static long oneHeldBack(TransportPair p) {
        long t0 = moderatedAndArmed(p, 0, 100);
        write(p, 1);
        p.world.runUntil(t0 + 20 * US);
        return t0;
    }

    private static String at(TransportPair p, String what) {
        return what + " (at " + p.world.scheduler().now() / US + " us)";
    }

    @Test
    void shouldHoldTheEventBackUntilTheCountIsReachedAndCountAgainAfterTheNextArm() {
        try (TransportPair p = rc()) {
            moderatedAndArmed(p, 4, 0);
            for (int i = 0; i < 3; i++) {
                write(p, i);
                p.settle();
                assertEquals(0, p.a.cq.upcalls(), at(p, (i + 1) + " completions of 4"));
            }
            write(p, 3);
            p.settle();
            assertEquals(1, p.a.cq.upcalls(), at(p, "the fourth completion"));
            assertEquals(4, p.a.poll().size());

            assertEquals(0, p.a.cq.reqNotify(CqNotifyFlags.NEXT_COMP));
            write(p, 4);
            p.settle();
            assertEquals(1, p.a.cq.upcalls(), at(p, "the count starts again at the arm"));
        }
    }

    @Test
    void shouldRaiseTheEventAPeriodAfterTheFirstHeldBackCompletion() {
        try (TransportPair p = rc()) {
            long t0 = oneHeldBack(p);
            assertEquals(1, p.a.poll().size(), at(p, "the WRITE completed within 20 us"));
            p.world.runUntil(t0 + 100 * US);
            assertEquals(0, p.a.cq.upcalls(), at(p, "the period runs from the completion, after t0"));
            p.world.runUntil(t0 + 130 * US);
            assertEquals(1, p.a.cq.upcalls(), at(p, "100 us after the completion, polled or not"));
            p.settle();
            assertEquals(1, p.a.cq.upcalls(), at(p, "one event"));
        }
    }

    @Test
    void shouldRaiseTheEventAtTheCountBeforeThePeriodEnds() {
        try (TransportPair p = rc()) {
            long t0 = moderatedAndArmed(p, 2, 1000);
            write(p, 1);
            write(p, 2);
            p.world.runUntil(t0 + 50 * US);
            assertEquals(1, p.a.cq.upcalls(), at(p, "two completions, long before 1 ms"));
            p.settle();
            assertEquals(1, p.a.cq.upcalls(), at(p, "no second event when the period would have ended"));
        }
    }

    @Test
    void shouldApplyANewCountToTheCompletionsHeldBack() {
        try (TransportPair p = rc()) {
            moderatedAndArmed(p, 10, 0);
            write(p, 1);
            write(p, 2);
            p.settle();
            assertEquals(0, p.a.cq.upcalls(), at(p, "2 of 10"));
            assertEquals(0, p.a.cq.setModeration(2, 0));
            p.settle();
            assertEquals(1, p.a.cq.upcalls(), at(p, "the two held back reach the new count"));
            assertEquals(0, p.a.cq.setModeration(0, 0));
            assertEquals(0, p.a.cq.reqNotify(CqNotifyFlags.NEXT_COMP));
            write(p, 3);
            p.settle();
            assertEquals(2, p.a.cq.upcalls(), at(p, "no moderation: the next completion"));
        }
    }

    @Test
    void shouldRaiseNothingForAPeriodStillRunningWhenTheCqIsDestroyed() {
        try (TransportPair p = rc()) {
            oneHeldBack(p);
            assertEquals(0, p.a.cq.upcalls(), at(p, "held back"));
            assertEquals(0, p.a.qp.destroy());
            assertEquals(0, p.a.cq.destroy(), "HW2SW_CQ with a period running");
            long eqes = eqes(p.a);
            p.settle();
            // The driver would drop an EQE for a CQN it no longer has (mlx4_cq_completion), so
            // look at the device's EQs: not one EQE more.
            assertEquals(eqes, eqes(p.a), at(p, "no COMPLETION EQE for a CQ given back"));
            assertEquals(0, p.a.cq.upcalls(), at(p, "no event for a CQ given back"));
        }
    }

    @Test
    void shouldPassOnlyTheLow16BitsAsTheKernelsU16Does() {
        try (TransportPair p = rc()) {
            moderatedAndArmed(p, 0x10002, 0x10000);
            write(p, 1);
            p.settle();
            assertEquals(0, p.a.cq.upcalls(), at(p, "a count of 2, no period"));
            write(p, 2);
            p.settle();
            assertEquals(1, p.a.cq.upcalls(), at(p, "the second completion"));
        }
    }

    @Test
    void shouldRaiseNothingForAPeriodRunningWhenTheHcaFailsAndThenFailWithEio() {
        try (TransportPair p = rc()) {
            p.a.host.driver(0).catasResetDisable(true);
            long t0 = oneHeldBack(p);
            p.a.host.hca(0).catastrophicError(Layout.Catas.CAUSE_INTERNAL);
            long eqes = eqes(p.a);
            p.world.runUntil(t0 + 300 * US);
            assertEquals(eqes, eqes(p.a), at(p, "a failed device writes no EQE but a command's (HCA.md 2.1)"));
            p.world.runUntil(p.world.scheduler().now() + 6_000_000_000L);
            assertEquals(Errno.EIO.negative(), p.a.cq.setModeration(4, 10), "the driver's error state");
        }
    }
}
