// Property: ib_drain_qp on the HCA with work in flight and packets lost, as a kernel ULP tears
// down a connection (drivers/infiniband/core/verbs.c __ib_drain_sq, __ib_drain_rq; cq.c)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.Cqe;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.PollContext;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;

/**
 * Generated scenarios on an RC pair whose host a completes through a CQ from ib_alloc_cq (in
 * softirq or workqueue context) with a done callback per WR, as kernel ULPs do: a world seed, a
 * path MTU, a loss of 0-10 %, a few receives a posts (nothing is sent to a, so they can only be
 * flushed) and a list of steps: a posts a SEND or an RDMA WRITE (0 B to 8 KiB), or the world
 * runs 1 µs to 200 µs. Then a calls ib_drain_qp, with whatever is still in flight. Invariants
 * once it returns ({@code drained}): a's QP is in ERR; every send WR's callback has run exactly
 * once, in posting order, SUCCESS for a first run of them and WR_FLUSH_ERR for the rest; every
 * receive's callback has run once with WR_FLUSH_ERR; and every send that succeeded left its bytes
 * at b.
 * Replay a failure with the seed it prints: {@code mvn -B -pl driver-sim -am verify
 * -Dtest=DrainPropertyTest -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class DrainPropertyTest {
    private static final long DEFAULT_SEED = 0xd4a_1e;
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 80);
    private static final int SLOT = 8 << 10;

    record Step(boolean post, boolean send, int arg) {
        @Override
        public String toString() {
            return post ? (send ? "SEND(" : "WRITE(") + arg + ")" : "RUN(" + arg + ")";
        }
    }

    /** One completion a callback saw. */
    record Done(long wrId, WcStatus status) {
    }

    @Test
    void drained() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        int[] cut = {0};
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter("DrainPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40), arbitrary().enumValues(Mtu.class),
                        integers().between(0, 2 * 11 * 4 - 1),
                        lists().of(integers().between(0, Integer.MAX_VALUE).map(DrainPropertyTest::step))
                                .ofSizeBetween(1, 16))
                .checkAssert((worldSeed, mtu, f, steps) -> cut[0] += run(worldSeed, mtu, f % 11, f / 11 % 4,
                        f / 44 == 0 ? PollContext.SOFTIRQ : PollContext.WORKQUEUE, steps));
        // Drains must often find WRs in flight, or they only flush idle queues.
        SeedReporter.of("DrainPropertyTest", DEFAULT_SEED).assertReached(cut[0], EXAMPLES / 5,
                "of " + EXAMPLES + " drains flushed a send WR");
    }

    private static Step step(int v) {
        boolean post = v % 3 != 0;
        return new Step(post, v / 3 % 2 == 0, post ? v / 6 % (SLOT + 1) : 1 + v / 6 % 200);
    }

    /** One scenario; 1 when the drain flushed a send WR, else 0. */
    static int run(long worldSeed, Mtu mtu, int dropPercent, int receives, PollContext poll, List<Step> steps) {
        try (TransportPair p = new TransportPair(worldSeed, QpType.RC, TransportPair.Conn.standard(mtu), poll)) {
            p.pathLoss(dropPercent);
            List<Done> sends = new ArrayList<>();
            List<Done> recvs = new ArrayList<>();
            Cqe sendDone = (cq, wc) -> sends.add(new Done(wc.wrId, wc.status));
            Cqe recvDone = (cq, wc) -> recvs.add(new Done(wc.wrId, wc.status));
            for (int k = 0; k < receives; k++) {
                assertTrue(p.a.qp.postRecv(new RecvWr(500 + k, recvDone, List.of(p.a.sge(3L << 20, 64)))).ok());
            }
            List<Step> posted = new ArrayList<>();
            int sendCount = 0;
            for (Step s : steps) {
                if (!s.post()) {
                    p.world.runUntil(p.world.scheduler().now() + s.arg() * 1000L);
                    continue;
                }
                int i = posted.size();
                p.a.fill((long) i * SLOT, TransportPair.pattern(i, s.arg()));
                SendWr wr = new SendWr().wrId(i).wrCqe(sendDone).sgList(p.a.sge((long) i * SLOT, s.arg()));
                if (s.send()) {
                    p.b.postRecv(1000 + sendCount, TransportPair.TARGET + (long) sendCount * SLOT, SLOT);
                    sendCount++;
                    wr.opcode(WrOpcode.SEND);
                } else {
                    wr.opcode(WrOpcode.RDMA_WRITE).remoteAddr(p.b.buf + TransportPair.TARGET + (1 << 20)
                            + (long) i * SLOT).rkey(p.b.mr.rkey());
                }
                p.a.postSend(wr);
                posted.add(s);
            }
            p.a.qp.drain();

            assertEquals(QpState.ERR, p.a.qp.state(), "drained: the QP");
            assertEquals(posted.size(), sends.size(), "drained: a callback per send WR: " + sends);
            int firstFlushed = posted.size();
            for (int i = 0; i < sends.size(); i++) {
                Done d = sends.get(i);
                assertEquals(i, d.wrId(), "drained: in posting order: " + sends);
                if (d.status() != WcStatus.SUCCESS && firstFlushed == posted.size()) {
                    firstFlushed = i;
                }
                assertEquals(i < firstFlushed ? WcStatus.SUCCESS : WcStatus.WR_FLUSH_ERR, d.status(),
                        "drained: successes, then flushes: " + sends);
            }
            assertEquals(receives, recvs.size(), "drained: a callback per receive: " + recvs);
            for (int k = 0; k < receives; k++) {
                assertEquals(new Done(500 + k, WcStatus.WR_FLUSH_ERR), recvs.get(k), "drained: receives flushed");
            }
            p.settle();
            int r = 0;
            for (int i = 0; i < posted.size(); i++) {
                Step s = posted.get(i);
                byte[] data = TransportPair.pattern(i, s.arg());
                if (s.send() && i < firstFlushed) {
                    assertArrayEquals(data, p.b.read(TransportPair.TARGET + (long) r * SLOT, s.arg()), "SEND " + i);
                } else if (!s.send() && i < firstFlushed) {
                    assertArrayEquals(data, p.b.read(TransportPair.TARGET + (1 << 20) + (long) i * SLOT, s.arg()),
                            "WRITE " + i);
                }
                r += s.send() ? 1 : 0;
            }
            return firstFlushed < posted.size() ? 1 : 0;
        }
    }
}
