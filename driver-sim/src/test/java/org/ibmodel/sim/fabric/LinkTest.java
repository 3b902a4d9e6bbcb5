package org.ibmodel.sim.fabric;

import static org.ibmodel.sim.fabric.TestPackets.packet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ibmodel.sim.fabric.TestPackets.Recorder;
import org.ibmodel.sim.sched.Scheduler;
import org.junit.jupiter.api.Test;

/** Two HCA ports back to back, no switch. */
class LinkTest {

    private static final long SEED = 0x11AE;

    private final Scheduler scheduler = new Scheduler(SEED);
    private final Fabric fabric = new Fabric(scheduler);
    private final Recorder atA = new Recorder(scheduler);
    private final Recorder atB = new Recorder(scheduler);
    private final FabricPort a = fabric.addEndpointPort("hostA", 1, atA);
    private final FabricPort b = fabric.addEndpointPort("hostB", 1, atB);

    /**
     * The wire keeps its time exactly: 1000 packets of 30 bytes back to back on 4x EDR take
     * 2.4 ns each, 2400 ns in all, not 3000 as whole nanoseconds per packet would make them.
     */
    @Test
    void shouldNotRoundEachPacketOfABurstToAWholeNanosecond() {
        Link link = fabric.connect(a, b, LinkWidth.WIDTH_4X, LinkSpeed.EDR, 2.0);
        assertEquals(3, link.serializationNs(30), "one alone, rounded up");
        for (int i = 0; i < 1000; i++) {
            a.send(packet(2, 1, i, 30));
        }
        assertEquals(2400, link.busyUntil(Link.Direction.A_TO_B), "the wire is free at exactly 2400 ns");
        scheduler.runUntilIdle(10_000);
        assertEquals(1000, atB.times.size());
        assertEquals(3L + 10, atB.times.get(0), "2.4 ns rounded up, and the cable");
        assertEquals(2400L + 10, atB.times.get(999), "the last bit out at exactly 2400 ns");
    }

    @Test
    void shouldArriveAfterSerializationPlusPropagation() {
        Link link = fabric.connect(a, b, LinkWidth.WIDTH_4X, LinkSpeed.EDR, 2.0);
        assertEquals(10, link.propagationNs());

        a.send(packet(2, 1, 0, 1002));
        a.send(packet(2, 1, 1, 1002));
        scheduler.runUntilIdle(10);

        // 80.16 ns on the wire + 10 ns of cable, the arrival rounded up to 91; the second waits
        // for the first to clear the wire, its last bit out at 160.32 ns, so it arrives at 171.
        assertEquals(List.of(91L, 171L), atB.times);
        assertEquals(List.of(0, 1), atB.seqs());
        assertTrue(atA.packets.isEmpty());
    }

    @Test
    void shouldDeliverInOrderOnOneLink() {
        Link link = fabric.connectWithLatency(a, b, LinkWidth.WIDTH_4X, LinkSpeed.FDR, 7);
        SplittableRandom rnd = scheduler.fork("traffic");
        int perDirection = 2000;
        List<Integer> sizesAtoB = new ArrayList<>();
        List<Integer> sizesBtoA = new ArrayList<>();
        // Bursts of packets of mixed sizes, many sent in the same nanosecond: big ones first
        // is where a link that ignored its busy wire would let small ones overtake.
        long t = 0;
        int sentA = 0;
        int sentB = 0;
        while (sentA < perDirection || sentB < perDirection) {
            int burst = 1 + rnd.nextInt(8);
            for (int i = 0; i < burst; i++) {
                int size = rnd.nextBoolean() ? 4002 + 4 * rnd.nextInt(50) : 14 + 4 * rnd.nextInt(15);
                if (rnd.nextBoolean() && sentA < perDirection) {
                    int seq = sentA++;
                    sizesAtoB.add(size);
                    scheduler.scheduleAt(t, "send a", () -> a.send(packet(2, 1, seq, size)));
                } else if (sentB < perDirection) {
                    int seq = sentB++;
                    sizesBtoA.add(size);
                    scheduler.scheduleAt(t, "send b", () -> b.send(packet(1, 2, seq, size)));
                }
            }
            t += rnd.nextLong(0, 2000);
        }

        scheduler.runUntilIdle(1_000_000);

        assertInOrder(atB, sizesAtoB, link);
        assertInOrder(atA, sizesBtoA, link);
        assertEquals(perDirection, link.counters(Link.Direction.A_TO_B).packetsDelivered());
        assertEquals(perDirection, link.counters(Link.Direction.B_TO_A).packetsDelivered());
    }

