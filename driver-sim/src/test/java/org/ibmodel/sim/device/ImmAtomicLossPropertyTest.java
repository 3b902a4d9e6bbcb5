// Property: the RC and UC operations that carry immediate data or are answered from the
// responder's atomic cache, under random loss (IBA 9.7 reliable service, 9.4.4 ImmDt, 9.4.5
// atomics, 10.2.9 shared receive queues)
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
import java.util.function.Consumer;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcFlags;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Generated scenarios: a world seed, a path MTU, a packet loss of 0-10 % on each link, whether
 * host b's QP receives from an SRQ, and a list of messages: SEND with immediate, RDMA WRITE with
 * immediate (0 B to 8 KiB) or, on RC, COMPARE_SWAP on one remote word whose compare value
 * matches the word or misses it by one. The invariants are checked against the list itself.
 * <p>RC ({@code rcExactlyOnce}): one SUCCESS send completion per WR, in order, with its opcode;
 * one receive completion per SEND and WRITE with immediate, in order, with the message's
 * immediate data, length and opcode (IB_WC_RECV or IB_WC_RECV_RDMA_WITH_IMM), taken from the
 * receive WR named by its wr_id and never twice; every message's bytes where they belong; each
 * COMPARE_SWAP returns the word as the swaps before it left it and the word ends as the last
 * matching one wrote (a duplicate is answered from the cache, never executed again).
 * <p>UC ({@code ucWholeOrNothing}): every send completes; each successful receive completion is
 * one whole message with its immediate data, in order, none twice, and a WRITE's comes only with
 * all of its bytes in place. A message lost after it took a WQE from an SRQ completes that WQE
 * with IB_WC_REM_INV_REQ_ERR (IBA's class E, as rxe_resp.c has it), the only error allowed.
 * Replay a failure with the seed it prints: {@code mvn -B -pl driver-sim -am verify
 * -Dtest=ImmAtomicLossPropertyTest -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class ImmAtomicLossPropertyTest {
    private static final long DEFAULT_SEED = 0x1aa_10ad;
    private static final SeedReporter REPORTER = SeedReporter.of("ImmAtomicLossPropertyTest", DEFAULT_SEED);
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 150);
    private static final int SLOT = 8 << 10;
    private static final int SEND_IMM = 0;
    private static final int WRITE_IMM = 1;
    private static final int SWAP_HIT = 2;
    private static final int SWAP_MISS = 3;
    /** Where the WRITEs land in b's buffer, away from the receive buffers at TARGET. */
    private static final long WRITES = TransportPair.TARGET + (1 << 20);
    /** The remote word of the COMPARE_SWAPs. */
    private static final long WORD = TransportPair.TARGET - 64;
    /** Where each COMPARE_SWAP's original value lands in a's buffer. */
    private static final long ORIGINALS = TransportPair.TARGET;

    record Msg(int op, int size) {
        @Override
        public String toString() {
            return new String[] {"SEND_IMM", "WRITE_IMM", "SWAP_HIT", "SWAP_MISS"}[op] + "(" + size + ")";
        }
    }

    private static int imm(int i) {
        return 0x1f00_0000 | i * 0x0101;
    }

    @Test
    void rcExactlyOnce() {
        int[] replayed = {0};
        checkRc(TransportPolicy.CORRECT, replay -> replayed[0] += replay ? 1 : 0);
        // The scenarios must reach what the property is about, or it holds for nothing: a
        // COMPARE_SWAP b had executed came again, to be answered from the cache. About 17 in 150
        // runs do, 6 to 25 over 25 seeds: the floor is for a generator that stopped reaching it.
        REPORTER.assertReached(replayed[0], EXAMPLES / 50, "of " + EXAMPLES + " runs replayed a COMPARE_SWAP");
    }

    @Test
    void ucWholeOrNothing() {
        int[] cut = {0};
        int[] classE = {0};
        checkUc(TransportPolicy.CORRECT, seen -> {
            cut[0] += seen[0] ? 1 : 0;
            classE[0] += seen[1] ? 1 : 0;
        });
        // As above: b lost part of a message and dropped the rest, and on an SRQ failed the WQE it took.
        REPORTER.assertReached(cut[0], EXAMPLES / 5, "of " + EXAMPLES + " runs lost part of a message");
        REPORTER.assertReached(classE[0], EXAMPLES / 20, "of " + EXAMPLES + " runs failed an SRQ's WQE");
    }

    /**
     * A responder that takes the request it executed last for a new one when it comes again (a
     * PSN compare off by one, rxe_resp.c check_psn) executes an atomic twice instead of replaying it.
     */
    @Test
    void shouldCatchAnAtomicExecutedTwice() {
        TransportMutants.assertCaught(() -> checkRc(TransportMutants.LAST_TAKEN_AGAIN, replay -> { }), "rcExactlyOnce");
    }

    /**
     * A UC responder whose PSN check misses a gap of one packet completes a message without the
     * packet lost from its middle.
     */
    @Test
    void shouldCatchAMissedGapOfOnePacket() {
        TransportMutants.assertCaught(() -> checkUc(TransportMutants.GAP_OF_ONE_MISSED, seen -> { }),
                "ucWholeOrNothing");
    }

    private static void checkRc(TransportPolicy policy, Consumer<Boolean> replayed) {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter("ImmAtomicLossPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40), arbitrary().enumValues(Mtu.class), lossAndSrq(), messages(4))
                .checkAssert((worldSeed, mtu, f, msgs) -> replayed.accept(
                        runRc(worldSeed, mtu, f % 11, f > 10, msgs, policy)));
    }

    private static void checkUc(TransportPolicy policy, Consumer<boolean[]> seen) {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter("ImmAtomicLossPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40), arbitrary().enumValues(Mtu.class), lossAndSrq(), messages(2))
                .checkAssert((worldSeed, mtu, f, msgs) -> seen.accept(
                        runUc(worldSeed, mtu, f % 11, f > 10, msgs, policy)));
    }

    /** A loss of 0-10 % (the value modulo 11) and, above 10, receives from an SRQ. */
    private static Gen<Integer> lossAndSrq() {
        return integers().between(0, 21);
    }

    private static Gen<List<Msg>> messages(int ops) {
        return lists().of(integers().between(0, ops * (SLOT + 1) - 1).map(v -> new Msg(v % ops, v / ops)))
                .ofSizeBetween(1, 8);
    }

    private static TransportPair pair(long worldSeed, QpType type, Mtu mtu, int dropPercent, boolean srq, int n,
            TransportPolicy policy) {
        TransportPair.Conn c = new TransportPair.Conn(mtu, firstPsn(n), 0x7000, 10, 7, 7, 1);
        TransportPair p = new TransportPair(worldSeed, type, c, q -> { }, srq);
        p.a.transport().policy(policy);
        p.b.transport().policy(policy);
        for (int k = 0; k < n + 2; k++) {
            p.b.postRecv(1000 + k, TransportPair.TARGET + (long) k * SLOT, SLOT);
        }
        p.pathLoss(dropPercent);
        return p;
    }

    /** a's first PSN for {@code n} messages: close enough to 2^24 that the PSNs wrap. */
    private static int firstPsn(int n) {
        return 0xFF_FFF0 - n;
    }

    /** Posts message {@code i}; {@code word} is what the remote word holds when it executes. */
    private static void post(TransportPair p, int i, Msg m, long word) {
        byte[] data = TransportPair.pattern(i, m.size());
        long src = (long) i * SLOT;
        switch (m.op()) {
            case SEND_IMM -> {
                p.a.fill(src, data);
                p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.SEND_WITH_IMM).immData(imm(i))
                        .sgList(p.a.sge(src, m.size())));
            }
            case WRITE_IMM -> {
                p.a.fill(src, data);
                p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.RDMA_WRITE_WITH_IMM).immData(imm(i))
                        .sgList(p.a.sge(src, m.size())).remoteAddr(p.b.buf + WRITES + src).rkey(p.b.mr.rkey()));
            }
            default -> p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.ATOMIC_CMP_AND_SWP)
                    .sgList(p.a.sge(ORIGINALS + 8L * i, 8)).remoteAddr(p.b.buf + WORD).rkey(p.b.mr.rkey())
                    .compareAdd(m.op() == SWAP_HIT ? word : missing(word, i)).swap(swapValue(i)));
        }
    }

    /** A compare value that misses {@code word}: in its low word, or only in its high one. */
    private static long missing(long word, int i) {
        return word ^ (i % 2 == 0 ? 1 : 1L << 40);
    }

    private static long swapValue(int i) {
        return 0x5a5a_0000_0000_0000L | i + 1;
    }

    /** One RC scenario; whether b met again a COMPARE_SWAP it had executed. */
    static boolean runRc(long worldSeed, Mtu mtu, int dropPercent, boolean srq, List<Msg> msgs,
            TransportPolicy policy) {
        try (TransportPair p = pair(worldSeed, QpType.RC, mtu, dropPercent, srq, msgs.size(), policy)) {
            // The PSN of each COMPARE_SWAP: a message takes one per packet, an atomic one.
            Set<Integer> swaps = new HashSet<>();
            int psn = firstPsn(msgs.size());
            for (Msg m : msgs) {
                if (m.op() == SWAP_HIT || m.op() == SWAP_MISS) {
                    swaps.add(psn);
                }
                psn = Psn.add(psn, m.op() >= SWAP_HIT ? 1 : Math.max(1, (m.size() + mtu.bytes() - 1) / mtu.bytes()));
            }
            boolean[] replayed = {false};
            long[] duplicates = {0};
            p.b.transport().observer(new TransportObserver() {
                @Override
                public void respRecv(Transport t, int qpn, int at, boolean executed, Reply reply, int replyPsn) {
                    long d = t.dropped(Transport.Drop.DUPLICATE);
                    replayed[0] |= d > duplicates[0] && swaps.contains(at);
                    duplicates[0] = d;
                }
            });
            long word = 0;
            for (int i = 0; i < msgs.size(); i++) {
                post(p, i, msgs.get(i), word);
                if (msgs.get(i).op() == SWAP_HIT) {
                    word = swapValue(i);
                }
            }
            p.settle();

            List<Wc> sent = p.a.poll();
            assertEquals(msgs.size(), sent.size(), "rcExactlyOnce: one send completion per WR: " + sent);
            for (int i = 0; i < msgs.size(); i++) {
                Wc w = sent.get(i);
                assertEquals(WcStatus.SUCCESS, w.status, "rcExactlyOnce: WR " + i + " " + w);
                assertEquals(i, w.wrId, "rcExactlyOnce: in posting order");
                assertEquals(new WcOpcode[] {WcOpcode.SEND, WcOpcode.RDMA_WRITE, WcOpcode.COMP_SWAP,
                    WcOpcode.COMP_SWAP}[msgs.get(i).op()], w.opcode, "rcExactlyOnce: opcode of WR " + i);
            }
            List<Wc> received = p.b.poll();
            long consuming = msgs.stream().filter(m -> m.op() == SEND_IMM || m.op() == WRITE_IMM).count();
            assertEquals(consuming, received.size(), "rcExactlyOnce: one receive per SEND/WRITE_IMM: " + received);
            int r = 0;
            long expected = 0;
            Set<Long> used = new HashSet<>();
            for (int i = 0; i < msgs.size(); i++) {
                Msg m = msgs.get(i);
                byte[] data = TransportPair.pattern(i, m.size());
                if (m.op() == SEND_IMM || m.op() == WRITE_IMM) {
                    Wc w = received.get(r++);
                    String what = "rcExactlyOnce: message " + i + " " + m + ": " + w;
                    checkReceive(p, m, i, w, used, srq ? -1 : 1000 + r - 1, what);
                } else {
                    assertEquals(expected, p.a.memory().readLong(p.a.buf + ORIGINALS + 8L * i),
                            "rcExactlyOnce: the original value of message " + i + " " + m);
                    if (m.op() == SWAP_HIT) {
                        expected = swapValue(i);
                    }
                }
                if (m.op() == WRITE_IMM) {
                    assertArrayEquals(data, p.b.read(WRITES + (long) i * SLOT, m.size()), "rcExactlyOnce: WRITE " + i);
                }
            }
            assertEquals(expected, p.b.memory().readLong(p.b.buf + WORD), "rcExactlyOnce: the word after the swaps");
            assertEquals(HwQpState.RTS, p.a.hwState(), "the requester QP stays in RTS");
            return replayed[0];
        }
    }

    /**
     * One UC scenario; whether b dropped a packet of a message it had lost part of, and whether a
     * receive completed in error (class E).
     */
    static boolean[] runUc(long worldSeed, Mtu mtu, int dropPercent, boolean srq, List<Msg> msgs,
            TransportPolicy policy) {
        try (TransportPair p = pair(worldSeed, QpType.UC, mtu, dropPercent, srq, msgs.size(), policy)) {
            for (int i = 0; i < msgs.size(); i++) {
                post(p, i, msgs.get(i), 0);
            }
            p.settle();
            List<Wc> sent = p.a.poll();
            assertEquals(msgs.size(), sent.size(), "ucWholeOrNothing: every send completes: " + sent);
            for (Wc w : sent) {
                assertEquals(WcStatus.SUCCESS, w.status, "ucWholeOrNothing: " + w);
            }
            int next = 0;
            boolean classE = false;
            Set<Long> used = new HashSet<>();
            for (Wc w : p.b.poll()) {
                if (w.status != WcStatus.SUCCESS) {
                    classE = true;
                    // IBA class E, rxe_resp.c: a message abandoned after it took an SRQ's WQE
                    // completes that WQE, which cannot go back to the queue, in error.
                    assertTrue(srq, "ucWholeOrNothing: only a receive from an SRQ completes in error: " + w);
                    assertEquals(WcStatus.REM_INV_REQ_ERR, w.status, "ucWholeOrNothing: class E: " + w);
                    assertTrue(w.wrId >= 1000 && used.add(w.wrId), "ucWholeOrNothing: a receive WR posted and"
                            + " not used before: " + w);
                    continue;
                }
                // The immediate names the message; it must come after the last one received.
                int i = next;
                while (i < msgs.size() && w.immData != imm(i)) {
                    i++;
                }
                assertTrue(i < msgs.size(), "ucWholeOrNothing: " + w + " is no message sent after message "
                        + (next - 1) + ": " + msgs);
                checkReceive(p, msgs.get(i), i, w, used, -1, "ucWholeOrNothing: message " + i + ": " + w);
                if (msgs.get(i).op() == WRITE_IMM) {
                    assertArrayEquals(TransportPair.pattern(i, msgs.get(i).size()),
                            p.b.read(WRITES + (long) i * SLOT, msgs.get(i).size()),
                            "ucWholeOrNothing: a WRITE completed with its bytes in place, message " + i);
                }
                next = i + 1;
            }
            if (dropPercent == 0) {
                assertEquals(msgs.size(), next, "without loss UC delivers everything");
            }
            return new boolean[] {p.b.transport().dropped(Transport.Drop.PARTIAL_MESSAGE) > 0, classE};
        }
    }

    /**
     * One receive completion of message {@code i}: status, opcode, immediate, length, and for a
     * SEND its bytes in the buffer of the receive WR it names; {@code wrId} is the one expected,
     * or -1 when any receive not used before will do (an SRQ, or UC's losses).
     */
    private static void checkReceive(TransportPair p, Msg m, int i, Wc w, Set<Long> used, long wrId, String what) {
        assertEquals(WcStatus.SUCCESS, w.status, what);
        if (wrId >= 0) {
            assertEquals(wrId, w.wrId, what + ": receives in order");
        }
        assertTrue(w.wrId >= 1000 && used.add(w.wrId), what + ": a receive WR posted and not used before");
        assertEquals(m.op() == SEND_IMM ? WcOpcode.RECV : WcOpcode.RECV_RDMA_WITH_IMM, w.opcode, what);
        assertTrue((w.wcFlags & WcFlags.WITH_IMM) != 0, what + ": IB_WC_WITH_IMM");
        assertEquals(imm(i), w.immData, what + ": immediate data");
        assertEquals(m.size(), w.byteLen, what + ": length");
        if (m.op() == SEND_IMM) {
            assertArrayEquals(TransportPair.pattern(i, m.size()),
                    p.b.read(TransportPair.TARGET + (w.wrId - 1000) * SLOT, m.size()), what + ": bytes");
        }
    }
}
