// Property: gather and scatter lists of several segments under random loss, where a retry must
// restart part way through a list (IBA 9.7.7.1 go-back-N; rxe_req.c and rxe_comp.c retries;
// docs/HCA.md §5.5)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;

/**
 * Generated scenarios on an RC pair: a world seed, a path MTU, a loss of 0-10 % on the path and
 * a list of messages, each a SEND, an RDMA WRITE or an RDMA READ of 1 B to 16 KiB whose local
 * side is one to four segments cut at random points, in pieces of a's buffer out of order and
 * apart; a SEND lands in a receive of one to four segments cut the same way. Packets cross
 * segment boundaries anywhere, and a retry after a loss starts in the middle of a list.
 * Invariants ({@code gatherScatter}): every WR completes once in order with SUCCESS; every byte
 * gathered from the segments in list order arrives where it belongs: a WRITE's at b's address, a
 * READ's scattered over a's segments in order, a SEND's over the receive's segments in order; and
 * the 64 bytes either side of every place written to are as they were (no segment overrun).
 * Replay a failure with the seed it prints: {@code mvn -B -pl driver-sim -am verify
 * -Dtest=MultiSgeLossPropertyTest -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class MultiSgeLossPropertyTest {
    private static final long DEFAULT_SEED = 0x5e9_10ad;
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 150);
    private static final int MAX = 16 << 10;
    /** Each message's pieces live in a window of its own, 128 KiB apart, a quarter per piece. */
    private static final int WINDOW = 128 << 10;
    /** Where b's receives are, away from the WRITEs' targets. */
    private static final long RECEIVES = TransportPair.TARGET + (1 << 20);
    private static final int SEND = 0;
    private static final int WRITE = 1;
    private static final int READ = 2;

    /** A message: its opcode, size, and the seeds of its local and (for a SEND) receive lists. */
    record Msg(int op, int size, long local, long remote) {
        @Override
        public String toString() {
            return new String[] {"SEND", "WRITE", "READ"}[op] + "(" + size + ")";
        }
    }

    @Test
    void gatherScatter() {
        int[] midList = {0};
        check(TransportPolicy.CORRECT, restarted -> midList[0] += restarted ? 1 : 0);
        // The scenarios must reach what the property is about, or it holds for nothing: a retry
        // resumed a message past the end of its first segment.
        SeedReporter.of("MultiSgeLossPropertyTest", DEFAULT_SEED).assertReached(midList[0], EXAMPLES / 4,
                "of " + EXAMPLES + " runs resumed a list part way");
    }

    /**
     * A responder whose PSN check misses a gap of one packet (off by one, rxe_resp.c check_psn)
     * places the packet after a lost one where the lost one belonged.
     */
    @Test
    void shouldCatchAMissedGapOfOnePacket() {
        TransportMutants.assertCaught(() -> check(TransportMutants.GAP_OF_ONE_MISSED, restarted -> { }),
                "gatherScatter");
    }

    private static void check(TransportPolicy policy, Consumer<Boolean> restarted) {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter("MultiSgeLossPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40), arbitrary().enumValues(Mtu.class), integers().between(0, 10),
                        lists().of(longs().between(0, Long.MAX_VALUE).map(MultiSgeLossPropertyTest::msg))
                                .ofSizeBetween(1, 6))
                .checkAssert((worldSeed, mtu, drop, msgs) -> restarted.accept(
                        run(worldSeed, mtu, drop, msgs, policy)));
    }

    private static Msg msg(long v) {
        return new Msg((int) (v % 3), 1 + (int) (v / 3 % MAX), v * 0x9e37_79b9_7f4a_7c15L, v ^ 0x5eed);
    }

    /**
     * {@code size} bytes cut into one to four segments at points {@code seed} picks, each placed
     * in {@code window} at an offset of its own, later segments lower: {@code [offset, length]} pairs.
     */
    static List<long[]> cut(int size, long seed, long window) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        int n = Math.min(size, 1 + r.nextInt(4));
        List<Integer> points = new ArrayList<>();
        while (points.size() < n - 1) {
            int at = 1 + r.nextInt(size - 1);
            if (!points.contains(at)) {
                points.add(at);
            }
        }
        points.sort(null);
        List<long[]> out = new ArrayList<>();
        int from = 0;
        for (int k = 0; k < n; k++) {
            int to = k < n - 1 ? points.get(k) : size;
            // Segment k sits in the (n - k)th quarter of the window, so the list runs downwards.
            long at = window + (long) (n - 1 - k) * (WINDOW / 4) + r.nextInt(64);
            out.add(new long[] {at, to - from});
            from = to;
        }
        return out;
    }

    private static Sge[] sges(TransportPair.Side side, List<long[]> pieces) {
        Sge[] out = new Sge[pieces.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = side.sge(pieces.get(k)[0], (int) pieces.get(k)[1]);
        }
        return out;
    }

    /** The bytes of the pieces, in list order. */
    private static byte[] gather(TransportPair.Side side, List<long[]> pieces) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (long[] piece : pieces) {
            out.writeBytes(side.read(piece[0], (int) piece[1]));
        }
        return out.toByteArray();
    }

    /** Bytes either side of every place a message is written to, filled before and checked after. */
    private static final int GUARD = 64;
    private static final byte FILLER = (byte) 0x5a;

    /** Filler over each piece and the guards either side of it. */
    private static void guard(TransportPair.Side side, List<long[]> pieces) {
        for (long[] piece : pieces) {
            byte[] f = new byte[(int) piece[1] + 2 * GUARD];
            java.util.Arrays.fill(f, FILLER);
            side.fill(piece[0] - GUARD, f);
        }
    }

    /** The guards either side of each piece are filler still. */
    private static void assertGuarded(TransportPair.Side side, List<long[]> pieces, String what) {
        byte[] f = new byte[GUARD];
        java.util.Arrays.fill(f, FILLER);
        for (long[] piece : pieces) {
            assertArrayEquals(f, side.read(piece[0] - GUARD, GUARD), what + ": the bytes before a segment");
            assertArrayEquals(f, side.read(piece[0] + piece[1], GUARD), what + ": the bytes after a segment");
        }
    }

    private static void scatter(TransportPair.Side side, List<long[]> pieces, byte[] data) {
        int at = 0;
        for (long[] piece : pieces) {
            side.fill(piece[0], java.util.Arrays.copyOfRange(data, at, at + (int) piece[1]));
            at += (int) piece[1];
        }
    }

    /** One scenario; whether a retry resumed a message of a's past the end of its first segment. */
    static boolean run(long worldSeed, Mtu mtu, int dropPercent, List<Msg> msgs, TransportPolicy policy) {
        TransportPair.Conn c = new TransportPair.Conn(mtu, 0xFF_FFF0 - 16 * msgs.size(), 0x7000, 10, 7, 7, 1);
        try (TransportPair p = new TransportPair(worldSeed, QpType.RC, c)) {
            p.a.transport().policy(policy);
            p.b.transport().policy(policy);
            p.pathLoss(dropPercent);
            int sends = 0;
            List<List<long[]>> locals = new ArrayList<>();
            List<List<long[]>> receives = new ArrayList<>();
            boolean[] midList = {false};
            p.a.transport().observer(new TransportObserver() {
                /** Each WQE's message and first PSN, in the order the WQEs first went out. */
                private final Map<Integer, int[]> wqes = new HashMap<>();
                private final Set<Integer> sent = new HashSet<>();

                @Override
                public void reqSend(Transport t, int qpn, int wqe, int psn) {
                    int[] first = wqes.computeIfAbsent(wqe, k -> new int[] {wqes.size(), psn});
                    // A SEND or WRITE sends a packet again; a READ asks again for what is left.
                    boolean again = !sent.add(psn) || msgs.get(first[0]).op() == READ && psn != first[1];
                    long offset = (long) Psn.diff(psn, first[1]) * mtu.bytes();
                    midList[0] |= again && offset > 0 && offset >= locals.get(first[0]).get(0)[1];
                }
            });
            for (int i = 0; i < msgs.size(); i++) {
                Msg m = msgs.get(i);
                byte[] data = TransportPair.pattern(i, m.size());
                // A page in, so that the guard before a first piece is in the buffer too.
                List<long[]> local = cut(m.size(), m.local(), 4096 + (long) i * WINDOW);
                locals.add(local);
                long remote = TransportPair.TARGET + (long) i * WINDOW;
                SendWr wr = new SendWr().wrId(i).sgList(sges(p.a, local));
                switch (m.op()) {
                    case SEND -> {
                        List<long[]> recv = cut(m.size(), m.remote(), RECEIVES + (long) sends * WINDOW);
                        receives.add(recv);
                        guard(p.b, recv);
                        assertEquals(true, p.b.qp.postRecv(new RecvWr(1000 + sends, sges(p.b, recv))).ok(),
                                "post_recv");
                        sends++;
                        scatter(p.a, local, data);
                        wr.opcode(WrOpcode.SEND);
                    }
                    case WRITE -> {
                        guard(p.b, List.of(new long[] {remote, m.size()}));
                        scatter(p.a, local, data);
                        wr.opcode(WrOpcode.RDMA_WRITE).remoteAddr(p.b.buf + remote).rkey(p.b.mr.rkey());
                    }
                    default -> {
                        guard(p.a, local);
                        p.b.fill(remote - TransportPair.TARGET, data);
                        wr.opcode(WrOpcode.RDMA_READ).remoteAddr(p.b.buf + remote - TransportPair.TARGET)
                                .rkey(p.b.mr.rkey());
                    }
                }
                p.a.postSend(wr);
            }
            p.settle();

            List<Wc> done = p.a.poll();
            assertEquals(msgs.size(), done.size(), "gatherScatter: one completion per WR: " + done);
            List<Wc> received = p.b.poll();
            assertEquals(sends, received.size(), "gatherScatter: one receive per SEND: " + received);
            int r = 0;
            for (int i = 0; i < msgs.size(); i++) {
                Msg m = msgs.get(i);
                String what = "gatherScatter: " + m + " " + i + " over " + locals.get(i).size() + " segments";
                assertEquals(i, done.get(i).wrId, what);
                assertEquals(WcStatus.SUCCESS, done.get(i).status, what + ": " + done.get(i));
                byte[] data = TransportPair.pattern(i, m.size());
                long remote = TransportPair.TARGET + (long) i * WINDOW;
                switch (m.op()) {
                    case SEND -> {
                        assertEquals(m.size(), received.get(r).byteLen, what);
                        assertArrayEquals(data, gather(p.b, receives.get(r)), what + " into "
                                + receives.get(r).size() + " segments");
                        assertGuarded(p.b, receives.get(r), what);
                        r++;
                    }
                    case WRITE -> {
                        assertArrayEquals(data, p.b.read(remote, m.size()), what);
                        assertGuarded(p.b, List.of(new long[] {remote, m.size()}), what);
                    }
                    default -> {
                        assertArrayEquals(data, gather(p.a, locals.get(i)), what);
                        assertGuarded(p.a, locals.get(i), what);
                    }
                }
            }
            return midList[0];
        }
    }
}