    private static void assertInOrder(Recorder r, List<Integer> sizes, Link link) {
        List<Integer> seqs = r.seqs();
        assertEquals(sizes.size(), seqs.size(), "seed=" + SEED);
        for (int i = 0; i < seqs.size(); i++) {
            assertEquals(i, seqs.get(i), "seed=" + SEED + ": arrival #" + i + " out of order");
        }
        for (int i = 1; i < r.times.size(); i++) {
            long gap = r.times.get(i) - r.times.get(i - 1);
            // Arrivals are rounded up one by one, so two may come a wire time rounded down apart.
            assertTrue(gap >= link.serializationNs(sizes.get(i)) - 1, "seed=" + SEED + " packet " + i
                    + " arrived " + gap + "ns after the one before, less than its own wire time");
        }
    }

    @Test
    void shouldDropInFlightAndWhileDownThenResumeAfterUp() {
        // 1X SDR: a 1002-byte packet takes 4008 ns; cable 5 ns.
        Link link = fabric.connect(a, b, LinkWidth.WIDTH_1X, LinkSpeed.SDR, 1.0);
        for (int i = 0; i < 5; i++) {
            a.send(packet(2, 1, i, 1002));
        }
        scheduler.runUntil(6000);
        assertEquals(List.of(0), atB.seqs());
        assertEquals(4, link.inFlight(Link.Direction.A_TO_B));
        b.send(packet(1, 2, 100, 502));
        assertEquals(1, link.inFlight(Link.Direction.B_TO_A), "one on its way back when the cable goes");

        assertTrue(link.changeState(Link.State.DOWN));
        assertFalse(link.changeState(Link.State.DOWN));
        for (int i = 5; i < 8; i++) {
            a.send(packet(2, 1, i, 1002));
        }
        b.send(packet(1, 2, 101, 502));
        scheduler.runUntilIdle(100);
        assertEquals(List.of(0), atB.seqs());
        assertTrue(atA.packets.isEmpty());

        link.changeState(Link.State.UP);
        a.send(packet(2, 1, 8, 1002));
        a.send(packet(2, 1, 9, 1002));
        long upAt = scheduler.now();
        scheduler.runUntilIdle(100);

        assertEquals(List.of(0, 8, 9), atB.seqs());
        assertEquals(upAt + 4013, atB.times.get(1), "the wire starts empty after coming up");
        LinkCounters ab = link.counters(Link.Direction.A_TO_B);
        assertEquals(10, ab.packetsSent());
        assertEquals(10_020, ab.bytesSent());
        assertEquals(3, ab.packetsDelivered());
        assertEquals(3_006, ab.bytesDelivered());
        assertEquals(7, ab.droppedLinkDown(), "4 in flight + 3 sent while down");
        assertEquals(0, ab.droppedByFault());
        assertEquals(2, link.counters(Link.Direction.B_TO_A).droppedLinkDown(), "1 in flight + 1 sent while down");
        assertEquals(9, link.counters().droppedLinkDown());
        assertEquals(1, link.linkDowned());
        assertEquals(List.of(Link.State.DOWN, Link.State.UP), atA.states);
        assertEquals(List.of(Link.State.DOWN, Link.State.UP), atB.states);
    }

