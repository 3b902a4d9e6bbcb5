package org.ibmodel.sim.fabric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ibmodel.sim.sched.Scheduler;
import org.ibmodel.sim.wire.Crcs;
import org.ibmodel.sim.wire.DropReason;
import org.ibmodel.sim.wire.Opcode;
import org.ibmodel.sim.wire.Packet;
import org.ibmodel.sim.wire.PacketBuilder;
import org.junit.jupiter.api.Test;

/**
 * A packet sent with its CRCs pending (wire.Crcs) keeps them pending only while nothing can see
 * or change its bytes, and is checked again only where its bytes may have changed:
 * <pre>
 *   h1 --1[sw]2-- h2        LIDs h1 = 1, h2 = 2, sw = 0x10 (its management port)
 * </pre>
 */
class PendingCrcsTest {
    private static final int PAYLOAD = 100;

    /** A sink like an HCA's: it takes packets as they come and records their CRC state. */
    private static final class Receiver implements PacketSink {
        final List<byte[]> packets = new ArrayList<>();
        final List<Crcs.State> states = new ArrayList<>();

        @Override
        public void receive(FabricPort port, byte[] packet) {
            receive(port, packet, Crcs.State.UNVERIFIED);
        }

        @Override
        public void receive(FabricPort port, byte[] packet, Crcs.State crcs) {
            packets.add(packet);
            states.add(crcs);
        }
    }

    /** The world seed: the faults' draws come from it. */
    private static final long SEED = 0xC4C5L;

    private final Scheduler scheduler = new Scheduler(SEED);
    private final Fabric fabric = new Fabric(scheduler);
    private final Switch sw = fabric.addSwitch("sw", 2);
    private final Receiver atH2 = new Receiver();
    private final FabricPort h1 = fabric.addEndpointPort("h1", 1, new Receiver());
    private final FabricPort h2 = fabric.addEndpointPort("h2", 1, atH2);
    private final Link first = fabric.connect(h1, sw.port(1), LinkWidth.WIDTH_4X, LinkSpeed.EDR, 2.0);
    private final Link second = fabric.connect(sw.port(2), h2, LinkWidth.WIDTH_4X, LinkSpeed.EDR, 2.0);

    PendingCrcsTest() {
        fabric.assignLid(h1, 1);
        fabric.assignLid(h2, 2);
        fabric.assignLid(sw.port(0), 0x10);
        fabric.computeForwardingTables();
    }

    /** A SEND to {@code dlid} with sequence number {@code seq} in its PSN, CRCs written or not. */
    private static byte[] send(int dlid, int seq, boolean crcs) {
        byte[] packet = new byte[PacketBuilder.frameLength(Opcode.RC_SEND_ONLY, false, PAYLOAD)];
        // What an unwritten CRC holds is whatever the array held: here, not the CRC.
        Arrays.fill(packet, (byte) 0x5A);
        PacketBuilder b = new PacketBuilder().wrap(packet, 0).begin(Opcode.RC_SEND_ONLY, false);
        b.lrh().dlid(dlid).slid(1);
        b.bth().pKey(0xFFFF).destQp(0x42).psn(seq);
        byte[] data = new byte[PAYLOAD];
        Arrays.fill(data, (byte) seq);
        b.payload(data, 0, PAYLOAD);
        if (crcs) {
            b.finish();
        } else {
            b.finishWithoutCrcs();
        }
        return packet;
    }

    private void xmitPending(int dlid, int seq) {
        byte[] p = h1.pool().take(PacketBuilder.frameLength(Opcode.RC_SEND_ONLY, false, PAYLOAD));
        System.arraycopy(send(dlid, seq, false), 0, p, 0, p.length);
        h1.xmit(p, Crcs.State.PENDING);
    }

    private static DropReason check(byte[] packet) {
        return Packet.parse(packet, 0, packet.length).dropReason();
    }

    @Test
    void shouldKeepCrcsPendingThroughASwitchToASinkThatTakesThem() {
        xmitPending(2, 1);
        h1.xmit(send(2, 2, true), Crcs.State.UNVERIFIED);
        scheduler.runUntilIdle(100);

        assertEquals(List.of(Crcs.State.PENDING, Crcs.State.UNVERIFIED), atH2.states, "each state goes through as it came");
        assertArrayEquals(send(2, 1, false), atH2.packets.get(0), "nothing on the way wrote into it");
        assertArrayEquals(send(2, 2, true), atH2.packets.get(1));
    }

