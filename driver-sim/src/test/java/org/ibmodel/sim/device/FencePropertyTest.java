// Property: max_rd_atomic and IB_SEND_FENCE under random loss (IBA 9.4.4 and 10.8.3.3:
// outstanding RDMA READ and atomic requests; 10.8.3.4 the fence indicator)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;

/**
 * Generated scenarios on an RC pair: a world seed, a path MTU, a loss of 0-10 % on the path and
 * a list of WRs posted together: RDMA READs (0 B to 6 KiB), FETCH_ADDs, RDMA WRITEs and SENDs,
 * one in four fenced. Invariants, watched packet by packet: {@code rdAtomicLimit}, no READ or
 * atomic starts while max_rd_atomic of them are outstanding (started and not completed);
 * {@code fence}, no fenced WR starts while any READ or atomic before it is outstanding; and
 * {@code exactlyOnce}, every WR completes once in order with SUCCESS, every READ brings b's
 * bytes, every WRITE and SEND leaves a's, and each FETCH_ADD returns the sum of those before it.
 * Replay a failure with the seed it prints: {@code mvn -B -pl driver-sim -am verify
 * -Dtest=FencePropertyTest -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class FencePropertyTest {
    private static final long DEFAULT_SEED = 0xfe_2ce;
    private static final SeedReporter REPORTER = SeedReporter.of("FencePropertyTest", DEFAULT_SEED);
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 150);
    private static final int SLOT = 8 << 10;
    private static final int READ = 0;
    private static final int FETCH_ADD = 1;
    private static final int WRITE = 2;
    private static final int SEND = 3;
    private static final long COUNTER = TransportPair.TARGET - 64;
    /** Where READs land in a's buffer and WRITEs in b's. */
    private static final long LANDING = TransportPair.TARGET + (1 << 20);

    record Wr(int op, int size, boolean fence) {
        boolean rdAtomic() {
            return op == READ || op == FETCH_ADD;
        }

        @Override
        public String toString() {
            return new String[] {"READ", "FETCH_ADD", "WRITE", "SEND"}[op] + "(" + size + (fence ? ", fence)" : ")");
        }
    }

    @Test
    void limitsAndFencesHold() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        int[] limited = {0};
        int[] fenced = {0};
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter("FencePropertyTest", seed))
                .forAll(longs().between(0, 1L << 40), arbitrary().enumValues(Mtu.class), integers().between(0, 10),
                        lists().of(integers().between(0, 32 * 6145 - 1).map(FencePropertyTest::wr))
                                .ofSizeBetween(1, 14))
                .checkAssert((worldSeed, mtu, drop, wrs) -> {
                    int[] seen = run(worldSeed, mtu, drop, wrs);
                    limited[0] += seen[0] > 0 ? 1 : 0;
                    fenced[0] += seen[1] > 0 ? 1 : 0;
                });
        // The scenarios must meet both waits, or the property holds for nothing.
        REPORTER.assertReached(limited[0], EXAMPLES / 10, "of " + EXAMPLES + " runs reached max_rd_atomic");
        REPORTER.assertReached(fenced[0], EXAMPLES / 10,
                "of " + EXAMPLES + " runs fenced a WR behind a READ or atomic");
    }

    /** Mostly READs and atomics, so that max_rd_atomic is reached; one WR in four fenced. */
    private static Wr wr(int v) {
        int[] ops = {READ, READ, READ, READ, FETCH_ADD, FETCH_ADD, WRITE, SEND};
        return new Wr(ops[v % 8], v / 32, v / 8 % 4 == 0);
    }

    /** One scenario; how often max_rd_atomic was reached, and the fenced WRs with a READ or atomic before them. */
    static int[] run(long worldSeed, Mtu mtu, int dropPercent, List<Wr> wrs) {
        int[] seen = new int[2];
        for (int i = 0; i < wrs.size(); i++) {
            // A fenced WR with a READ or atomic before it has something to wait for.
            seen[1] += wrs.get(i).fence() && wrs.subList(0, i).stream().anyMatch(Wr::rdAtomic) ? 1 : 0;
        }
        TransportPair.Conn c = new TransportPair.Conn(mtu, 0xFF_FFF0 - 8 * wrs.size(), 0x7000, 10, 7, 7, 1);
        try (TransportPair p = new TransportPair(worldSeed, QpType.RC, c)) {
            for (int k = 0; k < wrs.size(); k++) {
                p.b.postRecv(1000 + k, TransportPair.TARGET + (long) k * SLOT, SLOT);
            }
            p.pathLoss(dropPercent);
            Set<Integer> started = new HashSet<>();
            Set<Integer> outstanding = new HashSet<>();
            p.a.transport().observer(new TransportObserver() {
                @Override
                public void reqSend(Transport t, int qpn, int wqe, int psn) {
                    assertTrue(wqe < wrs.size(), "WQE " + wqe + " of " + wrs.size());
                    if (!started.add(wqe)) {
                        return;
                    }
                    Wr w = wrs.get(wqe);
                    if (w.fence()) {
                        assertEquals(Set.of(), outstanding, "fence: WR " + wqe + " " + w
                                + " starts with READs or atomics outstanding");
                    }
                    if (w.rdAtomic()) {
                        assertTrue(outstanding.size() < TransportPair.MAX_RD_ATOMIC, "rdAtomicLimit: WR " + wqe
                                + " " + w + " starts with " + outstanding + " outstanding");
                        seen[0] += outstanding.size() == TransportPair.MAX_RD_ATOMIC - 1 ? 1 : 0;
                        outstanding.add(wqe);
                    }
                }

                @Override
                public void compDone(Transport t, int qpn, int wqe, Syndrome status) {
                    outstanding.remove(wqe);
                }
            });
            for (int i = 0; i < wrs.size(); i++) {
                Wr w = wrs.get(i);
                long at = (long) i * SLOT;
                SendWr wr = new SendWr().wrId(i).sendFlags(w.fence() ? SendFlags.FENCE : 0);
                switch (w.op()) {
                    case READ -> {
                        p.b.fill(at, TransportPair.pattern(i, w.size()));
                        wr.opcode(WrOpcode.RDMA_READ).sgList(p.a.sge(LANDING + at, w.size()))
                                .remoteAddr(p.b.buf + at).rkey(p.b.mr.rkey());
                    }
                    case FETCH_ADD -> wr.opcode(WrOpcode.ATOMIC_FETCH_AND_ADD).sgList(p.a.sge(LANDING + at, 8))
                            .remoteAddr(p.b.buf + COUNTER).rkey(p.b.mr.rkey()).compareAdd(w.size() + 1);
                    case WRITE -> {
                        p.a.fill(at, TransportPair.pattern(i, w.size()));
                        wr.opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(at, w.size()))
                                .remoteAddr(p.b.buf + LANDING + at).rkey(p.b.mr.rkey());
                    }
                    default -> {
                        p.a.fill(at, TransportPair.pattern(i, w.size()));
                        wr.opcode(WrOpcode.SEND).sgList(p.a.sge(at, w.size()));
                    }
                }
                p.a.postSend(wr);
            }
            p.settle();

            List<Wc> done = p.a.poll();
            assertEquals(wrs.size(), done.size(), "exactlyOnce: one completion per WR: " + done);
            int r = 0;
            long counter = 0;
            for (int i = 0; i < wrs.size(); i++) {
                Wr w = wrs.get(i);
                long at = (long) i * SLOT;
                assertEquals(i, done.get(i).wrId, "exactlyOnce: in posting order");
                assertEquals(WcStatus.SUCCESS, done.get(i).status, "exactlyOnce: " + done.get(i));
                byte[] data = TransportPair.pattern(i, w.size());
                switch (w.op()) {
                    case READ -> assertArrayEquals(data, p.a.read(LANDING + at, w.size()), "exactlyOnce: READ " + i);
                    case FETCH_ADD -> {
                        assertEquals(counter, p.a.memory().readLong(p.a.buf + LANDING + at),
                                "exactlyOnce: FETCH_ADD " + i);
                        counter += w.size() + 1;
                    }
                    case WRITE -> assertArrayEquals(data, p.b.read(LANDING + at, w.size()), "exactlyOnce: WRITE " + i);
                    default -> {
                        assertArrayEquals(data, p.b.read(TransportPair.TARGET + (long) r * SLOT, w.size()),
                                "exactlyOnce: SEND " + i);
                        r++;
                    }
                }
            }
            assertEquals(counter, p.b.memory().readLong(p.b.buf + COUNTER), "exactlyOnce: each add once");
            return seen;
        }
    }
}
