// docs/HCA.md §3.7: what a port passes in each logical state (IBA 7.2, 14.2.5.6 PortState)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.fabric.Link;
import org.ibmodel.sim.wire.Crcs;
import org.ibmodel.sim.wire.Lrh;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;

/**
 * A port passes packets as its logical state says (IBA 7.2): a DOWN port (not opened, or closed)
 * neither sends nor receives, and a closed one takes its link down for its peer too; a port in INIT sends and
 * receives subnet management packets (VL15, QP0) only. What it may not send it discards, and the
 * QP goes on as if it had gone: a UD send completes, an RC QP retries until it gives up.
 */
class PortStateTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 41);
    /** An SMP: a MAD of 256 bytes (IBA 13.5.3.1). */
    private static final int LEN = 256;

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

    /**
     * CLOSE_PORT on port 1 of {@code s}: the port stops driving its link, which goes down for the
     * switch port at its other end too, and stays down whatever the cable does until INIT_PORT.
     */
    private static void close(TransportPair p, TransportPair.Side s) {
        assertEquals(0, s.host.driver(0).closePort(1));
        p.settle();
        Link cable = p.world.link(s.index);
        assertEquals(Link.State.DOWN, cable.state(), "the switch sees the link down");
        assertEquals(Link.State.UP, cable.cableState(), "though the cable is still plugged in");
        assertFalse(cable.changeState(Link.State.UP), "the cable was never pulled");
        assertEquals(HcaPort.PHYS_DISABLED, port(s).physState());
        assertEquals(HcaPort.DOWN, port(s).state());
    }

    private static long xmitDiscards(HcaPort port) {
        byte[] mad = new byte[Layout.Mad.SIZE];
        port.portCounters(mad, Layout.Mad.DATA);
        return Layout.PortCounters.PORT_XMIT_DISCARDS.get(mad, Layout.Mad.DATA);
    }

    @Test
    void shouldReceiveNothingOnAClosedPort() {
        try (TransportPair p = new TransportPair(SEED, QpType.UD, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            p.b.postRecv(1, TransportPair.TARGET, LEN + 40);
            List<byte[]> sent = new ArrayList<>();
            p.world.fabric().addTap((t, link, dir, packet) -> sent.add(packet.clone()));
            close(p, p.b);
            long received = port(p.b).rcvPackets();
            sendAToB(p);
            List<Wc> done = p.a.poll();
            assertEquals(1, done.size());
            assertEquals(WcStatus.SUCCESS, done.get(0).status);
            assertEquals(List.of(), p.b.poll(), "a closed port takes nothing in");
            assertEquals(1, p.world.link(p.b.index).counters(Link.Direction.B_TO_A).droppedLinkDown(),
                    "the switch sent it onto a link that is down");

            // The same datagram handed to the DOWN port as if straight off its cable: dropped.
            assertEquals(1, sent.size(), "only the hop to the switch: " + sent.size());
            p.b.transport().sink(1).receive(p.world.link(p.b.index).a(), sent.get(0), Crcs.State.UNVERIFIED);
            p.settle();
            assertEquals(List.of(), p.b.poll(), "a DOWN port takes nothing in");
            assertEquals(1, p.b.transport().dropped(Transport.Drop.PORT_STATE));
            assertEquals(received, port(p.b).rcvPackets(), "nor counts it: it has no link");
        }
    }

    @Test
    void shouldSendNothingFromAClosedPort() {
        try (TransportPair p = new TransportPair(SEED, QpType.UD, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            p.b.postRecv(1, TransportPair.TARGET, LEN + 40);
            close(p, p.a);
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

    /** The world's subnet manager takes port 1 of host {@code i} back to LID 0: INIT (§3.7). */
    private static HcaPort toInit(World w, int i) {
        HcaPort port = w.host(i).hca(0).firmware().port(1);
        port.smSet(0, 0, w.lid(0), 0);
        w.settle();
        assertEquals(HcaPort.INIT, port.state());
        return port;
    }

    private static long sentOnCable(World w, int i) {
        return w.link(i).counters(Link.Direction.A_TO_B).packetsSent();
    }

    @Test
    void shouldSendNoDatagramFromAPortInInitButCompleteIt() {
        try (TransportPair p = new TransportPair(SEED, QpType.UD, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            p.b.postRecv(1, TransportPair.TARGET, LEN + 40);
            HcaPort a = toInit(p.world, 0);
            long discards = xmitDiscards(a);
            long onWire = sentOnCable(p.world, 0);
            sendAToB(p);
            List<Wc> sent = p.a.poll();
            assertEquals(1, sent.size(), "a UD send completes though nothing left (qib_sdma.c)");
            assertEquals(WcStatus.SUCCESS, sent.get(0).status);
            assertEquals(onWire, sentOnCable(p.world, 0), "no data packet from a port in INIT");
            assertEquals(discards + 1, xmitDiscards(a), "PortXmitDiscards");
            assertEquals(List.of(), p.b.poll());
        }
    }

    @Test
    void shouldRetryAnRcSendFromAPortInInitUntilTheRetriesRunOut() {
        TransportPair.Conn c = TransportPair.Conn.standard(Mtu.MTU_1024).retries(1, 0);
        try (TransportPair p = new TransportPair(SEED, QpType.RC, c)) {
            p.b.postRecv(1, TransportPair.TARGET, LEN);
            toInit(p.world, 0);
            long onWire = sentOnCable(p.world, 0);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, LEN)));
            p.settle();
            List<Wc> sent = p.a.poll();
            assertEquals(1, sent.size());
            assertEquals(WcStatus.RETRY_EXC_ERR, sent.get(0).status, "the retry timer ran; nothing was ever sent");
            assertEquals(onWire, sentOnCable(p.world, 0), "neither the request nor its retry");
            assertEquals(List.of(), p.b.poll());
        }
    }

    /** Host {@code i}'s SMI (QP0) on port 1, in RTS, with receives posted. */
    private static final class Smi {
        final Qp qp;
        final Pd pd;
        final Cq cq;
        final Mr mr;
        final long buf;

        Smi(World w, int i) {
            IbDevice dev = w.host(i).driver(0).device();
            pd = Pd.alloc(dev).get();
            cq = Cq.create(dev, null, null, new CqInitAttr(16, 0)).get();
            buf = w.host(i).memory().alloc(1 << 16);
            mr = Mr.reg(pd, buf, 1 << 16, buf, AccessFlags.LOCAL_WRITE).get();
            QpInitAttr init = QpInitAttr.of(QpType.SMI, cq, cq, QpCap.of(8, 8, 1));
            init.portNum = 1;
            qp = Qp.create(pd, init).get();
            QpAttr a = new QpAttr().state(QpState.INIT);
            a.portNum = 1;
            assertEquals(0, qp.modify(a, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.QKEY)));
            assertEquals(0, qp.modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()));
            assertEquals(0, qp.modify(new QpAttr().state(QpState.RTS), QpAttrMask.of(QpAttrMask.STATE,
                    QpAttrMask.SQ_PSN)));
            for (int k = 0; k < 4; k++) {
                assertTrue(qp.postRecv(new RecvWr(100 + k, new Sge(buf + 1024L * k, LEN + 40, mr.lkey()))).ok());
            }
        }

        void send(int dlid) {
            Ah ah = Ah.create(pd, AhAttr.lid(1, dlid)).get();
            assertTrue(qp.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(new Sge(buf + 8192, LEN,
                    mr.lkey())).ah(ah).remoteQpn(0).remoteQkey(0)).ok());
        }

        List<Wc> poll() {
            List<Wc> out = new ArrayList<>();
            Wc[] batch = {new Wc(), new Wc(), new Wc(), new Wc()};
            for (int n; (n = cq.poll(batch.length, batch)) > 0; ) {
                for (int k = 0; k < n; k++) {
                    out.add(batch[k].copy());
                }
            }
            return out;
        }
    }

    @Test
    void shouldSendAndReceiveSmpsInInit() {
        try (World w = World.of(SEED, 2)) {
            Smi a = new Smi(w, 0);
            Smi b = new Smi(w, 1);
            List<byte[]> smps = new ArrayList<>();
            w.fabric().addTap((t, link, dir, packet) -> smps.add(packet.clone()));
            toInit(w, 0);
            // mgmt_class 0x81 in the MAD header: a directed-route SMP, which the permissive LID takes.
            w.host(0).memory().write(a.buf + 8192 + 1, new byte[] {(byte) 0x81});
            a.send(w.lid(1));
            w.settle();
            assertEquals(1, b.poll().stream().filter(wc -> wc.wrId >= 100).count(), "an SMP leaves a port in INIT");

            // A directed-route SMP (DLID 0xFFFF, which the switches do not route) handed to b's
            // port in INIT as if straight off its cable: taken.
            toInit(w, 1);
            byte[] dr = smps.get(0).clone();
            dr[Lrh.DLID_OFFSET] = (byte) 0xFF;
            dr[Lrh.DLID_OFFSET + 1] = (byte) 0xFF;
            new Crcs().write(dr);
            w.transport(1).sink(1).receive(w.link(1).a(), dr);
            w.settle();
            assertEquals(1, b.poll().size(), "an SMP reaches QP0 of a port in INIT");
            assertEquals(0, w.transport(1).dropped(Transport.Drop.PORT_STATE));
        }
    }

    @Test
    void shouldDropAMulticastDatagramArrivingAtAPortInInit() {
        try (World w = World.of(SEED, 2)) {
            w.joinMulticast(0xC001, 0, 1);
            MulticastTest.Node sender = new MulticastTest.Node(w, 0, 0x1234_5678);
            MulticastTest.Node member = new MulticastTest.Node(w, 1, 0x1234_5678);
            member.join(MulticastTest.mgid(7), 0xC001, 2);
            toInit(w, 1);
            sender.sendToGroup(MulticastTest.mgid(7), 0xC001, TransportPair.pattern(7, LEN));
            w.settle();
            assertEquals(List.of(), member.poll(), "a port in INIT takes no data packet");
            assertEquals(1, w.transport(1).dropped(Transport.Drop.PORT_STATE));
        }
    }
}
