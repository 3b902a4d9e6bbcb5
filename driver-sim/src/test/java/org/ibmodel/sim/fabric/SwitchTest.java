package org.ibmodel.sim.fabric;

import static org.ibmodel.sim.fabric.TestPackets.packet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.ibmodel.sim.fabric.TestPackets.Recorder;
import org.ibmodel.sim.sched.Scheduler;
import org.ibmodel.sim.wire.Lrh;
import org.ibmodel.sim.wire.Vcrc;
import org.junit.jupiter.api.Test;

/** One switch, three hosts, LFT written by hand. */
class SwitchTest {

    private final Scheduler scheduler = new Scheduler(3);
    private final Fabric fabric = new Fabric(scheduler);
    private final Switch sw = fabric.addSwitch("sw0", 8, 50);
    private final Recorder[] hosts = new Recorder[4];
    private final FabricPort[] ports = new FabricPort[4];

    SwitchTest() {
        for (int h = 1; h <= 3; h++) {
            hosts[h] = new Recorder(scheduler);
            ports[h] = fabric.addEndpointPort("h" + h, 1, hosts[h]);
            // 4X EDR, 0 ns cable: a 1002-byte packet is 81 ns per hop (80.16 rounded up)
            fabric.connectWithLatency(ports[h], sw.port(h), LinkWidth.WIDTH_4X, LinkSpeed.EDR, 0);
        }
    }

    @Test
    void shouldReadDlidFromLrhBytesTwoAndThree() {
        assertEquals(0x1234, Switch.dlid(new byte[] {(byte) 0xf0, 0x02, 0x12, 0x34}));
        assertEquals(0xffff, Switch.dlid(new byte[] {0, 0, (byte) 0xff, (byte) 0xff, 0}));
        assertEquals(-1, Switch.dlid(new byte[] {0, 0, 1}));
        assertEquals(0x0203, Switch.dlid(packet(0x0203, 1, 0, 18)));
    }

    @Test
    void shouldForwardByLftAfterSwitchLatency() {
        sw.route(0x30, 3);

        ports[1].send(packet(0x30, 0x10, 0, 1002));
        scheduler.runUntilIdle(10);

        assertEquals(List.of(0), hosts[3].seqs());
        assertEquals(List.of(81L + 50 + 81), hosts[3].times);
        assertTrue(hosts[2].packets.isEmpty());
        assertEquals(1, sw.forwarded());
    }

    /**
     * IBA 16.1.3.5: packets queued at a switch output when its link goes down never leave; the
     * output port counts them in PortXmitDiscards. Only the one on the wire then is lost on
     * the way, as a pulled cable loses it.
     */
    @Test
    void shouldCountPacketsQueuedAtAnOutputWhoseLinkGoesDownAsDiscards() {
        sw.route(0x30, 3);
        Link toH3 = sw.port(3).link();
        for (int i = 0; i < 10; i++) {
            ports[1].send(packet(0x30, 0x10, i, 1002));
            ports[2].send(packet(0x30, 0x20, 100 + i, 1002));
        }
        // From 131 ns on, the output to h3 clocks out one packet every 80.16 ns, back to back.
        fabric.faults().linkDown(toH3, 600);
        scheduler.runUntilIdle(10_000);
        LinkCounters out = toH3.counters(toH3.from(Link.Direction.A_TO_B) == sw.port(3)
                ? Link.Direction.A_TO_B : Link.Direction.B_TO_A);
        assertEquals(20, hosts[3].packets.size() + out.droppedLinkDown(), out.toString());
        assertEquals(out.droppedLinkDown() - 1, sw.portXmitDiscards(3), "all but the one on the wire: " + out);
        assertTrue(sw.portXmitDiscards(3) > 10, "most were still queued: " + sw.portXmitDiscards(3));
    }

    @Test
    void shouldDropAndCountUnknownDlid() {
        sw.route(0x30, 3);

        ports[1].send(packet(0x31, 0x10, 0, 66));
        ports[1].send(packet(0xC001, 0x10, 1, 66)); // multicast: no MFT here
        ports[1].send(new byte[] {0, 0, 0});
        scheduler.runUntilIdle(10);

        assertEquals(2, sw.droppedNoRoute());
        assertEquals(1, sw.droppedMalformed());
        assertEquals(0, sw.forwarded());
        for (int h = 1; h <= 3; h++) {
            assertTrue(hosts[h].packets.isEmpty());
        }
    }

