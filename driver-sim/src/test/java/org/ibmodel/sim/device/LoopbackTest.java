// The HCA's internal loopback: a packet for one of the sending port's own LIDs (rxe_net.c
// rxe_loopback, hfi1/ud.c ud_loopback, qib_ud.c qib_ud_loopback) never reaches the cable
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.fabric.Link;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;

/**
 * Two QPs of one port talking to each other: their packets go from the port's send side to its
 * receive side inside the HCA, so nothing crosses the cable or the switch, and a cable that is
 * down (the port still ACTIVE until the link change is seen) does not matter to them.
 */
class LoopbackTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 5);

    private static HcaPort port(World w) {
        return w.host(0).hca(0).firmware().port(1);
    }

    private static List<byte[]> tap(World w) {
        List<byte[]> seen = new ArrayList<>();
        w.fabric().addTap((t, link, dir, packet) -> seen.add(packet.clone()));
        return seen;
    }

    @Test
    void shouldCarryAnRcWriteBetweenTwoQpsOfOnePortInsideTheHca() {
        World w = World.of(SEED, 2);
        try (TransportPair p = new TransportPair(w, 0, 0, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            List<byte[]> seen = tap(w);
            long onCable = w.link(0).counters(Link.Direction.A_TO_B).packetsSent();
            long xmit = port(w).xmitPackets();
            long rcv = port(w).rcvPackets();
            byte[] data = TransportPair.pattern(9, 5000);
            p.a.fill(0, data);
            p.a.postSend(new SendWr().wrId(7).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, data.length))
                    .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()));
            p.settle();
            List<Wc> done = p.a.poll();
            assertEquals(1, done.size(), done.toString());
            assertEquals(WcStatus.SUCCESS, done.get(0).status);
            assertArrayEquals(data, p.b.read(TransportPair.TARGET, data.length));
            assertEquals(List.of(), seen, "no packet on any link");
            assertEquals(onCable, w.link(0).counters(Link.Direction.A_TO_B).packetsSent());
            assertEquals(xmit, port(w).xmitPackets(), "PortXmitPkts: nothing went out");
            assertEquals(rcv, port(w).rcvPackets(), "PortRcvPkts: nothing came in");
        }
    }

    @Test
    void shouldDeliverADatagramToAQpOfTheSamePortInsideTheHca() {
        World w = World.of(SEED, 2);
        try (TransportPair p = new TransportPair(w, 0, 0, QpType.UD, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            List<byte[]> seen = tap(w);
            p.b.postRecv(1, TransportPair.TARGET, 40 + 64);
            Ah ah = Ah.create(p.a.pd, new AhAttr(w.lid(0), 0, 0, 0, 1, null)).get();
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 64)).ah(ah)
                    .remoteQpn(p.b.qp.qpNum()).remoteQkey(TransportPair.QKEY));
            p.settle();
            List<Wc> got = p.b.poll();
            assertEquals(1, got.size(), got.toString());
            assertEquals(WcStatus.SUCCESS, got.get(0).status);
            assertEquals(p.a.qp.qpNum(), got.get(0).srcQp);
            assertEquals(List.of(), seen, "no packet on any link");
        }
    }
}
