// Kernel MAD agents on ib_core's MAD layer (drivers/infiniband/core/mad.c): requests with a
// response timeout and retries, responses matched by TID, requests routed by class and method,
// directed-route SMPs through the SMI, cancellation
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.Result;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Tracer;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.core.mad.MadAgent;
import org.ibmodel.core.mad.MadLayer;
import org.ibmodel.core.mad.MadRecvWc;
import org.ibmodel.core.mad.MadRegReq;
import org.ibmodel.core.mad.MadSendBuf;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.device.Pma;
import org.junit.jupiter.api.Test;

/** Two hosts through one switch (h0 on switch port 1, h1 on port 2). */
class MadAgentTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 29);
    private static final long MS = 1_000_000L;
    private static final int GET = 0x01;
    private static final int GET_RESP = 0x81;
    private static final int SUBN_LID_ROUTED = 0x01;
    private static final int SUBN_DIRECTED_ROUTE = 0x81;
    private static final int SUBN_ADM = 0x03;
    private static final int NODE_INFO = 0x0011;
    private static final int D = Layout.Mad.DATA;

    private static String at(String what) {
        return what + "\nreplay: mvn -B -pl driver-sim -am verify -Dtest=MadAgentTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=" + SEED;
    }

    /** An agent of host {@code h} and what happened to it, in order. */
    private static final class Client {
        final World w;
        final IbDevice dev;
        final MadLayer mad;
        final List<String> log = new ArrayList<>();
        final List<MadRecvWc> received = new ArrayList<>();
        final List<WcStatus> done = new ArrayList<>();
        final List<Long> doneAt = new ArrayList<>();
        MadAgent agent;
        private int tid;

        Client(World w, int h, MadLayer mad) {
            this.w = w;
            this.mad = mad;
            dev = w.host(h).driver(0).device();
        }

        Client on(QpType type, MadRegReq reg) {
            agent = mad.registerMadAgent(dev, 1, type, reg, (sb, status) -> {
                log.add("send done " + status.kernelName());
                done.add(status);
                doneAt.add(w.scheduler().now());
                sb.ah.destroy();
                sb.agent().freeSendMad(sb);
            }, (sb, recv) -> {
                log.add(sb != null ? "response" : "request");
                received.add(recv);
            }).get();
            return this;
        }

        /** A Get of {@code mgmtClass} with a TID of this agent's, to {@code remoteQpn} at {@code dlid}. */
        MadSendBuf get(int mgmtClass, int classVersion, int attr, int remoteQpn, int dlid) {
            MadSendBuf sb = agent.createSendMad(remoteQpn, 0, 24, 232).get();
            Layout.Mad.BASE_VERSION.set(sb.mad, 0, 1);
            Layout.Mad.MGMT_CLASS.set(sb.mad, 0, mgmtClass);
            Layout.Mad.CLASS_VERSION.set(sb.mad, 0, classVersion);
            Layout.Mad.METHOD.set(sb.mad, 0, GET);
            Layout.Mad.TID.set(sb.mad, 0, (long) agent.hiTid() << 32 | ++tid);
            Layout.Mad.ATTR_ID.set(sb.mad, 0, attr);
            sb.ah = Ah.create(agent.qp().pd(), AhAttr.lid(1, dlid)).get();
            return sb;
        }

        /**
         * A directed-route SubnGet along {@code path} (the port out of each hop, the agent's own
         * first; none: this node), both DR LIDs permissive, HopPointer 0 as an SM leaves it.
         */
        MadSendBuf directed(int attr, int... path) {
            MadSendBuf sb = get(SUBN_DIRECTED_ROUTE, 1, attr, 0, 0xffff);
            SwitchSma.HOP_CNT.set(sb.mad, 0, path.length);
            Layout.Mad.DR_SLID.set(sb.mad, 0, 0xffff);
            Layout.Mad.DR_DLID.set(sb.mad, 0, 0xffff);
            for (int i = 0; i < path.length; i++) {
                sb.mad[SwitchSma.INITIAL_PATH + 1 + i] = (byte) path[i];
            }
            return sb;
        }
    }

    private static MadLayer load(World w, int h) {
        MadLayer mad = new MadLayer();
        assertEquals(0, w.host(h).core().registerClient(mad));
        return mad;
    }

    @Test
    void shouldHandTheResponseToTheRequestsAgentBeforeTheSendCompletes() {
        try (World w = World.of(SEED, 2)) {
            load(w, 1);
            Client sm = new Client(w, 0, load(w, 0)).on(QpType.SMI, null);
            MadSendBuf sb = sm.get(SUBN_LID_ROUTED, 1, NODE_INFO, 0, w.lid(1));
            sb.timeoutMs = 100;
            sb.retries = 2;
            assertEquals(0, sm.agent.postSendMad(sb));
            w.settle();
            assertEquals(List.of("response", "send done IB_WC_SUCCESS"), sm.log, at("response first"));
            byte[] r = sm.received.get(0).mad();
            assertEquals(GET_RESP, Layout.Mad.METHOD.getInt(r, 0));
            assertEquals(Layout.Mad.TID.get(sb.mad, 0), Layout.Mad.TID.get(r, 0), at("the request's TID"));
            assertEquals(w.host(1).driver(0).device().nodeGuid(), Layout.NodeInfo.NODE_GUID.get(r, D), at("h1's"));
            assertEquals(w.lid(1), sm.received.get(0).wc().slid, at("from h1"));
            assertEquals(0, sb.retries, at("answered the first time"));
            assertEquals(0, sm.agent.outstanding());
            sm.agent.unregister();
        }
    }

    @Test
    void shouldSendAgainOnEachTimeoutAndThenFailWithRespTimeoutErr() {
        try (World w = World.of(SEED, 2)) {
            // h1 runs no MAD layer: nothing answers.
            Client pm = new Client(w, 0, load(w, 0)).on(QpType.GSI, null);
            MadSendBuf sb = pm.get(Pma.CLASS_PERF_MGMT, 1, Pma.ATTR_PORT_COUNTERS, 1, w.lid(1));
            sb.timeoutMs = 50;
            sb.retries = 2;
            long start = w.scheduler().now();
            long sent = w.host(0).hca(0).firmware().port(1).xmitPackets();
            assertEquals(0, pm.agent.postSendMad(sb));
            w.settle();
            assertEquals(List.of(), pm.done, at("waiting: settle runs no timer"));
            // 50 ms is 12.5 jiffies at HZ=250: msecs_to_jiffies makes it 13, 52 ms.
            w.runUntil(start + 155 * MS);
            assertEquals(List.of(), pm.done, at("the third wait of 52 ms still to run out"));
            assertEquals(2, sb.retries, at("sent again twice so far"));
            w.runUntil(start + 158 * MS);
            assertEquals(List.of(WcStatus.RESP_TIMEOUT_ERR), pm.done, at("three sends, 52 ms each"));
            assertEquals(sent + 3, w.host(0).hca(0).firmware().port(1).xmitPackets(), at("three on the wire"));
            assertTrue(pm.doneAt.get(0) >= start + 156 * MS, at("not before the third wait ran out"));
            assertEquals(0, pm.agent.outstanding());
            pm.agent.unregister();
        }
    }

    @Test
    void shouldWalkADirectedRouteThroughTheSmiBothWays() {
        try (World w = World.of(SEED, 2)) {
            load(w, 1);
            Client sm = new Client(w, 0, load(w, 0)).on(QpType.SMI, null);
            // HopCount 2: out of h0's port 1, then the switch's port 2; ib_mad moves HopPointer to 1.
            MadSendBuf sb = sm.directed(NODE_INFO, 1, 2);
            sb.timeoutMs = 100;
            assertEquals(0, sm.agent.postSendMad(sb));
            assertEquals(1, SwitchSma.HOP_PTR.getInt(sb.mad, 0), at("C14-9:1 done by the sender's SMI"));
            w.settle();
            assertEquals(List.of("response", "send done IB_WC_SUCCESS"), sm.log);
            byte[] r = sm.received.get(0).mad();
            assertEquals(0x8000, Layout.Mad.STATUS.getInt(r, 0), at("D set"));
            assertEquals(w.host(1).driver(0).device().nodeGuid(), Layout.NodeInfo.NODE_GUID.get(r, D), at("h1"));
            assertEquals(0, SwitchSma.HOP_PTR.getInt(r, 0), at("C14-13:3: given to the SM at HopPointer 0"));

            // A path whose first port is not the agent's: refused before anything is sent.
            MadSendBuf wrong = sm.directed(NODE_INFO, 2);
            assertEquals(Errno.EINVAL.negative(), sm.agent.postSendMad(wrong), at("Invalid directed route"));
            wrong.ah.destroy();
            sm.agent.freeSendMad(wrong);
            sm.agent.unregister();
        }
    }

    @Test
    void shouldAnswerAHopCountZeroSmpOnThisNodeWithoutTheWire() {
        try (World w = World.of(SEED, 2)) {
            Client sm = new Client(w, 0, load(w, 0)).on(QpType.SMI, null);
            MadSendBuf sb = sm.directed(NODE_INFO);
            long sentBefore = w.host(0).hca(0).firmware().port(1).xmitPackets();
            assertEquals(0, sm.agent.postSendMad(sb));
            w.settle();
            assertEquals(List.of("response", "send done IB_WC_SUCCESS"), sm.log, at("a local completion"));
            MadRecvWc got = sm.received.get(0);
            assertEquals(sm.dev.nodeGuid(), Layout.NodeInfo.NODE_GUID.get(got.mad(), D), at("its own node"));
            assertEquals(0xffff, got.wc().slid, at("from the permissive LID"));
            assertNull(got.grh());
            assertEquals(sentBefore, w.host(0).hca(0).firmware().port(1).xmitPackets(), at("nothing sent"));
            sm.agent.unregister();
        }
    }

    @Test
    void shouldRouteRequestsByClassAndMethodToTheAgentThatRegisteredThem() {
        try (World w = World.of(SEED, 2)) {
            MadLayer madB = load(w, 1);
            // h1 answers SA Gets (class 3, version 2), as an SA would, from its recv handler.
            Client sa = new Client(w, 1, madB);
            List<String> saw = new ArrayList<>();
            MadAgent[] holder = new MadAgent[1];
            holder[0] = madB.registerMadAgent(sa.dev, 1, QpType.GSI, MadRegReq.of(SUBN_ADM, 2, GET), (sb, s) -> {
                sb.ah.destroy();
                sb.agent().freeSendMad(sb);
            }, (sb, recv) -> {
                saw.add("request tid " + Layout.Mad.TID.get(recv.mad(), 0));
                MadSendBuf resp = holder[0].createSendMad(recv.wc().srcQp, recv.wc().pkeyIndex, 56, 200).get();
                System.arraycopy(recv.mad(), 0, resp.mad, 0, 256);
                Layout.Mad.METHOD.set(resp.mad, 0, GET_RESP);
                resp.ah = Ah.createFromWc(holder[0].qp().pd(), recv.wc(), recv.grh(), 0, 1).get();
                assertEquals(0, holder[0].postSendMad(resp));
            }).get();
            Client client = new Client(w, 0, load(w, 0)).on(QpType.GSI, null);
            MadSendBuf sb = client.get(SUBN_ADM, 2, 0x0035, 1, w.lid(1));
            sb.timeoutMs = 100;
            assertEquals(0, client.agent.postSendMad(sb));
            w.settle();
            assertEquals(List.of("request tid " + Layout.Mad.TID.get(sb.mad, 0)), saw, at("h1's SA agent got it"));
            assertEquals(List.of("response", "send done IB_WC_SUCCESS"), client.log, at("and its answer matched"));

            // What ib_register_mad_agent refuses.
            MadAgent.RecvHandler rh = (s, r) -> { };
            MadAgent.SendHandler sh = (s, st) -> { };
            int einval = Errno.EINVAL.negative();
            assertEquals(einval, madB.registerMadAgent(sa.dev, 1, QpType.GSI, MadRegReq.of(SUBN_ADM, 2, GET), sh, rh)
                    .err(), at("Get of SA version 2 is taken"));
            assertEquals(einval, madB.registerMadAgent(sa.dev, 1, QpType.SMI, MadRegReq.of(SUBN_ADM, 2, 0x12), sh, rh)
                    .err(), at("a GSI class on the SMI"));
            assertEquals(einval, madB.registerMadAgent(sa.dev, 1, QpType.GSI,
                    MadRegReq.of(SUBN_LID_ROUTED, 1, GET), sh, rh).err(), at("an SMP class on the GSI"));
            assertEquals(einval, madB.registerMadAgent(sa.dev, 1, QpType.GSI, MadRegReq.of(0, 1, GET), sh, rh)
                    .err(), at("class 0 is DR's alias"));
            assertEquals(einval, madB.registerMadAgent(sa.dev, 1, QpType.GSI, MadRegReq.of(SUBN_ADM, 0x83, GET), sh,
                    rh).err(), at("class version 0x83"));
            assertEquals(einval, madB.registerMadAgent(sa.dev, 1, QpType.GSI, MadRegReq.of(0x30, 1, GET), sh, rh)
                    .err(), at("a vendor-range class without OUI"));
            assertEquals(einval, madB.registerMadAgent(sa.dev, 1, QpType.GSI, MadRegReq.of(SUBN_ADM, 2, 0x12), sh,
                    null).err(), at("a registration without a receive handler"));
            assertEquals(Errno.ENODEV.negative(), madB.registerMadAgent(sa.dev, 2, QpType.GSI, null, sh, rh).err(),
                    at("no port 2"));
            Result<MadAgent> other = madB.registerMadAgent(sa.dev, 1, QpType.GSI, MadRegReq.of(SUBN_ADM, 2, 0x12),
                    sh, rh);
            assertNotNull(other.get(), at("another method of the class is free"));
            other.get().unregister();
            holder[0].unregister();

            // Unregistered, nobody takes SA Gets: h1's MAD layer answers unsupported itself.
            MadSendBuf again = client.get(SUBN_ADM, 2, 0x0035, 1, w.lid(1));
            again.timeoutMs = 100;
            assertEquals(0, client.agent.postSendMad(again));
            w.settle();
            assertEquals(0x000c, Layout.Mad.STATUS.getInt(client.received.get(1).mad(), 0), at("unsupported"));
            client.agent.unregister();
        }
    }

    @Test
    void shouldFlushAnAwaitedSendWhenCancelledAndWhenTheAgentGoes() {
        try (World w = World.of(SEED, 2)) {
            Client pm = new Client(w, 0, load(w, 0)).on(QpType.GSI, null);
            MadSendBuf first = pm.get(Pma.CLASS_PERF_MGMT, 1, Pma.ATTR_PORT_COUNTERS, 1, w.lid(1));
            first.timeoutMs = 1000;
            MadSendBuf second = pm.get(Pma.CLASS_PERF_MGMT, 1, Pma.ATTR_PORT_COUNTERS, 1, w.lid(1));
            second.timeoutMs = 1000;
            assertEquals(0, pm.agent.postSendMad(first));
            assertEquals(0, pm.agent.postSendMad(second));
            w.settle();
            assertEquals(2, pm.agent.outstanding(), at("both awaiting"));
            pm.agent.cancelMad(first);
            assertEquals(Errno.EINVAL.negative(), pm.agent.modifyMad(first, 5), at("cancelled: no new timeout"));
            assertEquals(0, pm.agent.modifyMad(second, 2000), at("the other one's wait made longer"));
            w.settle();
            assertEquals(List.of(WcStatus.WR_FLUSH_ERR), pm.done, at("the cancelled one flushed at once"));
            long before = w.scheduler().now();
            pm.agent.unregister();
            assertEquals(List.of(WcStatus.WR_FLUSH_ERR, WcStatus.WR_FLUSH_ERR), pm.done, at("the other by unregister"));
            assertTrue(pm.doneAt.get(1) < before + 1000 * MS, at("long before its timeout"));
            assertEquals(0, pm.agent.outstanding(), at("nothing left on its lists"));
            assertEquals(Errno.EINVAL.negative(), pm.mad.registerMadAgent(pm.dev, 1, QpType.GSI, null, null, null)
                    .err(), at("an agent with neither handler is refused"));
        }
    }

    @Test
    void shouldPutSendsBeyondTheSendQueueOnTheOverflowListAndSendThemAllInOrder() {
        try (World w = World.of(SEED, 2)) {
            MadLayer mad = new MadLayer(MadLayer.QP_MIN_SIZE, MadLayer.QP_MIN_SIZE);
            assertEquals(0, w.host(0).core().registerClient(mad));
            Client pm = new Client(w, 0, mad).on(QpType.GSI, null);
            List<MadSendBuf> sent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                MadSendBuf sb = pm.get(Pma.CLASS_PERF_MGMT, 1, Pma.ATTR_PORT_COUNTERS, 1, w.lid(1));
                sb.context = i;
                sent.add(sb);
                assertEquals(0, pm.agent.postSendMad(sb), at("send " + i + ": queued if not posted"));
            }
            assertEquals(100, pm.agent.outstanding(), at("64 on the QP, 36 waiting for room"));
            w.settle();
            assertEquals(java.util.Collections.nCopies(100, WcStatus.SUCCESS), pm.done, at("every one sent"));
            assertEquals(0, pm.agent.outstanding());
            pm.agent.unregister();
        }
    }

    @Test
    void shouldTakeAResponseOnlyFromWhereTheRequestWent() {
        try (World w = World.of(SEED, 2)) {
            // h1 runs no MAD layer: the test answers from h1's own QP1.
            SwitchAgentTest.Side b = new SwitchAgentTest.Side(w, 1);
            b.qp(QpType.GSI, SwitchAgent.GSI_QKEY);
            Client pm = new Client(w, 0, load(w, 0)).on(QpType.GSI, null);
            MadSendBuf sb = pm.get(Pma.CLASS_PERF_MGMT, 1, Pma.ATTR_PORT_COUNTERS, 1, w.lid(1));
            sb.timeoutMs = 100;
            assertEquals(0, pm.agent.postSendMad(sb));
            w.settle();
            List<byte[]> requests = b.received();
            assertEquals(1, requests.size(), at("the request reached h1's QP1"));
            byte[] resp = requests.get(0).clone();
            Layout.Mad.METHOD.set(resp, 0, GET_RESP);

            // With a GRH the request was sent without: rcv_has_same_gid says another peer.
            byte[] h0gid = pm.dev.port(1).gid(0);
            w.host(1).memory().write(b.buf + 250 * 1024, resp);
            Ah grh = Ah.create(b.pd, new AhAttr(w.lid(0), 0, 0, 0, 1, new AhAttr.Grh(h0gid, 0, 0, 64, 0))).get();
            assertTrue(b.gsi.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND)
                    .sgList(new Sge(b.buf + 250 * 1024, 256, b.mr.lkey())).ah(grh).remoteQpn(1)
                    .remoteQkey(SwitchAgent.GSI_QKEY)).ok());
            w.settle();
            assertEquals(List.of(), pm.log, at("not taken as the response"));

            // The same bytes without a GRH are.
            b.send(b.gsi, w.lid(0), 1, SwitchAgent.GSI_QKEY, resp);
            w.settle();
            assertEquals(List.of("response", "send done IB_WC_SUCCESS"), pm.log, at("taken"));
            pm.agent.unregister();
        }
    }

    @Test
    void shouldRouteAVendorClassByItsOuiAndHoldEightOuisAClass() {
        try (World w = World.of(SEED, 2)) {
            MadLayer madB = load(w, 1);
            IbDevice devB = w.host(1).driver(0).device();
            List<Long> got = new ArrayList<>();
            MadAgent.SendHandler sh = (s, st) -> { };
            MadAgent vendor = madB.registerMadAgent(devB, 1, QpType.GSI,
                    new MadRegReq(0x30, 1, MadRegReq.of(0x30, 1, GET).methods(), 0x001405), sh,
                    (s, r) -> got.add(Layout.Mad.TID.get(r.mad(), 0))).get();
            Client client = new Client(w, 0, load(w, 0)).on(QpType.GSI, null);
            MadSendBuf ours = client.get(0x30, 1, 0x0010, 1, w.lid(1));
            ours.mad[37] = 0x00;
            ours.mad[38] = 0x14;
            ours.mad[39] = 0x05;
            MadSendBuf theirs = client.get(0x30, 1, 0x0010, 1, w.lid(1));
            theirs.mad[39] = 0x06;
            theirs.timeoutMs = 100;
            assertEquals(0, client.agent.postSendMad(ours));
            assertEquals(0, client.agent.postSendMad(theirs));
            w.settle();
            assertEquals(List.of(Layout.Mad.TID.get(ours.mad, 0)), got, at("only the OUI registered"));
            assertEquals(0x000c, Layout.Mad.STATUS.getInt(client.received.get(0).mad(), 0),
                    at("the other OUI: nobody's, answered unsupported"));

            List<MadAgent> more = new ArrayList<>();
            for (int oui = 1; oui <= 7; oui++) {
                more.add(madB.registerMadAgent(devB, 1, QpType.GSI,
                        new MadRegReq(0x30, 1, MadRegReq.of(0x30, 1, GET).methods(), oui), sh, (s, r) -> { }).get());
            }
            assertEquals(Errno.ENOMEM.negative(), madB.registerMadAgent(devB, 1, QpType.GSI,
                    new MadRegReq(0x30, 1, MadRegReq.of(0x30, 1, GET).methods(), 8), sh, (s, r) -> { }).err(),
                    at("All OUI slots in use"));
            assertNotNull(madB.registerMadAgent(devB, 1, QpType.GSI,
                    new MadRegReq(0x31, 1, MadRegReq.of(0x31, 1, GET).methods(), 8), sh, (s, r) -> { }).get(),
                    at("another vendor class has slots of its own"));
            more.forEach(MadAgent::unregister);
            vendor.unregister();
            client.agent.unregister();
        }
    }

    @Test
    void shouldKeepDirectedRouteAndLidRoutedRegistrationsApart() {
        try (World w = World.of(SEED, 2)) {
            MadLayer mad = load(w, 0);
            IbDevice dev = w.host(0).driver(0).device();
            MadAgent.SendHandler sh = (s, st) -> { };
            MadAgent.RecvHandler rh = (s, r) -> { };
            MadAgent dr = mad.registerMadAgent(dev, 1, QpType.SMI, MadRegReq.of(SUBN_DIRECTED_ROUTE, 1, GET), sh, rh)
                    .get();
            MadAgent lid = mad.registerMadAgent(dev, 1, QpType.SMI, MadRegReq.of(SUBN_LID_ROUTED, 1, GET), sh, rh)
                    .get();
            assertTrue(dr != lid, at("DR is class 0 in the tables, LID-routed class 1"));
            assertEquals(Errno.EINVAL.negative(), mad.registerMadAgent(dev, 1, QpType.GSI,
                    MadRegReq.of(0x50, 1, GET), sh, rh).err(), at("no class from 0x50 but DR"));
            assertEquals(Errno.EINVAL.negative(), mad.registerMadAgent(dev, 2, QpType.GSI,
                    MadRegReq.of(0x50, 1, GET), sh, rh).err(), at("a bad request is -EINVAL even on no port"));
            lid.unregister();
            dr.unregister();
        }
    }

    /**
     * ib_mad_send_error: a send that fails (here its data SGE names a key no MR has) takes QP1
     * to SQE and flushes the sends behind it; the MAD layer moves the QP back to RTS, marks
     * those for another try, fails the one that erred, and posts the flushed ones again.
     */
    @Test
    void shouldRecoverFromASendErrorAndSendTheFlushedOnesAgain() {
        boolean[] spoilt = {false};
        UnaryOperator<DeviceOps> spoilFirstGsiSend = real -> new ForwardingDeviceOps(real) {
            @Override
            public PostResult postSend(Qp qp, List<SendWr> wrs) {
                if (qp.type() == QpType.GSI && !spoilt[0]) {
                    spoilt[0] = true;
                    SendWr wr = wrs.get(0);
                    Sge data = wr.sgList().get(1);
                    wr.sgList(wr.sgList().get(0), new Sge(data.addr(), data.length(), data.lkey() ^ 0x100));
                }
                return real.postSend(qp, wrs);
            }
        };
        try (World w = World.of(SEED, 2, spoilFirstGsiSend)) {
            Client pm = new Client(w, 0, load(w, 0)).on(QpType.GSI, null);
            List<String> traced = new ArrayList<>();
            w.host(0).core().tracer(new Tracer(w.host(0).kernel(),
                    r -> traced.add(r.event().name()), () -> w.scheduler().now()));
            List<MadSendBuf> sends = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                MadSendBuf sb = pm.get(Pma.CLASS_PERF_MGMT, 1, Pma.ATTR_PORT_COUNTERS, 1, w.lid(1));
                sb.context = i;
                sends.add(sb);
                assertEquals(0, pm.agent.postSendMad(sb));
            }
            w.settle();
            assertEquals(List.of(WcStatus.LOC_PROT_ERR, WcStatus.SUCCESS, WcStatus.SUCCESS), pm.done,
                    at("the one that erred fails; the two flushed behind it go again and are sent"));
            assertEquals(QpState.RTS, pm.agent.qp().state(), at("QP1 back in RTS"));
            assertEquals(2, traced.stream().filter("ib_mad_error_handler"::equals).count(),
                    at("each flushed send posted again, as ib_mad_error_handler traces it: " + traced));
            assertEquals(0, pm.agent.outstanding());
            pm.agent.unregister();
        }
    }
}
