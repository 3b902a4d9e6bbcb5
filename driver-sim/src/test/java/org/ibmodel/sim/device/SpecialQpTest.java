// The SMI and GSI QPs on the wire (IBA 13.5.1, 14.2.1; drivers/infiniband/sw/rxe/rxe_recv.c
// check_keys; drivers/infiniband/hw/mthca/mthca_qp.c build_mlx_header): QP0 and QP1 by number,
// VL15, the permissive LID, QP1's well-known Q_Key and any P_Key of the table
package org.ibmodel.sim.device;

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
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.wire.Bth;
import org.ibmodel.sim.wire.Deth;
import org.ibmodel.sim.wire.Lrh;
import org.ibmodel.sim.world.Host;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two hosts with two-port HCAs, so that the device's own QPNs for the special QPs (SMI of port 1
 * and 2 at 0 and 1, GSI at 2 and 3, as the driver configures them) differ from the numbers on the
 * wire: every packet here is to or from QP0 or QP1 of port 1.
 */
@ExtendWith(ReplayOnFailure.class)
class SpecialQpTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 13);
    private static final int GSI_QKEY = 0x8001_0000;
    private static final int LEN = 256;
    private static final int GRH = 40;

    private static String at(String what) {
        return ReplayOnFailure.at("SpecialQpTest", SEED, what);
    }

    /** One host's verbs objects: a CQ, a buffer, and QPs made on demand. */
    private static final class Side {
        final Host host;
        final IbDevice dev;
        final Pd pd;
        final Cq cq;
        final long buf;
        final Mr mr;

        Side(World w, int i) {
            host = w.host(i);
            dev = host.driver(0).device();
            pd = Pd.alloc(dev).get();
            cq = Cq.create(dev, null, null, new CqInitAttr(64, 0)).get();
            buf = host.memory().alloc(64 * 1024);
            mr = Mr.reg(pd, buf, 64 * 1024, buf, AccessFlags.LOCAL_WRITE).get();
        }

        /** A QP of {@code type} on port 1 taken to RTS; {@code qkey} for UD and the GSI. */
        Qp qp(QpType type, int qkey) {
            QpInitAttr init = QpInitAttr.of(type, cq, cq, QpCap.of(8, 8, 1));
            init.portNum = 1;
            Qp qp = Qp.create(pd, init).get();
            QpAttr a = new QpAttr().state(QpState.INIT);
            a.qkey = qkey;
            a.portNum = 1;
            int mask = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.QKEY);
            assertEquals(0, qp.modify(a, type == QpType.UD ? mask | QpAttrMask.PORT.bit() : mask));
            assertEquals(0, qp.modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()));
            assertEquals(0, qp.modify(new QpAttr().state(QpState.RTS), QpAttrMask.of(QpAttrMask.STATE,
                    QpAttrMask.SQ_PSN)));
            for (int i = 0; i < 4; i++) {
                assertTrue(qp.postRecv(new RecvWr(100 + i, new Sge(buf + (long) i * 1024, GRH + LEN, mr.lkey()))).ok());
            }
            return qp;
        }

        void send(Qp qp, int dlid, int remoteQpn, int remoteQkey) {
            send(qp, dlid, remoteQpn, remoteQkey, WrOpcode.SEND, LEN);
        }

        void send(Qp qp, int dlid, int remoteQpn, int remoteQkey, WrOpcode opcode, int len) {
            Ah ah = Ah.create(pd, AhAttr.lid(1, dlid)).get();
            Sge payload = new Sge(buf + 8192, len, mr.lkey());
            assertTrue(qp.postSend(new SendWr().wrId(1).opcode(opcode).sgList(payload).ah(ah)
                    .remoteQpn(remoteQpn).remoteQkey(remoteQkey)).ok());
        }

        List<Wc> poll() {
            List<Wc> out = new ArrayList<>();
            Wc[] batch = new Wc[8];
            int n;
            while ((n = cq.poll(batch.length, batch)) > 0) {
                for (int i = 0; i < n; i++) {
                    out.add(batch[i].copy());
                }
            }
            return out;
        }

        List<Wc> receives() {
            return poll().stream().filter(wc -> wc.wrId >= 100).toList();
        }
    }

    /** Entry 1 of both hosts' port 1 P_Key tables: 0x8001, a partition of its own. */
    private static void partition8001(World w) {
        for (int i = 0; i < 2; i++) {
            TransportPair.setPkey(w.host(i).hca(0).firmware().port(1), 1, 0x8001);
        }
        w.settle();
    }

    /** Packets on the links: LRH VL, SLID, DestQP, DETH SrcQP. */
    record Seen(int vl, int slid, int destQp, int srcQp) {
    }

    private static List<Seen> tap(World w) {
        List<Seen> seen = new ArrayList<>();
        w.fabric().addTap((t, link, dir, packet) -> {
            Lrh lrh = new Lrh().wrap(packet, 0);
            Bth bth = new Bth().wrap(packet, Lrh.HEADER_LENGTH);
            Deth deth = new Deth().wrap(packet, Lrh.HEADER_LENGTH + Bth.HEADER_LENGTH);
            seen.add(new Seen(lrh.vl(), lrh.slid(), bth.destQp(), deth.srcQp()));
        });
        return seen;
    }

    @Test
    void shouldCarryGsiPacketsBetweenQp1sWithTheWellKnownQkey() {
        try (World w = World.of(SEED, 2, 0, 2)) {
            Side a = new Side(w, 0);
            Side b = new Side(w, 1);
            Qp gsiA = a.qp(QpType.GSI, GSI_QKEY);
            // QP1 takes the well-known Q_Key whatever its context holds (rxe_recv.c check_keys).
            Qp gsiB = b.qp(QpType.GSI, 0x55);
            assertEquals(1, gsiA.qpNum());
            List<Seen> seen = tap(w);
            a.send(gsiA, w.lid(1), 1, GSI_QKEY);
            w.settle();
            List<Wc> got = b.receives();
            assertEquals(1, got.size(), at("b's GSI QP got it: " + got));
            assertEquals(WcStatus.SUCCESS, got.get(0).status);
            assertEquals(1, got.get(0).srcQp, at("from QP1, not the device's own QPN"));
            assertEquals(0, got.get(0).pkeyIndex, at("entry 0 of the table"));
            assertTrue(seen.stream().allMatch(s -> s.vl() == 0 && s.destQp() == 1 && s.srcQp() == 1),
                    at("QP1 to QP1 on VL0: " + seen));

            // A UD QP reaches QP1 only with the well-known Q_Key as its own: a controlled Q_Key
            // (high bit set) in a work request means the QP's own (IBA 10.2.4).
            Qp ud = a.qp(QpType.UD, 0x1234);
            Qp privileged = a.qp(QpType.UD, GSI_QKEY);
            a.send(ud, w.lid(1), 1, GSI_QKEY);
            a.send(ud, w.lid(1), 1, 0x1234);
            a.send(privileged, w.lid(1), 1, GSI_QKEY);
            w.settle();
            got = b.receives();
            assertEquals(1, got.size(), at("only the well-known Q_Key: " + got));
            assertEquals(privileged.qpNum(), got.get(0).srcQp);
            assertEquals(2, w.transport(1).dropped(Transport.Drop.QKEY_MISMATCH), at("two Q_Key violations"));
            assertEquals(1, gsiB.qpNum(), at("b's GSI is QP1 too"));
        }
    }

    /**
     * IBA 13.5.3.1: what QP0 and QP1 take is a MAD, a SEND Only of 256 bytes; a datagram of
     * another length, or with immediate data, is dropped (qib_ud_rcv, which takes immediate data
     * only for QPs above 1).
     */
    @Test
    void shouldTakeOnlyMadsAtTheGsi() {
        try (World w = World.of(SEED, 2, 0, 2)) {
            Side a = new Side(w, 0);
            Side b = new Side(w, 1);
            b.qp(QpType.GSI, GSI_QKEY);
            Qp privileged = a.qp(QpType.UD, GSI_QKEY);
            a.send(privileged, w.lid(1), 1, GSI_QKEY, WrOpcode.SEND, 100);
            a.send(privileged, w.lid(1), 1, GSI_QKEY, WrOpcode.SEND_WITH_IMM, LEN);
            a.send(privileged, w.lid(1), 1, GSI_QKEY, WrOpcode.SEND, LEN);
            w.settle();
            List<Wc> got = b.receives();
            assertEquals(1, got.size(), at("only the MAD: " + got));
            assertEquals(GRH + LEN, got.get(0).byteLen);
            assertEquals(2, w.transport(1).dropped(Transport.Drop.MAD_INVALID), at("the other two dropped"));
        }
    }

    /**
     * On the wire the SMI and GSI QPs are QP0 and QP1 and nothing else (IBA 13.5.1, 14.2.1): the
     * device's own QPNs for them (2 and 3, the GSI QPs of ports 1 and 2 here) name no QP a packet
     * can reach, so a datagram to them is dropped as one to no QP, however well it imitates GSI
     * traffic (qib and hfi1 keep the special QPs at 0 and 1, where no other number reaches them).
     */
    @Test
    void shouldNotLetADatagramReachASpecialQpByTheDevicesOwnQpn() {
        try (World w = World.of(SEED, 2, 0, 2)) {
            Side a = new Side(w, 0);
            Side b = new Side(w, 1);
            b.qp(QpType.GSI, GSI_QKEY);
            Qp privileged = a.qp(QpType.UD, GSI_QKEY);
            for (int deviceQpn : new int[] {2, 3}) {
                a.send(privileged, w.lid(1), deviceQpn, GSI_QKEY);
            }
            w.settle();
            assertEquals(List.of(), b.receives(), at("no GSI QP took them"));
            assertEquals(2, w.transport(1).dropped(Transport.Drop.NO_SUCH_QP), at("both dropped as to no QP"));
        }
    }

    @Test
    void shouldTakeAnyPkeyOfTheTableAtTheGsiAndReportItsIndex() {
        try (World w = World.of(SEED, 2, 0, 2)) {
            Side a = new Side(w, 0);
            Side b = new Side(w, 1);
            partition8001(w);
            QpInitAttr init = QpInitAttr.of(QpType.UD, a.cq, a.cq, QpCap.of(8, 8, 1));
            Qp ud = Qp.create(a.pd, init).get();
            QpAttr attr = new QpAttr().state(QpState.INIT);
            attr.qkey = GSI_QKEY;
            attr.portNum = 1;
            attr.pkeyIndex = 1;
            assertEquals(0, ud.modify(attr, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.PORT,
                    QpAttrMask.QKEY)));
            assertEquals(0, ud.modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()));
            assertEquals(0, ud.modify(new QpAttr().state(QpState.RTS), QpAttrMask.of(QpAttrMask.STATE,
                    QpAttrMask.SQ_PSN)));
            b.qp(QpType.GSI, GSI_QKEY);
            Qp udB = b.qp(QpType.UD, GSI_QKEY);
            a.send(ud, w.lid(1), 1, GSI_QKEY);
            a.send(ud, w.lid(1), udB.qpNum(), GSI_QKEY);
            w.settle();
            List<Wc> got = b.receives();
            assertEquals(1, got.size(), at("the GSI takes P_Key 0x8001, b's UD QP on entry 0 does not: " + got));
            assertEquals(1, got.get(0).pkeyIndex, at("the entry it matched"));
            assertEquals(1, w.transport(1).dropped(Transport.Drop.PKEY_MISMATCH));
        }
    }

    /**
     * A GSI send names the P_Key table entry it goes out with (ib_ud_wr.pkey_index, as mlx4's
     * build_mlx_header reads it for QP1 only), so that a reply goes out on the partition of its
     * request; an index past the table fails the post with -EINVAL (ib_get_cached_pkey).
     */
    @Test
    void shouldSendEachGsiDatagramWithThePkeyItsWorkRequestNames() {
        try (World w = World.of(SEED, 2, 0, 2)) {
            Side a = new Side(w, 0);
            Side b = new Side(w, 1);
            partition8001(w);
            Qp gsiA = a.qp(QpType.GSI, GSI_QKEY);
            b.qp(QpType.GSI, GSI_QKEY);
            List<Integer> pkeys = new ArrayList<>();
            w.fabric().addTap((t, link, dir, packet) -> pkeys.add(new Bth().wrap(packet, Lrh.HEADER_LENGTH).pKey()));
            Ah ah = Ah.create(a.pd, AhAttr.lid(1, w.lid(1))).get();
            for (int index : new int[] {1, 0}) {
                assertTrue(gsiA.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(new Sge(a.buf + 8192, LEN,
                        a.mr.lkey())).ah(ah).remoteQpn(1).remoteQkey(GSI_QKEY).pkeyIndex(index)).ok());
            }
            w.settle();
            assertEquals(List.of(0x8001, 0x8001, 0xffff, 0xffff), pkeys.stream().sorted().toList(),
                    at("each on its own partition, both hops"));
            assertEquals(List.of(1, 0), b.receives().stream().map(wc -> wc.pkeyIndex).toList());
            int tableLen = a.dev.port(1).pkeyTableLength();
            assertEquals(Errno.EINVAL.negative(), gsiA.postSend(new SendWr().wrId(2).opcode(WrOpcode.SEND)
                    .sgList(new Sge(a.buf + 8192, LEN, a.mr.lkey())).ah(ah).remoteQpn(1).remoteQkey(GSI_QKEY)
                    .pkeyIndex(tableLen)).ret(), at("no such entry"));
        }
    }

    @Test
    void shouldCarrySmpsOnVl15ToQp0AndNothingElse() {
        try (World w = World.of(SEED, 2, 0, 2)) {
            Side a = new Side(w, 0);
            Side b = new Side(w, 1);
            Qp smiA = a.qp(QpType.SMI, 0);
            Qp smiB = b.qp(QpType.SMI, 0);
            assertEquals(0, smiA.qpNum());
            List<Seen> seen = tap(w);
            List<byte[]> smps = new ArrayList<>();
            w.fabric().addTap((t, link, dir, packet) -> smps.add(packet.clone()));
            // The MAD header's mgmt_class (byte 1): a directed-route SMP, as sent to and from the
            // permissive LID below.
            a.host.memory().write(a.buf + 8192 + 1, new byte[] {(byte) 0x81});
            a.send(smiA, w.lid(1), 0, 0x77);
            w.settle();
            List<Wc> got = b.receives();
            assertEquals(1, got.size(), at("the SMP, whose Q_Key QP0 does not check: " + got));
            assertEquals(0, got.get(0).srcQp, at("from QP0"));
            assertTrue(!seen.isEmpty() && seen.stream().allMatch(s -> s.vl() == 15 && s.destQp() == 0
                    && s.srcQp() == 0), at("QP0 to QP0 on VL15: " + seen));

            // Directed route: the permissive LID reaches the SMI of the port it arrives at. The
            // model's switches do not route directed-route SMPs, so the packet is handed to b's
            // port as if it came straight down a cable: the SMP above with DLID 0xFFFF.
            byte[] dr = smps.get(0).clone();
            dr[Lrh.DLID_OFFSET] = (byte) 0xFF;
            dr[Lrh.DLID_OFFSET + 1] = (byte) 0xFF;
            new org.ibmodel.sim.wire.Crcs().write(dr);
            org.ibmodel.sim.fabric.FabricPort bPort = w.link(1, 1).a();
            w.transport(1).sink(1).receive(bPort, dr);
            w.settle();
            assertEquals(1, b.receives().size(), at("a directed-route SMP is taken at the permissive LID"));
            // qib_ud_rcv: a LID-routed SMP (mgmt_class 0x01) is not, to the permissive LID or from it.
            for (int end : new int[] {Lrh.DLID_OFFSET, Lrh.SLID_OFFSET}) {
                byte[] lidRouted = smps.get(0).clone();
                lidRouted[end] = (byte) 0xFF;
                lidRouted[end + 1] = (byte) 0xFF;
                lidRouted[lidRouted.length - 4 - 2 - 256 + 1] = 0x01;
                new org.ibmodel.sim.wire.Crcs().write(lidRouted);
                w.transport(1).sink(1).receive(bPort, lidRouted);
            }
            w.settle();
            assertEquals(0, b.receives().size(), at("a LID-routed SMP at or from the permissive LID is dropped"));
            assertEquals(2, w.transport(1).dropped(Transport.Drop.PERMISSIVE_NOT_DIRECTED_ROUTE));
            a.send(smiA, 0xFFFF, 0, 0);
            w.settle();
            assertEquals(0xFFFF, seen.get(seen.size() - 1).slid(), at("a directed-route SMP's SLID is permissive"));

            // Not on VL15, or not for QP0: dropped; the permissive LID to any other QP: dropped.
            Qp ud = a.qp(QpType.UD, 5);
            Qp udB = b.qp(QpType.UD, 5);
            smps.clear();
            a.send(ud, w.lid(1), 0, 0);
            a.send(ud, w.lid(1), udB.qpNum(), 5);
            w.settle();
            assertEquals(1, b.receives().size(), at("only the UD QP's own packet: nothing for QP0 off VL15"));
            assertEquals(1, w.transport(1).dropped(Transport.Drop.VL15_MISMATCH), at("QP0 off VL15"));
            byte[] toUd = smps.get(smps.size() - 1).clone();
            dr = toUd;
            dr[Lrh.DLID_OFFSET] = (byte) 0xFF;
            dr[Lrh.DLID_OFFSET + 1] = (byte) 0xFF;
            new org.ibmodel.sim.wire.Crcs().write(dr);
            long before = w.transport(1).dropped(Transport.Drop.DLID_MISMATCH);
            w.transport(1).sink(1).receive(bPort, dr);
            w.settle();
            assertEquals(before + 1, w.transport(1).dropped(Transport.Drop.DLID_MISMATCH),
                    at("the permissive LID for any QP but QP0 is dropped"));
            assertEquals(0, smiB.qpNum());
        }
    }

    /**
     * qib_ud_rcv, hfi1_ud_rcv: an SMP that finds QP0 with no receive WQE is dropped and counted in
     * PortCounters' VL15Dropped (IBA 16.1.3.5), which a Set with IB_PMA_SEL_PORT_VL15_DROPPED clears.
     */
    @Test
    void shouldCountSmpsQp0HadNoReceiveForAsVl15Dropped() {
        try (World w = World.of(SEED, 2, 0, 2)) {
            Side a = new Side(w, 0);
            Side b = new Side(w, 1);
            Qp smiA = a.qp(QpType.SMI, 0);
            b.qp(QpType.SMI, 0);
            for (int i = 0; i < 6; i++) {
                a.send(smiA, w.lid(1), 0, 0);
            }
            w.settle();
            assertEquals(4, b.receives().size(), at("the four receives Side.qp posts"));
            assertEquals(2, PortCounters.query(b.dev, 1).get().vl15Dropped(), at("the two SMPs after them"));
            assertEquals(0, PortCounters.query(b.dev, 2).get().vl15Dropped(), at("port 2's QP0 saw none"));
            w.host(1).hca(0).firmware().port(1).clearCounters(HcaPort.SEL_VL15_DROPPED);
            assertEquals(0, PortCounters.query(b.dev, 1).get().vl15Dropped(), at("cleared by its select bit"));
        }
    }

    @Test
    void shouldDropAPermissiveSlidForAnyQpButQp0() {
        try (World w = World.of(SEED, 2, 0, 2)) {
            Side a = new Side(w, 0);
            Side b = new Side(w, 1);
            Qp ud = a.qp(QpType.UD, 5);
            Qp udB = b.qp(QpType.UD, 5);
            Qp gsiA = a.qp(QpType.GSI, GSI_QKEY);
            b.qp(QpType.GSI, GSI_QKEY);
            List<byte[]> sent = new ArrayList<>();
            w.fabric().addTap((t, link, dir, packet) -> sent.add(packet.clone()));
            a.send(ud, w.lid(1), udB.qpNum(), 5);
            w.settle();
            assertEquals(1, b.receives().size(), at("the UD send as sent is taken"));
            a.send(gsiA, w.lid(1), 1, GSI_QKEY);
            w.settle();
            assertEquals(1, b.receives().size(), at("the GSI send as sent is taken"));

            // IBA 9.6.1.4.1, 9.6.1.5.1 (drivers/infiniband/hw/qib/qib_ud.c qib_ud_rcv): the
            // permissive LID is QP0's alone, as SLID as well as DLID.
            org.ibmodel.sim.fabric.FabricPort bPort = w.link(1, 1).a();
            for (byte[] packet : sent) {
                byte[] p = packet.clone();
                new Lrh().wrap(p, 0).slid(0xFFFF);
                new org.ibmodel.sim.wire.Crcs().write(p);
                w.transport(1).sink(1).receive(bPort, p);
            }
            w.settle();
            assertEquals(0, b.receives().size(), at("neither the UD QP nor QP1 takes SLID 0xFFFF"));
            assertEquals(sent.size(), w.transport(1).dropped(Transport.Drop.SLID_PERMISSIVE),
                    at("each counted: " + w.transport(1).drops()));
        }
    }
}