    /**
     * IBA 16.1.3.5 PortRcvSwitchRelayErrors counts, among the packets a switch cannot relay, a
     * unicast one whose output port is its input port (looping): dropped, not sent back.
     */
    @Test
    void shouldDropAUnicastPacketWhoseRouteLeadsBackOutItsOwnPort() {
        sw.route(0x10, 1);

        ports[1].send(packet(0x10, 0x10, 0, 66));
        scheduler.runUntilIdle(10);

        assertTrue(hosts[1].packets.isEmpty(), "not sent back to its sender");
        assertEquals(0, sw.forwarded());
        assertEquals(1, sw.portRcvSwitchRelayErrors(1));
    }

    /** A port's error counters are 16 bits wide and stop at 65535 rather than wrap (IBA 16.1.3.5). */
    @Test
    void shouldStopARelayErrorCounterAtItsWidth() {
        byte[] unroutable = packet(0x31, 0x10, 0, 66);
        for (int i = 0; i < 0x10000 + 4; i++) {
            ports[1].send(unroutable.clone());
            if (i % 1024 == 1023) {
                scheduler.runUntilIdle(100_000);
            }
        }
        scheduler.runUntilIdle(100_000);

        assertEquals(0x10000 + 4, sw.droppedNoRoute(), "every one dropped");
        assertEquals(0xffff, sw.portRcvSwitchRelayErrors(1), "the counter stopped at its maximum");
    }

    @Test
    void shouldCountEachDropOnThePortItBelongsTo() {
        sw.route(0x30, 3);
        sw.route(0x40, 4); // port 4 has no cable
        ports[1].send(packet(0x31, 0x10, 0, 66)); // no route: port 1's relay error
        ports[2].send(new byte[] {0, 0, 0}); // malformed: port 2's receive error
        byte[] flipped = packet(0x30, 0x10, 1, 66);
        flipped[8] ^= 1; // bad VCRC: port 2's receive error
        ports[2].send(flipped);
        ports[2].send(packet(0x40, 0x10, 2, 66)); // out of port 4: its transmit discard
        scheduler.runUntilIdle(10);
        fabric.links().stream().filter(l -> l.b() == sw.port(3)).findFirst().orElseThrow()
                .changeState(Link.State.DOWN);
        ports[1].send(packet(0x30, 0x10, 3, 66)); // out of port 3, its link down
        scheduler.runUntilIdle(10);

        assertEquals(List.of(1L, 0L, 0L, 0L), perPort(sw::portRcvSwitchRelayErrors));
        assertEquals(List.of(0L, 2L, 0L, 0L), perPort(sw::portRcvErrors));
        assertEquals(List.of(0L, 0L, 1L, 1L), perPort(sw::portXmitDiscards));
        assertEquals(1, sw.droppedNoRoute());
        assertEquals(1, sw.droppedMalformed());
        assertEquals(1, sw.droppedBadVcrc());
        assertEquals(0, sw.portRcvErrors(0) + sw.portRcvSwitchRelayErrors(0) + sw.portXmitDiscards(0));
        assertThrows(IllegalArgumentException.class, () -> sw.portXmitDiscards(9));
    }

    /**
     * A packet a fault loses on the way out still left the switch's port: the link counts the
     * loss, the port no transmit discard (PortXmitDiscards counts only what could not leave).
     */
    @Test
    void shouldNotCountAPacketAFaultLosesOnTheWayOutAsATransmitDiscard() {
        sw.route(0x30, 3);
        Link out = fabric.links().stream().filter(l -> l.b() == sw.port(3)).findFirst().orElseThrow();
        fabric.faults().dropProbability(out, 1.0);
        ports[1].send(packet(0x30, 0x10, 1, 66));
        scheduler.runUntilIdle(10);

        assertTrue(hosts[3].packets.isEmpty());
        assertEquals(1, sw.forwarded());
        assertEquals(1, out.counters().droppedByFault());
        assertEquals(List.of(0L, 0L, 0L, 0L), perPort(sw::portXmitDiscards));
    }

