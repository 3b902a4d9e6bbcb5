// Property: UD datagrams with every Q_Key case, GRH or not, immediate or not, under random loss
// (IBA 9.6.1 UD, 10.2.4 Q_Keys, 11.4.1.1 the GRH room; mlx4 cq.c for the receive completion)
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
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcFlags;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;

/**
 * Generated scenarios on a UD pair: a world seed, a path MTU, a loss of 0-10 % (values above 10
 * put host b's receives on an SRQ) and a list of datagrams a sends to b: 0 B up to the MTU, a
 * SEND or a SEND with immediate, on SL 0-15, with or without a GRH, and with the right Q_Key,
 * a wrong one, or one with the high bit set (the sending QP's own, which is the right one here).
 * Invariants: {@code sendsComplete}, every datagram completes at a with SUCCESS, in order (UD has
 * no ACK); {@code acceptedOnly}, b's receive completions are, in order, some of the datagrams
 * with a right Q_Key, each once, each with its length plus the 40-byte GRH room, a's QPN and
 * LID, its SL, IB_WC_GRH exactly when it carried one, its immediate data exactly when it had
 * one, and its bytes after the GRH room; {@code noLossNoGap}, without loss b receives every one
 * with a right Q_Key, and counts each wrong one as a Q_Key drop.
 * Replay a failure with the seed it prints: {@code mvn -B -pl driver-sim -am verify
 * -Dtest=UdDatagramPropertyTest -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class UdDatagramPropertyTest {
    private static final long DEFAULT_SEED = 0x0d_da7a;
    private static final SeedReporter REPORTER = SeedReporter.of("UdDatagramPropertyTest", DEFAULT_SEED);
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 150);
    private static final int GRH_ROOM = 40;
    private static final int SLOT = 8 << 10;
    private static final int RIGHT = 0;
    private static final int WRONG = 1;
    private static final int OWN = 2;

    /** One datagram: {@code size} bytes, its Q_Key case, SL, GRH and immediate. */
    record Datagram(int size, int qkey, int sl, boolean grh, boolean imm) {
        boolean accepted() {
            return qkey != WRONG;
        }
    }

    @Test
    void datagramsAsTheirKeysSay() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        int[] wrong = {0};
        int[] own = {0};
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter("UdDatagramPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40), arbitrary().enumValues(Mtu.class), integers().between(0, 21),
                        lists().of(longs().between(0, Long.MAX_VALUE)).ofSizeBetween(1, 10))
                .checkAssert((worldSeed, mtu, f, draws) -> {
                    boolean[] seen = run(worldSeed, mtu, f % 11, f > 10, draws);
                    wrong[0] += seen[0] ? 1 : 0;
                    own[0] += seen[1] ? 1 : 0;
                });
        // The scenarios must reach what the property is about, or it holds for nothing: a datagram
        // with a wrong Q_Key reached b (not lost on the way) and was dropped, and one whose Q_Key
        // had the high bit set was taken with the sending QP's own.
        REPORTER.assertReached(wrong[0], EXAMPLES / 3, "of " + EXAMPLES + " runs dropped a wrong Q_Key at b");
        REPORTER.assertReached(own[0], EXAMPLES / 3,
                "of " + EXAMPLES + " runs took a datagram sent with the QP's own Q_Key");
    }

    private static Datagram datagram(long v, Mtu mtu) {
        int size = (int) (v % (mtu.bytes() + 1));
        v /= mtu.bytes() + 1;
        int qkey = (int) (v % 4 == 3 ? RIGHT : v % 4);
        v /= 4;
        int sl = (int) (v % 16);
        v /= 16;
        return new Datagram(size, qkey, sl, v % 2 == 1, (v / 2) % 2 == 1);
    }

    private static int imm(int i) {
        return 0x0d00_0000 | i;
    }

    /**
     * One scenario; whether b dropped a datagram for its Q_Key, and whether it received one sent
     * with the high bit set.
     */
    static boolean[] run(long worldSeed, Mtu mtu, int dropPercent, boolean srq, List<Long> draws) {
        List<Datagram> sent = new ArrayList<>();
        for (long d : draws) {
            sent.add(datagram(d, mtu));
        }
        TransportPair.Conn c = TransportPair.Conn.standard(mtu);
        try (TransportPair p = new TransportPair(worldSeed, QpType.UD, c, q -> { }, srq)) {
            for (int k = 0; k < sent.size(); k++) {
                p.b.postRecv(1000 + k, TransportPair.TARGET + (long) k * SLOT, GRH_ROOM + mtu.bytes());
            }
            p.pathLoss(dropPercent);
            byte[] dgid = p.b.dev.port(1).gid(0);
            for (int i = 0; i < sent.size(); i++) {
                Datagram d = sent.get(i);
                p.a.fill((long) i * SLOT, TransportPair.pattern(i, d.size()));
                AhAttr.Grh grh = d.grh() ? new AhAttr.Grh(dgid, 0x1234 + i, 0, 64, 0) : null;
                Ah ah = Ah.create(p.a.pd, new AhAttr(p.world.lid(1), d.sl(), 0, 0, 1, grh)).get();
                int qkey = switch (d.qkey()) {
                    case WRONG -> TransportPair.QKEY ^ 0x10;
                    case OWN -> 0x8000_0000 | 0x0bad;
                    default -> TransportPair.QKEY;
                };
                SendWr wr = new SendWr().wrId(i).opcode(d.imm() ? WrOpcode.SEND_WITH_IMM : WrOpcode.SEND)
                        .sgList(p.a.sge((long) i * SLOT, d.size())).ah(ah).remoteQpn(p.b.qp.qpNum()).remoteQkey(qkey);
                if (d.imm()) {
                    wr.immData(imm(i));
                }
                p.a.postSend(wr);
            }
            p.settle();

            List<Wc> done = p.a.poll();
            assertEquals(sent.size(), done.size(), "sendsComplete: " + done);
            for (int i = 0; i < sent.size(); i++) {
                assertEquals(WcStatus.SUCCESS, done.get(i).status, "sendsComplete: " + done.get(i));
                assertEquals(i, done.get(i).wrId, "sendsComplete: in order");
            }
            int next = 0;
            int received = 0;
            boolean own = false;
            for (Wc w : p.b.poll()) {
                // The SRQ hands its WQEs out in the order posted, as the receive queue does.
                assertEquals(1000 + received, w.wrId, "acceptedOnly: receives in the order posted: " + w);
                int i = (int) w.wrId - 1000;
                long at = TransportPair.TARGET + (long) i * SLOT;
                int from = next;
                int match = -1;
                for (int j = from; j < sent.size() && match < 0; j++) {
                    Datagram d = sent.get(j);
                    if (d.accepted() && w.byteLen == GRH_ROOM + d.size()
                            && java.util.Arrays.equals(TransportPair.pattern(j, d.size()),
                                    p.b.read(at + GRH_ROOM, d.size()))
                            && (!d.imm() || w.immData == imm(j))) {
                        match = j;
                    }
                }
                assertTrue(match >= 0, "acceptedOnly: " + w + " is no datagram with a right Q_Key sent after "
                        + (from - 1) + ": " + sent);
                Datagram d = sent.get(match);
                String what = "acceptedOnly: datagram " + match + " " + d + ": " + w;
                assertEquals(WcStatus.SUCCESS, w.status, what);
                assertEquals(WcOpcode.RECV, w.opcode, what);
                assertEquals(p.a.qp.qpNum(), w.srcQp, what + ": source QP");
                assertEquals(p.world.lid(0), w.slid, what + ": SLID");
                assertEquals(d.sl(), w.sl, what + ": SL");
                assertEquals(d.grh() ? WcFlags.GRH : 0, w.wcFlags & WcFlags.GRH, what + ": IB_WC_GRH");
                assertEquals(d.imm() ? WcFlags.WITH_IMM : 0, w.wcFlags & WcFlags.WITH_IMM, what + ": IB_WC_WITH_IMM");
                assertArrayEquals(TransportPair.pattern(match, d.size()), p.b.read(at + GRH_ROOM, d.size()), what);
                next = match + 1;
                received++;
                own |= d.qkey() == OWN;
            }
            if (dropPercent == 0) {
                long right = sent.stream().filter(Datagram::accepted).count();
                assertEquals(right, received, "noLossNoGap: every datagram with a right Q_Key: " + sent);
                assertEquals(sent.size() - right, p.b.transport().dropped(Transport.Drop.QKEY_MISMATCH),
                        "noLossNoGap: each wrong Q_Key counted");
            }
            return new boolean[] {p.b.transport().dropped(Transport.Drop.QKEY_MISMATCH) > 0, own};
        }
    }
}
