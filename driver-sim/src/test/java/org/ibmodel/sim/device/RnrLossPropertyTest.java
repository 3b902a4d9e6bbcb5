// Property: RC with receives posted late, so that SENDs meet RNR NAKs, under random loss
// (IBA 9.7.5.2.8 RNR NAK, 9.7.7.2.4 end-to-end credits, 10.2.9 shared receive queues)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;

/**
 * Generated scenarios on an RC pair: a world seed, a path MTU, a packet loss of 0-10 % on the
 * path, whether host b's QP receives from an SRQ, and a list of steps: a posts a SEND (0 B to
 * 6 KiB), b posts one to three receives, or the world runs for 1 µs to 2 ms. The receives come
 * late, so SENDs meet RNR NAKs (rnr_retry 7, for ever, and min_rnr_timer 1) and b's credits run
 * out, while packets, NAKs and ACKs are lost. At the end the world runs 1 ms, then b posts what
 * the SENDs still need and the world settles. Invariants ({@code exactlyOnceAfterRnr}): every SEND completes once, in
 * order, with SUCCESS; b has one receive completion per SEND, in the order sent, each in the
 * next receive WR posted, with the message's length and bytes; a's QP stays in RTS. And
 * ({@code rnrTimerOnly}) with nothing lost, the RNR timer alone resends: the ACK timer never
 * fires; ({@code rnrResend}) the first request packet a sends after an RNR NAK is the one the
 * NAK names (IBA 9.7.5.2.8: nothing goes out while the timer runs); ({@code rnrJustified}) b
 * sends an RNR NAK only for the first packet of a SEND that has no receive posted for it (IBA
 * 9.7.5.2.8: receiver not ready).
 * Replay a failure with the seed it prints: {@code mvn -B -pl driver-sim -am verify
 * -Dtest=RnrLossPropertyTest -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class RnrLossPropertyTest {
    private static final long DEFAULT_SEED = 0x2e_10ad;
    private static final SeedReporter REPORTER = SeedReporter.of("RnrLossPropertyTest", DEFAULT_SEED);
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 150);
    private static final int SLOT = 8 << 10;
    private static final int SEND = 0;
    private static final int RECV = 1;
    private static final int RUN = 2;

    /** One step: a SEND of {@code arg} bytes, {@code arg} receives, or a run of {@code arg} µs. */
    record Step(int kind, int arg) {
        @Override
        public String toString() {
            return new String[] {"SEND", "RECV", "RUN"}[kind] + "(" + arg + ")";
        }
    }

    @Test
    void exactlyOnceAfterRnr() {
        int[] rnr = {0};
        int[] both = {0};
        check(TransportPolicy.CORRECT, rnr, both);
        // The scenarios must reach what the property is about, or it holds for nothing.
        REPORTER.assertReached(rnr[0], EXAMPLES / 5, "of " + EXAMPLES + " runs met an RNR NAK");
        REPORTER.assertReached(both[0], EXAMPLES / 20, "of " + EXAMPLES + " runs met an RNR NAK and an ACK timeout");
    }

    /** A responder that NAKs a SEND's first packet once, receive or not, is caught by rnrJustified. */
    @Test
    void shouldCatchAnRnrNakWithAReceivePosted() {
        TransportPolicy nakOnce = new TransportPolicy() {
            private final java.util.Set<Integer> naked = new java.util.HashSet<>();

            @Override
            public boolean receiverReady(int psn) {
                return (psn & 1) != 0 || !naked.add(psn);
            }
        };
        TransportMutants.assertCaught(() -> check(nakOnce, new int[1], new int[1]), "rnrJustified");
    }

    private static void check(TransportPolicy policy, int[] rnr, int[] both) {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter("RnrLossPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40), arbitrary().enumValues(Mtu.class), integers().between(0, 21),
                        lists().of(integers().between(0, 3 * 6145 - 1).map(RnrLossPropertyTest::step))
                                .ofSizeBetween(1, 12))
                .checkAssert((worldSeed, mtu, f, steps) -> {
                    int[] seen = run(worldSeed, mtu, f % 11, f > 10, steps, policy);
                    rnr[0] += seen[0] > 0 ? 1 : 0;
                    both[0] += seen[0] > 0 && seen[1] > 0 ? 1 : 0;
                });
    }

    private static Step step(int v) {
        int kind = v % 3;
        int arg = v / 3;
        return switch (kind) {
            case SEND -> new Step(SEND, arg);
            case RECV -> new Step(RECV, 1 + arg % 3);
            default -> new Step(RUN, 1 + arg % 2000);
        };
    }

    /** One scenario; the RNR NAKs and the ACK timeouts host a's QP met. */
    static int[] run(long worldSeed, Mtu mtu, int dropPercent, boolean srq, List<Step> steps, TransportPolicy policy) {
        int sends = (int) steps.stream().filter(s -> s.kind() == SEND).count();
        TransportPair.Conn c = new TransportPair.Conn(mtu, 0xFF_FFF0 - sends, 0x7000, 10, 7, 7, 1);
        try (TransportPair p = new TransportPair(worldSeed, QpType.RC, c, q -> { }, srq)) {
            p.pathLoss(dropPercent);
            p.b.transport().policy(policy);
            int[] seen = new int[2];
            int[] waitingAt = {-1};
            int[] posted = {0};
            // The PSN of each SEND's first packet: where b needs a receive for it.
            List<Step> sendSteps = steps.stream().filter(s -> s.kind() == SEND).toList();
            int[] firstPsn = new int[sends];
            int psn = c.psnA();
            for (int i = 0; i < sends; i++) {
                firstPsn[i] = psn;
                psn = Psn.add(psn, Math.max(1, (sendSteps.get(i).arg() + mtu.bytes() - 1) / mtu.bytes()));
            }
            p.b.transport().observer(new TransportObserver() {
                @Override
                public void respRecv(Transport t, int qpn, int psn, boolean executed, Reply reply, int replyPsn) {
                    if (reply != Reply.RNR_NAK) {
                        return;
                    }
                    int message = -1;
                    for (int i = 0; i < sends; i++) {
                        message = firstPsn[i] == psn ? i : message;
                    }
                    assertTrue(message >= 0, "rnrJustified: an RNR NAK for PSN " + psn + ", no SEND's first packet");
                    assertTrue(posted[0] <= message, "rnrJustified: an RNR NAK for SEND " + message + " with "
                            + posted[0] + " receives posted");
                }
            });
            p.a.transport().observer(new TransportObserver() {
                @Override
                public void reqSend(Transport t, int qpn, int wqe, int psn) {
                    if (waitingAt[0] >= 0) {
                        assertEquals(waitingAt[0], psn, "rnrResend: the first request after an RNR NAK");
                        waitingAt[0] = -1;
                    }
                }

                @Override
                public void compRecv(Transport t, int qpn, Reply type, int psn) {
                    if (type == Reply.RNR_NAK) {
                        seen[0]++;
                        waitingAt[0] = psn;
                    }
                }

                @Override
                public void compTimeout(Transport t, int qpn) {
                    seen[1]++;
                }
            });
            int sent = 0;
            for (Step s : steps) {
                switch (s.kind()) {
                    case SEND -> {
                        p.a.fill((long) sent * SLOT, TransportPair.pattern(sent, s.arg()));
                        p.a.postSend(new SendWr().wrId(sent).opcode(WrOpcode.SEND)
                                .sgList(p.a.sge((long) sent * SLOT, s.arg())));
                        sent++;
                    }
                    case RECV -> {
                        for (int k = 0; k < s.arg(); k++, posted[0]++) {
                            p.b.postRecv(1000 + posted[0], TransportPair.TARGET + (long) posted[0] * SLOT, SLOT);
                        }
                    }
                    default -> p.world.runUntil(p.world.scheduler().now() + s.arg() * 1000L);
                }
            }
            // A SEND still short of a receive meets an RNR NAK now, before the last receives come.
            p.world.runUntil(p.world.scheduler().now() + 1_000_000);
            for (; posted[0] < sends; posted[0]++) {
                p.b.postRecv(1000 + posted[0], TransportPair.TARGET + (long) posted[0] * SLOT, SLOT);
            }
            p.settle();

            List<Wc> done = p.a.poll();
            assertEquals(sends, done.size(), "exactlyOnceAfterRnr: one send completion per SEND: " + done);
            for (int i = 0; i < sends; i++) {
                Wc w = done.get(i);
                assertEquals(WcStatus.SUCCESS, w.status, "exactlyOnceAfterRnr: SEND " + i + " " + w);
                assertEquals(i, w.wrId, "exactlyOnceAfterRnr: in posting order");
                assertEquals(WcOpcode.SEND, w.opcode, "exactlyOnceAfterRnr: " + w);
            }
            List<Wc> received = p.b.poll();
            assertEquals(sends, received.size(), "exactlyOnceAfterRnr: one receive per SEND: " + received);
            List<Step> messages = steps.stream().filter(s -> s.kind() == SEND).toList();
            for (int i = 0; i < sends; i++) {
                Wc w = received.get(i);
                String what = "exactlyOnceAfterRnr: SEND " + i + " " + w;
                assertEquals(WcStatus.SUCCESS, w.status, what);
                assertEquals(1000 + i, w.wrId, what + ": the receives in the order posted");
                assertEquals(messages.get(i).arg(), w.byteLen, what + ": length");
                assertArrayEquals(TransportPair.pattern(i, messages.get(i).arg()),
                        p.b.read(TransportPair.TARGET + (long) i * SLOT, messages.get(i).arg()), what + ": bytes");
            }
            assertEquals(HwQpState.RTS, p.a.hwState(), "the requester QP stays in RTS");
            if (dropPercent == 0) {
                // Nothing lost: the RNR timer alone resends, the ACK timer never fires.
                assertEquals(0, seen[1], "rnrTimerOnly: ACK timeouts in a run without loss");
            }
            return seen;
        }
    }
}