    /**
     * IBA 16.1.3.5: a switch port counts every packet it takes from its link, dropped ones
     * included, and every packet it sends onto it; data in 4-octet words from the LRH through the
     * ICRC. Unicast and multicast apart, as PortCountersExtended has them.
     */
    @Test
    void shouldCountDataAndPacketsOnTheWayInAndOut() {
        sw.route(0x30, 3);
        sw.setMulticastRoute(0xC001, 2, 3);
        ports[1].send(packet(0x30, 0x10, 0, 1002));
        ports[1].send(packet(0x30, 0x10, 1, 66));
        ports[1].send(packet(0x31, 0x10, 2, 66)); // no route: received, not sent
        ports[1].send(packet(0xC001, 0x10, 3, 66)); // to ports 2 and 3
        scheduler.runUntilIdle(100);

        SwitchPortCounters in = sw.counters(1);
        assertEquals(4, in.get(SwitchPortCounters.Counter.RCV_PACKETS), in.toString());
        assertEquals((1000 + 64 * 3) / 4, in.get(SwitchPortCounters.Counter.RCV_DATA), in.toString());
        assertEquals(3, in.get(SwitchPortCounters.Counter.UNICAST_RCV_PACKETS), in.toString());
        assertEquals(1, in.get(SwitchPortCounters.Counter.MULTICAST_RCV_PACKETS), in.toString());
        assertEquals(0, in.get(SwitchPortCounters.Counter.XMIT_PACKETS), in.toString());
        SwitchPortCounters out = sw.counters(3);
        assertEquals(3, out.get(SwitchPortCounters.Counter.XMIT_PACKETS), out.toString());
        assertEquals((1000 + 64 * 2) / 4, out.get(SwitchPortCounters.Counter.XMIT_DATA), out.toString());
        assertEquals(2, out.get(SwitchPortCounters.Counter.UNICAST_XMIT_PACKETS), out.toString());
        assertEquals(1, out.get(SwitchPortCounters.Counter.MULTICAST_XMIT_PACKETS), out.toString());
        assertEquals(1, sw.counters(2).get(SwitchPortCounters.Counter.XMIT_PACKETS));
        assertEquals(0, sw.counters(2).get(SwitchPortCounters.Counter.RCV_PACKETS));
        assertEquals(1, in.get(SwitchPortCounters.Counter.RCV_SWITCH_RELAY_ERRORS));

        out.clear(SwitchPortCounters.Counter.XMIT_PACKETS);
        assertEquals(0, out.get(SwitchPortCounters.Counter.XMIT_PACKETS));
        assertEquals(2, out.get(SwitchPortCounters.Counter.UNICAST_XMIT_PACKETS), "cleared on its own");
    }

    /**
     * A packet queued at an output whose link goes down was counted sent when it was queued; it
     * is a discard instead, and comes off the data and packet counters (as an HCA port's do).
     * The link going down counts in LinkDownedCounter on both its ends.
     */
    @Test
    void shouldTakeAPacketThatNeverLeftOffTheSentCounters() {
        sw.route(0x30, 3);
        Link toH3 = sw.port(3).link();
        for (int i = 0; i < 10; i++) {
            ports[1].send(packet(0x30, 0x10, i, 1002));
        }
        fabric.faults().linkDown(toH3, 600);
        scheduler.runUntilIdle(10_000);

        SwitchPortCounters out = sw.counters(3);
        long discards = out.get(SwitchPortCounters.Counter.XMIT_DISCARDS);
        assertTrue(discards > 0, out.toString());
        assertEquals(10 - discards, out.get(SwitchPortCounters.Counter.XMIT_PACKETS), out.toString());
        assertEquals((10 - discards) * 1000 / 4, out.get(SwitchPortCounters.Counter.XMIT_DATA), out.toString());
        assertEquals(1, out.get(SwitchPortCounters.Counter.LINK_DOWNED), out.toString());
        assertEquals(0, sw.counters(1).get(SwitchPortCounters.Counter.LINK_DOWNED));
        assertEquals(discards, out.get(SwitchPortCounters.Counter.INACTIVE_DISCARDS), "PortInactiveDiscards");
        assertEquals(0, out.get(SwitchPortCounters.Counter.NEIGHBOR_MTU_DISCARDS));
    }

