// docs/HCA.md §3.12: the firmware's PortCounters, read as ib_core's sysfs reads them
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            assertEquals(out.bytesSent() / 4, c.portXmitData(), at("octets / 4: " + c));
            assertEquals(in.packetsDelivered(), c.portRcvPackets(), at("received: " + c));
            assertEquals(in.bytesDelivered() / 4, c.portRcvData(), at("received octets / 4: " + c));
            // 5 SEND packets, 32 WRITE packets, 1 READ request; 4 READ responses and ACKs back.
            assertEquals(38, c.portXmitPackets(), at(c.toString()));
            assertTrue(c.portRcvPackets() >= 5, at(c.toString()));
            assertEquals(0, c.portRcvErrors() + c.portXmitDiscards() + c.linkDowned(), at("no trouble: " + c));
            PortCounters b = counters(p.b);
            assertEquals(c.portXmitPackets(), b.portRcvPackets(), at("a clean fabric: what a sent, b got"));
        }
    }

    @Test
    void shouldClearOnlyTheCountersASetSelects() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            p.b.postRecv(1, TransportPair.TARGET, 4096);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 4096)));
            p.settle();
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

    @Test
    void shouldRefuseAPortTheDeviceHasNot() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            assertEquals(Errno.EINVAL, PortCounters.query(p.a.dev, 2).errno());
        }
    }
}
