// A performance manager reading a switch port's counters through the switch's agent, as perfquery
// does (IBA 16.1; include/rdma/ib_pma.h): MADs from a host's QP1 to the switch's LID
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
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
import org.ibmodel.sim.device.HcaPort;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.device.Pma;
import org.ibmodel.sim.fabric.Link;
import org.ibmodel.sim.fabric.Switch;
import org.ibmodel.sim.fabric.SwitchPortCounters.Counter;
import org.junit.jupiter.api.Test;

/** Two hosts through one switch (h0 on switch port 1, h1 on port 2); h0's QP1 asks the switch. */
class SwitchAgentTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 17);
    private static final int MAD = 256;
    private static final int GRH = 40;
    private static final int GET = 0x01;
    private static final int SET = 0x02;
    private static final int GET_RESP = 0x81;
    /** A UD SEND Only carrying a MAD: LRH, BTH, DETH, 256 bytes, ICRC; the VCRC not counted. */
    private static final int MAD_PACKET_WORDS = (8 + 12 + 8 + MAD + 4) / 4;

    private static String at(String what) {
        return what + "\nreplay: mvn -B -pl driver-sim -am verify -Dtest=SwitchAgentTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=" + SEED;
    }

    /** Host {@code i}'s verbs objects and a QP of the kind asked, in RTS on port 1. */
    static final class Side {
        final World w;
        final Host host;
        final IbDevice dev;
        final Pd pd;
        final Cq cq;
        final long buf;
        final Mr mr;
        private int tid;

        Side(World w, int i) {
            this.w = w;
            host = w.host(i);
            dev = host.driver(0).device();
            pd = Pd.alloc(dev).get();
            cq = Cq.create(dev, null, null, new CqInitAttr(64, 0)).get();
            buf = host.memory().alloc(256 * 1024);
            mr = Mr.reg(pd, buf, 256 * 1024, buf, AccessFlags.LOCAL_WRITE).get();
        }

        Qp qp(QpType type, int qkey) {
            QpInitAttr init = QpInitAttr.of(type, cq, cq, QpCap.of(16, 16, 1));
            init.portNum = 1;
            Qp qp = Qp.create(pd, init).get();
            QpAttr a = new QpAttr().state(QpState.INIT);
            a.qkey = qkey;
            a.portNum = 1;
            int mask = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.QKEY);
            assertEquals(0, qp.modify(a, type == QpType.UD ? mask | QpAttrMask.PORT.bit() : mask));
            assertEquals(0, qp.modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()));
            assertEquals(0, qp.modify(new QpAttr().state(QpState.RTS),
                    QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN)));
            // Receive buffers: the GSI's at wr_id 100.., the SMI's at 200.., others' at 300..
            int base = type == QpType.GSI ? 100 : type == QpType.SMI ? 200 : 300;
            if (type == QpType.GSI) {
                gsi = qp;
            } else if (type == QpType.SMI) {
                smi = qp;
            }
            for (int k = 0; k < 8; k++) {
                assertTrue(qp.postRecv(new RecvWr(base + k, slot(base + k))).ok());
            }
            return qp;
        }

        private Sge slot(long wrId) {
            return new Sge(buf + (wrId - 100) * 1024, GRH + MAD, mr.lkey());
        }

        /** A MAD of class PerfMgt (or {@code mgmtClass}) with a fresh TID, its PortSelect at byte 65. */
        byte[] mad(int mgmtClass, int method, int attr, int portSelect, int counterSelect) {
            byte[] m = new byte[MAD];
            Layout.Mad.BASE_VERSION.set(m, 0, 1);
            Layout.Mad.MGMT_CLASS.set(m, 0, mgmtClass);
            Layout.Mad.CLASS_VERSION.set(m, 0, 1);
            Layout.Mad.METHOD.set(m, 0, method);
            Layout.Mad.TID.set(m, 0, 0x1000 + ++tid);
            Layout.Mad.ATTR_ID.set(m, 0, attr);
            Layout.PortCounters.PORT_SELECT.set(m, Layout.Mad.DATA, portSelect);
            Layout.PortCounters.COUNTER_SELECT.set(m, Layout.Mad.DATA, counterSelect);
            return m;
        }

        /** Sends {@code mad} from {@code qp} to QP1 at {@code dlid} with {@code qkey}. */
        void send(Qp qp, int dlid, int qkey, byte[] mad) {
            send(qp, dlid, 1, qkey, mad);
        }

        /** Sends {@code mad} from {@code qp} to {@code destQp} at {@code dlid} with {@code qkey}. */
        void send(Qp qp, int dlid, int destQp, int qkey, byte[] mad) {
            send(qp, dlid, destQp, qkey, mad, 0);
        }

        /** As {@link #send(Qp, int, int, int, byte[])}, with the P_Key at {@code pkeyIndex} of the table. */
        void send(Qp qp, int dlid, int destQp, int qkey, byte[] mad, int pkeyIndex) {
            host.memory().write(buf + 250 * 1024, mad);
            Ah ah = Ah.create(pd, AhAttr.lid(1, dlid)).get();
            assertTrue(qp.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND)
                    .sgList(new Sge(buf + 250 * 1024, MAD, mr.lkey())).ah(ah).remoteQpn(destQp).remoteQkey(qkey)
                    .pkeyIndex(pkeyIndex)).ok());
        }

        /** The MADs received since the last call, in order. */
        List<byte[]> received() {
            List<byte[]> out = new ArrayList<>();
            Wc[] batch = new Wc[8];
            int n;
            while ((n = cq.poll(batch.length, batch)) > 0) {
                for (int k = 0; k < n; k++) {
                    long id = batch[k].wrId;
                    if (id >= 100) {
                        assertEquals(WcStatus.SUCCESS, batch[k].status, at(batch[k].toString()));
                        out.add(host.memory().read(buf + (id - 100) * 1024 + GRH, MAD));
                        lastSrcQp = batch[k].srcQp;
                        Qp to = id < 200 ? gsi : id < 300 ? smi : null;
                        if (to != null) {
                            assertTrue(to.postRecv(new RecvWr(id, slot(id))).ok());
                        }
                    }
                }
            }
            return out;
        }

        Qp gsi;
        Qp smi;
        int lastSrcQp = -1;

        /** Sends {@code mad} from QP1 to the switch's QP1 and returns its one answer. */
        byte[] ask(int switchLid, byte[] mad) {
            send(gsi, switchLid, SwitchAgent.GSI_QKEY, mad);
            return answer(mad, 1);
        }

        /** Sends the SMP {@code mad} from QP0 to the switch's QP0 and returns its one answer. */
        byte[] askSma(int switchLid, byte[] mad) {
            return askSmaAt(switchLid, mad);
        }

        /** Sends the SMP {@code mad} from QP0 to {@code dlid} (0xFFFF: directed) and returns its one answer. */
        byte[] askSmaAt(int dlid, byte[] mad) {
            send(smi, dlid, 0, 0, mad);
            return answer(mad, 0);
        }

        private byte[] answer(byte[] mad, int fromQp) {
            w.settle();
            List<byte[]> got = received();
            assertEquals(1, got.size(), at("one answer to attribute " + Layout.Mad.ATTR_ID.getInt(mad, 0)));
            byte[] r = got.get(0);
            assertEquals(GET_RESP, Layout.Mad.METHOD.getInt(r, 0), at("a GetResp"));
            assertEquals(Layout.Mad.TID.get(mad, 0), Layout.Mad.TID.get(r, 0), at("the request's TID"));
            assertEquals(fromQp, lastSrcQp, at("answered from QP" + fromQp));
            return r;
        }
    }

    private static long field(byte[] mad, org.ibmodel.sim.device.Field f) {
        return f.get(mad, Layout.Mad.DATA);
    }

    private static int status(byte[] mad) {
        return Layout.Mad.STATUS.getInt(mad, 0);
    }

    @Test
    void shouldAnswerClassPortInfoAndEachPortsCountersAsTheyStandWhenAsked() {
        try (World w = World.of(SEED, 2)) {
            Side a = new Side(w, 0);
            a.qp(QpType.GSI, SwitchAgent.GSI_QKEY);
            Switch sw = w.fabric().switches().get(0);
            int lid = sw.port(0).lid();

            byte[] cpi = a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_CLASS_PORT_INFO, 0, 0));
            assertEquals(0, status(cpi), at("ClassPortInfo answered"));
            assertEquals(1 << 9, field(cpi, Layout.PmaClassPortInfo.CAPABILITY_MASK),
                    at("IB_PMA_CLASS_CAP_EXT_WIDTH: PortCountersExtended is there"));

            // The request is in switch port 1's counters when the agent reads them; the ClassPortInfo
            // request and its answer before it too.
            byte[] pc = a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS, 1, 0));
            assertEquals(0, status(pc));
            assertEquals(2, field(pc, Layout.PortCounters.PORT_RCV_PACKETS), at("two requests in"));
            assertEquals(1, field(pc, Layout.PortCounters.PORT_XMIT_PACKETS), at("one answer out"));
            assertEquals(2 * MAD_PACKET_WORDS, field(pc, Layout.PortCounters.PORT_RCV_DATA), at("in 4-octet words"));
            assertEquals(1, field(pc, Layout.PortCounters.PORT_SELECT), at("PortSelect kept"));
            assertEquals(0, field(pc, Layout.PortCounters.PORT_RCV_SWITCH_RELAY_ERRORS));

            // h1's port saw nothing; the switch's own counters agree with what the agent said.
            byte[] other = a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS_EXT, 2, 0));
            assertEquals(0, field(other, Layout.PortCountersExt.PORT_XMIT_PACKETS), at("nothing went to h1"));
            assertEquals(3, sw.counters(1).get(Counter.RCV_PACKETS));
            assertEquals(3, sw.counters(1).get(Counter.XMIT_PACKETS), at("three answers out by now"));
            assertEquals(3, w.agent(sw).answered());
        }
    }

    /**
     * Traffic between the hosts shows on both ends of each cable: what the switch port sent, the
     * HCA port received, and the other way round, read through each one's own agent.
     */
    @Test
    void shouldCountWhatEachCableCarriedAlikeAtTheSwitchAndAtTheHca() {
        try (World w = World.of(SEED, 2)) {
            Side a = new Side(w, 0);
            Side b = new Side(w, 1);
            a.qp(QpType.GSI, SwitchAgent.GSI_QKEY);
            Qp ud = a.qp(QpType.UD, 0x22);
            b.qp(QpType.UD, 0x22);
            Switch sw = w.fabric().switches().get(0);
            int lid = sw.port(0).lid();
            for (int k = 0; k < 5; k++) {
                a.send(ud, w.lid(1), 0x22, new byte[MAD]);
            }
            w.settle();
            // UD to QPN 1 of h1 is its GSI, which drops a Q_Key of 0x22; no matter: the packets
            // crossed the cable. Read h1's port through ib_core, the switch's through its agent.
            PortCounters h1 = PortCounters.query(b.dev, 1).get();
            byte[] sw2 = a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS_EXT, 2, 0));
            assertEquals(h1.portRcvPackets(), field(sw2, Layout.PortCountersExt.PORT_XMIT_PACKETS),
                    at("switch port 2 sent what h1 received: " + h1));
            assertEquals(h1.portRcvData(), field(sw2, Layout.PortCountersExt.PORT_XMIT_DATA), at(h1.toString()));
            assertEquals(h1.unicastRcvPackets(), field(sw2, Layout.PortCountersExt.PORT_UNICAST_XMIT_PACKETS));
            assertEquals(5, h1.portRcvPackets(), at(h1.toString()));

            PortCounters h0 = PortCounters.query(a.dev, 1).get();
            byte[] sw1 = a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS_EXT, 1, 0));
            // Port 1 has also taken in the request just answered, which h0 sent after the query.
            assertEquals(h0.portXmitPackets() + 1, field(sw1, Layout.PortCountersExt.PORT_RCV_PACKETS), at(h0.toString()));
        }
    }

    /** Set clears what CounterSelect names, each counter on its own, and answers as a Get after it. */
    @Test
    void shouldClearOnlyTheSelectedCountersOnSet() {
        try (World w = World.of(SEED, 2)) {
            Side a = new Side(w, 0);
            a.qp(QpType.GSI, SwitchAgent.GSI_QKEY);
            Switch sw = w.fabric().switches().get(0);
            int lid = sw.port(0).lid();
            a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS, 1, 0));
            a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS, 1, 0));

            // IB_PMA_SEL_PORT_RCV_PACKETS: the received packets only.
            byte[] set = a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, SET, Pma.ATTR_PORT_COUNTERS, 1, 0x8000));
            assertEquals(0, status(set));
            assertEquals(0, field(set, Layout.PortCounters.PORT_RCV_PACKETS), at("cleared"));
            assertEquals(3 * MAD_PACKET_WORDS, field(set, Layout.PortCounters.PORT_RCV_DATA), at("not selected"));
            assertEquals(2, field(set, Layout.PortCounters.PORT_XMIT_PACKETS), at("not selected"));
            byte[] after = a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS_EXT, 1, 0));
            assertEquals(1, field(after, Layout.PortCountersExt.PORT_RCV_PACKETS), at("counting again from 0"));
            assertEquals(4, field(after, Layout.PortCountersExt.PORT_UNICAST_RCV_PACKETS), at("its own counter"));

            // IB_PMA_SELX_UNICAST_RCV clears the unicast count alone.
            byte[] setx = a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, SET, Pma.ATTR_PORT_COUNTERS_EXT, 1, 0x20));
            assertEquals(0, field(setx, Layout.PortCountersExt.PORT_UNICAST_RCV_PACKETS));
            assertEquals(2, field(setx, Layout.PortCountersExt.PORT_RCV_PACKETS));
            assertEquals(2, sw.counters(1).get(Counter.RCV_PACKETS));
        }
    }

    /**
     * smpquery portinfo and perfquery --xmtdisc of a switch whose port 2 leads to an older HCA
     * (MTUCap 2048): the port reports MTUCap 4096 and NeighborMTU 2048, and a datagram longer
     * than that, which it discards, counts in PortXmitDiscards and in PortXmitDiscardDetails'
     * PortNeighborMTUDiscards, which a Set clears on its own.
     */
    @Test
    void shouldReportEachPortsNeighborMtuAndWhatItDiscardedForIt() {
        try (World w = World.withMtuCaps(SEED, 5, 5, 4)) {
            Side a = new Side(w, 0);
            a.qp(QpType.GSI, SwitchAgent.GSI_QKEY);
            a.qp(QpType.SMI, 0);
            Qp ud = a.qp(QpType.UD, 0x1234);
            Switch sw = w.fabric().switches().get(0);
            int lid = sw.port(0).lid();
            byte[] p1 = a.askSma(lid, attrMod(a.mad(SUBN_LID_ROUTED, GET, 0x0015, 0, 0), 1));
            byte[] p2 = a.askSma(lid, attrMod(a.mad(SUBN_LID_ROUTED, GET, 0x0015, 0, 0), 2));
            assertEquals(5, field(p1, Layout.SmpPortInfo.NEIGHBOR_MTU), at("h0's link takes 4096"));
            assertEquals(5, field(p2, Layout.SmpPortInfo.MTU_CAP), at("the switch port's own MTUCap"));
            assertEquals(4, field(p2, Layout.SmpPortInfo.NEIGHBOR_MTU), at("h1's link takes 2048"));

            assertTrue(ud.postSend(datagram(a, w.lid(1), 3000)).ok());
            w.settle();
            byte[] d = a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_XMIT_DISCARD_DETAILS, 2, 0));
            assertEquals(0, status(d));
            assertEquals(List.of(0, 1, 0, 0), discardDetails(d), at("the 3000-byte datagram; port 2 was active"));
            assertEquals(1, field(a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS, 2, 0)),
                    Layout.PortCounters.PORT_XMIT_DISCARDS), at("PortXmitDiscards"));
            byte[] none = a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_XMIT_DISCARD_DETAILS, 1, 0));
            assertEquals(List.of(0, 0, 0, 0), discardDetails(none), at("port 1 discarded nothing"));

            // h1's cable pulled, the LFT as it was: a datagram that fits is discarded at port 2
            // for its link being down.
            w.link(1).changeState(Link.State.DOWN);
            assertTrue(ud.postSend(datagram(a, w.lid(1), 100)).ok());
            w.settle();
            byte[] both = a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_XMIT_DISCARD_DETAILS, 2, 0));
            assertEquals(List.of(1, 1, 0, 0), discardDetails(both), at("PortInactiveDiscards"));

            // CounterSelect bit 1, PortNeighborMTUDiscards, alone; then bit 0, PortInactiveDiscards.
            byte[] set = a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, SET, Pma.ATTR_PORT_XMIT_DISCARD_DETAILS, 2, 0x2));
            assertEquals(0, status(set));
            assertEquals(List.of(1, 0, 0, 0), discardDetails(set), at("PortNeighborMTUDiscards cleared"));
            set = a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, SET, Pma.ATTR_PORT_XMIT_DISCARD_DETAILS, 2, 0x1));
            assertEquals(List.of(0, 0, 0, 0), discardDetails(set), at("PortInactiveDiscards cleared"));
            assertEquals(2, sw.counters(2).get(Counter.XMIT_DISCARDS), at("PortCounters' own counter stays"));
        }
    }

    /**
     * PortXmitDiscardDetails' four 16-bit counters as perfquery --xmtdisc reads them, from the
     * bytes (libibmad fields.c: bit offsets 32, 48, 64 and 80 of the attribute): PortInactive,
     * PortNeighborMTU, PortSwLifetimeLimit and PortSwHOQLifetimeLimit discards.
     */
    private static List<Integer> discardDetails(byte[] mad) {
        List<Integer> out = new ArrayList<>();
        for (int at = Layout.Mad.DATA + 4; at < Layout.Mad.DATA + 12; at += 2) {
            out.add((mad[at] & 0xff) << 8 | mad[at + 1] & 0xff);
        }
        return out;
    }

    /**
     * smpquery switchinfo after a cable was pulled, and after it was put back: PortStateChange is
     * set each time, as a light sweep of OpenSM finds it, until the SM's sweep clears it; the
     * boot's own link-ups are cleared by the world's first sweep.
     */
    @Test
    void shouldReportAPortStateChangeUntilTheSmSweeps() {
        try (World w = World.of(SEED, 2)) {
            Side a = new Side(w, 0);
            a.qp(QpType.SMI, 0);
            Switch sw = w.fabric().switches().get(0);
            int lid = sw.port(0).lid();
            int d = Layout.Mad.DATA;
            byte[] quiet = switchInfo(a, lid);
            assertEquals(0, SwitchSma.SwitchInfo.PORT_STATE_CHANGE.getInt(quiet, d), at("nothing since the boot"));
            assertEquals(0x12, SwitchSma.SwitchInfo.LIFE_TIME_VALUE.getInt(quiet, d), at("the bits beside it"));

            w.link(1).changeState(Link.State.DOWN);
            w.settle();
            byte[] changed = switchInfo(a, lid);
            assertEquals(1, SwitchSma.SwitchInfo.PORT_STATE_CHANGE.getInt(changed, d), at("h1's cable pulled"));
            assertEquals(0x12, SwitchSma.SwitchInfo.LIFE_TIME_VALUE.getInt(changed, d));
            // OpenSM's SubnSet(SwitchInfo): writing 0 leaves the bit, writing 1 clears it.
            byte[] kept = a.askSma(lid, switchInfoSet(a, lid, 0, 0x12));
            assertEquals(0, status(kept));
            assertEquals(1, SwitchSma.SwitchInfo.PORT_STATE_CHANGE.getInt(kept, d), at("a 0 changes nothing"));
            byte[] cleared = a.askSma(lid, switchInfoSet(a, lid, 1, 0x13));
            assertEquals(0, SwitchSma.SwitchInfo.PORT_STATE_CHANGE.getInt(cleared, d), at("a 1 clears it"));
            assertEquals(0x13, SwitchSma.SwitchInfo.LIFE_TIME_VALUE.getInt(switchInfo(a, lid), d), at("LifeTimeValue"));
            assertEquals(0x1c, status(a.askSma(lid, attrMod(switchInfoSet(a, lid, 1, 0x12), 1))), at("a modifier"));

            w.link(1).changeState(Link.State.UP);
            w.link(1).changeState(Link.State.DOWN);
            w.settle();
            w.sweep();
            byte[] swept = switchInfo(a, lid);
            assertEquals(0, SwitchSma.SwitchInfo.PORT_STATE_CHANGE.getInt(swept, d), at("the sweep cleared it"));

            w.link(1).changeState(Link.State.UP);
            w.settle();
            assertEquals(1, SwitchSma.SwitchInfo.PORT_STATE_CHANGE.getInt(switchInfo(a, lid), d),
                    at("h1's cable back: the link trained"));
            w.sweep();
            assertEquals(0, SwitchSma.SwitchInfo.PORT_STATE_CHANGE.getInt(switchInfo(a, lid), d));
        }
    }

    /**
     * ibportstate disable, enable, reset and down of switch port 2, h1's, as ibportstate sends
     * them (the port in the modifier with bit 31, port 0 saying IsExtendedSpeedsSupported):
     * PortPhysicalState Disabled takes the link down (h1's port goes DOWN), a change made by a Set
     * that PortStateChange does not report; Polling lets it train again (h1 ACTIVE, and the
     * training is reported), and on an up port bounces it (reset), as PortState Down does (down).
     * A value a Set may not give changes nothing.
     */
    @Test
    void shouldDisableEnableResetAndDownAPortAsIbportstateDoes() {
        try (World w = World.of(SEED, 2)) {
            Side a = new Side(w, 0);
            a.qp(QpType.SMI, 0);
            Switch sw = w.fabric().switches().get(0);
            int lid = sw.port(0).lid();
            int d = Layout.Mad.DATA;
            HcaPort h1 = w.host(1).hca(0).firmware().port(1);
            IbDevice h1Dev = w.host(1).driver(0).device();
            long h1Downed = PortCounters.query(h1Dev, 1).get().linkDowned();

            byte[] off = a.askSma(lid, portInfoSet(a, 2, 0, HcaPort.PHYS_DISABLED));
            assertEquals(0, status(off));
            assertEquals(HcaPort.DOWN, field(off, Layout.SmpPortInfo.PORT_STATE), at("the answer is after the Set"));
            assertEquals(HcaPort.PHYS_DISABLED, field(off, Layout.SmpPortInfo.PORT_PHYS_STATE));
            assertEquals(Link.State.DOWN, w.link(1).state());
            w.settle();
            assertEquals(HcaPort.DOWN, h1.state(), at("h1's port lost its link"));
            assertEquals(h1Downed + 1, PortCounters.query(h1Dev, 1).get().linkDowned(), at("h1's LinkDownedCounter"));
            assertEquals(0, SwitchSma.SwitchInfo.PORT_STATE_CHANGE.getInt(switchInfo(a, lid), d),
                    at("a Set's change is not reported"));
            assertEquals(0x1c, status(a.askSma(lid, portInfoSet(a, 2, HcaPort.ACTIVE, 0))),
                    at("Active asked of a disabled port"));
            assertEquals(Link.State.DOWN, w.link(1).state(), at("and nothing changed"));
            assertEquals(0, status(a.askSma(lid, portInfoSet(a, 2, HcaPort.DOWN, 0))), at("down: already"));
            assertEquals(Link.State.DOWN, w.link(1).state(), at("PortState Down does not enable a disabled port"));

            byte[] on = a.askSma(lid, portInfoSet(a, 2, 0, HcaPort.PHYS_POLLING));
            assertEquals(HcaPort.ACTIVE, field(on, Layout.SmpPortInfo.PORT_STATE), at("trained again"));
            w.settle();
            assertEquals(HcaPort.ACTIVE, h1.state());
            assertEquals(1, SwitchSma.SwitchInfo.PORT_STATE_CHANGE.getInt(switchInfo(a, lid), d),
                    at("the training is reported"));
            assertEquals(0, status(a.askSma(lid, portInfoSet(a, 2, HcaPort.ACTIVE, 0))), at("Active of an up port"));

            long downed = sw.counters(2).get(Counter.LINK_DOWNED);
            byte[] reset = a.askSma(lid, portInfoSet(a, 2, 0, HcaPort.PHYS_POLLING));
            assertEquals(HcaPort.ACTIVE, field(reset, Layout.SmpPortInfo.PORT_STATE), at("reset: down and up again"));
            assertEquals(downed + 1, sw.counters(2).get(Counter.LINK_DOWNED));
            byte[] down = a.askSma(lid, portInfoSet(a, 2, HcaPort.DOWN, 0));
            assertEquals(HcaPort.ACTIVE, field(down, Layout.SmpPortInfo.PORT_STATE), at("down: down and up again"));
            assertEquals(downed + 2, sw.counters(2).get(Counter.LINK_DOWNED));
            w.settle();
            assertEquals(HcaPort.ACTIVE, h1.state());

            int[][] bad = {{0, 5}, {HcaPort.INIT, 0}, {0, 1}, {HcaPort.INIT, HcaPort.PHYS_DISABLED},
                {HcaPort.ARMED, HcaPort.PHYS_POLLING}, {HcaPort.ACTIVE, HcaPort.PHYS_DISABLED}};
            for (int[] b : bad) {
                assertEquals(0x1c, status(a.askSma(lid, portInfoSet(a, 2, b[0], b[1]))),
                        at("PortState " + b[0] + ", PortPhysicalState " + b[1]));
            }
            assertEquals(0x1c, status(a.askSma(lid, portInfoSet(a, sw.numPorts() + 1, 0, HcaPort.PHYS_DISABLED))));
            assertEquals(0x0c, status(a.askSma(lid, portInfoSet(a, 0, 0, HcaPort.PHYS_DISABLED))),
                    at("port 0's PortInfo is not set here"));
            assertEquals(downed + 2, sw.counters(2).get(Counter.LINK_DOWNED), at("no refused Set touched the link"));
            assertEquals(0x0c, status(a.askSma(lid, a.mad(SUBN_LID_ROUTED, SET, 0x0010, 0, 0))),
                    at("NodeDescription takes no Set"));

            // With the cable out, enable leaves the port polling for a partner.
            w.link(1).changeState(Link.State.DOWN);
            a.askSma(lid, portInfoSet(a, 2, 0, HcaPort.PHYS_DISABLED));
            byte[] polling = a.askSma(lid, portInfoSet(a, 2, 0, HcaPort.PHYS_POLLING));
            assertEquals(HcaPort.PHYS_POLLING, field(polling, Layout.SmpPortInfo.PORT_PHYS_STATE));
            assertEquals(HcaPort.DOWN, field(polling, Layout.SmpPortInfo.PORT_STATE));

            // A directed-route Set, one hop to the switch, as ibportstate -D 0,1 disables.
            byte[] dr = drSmp(a, 0x0015, 1);
            Layout.Mad.METHOD.set(dr, 0, SET);
            attrMod(dr, 2);
            Layout.SmpPortInfo.PORT_PHYS_STATE.set(dr, d, HcaPort.PHYS_DISABLED);
            byte[] drOff = a.askSmaAt(0xffff, dr);
            assertEquals(SwitchSma.DIRECTION, status(drOff), at("taken, answered back along the path"));
            assertEquals(HcaPort.PHYS_DISABLED, field(drOff, Layout.SmpPortInfo.PORT_PHYS_STATE));
        }
    }

    /**
     * Disabling a leaf's trunk port is a Set's change at the leaf, not reported there; at the
     * spine, the other end, its link's state machine took the link down, and it is reported.
     */
    @Test
    void shouldReportASetsLinkChangeAtThePeerSwitchOnly() {
        try (World w = World.fatTree(SEED, 4, 2, 1)) {
            Side a = new Side(w, 0);
            a.qp(QpType.SMI, 0);
            Switch leaf = named(w, "leaf0");
            Switch spine = named(w, "spine0");
            int trunk = 3;
            assertEquals(spine, leaf.port(trunk).peer().owner(), at("leaf0's port 3 is its trunk"));
            assertEquals(0, status(a.askSma(leaf.port(0).lid(), portInfoSet(a, trunk, 0, HcaPort.PHYS_DISABLED))));
            assertEquals(Link.State.DOWN, leaf.port(trunk).link().state());
            assertEquals(false, leaf.portStateChange(), at("the Set's own change"));
            assertEquals(true, spine.portStateChange(), at("the spine's link went down under it"));
        }
    }

    /**
     * An SM's SubnSet of the forwarding tables: an LFT block with h1's entry 0xFF leaves h1
     * unreachable (a datagram to it is a relay error at its ingress port), the block written back
     * routes it again; an MFT block and position replaces a group's ports there. An entry naming a
     * port the switch does not have changes nothing.
     */
    @Test
    void shouldTakeAnSmsForwardingTableBlocks() {
        try (World w = World.of(SEED, 2)) {
            Side a = new Side(w, 0);
            a.qp(QpType.SMI, 0);
            Qp ud = a.qp(QpType.UD, 0x1234);
            Switch sw = w.fabric().switches().get(0);
            int lid = sw.port(0).lid();
            int d = Layout.Mad.DATA;
            int h1 = w.lid(1);
            byte[] block = a.askSma(lid, attrMod(a.mad(SUBN_LID_ROUTED, GET, 0x0019, 0, 0), h1 / 64));
            assertEquals(2, block[d + h1 % 64] & 0xff, at("h1 by port 2"));

            byte[] unroute = attrMod(a.mad(SUBN_LID_ROUTED, SET, 0x0019, 0, 0), h1 / 64);
            System.arraycopy(block, d, unroute, d, 64);
            unroute[d + h1 % 64] = (byte) 0xff;
            byte[] written = a.askSma(lid, unroute);
            assertEquals(0, status(written));
            assertEquals(0xff, written[d + h1 % 64] & 0xff, at("the answer is the block as written"));
            assertEquals(Switch.NO_ROUTE, sw.route(h1));
            SendWr datagram = datagram(a, h1, 64);
            long sent = sw.counters(2).get(Counter.XMIT_PACKETS);
            assertTrue(ud.postSend(datagram).ok());
            w.settle();
            assertEquals(1, sw.counters(1).get(Counter.RCV_SWITCH_RELAY_ERRORS), at("no route to h1"));
            assertEquals(sent, sw.counters(2).get(Counter.XMIT_PACKETS));

            byte[] bad = attrMod(a.mad(SUBN_LID_ROUTED, SET, 0x0019, 0, 0), h1 / 64);
            System.arraycopy(block, d, bad, d, 64);
            bad[d + 63] = (byte) (sw.numPorts() + 1);
            assertEquals(0x1c, status(a.askSma(lid, bad)), at("a port the switch does not have"));
            assertEquals(Switch.NO_ROUTE, sw.route(h1), at("nothing of that block was written"));

            // h1's entry to port 0: the switch's end port takes nothing for a LID not its own.
            byte[] toPort0 = attrMod(a.mad(SUBN_LID_ROUTED, SET, 0x0019, 0, 0), h1 / 64);
            System.arraycopy(block, d, toPort0, d, 64);
            toPort0[d + h1 % 64] = 0;
            assertEquals(0, status(a.askSma(lid, toPort0)));
            long dropped = w.agent(sw).dropped();
            a.send(a.smi, h1, 0, 0, a.mad(SUBN_LID_ROUTED, GET, 0x0011, 0, 0));
            w.settle();
            assertEquals(List.of(), a.received(), at("no NodeInfo from the switch for h1's LID"));
            assertEquals(dropped + 1, w.agent(sw).dropped());

            byte[] restore = attrMod(a.mad(SUBN_LID_ROUTED, SET, 0x0019, 0, 0), h1 / 64);
            System.arraycopy(block, d, restore, d, 64);
            assertEquals(0, status(a.askSma(lid, restore)));
            assertTrue(ud.postSend(datagram).ok());
            w.settle();
            assertEquals(sent + 1, sw.counters(2).get(Counter.XMIT_PACKETS), at("routed to h1 again"));

            // LID 0's entry stays 0xFF whatever is written there; the last port is a port; the
            // last block is 767.
            byte[] zero = a.askSma(lid, a.mad(SUBN_LID_ROUTED, GET, 0x0019, 0, 0));
            byte[] lid0 = a.mad(SUBN_LID_ROUTED, SET, 0x0019, 0, 0);
            System.arraycopy(zero, d, lid0, d, 64);
            lid0[d] = 1;
            assertEquals(0xff, a.askSma(lid, lid0)[d] & 0xff, at("LID 0 routes nowhere"));
            byte[] last = attrMod(a.mad(SUBN_LID_ROUTED, SET, 0x0019, 0, 0), 767);
            java.util.Arrays.fill(last, d, d + 64, (byte) 0xff);
            last[d + 63] = (byte) sw.numPorts();
            assertEquals(0, status(a.askSma(lid, last)), at("LID 0xBFFF to the last port"));
            assertEquals(sw.numPorts(), sw.route(0xBFFF));
            assertEquals(0x1c, status(a.askSma(lid, attrMod(a.mad(SUBN_LID_ROUTED, SET, 0x0019, 0, 0), 768))),
                    at("past LinearFDBCap"));

            // MFT block 0, position 0: MLID 0xC001 (entry 1) to ports 0, 1 and 2; port 0's bit,
            // as OpenSM sets it for a switch in a group, is not taken. A datagram to the group
            // from h0 then leaves by port 2 alone.
            byte[] mft = a.mad(SUBN_LID_ROUTED, SET, 0x001b, 0, 0);
            mft[d + 3] = 0b111;
            assertEquals(0, status(a.askSma(lid, mft)));
            assertArrayEquals(new int[] {1, 2}, sw.multicastRoute(0xC001));
            mft[d + 3] = (byte) (1 << sw.numPorts() + 1);
            assertEquals(0x1c, status(a.askSma(lid, mft)), at("a port the switch does not have"));
            assertArrayEquals(new int[] {1, 2}, sw.multicastRoute(0xC001), at("unchanged"));
            long copies = sw.counters(2).get(Counter.MULTICAST_XMIT_PACKETS);
            assertTrue(ud.postSend(toGroup(a, 0xC001)).ok());
            w.settle();
            assertEquals(copies + 1, sw.counters(2).get(Counter.MULTICAST_XMIT_PACKETS), at("the written tree"));
        }
    }

    /**
     * An SM's SubnSet(SwitchInfo) writes the tables' tops: a LinearFDBTop below h1's LID leaves h1
     * unrouted (a relay error), a MulticastFDBTop of 0xBFFF every group; the Get then reports
     * them, so OpenSM finds what it wrote; the world's sweep writes the tops of its own tables.
     */
    @Test
    void shouldRelayNothingAboveTheTopsAnSmWrote() {
        try (World w = World.of(SEED, 2)) {
            Side a = new Side(w, 0);
            a.qp(QpType.SMI, 0);
            Qp ud = a.qp(QpType.UD, 0x1234);
            Switch sw = w.fabric().switches().get(0);
            int lid = sw.port(0).lid();
            int d = Layout.Mad.DATA;
            w.joinMulticast(0xC001, 0, 1);
            int h1 = w.lid(1);
            byte[] set = switchInfoSet(a, lid, 0, 0x12);
            SwitchSma.SwitchInfo.LINEAR_FDB_TOP.set(set, d, h1 - 1);
            SwitchSma.SwitchInfo.MULTICAST_FDB_TOP.set(set, d, 0xBFFF);
            byte[] written = a.askSma(lid, set);
            assertEquals(0, status(written));
            assertEquals(h1 - 1, SwitchSma.SwitchInfo.LINEAR_FDB_TOP.getInt(written, d), at("what the SM wrote"));
            assertEquals(0xBFFF, SwitchSma.SwitchInfo.MULTICAST_FDB_TOP.getInt(written, d));

            long toH1 = sw.counters(2).get(Counter.XMIT_PACKETS);
            assertTrue(ud.postSend(datagram(a, h1, 64)).ok());
            assertTrue(ud.postSend(toGroup(a, 0xC001)).ok());
            w.settle();
            assertEquals(2, sw.counters(1).get(Counter.RCV_SWITCH_RELAY_ERRORS), at("h1 and the group above the tops"));
            assertEquals(toH1, sw.counters(2).get(Counter.XMIT_PACKETS), at("nothing left by h1's port"));

            // The switch's own LID is above the top now: only a directed-route SMP reaches it.
            SwitchSma.SwitchInfo.LINEAR_FDB_TOP.set(set, d, 0xC000);
            a.send(a.smi, lid, 0, 0, set);
            w.settle();
            assertEquals(List.of(), a.received(), at("a LID-routed SMP to the switch is relayed no more"));
            byte[] dr = drSmp(a, 0x0012, 1);
            Layout.Mad.METHOD.set(dr, 0, SET);
            System.arraycopy(set, d, dr, d, Layout.Mad.DATA_SIZE);
            assertEquals(SwitchSma.DIRECTION | 0x1c, status(a.askSmaAt(0xffff, dr)), at("past LinearFDBCap"));
            assertEquals(h1 - 1, sw.linearFdbTop(), at("unchanged"));

            // A join the world programs is the SM's own change: the MFT's top is the table's again.
            w.joinMulticast(0xC002, 0, 1);
            assertEquals(0xC002, sw.multicastFdbTop(), at("the join's top"));
            assertEquals(h1 - 1, sw.linearFdbTop(), at("the LFT's top as written"));

            w.sweep();
            assertTrue(sw.linearFdbTop() >= h1, at("the sweep's own top"));
            assertEquals(0xC002, sw.multicastFdbTop());
            long sent = sw.counters(2).get(Counter.XMIT_PACKETS);
            assertTrue(ud.postSend(toGroup(a, 0xC001)).ok());
            w.settle();
            assertEquals(sent + 1, sw.counters(2).get(Counter.XMIT_PACKETS), at("the group relayed again"));
        }
    }

    /**
     * smpquery pkeys of a switch and OpenSM's write of it: port 0's P_KeyTable holds one entry
     * (PartitionCap 1), the default 0xFFFF, and the external ports have none. The entry an SM
     * writes is the one the agent's QP1 checks a GMP's P_Key against: a limited 0x7FFF still
     * takes h0's full 0xFFFF, a 0x8001 of another partition does not; QP0 checks no P_Key.
     */
    @Test
    void shouldCheckGmpsAgainstThePkeyAnSmWroteToPort0() {
        try (World w = World.of(SEED, 2)) {
            Side a = new Side(w, 0);
            a.qp(QpType.GSI, SwitchAgent.GSI_QKEY);
            a.qp(QpType.SMI, 0);
            Switch sw = w.fabric().switches().get(0);
            int lid = sw.port(0).lid();
            int d = Layout.Mad.DATA;
            byte[] table = a.askSma(lid, a.mad(SUBN_LID_ROUTED, GET, 0x0016, 0, 0));
            assertEquals(0, status(table));
            assertEquals(0xffff, (table[d] & 0xff) << 8 | table[d + 1] & 0xff, at("the default P_Key"));
            assertEquals(0, table[d + 2] | table[d + 3], at("PartitionCap 1: nothing past it"));
            assertEquals(0x1c, status(a.askSma(lid, attrMod(a.mad(SUBN_LID_ROUTED, GET, 0x0016, 0, 0), 1))),
                    at("block 1"));
            assertEquals(0x1c, status(a.askSma(lid, attrMod(a.mad(SUBN_LID_ROUTED, GET, 0x0016, 0, 0), 1 << 16))),
                    at("port 1: no partition enforcement, no table"));

            byte[] limited = a.askSma(lid, pkeySet(a, 0x7fff));
            assertEquals(0x7fff, (limited[d] & 0xff) << 8 | limited[d + 1] & 0xff, at("the answer is the table"));
            assertEquals(0, status(a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_CLASS_PORT_INFO, 0, 0))),
                    at("h0's full member meets the limited one"));
            // Two limited members do not talk (IBA 10.9.3): h0 sends with its own 0x7FFF, entry 1.
            int[] pkeys = new int[a.dev.port(1).pkeyTableLength()];
            pkeys[0] = 0xffff;
            pkeys[1] = 0x7fff;
            assertEquals(0, a.host.driver(0).setPkeys(1, pkeys));
            w.settle();
            a.send(a.gsi, lid, 1, SwitchAgent.GSI_QKEY,
                    a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_CLASS_PORT_INFO, 0, 0), 1);
            w.settle();
            assertEquals(List.of(), a.received(), at("limited to limited: no answer"));

            a.askSma(lid, pkeySet(a, 0x8001));
            long dropped = w.agent(sw).dropped();
            a.send(a.gsi, lid, SwitchAgent.GSI_QKEY, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_CLASS_PORT_INFO, 0, 0));
            w.settle();
            assertEquals(List.of(), a.received(), at("another partition: no answer"));
            assertEquals(dropped + 1, w.agent(sw).dropped());

            a.askSma(lid, pkeySet(a, 0xffff));
            assertEquals(0, status(a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_CLASS_PORT_INFO, 0, 0))));

            // The answer carries the switch's entry, not the request's P_Key (agent.c answers on
            // the receive's pkey_index): with h0's table {0x7FFF, 0xFFFF}, a request with 0xFFFF
            // to a switch holding 0x7FFF comes back with 0x7FFF, which h0 matches at entry 1 only.
            a.askSma(lid, pkeySet(a, 0x7fff));
            pkeys[0] = 0x7fff;
            pkeys[1] = 0xffff;
            assertEquals(0, a.host.driver(0).setPkeys(1, pkeys));
            w.settle();
            a.send(a.gsi, lid, 1, SwitchAgent.GSI_QKEY,
                    a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_CLASS_PORT_INFO, 0, 0), 1);
            w.settle();
            Wc[] wc = new Wc[8];
            int n = a.cq.poll(wc.length, wc);
            Wc answer = Arrays.stream(wc, 0, n).filter(x -> x.wrId >= 100).findFirst().orElseThrow();
            assertEquals(1, answer.pkeyIndex, at("the answer's P_Key was 0x7FFF, the switch's entry"));
        }
    }

    /** A SubnSet(P_KeyTable) of port 0's block 0 with {@code pkey} as its first entry. */
    private static byte[] pkeySet(Side a, int pkey) {
        byte[] mad = a.mad(SUBN_LID_ROUTED, SET, 0x0016, 0, 0);
        mad[Layout.Mad.DATA] = (byte) (pkey >>> 8);
        mad[Layout.Mad.DATA + 1] = (byte) pkey;
        return mad;
    }

    /** A 64-byte datagram from the side's UD QP to multicast group {@code mlid} (QPN 0xFFFFFF). */
    private static SendWr toGroup(Side a, int mlid) {
        return datagram(a, mlid, 64).remoteQpn(0xFF_FFFF);
    }

    /** A datagram of {@code len} bytes from the side's UD QP (Q_Key 0x1234) to QPN 0x99 at {@code dlid}. */
    private static SendWr datagram(Side a, int dlid, int len) {
        return new SendWr().wrId(9).opcode(WrOpcode.SEND).sgList(new Sge(a.buf, len, a.mr.lkey()))
                .ah(Ah.create(a.pd, AhAttr.lid(1, dlid)).get()).remoteQpn(0x99).remoteQkey(0x1234);
    }

    /**
     * An MFT Set writes one position's 16 ports of each MLID and keeps the others': on a switch
     * of more than 16 ports a group spans two positions, each written on its own.
     */
    @Test
    void shouldWriteOneMftPositionAndKeepTheOthers() {
        try (World w = World.of(SEED, 17)) {
            Side a = new Side(w, 0);
            a.qp(QpType.SMI, 0);
            Switch sw = w.fabric().switches().get(0);
            int lid = sw.port(0).lid();
            int d = Layout.Mad.DATA;
            assertTrue(sw.numPorts() > 16, at(sw.numPorts() + " ports"));
            byte[] low = a.mad(SUBN_LID_ROUTED, SET, 0x001b, 0, 0);
            low[d + 5] = 0b10;
            assertEquals(0, status(a.askSma(lid, low)), at("MLID 0xC002, port 1"));
            byte[] high = attrMod(a.mad(SUBN_LID_ROUTED, SET, 0x001b, 0, 0), 1L << 28);
            high[d + 5] = 0b10;
            byte[] answer = a.askSma(lid, high);
            assertEquals(0, status(answer), at("MLID 0xC002, port 17"));
            assertEquals(0b10, answer[d + 5], at("the answer is position 1"));
            assertArrayEquals(new int[] {1, 17}, sw.multicastRoute(0xC002), at("both positions"));
            low[d + 5] = 0;
            a.askSma(lid, low);
            assertArrayEquals(new int[] {17}, sw.multicastRoute(0xC002), at("position 0 emptied alone"));
        }
    }

    /**
     * A SubnSet(SwitchInfo) writing {@code portStateChange} and {@code lifeTimeValue}, the rest as
     * a Get of the switch at {@code lid} finds it, as OpenSM writes back the SwitchInfo it read.
     */
    private static byte[] switchInfoSet(Side a, int lid, int portStateChange, int lifeTimeValue) {
        byte[] mad = a.mad(SUBN_LID_ROUTED, SET, 0x0012, 0, 0);
        System.arraycopy(switchInfo(a, lid), Layout.Mad.DATA, mad, Layout.Mad.DATA, Layout.Mad.DATA_SIZE);
        SwitchSma.SwitchInfo.PORT_STATE_CHANGE.set(mad, Layout.Mad.DATA, portStateChange);
        SwitchSma.SwitchInfo.LIFE_TIME_VALUE.set(mad, Layout.Mad.DATA, lifeTimeValue);
        return mad;
    }

    /** smpquery switchinfo: a LID-routed SubnGet(SwitchInfo) of the switch at {@code lid}. */
    private static byte[] switchInfo(Side a, int lid) {
        return a.askSma(lid, a.mad(SUBN_LID_ROUTED, GET, 0x0012, 0, 0));
    }

    /**
     * A SubnSet(PortInfo) of port {@code port} asking for {@code state} and {@code phys}, bit 31
     * of the modifier set as ibportstate sets it when port 0 says IsExtendedSpeedsSupported.
     */
    private static byte[] portInfoSet(Side a, int port, int state, int phys) {
        byte[] mad = attrMod(a.mad(SUBN_LID_ROUTED, SET, 0x0015, 0, 0), SwitchSma.EXT_SPEEDS_MODIFIER | port);
        Layout.SmpPortInfo.PORT_STATE.set(mad, Layout.Mad.DATA, state);
        Layout.SmpPortInfo.PORT_PHYS_STATE.set(mad, Layout.Mad.DATA, phys);
        return mad;
    }

    /** What the agent refuses, with the MAD status ib_mad and the kernel's agents give. */
    @Test
    void shouldAnswerABadRequestWithItsStatus() {
        try (World w = World.of(SEED, 2)) {
            Side a = new Side(w, 0);
            a.qp(QpType.GSI, SwitchAgent.GSI_QKEY);
            Switch sw = w.fabric().switches().get(0);
            int lid = sw.port(0).lid();
            int ports = sw.numPorts();
            assertEquals(0x1c, status(a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS, ports + 1,
                    0))), at("a port the switch does not have: invalid attribute value"));
            assertEquals(0x1c, status(a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS, 0xff,
                    0))), at("AllPortSelect is not in its capability mask"));
            assertEquals(0, status(a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS, 0, 0))),
                    at("port 0, the management port, counts nothing but is a port"));
            assertEquals(0x0c, status(a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, 0x0010, 1, 0))),
                    at("an attribute the agent does not have"));
            assertEquals(0x0c, status(a.ask(lid, a.mad(0x03, GET, 0x0011, 0, 0))),
                    at("a class nobody serves at the switch (SubnAdm): mad.c generate_unmatched_resp"));
            assertEquals(0x04, status(a.ask(lid, version2(a.mad(Pma.CLASS_PERF_MGMT, GET,
                    Pma.ATTR_PORT_COUNTERS, 1, 0)))), at("class version 2: bad version"));
            assertEquals(0, w.agent(sw).dropped());
        }
    }

    /**
     * smpquery nodeinfo, nodedesc, portinfo and switchinfo of a switch, and ibroute's blocks of
     * its LFT: LID-routed SubnGets from a host's QP0, answered from the switch's QP0 on VL15.
     */
    @Test
    void shouldAnswerLidRoutedSubnGetsFromTheSwitchesOwnState() {
        try (World w = World.of(SEED, 2)) {
            Side a = new Side(w, 0);
            a.qp(QpType.SMI, 0);
            Switch sw = w.fabric().switches().get(0);
            int lid = sw.port(0).lid();
            int d = Layout.Mad.DATA;

            byte[] ni = a.askSma(lid, a.mad(SUBN_LID_ROUTED, GET, 0x0011, 0, 0));
            assertEquals(0, status(ni));
            assertEquals(2, Layout.NodeInfo.NODE_TYPE.getInt(ni, d), at("NodeType switch"));
            assertEquals(sw.numPorts(), Layout.NodeInfo.NUM_PORTS.getInt(ni, d));
            assertEquals(w.agent(sw).nodeGuid(), Layout.NodeInfo.NODE_GUID.get(ni, d));
            assertEquals(w.agent(sw).nodeGuid(), Layout.NodeInfo.PORT_GUID.get(ni, d), at("port 0's GUID"));
            assertEquals(1, Layout.NodeInfo.LOCAL_PORT_NUM.getInt(ni, d), at("the SMP came in by port 1"));

            byte[] nd = a.askSma(lid, a.mad(SUBN_LID_ROUTED, GET, 0x0010, 0, 0));
            assertEquals(sw.name(), new String(nd, d, sw.name().length(), java.nio.charset.StandardCharsets.US_ASCII));

            byte[] p0 = a.askSma(lid, attrMod(a.mad(SUBN_LID_ROUTED, GET, 0x0015, 0, 0), 0));
            assertEquals(lid, Layout.SmpPortInfo.LID.getInt(p0, d), at("port 0 has the switch's LID"));
            assertEquals(4, Layout.SmpPortInfo.PORT_STATE.getInt(p0, d), at("ACTIVE"));
            assertEquals(w.lid(0), Layout.SmpPortInfo.MASTER_SM_LID.getInt(p0, d), at("the world's SM"));
            assertEquals(1 << 14 | 1 << 30, Layout.SmpPortInfo.CAPABILITY_MASK.get(p0, d),
                    at("IsExtendedSpeedsSupported and IsMulticastFDBTopSupported, which readers need"));
            byte[] p2 = a.askSma(lid, attrMod(a.mad(SUBN_LID_ROUTED, GET, 0x0015, 0, 0), 2));
            assertEquals(4, Layout.SmpPortInfo.PORT_STATE.getInt(p2, d), at("h1's cable is up"));
            assertEquals(5, Layout.SmpPortInfo.PORT_PHYS_STATE.getInt(p2, d), at("LinkUp"));
            assertEquals(2, Layout.SmpPortInfo.LINK_WIDTH_ACTIVE.getInt(p2, d), at("4X"));
            assertEquals(2, Layout.SmpPortInfo.LINK_SPEED_EXT_ACTIVE.getInt(p2, d), at("EDR"));
            assertEquals(0, Layout.SmpPortInfo.LID.getInt(p2, d), at("an external port has no LID"));
            assertEquals(1, Layout.SmpPortInfo.LOCAL_PORT_NUM.getInt(p2, d));
            w.link(1).changeState(org.ibmodel.sim.fabric.Link.State.DOWN);
            w.settle();
            byte[] down = a.askSma(lid, attrMod(a.mad(SUBN_LID_ROUTED, GET, 0x0015, 0, 0), 2));
            assertEquals(1, Layout.SmpPortInfo.PORT_STATE.getInt(down, d), at("DOWN with its cable"));
            assertEquals(2, Layout.SmpPortInfo.PORT_PHYS_STATE.getInt(down, d), at("Polling"));
            assertEquals(0x1c, status(a.askSma(lid, attrMod(a.mad(SUBN_LID_ROUTED, GET, 0x0015, 0, 0),
                    sw.numPorts() + 1))), at("no such port"));

            byte[] si = switchInfo(a, lid);
            assertEquals(0xC000, SwitchSma.SwitchInfo.LINEAR_FDB_CAP.getInt(si, d));
            assertEquals(sw.linearFdbTop(), SwitchSma.SwitchInfo.LINEAR_FDB_TOP.getInt(si, d));
            assertEquals(0xBFFF, SwitchSma.SwitchInfo.MULTICAST_FDB_TOP.getInt(si, d), at("no group yet"));

            for (int target : new int[] {0, w.lid(1), lid}) {
                int block = target / 64;
                byte[] lft = a.askSma(lid, attrMod(a.mad(SUBN_LID_ROUTED, GET, 0x0019, 0, 0), block));
                for (int l = 0; l < 64; l++) {
                    assertEquals(sw.route(block * 64 + l), lft[d + l] & 0xff, at("LFT entry " + (block * 64 + l)));
                }
                int expected = target == 0 ? 0xff : target == lid ? 0 : 2;
                assertEquals(expected, lft[d + target % 64] & 0xff, at("LID " + target + ": none, h1 by port 2,"
                        + " the switch's own to port 0"));
            }
            assertEquals(0x1c, status(a.askSma(lid, attrMod(a.mad(SUBN_LID_ROUTED, GET, 0x0019, 0, 0),
                    0xC000 / 64))), at("a block past LinearFDBCap"));
            assertEquals(0x0c, status(a.askSma(lid, a.mad(SUBN_LID_ROUTED, SET, 0x0015, 0, 0))),
                    at("no SubnSet of port 0's PortInfo: the world sets the subnet up"));

            // ibroute -M: the MFT 32 MLIDs a block, a 16-bit port mask each.
            w.joinMulticast(0xC001, 0, 1);
            byte[] mft = a.askSma(lid, a.mad(SUBN_LID_ROUTED, GET, 0x001b, 0, 0));
            assertEquals(0, status(mft));
            assertEquals(0, ((mft[d] & 0xff) << 8) | (mft[d + 1] & 0xff), at("0xC000: no group"));
            int group = ((mft[d + 2] & 0xff) << 8) | (mft[d + 3] & 0xff);
            int expected = 0;
            for (int port : sw.multicastRoute(0xC001)) {
                expected |= 1 << port;
            }
            assertEquals(expected, group, at("0xC001 as the MFT has it"));
            assertEquals(1 << 1, group, at("port 1, h0's: h1's cable is still out"));
            assertEquals(0x1c, status(a.askSma(lid, attrMod(a.mad(SUBN_LID_ROUTED, GET, 0x001b, 0, 0),
                    1L << 28))), at("ports 16-31: the switch has 3"));
            assertEquals(0x1c, status(a.askSma(lid, attrMod(a.mad(SUBN_LID_ROUTED, GET, 0x001b, 0, 0), 512))),
                    at("a reserved modifier bit (9)"));
            byte[] top = switchInfo(a, lid);
            assertEquals(0xC001, SwitchSma.SwitchInfo.MULTICAST_FDB_TOP.getInt(top, d));
            assertEquals(0, w.agent(sw).droppedSmps());
        }
    }

    /** Every switch of a fat tree answers at its LID, the answers finding their way back across it. */
    @Test
    void shouldAnswerFromEverySwitchOfAFatTree() {
        try (World w = World.fatTree(SEED, 4, 2, 2)) {
            Side a = new Side(w, 0);
            a.qp(QpType.SMI, 0);
            a.qp(QpType.GSI, SwitchAgent.GSI_QKEY);
            java.util.Set<Long> guids = new java.util.HashSet<>();
            for (Switch sw : w.fabric().switches()) {
                int lid = sw.port(0).lid();
                byte[] ni = a.askSma(lid, a.mad(SUBN_LID_ROUTED, GET, 0x0011, 0, 0));
                assertEquals(0, status(ni), at(sw.name()));
                guids.add(Layout.NodeInfo.NODE_GUID.get(ni, Layout.Mad.DATA));
                byte[] pc = a.ask(lid, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS, 1, 0));
                assertEquals(0, status(pc), at(sw.name()));
                // Read before its own answer left, by port 1 where that is the way back to h0.
                int answerOut = sw.route(w.lid(0)) == 1 ? 1 : 0;
                assertEquals(sw.counters(1).get(Counter.XMIT_PACKETS) - answerOut,
                        field(pc, Layout.PortCounters.PORT_XMIT_PACKETS), at(sw.name() + " port 1, as it stood"));
            }
            assertEquals(w.fabric().switches().size(), guids.size(), at("a GUID of its own each: " + guids));
        }
    }

    private static final int SUBN_LID_ROUTED = 0x01;
    private static final int SUBN_DIRECTED_ROUTE = 0x81;

    /**
     * A directed-route SMP as h0's ib_mad sends it (smi_handle_dr_smp_send, C14-9:1: HopPointer
     * already 1): {@code path} the port out of each hop, h0's own port first, both LIDs permissive.
     */
    static byte[] drSmp(Side a, int attr, int... path) {
        byte[] m = a.mad(SUBN_DIRECTED_ROUTE, GET, attr, 0, 0);
        SwitchSma.HOP_PTR.set(m, 0, 1);
        SwitchSma.HOP_CNT.set(m, 0, path.length);
        Layout.Mad.DR_SLID.set(m, 0, 0xffff);
        Layout.Mad.DR_DLID.set(m, 0, 0xffff);
        for (int i = 0; i < path.length; i++) {
            m[SwitchSma.INITIAL_PATH + 1 + i] = (byte) path[i];
        }
        return m;
    }

    private static Switch named(World w, String name) {
        return w.fabric().switches().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * ibnetdiscover's walk: directed-route NodeInfo Gets from h0's QP0 along paths of one, two and
     * three hops through a fat tree; each answer comes back along the path with D set, from the
     * switch the path ends at, naming the port the SMP came in by there.
     */
    @Test
    void shouldWalkAFatTreeByDirectedRoute() {
        // Two hosts a leaf, two spines: a leaf's ports 1-2 are hosts, 3 and 4 go to spine0 and
        // spine1; spine k's port l + 1 goes to leaf l.
        try (World w = World.fatTree(SEED, 4, 2, 2)) {
            Side a = new Side(w, 0);
            a.qp(QpType.SMI, 0);
            int d = Layout.Mad.DATA;
            record Hop(String sw, int inPort, int[] path) {
            }
            for (Hop hop : List.of(new Hop("leaf0", 1, new int[] {1}), new Hop("spine0", 1, new int[] {1, 3}),
                    new Hop("spine1", 1, new int[] {1, 4}), new Hop("leaf1", 3, new int[] {1, 3, 2}),
                    new Hop("leaf1", 4, new int[] {1, 4, 2}))) {
                byte[] r = a.askSmaAt(0xffff, drSmp(a, 0x0011, hop.path()));
                String where = hop.sw() + " by " + java.util.Arrays.toString(hop.path());
                assertEquals(0x8000, status(r), at(where + ": D set, status 0"));
                assertEquals(2, Layout.NodeInfo.NODE_TYPE.getInt(r, d), at(where));
                assertEquals(w.agent(named(w, hop.sw())).nodeGuid(), Layout.NodeInfo.NODE_GUID.get(r, d), at(where));
                assertEquals(hop.inPort(), Layout.NodeInfo.LOCAL_PORT_NUM.getInt(r, d), at(where + ": came in by"));
                assertEquals(1, SwitchSma.HOP_PTR.getInt(r, 0), at(where + ": back at h0, HopPointer 1"));
                assertEquals(hop.inPort(), r[SwitchSma.RETURN_PATH + hop.path().length] & 0xff,
                        at(where + ": ReturnPath"));
            }
            assertEquals(2 + 2 + 2 + 2, w.agent(named(w, "leaf0")).forwarded(),
                    at("leaf0 passed on the four longer walks, out and back"));
            assertEquals(2, w.agent(named(w, "spine0")).forwarded(), at("spine0 one, out and back"));
            assertEquals(0, w.agent(named(w, "leaf0")).droppedSmps() + w.agent(named(w, "spine0")).droppedSmps());

            // A path out of a port the switch does not have, and a HopPointer the sender left at 0.
            a.send(a.smi, 0xffff, 0, 0, drSmp(a, 0x0011, 1, 9));
            byte[] unmoved = drSmp(a, 0x0011, 1, 3);
            SwitchSma.HOP_PTR.set(unmoved, 0, 0);
            a.send(a.smi, 0xffff, 0, 0, unmoved);
            w.settle();
            assertEquals(List.of(), a.received(), at("no answer"));
            assertEquals(2, w.agent(named(w, "leaf0")).droppedSmps(), at("both dropped at the first switch"));
            assertEquals(8, w.agent(named(w, "leaf0")).forwarded(), at("neither counted as passed on"));

            // A group across both leaves: leaf0's MFT entry names h0's and h1's ports and a spine's.
            w.joinMulticast(0xC002, 0, 1, 2);
            Switch leaf0 = named(w, "leaf0");
            byte[] mft = a.askSmaAt(leaf0.port(0).lid(), a.mad(SUBN_LID_ROUTED, GET, 0x001b, 0, 0));
            int mask = ((mft[d + 4] & 0xff) << 8) | (mft[d + 5] & 0xff);
            int expected = 0;
            for (int port : leaf0.multicastRoute(0xC002)) {
                expected |= 1 << port;
            }
            assertEquals(expected, mask, at("0xC002 in leaf0's MFT"));
            assertEquals(1 << 1 | 1 << 2, mask & 0b110, at("h0's and h1's ports"));
            assertEquals(3, Integer.bitCount(mask), at("and one spine's"));
        }
    }

    private static byte[] attrMod(byte[] mad, long mod) {
        Layout.Mad.ATTR_MOD.set(mad, 0, mod);
        return mad;
    }

    private static byte[] version2(byte[] mad) {
        Layout.Mad.CLASS_VERSION.set(mad, 0, 2);
        return mad;
    }

    /**
     * Dropped without an answer, as an HCA's QP1 drops them: a Q_Key other than the GSI's, a
     * response (no agent answers one), an SMP's class; and at QP0 a TrapRepress and a
     * directed-route SMP with a LID-routed part, which the agent leaves out.
     */
    @Test
    void shouldDropWhatItsQp1DoesNotTake() {
        try (World w = World.of(SEED, 2)) {
            Side a = new Side(w, 0);
            a.qp(QpType.GSI, SwitchAgent.GSI_QKEY);
            Qp ud = a.qp(QpType.UD, 0x22);
            Qp smi = a.qp(QpType.SMI, 0);
            Switch sw = w.fabric().switches().get(0);
            int lid = sw.port(0).lid();
            a.send(ud, lid, 0x22, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS, 1, 0));
            a.send(a.gsi, lid, SwitchAgent.GSI_QKEY, a.mad(Pma.CLASS_PERF_MGMT, GET_RESP, Pma.ATTR_PORT_COUNTERS,
                    1, 0));
            // mad.c validate_mad: a subnet management class at QP1 is dropped, not answered.
            a.send(a.gsi, lid, SwitchAgent.GSI_QKEY, a.mad(0x01, GET, 0x0011, 0, 0));
            // The permissive LID is QP0's: a GMP sent to it is dropped.
            a.send(a.gsi, 0xffff, SwitchAgent.GSI_QKEY, a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS, 1, 0));
            w.settle();
            w.settle();
            assertEquals(List.of(), a.received(), at("nothing answered"));
            // A TrapRepress is consumed without a reply (qib_mad.c process_subn).
            a.send(smi, lid, 0, 0, a.mad(0x01, 0x07, 0x0002, 0, 0));
            // A directed-route SMP with a LID-routed part (DrDLID not permissive) is left out.
            byte[] partly = drSmp(a, 0x0011, 1);
            Layout.Mad.DR_DLID.set(partly, 0, lid);
            a.send(smi, 0xffff, 0, 0, partly);
            w.settle();
            assertEquals(List.of(), a.received(), at("nothing answered"));
            assertEquals(4, w.agent(sw).dropped(),
                    at("the wrong Q_Key, the response, the SMP class at QP1 and the GMP to the permissive LID"));
            assertEquals(2, w.agent(sw).droppedSmps(), at("the TrapRepress and the partly directed SMP"));
            assertEquals(0, w.agent(sw).answered());
        }
    }
}