    /**
     * IBA 16.1.4.3: an output whose link takes 512 bytes (its peer's MTUCap, the smaller) sends a
     * packet of 512 bytes of payload and discards one of 516, counting it in PortXmitDiscards and
     * PortNeighborMTUDiscards; a port whose link takes 4096 sends it.
     */
    @Test
    void shouldDiscardAtAnOutputWhatIsLongerThanItsLinksMtu() {
        Recorder small = new Recorder(scheduler);
        FabricPort port = fabric.addEndpointPort("h4", 1, small, 2);
        fabric.connectWithLatency(port, sw.port(4), LinkWidth.WIDTH_4X, LinkSpeed.EDR, 0);
        assertEquals(2, sw.port(4).neighborMtu());
        assertEquals(2, port.neighborMtu());
        assertEquals(FabricPort.MTU_4096, sw.port(3).neighborMtu());
        sw.route(0x40, 4);
        sw.route(0x30, 3);
        // LRH, a BTH of opcode 0 (no extended header) and pad 0, payload, ICRC, VCRC.
        int headers = Lrh.HEADER_LENGTH + 12 + 4 + Vcrc.LENGTH;
        ports[1].send(packet(0x40, 0x10, 1, headers + 512));
        ports[1].send(packet(0x40, 0x10, 2, headers + 516));
        ports[1].send(packet(0x30, 0x10, 3, headers + 516));
        scheduler.runUntilIdle(100);

        assertEquals(List.of(1), small.seqs());
        assertEquals(List.of(3), hosts[3].seqs());
        SwitchPortCounters out = sw.counters(4);
        assertEquals(1, out.get(SwitchPortCounters.Counter.NEIGHBOR_MTU_DISCARDS), out.toString());
        assertEquals(1, out.get(SwitchPortCounters.Counter.XMIT_DISCARDS), out.toString());
        assertEquals(1, out.get(SwitchPortCounters.Counter.XMIT_PACKETS), "only the one sent: " + out);
        assertEquals(0, out.get(SwitchPortCounters.Counter.INACTIVE_DISCARDS), out.toString());
        assertEquals(0, sw.counters(3).get(SwitchPortCounters.Counter.XMIT_DISCARDS));
        // At the boundary the headers decide: an extended header (RDMA WRITE First's RETH), a
        // pad, a GRH; a raw packet's payload is all after its LRH; multicast copies are checked
        // too, each at its own output.
        ports[1].send(transport(0x40, Lrh.LNH_IBA_LOCAL, 0x06, 16, 512, 0));
        ports[1].send(transport(0x40, Lrh.LNH_IBA_LOCAL, 0x06, 16, 510, 2));
        ports[1].send(transport(0x40, Lrh.LNH_IBA_LOCAL, 0x06, 16, 514, 2));
        ports[1].send(transport(0x40, Lrh.LNH_IBA_GLOBAL, 0x04, 0, 512, 0));
        ports[1].send(transport(0x40, Lrh.LNH_IBA_GLOBAL, 0x04, 0, 516, 0));
        ports[1].send(transport(0x40, Lrh.LNH_RAW, 0, 0, 512, 0));
        ports[1].send(transport(0x40, Lrh.LNH_RAW, 0, 0, 516, 0));
        sw.setMulticastRoute(0xC001, 3, 4);
        ports[1].send(transport(0xC001, Lrh.LNH_IBA_LOCAL, 0x04, 0, 516, 0));
        scheduler.runUntilIdle(1000);
        assertEquals(1 + 4, small.packets.size(), "the five that fit: " + small.packets.size());
        assertEquals(1 + 4, out.get(SwitchPortCounters.Counter.NEIGHBOR_MTU_DISCARDS), out.toString());
        assertEquals(2, hosts[3].packets.size(), "the 516-byte copy to the 4096-byte link too");
        assertThrows(IllegalArgumentException.class, () -> fabric.addEndpointPort("h5", 1, small, 6));
        assertThrows(IllegalArgumentException.class, () -> fabric.addEndpointPort("h5", 1, small, 0));
        assertThrows(IllegalArgumentException.class, () -> fabric.addSwitch("sw1", 4, 50, 6));
        assertEquals(4, fabric.addSwitch("sw1", 4, 50, 4).port(2).mtuCap(), "the refused switch took no name");
    }

