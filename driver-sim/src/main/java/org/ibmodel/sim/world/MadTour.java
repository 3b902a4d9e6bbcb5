// The demo's MAD step: ib_core's MAD layer (drivers/infiniband/core/mad.c, agent.c, smi.c) on
// both hosts, one asking the other's HCA as smpquery -D and perfquery would
package org.ibmodel.sim.world;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.QpType;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.mad.MadAgent;
import org.ibmodel.core.mad.MadLayer;
import org.ibmodel.core.mad.MadRecvWc;
import org.ibmodel.core.mad.MadSendBuf;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.device.Pma;

/**
 * Loads the MAD layer on two hosts, sends from the first a directed-route SubnGet(NodeInfo) along
 * [its port 1, the switch's port 2] and a PerfMgt Get(PortCounters) to the second's LID, tells
 * what came back, and unloads it again, so nothing it made is left.
 */
final class MadTour {
    private static final int TIMEOUT_MS = 100;
    private static final int D = Layout.Mad.DATA;

    private final Narrator n;
    private final Host asker;
    private final Host asked;
    private final int askedLid;
    /** Runs the world until it is quiet and tells the packets and interrupts meanwhile. */
    private final Runnable settle;
    private final List<MadRecvWc> answers = new ArrayList<>();
    private final List<WcStatus> done = new ArrayList<>();
    private int tid;

    MadTour(Narrator n, Host asker, Host asked, int askedLid, Runnable settle) {
        this.n = n;
        this.asker = asker;
        this.asked = asked;
        this.askedLid = askedLid;
        this.settle = settle;
    }

    /** The steps; null when both questions were answered, else what went wrong. */
    String run() {
        MadLayer[] layers = {new MadLayer(), new MadLayer()};
        Host[] hosts = {asker, asked};
        for (int i = 0; i < 2; i++) {
            hosts[i].core().registerClient(layers[i]);
        }
        n.say("%s, %s: ib_core's MAD layer opens port 1: a PD, a CQ polled on ib-comp-unb-wq, QP0 (the SMI) "
                + "and QP1 (the GSI) in RTS with %d receives posted on each, and agent.c's two responders",
                asker.name(), asked.name(), layers[0].recvQueueSize());
        settle.run();
        MadAgent sm = register(layers[0], QpType.SMI);
        n.say("%s kernel: ib_register_mad_agent on QP0, for responses only: hi_tid %d, the high half of its TIDs",
                asker.name(), sm.hiTid());

        MadSendBuf dr = request(sm, 0x81, 0x0011, 0, 0xffff);
        SwitchSma.HOP_CNT.set(dr.mad, 0, 2);
        Layout.Mad.DR_SLID.set(dr.mad, 0, 0xffff);
        Layout.Mad.DR_DLID.set(dr.mad, 0, 0xffff);
        dr.mad[SwitchSma.INITIAL_PATH + 1] = 1;
        dr.mad[SwitchSma.INITIAL_PATH + 2] = 2;
        int posted = post(dr);
        n.say("%s kernel: ib_post_send_mad(SubnGet(NodeInfo), directed route 0,1,2: out of its port 1, then the "
                + "switch's port 2; DrSLID and DrDLID permissive, %d ms to answer) returns %d", asker.name(),
                TIMEOUT_MS, posted);
        if (posted == 0) {
            n.say("    the SMI moved HopPointer to %d (IBA C14-9:1) and posted it on QP0 (VL15) to LID 0xffff",
                    SwitchSma.HOP_PTR.getInt(dr.mad, 0));
        }
        settle.run();
        String failure = null;
        if (answers.size() != 1) {
            failure = "no answer to the directed-route SubnGet(NodeInfo)";
        } else {
            byte[] r = answers.get(0).mad();
            int status = Layout.Mad.STATUS.getInt(r, 0);
            n.say("the switch's SMI passed it out of its port 2, HopPointer 2 (C14-9:2); at %s's QP0 ib_mad found "
                    + "HopPointer = HopCount, the end of the path (C14-9:3), and handed it to the driver's "
                    + "process_mad: MAD_IFC to the firmware's SMA, whose answer the driver marked D (a directed "
                    + "route's way back), and agent.c sent it from QP0 to the permissive LID", asked.name());
            n.say("%s kernel: GetResp, status 0x%04x%s, HopPointer %d%s; ReturnPath %d,%d", asker.name(), status,
                    (status & 0x8000) != 0 ? " (D)" : "", SwitchSma.HOP_PTR.getInt(r, 0),
                    SwitchSma.HOP_PTR.getInt(r, 0) == 0 ? ": back at the SM's end (C14-13:3)" : "",
                    r[SwitchSma.RETURN_PATH + 1] & 0xff, r[SwitchSma.RETURN_PATH + 2] & 0xff);
            int type = Layout.NodeInfo.NODE_TYPE.getInt(r, D);
            n.say("    %s's NodeInfo: NodeType %d%s, NumPorts %d, NodeGUID 0x%016x, PortGUID "
                    + "0x%016x, LocalPortNum %d", asked.name(), type, type == 1 ? " (channel adapter)" : "",
                    Layout.NodeInfo.NUM_PORTS.getInt(r, D), Layout.NodeInfo.NODE_GUID.get(r, D),
                    Layout.NodeInfo.PORT_GUID.get(r, D), Layout.NodeInfo.LOCAL_PORT_NUM.getInt(r, D));
        }

        MadAgent pm = register(layers[0], QpType.GSI);
        n.say("%s kernel: a second agent, on QP1, hi_tid %d: PerfMgt MADs go by the GSI", asker.name(), pm.hiTid());
        MadSendBuf pc = request(pm, Pma.CLASS_PERF_MGMT, Pma.ATTR_PORT_COUNTERS, 1, askedLid);
        Layout.PortCounters.PORT_SELECT.set(pc.mad, D, 1);
        int sent = post(pc);
        n.say("%s kernel: ib_post_send_mad(PerfMgt Get(PortCounters) of port 1 to LID %d, QP1) returns %d; "
                + "perfquery %d 1 sends this after a ClassPortInfo Get", asker.name(), askedLid, sent, askedLid);
        settle.run();
        if (answers.size() != 2) {
            failure = failure != null ? failure : "no answer to the PortCounters Get";
        } else {
            byte[] r = answers.get(1).mad();
            n.say("%s: process_mad took it to the firmware's PMA by MAD_IFC; %s's port 1 counters: PortXmitData %d "
                    + "and PortRcvData %d (4-byte words), PortXmitPkts %d, PortRcvPkts %d", asked.name(), asked.name(),
                    Layout.PortCounters.PORT_XMIT_DATA.get(r, D), Layout.PortCounters.PORT_RCV_DATA.get(r, D),
                    Layout.PortCounters.PORT_XMIT_PACKETS.get(r, D), Layout.PortCounters.PORT_RCV_PACKETS.get(r, D));
        }
        failure = failure != null ? failure : partition(sm);
        if (failure == null && !done.equals(List.of(WcStatus.SUCCESS, WcStatus.SUCCESS, WcStatus.SUCCESS))) {
            failure = "the MAD sends completed " + done;
        }
        pm.unregister();
        sm.unregister();
        for (int i = 0; i < 2; i++) {
            hosts[i].core().unregisterClient(layers[i]);
        }
        n.say("%s, %s: the agents unregistered and the MAD layer unloaded: its QPs, CQ, PD and buffers freed",
                asker.name(), asked.name());
        return failure;
    }

