// Property: SQD entered and left at any moment of an RC stream under random loss (IBA 10.3.1
// the SQ drain, 11.6.3.1 SQ_DRAINED; drivers/infiniband/core/verbs.c for the transitions)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.junit.jupiter.api.Test;

/**
 * Generated scenarios on an RC pair: a world seed, a path MTU, a loss of 0-10 % on the path
 * and a list of steps: a posts an RDMA WRITE or a SEND (0 B to 8 KiB), the world runs 1 µs to
 * 200 µs, a moves its QP to SQD (asking for the SQ_DRAINED event), or back to RTS. At the end a
 * QP still in SQD is let drain, checked, and moved back to RTS, and the world settles.
 * Invariants: {@code noStartInSqd}, while the QP is in SQD no WR whose first packet has not gone
 * out yet sends one; {@code drainedOnce}, SQ_DRAINED comes at most once per entry to SQD, and for
 * the entry the world settles in it comes, with ib_query_qp then reporting sq_draining false;
 * {@code leftOnceDrained}, SQD2RTS succeeds only once every WQE begun before SQD has completed, and
 * is refused only with -EINVAL, only before this entry's SQ_DRAINED came, leaving the QP in SQD
 * (rxe_qp.c rxe_qp_chk_attr; docs/HCA.md §4.5; SqDrain.tla's InFlightUnderCurrentAttrs);
 * {@code exactlyOnce}, every WR completes once in order with SUCCESS, every SEND is received once
 * in order and every byte is where it belongs.
 * Replay a failure with the seed it prints: {@code mvn -B -pl driver-sim -am verify
 * -Dtest=SqdLossPropertyTest -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class SqdLossPropertyTest {
    private static final long DEFAULT_SEED = 0x5cd_10ad;
    private static final SeedReporter REPORTER = SeedReporter.of("SqdLossPropertyTest", DEFAULT_SEED);
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 150);
    private static final int SLOT = 8 << 10;
    private static final int WRITE = 0;
    private static final int SEND = 1;
    private static final int RUN = 2;
    private static final int TO_SQD = 3;
    private static final int TO_RTS = 4;
    /** What {@link #run} adds to its result when the scenario had an SQD2RTS refused. */
    private static final int REFUSED = 1 << 16;

    record Step(int kind, int arg) {
        @Override
        public String toString() {
            return new String[] {"WRITE", "SEND", "RUN", "SQD", "RTS"}[kind] + "(" + arg + ")";
        }
    }

    @Test
    void sqdUnderLoss() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        int[] drainedMidway = {0};
        int[] refusedIn = {0};
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter("SqdLossPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40), arbitrary().enumValues(Mtu.class), integers().between(0, 10),
                        lists().of(integers().between(0, 5 * (SLOT + 1) - 1).map(v -> new Step(v % 5, v / 5)))
                                .ofSizeBetween(1, 20))
                .checkAssert((worldSeed, mtu, drop, steps) -> {
                    int r = run(worldSeed, mtu, drop, steps);
                    drainedMidway[0] += r & (REFUSED - 1);
                    refusedIn[0] += r / REFUSED;
                });
        REPORTER.assertReached(drainedMidway[0], EXAMPLES / 10,
                "of " + EXAMPLES + " runs drained in SQD before their end");
        REPORTER.assertReached(refusedIn[0], EXAMPLES / 20,
                "of " + EXAMPLES + " runs had an SQD2RTS refused while the QP drained");
    }

    /**
     * One scenario; 1 when an SQ_DRAINED came before the end, else 0, plus {@link #REFUSED} when an
     * SQD2RTS was refused while the QP drained.
     */
    static int run(long worldSeed, Mtu mtu, int dropPercent, List<Step> steps) {
        int wrs = (int) steps.stream().filter(s -> s.kind() <= SEND).count();
        TransportPair.Conn c = new TransportPair.Conn(mtu, 0xFF_FFF0 - 4 * wrs, 0x7000, 10, 7, 7, 1);
        try (TransportPair p = new TransportPair(worldSeed, QpType.RC, c)) {
            for (int k = 0; k < wrs; k++) {
                p.b.postRecv(1000 + k, TransportPair.TARGET + (long) k * SLOT, SLOT);
            }
            p.pathLoss(dropPercent);
            Set<Integer> started = new HashSet<>();
            Set<Integer> completed = new HashSet<>();
            boolean[] inSqd = {false};
            p.a.transport().observer(new TransportObserver() {
                @Override
                public void reqSend(Transport t, int qpn, int wqe, int psn) {
                    if (started.add(wqe)) {
                        assertFalse(inSqd[0], "noStartInSqd: WQE " + wqe + " started in SQD, at PSN " + psn);
                    }
                }

                @Override
                public void compDone(Transport t, int qpn, int wqe, Syndrome status) {
                    completed.add(wqe);
                }
            });
            // The WQEs begun before the QP last entered SQD (none begins in SQD).
            Set<Integer> beforeSqd = new HashSet<>();
            List<Step> posted = new ArrayList<>();
            int entries = 0;
            int refused = 0;
            for (Step s : steps) {
                switch (s.kind()) {
                    case WRITE, SEND -> {
                        int i = posted.size();
                        p.a.fill((long) i * SLOT, TransportPair.pattern(i, s.arg()));
                        SendWr wr = new SendWr().wrId(i).sgList(p.a.sge((long) i * SLOT, s.arg()));
                        p.a.postSend(s.kind() == SEND ? wr.opcode(WrOpcode.SEND) : wr.opcode(WrOpcode.RDMA_WRITE)
                                .remoteAddr(p.b.buf + TransportPair.TARGET + (1 << 20) + (long) i * SLOT)
                                .rkey(p.b.mr.rkey()));
                        posted.add(s);
                    }
                    case RUN -> p.world.runUntil(p.world.scheduler().now() + (1 + s.arg() % 200) * 1000L);
                    case TO_SQD -> {
                        if (!inSqd[0]) {
                            QpAttr sqd = new QpAttr().state(QpState.SQD);
                            sqd.enSqdAsyncNotify = true;
                            assertEquals(0, p.a.qp.modify(sqd,
                                    QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.EN_SQD_ASYNC_NOTIFY)), "to SQD");
                            inSqd[0] = true;
                            beforeSqd.clear();
                            beforeSqd.addAll(started);
                            entries++;
                        }
                    }
                    default -> {
                        if (inSqd[0]) {
                            // The device may start the waiting WRs within the command itself.
                            inSqd[0] = false;
                            boolean drainSeen = drains(p) == entries;
                            int ret = p.a.qp.modify(new QpAttr().state(QpState.RTS), QpAttrMask.STATE.bit());
                            if (ret == 0) {
                                // SqDrain.tla InFlightUnderCurrentAttrs: left only once all of them completed.
                                Set<Integer> inFlight = new HashSet<>(beforeSqd);
                                inFlight.removeAll(completed);
                                assertTrue(inFlight.isEmpty(), "leftOnceDrained: SQD2RTS taken with WQEs "
                                        + inFlight + " in progress");
                            } else {
                                assertFalse(drainSeen, "leftOnceDrained: SQD2RTS refused after this SQD's "
                                        + "SQ_DRAINED: " + ret);
                                assertEquals(Errno.EINVAL.negative(), ret, "leftOnceDrained: SQD2RTS while draining");
                                QpAttr q = new QpAttr();
                                assertEquals(0, p.a.qp.query(q));
                                assertEquals(QpState.SQD, q.qpState, "leftOnceDrained: a refused SQD2RTS left SQD");
                                inSqd[0] = true;
                                refused++;
                            }
                        }
                    }
                }
                assertTrue(drains(p) <= entries, "drainedOnce: " + p.a.events + " after " + entries + " entries");
            }
            int drainedBeforeEnd = drains(p) > 0 ? 1 : 0;
            if (inSqd[0]) {
                p.settle();
                assertTrue(drains(p) >= 1, "drainedOnce: the drain the world settled in was reported");
                QpAttr q = new QpAttr();
                assertEquals(0, p.a.qp.query(q));
                assertEquals(QpState.SQD, q.qpState, "settled in SQD");
                assertFalse(q.sqDraining, "drainedOnce: sq_draining once drained");
                inSqd[0] = false;
                assertEquals(0, p.a.qp.modify(new QpAttr().state(QpState.RTS), QpAttrMask.STATE.bit()), "SQD to RTS");
            }
            p.settle();
            assertTrue(drains(p) <= entries, "drainedOnce: " + p.a.events + " after " + entries + " entries");
            assertEquals(drains(p), p.a.events.size(), "no event but SQ_DRAINED: " + p.a.events);

            List<Wc> done = p.a.poll();
            assertEquals(posted.size(), done.size(), "exactlyOnce: one completion per WR: " + done);
            for (int i = 0; i < posted.size(); i++) {
                assertEquals(i, done.get(i).wrId, "exactlyOnce: in posting order");
                assertEquals(WcStatus.SUCCESS, done.get(i).status, "exactlyOnce: " + done.get(i));
            }
            List<Wc> received = p.b.poll();
            int r = 0;
            for (int i = 0; i < posted.size(); i++) {
                Step s = posted.get(i);
                byte[] data = TransportPair.pattern(i, s.arg());
                if (s.kind() == SEND) {
                    assertTrue(r < received.size(), "exactlyOnce: SEND " + i + " received: " + received);
                    assertEquals(s.arg(), received.get(r).byteLen, "exactlyOnce: SEND " + i);
                    assertArrayEquals(data, p.b.read(TransportPair.TARGET + (long) r * SLOT, s.arg()), "SEND " + i);
                    r++;
                } else {
                    assertArrayEquals(data, p.b.read(TransportPair.TARGET + (1 << 20) + (long) i * SLOT, s.arg()),
                            "exactlyOnce: WRITE " + i);
                }
            }
            assertEquals(r, received.size(), "exactlyOnce: one receive per SEND");
            return drainedBeforeEnd + (refused > 0 ? REFUSED : 0);
        }
    }

    private static int drains(TransportPair p) {
        return (int) p.a.events.stream().filter(e -> e == IbEventType.SQ_DRAINED).count();
    }
}
