// Property: RC delivers every message exactly once, in order, with correct completions, under
// random loss and short link flaps (IBA 9.7: reliable service)
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
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;

/**
 * Generated scenarios: a world seed, a path MTU, a packet loss of 0-10 % between the hosts (each
 * of the two links on the path drops its share),
 * an optional flap of the receiver's cable shorter than the retry budget, and a list of
 * messages (SEND, RDMA WRITE or RDMA READ of 0 B to 16 KiB, sometimes 64 KiB, or FETCH_ADD on one
 * counter). The invariants,
 * checked against the list itself rather than against the transport:
 * <ul>
 * <li>{@code sendCompletions}: one SUCCESS completion per WR, in posting order, with its opcode;
 * <li>{@code exactlyOnceInOrder}: one receive completion per SEND, in order, with its length,
 *     and no more (spare receives stay unused); each FETCH_ADD returns the sum of the adds
 *     before it and the counter ends at the sum of all (an atomic is executed once);
 * <li>{@code byteExact}: every SEND, WRITE and READ leaves the destination equal to the source.
 * </ul>
 * The retry budget is finite (retry_cnt 7), so a run of bad luck long enough is an outage and
 * ends in RETRY_EXC_ERR: a round without progress happens when the one packet the responder
 * waits for, or its one NAK, is lost (the responder NAKs a gap once and ACKs only what asks for
 * it, as hfi1/rdmavt do). With an ack_timeout of about 1 ms a 4 ms flap used up four retries and
 * left too few for that: seeds 77, 202 and 303 found such runs within 2,000 examples. With about
 * 4 ms a flap costs one or two, and no seed tried (1-6, 77, 202, 303, 2,000 examples each) runs
 * out. The seeds are fixed, so the property is deterministic.
 * Replay a failure with the seed it prints:
 * {@code mvn -B -pl driver-sim -am verify -Dtest=RcLossPropertyTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class RcLossPropertyTest {
    private static final long DEFAULT_SEED = 0x1b_10ad;
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 200);
    private static final int SLOT = 64 << 10;
    /** ack_timeout 10: 4.096 µs × 2^10 ≈ 4.2 ms; 7 retries ≈ 29 ms without progress. */
    private static final int TIMEOUT = 10;
    private static final long MAX_FLAP_NS = 4_000_000;
    /** The remote counter of the FETCH_ADDs, away from every message's slot. */
    private static final long COUNTER = TransportPair.TARGET - 64;

    /** One generated message: 0 SEND, 1 RDMA WRITE, 2 RDMA READ, 3 FETCH_ADD of {@code size}. */
    record Msg(int op, int size) {
        @Override
        public String toString() {
            return new String[] {"SEND", "WRITE", "READ", "FETCH_ADD"}[op] + "(" + size + ")";
        }
    }

    @Test
    void shouldDeliverEveryMessageExactlyOnceInOrderUnderLossAndFlaps() {
        int[] resent = {0};
        check(TransportPolicy.CORRECT, EXAMPLES, false, again -> resent[0] += again ? 1 : 0);
        // The scenarios must reach what the property is about, or it holds for nothing: a request
        // the responder had already executed comes again, and must not be executed twice.
        assertTrue(resent[0] >= EXAMPLES / 5, resent[0] + " of " + EXAMPLES + " runs resent an executed request");
    }

    @Test
    void shouldDeliverEveryMessageExactlyOnceInOrderAcrossAFatTreeUnderLossAndFlaps() {
        int examples = Math.max(10, EXAMPLES / 4);
        int[] resent = {0};
        check(TransportPolicy.CORRECT, examples, true, again -> resent[0] += again ? 1 : 0);
        assertTrue(resent[0] >= examples / 6, resent[0] + " of " + examples + " runs resent an executed request");
    }

    /**
     * A responder that takes the request it executed last for a new one when it comes again (a
     * PSN compare off by one, rxe_resp.c check_psn) executes a SEND or an atomic twice.
     */
    @Test
    void shouldCatchALastRequestExecutedTwice() {
        TransportMutants.assertCaught(() -> check(TransportMutants.LAST_TAKEN_AGAIN, EXAMPLES, false, again -> { }),
                "exactlyOnceInOrder");
    }

    /** The property over {@code examples} scenarios, on a device deciding as {@code policy} does. */
    private static void check(TransportPolicy policy, int examples, boolean fatTree, Consumer<Boolean> resent) {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        qt().withFixedSeed(seed)
                .withExamples(examples)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter("RcLossPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40), arbitrary().enumValues(Mtu.class),
                        integers().between(0, 10 * 11 - 1),
                        lists().of(integers().between(0, 4 * 16384 + 3).map(v -> new Msg(v % 4, v / 4 == 16384
                                ? SLOT : v / 4))).ofSizeBetween(1, 6))
                .checkAssert((worldSeed, mtu, faults, msgs) -> resent.accept(
                        run(worldSeed, mtu, faults % 11, faults / 11, msgs, fatTree, policy)));
    }

    /**
     * One scenario: {@code dropPercent} on the path, a flap of {@code flapTenths} × 0.4 ms (0: none)
     * of host b's cable. With {@code fatTree} the two hosts are the ends of a fat tree of two leaves
     * of four hosts and two spines (host 0 and host 7), four links each way instead of two. Whether
     * host b met again a request it had executed (its response lost, or resent after a flap).
     */
    static boolean run(long worldSeed, Mtu mtu, int dropPercent, int flapTenths, List<Msg> msgs, boolean fatTree,
            TransportPolicy policy) {
        TransportPair.Conn c = new TransportPair.Conn(mtu, 0xFF_FFF0 - msgs.size(), 0x7000, TIMEOUT, 7, 7, 1);
        try (TransportPair p = fatTree ? new TransportPair(World.fatTree(worldSeed, 8, 4, 2), 0, 7, QpType.RC, c)
                : new TransportPair(worldSeed, QpType.RC, c)) {
            p.a.transport().policy(policy);
            p.b.transport().policy(policy);
            for (int i = 0; i < msgs.size() + 2; i++) {
                p.b.postRecv(1000 + i, TransportPair.TARGET + (long) i * SLOT, SLOT);
            }
            // dropPercent is the loss of the path, k links each way: each link drops 1 - (1 - p)^(1/k).
            int links = fatTree ? 4 : 2;
            p.world.fabric().faults().dropProbability(1 - Math.pow(1 - dropPercent / 100.0, 1.0 / links));
            if (flapTenths > 0) {
                long now = p.world.scheduler().now();
                p.world.fabric().faults().flap(p.world.link(p.b.index), now + 20_000,
                        Math.min(MAX_FLAP_NS, flapTenths * 400_000L));
            }
            for (int i = 0; i < msgs.size(); i++) {
                Msg m = msgs.get(i);
                byte[] data = TransportPair.pattern(i, m.size());
                long src = (long) i * SLOT;
                long dst = TransportPair.TARGET + (long) i * SLOT;
                switch (m.op()) {
                    case 0 -> {
                        p.a.fill(src, data);
                        p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.SEND).sgList(p.a.sge(src, m.size())));
                    }
                    case 1 -> {
                        p.a.fill(src, data);
                        p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(src, m.size()))
                                .remoteAddr(p.b.buf + src).rkey(p.b.mr.rkey()));
                    }
                    case 3 -> p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.ATOMIC_FETCH_AND_ADD)
                            .sgList(p.a.sge(dst, 8)).remoteAddr(p.b.buf + COUNTER).rkey(p.b.mr.rkey())
                            .compareAdd(m.size()));
                    default -> {
                        p.b.fill(src, data);
                        p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.RDMA_READ).sgList(p.a.sge(dst, m.size()))
                                .remoteAddr(p.b.buf + src).rkey(p.b.mr.rkey()));
                    }
                }
            }
            p.settle();

            List<Wc> sent = p.a.poll();
            assertEquals(msgs.size(), sent.size(), "sendCompletions: one per WR: " + sent);
            for (int i = 0; i < msgs.size(); i++) {
                Wc w = sent.get(i);
                assertEquals(WcStatus.SUCCESS, w.status, "sendCompletions: WR " + i + " " + w);
                assertEquals(i, w.wrId, "sendCompletions: in order");
                assertEquals(new WcOpcode[] {WcOpcode.SEND, WcOpcode.RDMA_WRITE, WcOpcode.RDMA_READ,
                    WcOpcode.FETCH_ADD}[msgs.get(i).op()],
                        w.opcode, "sendCompletions: opcode of WR " + i);
            }
            List<Wc> received = p.b.poll();
            long sends = msgs.stream().filter(m -> m.op() == 0).count();
            assertEquals(sends, received.size(), "exactlyOnceInOrder: one receive per SEND: " + received);
            int r = 0;
            long counter = 0;
            for (int i = 0; i < msgs.size(); i++) {
                Msg m = msgs.get(i);
                byte[] data = TransportPair.pattern(i, m.size());
                long src = (long) i * SLOT;
                long dst = TransportPair.TARGET + (long) i * SLOT;
                switch (m.op()) {
                    case 0 -> {
                        Wc w = received.get(r);
                        assertEquals(WcStatus.SUCCESS, w.status, "exactlyOnceInOrder: " + w);
                        assertEquals(1000 + r, w.wrId, "exactlyOnceInOrder: receive order");
                        assertEquals(m.size(), w.byteLen, "exactlyOnceInOrder: length of message " + i);
                        assertArrayEquals(data, p.b.read(TransportPair.TARGET + (long) r * SLOT, m.size()),
                                "byteExact: SEND " + i);
                        r++;
                    }
                    case 1 -> assertArrayEquals(data, p.b.read(src, m.size()), "byteExact: WRITE " + i);
                    case 3 -> {
                        assertEquals(counter, p.a.memory().readLong(p.a.buf + dst),
                                "exactlyOnceInOrder: FETCH_ADD " + i);
                        counter += m.size();
                    }
                    default -> assertArrayEquals(data, p.a.read(dst, m.size()), "byteExact: READ " + i);
                }
            }
            assertEquals(counter, p.b.memory().readLong(p.b.buf + COUNTER), "exactlyOnceInOrder: each add once");
            assertEquals(HwQpState.RTS, p.a.hwState(), "the requester QP stays in RTS");
            return p.b.transport().dropped(Transport.Drop.DUPLICATE) > 0;
        }
    }
}