    /**
     * A packet to {@code dlid} of {@code lnh}, the opcode byte {@code opcode} (for a transport
     * packet: its BTH, a GRH before it when global) followed by {@code ext} bytes of extended
     * headers, {@code payload} bytes, {@code pad} and an ICRC; a raw one is LRH, payload, VCRC.
     */
    private static byte[] transport(int dlid, int lnh, int opcode, int ext, int payload, int pad) {
        int headers = lnh == Lrh.LNH_RAW ? Lrh.HEADER_LENGTH
                : Lrh.HEADER_LENGTH + (lnh == Lrh.LNH_IBA_GLOBAL ? 40 : 0) + 12 + ext;
        int trailer = lnh == Lrh.LNH_RAW ? Vcrc.LENGTH : 4 + Vcrc.LENGTH;
        byte[] p = packet(dlid, 0x10, 0, headers + payload + pad + trailer);
        new Lrh().wrap(p, 0).lnh(lnh);
        if (lnh != Lrh.LNH_RAW) {
            int bth = lnh == Lrh.LNH_IBA_GLOBAL ? Lrh.HEADER_LENGTH + 40 : Lrh.HEADER_LENGTH;
            p[bth] = (byte) opcode;
            p[bth + 1] = (byte) (pad << 4);
        }
        Vcrc.put(p, p.length - Vcrc.LENGTH, Vcrc.compute(p, 0, p.length - Vcrc.LENGTH));
        return p;
    }

    /**
     * What the switch's own agents send from port 0 goes by the LFT, and not above a
     * LinearFDBTop an SM wrote, as ibsim's switch_lookup routes a response.
     */
    @Test
    void shouldSendFromPort0NothingAboveTheLinearFdbTop() {
        sw.route(0x30, 3);
        sw.setFdbTops(0x2f, -1);
        sw.sendFromPort0(packet(0x30, 0x100, 1, 102), org.ibmodel.sim.wire.Crcs.State.UNVERIFIED);
        scheduler.runUntilIdle(100);
        assertTrue(hosts[3].packets.isEmpty(), "above the top");
        assertEquals(1, sw.droppedNoRoute());
        sw.setFdbTops(0x30, -1);
        sw.sendFromPort0(packet(0x30, 0x100, 2, 102), org.ibmodel.sim.wire.Crcs.State.UNVERIFIED);
        scheduler.runUntilIdle(100);
        assertEquals(List.of(2), hosts[3].seqs());
    }

    // Ports 1 to 4.
    private static List<Long> perPort(java.util.function.IntToLongFunction counter) {
        List<Long> l = new ArrayList<>();
        for (int p = 1; p <= 4; p++) {
            l.add(counter.applyAsLong(p));
        }
        return l;
    }

    // The LRH changed after the packet was built and its VCRC made right again, so that only the
    // LRH checks can catch it.
    private static byte[] withLrh(byte[] p, Consumer<Lrh> change) {
        change.accept(new Lrh().wrap(p, 0));
        Vcrc.put(p, p.length - Vcrc.LENGTH, Vcrc.compute(p, 0, p.length - Vcrc.LENGTH));
        return p;
    }

    private void assertDroppedAsMalformedWhileAWellFormedOneGoesThrough(byte[] bad) {
        sw.route(0x30, 3);
        ports[1].send(bad);
        ports[1].send(packet(0x30, 0x10, 2, 66));
        scheduler.runUntilIdle(10);

        assertEquals(1, sw.droppedMalformed());
        assertEquals(List.of(1L, 0L, 0L, 0L), perPort(sw::portRcvErrors), "a receive error of the port it came in by");
        assertEquals(0, sw.droppedBadVcrc(), "its VCRC is right");
        assertEquals(0, sw.droppedNoRoute());
        assertEquals(1, sw.forwarded(), "the well-formed one only");
        assertEquals(List.of(2), hosts[3].seqs());
        assertTrue(hosts[1].packets.isEmpty() && hosts[2].packets.isEmpty());
    }

    @Test
    void shouldDropAnLverOtherThanZeroAsMalformed() {
        assertDroppedAsMalformedWhileAWellFormedOneGoesThrough(
                withLrh(packet(0x30, 0x10, 1, 66), lrh -> lrh.lver(1)));
    }

    @Test
    void shouldDropAPktLenSayingMoreThanArrivedAsMalformed() {
        assertDroppedAsMalformedWhileAWellFormedOneGoesThrough(
                withLrh(packet(0x30, 0x10, 1, 66), lrh -> lrh.pktLen(lrh.pktLen() + 1)));
    }

