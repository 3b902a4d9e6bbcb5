// Property: whatever structure of the responder's the driver frees under its device, and
// whenever, the device fails that object and nothing else (docs/HCA.md §6.1)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.Wc;
import org.ibmodel.sim.device.CatastrophicErrorPropertyTest.Posted;
import org.ibmodel.sim.device.CatastrophicErrorPropertyTest.Step;
import org.junit.jupiter.api.Test;

/**
 * The scenarios of {@link CatastrophicErrorPropertyTest} on an RC pair (host a's SENDs, WRITEs
 * and receives, b's receives, runs of the world and polls), but what strikes after some step is
 * host b's driver freeing one structure b's device still uses: its CQ's ring or doorbell record,
 * its QP's receive ring or doorbell record, or its MR's translation table. A freed receive ring or
 * record stops b posting receives (its driver would write into the freed memory itself; a CQ or an
 * MR it only polls or names), the world runs until a's retries are spent, and a's QP is moved to
 * ERR so that what it still holds is flushed. Whatever was in flight:
 * <ul>
 * <li>{@code noOops}: nothing leaves a verb, a settle or a poll but its return value;</li>
 * <li>{@code exactlyOnce}: each work request a posted completes once, each queue in posting
 *     order, with whatever status b's failure gave it;</li>
 * <li>{@code contained}: b's device is still up, and a's driver is not in its error state.</li>
 * </ul>
 * A device that lets a receive queue's fault out is found
 * ({@link #shouldFindADeviceThatLetsAQueueFaultOut}).
 * Replay a failure with the seed it prints: {@code mvn -B -pl driver-sim -am verify
 * -Dtest=DmaFaultPropertyTest -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class DmaFaultPropertyTest {
    private static final long DEFAULT_SEED = 0xd3a;
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 100);
    /** Long enough for a's retries (2 of them, 4.096 µs x 2^10 each) to run out. */
    private static final long SETTLE_NS = 50_000_000;

    /** What b's driver frees. */
    enum Freed {
        CQ_RING, CQ_DB_RECORD, RQ_RING, QP_DB_RECORD, MTT;

        /** Posting a receive writes this: b's driver cannot post once it is freed. */
        boolean isReceiveQueue() {
            return this == RQ_RING || this == QP_DB_RECORD;
        }

        long address(TransportPair p) {
            Firmware fw = p.b.host.hca(0).firmware();
            QpContext qp = fw.qp(p.b.qp.qpNum());
            byte[] cq = fw.cqContext((int) qp.get(Layout.QpCtx.RECV_CQN));
            return switch (this) {
                case CQ_RING -> Layout.CqCtx.BUFFER.get(cq, 0);
                case CQ_DB_RECORD -> Layout.CqCtx.DB_RECORD.get(cq, 0);
                case RQ_RING -> qp.get(Layout.QpCtx.RQ_ADDR);
                case QP_DB_RECORD -> qp.get(Layout.QpCtx.DB_RECORD);
                case MTT -> Layout.Mpt.MTT_ADDR.get(fw.mpt(p.b.mr.rkey() >>> 8), 0);
            };
        }
    }

    @Test
    void shouldFailOnlyTheObjectWhoseMemoryIsGone() {
        int[] hit = new int[Freed.values().length];
        check(TransportPolicy.CORRECT, (what, ok) -> hit[what.ordinal()] += ok ? 1 : 0);
        // The scenarios must reach what the property is about, for each structure, or it holds
        // for nothing: b's device used the freed memory, and the object it belongs to failed for it.
        for (Freed what : Freed.values()) {
            SeedReporter.of("DmaFaultPropertyTest", DEFAULT_SEED).assertReached(hit[what.ordinal()],
                    EXAMPLES / Freed.values().length / 10, "runs failed the object when " + what + " was freed "
                            + java.util.Arrays.toString(hit));
        }
    }

    /** A device whose responder lets a receive queue's fault out is found (noOops). */
    @Test
    void shouldFindADeviceThatLetsAQueueFaultOut() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> check(LETS_QUEUE_FAULTS_OUT, (what, failed) -> { }));
        assertTrue(e.getMessage().contains("-Dibmodel.seed="), e.getMessage());
        // The fault escaping the device is the bug, which run reports as noOops, not as a crash.
        assertInstanceOf(AssertionError.class, e.getCause(), e.getMessage());
        assertTrue(e.getMessage().contains("noOops"), e.getMessage());
    }

    /**
     * The property over the scenarios, b's transport deciding as {@code policy} does;
     * {@code failed} hears what each run freed and whether that failed its object.
     */
    private static void check(TransportPolicy policy, BiConsumer<Freed, Boolean> failed) {
        CatastrophicErrorPropertyTest.scenarios("DmaFaultPropertyTest", DEFAULT_SEED, EXAMPLES,
                20 * Freed.values().length - 1)
                .checkAssert((worldSeed, steps, choice) -> failed.accept(Freed.values()[choice % Freed.values().length],
                        run(worldSeed, steps, choice, policy)));
    }

    private static final TransportPolicy LETS_QUEUE_FAULTS_OUT = new TransportPolicy() {
        @Override
        public boolean containsQueueFaults() {
            return false;
        }
    };

    /**
     * The scenario with b's transport deciding as {@code policy} does; whether b's QP or the CQ
     * its receives complete to ended in error (what the device reports once it met the fault).
     */
    static boolean run(long worldSeed, List<Step> steps, int choice, TransportPolicy policy) {
        Freed what = Freed.values()[choice % Freed.values().length];
        int after = choice / Freed.values().length;
        String at = "steps " + steps + ", freeing b's " + what + " after " + Math.min(after, steps.size());
        TransportPair.Conn conn = TransportPair.Conn.standard(Mtu.MTU_1024).retries(2, 2);
        // The device reads a CQ's doorbell record only when the ring may be full (HCA.md §5), and b
        // never polls: a CQ of two entries fills after two receives, and b has four from the start.
        int cqeB = what == Freed.CQ_DB_RECORD ? 1 : TransportPair.CQE;
        try (TransportPair p = new TransportPair(worldSeed, QpType.RC, conn, null, false, 0, 1,
                TransportPair.CQE, cqeB)) {
            p.b.transport().policy(policy);
            for (int k = 0; what == Freed.CQ_DB_RECORD && k < 4; k++) {
                p.b.postRecv(100 + k, TransportPair.TARGET, 4096);
            }
            boolean[] freed = {false};
            List<Step> playable = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                Step s = steps.get(i);
                playable.add(i >= after && s.kind() == 3 && what.isReceiveQueue() ? new Step(4, 0) : s);
            }
            Posted o;
            List<Wc> after2;
            try {
                o = CatastrophicErrorPropertyTest.play(p, playable, after, () -> {
                    p.b.memory().free(what.address(p));
                    freed[0] = true;
                });
                p.world.runUntil(p.world.scheduler().now() + SETTLE_NS);
                p.settle();
                // a then stops too, so that its receives b never sent to complete, flushed.
                assertEquals(0, p.a.qp.modify(new QpAttr().state(QpState.ERR), QpAttrMask.STATE.bit()), at);
                p.settle();
                after2 = p.a.poll();
            } catch (RuntimeException e) {
                throw new AssertionError("noOops: " + at + ": " + e, e);
            }
            assertTrue(freed[0], at);
            CatastrophicErrorPropertyTest.assertEachOnce(at, o.sends, o.recvs, o.before, after2);
            assertEquals(Firmware.SysState.INITIALISED, p.b.host.hca(0).firmware().state(), at + ": contained");
            assertTrue(!p.a.host.driver(0).internalError(), at + ": contained, a");
            Firmware fw = p.b.host.hca(0).firmware();
            byte[] cq = fw.cqContext((int) fw.qp(p.b.qp.qpNum()).get(Layout.QpCtx.RECV_CQN));
            int cqState = Layout.CqCtx.STATE.getInt(cq, 0);
            return switch (what) {
                // The fault's own state, not an overrun of the small CQ.
                case CQ_RING, CQ_DB_RECORD -> cqState == CompletionQueue.STATE_WRITE_FAIL;
                case RQ_RING, QP_DB_RECORD, MTT -> p.b.hwState() == HwQpState.ERR
                        || cqState != CompletionQueue.STATE_OK;
            };
        }
    }
}