    /**
     * An SM's partition manager at work: a SubnSet(P_KeyTable) of block 0 that keeps the default
     * P_Key and adds 0x8001, and what the asked host's ib_core makes of it; null if all went so.
     */
    private String partition(MadAgent sm) {
        IbDevice dev = asked.driver(0).device();
        List<String> events = new ArrayList<>();
        org.ibmodel.core.IbEventHandler handler = e -> events.add(e.event().kernelName());
        dev.registerEventHandler(handler);
        MadSendBuf set = request(sm, 0x01, 0x0016, 0, askedLid);
        Layout.Mad.METHOD.set(set.mad, 0, 0x02);
        set.mad[D] = (byte) 0xff;
        set.mad[D + 1] = (byte) 0xff;
        set.mad[D + 2] = (byte) 0x80;
        set.mad[D + 3] = 0x01;
        int sent = post(set);
        n.say("%s kernel: ib_post_send_mad(SubnSet(P_KeyTable) block 0 to LID %d: 0xffff kept, 0x8001 added, as "
                + "OpenSM's partition manager writes a port's partitions) returns %d", asker.name(), askedLid, sent);
        settle.run();
        dev.unregisterEventHandler(handler);
        if (answers.size() != 3 || Layout.Mad.STATUS.getInt(answers.get(2).mad(), 0) != 0) {
            return "the SubnSet(P_KeyTable) was not taken";
        }
        n.say("%s: the firmware's SMA wrote the block and posted a PORT_MNG_CHG EQE (P_KeyTable); the driver's "
                + "port work read the table again for ib_core's cache, which now has 0x%04x at index 1, and raised "
                + "%s", asked.name(), dev.port(1).cachedPkey(1), String.join(", ", events));
        return events.equals(List.of("IB_EVENT_PKEY_CHANGE")) ? null : "ib_core heard " + events;
    }

    /** An agent of the asker on {@code type}'s QP for responses only; each send done frees itself. */
    private MadAgent register(MadLayer layer, QpType type) {
        return layer.registerMadAgent(asker.driver(0).device(), 1, type, null, (sb, st) -> {
            done.add(st);
            sb.ah.destroy();
            sb.agent().freeSendMad(sb);
        }, (sb, r) -> answers.add(r)).get();
    }

    /** ib_post_send_mad; a send that could not be posted is freed here, as its handler never runs. */
    private static int post(MadSendBuf sb) {
        int ret = sb.agent().postSendMad(sb);
        if (ret != 0) {
            sb.ah.destroy();
            sb.agent().freeSendMad(sb);
        }
        return ret;
    }

    /** A Get of {@code attr} in {@code mgmtClass} from {@code agent}, a TID of its hi_tid, to {@code dlid}. */
    private MadSendBuf request(MadAgent agent, int mgmtClass, int attr, int remoteQpn, int dlid) {
        MadSendBuf sb = agent.createSendMad(remoteQpn, 0, 24, 232).get();
        Layout.Mad.BASE_VERSION.set(sb.mad, 0, 1);
        Layout.Mad.MGMT_CLASS.set(sb.mad, 0, mgmtClass);
        Layout.Mad.CLASS_VERSION.set(sb.mad, 0, 1);
        Layout.Mad.METHOD.set(sb.mad, 0, 0x01);
        Layout.Mad.TID.set(sb.mad, 0, (long) agent.hiTid() << 32 | ++tid);
        Layout.Mad.ATTR_ID.set(sb.mad, 0, attr);
        sb.timeoutMs = TIMEOUT_MS;
        sb.ah = Ah.create(agent.qp().pd(), AhAttr.lid(1, dlid)).get();
        return sb;
    }
}