    @Test
    void shouldDropAPktLenSayingLessThanArrivedAsMalformed() {
        assertDroppedAsMalformedWhileAWellFormedOneGoesThrough(
                withLrh(packet(0x30, 0x10, 1, 66), lrh -> lrh.pktLen(lrh.pktLen() - 1)));
    }

    @Test
    void shouldCountAnLverFlippedOnTheWayInAsABadVcrcNotAsMalformed() {
        sw.route(0x30, 3);
        byte[] p = packet(0x30, 0x10, 1, 66);
        new Lrh().wrap(p, 0).lver(1);
        ports[1].send(p);
        scheduler.runUntilIdle(10);

        assertEquals(1, sw.droppedBadVcrc());
        assertEquals(0, sw.droppedMalformed(), "the VCRC is checked first");
        assertEquals(0, sw.forwarded());
    }

    @Test
    void shouldDeliverToManagementPortForPortZeroEntry() {
        sw.route(0x5, 0);
        ports[2].send(packet(0x5, 0x20, 0, 66));
        scheduler.runUntilIdle(10);
        assertEquals(1, sw.droppedAtPort0(), "no management sink yet");
        // IBA 16.1.3.5: relay errors are for no route, a bad VL or a loop, not a packet delivered.
        assertEquals(0, sw.droppedNoRoute());
        assertEquals(0, sw.portRcvSwitchRelayErrors(2));

        List<Integer> atPort0 = new ArrayList<>();
        sw.managementSink((port, p) -> atPort0.add(port.portNum()));
        ports[2].send(packet(0x5, 0x20, 1, 66));
        scheduler.runUntilIdle(10);

        assertEquals(List.of(0), atPort0);
    }

    /** An agent unplugged while a packet for it crosses the switch: the packet is dropped and counted. */
    @Test
    void shouldDropAPacketForPort0WhoseAgentWentAwayOnTheWay() {
        sw.route(0x5, 0);
        List<Integer> atPort0 = new ArrayList<>();
        sw.managementSink((port, p) -> atPort0.add(port.portNum()));
        ports[2].send(packet(0x5, 0x20, 0, 66));
        // In the crossbar (in at about 6 ns, out 50 ns later) when the agent goes.
        scheduler.runUntil(scheduler.now() + 30);
        sw.managementSink(null);
        scheduler.runUntilIdle(10);

        assertTrue(atPort0.isEmpty());
        assertEquals(1, sw.droppedAtPort0());
    }

    /**
     * A directed-route SMP carries the permissive DLID, and every switch on its path takes it in at
     * its own management port (drivers/infiniband/core/smi.c smi_handle_dr_smp_recv
     * runs on a switch's port 0), whatever the LFT says.
     */
    @Test
    void shouldTakeThePermissiveLidInAtTheManagementPort() {
        ports[1].send(packet(0xFFFF, 0xFFFF, 0, 66));
        scheduler.runUntilIdle(10);
        assertEquals(1, sw.droppedAtPort0(), "no management sink");
        assertEquals(0, sw.portRcvSwitchRelayErrors(1));

        List<Integer> atPort0 = new ArrayList<>();
        sw.managementSink((port, p) -> atPort0.add(TestPackets.seq(p)));
        sw.route(0x30, 3);
        ports[1].send(packet(0xFFFF, 0xFFFF, 1, 66));
        scheduler.runUntilIdle(10);

        assertEquals(List.of(1), atPort0);
        assertEquals(1, sw.forwarded());
        for (int h = 1; h <= 3; h++) {
            assertTrue(hosts[h].packets.isEmpty(), "host " + h);
        }
    }

    @Test
    void shouldGrowLftInBlocksAndReportTop() {
        assertEquals(-1, sw.linearFdbTop());
        assertEquals(Switch.NO_ROUTE, sw.route(0x100));

        sw.route(0x100, 2);
        sw.route(0x7, 1);

        assertEquals(0x100, sw.linearFdbTop());
        assertEquals(2, sw.route(0x100));
        assertEquals(Switch.NO_ROUTE, sw.route(0x101));
        assertEquals(Switch.NO_ROUTE, sw.route(0x13F));
        sw.clearRoutes();
        assertEquals(Switch.NO_ROUTE, sw.route(0x7));
    }

