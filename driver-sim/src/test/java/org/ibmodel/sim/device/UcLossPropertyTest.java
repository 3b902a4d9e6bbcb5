// Property: UC loses messages under drop but never delivers a partial one (IBA 9.8.3)
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
import java.util.function.Consumer;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;

/**
 * Generated: a world seed, a path MTU, a drop probability of 0-10 % and SEND sizes up to 8 KiB.
 * Invariants: {@code sendsComplete} (UC has no ACKs: every send completes successfully);
 * {@code wholeOrNothing}: every receive completion is one sent message, whole and byte-exact,
 * and the messages received appear in the order sent, none twice.
 * Replay: {@code mvn -B -pl driver-sim -am verify -Dtest=UcLossPropertyTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class UcLossPropertyTest {
    private static final long DEFAULT_SEED = 0x0c_10ad;
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 200);
    private static final int SLOT = 8 << 10;

    @Test
    void shouldNeverDeliverAPartialMessage() {
        int[] cut = {0};
        check(TransportPolicy.CORRECT, partial -> cut[0] += partial ? 1 : 0);
        // The scenarios must reach what the property is about, or it holds for nothing: b met the
        // rest of a message one of whose packets was lost, and dropped it rather than deliver it.
        SeedReporter.of("UcLossPropertyTest", DEFAULT_SEED).assertReached(cut[0], EXAMPLES / 4,
                "of " + EXAMPLES + " runs lost part of a message");
    }

    /**
     * A responder whose PSN check misses a gap of one packet (off by one, rxe_resp.c check_psn)
     * completes a message without the packet lost from its middle.
     */
    @Test
    void shouldCatchAMissedGapOfOnePacket() {
        TransportMutants.assertCaught(() -> check(TransportMutants.GAP_OF_ONE_MISSED, partial -> { }),
                "wholeOrNothing");
    }

    /** The property on a device deciding as {@code policy} does; {@code partial} hears of each run. */
    private static void check(TransportPolicy policy, Consumer<Boolean> partial) {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter("UcLossPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40), arbitrary().enumValues(Mtu.class), integers().between(0, 10),
                        lists().of(integers().between(0, SLOT)).ofSizeBetween(1, 12))
                .checkAssert((worldSeed, mtu, drop, sizes) -> partial.accept(run(worldSeed, mtu, drop, sizes, policy)));
    }

    /** One scenario; whether b dropped a packet of a message it had lost part of (IBA 9.8.3). */
    static boolean run(long worldSeed, Mtu mtu, int dropPercent, List<Integer> sizes, TransportPolicy policy) {
        try (TransportPair p = new TransportPair(worldSeed, QpType.UC, TransportPair.Conn.standard(mtu))) {
            p.a.transport().policy(policy);
            p.b.transport().policy(policy);
            for (int i = 0; i < sizes.size(); i++) {
                p.b.postRecv(100 + i, TransportPair.TARGET + (long) i * SLOT, SLOT);
            }
            p.world.fabric().faults().dropProbability(dropPercent / 100.0);
            for (int i = 0; i < sizes.size(); i++) {
                p.a.fill((long) i * SLOT, TransportPair.pattern(i, sizes.get(i)));
                p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.SEND).sgList(p.a.sge((long) i * SLOT, sizes.get(i))));
            }
            p.settle();
            List<Wc> sent = p.a.poll();
            assertEquals(sizes.size(), sent.size(), "sendsComplete: " + sent);
            for (Wc w : sent) {
                assertEquals(WcStatus.SUCCESS, w.status, "sendsComplete: " + w);
            }
            List<Wc> got = p.b.poll();
            int next = 0;
            for (int r = 0; r < got.size(); r++) {
                Wc w = got.get(r);
                assertEquals(WcStatus.SUCCESS, w.status, "wholeOrNothing: " + w);
                assertEquals(100 + r, w.wrId, "wholeOrNothing: receives complete in order");
                byte[] buf = p.b.read(TransportPair.TARGET + (long) r * SLOT, w.byteLen);
                int match = -1;
                for (int j = next; j < sizes.size() && match < 0; j++) {
                    if (sizes.get(j) == w.byteLen
                            && java.util.Arrays.equals(buf, TransportPair.pattern(j, sizes.get(j)))) {
                        match = j;
                    }
                }
                assertTrue(match >= 0, "wholeOrNothing: receive " + r + " (" + w.byteLen
                        + " B) is no whole message sent after message " + (next - 1) + "; sizes " + sizes);
                assertArrayEquals(TransportPair.pattern(match, sizes.get(match)), buf);
                next = match + 1;
            }
            if (dropPercent == 0) {
                assertEquals(sizes.size(), got.size(), "without loss UC delivers everything");
            }
            return p.b.transport().dropped(Transport.Drop.PARTIAL_MESSAGE) > 0;
        }
    }
}
