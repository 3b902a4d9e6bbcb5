// docs/HCA.md §3.7: what a port passes in each logical state (IBA 7.2, 14.2.5.6 PortState)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;

/**
 * A port passes packets as its logical state says (IBA 7.2): a DOWN port (not opened, or closed)
 * neither sends nor receives, even when the link on its cable is up.
 */
class PortStateTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 41);
    private static final int LEN = 100;

    private static HcaPort port(TransportPair.Side s) {
        return s.host.hca(0).firmware().port(1);
    }

    /** One UD SEND of {@link #LEN} bytes from a to b's QP. */
    private static void sendAToB(TransportPair p) {
        Ah ah = Ah.create(p.a.pd, new AhAttr(p.world.lid(1), 0, 0, 0, 1, null)).get();
        p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, LEN)).ah(ah)
                .remoteQpn(p.b.qp.qpNum()).remoteQkey(TransportPair.QKEY));
        p.settle();
    }

    /** CLOSE_PORT on port 1 of {@code s}, whose link then comes up again from the other end. */
    private static void closeWithLinkUp(TransportPair p, TransportPair.Side s) {
        assertEquals(0, s.host.driver(0).closePort(1));
        p.settle();
        Link cable = p.world.link(s.index);
        assertEquals(Link.State.DOWN, cable.state());
        assertTrue(cable.changeState(Link.State.UP));
        p.settle();
        assertEquals(HcaPort.DOWN, port(s).state(), "a closed port stays DOWN whatever its cable does");
    }

    private static long xmitDiscards(HcaPort port) {
        byte[] mad = new byte[Layout.Mad.SIZE];
        port.portCounters(mad, Layout.Mad.DATA);
        return Layout.PortCounters.PORT_XMIT_DISCARDS.get(mad, Layout.Mad.DATA);
    }

    @Test
    void shouldReceiveNothingOnAClosedPortWhoseLinkIsUp() {
        try (TransportPair p = new TransportPair(SEED, QpType.UD, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            p.b.postRecv(1, TransportPair.TARGET, LEN + 40);
            closeWithLinkUp(p, p.b);
            long received = port(p.b).rcvPackets();
            sendAToB(p);
            List<Wc> sent = p.a.poll();
            assertEquals(1, sent.size());
            assertEquals(WcStatus.SUCCESS, sent.get(0).status);
            assertEquals(List.of(), p.b.poll(), "a DOWN port takes nothing in");
            assertEquals(1, p.b.transport().dropped(Transport.Drop.PORT_STATE));
            assertEquals(received, port(p.b).rcvPackets(), "nor counts it: it has no link");
        }
    }

    @Test
    void shouldSendNothingFromAClosedPortWhoseLinkIsUp() {
        try (TransportPair p = new TransportPair(SEED, QpType.UD, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            p.b.postRecv(1, TransportPair.TARGET, LEN + 40);
            closeWithLinkUp(p, p.a);
            long discards = xmitDiscards(port(p.a));
            long onWire = p.world.link(0).counters(Link.Direction.A_TO_B).packetsSent();
            sendAToB(p);
            List<Wc> sent = p.a.poll();
            assertEquals(1, sent.size(), "a UD send completes though nothing left (qib_sdma.c)");
            assertEquals(WcStatus.SUCCESS, sent.get(0).status);
            assertEquals(onWire, p.world.link(0).counters(Link.Direction.A_TO_B).packetsSent(), "nothing on the cable");
            assertEquals(discards + 1, xmitDiscards(port(p.a)), "PortXmitDiscards");
            assertEquals(List.of(), p.b.poll());
        }
    }
}
