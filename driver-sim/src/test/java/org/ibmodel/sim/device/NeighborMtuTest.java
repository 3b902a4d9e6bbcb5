// IBA 14.2.5.6 (PortInfo MTUCap, NeighborMTU), 16.1.4.3 (PortXmitDiscardDetails); OpenSM's
// osm_physp_calc_link_mtu sets each link's NeighborMTU to the smaller MTUCap of its two ends
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.PortAttr;
import org.ibmodel.core.PortCounters;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.sim.fabric.Fabric;
import org.ibmodel.sim.fabric.FabricPort;
import org.ibmodel.sim.fabric.LinkSpeed;
import org.ibmodel.sim.fabric.LinkWidth;
import org.ibmodel.sim.fabric.Switch;
import org.ibmodel.sim.fabric.SwitchPortCounters;
import org.ibmodel.sim.fabric.SwitchPortCounters.Counter;
import org.ibmodel.sim.sched.Scheduler;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;

/**
 * A link runs at the smaller MTU of its two ends, and a port sends no payload longer than that:
 * an older HCA (MTUCap 2048) or switch among 4096-byte ones. A connection whose path MTU is
 * larger than a link on its path loses every packet longer than the link's MTU, the symptom
 * being a retry-exceeded completion and PortXmitDiscards at the port that discarded them.
 */
class NeighborMtuTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 29);
    private static final int MTU_2048 = 4;
    private static final int MTU_4096 = FabricPort.MTU_4096;
    /** Three attempts of each packet: the first and retry_cnt 2 resends. */
    private static final int RETRY_CNT = 2;

    private static String at(String what) {
        return what + "\nreplay: mvn -B -pl driver-sim -am verify -Dtest=NeighborMtuTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=" + SEED;
    }

    private static PortAttr port(World w, int host) {
        PortAttr a = new PortAttr();
        assertEquals(0, w.host(host).driver(0).device().queryPort(1, a));
        return a;
    }

    private static TransportPair.Conn conn(Mtu mtu) {
        return TransportPair.Conn.standard(mtu).retries(RETRY_CNT, 7);
    }

    private static long hcaXmitDiscards(TransportPair.Side s) {
        return PortCounters.query(s.dev, 1).get().portXmitDiscards();
    }

    @Test
    void shouldReportEachLinksSmallerMtuCapAsTheActiveMtu() {
        try (World w = World.withMtuCaps(SEED, MTU_4096, MTU_4096, MTU_2048)) {
            assertEquals(Mtu.MTU_4096, port(w, 0).activeMtu);
            assertEquals(Mtu.MTU_4096, port(w, 0).maxMtu);
            assertEquals(Mtu.MTU_2048, port(w, 1).activeMtu, at("the older HCA's link"));
            assertEquals(Mtu.MTU_2048, port(w, 1).maxMtu, at("its MTUCap"));
            Switch sw = w.fabric().switches().get(0);
            assertEquals(MTU_4096, sw.port(1).neighborMtu());
            assertEquals(MTU_2048, sw.port(2).neighborMtu(), at("the switch's end of the older HCA's link"));
        }
        try (World w = World.withMtuCaps(SEED, MTU_2048, MTU_4096, MTU_4096)) {
            for (int h = 0; h < 2; h++) {
                assertEquals(Mtu.MTU_2048, port(w, h).activeMtu, at("an older switch: host " + h));
                assertEquals(Mtu.MTU_4096, port(w, h).maxMtu, at("host " + h + "'s own MTUCap"));
            }
        }
    }

    /**
     * A port never runs above its own MTUCap: an HCA of MTUCap 2048 cabled through a fabric port
     * that was told 4096 (as a hand-built fabric may) still reports and sends at 2048.
     */
    @Test
    void shouldKeepTheActiveMtuWithinThePortsOwnCap() {
        Scheduler scheduler = new Scheduler(SEED);
        Transport transport = new Transport(scheduler, "raw");
        Hca hca = new Hca("0000:01:00.0", new HostMemory(), scheduler, (label, h) -> h,
                DevCaps.standard(0x0002_c903_0000_0200L).withMaxMtu(MTU_2048), transport);
        transport.bind(hca);
        Fabric f = new Fabric(scheduler);
        FabricPort mine = f.addEndpointPort("raw-hca0", 1, transport.sink(1));
        FabricPort peer = f.addEndpointPort("peer", 1, (port, packet) -> port.pool().give(packet));
        f.connect(mine, peer, LinkWidth.WIDTH_4X, LinkSpeed.EDR, 1.0);
        transport.attach(1, mine);
        assertEquals(MTU_4096, mine.neighborMtu(), at("what the fabric port was told"));
        assertEquals(MTU_2048, hca.firmware().port(1).activeMtu(), at("the HCA's own MTUCap"));
    }

    /**
     * A QP told a path MTU of 4096 towards a host whose link takes 2048: a SEND of 2048 bytes
     * fits every link; one of 3000 bytes is one packet the switch discards at the older host's
     * port, each time it is sent, and the requester gives up.
     */
    @Test
    void shouldLoseAtTheSwitchWhatIsLongerThanTheFarLinksMtu() {
        try (World w = World.withMtuCaps(SEED, MTU_4096, MTU_4096, MTU_2048);
                TransportPair p = new TransportPair(w, 0, 1, QpType.RC, conn(Mtu.MTU_2048))) {
            p.reconnectA(conn(Mtu.MTU_4096));
            p.b.postRecv(10, 0, 4096);
            p.b.postRecv(11, 4096, 4096);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 2048)));
            p.settle();
            assertEquals(WcStatus.SUCCESS, p.a.poll().get(0).status, at("2048 bytes fit the older link"));
            assertEquals(2048, p.b.poll().get(0).byteLen);

            p.a.postSend(new SendWr().wrId(2).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 3000)));
            p.settle();
            List<Wc> wcs = p.a.poll();
            assertEquals(WcStatus.RETRY_EXC_ERR, wcs.get(0).status, at("3000 bytes never arrive: " + wcs));
            assertEquals(List.of(), p.b.poll(), at("the older host received nothing"));
            SwitchPortCounters towardB = w.fabric().switches().get(0).counters(2);
            assertEquals(RETRY_CNT + 1, towardB.get(Counter.NEIGHBOR_MTU_DISCARDS), at("each attempt discarded"));
            assertEquals(RETRY_CNT + 1, towardB.get(Counter.XMIT_DISCARDS), at("PortXmitDiscards"));
            assertEquals(0, towardB.get(Counter.INACTIVE_DISCARDS), at("the port was active"));
            assertEquals(0, hcaXmitDiscards(p.a), at("h0's own link takes 4096"));
        }
    }

    /** At the older link's MTU on both ends a megabyte WRITE goes through, nothing discarded. */
    @Test
    void shouldCarryAMegabyteAtTheSmallerMtu() {
        try (World w = World.withMtuCaps(SEED, MTU_4096, MTU_4096, MTU_2048);
                TransportPair p = new TransportPair(w, 0, 1, QpType.RC, conn(Mtu.MTU_2048))) {
            byte[] data = TransportPair.pattern(7, 1 << 20);
            p.a.fill(0, data);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, data.length))
                    .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()));
            p.settle();
            assertEquals(WcStatus.SUCCESS, p.a.poll().get(0).status);
            assertArrayEquals(data, p.b.read(TransportPair.TARGET, data.length));
            assertEquals(0, w.fabric().switches().get(0).counters(2).get(Counter.XMIT_DISCARDS));
        }
    }

    /**
     * Behind an older switch both HCAs' links take 2048 bytes: a QP told 4096 (which the HCA
     * itself takes) loses its 3000-byte packets at its own port, counted in its PortXmitDiscards;
     * a 3000-byte UD datagram is longer than the port's MTU and is not sent at all (IBA
     * C10-93.1.1), while a 2048-byte one arrives.
     */
    @Test
    void shouldDiscardAtTheHcaPortWhatIsLongerThanItsLink() {
        try (World w = World.withMtuCaps(SEED, MTU_2048, MTU_4096, MTU_4096)) {
            try (TransportPair p = new TransportPair(w, 0, 1, QpType.RC, conn(Mtu.MTU_4096))) {
                p.b.postRecv(10, 0, 4096);
                PortCounters before = PortCounters.query(p.a.dev, 1).get();
                p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 3000)));
                p.settle();
                assertEquals(WcStatus.RETRY_EXC_ERR, p.a.poll().get(0).status, at("nothing leaves h0"));
                assertEquals(RETRY_CNT + 1, hcaXmitDiscards(p.a), at("h0's port discarded each attempt"));
                PortCounters after = PortCounters.query(p.a.dev, 1).get();
                assertEquals(before.portXmitPackets(), after.portXmitPackets(), at("a discard is not a packet sent"));
                assertEquals(before.portXmitData(), after.portXmitData(), at("nor data sent"));
                assertEquals(0, w.fabric().switches().get(0).counters(1).get(Counter.RCV_PACKETS),
                        at("nothing reached the switch"));
            }
        }
        try (World w = World.withMtuCaps(SEED, MTU_2048, MTU_4096, MTU_4096);
                TransportPair p = new TransportPair(w, 0, 1, QpType.UD, conn(Mtu.MTU_4096))) {
            p.b.postRecv(10, 0, 4096 + 40);
            p.b.postRecv(11, 8192, 4096 + 40);
            Ah toB = Ah.create(p.a.pd, AhAttr.lid(1, w.lid(1))).get();
            for (int len : new int[] {3000, 2048}) {
                p.a.postSend(new SendWr().wrId(len).opcode(WrOpcode.SEND).sgList(p.a.sge(0, len))
                        .ah(toB).remoteQpn(p.b.qp.qpNum()).remoteQkey(TransportPair.QKEY));
            }
            p.settle();
            List<Wc> sent = p.a.poll();
            assertEquals(2, sent.size(), at("both datagrams complete: " + sent));
            assertEquals(WcStatus.SUCCESS, sent.get(0).status, at("an oversized datagram is no error"));
            List<Wc> got = p.b.poll();
            assertEquals(1, got.size(), at("only the 2048-byte datagram arrives: " + got));
            assertEquals(2048 + 40, got.get(0).byteLen);
            assertEquals(0, hcaXmitDiscards(p.a), at("the requester sent no packet for it"));
        }
    }
}
