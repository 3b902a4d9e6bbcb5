// Property: ib_post_send with a list of WRs, some of which the driver refuses (include/rdma/ib_verbs.h
// ib_post_send's bad_wr; drivers/infiniband/hw/mlx4/qp.c mlx4_ib_post_send; docs/HCA.md §10)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.dsl.TheoryBuilder4;

/**
 * Generated scenarios on an RC pair (each QP taking up to four SGEs and no inline data): a world
 * seed, a path MTU, a loss of 0-5 % and a list of post_send calls of one to six WRs each, the
 * world running between calls. A WR is an RDMA WRITE of 0 B to 4 KiB in one to four SGEs, or one
 * the driver must refuse with -EINVAL: one SGE more than max_send_sge, an inline WRITE (max_inline_data is 0), or a
 * FETCH_ADD whose one SGE is not 8 bytes. Invariants: {@code badWr}, a call with a refused WR
 * returns -EINVAL and the index of the first one, and 0 otherwise; {@code postedOnly}, exactly
 * the WRs before the first refused one of each call are posted: they, and only they, complete,
 * once, in posting order, with SUCCESS, each leaving its bytes at b.
 * Replay a failure with the seed it prints: {@code mvn -B -pl driver-sim -am verify
 * -Dtest=PostListPropertyTest -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class PostListPropertyTest {
    private static final long DEFAULT_SEED = 0xbad_5e9;
    private static final SeedReporter REPORTER = SeedReporter.of("PostListPropertyTest", DEFAULT_SEED);
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 150);
    private static final int SLOT = 4 << 10;
    private static final int GOOD = 0;
    private static final int SGES = 1;
    private static final int INLINE = 2;
    private static final int ATOMIC_LEN = 3;

    /** One WR: its kind, and for a good one its size and SGE count. */
    record Wr(int kind, int size, int sges) {
        @Override
        public String toString() {
            return new String[] {"WRITE", "TOO_MANY_SGES", "INLINE", "ATOMIC_4B"}[kind] + "(" + size + ", " + sges
                    + ")";
        }
    }

    @Test
    void onlyTheWrsBeforeTheFirstRefusedOneArePosted() {
        int[] cut = {0};
        scenarios().checkAssert((worldSeed, mtu, drop, calls) -> cut[0] += run(worldSeed, mtu, drop, calls) ? 1 : 0);
        // The scenarios must reach what the property is about, or it holds for nothing: a list cut
        // at a refused WR with WRs on both sides of it, the ones before posted, the ones after not.
        REPORTER.assertReached(cut[0], EXAMPLES / 3, "of " + EXAMPLES + " runs cut a list between two WRs");
    }

    /**
     * The same for ib_post_recv on b's receive queue: lists of one to six receives, one in four
     * with one SGE more than max_recv_sge. {@code badWr} as above; {@code postedOnly}: a's SENDs,
     * one per receive posted, land in exactly the receives posted, in order, each once, scattered
     * over the receive's SGEs.
     */
    @Test
    void onlyTheReceivesBeforeTheFirstRefusedOneArePosted() {
        int[] cut = {0};
        scenarios().checkAssert((worldSeed, mtu, drop, calls) ->
                cut[0] += runRecv(worldSeed, mtu, drop, calls) ? 1 : 0);
        // As above, for receives.
        REPORTER.assertReached(cut[0], EXAMPLES / 3, "of " + EXAMPLES + " runs cut a list between two receives");
    }

    /** Whether {@code firstBad} cuts a list of {@code size} WRs with some on each side of the refused one. */
    private static boolean cutBetween(int firstBad, int size) {
        return firstBad > 0 && firstBad < size - 1;
    }

    /** One scenario of receives; whether a list was cut between two receives. */
    static boolean runRecv(long worldSeed, Mtu mtu, int dropPercent, List<List<Wr>> calls) {
        try (TransportPair p = new TransportPair(worldSeed, QpType.RC, TransportPair.Conn.standard(mtu))) {
            p.pathLoss(dropPercent);
            int maxSge = p.b.qp.cap().maxRecvSge();
            List<Wr> posted = new ArrayList<>();
            boolean cut = false;
            for (List<Wr> call : calls) {
                List<org.ibmodel.core.RecvWr> wrs = new ArrayList<>();
                int firstBad = -1;
                for (int k = 0; k < call.size(); k++) {
                    Wr w = call.get(k);
                    int id = posted.size() + k;
                    long at = TransportPair.TARGET + (long) id * SLOT;
                    // A good receive spreads SLOT bytes over its SGEs; a bad one has one SGE too many.
                    int n = w.kind() == GOOD ? Math.min(w.sges(), maxSge) : maxSge + 1;
                    Sge[] sges = new Sge[n];
                    for (int j = 0; j < n; j++) {
                        sges[j] = p.b.sge(at + (long) j * (SLOT / n), j == n - 1 ? SLOT - j * (SLOT / n) : SLOT / n);
                    }
                    wrs.add(new org.ibmodel.core.RecvWr(id, sges));
                    if (w.kind() != GOOD && firstBad < 0) {
                        firstBad = k;
                    }
                }
                PostResult r = p.b.qp.postRecv(wrs);
                String what = "badWr: " + call.stream().map(w -> w.kind() == GOOD ? "RECV(" + w.sges() + " SGEs)"
                        : "RECV(too many SGEs)").toList();
                assertEquals(firstBad < 0 ? 0 : Errno.EINVAL.negative(), r.ret(), what);
                if (firstBad >= 0) {
                    assertEquals(firstBad, r.badWr(), what);
                }
                posted.addAll(call.subList(0, firstBad < 0 ? call.size() : firstBad));
                cut |= cutBetween(firstBad, call.size());
            }
            for (int i = 0; i < posted.size(); i++) {
                int size = posted.get(i).size();
                p.a.fill((long) i * SLOT, TransportPair.pattern(i, size));
                p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.SEND).sgList(p.a.sge((long) i * SLOT, size)));
            }
            p.settle();
            List<Wc> got = p.b.poll();
            assertEquals(posted.size(), got.size(), "postedOnly: one receive completion per receive posted: " + got);
            for (int i = 0; i < posted.size(); i++) {
                Wc w = got.get(i);
                assertEquals(i, w.wrId, "postedOnly: the receives posted, in order, none refused or after one");
                assertEquals(WcStatus.SUCCESS, w.status, "postedOnly: " + w);
                assertEquals(posted.get(i).size(), w.byteLen, "postedOnly: " + w);
                assertArrayEquals(TransportPair.pattern(i, posted.get(i).size()),
                        p.b.read(TransportPair.TARGET + (long) i * SLOT, posted.get(i).size()),
                        "postedOnly: SEND " + i);
            }
            return cut;
        }
    }

    /** A world seed, a path MTU, a loss of 0-5 % and the calls; the seed from -Dibmodel.seed. */
    private static TheoryBuilder4<Long, Mtu, Integer, List<List<Wr>>> scenarios() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        return qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter("PostListPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40), arbitrary().enumValues(Mtu.class), integers().between(0, 5),
                        calls());
    }

    /** One to eight calls of one to six WRs each. */
    private static Gen<List<List<Wr>>> calls() {
        return lists().of(lists().of(integers().between(0, Integer.MAX_VALUE).map(PostListPropertyTest::wr))
                .ofSizeBetween(1, 6)).ofSizeBetween(1, 8);
    }

    /** Three WRs in four are good. */
    private static Wr wr(int v) {
        int kind = v % 8 < 6 ? GOOD : 1 + v % 3;
        return new Wr(kind, v / 8 % (SLOT + 1), 1 + v / 8 / (SLOT + 1) % 4);
    }

    /** One scenario of WRITEs; whether a list was cut between two WRs. */
    static boolean run(long worldSeed, Mtu mtu, int dropPercent, List<List<Wr>> calls) {
        try (TransportPair p = new TransportPair(worldSeed, QpType.RC, TransportPair.Conn.standard(mtu))) {
            p.pathLoss(dropPercent);
            List<Wr> posted = new ArrayList<>();
            boolean cut = false;
            for (List<Wr> call : calls) {
                List<SendWr> wrs = new ArrayList<>();
                int firstBad = -1;
                for (int k = 0; k < call.size(); k++) {
                    Wr w = call.get(k);
                    int id = posted.size() + k;
                    wrs.add(sendWr(p, w, id));
                    if (w.kind() != GOOD && firstBad < 0) {
                        firstBad = k;
                    }
                }
                PostResult r = p.a.qp.postSend(wrs.toArray(new SendWr[0]));
                String what = "badWr: " + call;
                assertEquals(firstBad < 0 ? 0 : Errno.EINVAL.negative(), r.ret(), what);
                if (firstBad >= 0) {
                    assertEquals(firstBad, r.badWr(), what);
                }
                posted.addAll(call.subList(0, firstBad < 0 ? call.size() : firstBad));
                cut |= cutBetween(firstBad, call.size());
                p.world.runUntil(p.world.scheduler().now() + 20_000);
            }
            p.settle();
            List<Wc> done = p.a.poll();
            assertEquals(posted.size(), done.size(), "postedOnly: one completion per WR posted: " + done);
            for (int i = 0; i < posted.size(); i++) {
                Wc w = done.get(i);
                assertEquals(i, w.wrId, "postedOnly: in posting order, none of a refused one or after it");
                assertEquals(WcStatus.SUCCESS, w.status, "postedOnly: " + w);
                assertArrayEquals(TransportPair.pattern(i, posted.get(i).size()),
                        p.b.read(TransportPair.TARGET + (long) i * SLOT, posted.get(i).size()),
                        "postedOnly: WRITE " + i);
            }
            return cut;
        }
    }

    /**
     * WR {@code id}: a good WRITE gathers its pattern from {@code sges} pieces of a's slot; a bad
     * one is the kind the driver refuses. Ids count the WRs posted so far plus the index in the
     * call, so the id (and slot) of a WR not posted goes to the next one that is.
     */
    private static SendWr sendWr(TransportPair p, Wr w, int id) {
        long src = (long) id * SLOT;
        long dst = p.b.buf + TransportPair.TARGET + (long) id * SLOT;
        switch (w.kind()) {
            case SGES -> {
                // One more than max_send_sge as create wrote it back, which mlx4 rounds up to what
                // the WQE stride holds (set_kernel_sq_size): five for four asked here.
                List<Sge> sges = new ArrayList<>();
                for (int k = 0; k <= p.a.qp.cap().maxSendSge(); k++) {
                    sges.add(p.a.sge(src + k, 1));
                }
                return new SendWr().wrId(id).opcode(WrOpcode.RDMA_WRITE).remoteAddr(dst).rkey(p.b.mr.rkey())
                        .sgList(sges);
            }
            case INLINE -> {
                return new SendWr().wrId(id).opcode(WrOpcode.RDMA_WRITE).remoteAddr(dst).rkey(p.b.mr.rkey())
                        .sendFlags(SendFlags.INLINE).sgList(p.a.sge(src, 16));
            }
            case ATOMIC_LEN -> {
                return new SendWr().wrId(id).opcode(WrOpcode.ATOMIC_FETCH_AND_ADD).remoteAddr(p.b.buf)
                        .rkey(p.b.mr.rkey()).compareAdd(1).sgList(p.a.sge(src, 4));
            }
            default -> {
                p.a.fill(src, TransportPair.pattern(id, w.size()));
                List<Sge> sges = new ArrayList<>();
                int at = 0;
                for (int k = 0; k < w.sges(); k++) {
                    int len = k == w.sges() - 1 ? w.size() - at : w.size() / w.sges();
                    sges.add(p.a.sge(src + at, len));
                    at += len;
                }
                return new SendWr().wrId(id).opcode(WrOpcode.RDMA_WRITE).remoteAddr(dst).rkey(p.b.mr.rkey())
                        .sgList(sges);
            }
        }
    }
}
