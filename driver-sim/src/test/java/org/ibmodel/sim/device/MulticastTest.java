// UD multicast end to end: ib_attach_mcast through the driver's MGM table (docs/HCA.md §3.11),
// the switches' MFTs and the device's multicast receive
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.ibmodel.core.Pd;
import org.ibmodel.core.PortCounters;
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
import org.ibmodel.core.WcFlags;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.world.Host;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One sender and several receivers of a multicast group on a fat tree: every attached QP of a
 * member port gets one copy, with the GRH, those on the sender's own port through the HCA's
 * loopback; QPs not attached and hosts not members get none; detaching stops the copies; the
 * driver's MGM chains survive groups that share a hash.
 */
@ExtendWith(ReplayOnFailure.class)
class MulticastTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 7);
    private static final int QKEY = 0x1234_5678;
    private static final int MLID = 0xC001;
    private static final int GRH = 40;
    private static final int LEN = 300;

    private static String at(String what) {
        return ReplayOnFailure.at("MulticastTest", SEED, what);
    }

    /** An MGID of the IPoIB kind: ff12:401b:ffff::, the low 16 bits from {@code low}. */
    static byte[] mgid(int low) {
        byte[] g = new byte[16];
        g[0] = (byte) 0xff;
        g[1] = 0x12;
        g[2] = 0x40;
        g[3] = 0x1b;
        g[4] = (byte) 0xff;
        g[5] = (byte) 0xff;
        g[14] = (byte) (low >>> 8);
        g[15] = (byte) low;
        return g;
    }

    /** A UD QP in RTS on port 1 of a host, with its own CQ and a registered buffer. */
    static final class Node {
        final Host host;
        final Pd pd;
        final Cq cq;
        final Qp qp;
        final Mr mr;
        final long buf;

        Node(World w, int host, int qkey) {
            this(w, host, qkey, 0);
        }

        /** With {@code createFlags} (ib_qp_init_attr.create_flags) on the QP. */
        Node(World w, int host, int qkey, int createFlags) {
            this.host = w.host(host);
            IbDevice dev = this.host.driver(0).device();
            pd = Pd.alloc(dev).get();
            cq = Cq.create(dev, null, null, new CqInitAttr(64, 0)).get();
            QpInitAttr create = QpInitAttr.of(QpType.UD, cq, cq, new QpCap(16, 16, 1, 1, 0));
            create.createFlags = createFlags;
            qp = Qp.create(pd, create).get();
            buf = this.host.memory().alloc(1 << 16);
            mr = Mr.reg(pd, buf, 1 << 16, buf, AccessFlags.LOCAL_WRITE).get();
            QpAttr init = new QpAttr().state(QpState.INIT);
            init.portNum = 1;
            init.pkeyIndex = 0;
            init.qkey = qkey;
            assertEquals(0, qp.modify(init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.PORT,
                    QpAttrMask.QKEY)));
            assertEquals(0, qp.modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()));
            QpAttr rts = new QpAttr().state(QpState.RTS);
            rts.sqPsn = 0;
            assertEquals(0, qp.modify(rts, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN)));
        }

        /** ib_attach_mcast to the group, then {@code recvs} receives posted. */
        void join(byte[] gid, int mlid, int recvs) {
            assertEquals(0, qp.attachMcast(gid, mlid), at("attach"));
            postRecvs(recvs);
        }

        void postRecvs(int n) {
            for (int i = 0; i < n; i++) {
                assertTrue(qp.postRecv(new RecvWr(i, new Sge(buf + 4096L * i, GRH + LEN, mr.lkey()))).ok());
            }
        }

        void sendToGroup(byte[] mgid, int mlid, byte[] data) {
            host.memory().write(buf + 60_000, data);
            Ah ah = Ah.create(pd, new AhAttr(mlid, 0, 0, 0, 1, new AhAttr.Grh(mgid, 0, 0, 1, 0))).get();
            assertTrue(qp.postSend(new SendWr().wrId(99).opcode(WrOpcode.SEND).sgList(new Sge(buf + 60_000, data.length,
                    mr.lkey())).ah(ah).remoteQpn(0xFF_FFFF).remoteQkey(QKEY)).ok());
        }

        List<Wc> poll() {
            List<Wc> out = new ArrayList<>();
            Wc[] batch = {new Wc(), new Wc(), new Wc(), new Wc()};
            int n;
            while ((n = cq.poll(batch.length, batch)) > 0) {
                for (int i = 0; i < n; i++) {
                    out.add(batch[i].copy());
                }
            }
            return out;
        }

        /** The one receive that completed: its status, GRH flag, length, source QP and payload. */
        void assertReceivedOnce(Node from, byte[] data, String who) {
            List<Wc> wcs = poll();
            assertEquals(1, wcs.size(), at(who + ": " + wcs));
            Wc wc = wcs.get(0);
            assertEquals(WcStatus.SUCCESS, wc.status, at(who + ": " + wc));
            assertTrue((wc.wcFlags & WcFlags.GRH) != 0, at(who + ": the GRH came along"));
            assertEquals(GRH + data.length, wc.byteLen, at(who));
            assertEquals(from.qp.qpNum(), wc.srcQp, at(who + ": DETH source QP"));
            assertArrayEquals(data, host.memory().read(buf + 4096L * wc.wrId + GRH, data.length), at(who));
        }
    }

    @Test
    void shouldDeliverOneCopyToEveryAttachedQpOfTheMemberPorts() {
        try (World w = World.fatTree(SEED, 8, 4, 2)) {
            // Hosts 0 (sender) and 1 on leaf0, 5 and 6 on leaf1 are members; 7 is not.
            w.joinMulticast(MLID, 0, 1, 5, 6);
            Node sender = new Node(w, 0, QKEY);
            Node senderPeer = new Node(w, 0, QKEY);
            Node near = new Node(w, 1, QKEY);
            Node far = new Node(w, 5, QKEY);
            Node farTwin = new Node(w, 5, QKEY);
            Node unattached = new Node(w, 6, QKEY);
            Node outsider = new Node(w, 7, QKEY);
            byte[] g = mgid(1);
            for (Node n : List.of(senderPeer, near, far, farTwin, outsider)) {
                n.join(g, MLID, 4);
            }
            unattached.postRecvs(4);
            byte[] data = TransportPair.pattern(11, LEN);
            sender.sendToGroup(g, MLID, data);
            w.settle();
            assertEquals(WcStatus.SUCCESS, sender.poll().get(0).status, at("the send completes"));
            near.assertReceivedOnce(sender, data, "same leaf");
            far.assertReceivedOnce(sender, data, "other leaf");
            farTwin.assertReceivedOnce(sender, data, "second QP of the same host");
            senderPeer.assertReceivedOnce(sender, data, "another QP on the sender's port: the HCA's loopback");
            assertTrue(unattached.poll().isEmpty(), at("a QP not attached"));
            assertTrue(outsider.poll().isEmpty(), at("a host not in the group"));
            assertEquals(0, w.transport(5).dropped(Transport.Drop.NO_SUCH_QP), at("only the entry's valid words"));

            assertEquals(Errno.EBUSY.negative(), far.qp.destroy(), at("an attached QP is held"));
            assertEquals(0, far.qp.detachMcast(g, MLID));
            assertEquals(Errno.EINVAL.negative(), far.qp.detachMcast(g, MLID), at("detach twice"));
            byte[] second = TransportPair.pattern(12, LEN);
            sender.sendToGroup(g, MLID, second);
            w.settle();
            assertTrue(far.poll().isEmpty(), at("detached"));
            farTwin.assertReceivedOnce(sender, second, "still attached");
            near.assertReceivedOnce(sender, second, "still attached");
            assertEquals(0, far.qp.destroy(), at("destroyed once detached"));
        }
    }

    /** IBA 7.11.2 (include/rdma/ib_verbs.h IB_MULTICAST_LID_BASE): multicast LIDs are 0xC000 to 0xFFFE. */
    @Test
    void shouldDeliverOnTheFirstAndTheLastMulticastLid() {
        for (int mlid : new int[] {0xC000, 0xFFFE}) {
            try (World w = World.of(SEED, 2)) {
                w.joinMulticast(mlid, 0, 1);
                Node sender = new Node(w, 0, QKEY);
                Node remote = new Node(w, 1, QKEY);
                remote.join(mgid(7), mlid, 1);
                byte[] data = TransportPair.pattern(7, 64);
                long sent = multicastPackets(sender, true);
                long got = multicastPackets(remote, false);
                sender.sendToGroup(mgid(7), mlid, data);
                w.settle();
                String what = "MLID 0x" + Integer.toHexString(mlid);
                remote.assertReceivedOnce(sender, data, what);
                // And both ports count it with their multicast packets (PortCountersExtended).
                assertEquals(sent + 1, multicastPackets(sender, true), at(what + ": PortMulticastXmitPkts"));
                assertEquals(got + 1, multicastPackets(remote, false), at(what + ": PortMulticastRcvPkts"));
            }
        }
    }

    /**
     * A multicast LID has no path bits: qib_ud_rcv and hfi1_ud_rcv report dlid_path_bits 0 for a
     * DLID at or above IB_MULTICAST_LID_BASE, whatever the receiving port's LMC.
     */
    @Test
    void shouldReportNoPathBitsForAMulticastDlid() {
        try (World w = World.of(SEED, 2, 2)) {
            int mlid = 0xC003;
            w.joinMulticast(mlid, 0, 1);
            Node sender = new Node(w, 0, QKEY);
            Node remote = new Node(w, 1, QKEY);
            remote.join(mgid(3), mlid, 1);
            sender.sendToGroup(mgid(3), mlid, TransportPair.pattern(3, 64));
            w.settle();
            List<Wc> wcs = remote.poll();
            assertEquals(1, wcs.size(), at("delivered: " + wcs));
            assertEquals(WcStatus.SUCCESS, wcs.get(0).status, at(wcs.get(0).toString()));
            assertEquals(0, wcs.get(0).dlidPathBits, at("LMC 2, MLID 0xc003"));
        }
    }

    private static long multicastPackets(Node n, boolean xmit) {
        PortCounters c = PortCounters.query(n.qp.device(), 1).get();
        return xmit ? c.multicastXmitPackets() : c.multicastRcvPackets();
    }

    /**
     * rxe_recv.c check_keys for each QP of the group: a copy whose P_Key the QP's partition does
     * not take is dropped and counted in the port's P_Key violations, as for unicast.
     */
    @Test
    void shouldDropAndCountACopyWhosePkeyTheQpDoesNotTake() {
        try (World w = World.of(SEED, 2)) {
            w.joinMulticast(MLID, 0, 1);
            // The sender's port has only partition 0x8001, which the receiver's QP (0xFFFF) is not in.
            TransportPair.setPkey(w.host(0).hca(0).firmware().port(1), 0, 0x8001);
            Node sender = new Node(w, 0, QKEY);
            Node remote = new Node(w, 1, QKEY);
            remote.join(mgid(8), MLID, 1);
            sender.sendToGroup(mgid(8), MLID, TransportPair.pattern(8, 64));
            w.settle();
            assertTrue(remote.poll().isEmpty(), at("no copy taken"));
            assertEquals(1, w.transport(1).dropped(Transport.Drop.PKEY_MISMATCH), at("dropped for its P_Key"));
            assertEquals(1, w.host(1).hca(0).firmware().port(1).pkeyViolations(), at("PortInfo:P_KeyViolations"));
        }
    }

    /**
     * VL15 carries QP0's packets and nothing else (IBA 7.6.5, 13.5.1; §5.11), a multicast group's
     * included: the group's packet resent on VL15 is dropped and counted, not copied to members.
     */
    @Test
    void shouldDropAMulticastPacketOnVl15() {
        try (World w = World.of(SEED, 2)) {
            w.joinMulticast(MLID, 0, 1);
            Node sender = new Node(w, 0, QKEY);
            Node remote = new Node(w, 1, QKEY);
            remote.join(mgid(8), MLID, 2);
            List<byte[]> sent = new ArrayList<>();
            w.fabric().addTap((t, link, dir, packet) -> sent.add(packet.clone()));
            sender.sendToGroup(mgid(8), MLID, TransportPair.pattern(8, 64));
            w.settle();
            remote.assertReceivedOnce(sender, TransportPair.pattern(8, 64), "the group's packet on VL0");
            byte[] vl15 = sent.get(sent.size() - 1).clone();
            new org.ibmodel.sim.wire.Lrh().wrap(vl15, 0).vl(15);
            new org.ibmodel.sim.wire.Crcs().write(vl15);
            w.transport(1).sink(1).receive(w.link(1, 1).a(), vl15);
            w.settle();
            assertTrue(remote.poll().isEmpty(), at("no copy on VL15"));
            assertEquals(1, w.transport(1).dropped(Transport.Drop.VL15_MISMATCH), at("counted"));
        }
    }

    @Test
    void shouldLoopACopyBackToTheSendingQpItselfWhenItIsAttached() {
        try (World w = World.of(SEED, 2)) {
            w.joinMulticast(MLID, 0, 1);
            Node sender = new Node(w, 0, QKEY);
            Node remote = new Node(w, 1, QKEY);
            for (Node n : List.of(sender, remote)) {
                n.join(mgid(5), MLID, 2);
            }
            byte[] data = TransportPair.pattern(5, 100);
            sender.sendToGroup(mgid(5), MLID, data);
            w.settle();
            List<Wc> own = sender.poll();
            assertEquals(2, own.size(), at("the send's completion and its own copy: " + own));
            Wc copy = own.stream().filter(c -> c.wrId != 99).findFirst().orElseThrow();
            assertEquals(WcStatus.SUCCESS, copy.status, at(copy.toString()));
            assertEquals(sender.qp.qpNum(), copy.srcQp, at("what IPoIB drops: its own QP ..."));
            assertEquals(w.lid(0), copy.slid, at("... and its own LID"));
            assertArrayEquals(data, sender.host.memory().read(sender.buf + 4096L * copy.wrId + GRH, data.length));
            remote.assertReceivedOnce(sender, data, "the other host, once: the switch sends nothing back");
        }
    }

    @Test
    void shouldSpareASenderCreatedToBlockLoopbackItsOwnCopyOnly() {
        try (World w = World.of(SEED, 2)) {
            w.joinMulticast(MLID, 0, 1);
            assertTrue((w.host(0).driver(0).device().attr().kernelCapFlags
                    & org.ibmodel.core.DeviceAttr.IBK_BLOCK_MULTICAST_LOOPBACK) != 0,
                    at("IBK_BLOCK_MULTICAST_LOOPBACK"));
            Node sender = new Node(w, 0, QKEY, QpInitAttr.CREATE_BLOCK_MULTICAST_LOOPBACK);
            Node localPeer = new Node(w, 0, QKEY);
            Node remote = new Node(w, 1, QKEY);
            for (Node n : List.of(sender, localPeer, remote)) {
                n.join(mgid(6), MLID, 2);
            }
            byte[] data = TransportPair.pattern(6, 80);
            sender.sendToGroup(mgid(6), MLID, data);
            w.settle();
            List<Wc> own = sender.poll();
            assertEquals(1, own.size(), at("the send's completion alone: " + own));
            assertEquals(99, own.get(0).wrId, at(own.toString()));
            localPeer.assertReceivedOnce(sender, data, "another QP of the port still gets its loopback copy");
            remote.assertReceivedOnce(sender, data, "the other host");
            // And the other way round: the peer's send reaches the blocking QP, which only spares its own.
            localPeer.sendToGroup(mgid(6), MLID, data);
            w.settle();
            sender.assertReceivedOnce(localPeer, data, "a copy of someone else's send");
        }
    }

    @Test
    void shouldRefuseCreateFlagsTheDriverDoesNotSupport() {
        try (World w = World.of(SEED, 1)) {
            IbDevice dev = w.host(0).driver(0).device();
            Pd pd = Pd.alloc(dev).get();
            Cq cq = Cq.create(dev, null, null, new CqInitAttr(4, 0)).get();
            QpInitAttr init = QpInitAttr.of(QpType.UD, cq, cq, new QpCap(4, 4, 1, 1, 0));
            init.createFlags = QpInitAttr.CREATE_IPOIB_UD_LSO;
            assertEquals(Errno.EINVAL.negative(), Qp.create(pd, init).err(), at("LSO, which the device has not"));
        }
    }

    @Test
    void shouldDropACopyWhoseQkeyIsNotTheQps() {
        try (World w = World.of(SEED, 3)) {
            w.joinMulticast(MLID, 0, 1, 2);
            Node sender = new Node(w, 0, QKEY);
            Node right = new Node(w, 1, QKEY);
            Node wrong = new Node(w, 2, QKEY + 1);
            byte[] g = mgid(2);
            for (Node n : List.of(right, wrong)) {
                n.join(g, MLID, 1);
            }
            long before = w.transport(2).dropped(Transport.Drop.QKEY_MISMATCH);
            sender.sendToGroup(g, MLID, TransportPair.pattern(1, 64));
            w.settle();
            right.assertReceivedOnce(sender, TransportPair.pattern(1, 64), "matching Q_Key");
            assertTrue(wrong.poll().isEmpty(), at("other Q_Key"));
            assertEquals(before + 1, w.transport(2).dropped(Transport.Drop.QKEY_MISMATCH));
        }
    }

    @Test
    void shouldKeepGroupsWhoseMgidsShareAHashApartThroughTheAmgmChain() {
        try (World w = World.of(SEED, 2)) {
            // The hash XORs the MGID's 16-bit words modulo 128 (256 entries, half hashed):
            // low words 0x0001, 0x0081 and 0x0101 share a slot, so two groups go to the AMGM.
            int[] lows = {0x0001, 0x0081, 0x0101};
            Node sender = new Node(w, 0, QKEY);
            List<Node> members = new ArrayList<>();
            for (int k = 0; k < lows.length; k++) {
                w.joinMulticast(MLID + k, 0, 1);
                Node n = new Node(w, 1, QKEY);
                n.join(mgid(lows[k]), MLID + k, 4);
                members.add(n);
            }
            Firmware fw = w.host(1).hca(0).firmware();
            assertEquals(3, fw.multicastEntries(), at("one MGM entry and two AMGM entries"));
            for (int k = 0; k < lows.length; k++) {
                byte[] data = TransportPair.pattern(20 + k, 64);
                sender.sendToGroup(mgid(lows[k]), MLID + k, data);
                w.settle();
                for (int j = 0; j < lows.length; j++) {
                    if (j == k) {
                        members.get(j).assertReceivedOnce(sender, data, "group " + k);
                    } else {
                        assertTrue(members.get(j).poll().isEmpty(), at("group " + k + " reached QP of group " + j));
                    }
                }
            }
            // The middle of the chain leaves: the MGM slot's entry now points past it.
            assertEquals(0, members.get(1).qp.detachMcast(mgid(lows[1]), MLID + 1));
            assertEquals(2, fw.multicastEntries());
            long noGroup = w.transport(1).dropped(Transport.Drop.MULTICAST_NO_GROUP);
            sender.sendToGroup(mgid(lows[1]), MLID + 1, TransportPair.pattern(31, 64));
            sender.sendToGroup(mgid(lows[2]), MLID + 2, TransportPair.pattern(32, 64));
            w.settle();
            assertEquals(noGroup + 1, w.transport(1).dropped(Transport.Drop.MULTICAST_NO_GROUP), at("group 1 is gone"));
            members.get(2).assertReceivedOnce(sender, TransportPair.pattern(32, 64), "past the unlinked entry");
            // The MGM slot's group leaves: the next of its chain moves into the slot.
            assertEquals(0, members.get(0).qp.detachMcast(mgid(lows[0]), MLID));
            assertEquals(1, fw.multicastEntries());
            sender.sendToGroup(mgid(lows[2]), MLID + 2, TransportPair.pattern(33, 64));
            w.settle();
            members.get(2).assertReceivedOnce(sender, TransportPair.pattern(33, 64), "moved into the MGM slot");
            assertEquals(0, members.get(2).qp.detachMcast(mgid(lows[2]), MLID + 2));
            assertEquals(0, fw.multicastEntries(), at("the table is empty again"));
            assertEquals(0, w.transport(1).dropped(Transport.Drop.NO_SUCH_QP), at("no empty word taken for a QP"));
            // The freed AMGM entries are used again.
            for (int k = 0; k < lows.length; k++) {
                assertEquals(0, members.get(k).qp.attachMcast(mgid(lows[k]), MLID + k), at("again " + k));
            }
            assertEquals(3, fw.multicastEntries());
        }
    }

    @Test
    void shouldDropAMulticastPacketWithoutAGrhOrForOneQp() {
        try (World w = World.of(SEED, 2)) {
            w.joinMulticast(MLID, 0, 1);
            Node sender = new Node(w, 0, QKEY);
            Node member = new Node(w, 1, QKEY);
            assertEquals(0, member.qp.attachMcast(mgid(4), MLID));
            member.postRecvs(2);
            sender.host.memory().write(sender.buf + 60_000, new byte[64]);
            Ah noGrh = Ah.create(sender.pd, AhAttr.lid(1, MLID)).get();
            Ah withGrh = Ah.create(sender.pd, new AhAttr(MLID, 0, 0, 0, 1, new AhAttr.Grh(mgid(4), 0, 0, 1, 0))).get();
            Sge sge = new Sge(sender.buf + 60_000, 64, sender.mr.lkey());
            assertTrue(sender.qp.postSend(
                    new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(sge).ah(noGrh).remoteQpn(0xFF_FFFF).remoteQkey(QKEY),
                    new SendWr().wrId(2).opcode(WrOpcode.SEND).sgList(sge).ah(withGrh).remoteQpn(member.qp.qpNum())
                            .remoteQkey(QKEY)).ok());
            w.settle();
            assertTrue(member.poll().isEmpty(), at("neither is a multicast packet the device takes"));
            assertEquals(2, w.transport(1).dropped(Transport.Drop.MULTICAST_INVALID), at("no GRH; DestQP not 0xFFFFFF"));
        }
    }

    /** ::ffff:a.b.c.d, an IPv4-mapped GID. */
    private static byte[] v4Mapped(int a, int b, int c, int d) {
        byte[] g = new byte[16];
        g[10] = (byte) 0xff;
        g[11] = (byte) 0xff;
        g[12] = (byte) a;
        g[13] = (byte) b;
        g[14] = (byte) c;
        g[15] = (byte) d;
        return g;
    }

    /**
     * rdma_is_multicast_addr (include/rdma/ib_addr.h), which ib_attach_mcast and ib_detach_mcast
     * ask: a GID starting 0xff, or an IPv4-mapped one of an IPv4 multicast address (224.0.0.0/4).
     */
    @Test
    void shouldTakeAnIpv4MappedMulticastGidAsIbCoreDoes() {
        try (World w = World.of(SEED, 1)) {
            Node n = new Node(w, 0, QKEY);
            assertEquals(0, n.qp.attachMcast(v4Mapped(224, 0, 0, 251), MLID), at("::ffff:224.0.0.251"));
            assertEquals(0, n.qp.attachMcast(v4Mapped(239, 255, 255, 250), MLID), at("::ffff:239.255.255.250"));
            assertEquals(Errno.EINVAL.negative(), n.qp.attachMcast(v4Mapped(10, 1, 2, 3), MLID), at("IPv4 unicast"));
            assertEquals(Errno.EINVAL.negative(), n.qp.attachMcast(v4Mapped(240, 0, 0, 1), MLID), at("240/4"));
            byte[] notMapped = v4Mapped(224, 0, 0, 251);
            notMapped[11] = 0;
            assertEquals(Errno.EINVAL.negative(), n.qp.attachMcast(notMapped, MLID), at("not IPv4-mapped"));
            assertEquals(2, n.qp.usecnt());
            assertEquals(0, n.qp.detachMcast(v4Mapped(224, 0, 0, 251), MLID), at("detach"));
            assertEquals(0, n.qp.detachMcast(v4Mapped(239, 255, 255, 250), MLID), at("detach"));
            assertEquals(0, n.qp.usecnt());
        }
    }

    @Test
    void shouldRefuseAttachmentsIbCoreOrTheDriverRefuse() {
        try (World w = World.of(SEED, 1)) {
            Node n = new Node(w, 0, QKEY);
            byte[] unicast = mgid(3);
            unicast[0] = (byte) 0xfe;
            assertEquals(Errno.EINVAL.negative(), n.qp.attachMcast(unicast, MLID), at("not a multicast GID"));
            assertEquals(Errno.EINVAL.negative(), n.qp.attachMcast(mgid(3), 0xBFFF), at("a unicast LID"));
            assertEquals(Errno.EINVAL.negative(), n.qp.attachMcast(mgid(3), 0xFFFF), at("the permissive LID"));
            assertEquals(Errno.EINVAL.negative(), n.qp.detachMcast(mgid(3), MLID), at("never attached"));
            assertEquals(0, n.qp.attachMcast(mgid(3), MLID));
            assertEquals(0, n.qp.attachMcast(mgid(3), MLID), at("attached twice: the driver keeps one entry"));
            assertEquals(2, n.qp.usecnt(), at("ib_core holds the QP once per successful attach"));
            // Eight QPs to an entry (mthca's MTHCA_QP_PER_MGM with 64-byte entries): the ninth is -ENOMEM.
            List<Node> more = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                Node m = new Node(w, 0, QKEY);
                assertEquals(0, m.qp.attachMcast(mgid(3), MLID), at("QP " + (i + 2)));
                more.add(m);
            }
            assertEquals(Errno.ENOMEM.negative(), new Node(w, 0, QKEY).qp.attachMcast(mgid(3), MLID), at("ninth"));
            // docs/HCA.md 3.11: a member attached again finds itself before the entry is found full.
            assertEquals(0, n.qp.attachMcast(mgid(3), MLID), at("a member of the full entry, again"));
        }
    }
}
