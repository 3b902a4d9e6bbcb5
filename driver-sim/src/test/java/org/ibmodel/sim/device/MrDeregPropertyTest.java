// Property: ib_dereg_mr while RDMA WRITEs through the region's rkey are on the wire (IBA 10.6.7.2
// deregistration; docs/HCA.md §4.1 and HW2SW_MPT; drivers/infiniband/hw/mlx4/mr.c mlx4_ib_dereg_mr)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;

/**
 * Generated scenarios on an RC pair: a world seed, a path MTU, a loss of 0-5 %, a list of RDMA
 * WRITEs a posts into one region b registered for it (1 B to 32 KiB each, to their own slots),
 * and after how many microseconds of virtual time (0-99) b deregisters the region. Invariants:
 * {@code nothingAfterDereg}, once ib_dereg_mr has returned the region's bytes never change
 * again; {@code successMeansLanded}, a WRITE that completes with SUCCESS left every byte in
 * place; {@code refusedAfter}, a's completions are SUCCESS for a prefix of the WRITEs, then at
 * most one IB_WC_REM_ACCESS_ERR (or, when its NAK is lost, IB_WC_RETRY_EXC_ERR: b's QP is in
 * ERR by then and answers no retry) and flushes for the rest, in order, one each.
 * Replay a failure with the seed it prints: {@code mvn -B -pl driver-sim -am verify
 * -Dtest=MrDeregPropertyTest -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class MrDeregPropertyTest {
    private static final long DEFAULT_SEED = 0xde_4e9;
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 150);
    private static final int SLOT = 32 << 10;

    @Test
    void nothingPassesOnceDeregistered() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        int[] cut = {0};
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter("MrDeregPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40), arbitrary().enumValues(Mtu.class),
                        integers().between(0, 6 * 100 - 1), lists().of(integers().between(1, SLOT)).ofSizeBetween(1, 8))
                .checkAssert((worldSeed, mtu, f, sizes) -> cut[0] += run(worldSeed, mtu, f % 6, f / 6, sizes));
        // The deregistration must fall among the WRITEs often, or the property holds for nothing.
        SeedReporter.of("MrDeregPropertyTest", DEFAULT_SEED).assertReached(cut[0], EXAMPLES / 5,
                "of " + EXAMPLES + " runs refused a WRITE");
    }

    /** One scenario; 1 when a WRITE was refused. */
    static int run(long worldSeed, Mtu mtu, int dropPercent, int deregAfterUs, List<Integer> sizes) {
        try (TransportPair p = new TransportPair(worldSeed, QpType.RC, TransportPair.Conn.standard(mtu))) {
            long base = p.b.host.memory().alloc((long) SLOT * sizes.size());
            Mr region = Mr.reg(p.b.pd, base, (long) SLOT * sizes.size(), base,
                    AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE).get();
            p.pathLoss(dropPercent);
            for (int i = 0; i < sizes.size(); i++) {
                p.a.fill((long) i * SLOT, TransportPair.pattern(i, sizes.get(i)));
                p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.RDMA_WRITE)
                        .sgList(p.a.sge((long) i * SLOT, sizes.get(i))).remoteAddr(base + (long) i * SLOT)
                        .rkey(region.rkey()));
            }
            p.world.runUntil(p.world.scheduler().now() + deregAfterUs * 1000L);
            assertEquals(0, region.dereg(), "ib_dereg_mr");
            byte[] atDereg = p.b.memory().read(base, SLOT * sizes.size());
            List<Wc> doneBefore = p.a.poll();
            p.settle();
            assertArrayEquals(atDereg, p.b.memory().read(base, SLOT * sizes.size()),
                    "nothingAfterDereg: the region changed after ib_dereg_mr returned");

            List<Wc> done = new java.util.ArrayList<>(doneBefore);
            done.addAll(p.a.poll());
            assertEquals(sizes.size(), done.size(), "refusedAfter: one completion per WRITE: " + done);
            int refused = 0;
            for (int i = 0; i < sizes.size(); i++) {
                Wc w = done.get(i);
                assertEquals(i, w.wrId, "refusedAfter: in order");
                // The NAK lost, b's QP is in ERR and answers no retry: the retries run out instead.
                WcStatus refusal = dropPercent > 0 && w.status == WcStatus.RETRY_EXC_ERR ? WcStatus.RETRY_EXC_ERR
                        : WcStatus.REM_ACCESS_ERR;
                WcStatus want = refused == 0 ? (w.status == WcStatus.SUCCESS ? WcStatus.SUCCESS : refusal)
                        : WcStatus.WR_FLUSH_ERR;
                assertEquals(want, w.status, "refusedAfter: WRITE " + i + ": " + done);
                if (w.status == WcStatus.SUCCESS) {
                    assertArrayEquals(TransportPair.pattern(i, sizes.get(i)),
                            p.b.memory().read(base + (long) i * SLOT, sizes.get(i)), "successMeansLanded: WRITE " + i);
                } else {
                    refused++;
                }
            }
            return refused > 0 ? 1 : 0;
        }
    }
}