    @Test
    void shouldWriteThemForASinkThatDoesNotTakePendingCrcs() {
        List<byte[]> plain = new ArrayList<>();
        Fabric f = new Fabric(scheduler);
        FabricPort a = f.addEndpointPort("a", 1, new Receiver());
        FabricPort b = f.addEndpointPort("b", 1, (port, p) -> plain.add(p));
        f.connect(a, b, LinkWidth.WIDTH_4X, LinkSpeed.EDR, 1.0);
        byte[] p = send(2, 3, false);

        a.xmit(p, Crcs.State.PENDING);
        scheduler.runUntilIdle(100);

        assertEquals(1, plain.size());
        assertArrayEquals(send(2, 3, true), plain.get(0));
        assertNull(check(plain.get(0)));
    }

    @Test
    void shouldWriteThemForTheSwitchManagementPort() {
        List<byte[]> atPort0 = new ArrayList<>();
        sw.managementSink((port, p) -> atPort0.add(p));

        xmitPending(0x10, 4);
        scheduler.runUntilIdle(100);

        assertEquals(1, atPort0.size());
        assertArrayEquals(send(0x10, 4, true), atPort0.get(0));
    }

    @Test
    void shouldWriteThemBeforeATapSeesThePacket() {
        List<byte[]> tapped = new ArrayList<>();
        fabric.addTap((t, link, dir, p) -> tapped.add(p.clone()));

        xmitPending(2, 5);
        scheduler.runUntilIdle(100);

        assertEquals(2, tapped.size(), "one crossing per link");
        for (byte[] p : tapped) {
            assertArrayEquals(send(2, 5, true), p);
        }
        assertEquals(List.of(Crcs.State.INTACT), atH2.states, "written over the bytes as built");
        assertArrayEquals(send(2, 5, true), atH2.packets.get(0));
    }

    @Test
    void shouldWriteThemBeforeAFaultFlipsABit() {
        fabric.faults().corruptProbability(second, 1.0);

        for (int seq = 0; seq < 200; seq++) {
            xmitPending(2, seq);
        }
        scheduler.runUntilIdle(10_000);

        assertEquals(200, atH2.packets.size());
        for (int i = 0; i < atH2.packets.size(); i++) {
            assertEquals(Crcs.State.UNVERIFIED, atH2.states.get(i), "a corrupted packet is to be checked");
            byte[] got = atH2.packets.get(i);
            // The payload is the sequence number 100 times; a flip changes at most one of them.
            int at = got.length - 6 - PAYLOAD;
            int seq = got[at] == got[at + 1] ? got[at] & 0xFF : got[at + 2] & 0xFF;
            byte[] sent = send(2, seq, true);
            int differing = 0;
            for (int k = 0; k < got.length; k++) {
                differing += Integer.bitCount((got[k] ^ sent[k]) & 0xFF);
            }
            assertEquals(1, differing, "seed=" + SEED + " packet " + seq + ": the sent bytes and CRCs with one bit flipped");
            // A CRC catches every single-bit error, and the VCRC is checked first.
            assertEquals(DropReason.BAD_VCRC, check(got), "packet " + seq);
        }
        assertEquals(200, second.counters(Link.Direction.A_TO_B).corrupted());
    }

    @Test
    void shouldDropAtTheSwitchWhatAFaultCorruptedOnTheWayIn() {
        fabric.faults().corruptProbability(first, 0.5);

        for (int seq = 0; seq < 200; seq++) {
            xmitPending(2, seq);
        }
        fabric.faults().corruptProbability(first, 0);
        h1.xmit(send(2, 200, true), Crcs.State.UNVERIFIED);
        byte[] bad = send(2, 201, true);
        bad[30] ^= 0x10;
        h1.xmit(bad, Crcs.State.UNVERIFIED);
        scheduler.runUntilIdle(10_000);

        long corrupted = first.counters(Link.Direction.A_TO_B).corrupted();
        assertTrue(corrupted > 50 && corrupted < 150, "seed=" + SEED + ": " + corrupted + " of 200 corrupted");
        // Every single-bit error fails the VCRC the switch port checks (IBA 7.8.2).
        assertEquals(corrupted + 1, sw.droppedBadVcrc(), "seed=" + SEED + ": each corrupted packet and the bad one from outside");
        assertEquals(201 - corrupted, atH2.packets.size());
        assertEquals(0, second.counters(Link.Direction.A_TO_B).corrupted());
        for (int i = 0; i < atH2.packets.size(); i++) {
            byte[] got = atH2.packets.get(i);
            int seq = got[got.length - 6 - PAYLOAD] & 0xFF;
            assertEquals(seq == 200 ? Crcs.State.UNVERIFIED : Crcs.State.PENDING, atH2.states.get(i), "packet " + seq);
            assertArrayEquals(send(2, seq, seq == 200), got, "packet " + seq);
        }
    }
}
