// ib_core's MAD layer answering MADs from the wire for an HCA (drivers/infiniband/core/mad.c,
// agent.c, smi.c): an SM or a performance manager on h0 asks h1, whose device answers through it
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.QpType;
import org.ibmodel.core.mad.MadLayer;
import org.ibmodel.core.mad.MadPort;
import org.ibmodel.hca.HcaDriver;
import org.ibmodel.sim.device.Hca;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.device.Pma;
import org.junit.jupiter.api.Test;

/** Two hosts through one switch (h0 on switch port 1, h1 on port 2); h1 runs the MAD layer. */
class MadLayerTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 23);
    private static final int GET = 0x01;
    private static final int SUBN_LID_ROUTED = 0x01;
    private static final int SUBN_ADM = 0x03;
    private static final int NODE_INFO = 0x0011;
    private static final int PORT_INFO = 0x0015;
    private static final int SM_INFO = 0x0020;
    private static final int D = Layout.Mad.DATA;

    private static String at(String what) {
        return what + "\nreplay: mvn -B -pl driver-sim -am verify -Dtest=MadLayerTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=" + SEED;
    }

    /** h0 with its own QP0 and QP1 to ask from; h1 with the MAD layer registered. */
    private static final class Pair {
        final World w;
        final SwitchAgentTest.Side a;
        final IbDevice dev;
        final MadLayer mad;
        final MadPort port;

        Pair(World w, MadLayer mad) {
            this.w = w;
            this.mad = mad;
            a = new SwitchAgentTest.Side(w, 0);
            a.qp(QpType.SMI, 0);
            a.qp(QpType.GSI, SwitchAgent.GSI_QKEY);
            dev = w.host(1).driver(0).device();
            assertEquals(0, w.host(1).core().registerClient(mad));
            port = mad.port(dev, 1);
        }

        /** The MADs h0 got back after sending {@code m} from its QP{@code qpn} to h1's. */
        List<byte[]> send(int qpn, int dlid, byte[] m) {
            a.send(qpn == 0 ? a.smi : a.gsi, dlid, qpn, qpn == 0 ? 0 : SwitchAgent.GSI_QKEY, m);
            w.settle();
            return a.received();
        }
    }

    /** Host h's memory buffers, less the driver's mailbox pool, which keeps its pages (not a leak). */
    static int held(World w, int h) {
        return w.host(h).memory().allocations() - w.host(h).driver(0).mailboxPages();
    }

    private static int status(byte[] m) {
        return Layout.Mad.STATUS.getInt(m, 0);
    }

    @Test
    void shouldAnswerLidRoutedSubnGetsFromQp0ThroughTheDevicesAgent() {
        try (World w = World.of(SEED, 2)) {
            Pair p = new Pair(w, new MadLayer());
            byte[] ni = p.a.askSmaAt(w.lid(1), p.a.mad(SUBN_LID_ROUTED, GET, NODE_INFO, 0, 0));
            assertEquals(0, status(ni), at("NodeInfo answered"));
            assertEquals(1, Layout.NodeInfo.NODE_TYPE.getInt(ni, D), at("a channel adapter"));
            assertEquals(p.dev.nodeGuid(), Layout.NodeInfo.NODE_GUID.get(ni, D), at("h1's node GUID"));
            assertEquals(1, Layout.NodeInfo.LOCAL_PORT_NUM.getInt(ni, D), at("asked through port 1"));

            byte[] pi = p.a.askSmaAt(w.lid(1), p.a.mad(SUBN_LID_ROUTED, GET, PORT_INFO, 0, 0));
            assertEquals(0, status(pi));
            assertEquals(w.lid(1), Layout.SmpPortInfo.LID.getInt(pi, D), at("h1's LID in its PortInfo"));
            assertEquals(MadLayer.QP_RECV_SIZE, p.port.recvPosted(0), at("QP0's buffers all posted again"));
        }
    }

    @Test
    void shouldAnswerADirectedRouteSmpBackAlongItsPathWithTheDirectionBit() {
        try (World w = World.of(SEED, 2)) {
            Pair p = new Pair(w, new MadLayer());
            // Out of h0's port 1, then out of the switch's port 2 to h1.
            byte[] r = p.a.askSmaAt(0xffff, SwitchAgentTest.drSmp(p.a, NODE_INFO, 1, 2));
            assertEquals(0x8000, status(r), at("D set, status 0"));
            assertEquals(p.dev.nodeGuid(), Layout.NodeInfo.NODE_GUID.get(r, D), at("h1 answered"));
            assertEquals(1, SwitchSma.HOP_PTR.getInt(r, 0),
                    at("back at h0 with HopPointer 1: h1 took it to 2, the switch to 1"));
            assertEquals(1, r[SwitchSma.RETURN_PATH + 2] & 0xff, at("ReturnPath: h1 noted its port 1"));
            assertEquals(1, r[SwitchSma.RETURN_PATH + 1] & 0xff, at("the switch its port 1"));

            // SMInfo is not the device's: the MAD layer answers it unsupported, back the same way.
            byte[] sm = p.a.askSmaAt(0xffff, SwitchAgentTest.drSmp(p.a, SM_INFO, 1, 2));
            assertEquals(0x8000 | 0x000c, status(sm), at("unsupported method/attribute, D set"));
        }
    }

    @Test
    void shouldAnswerPerformanceGetsOnQp1AndAnUnclaimedClassWithUnsupported() {
        try (World w = World.of(SEED, 2)) {
            Pair p = new Pair(w, new MadLayer());
            byte[] pc = p.a.ask(w.lid(1), p.a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS, 1, 0));
            assertEquals(0, status(pc), at("PortCounters answered by the device's PMA"));
            assertEquals(1, Layout.PortCounters.PORT_SELECT.get(pc, D), at("PortSelect kept"));
            assertTrue(Layout.PortCounters.PORT_RCV_PACKETS.get(pc, D) >= 1, at("the request counted in"));

            byte[] sa = p.a.ask(w.lid(1), p.a.mad(SUBN_ADM, GET, 0x0001, 0, 0));
            assertEquals(0x000c, status(sa), at("no SA here: unsupported method/attribute"));
            assertEquals(MadLayer.QP_RECV_SIZE, p.port.recvPosted(1), at("QP1's buffers all posted again"));
        }
    }

    @Test
    void shouldDropWhatValidateMadOrTheSmiRefusesAndAnswerNoTrap() {
        try (World w = World.of(SEED, 2)) {
            Pair p = new Pair(w, new MadLayer());
            byte[] gmpToQp0 = p.a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS, 1, 0);
            assertEquals(List.of(), p.send(0, w.lid(1), gmpToQp0), at("a GMP on QP0 is dropped"));
            byte[] smpToQp1 = p.a.mad(SUBN_LID_ROUTED, GET, NODE_INFO, 0, 0);
            assertEquals(List.of(), p.send(1, w.lid(1), smpToQp1), at("an SMP on QP1 is dropped"));
            byte[] version2 = p.a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS, 1, 0);
            Layout.Mad.BASE_VERSION.set(version2, 0, 2);
            assertEquals(List.of(), p.send(1, w.lid(1), version2), at("base version 2 is dropped"));
            byte[] trap = p.a.mad(SUBN_LID_ROUTED, 0x05, 0x0002, 0, 0);
            assertEquals(List.of(), p.send(0, w.lid(1), trap), at("a Trap is neither Get nor Set: no answer"));
            // A hop count of 0 means the SMP is for the sender's own port: at h1 the answer's way
            // back ends at once (C14-13:3), so h1 handles it locally and sends nothing.
            byte[] zeroHops = SwitchAgentTest.drSmp(p.a, NODE_INFO);
            SwitchSma.HOP_PTR.set(zeroHops, 0, 0);
            long commands = w.host(1).hca(0).firmware().commands();
            int logged = w.host(1).kernel().dmesg().size();
            assertEquals(List.of(), p.send(0, w.lid(1), zeroHops), at("nothing back for hop count 0"));
            assertEquals(commands + 1, w.host(1).hca(0).firmware().commands(),
                    at("the firmware answered it (one MAD_IFC); the answer, a GetResp, needs none"));
            assertEquals(logged, w.host(1).kernel().dmesg().size(),
                    at("the answer's TID routes to no agent, silently: " + w.host(1).kernel().dmesg()));
            assertEquals(0, p.port.responder(0).outstanding(), at("its local completion ran"));
            assertEquals(MadLayer.QP_RECV_SIZE, p.port.recvPosted(0), at("every buffer back on QP0"));
            assertEquals(MadLayer.QP_RECV_SIZE, p.port.recvPosted(1), at("and on QP1"));
        }
    }

    @Test
    void shouldPostEachBufferAgainSoMoreMadsThanBuffersAreAllAnswered() {
        try (World w = World.of(SEED, 2)) {
            Pair p = new Pair(w, new MadLayer(MadLayer.QP_MIN_SIZE, 1));
            assertEquals(MadLayer.QP_MIN_SIZE, p.mad.recvQueueSize(), at("recv_queue_size clamped up to 64"));
            for (int i = 0; i < 3 * MadLayer.QP_MIN_SIZE; i++) {
                byte[] pc = p.a.ask(w.lid(1), p.a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS, 1, 0));
                assertEquals(0, status(pc), at("answer " + i));
            }
            assertEquals(MadLayer.QP_MIN_SIZE, p.port.recvPosted(1), at("64 buffers posted, as at the start"));
            assertEquals(0, p.port.responder(1).outstanding(), at("every answer's send completed"));
        }
    }

    @Test
    void shouldFreeEverythingWhenTheClientGoesAndAnswerNothingAfter() {
        try (World w = World.of(SEED, 2)) {
            IbDevice dev = w.host(1).driver(0).device();
            int allocations = w.host(1).memory().allocations();
            int live = dev.liveTotal();
            Pair p = new Pair(w, new MadLayer());
            assertTrue(w.host(1).memory().allocations() >= allocations + 2 * MadLayer.QP_RECV_SIZE,
                    at("a buffer for each receive"));
            p.a.ask(w.lid(1), p.a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS, 1, 0));
            w.host(1).core().unregisterClient(p.mad);
            assertEquals(allocations, w.host(1).memory().allocations(), at("every buffer freed"));
            assertEquals(live, dev.liveTotal(), at("PD, CQ, QPs and AHs gone: " + dev.liveSummary()));
            assertNull(p.mad.port(dev, 1), at("no port left"));
            assertEquals(List.of(), p.send(1, w.lid(1), p.a.mad(Pma.CLASS_PERF_MGMT, GET,
                    Pma.ATTR_PORT_COUNTERS, 1, 0)), at("no QP1 to answer"));
        }
    }

    /**
     * A partition manager's SubnSet(P_KeyTable) from the wire: the firmware writes the block,
     * posts PORT_MNG_CHG, and the driver's port work refreshes ib_core's P_Key cache and raises
     * IB_EVENT_PKEY_CHANGE, with nothing of h1's left held after.
     */
    @Test
    void shouldTakeAPartitionManagersPKeyTableSet() {
        try (World w = World.of(SEED, 2)) {
            Pair p = new Pair(w, new MadLayer());
            List<String> events = new ArrayList<>();
            p.dev.registerEventHandler(e -> events.add(e.event().kernelName()));
            int allocations = held(w, 1);
            byte[] set = p.a.mad(SUBN_LID_ROUTED, 0x02, 0x0016, 0, 0);
            Arrays.fill(set, D, D + 64, (byte) 0);
            set[D] = (byte) 0xff;
            set[D + 1] = (byte) 0xff;
            set[D + 2] = (byte) 0x80;
            set[D + 3] = 0x01;
            byte[] r = p.a.askSmaAt(w.lid(1), set);
            assertEquals(0, status(r), at("taken"));
            assertEquals(0x8001, (r[D + 2] & 0xff) << 8 | r[D + 3] & 0xff, at("answered with the block as it reads"));
            assertEquals(List.of("IB_EVENT_PKEY_CHANGE"), events, at("ib_core told"));
            assertEquals(0x8001, p.dev.port(1).cachedPkey(1), at("ib_core's cache refreshed"));
            byte[] get = p.a.askSmaAt(w.lid(1), p.a.mad(SUBN_LID_ROUTED, GET, 0x0016, 0, 0));
            assertEquals(0x8001, (get[D + 2] & 0xff) << 8 | get[D + 3] & 0xff, at("a Get reads it back"));
            assertEquals(allocations, held(w, 1), at("nothing of h1's left held"));

            byte[] far = p.a.mad(SUBN_LID_ROUTED, 0x02, 0x0016, 0, 0);
            Layout.Mad.ATTR_MOD.set(far, 0, 2);
            assertEquals(0x001c, status(p.a.askSmaAt(w.lid(1), far)), at("block 2 of a 64-entry table"));
            assertEquals(List.of("IB_EVENT_PKEY_CHANGE"), events, at("and nothing changed"));
        }
    }

    /**
     * A catastrophic error of h1's HCA: the driver unloads, the MAD layer's remove frees its port on
     * the dead device (whose commands fail), and when the driver probes the device again ib_core
     * adds the MAD layer to the new ib_device, which answers again once the sweep gave it its LID.
     */
    @Test
    void shouldGoWithTheDeviceAtACatastropheAndComeBackWithTheNewOne() {
        try (World w = World.of(SEED, 2)) {
            MadLayer mad = new MadLayer();
            Pair p = new Pair(w, mad);
            Hca hca = w.host(1).hca(0);
            hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
            w.runUntil(w.scheduler().now() + HcaDriver.CATAS_POLL_NS);
            w.settle();
            w.runUntil(w.scheduler().now() + HcaDriver.RESET_WAIT_NS);
            w.settle();
            assertEquals(1, hca.resets(), at("reset"));
            IbDevice fresh = w.host(1).driver(0).device();
            assertTrue(fresh != p.dev, at("a new ib_device"));
            assertNull(mad.port(p.dev, 1), at("nothing left on the old one"));
            MadPort again = mad.port(fresh, 1);
            assertEquals(MadLayer.QP_RECV_SIZE, again.recvPosted(1), at("the MAD layer added to the new one"));
            w.sweep();
            w.settle();
            byte[] pc = p.a.ask(w.lid(1), p.a.mad(Pma.CLASS_PERF_MGMT, GET, Pma.ATTR_PORT_COUNTERS, 1, 0));
            assertEquals(0, status(pc), at("answered by the new device"));
            int withMad = held(w, 1);
            assertTrue(withMad < 3 * MadLayer.QP_RECV_SIZE, at("the old port's receive buffers freed with it: "
                    + withMad));
            w.host(1).core().unregisterClient(mad);
            assertTrue(held(w, 1) <= withMad - 2 * MadLayer.QP_RECV_SIZE,
                    at("and the new one's at unload, with its rings: " + held(w, 1) + " of " + withMad));
        }
    }
}