    @Test
    void shouldCopyAMulticastPacketToEveryPortOfItsEntryButTheOneItCameIn() {
        sw.setMulticastRoute(0xC001, 1, 2, 3);
        assertEquals(List.of(1, 2, 3), Arrays.stream(sw.multicastRoute(0xC001)).boxed().toList());

        ports[1].send(packet(0xC001, 0x10, 7, 1002));
        scheduler.runUntilIdle(100);

        assertTrue(hosts[1].packets.isEmpty(), "not back to the sender's port");
        assertEquals(List.of(7), hosts[2].seqs());
        assertEquals(List.of(7), hosts[3].seqs());
        assertTrue(hosts[2].packets.get(0) != hosts[3].packets.get(0), "each port its own copy");
        assertEquals(Arrays.toString(hosts[2].packets.get(0)), Arrays.toString(hosts[3].packets.get(0)));
        assertEquals(2, sw.forwarded());
        assertEquals(0, sw.droppedNoRoute());
    }

    /**
     * MFT entries of a switch wider than 64 ports span several 64-bit words of port mask, and an
     * MLID far from 0xC000 grows the table past its first block.
     */
    @Test
    void shouldReplicateToPortsBeyondTheFirst64() {
        Scheduler sched = new Scheduler(5);
        Fabric wide = new Fabric(sched);
        Switch big = wide.addSwitch("big", 130, 50);
        int[] at = {1, 63, 64, 100, 129};
        Recorder[] rec = new Recorder[at.length];
        FabricPort[] eps = new FabricPort[at.length];
        for (int i = 0; i < at.length; i++) {
            rec[i] = new Recorder(sched);
            eps[i] = wide.addEndpointPort("e" + at[i], 1, rec[i]);
            wide.connectWithLatency(eps[i], big.port(at[i]), LinkWidth.WIDTH_4X, LinkSpeed.EDR, 0);
        }
        int mlid = 0xC000 + 700;
        big.setMulticastRoute(mlid, 129, 64, 1, 100, 63);
        assertEquals(List.of(1, 63, 64, 100, 129), Arrays.stream(big.multicastRoute(mlid)).boxed().toList());
        assertEquals(0, big.multicastRoute(0xC000 + 699).length, "its neighbour has no entry");

        eps[3].send(packet(mlid, 0x10, 5, 66));
        sched.runUntilIdle(100);
        for (int i = 0; i < at.length; i++) {
            assertEquals(at[i] == 100 ? List.of() : List.of(5), rec[i].seqs(), "port " + at[i]);
        }
        assertEquals(4, big.forwarded());
    }

    @Test
    void shouldDropAMulticastPacketWithNoEntryOrNoOtherPort() {
        sw.setMulticastRoute(0xC002, 2);
        ports[2].send(packet(0xC002, 0x20, 1, 66));
        ports[1].send(packet(0xC003, 0x10, 2, 66));
        scheduler.runUntilIdle(100);
        assertEquals(2, sw.droppedNoRoute());
        for (int h = 1; h <= 3; h++) {
            assertTrue(hosts[h].packets.isEmpty(), "host " + h);
        }
        sw.setMulticastRoute(0xC002);
        assertEquals(0, sw.multicastRoute(0xC002).length, "no ports clears the entry");
    }

    @Test
    void shouldRejectBadMftEntries() {
        assertThrows(IllegalArgumentException.class, () -> sw.setMulticastRoute(0xBFFF, 1));
        assertThrows(IllegalArgumentException.class, () -> sw.setMulticastRoute(0xFFFF, 1));
        assertThrows(IllegalArgumentException.class, () -> sw.setMulticastRoute(0xC000, 0));
        assertThrows(IllegalArgumentException.class, () -> sw.setMulticastRoute(0xC000, 9));
    }

    @Test
    void shouldRejectBadLftEntries() {
        assertThrows(IllegalArgumentException.class, () -> sw.route(0x10, 9));
        assertThrows(IllegalArgumentException.class, () -> sw.route(0, 1));
        assertThrows(IllegalArgumentException.class, () -> sw.route(0xC000, 1));
        assertThrows(IllegalArgumentException.class, () -> fabric.addSwitch("big", 255));
        assertThrows(IllegalArgumentException.class,
                () -> fabric.connect(sw.port(0), sw.port(8), LinkWidth.WIDTH_1X, LinkSpeed.SDR, 1));
    }
}