    @Test
    void shouldGiveEveryLostPacketBackToThePoolAndPassDeliveredOnesOn() {
        Link link = fabric.connect(a, b, LinkWidth.WIDTH_1X, LinkSpeed.SDR, 1.0);
        PacketPool pool = a.pool();
        byte[] p0 = pool.take(1002);
        System.arraycopy(packet(2, 1, 0, 1002), 0, p0, 0, 1002);
        a.xmit(p0);
        for (int i = 1; i < 3; i++) {
            a.send(packet(2, 1, i, 1002));
        }
        scheduler.runUntil(6000);
        assertSame(p0, atB.packets.get(0), "xmit hands the array itself to the receiver");

        assertEquals(0, pool.free(1002), "two still on the wire, one kept by the receiver");
        link.changeState(Link.State.DOWN);
        assertEquals(2, pool.free(1002), "the two lost in flight came back");
        a.send(packet(2, 1, 3, 1002));
        assertEquals(2, pool.free(1002), "the copy sent while down came back");

        link.changeState(Link.State.UP);
        fabric.faults().dropProbability(link, 1.0);
        a.send(packet(2, 1, 4, 1002));
        scheduler.runUntilIdle(10);
        assertEquals(2, pool.free(1002), "a packet a fault drops comes back too");
        assertEquals(2, pool.reused(), "each later send reused an array that came back");
        assertEquals(List.of(0), atB.seqs());
    }

    @Test
    void shouldCopyPacketSoSenderMayReuseItsBuffer() {
        fabric.connect(a, b, LinkWidth.WIDTH_4X, LinkSpeed.EDR, 1.0);
        byte[] buf = packet(2, 1, 7, 66);
        byte[] original = buf.clone();
        a.send(buf);
        buf[20] ^= 0x55;

        scheduler.runUntilIdle(10);

        assertArrayEquals(original, atB.packets.get(0));
    }

    @Test
    void shouldCountPacketsSentOnUnpluggedPort() {
        a.send(packet(2, 1, 0, 66));

        assertEquals(1, a.droppedNoLink());
        assertEquals(0, scheduler.pending());
    }

    @Test
    void shouldRejectEmptyPacketAndSecondCable() {
        fabric.connect(a, b, LinkWidth.WIDTH_4X, LinkSpeed.EDR, 1.0);
        FabricPort c = fabric.addEndpointPort("hostC", 1, atA);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> a.send(new byte[0]));
        assertTrue(e.getMessage().contains("seed=0x11ae"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> fabric.connect(a, c, LinkWidth.WIDTH_4X, LinkSpeed.EDR, 1.0));
    }

    /** Cable lengths: none is a length (a backplane), a negative one or NaN is not. */
    @Test
    void shouldTakeACableOfNoLengthButNotANegativeOne() {
        assertEquals(0, fabric.connect(a, b, LinkWidth.WIDTH_4X, LinkSpeed.EDR, 0.0).propagationNs());
        FabricPort c = fabric.addEndpointPort("hostC", 1, atA);
        FabricPort d = fabric.addEndpointPort("hostD", 1, atB);
        for (double metres : new double[] {-0.1, Double.NaN}) {
            assertThrows(IllegalArgumentException.class,
                    () -> fabric.connect(c, d, LinkWidth.WIDTH_4X, LinkSpeed.EDR, metres), metres + " m");
        }
        assertThrows(IllegalArgumentException.class,
                () -> fabric.connectWithLatency(c, d, LinkWidth.WIDTH_4X, LinkSpeed.EDR, -1), "-1 ns");
    }

    @Test
    void shouldKnowItsEndsAndDirections() {
        Link link = fabric.connect(a, b, LinkWidth.WIDTH_4X, LinkSpeed.EDR, 1.0);

        assertEquals("hostA/1<->hostB/1", link.name());
        assertEquals(b, a.peer());
        assertEquals(a, link.peerOf(b));
        assertEquals(a, link.from(Link.Direction.A_TO_B));
        assertEquals(a, link.to(Link.Direction.B_TO_A));
        assertEquals(List.of(link), fabric.links());
    }
}
