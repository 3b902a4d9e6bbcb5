// docs/HCA.md §3.12: the firmware's PortCounters, read as ib_core's sysfs reads them
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.MadResult;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.PortCounters;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.fabric.Link;
import org.ibmodel.sim.fabric.LinkCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a port's PortCounters say after traffic, link trouble and corruption, checked against
 * what the cable itself counted; and Set clearing only the counters it selects.
 */
@ExtendWith(ReplayOnFailure.class)
class PortCountersTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 7);

    private static String at(String what) {
        return ReplayOnFailure.at("PortCountersTest", SEED, what);
    }

    /** An RC pair at MTU 1024 once a SEND of 4 KiB from a to b has completed. */
    private static TransportPair afterOneSend() {
        TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024));
        p.b.postRecv(1, TransportPair.TARGET, 4096);
        p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 4096)));
        p.settle();
        return p;
    }

    private static PortCounters counters(TransportPair.Side s) {
        return PortCounters.query(s.dev, 1).get();
    }

    @Test
    void shouldCountWhatTheCableCarriedEachWay() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_2048))) {
            p.a.fill(0, TransportPair.pattern(1, 70_000));
            p.b.postRecv(1, TransportPair.TARGET, 10_000);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 10_000)),
                    new SendWr().wrId(2).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, 65_536))
                            .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()),
                    new SendWr().wrId(3).opcode(WrOpcode.RDMA_READ).sgList(p.a.sge(0, 8_192))
                            .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()));
            p.settle();
            assertEquals(3, p.a.poll().size(), at("every WR completed"));
            // The HCA port is end A of its cable, the switch end B.
            LinkCounters out = p.world.link(0).counters(Link.Direction.A_TO_B);
            LinkCounters in = p.world.link(0).counters(Link.Direction.B_TO_A);
            PortCounters c = counters(p.a);
            assertEquals(out.packetsSent(), c.portXmitPackets(), at("sent: " + c));
            // Each packet's octets from the LRH to the ICRC, a multiple of 4: all but its VCRC.
            long vcrcs = org.ibmodel.sim.wire.Vcrc.LENGTH;
            assertEquals((out.bytesSent() - vcrcs * out.packetsSent()) / 4, c.portXmitData(), at("words: " + c));
            assertEquals(in.packetsDelivered(), c.portRcvPackets(), at("received: " + c));
            assertEquals((in.bytesDelivered() - vcrcs * in.packetsDelivered()) / 4, c.portRcvData(),
                    at("received words: " + c));
            // 5 SEND packets, 32 WRITE packets, 1 READ request; 4 READ responses and ACKs back.
            assertEquals(38, c.portXmitPackets(), at(c.toString()));
            assertTrue(c.portRcvPackets() >= 5, at(c.toString()));
            assertEquals(0, c.portRcvErrors() + c.portXmitDiscards() + c.linkDowned(), at("no trouble: " + c));
            PortCounters b = counters(p.b);
            assertEquals(c.portXmitPackets(), b.portRcvPackets(), at("a clean fabric: what a sent, b got"));
        }
    }

    /**
     * IBA 16.1.3.5 PortXmitData and PortRcvData: the octets between the start-of-packet delimiter
     * and the VCRC, neither included, divided by 4; LRH:PktLen counts the same words (IBA 7.7.8).
     */
    @Test
    void shouldCountDataWordsFromTheLrhToTheIcrc() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            HcaPort port = p.a.host.hca(0).firmware().port(1);
            PortCounters before = counters(p.a);
            // Two packets of 40 octets LRH through ICRC, each with its 2-octet VCRC.
            port.transmit(42, false, false);
            port.transmit(42, false, false);
            port.received(42, false);
            port.received(42, false);
            PortCounters c = counters(p.a);
            assertEquals(20, c.portXmitData() - before.portXmitData(), at(c.toString()));
            assertEquals(20, c.portRcvData() - before.portRcvData(), at(c.toString()));
        }
    }

    @Test
    void shouldClearOnlyTheCountersASetSelects() {
        try (TransportPair p = afterOneSend()) {
            PortCounters before = counters(p.a);
            byte[] set = new byte[MadResult.MAD_SIZE];
            set[0] = 1;
            set[1] = 0x04;
            set[2] = 1;
            set[3] = 0x02;
            set[17] = 0x12;
            set[64 + 1] = 1;
            // IB_PMA_SEL_PORT_XMIT_DATA | IB_PMA_SEL_PORT_XMIT_PACKETS
            set[64 + 2] = 0x50;
            byte[] reply = new byte[MadResult.MAD_SIZE];
            assertEquals(MadResult.SUCCESS | MadResult.REPLY, p.a.dev.processMad(MadResult.IGNORE_MKEY, 1, null, set, reply));
            PortCounters after = counters(p.a);
            assertEquals(0, after.portXmitData(), at(after.toString()));
            assertEquals(0, after.portXmitPackets(), at(after.toString()));
            assertEquals(before.portRcvPackets(), after.portRcvPackets(), at("not selected: kept"));
            assertEquals(before.portRcvData(), after.portRcvData(), at("not selected: kept"));
            assertTrue(before.portXmitPackets() > 0 && before.portRcvPackets() > 0, at(before.toString()));
        }
    }

    /** Each IB_PMA_SEL_* bit of a PortCounters Set clears its own counter and no other (IBA 16.1.3.5). */
    @Test
    void shouldClearEachCounterByItsOwnSelectBit() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            HcaPort port = p.a.host.hca(0).firmware().port(1);
            port.received(42, false);
            port.receiveError();
            port.vl15Dropped();
            port.link(false);
            assertFalse(port.transmit(42, false, false), at("a port whose link is down sends nothing"));
            port.link(true);
            java.util.function.Function<PortCounters, List<Long>> all = c -> List.of(c.linkDowned(),
                    c.portRcvErrors(), c.portXmitDiscards(), c.vl15Dropped(), c.portRcvData(), c.portRcvPackets());
            int[] bits = {HcaPort.SEL_LINK_DOWNED, HcaPort.SEL_RCV_ERRORS, HcaPort.SEL_XMIT_DISCARDS,
                HcaPort.SEL_VL15_DROPPED, HcaPort.SEL_RCV_DATA, HcaPort.SEL_RCV_PACKETS};
            List<Long> expected = new java.util.ArrayList<>(all.apply(counters(p.a)));
            assertTrue(expected.stream().allMatch(v -> v > 0), at("every counter counted: " + expected));
            for (int i = 0; i < bits.length; i++) {
                port.clearCounters(bits[i]);
                expected.set(i, 0L);
                assertEquals(expected, all.apply(counters(p.a)), at("select 0x" + Integer.toHexString(bits[i])));
            }
        }
    }

    @Test
    void shouldCountALinkGoingDownAndWhatCouldNotBeSentMeanwhile() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            p.world.link(0).changeState(Link.State.DOWN);
            p.b.postRecv(1, TransportPair.TARGET, 1024);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 1000)));
            p.world.runUntil(p.world.scheduler().now() + 1_000);
            p.world.link(0).changeState(Link.State.UP);
            p.settle();
            assertEquals(WcStatus.SUCCESS, p.a.poll().get(0).status, at("delivered once the link was back"));
            PortCounters c = counters(p.a);
            assertEquals(1, c.linkDowned(), at(c.toString()));
            assertTrue(c.portXmitDiscards() >= 1, at("the first try went nowhere: " + c));
        }
    }

    /**
     * IBA 16.1.3.5: packets a port has queued for its link when the link goes down never leave
     * it; they count in PortXmitDiscards, not in PortXmitPkts. Only those already on the wire
     * then are lost on the way. A 32-packet WRITE is cut off mid-burst.
     */
    @Test
    void shouldCountPacketsStillQueuedWhenTheLinkGoesDownAsDiscards() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            Link cable = p.world.link(0);
            Link.Direction out = cable.from(Link.Direction.A_TO_B).isSwitchPort() ? Link.Direction.B_TO_A
                    : Link.Direction.A_TO_B;
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, 32 * 1024))
                    .remoteAddr(p.b.buf).rkey(p.b.mr.rkey()));
            while (cable.inFlight(out) < 16) {
                assertTrue(p.world.runNext(), at("the WRITE's packets go"));
            }
            int queued = cable.inFlight(out);
            long handed = cable.counters(out).packetsSent();
            cable.changeState(Link.State.DOWN);
            PortCounters c = counters(p.a);
            assertEquals(queued, cable.counters(out).droppedLinkDown(), at(cable.counters(out).toString()));
            assertEquals(handed, c.portXmitPackets() + c.portXmitDiscards(), at("each counted once: " + c));
            assertTrue(c.portXmitDiscards() >= queued - 2 && c.portXmitDiscards() < queued,
                    at(queued + " queued, only those on the wire were sent: " + c));
        }
    }

    @Test
    void shouldCountCorruptedPacketsAsReceiveErrors() {
        try (TransportPair p = new TransportPair(SEED, QpType.UD, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            // Corrupt what reaches host a: the switch checks what it receives, so only a's own cable.
            p.world.fabric().faults().corruptProbability(p.world.link(0), 1.0);
            Ah ah = Ah.create(p.b.pd, AhAttr.lid(1, p.world.lid(0))).get();
            for (int i = 0; i < 5; i++) {
                assertTrue(p.b.qp.postSend(new SendWr().wrId(i).opcode(WrOpcode.SEND).sgList(p.b.sge(0, 100)).ah(ah)
                        .remoteQpn(p.a.qp.qpNum()).remoteQkey(TransportPair.QKEY)).ok());
            }
            p.settle();
            PortCounters c = counters(p.a);
            assertEquals(5, c.portRcvPackets(), at(c.toString()));
            assertEquals(5, c.portRcvErrors(), at("every one failed its CRCs: " + c));
        }
    }

    /**
     * IBA 16.1.3.5: PortRcvErrors counts local physical errors (ICRC, VCRC) and data packets
     * malformed at the link layer (LVer, length, VL); a packet the link layer took whole but whose
     * transport header the HCA refuses (here BTH:TVer 1) is dropped and not counted there.
     */
    @Test
    void shouldCountOnlyLinkLevelTroubleAsReceiveErrors() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            Transport victim = h.world.transport(HostilePeer.VICTIM);
            // BTH byte 1 (SE, M, PadCnt, TVer): TVer in its low four bits, after the 8-byte LRH.
            h.send(org.ibmodel.sim.wire.Opcode.RC_SEND_ONLY, HostilePeer.RQ_PSN, f -> f.raw = b -> b[9] |= 1);
            assertEquals(1L, victim.malformed().get("BAD_TVER"), at("the TVer 1 packet is dropped"));
            // An ACK with 4 bytes after its AETH, and a WRITE Only with no room for its RETH: a
            // transport header's length, not the link's (BTH byte 0, after the LRH, is the opcode).
            h.send(org.ibmodel.sim.wire.Opcode.RC_SEND_ONLY, HostilePeer.RQ_PSN, f -> {
                f.payload = new byte[8];
                f.raw = b -> b[8] = (byte) org.ibmodel.sim.wire.Opcode.RC_ACKNOWLEDGE.value();
            });
            h.send(org.ibmodel.sim.wire.Opcode.RC_SEND_ONLY, HostilePeer.RQ_PSN,
                    f -> f.raw = b -> b[8] = (byte) org.ibmodel.sim.wire.Opcode.RC_RDMA_WRITE_ONLY.value());
            assertEquals(1L, victim.malformed().get("BAD_HEADER_LENGTH"), at("the long ACK: " + victim.malformed()));
            assertEquals(1L, victim.malformed().get("SHORT_HEADERS"), at("the short WRITE: " + victim.malformed()));
            assertEquals(0, PortCounters.query(h.dev, 1).get().portRcvErrors(), at("not a receive error"));
            // (A packet malformed at the link layer, LVer say, goes no further than the switch;
            // shouldCountCorruptedPacketsAsReceiveErrors has the HCA count those it gets.)
        }
    }

    /**
     * Below 2^32 the PortCounters attribute's 32-bit data and packet fields (IBA 16.1.3.5) hold
     * what PortCountersExtended holds: data in 4-octet words, packets one by one.
     */
    @Test
    void shouldReportTheSameDataAndPacketsInThe32BitCounters() {
        try (TransportPair p = afterOneSend()) {
            PortCounters c = counters(p.a);
            byte[] out = perfGet(p.a, 0x0012);
            int d = Layout.Mad.DATA;
            assertEquals(c.portXmitData(), Layout.PortCounters.PORT_XMIT_DATA.get(out, d), at(c.toString()));
            assertEquals(c.portRcvData(), Layout.PortCounters.PORT_RCV_DATA.get(out, d), at(c.toString()));
            assertEquals(c.portXmitPackets(), Layout.PortCounters.PORT_XMIT_PACKETS.get(out, d), at(c.toString()));
            assertEquals(c.portRcvPackets(), Layout.PortCounters.PORT_RCV_PACKETS.get(out, d), at(c.toString()));
            assertTrue(c.portXmitPackets() >= 4 && c.portRcvPackets() >= 1, at(c.toString()));
        }
    }

    @Test
    void shouldReadDataAndPacketsFromTheExtendedCountersPastWhereThe32BitOnesStop() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            HcaPort port = p.a.host.hca(0).firmware().port(1);
            long before = counters(p.a).portXmitData();
            // 17 GiB sent: more octets / 4 than 32 bits hold.
            for (int i = 0; i < 17; i++) {
                port.transmit((1 << 30) + org.ibmodel.sim.wire.Vcrc.LENGTH, false, false);
            }
            PortCounters c = counters(p.a);
            assertTrue(c.extended(), at("ClassPortInfo has IB_PMA_CLASS_CAP_EXT_WIDTH"));
            assertEquals(before + (17L << 30) / 4, c.portXmitData(), at(c.toString()));
            byte[] out = perfGet(p.a, 0x0012);
            assertEquals(0xffff_ffffL, Layout.PortCounters.PORT_XMIT_DATA.get(out, Layout.Mad.DATA),
                    at("PortCounters' 32-bit field stops at its largest value"));
        }
    }

    @Test
    void shouldCountMulticastPacketsApartFromUnicastOnes() {
        try (org.ibmodel.sim.world.World w = org.ibmodel.sim.world.World.of(SEED, 2)) {
            w.joinMulticast(0xC001, 0, 1);
            MulticastTest.Node sender = new MulticastTest.Node(w, 0, 0x1234);
            MulticastTest.Node member = new MulticastTest.Node(w, 1, 0x1234);
            member.join(MulticastTest.mgid(9), 0xC001, 2);
            PortCounters s0 = PortCounters.query(sender.qp.device(), 1).get();
            PortCounters m0 = PortCounters.query(member.qp.device(), 1).get();
            sender.sendToGroup(MulticastTest.mgid(9), 0xC001, TransportPair.pattern(1, 64));
            sender.sendToGroup(MulticastTest.mgid(9), 0xC001, TransportPair.pattern(2, 64));
            // And one unicast datagram, so that the member has both kinds to tell apart.
            Ah unicast = Ah.create(sender.pd, AhAttr.lid(1, w.lid(1))).get();
            assertTrue(sender.qp.postSend(new SendWr().wrId(7).opcode(WrOpcode.SEND)
                    .sgList(new org.ibmodel.core.Sge(sender.buf + 60_000, 64, sender.mr.lkey())).ah(unicast)
                    .remoteQpn(member.qp.qpNum()).remoteQkey(0x1234)).ok());
            w.settle();
            PortCounters s = PortCounters.query(sender.qp.device(), 1).get();
            PortCounters m = PortCounters.query(member.qp.device(), 1).get();
            assertEquals(2, s.multicastXmitPackets() - s0.multicastXmitPackets(), at(s.toString()));
            assertEquals(1, s.unicastXmitPackets() - s0.unicastXmitPackets(), at("the one unicast datagram: " + s));
            assertEquals(1, m.unicastRcvPackets() - m0.unicastRcvPackets(), at(m.toString()));
            assertEquals(2, m.multicastRcvPackets() - m0.multicastRcvPackets(), at(m.toString()));
            assertEquals(m.portRcvPackets(), m.unicastRcvPackets() + m.multicastRcvPackets(), at("the parts add up"));
            // Each counter clears on its own (qib_mad.c pma_set_portcounters_ext): the multicast
            // one leaves the total and the unicast one, the total leaves both parts.
            perfSet(member.qp.device(), 0x001D, 0x0080);
            PortCounters cleared = PortCounters.query(member.qp.device(), 1).get();
            assertEquals(0, cleared.multicastRcvPackets(), at(cleared.toString()));
            assertEquals(m.unicastRcvPackets(), cleared.unicastRcvPackets(), at("unicast kept: " + cleared));
            assertEquals(m.portRcvPackets(), cleared.portRcvPackets(), at("total kept: " + cleared));
            assertEquals(m.portRcvData(), cleared.portRcvData(), at("data not selected: kept"));
            perfSet(member.qp.device(), 0x001D, 0x0008);
            PortCounters total = PortCounters.query(member.qp.device(), 1).get();
            assertEquals(0, total.portRcvPackets(), at(total.toString()));
            assertEquals(m.unicastRcvPackets(), total.unicastRcvPackets(), at("unicast kept: " + total));
            // PortCounters' PortRcvPkts is the same counter; the extended parts are not its.
            perfSet(sender.qp.device(), 0x0012, 0x4000);
            PortCounters sent = PortCounters.query(sender.qp.device(), 1).get();
            assertEquals(0, sent.portXmitPackets(), at(sent.toString()));
            assertEquals(s.multicastXmitPackets(), sent.multicastXmitPackets(), at("multicast kept: " + sent));
        }
    }

    private static void perfSet(org.ibmodel.core.IbDevice dev, int attr, int select) {
        byte[] in = new byte[MadResult.MAD_SIZE];
        in[0] = 1;
        in[1] = 0x04;
        in[2] = 1;
        in[3] = 0x02;
        in[16] = (byte) (attr >>> 8);
        in[17] = (byte) attr;
        in[64 + 1] = 1;
        in[64 + 2] = (byte) (select >>> 8);
        in[64 + 3] = (byte) select;
        assertEquals(MadResult.SUCCESS | MadResult.REPLY, dev.processMad(MadResult.IGNORE_MKEY, 1, null, in,
                new byte[MadResult.MAD_SIZE]));
    }

    /** The PerfMgt Get of {@code attr} for port 1 straight through process_mad, the reply MAD. */
    private static byte[] perfGet(TransportPair.Side side, int attr) {
        byte[] in = new byte[MadResult.MAD_SIZE];
        in[0] = 1;
        in[1] = 0x04;
        in[2] = 1;
        in[3] = 0x01;
        in[16] = (byte) (attr >>> 8);
        in[17] = (byte) attr;
        in[64 + 1] = 1;
        byte[] out = new byte[MadResult.MAD_SIZE];
        assertEquals(MadResult.SUCCESS | MadResult.REPLY, side.dev.processMad(MadResult.IGNORE_MKEY, 1, null, in, out));
        return out;
    }

    @Test
    void shouldRefuseAPortTheDeviceHasNot() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            assertEquals(Errno.EINVAL, PortCounters.query(p.a.dev, 2).errno());
        }
    }
}
