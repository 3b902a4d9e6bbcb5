// IBA 13.4 (MADs), 13.5.3 (MAD processing at QP1), 16.1 (performance management);
// include/rdma/ib_mad.h and ib_pma.h for the numbers; drivers/infiniband/core/mad.c
// generate_unmatched_resp for a class nobody serves
package org.ibmodel.sim.world;

import static org.ibmodel.sim.device.Sma.CLASS_SUBN_DIRECTED_ROUTE;
import static org.ibmodel.sim.device.Sma.CLASS_SUBN_LID_ROUTED;
import static org.ibmodel.sim.device.Sma.METHOD_GET;
import static org.ibmodel.sim.device.Sma.METHOD_GET_RESP;
import static org.ibmodel.sim.device.Sma.METHOD_RESP;
import static org.ibmodel.sim.device.Sma.METHOD_SET;
import static org.ibmodel.sim.device.Sma.STATUS_UNSUPPORTED_METHOD_ATTRIB;

import java.util.Objects;
import org.ibmodel.sim.device.Field;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.device.Pma;
import org.ibmodel.sim.fabric.FabricPort;
import org.ibmodel.sim.fabric.PacketSink;
import org.ibmodel.sim.fabric.Switch;
import org.ibmodel.sim.fabric.SwitchPortCounters;
import org.ibmodel.sim.fabric.SwitchPortCounters.Counter;
import org.ibmodel.sim.wire.Bth;
import org.ibmodel.sim.wire.Crcs;
import org.ibmodel.sim.wire.Lrh;
import org.ibmodel.sim.wire.Opcode;
import org.ibmodel.sim.wire.Packet;
import org.ibmodel.sim.wire.PacketBuilder;
import org.ibmodel.sim.wire.ParseResult;

/**
 * The agents at a switch's management port, port 0: what answers a MAD sent to the switch's LID,
 * so that perfquery, smpquery and ibroute read a switch as they read a real one.
 *
 * <p>Its performance agent, at QP1, answers ClassPortInfo, PortCounters, PortCountersExtended and
 * PortXmitDiscardDetails for any of the switch's ports (PortSelect 0 to the last; port 0 counts
 * nothing), Get and Set;
 * a request of another class is answered as ib_mad answers one no agent took, with status
 * "unsupported method/attribute". Like an HCA's QP1 (docs/HCA.md §5.11) it takes a 256-byte SEND
 * Only, on any VL but 15, with the well-known Q_Key and a P_Key matching its table's one entry
 * (the default 0xFFFF unless an SM writes another), and answers from QP1 to the sender's QP and
 * LID.
 *
 * <p>Its subnet management agent ({@link SwitchSma}), at QP0, answers a SubnGet that came on
 * VL15, from QP0 on VL15: a LID-routed one to its sender, a directed-route one back along its
 * path, which the switch's SMI also passes on when the switch is not its last hop, so that
 * ibnetdiscover and an SM's sweep walk the fabric port by port. Left out: directed-route SMPs
 * with a LID-routed part (DrSLID or DrDLID not permissive), requests carrying a GRH, and the
 * PortRcvErrorDetails and sampling attributes.
 */
public final class SwitchAgent implements PacketSink, Pma.Ports {
    /** IBA 13.5.3.1: the GSI's well-known Q_Key (IB_QP1_QKEY). */
    public static final int GSI_QKEY = 0x8001_0000;
    /** Every MAD is 256 bytes (IBA 13.4.1). */
    public static final int MAD_SIZE = Layout.Mad.SIZE;
    private static final int PKEY_LOW_15 = 0x7fff;
    private static final int PKEY_FULL_MEMBER = 0x8000;
    private static final int VL15 = 15;
    /** The permissive LID (IB_LID_PERMISSIVE): a directed-route SMP's LIDs, DrSLID and DrDLID. */
    private static final int PERMISSIVE = 0xffff;

    /**
     * PortCounters' CounterSelect bits (IB_PMA_SEL_* of include/rdma/ib_pma.h, and bit 5 for
     * PortRcvSwitchRelayErrors, which an HCA's agent has no use for) and the counters they clear.
     */
    private static final int[] SEL_BITS = {0x0004, 0x0008, 0x0020, 0x0040, 0x1000, 0x2000, 0x4000, 0x8000};
    private static final Counter[] SEL_COUNTERS = {Counter.LINK_DOWNED, Counter.RCV_ERRORS,
        Counter.RCV_SWITCH_RELAY_ERRORS, Counter.XMIT_DISCARDS, Counter.XMIT_DATA, Counter.RCV_DATA,
        Counter.XMIT_PACKETS, Counter.RCV_PACKETS};
    /** PortCountersExtended's CounterSelect bits (IB_PMA_SELX_*), bit i clearing counter i here. */
    private static final Counter[] SELX_COUNTERS = {Counter.XMIT_DATA, Counter.RCV_DATA, Counter.XMIT_PACKETS,
        Counter.RCV_PACKETS, Counter.UNICAST_XMIT_PACKETS, Counter.UNICAST_RCV_PACKETS,
        Counter.MULTICAST_XMIT_PACKETS, Counter.MULTICAST_RCV_PACKETS};

    /**
     * PortXmitDiscardDetails (IBA 16.1.4.3), offsets from the attribute's start as libibmad's
     * fields.c has them: the discards of a port that was not active and of packets longer than
     * its NeighborMTU; the two lifetime limits are not modelled and stay 0. CounterSelect bit i
     * clears the i-th (ibsim's XMIT_DISCARD_DETAILS_SELECT_MASK).
     */
    static final Field PORT_INACTIVE_DISCARDS = new Field("port_inactive_discards", 0x04, 31, 16);
    static final Field PORT_NEIGHBOR_MTU_DISCARDS = new Field("port_neighbor_mtu_discards", 0x04, 15, 0);
    private static final Counter[] DISCARD_DETAILS = {Counter.INACTIVE_DISCARDS, Counter.NEIGHBOR_MTU_DISCARDS};

    private final Switch sw;
    private final SwitchSma sma;
    private final Pma pma = new Pma();
    private final Packet view = Packet.reusable();
    private final PacketBuilder builder = new PacketBuilder();
    private final byte[] mad = new byte[MAD_SIZE];
    private int psn;
    private long answered;
    private long forwarded;
    private long dropped;
    private long droppedSmps;

    private SwitchAgent(Switch sw, long nodeGuid, int smLid) {
        this.sw = Objects.requireNonNull(sw, "sw");
        this.sma = new SwitchSma(sw, nodeGuid, smLid);
    }

    /**
     * Plugs an agent into {@code sw}'s management port: the switch's node GUID is
     * {@code nodeGuid}, and its subnet manager is at {@code smLid}.
     */
    public static SwitchAgent plug(Switch sw, long nodeGuid, int smLid) {
        SwitchAgent agent = new SwitchAgent(sw, nodeGuid, smLid);
        sw.managementSink(agent);
        return agent;
    }

    /** The switch's node GUID, which its NodeInfo gives. */
    public long nodeGuid() {
        return sma.nodeGuid();
    }

    /** MADs answered. */
    public long answered() {
        return answered;
    }

    /** Directed-route SMPs passed on along their path, going out or coming back. */
    public long forwarded() {
        return forwarded;
    }

    /**
     * Packets at port 0 the agent did not take: malformed, for another LID, not a MAD to QP1, a
     * wrong Q_Key or P_Key, a GRH, a response (which no agent answers), or a subnet management
     * class at QP1.
     */
    public long dropped() {
        return dropped;
    }

    /**
     * SMPs to QP0 neither answered nor passed on: responses, traps, reports and TrapRepresses,
     * and directed-route ones whose path is bad or not directed from end to end.
     */
    public long droppedSmps() {
        return droppedSmps;
    }

    @Override
    public void receive(FabricPort port, byte[] packet) {
        receive(port, packet, Crcs.State.UNVERIFIED);
    }

    @Override
    public void receive(FabricPort port, byte[] packet, Crcs.State crcs) {
        receiveAtManagementPort(port, 0, packet, crcs);
    }

    @Override
    public void receiveAtManagementPort(FabricPort port, int inPort, byte[] packet, Crcs.State crcs) {
        try {
            take(packet, crcs, inPort);
        } finally {
            port.pool().give(packet);
        }
    }

    /**
     * Answers {@code packet} if it is a request the agent takes, else counts it dropped. Port 0 is
     * an end port: a packet an LFT entry of 0 brought it for another LID is not its own.
     */
    private void take(byte[] packet, Crcs.State crcs, int inPort) {
        boolean valid = view.parseInto(packet, 0, packet.length, crcs) instanceof ParseResult.Valid
                && (view.lrh().dlid() == PERMISSIVE || view.lrh().dlid() == sw.port(0).lid());
        boolean isMad = valid && view.opcode() == Opcode.UD_SEND_ONLY && view.payloadLength() == MAD_SIZE
                && !view.hasGrh();
        if (isMad && view.bth().destQp() == 0 && view.lrh().vl() == VL15) {
            if (!answerSmp(packet, inPort)) {
                droppedSmps++;
            }
        } else if (!isMad || !answerGmp(packet)) {
            dropped++;
        }
    }

    /**
     * An SMP to QP0 on VL15 (QP0 checks neither Q_Key nor P_Key, docs/HCA.md §5.11): a LID-routed
     * one is answered from QP0 on VL15 to its sender; a directed-route one moves along its path
     * or, at the path's end, is answered back along it ({@link #directedRoute}).
     */
    private boolean answerSmp(byte[] packet, int inPort) {
        System.arraycopy(packet, view.payloadOffset(), mad, 0, MAD_SIZE);
        int mgmtClass = Layout.Mad.MGMT_CLASS.getInt(mad, 0);
        if (mgmtClass == CLASS_SUBN_DIRECTED_ROUTE) {
            return directedRoute(inPort);
        }
        if (mgmtClass != CLASS_SUBN_LID_ROUTED) {
            return false;
        }
        byte[] response = sma.answer(mad, inPort);
        if (response == null) {
            return false;
        }
        respond(response, VL15, view.lrh().sl(), view.lrh().slid(), view.bth().pKey(), view.deth().srcQp(), 0);
        return true;
    }

    /**
     * A directed-route SMP in {@link #mad}, come in by port {@code inPort}, as a switch's SMI
     * takes one (drivers/infiniband/core/smi.c smi_handle_dr_smp_recv, then _send; IBA 14.2.2.2):
     * going out (D clear), an intermediate switch notes the port in ReturnPath, moves HopPointer
     * on and sends it out of the next InitialPath port; the last switch of the path (HopPointer
     * equal to HopCount) notes the port, moves HopPointer past the path and answers, and the
     * answer, D set, goes back out of the ReturnPath port, each switch on the way moving HopPointer
     * back. Only a path directed from end to end (DrSLID and DrDLID permissive, 1 to 63 hops) is
     * taken; false for anything else, which is dropped.
     */
    private boolean directedRoute(int inPort) {
        int hopPtr = SwitchSma.HOP_PTR.getInt(mad, 0);
        int hopCnt = SwitchSma.HOP_CNT.getInt(mad, 0);
        boolean returning = (Layout.Mad.STATUS.getInt(mad, 0) & SwitchSma.DIRECTION) != 0;
        if (hopCnt == 0 || hopCnt >= SwitchSma.MAX_PATH_HOPS || Layout.Mad.DR_SLID.getInt(mad, 0) != PERMISSIVE
                || Layout.Mad.DR_DLID.getInt(mad, 0) != PERMISSIVE) {
            return false;
        }
        if (returning) {
            // C14-13:2: on the way back, out of the port the request came in by here.
            if (hopPtr < 2 || hopPtr > hopCnt) {
                return false;
            }
            SwitchSma.HOP_PTR.set(mad, 0, hopPtr - 1);
            return passOn(mad[SwitchSma.RETURN_PATH + hopPtr - 1] & 0xff);
        }
        // C14-9:1 (the sender moved HopPointer to 1) and C14-9:4, :5 (past the path) are dropped;
        // HopPointer past the path going out arises only after a LID-routed part, left out.
        if (hopPtr == 0 || hopPtr > hopCnt) {
            return false;
        }
        mad[SwitchSma.RETURN_PATH + hopPtr] = (byte) inPort;
        if (hopPtr < hopCnt) {
            // C14-9:2: an intermediate switch.
            SwitchSma.HOP_PTR.set(mad, 0, hopPtr + 1);
            return passOn(mad[SwitchSma.INITIAL_PATH + hopPtr + 1] & 0xff);
        }
        // C14-9:3: the end of the path; the response's first hop (C14-13:1) is the port it came in by.
        SwitchSma.HOP_PTR.set(mad, 0, hopCnt + 1);
        byte[] response = sma.answer(mad, inPort);
        if (response == null) {
            return false;
        }
        SwitchSma.HOP_PTR.set(response, 0, hopCnt);
        answered++;
        return sendDirected(response, inPort);
    }

    /** Passes the SMP in {@link #mad} on out of port {@code out}; counted only when it leaves. */
    private boolean passOn(int out) {
        if (!sendDirected(mad, out)) {
            return false;
        }
        forwarded++;
        return true;
    }

    /**
     * Sends {@code smp} from QP0 out of port {@code out}, to QP0 of whatever is at the other end:
     * VL15, both LIDs permissive, the request's SL and P_Key (agent_send_response takes the
     * request's). False for a port the switch does not have, and for port 0: a path through the
     * switch's own management port is left out.
     */
    private boolean sendDirected(byte[] smp, int out) {
        if (out < 1 || out > sw.numPorts()) {
            return false;
        }
        byte[] packet = build(smp, VL15, view.lrh().sl(), PERMISSIVE, PERMISSIVE, view.bth().pKey(), 0, 0);
        sw.sendFromPort0(packet, Crcs.State.PENDING, out);
        return true;
    }

    /** A GMP to QP1, answered from QP1; false when it is not one the agent takes. */
    private boolean answerGmp(byte[] packet) {
        int destQp = view.bth().destQp();
        int pkey = view.bth().pKey();
        // The permissive LID is QP0's alone, as a destination or a source (qib's and hfi1's
        // receive paths, ReceiveDemux): a GMP carrying it is dropped.
        if (destQp != 1 || view.lrh().vl() == VL15 || view.deth().qKey() != GSI_QKEY
                || view.lrh().dlid() == PERMISSIVE || view.lrh().slid() == PERMISSIVE || !pkeyMatches(pkey)) {
            return false;
        }
        System.arraycopy(packet, view.payloadOffset(), mad, 0, MAD_SIZE);
        int method = Layout.Mad.METHOD.getInt(mad, 0);
        int mgmtClass = Layout.Mad.MGMT_CLASS.getInt(mad, 0);
        // mad.c validate_mad: subnet management classes are QP0's alone; at QP1 they are dropped.
        if ((method & METHOD_RESP) != 0 || mgmtClass == CLASS_SUBN_LID_ROUTED
                || mgmtClass == CLASS_SUBN_DIRECTED_ROUTE) {
            return false;
        }
        byte[] response;
        if (mgmtClass == Pma.CLASS_PERF_MGMT) {
            response = pma.answer(this, mad);
        } else {
            response = unmatched(mad, method);
        }
        if (response == null) {
            return false;
        }
        // Every packet but QP0's goes on VL 0 (docs/HCA.md §10). The answer carries the table's
        // entry the request matched, as agent.c sends it on the receive's pkey_index.
        respond(response, 0, view.lrh().sl(), view.lrh().slid(), sma.managementPkey(), view.deth().srcQp(), 1);
        return true;
    }

    /**
     * IBA 10.9.3: the packet's P_Key and the management port's one entry (the default 0xFFFF
     * until an SM writes another, {@link SwitchSma#managementPkey}) agree in their low 15 bits,
     * which are not 0, and one of them is a full member.
     */
    private boolean pkeyMatches(int pkey) {
        int mine = sma.managementPkey();
        return (pkey & PKEY_LOW_15) == (mine & PKEY_LOW_15) && (mine & PKEY_LOW_15) != 0
                && ((pkey | mine) & PKEY_FULL_MEMBER) != 0;
    }

    /**
     * A Get or Set of a class no agent here serves: answered with its header and status
     * unsupported method/attribute (mad.c generate_unmatched_resp); anything else is not
     * answered.
     */
    private static byte[] unmatched(byte[] in, int method) {
        if (method != METHOD_GET && method != METHOD_SET) {
            return null;
        }
        byte[] out = in.clone();
        Layout.Mad.METHOD.set(out, 0, METHOD_GET_RESP);
        Layout.Mad.STATUS.set(out, 0, STATUS_UNSUPPORTED_METHOD_ATTRIB);
        return out;
    }

    /**
     * Sends {@code response} from QP {@code srcQp} (0 or 1) to {@code destQp} at {@code dlid}, on
     * {@code vl} and the request's SL and P_Key; QP1 with the GSI's Q_Key, QP0 with none.
     */
    private void respond(byte[] response, int vl, int sl, int dlid, int pkey, int destQp, int srcQp) {
        byte[] out = build(response, vl, sl, dlid, sw.port(0).lid(), pkey, destQp, srcQp);
        answered++;
        sw.sendFromPort0(out, Crcs.State.PENDING);
    }

    /** A SEND Only of {@code mad} from QP {@code srcQp} (0 or 1), its CRCs left to the fabric. */
    private byte[] build(byte[] mad, int vl, int sl, int dlid, int slid, int pkey, int destQp, int srcQp) {
        byte[] out = sw.port(0).pool().take(PacketBuilder.frameLength(Opcode.UD_SEND_ONLY, false, MAD_SIZE));
        builder.wrap(out, 0).begin(Opcode.UD_SEND_ONLY, false);
        builder.lrh().vl(vl).sl(sl).dlid(dlid).slid(slid);
        Bth bth = builder.bth();
        bth.pKey(pkey).destQp(destQp).psn(psn);
        psn = (psn + 1) & Bth.PSN_MASK;
        builder.deth().qKey(srcQp == 1 ? GSI_QKEY : 0).srcQp(srcQp);
        builder.payload(mad, 0, MAD_SIZE);
        builder.finishWithoutCrcs();
        return out;
    }

    @Override
    public boolean selects(int select) {
        return select >= 0 && select <= sw.numPorts();
    }

    @Override
    public void portCounters(int select, byte[] out, int d) {
        SwitchPortCounters c = sw.counters(select);
        Layout.PortCounters.LINK_DOWNED_COUNTER.set(out, d, Math.min(c.get(Counter.LINK_DOWNED), 0xff));
        Layout.PortCounters.PORT_RCV_ERRORS.set(out, d, Math.min(c.get(Counter.RCV_ERRORS), 0xffff));
        Layout.PortCounters.PORT_RCV_SWITCH_RELAY_ERRORS.set(out, d,
                Math.min(c.get(Counter.RCV_SWITCH_RELAY_ERRORS), 0xffff));
        Layout.PortCounters.PORT_XMIT_DISCARDS.set(out, d, Math.min(c.get(Counter.XMIT_DISCARDS), 0xffff));
        Layout.PortCounters.PORT_XMIT_DATA.set(out, d, Math.min(c.get(Counter.XMIT_DATA), 0xffff_ffffL));
        Layout.PortCounters.PORT_RCV_DATA.set(out, d, Math.min(c.get(Counter.RCV_DATA), 0xffff_ffffL));
        Layout.PortCounters.PORT_XMIT_PACKETS.set(out, d, Math.min(c.get(Counter.XMIT_PACKETS), 0xffff_ffffL));
        Layout.PortCounters.PORT_RCV_PACKETS.set(out, d, Math.min(c.get(Counter.RCV_PACKETS), 0xffff_ffffL));
    }

    @Override
    public void portCountersExt(int select, byte[] out, int d) {
        SwitchPortCounters c = sw.counters(select);
        Layout.PortCountersExt.PORT_XMIT_DATA.set(out, d, c.get(Counter.XMIT_DATA));
        Layout.PortCountersExt.PORT_RCV_DATA.set(out, d, c.get(Counter.RCV_DATA));
        Layout.PortCountersExt.PORT_XMIT_PACKETS.set(out, d, c.get(Counter.XMIT_PACKETS));
        Layout.PortCountersExt.PORT_RCV_PACKETS.set(out, d, c.get(Counter.RCV_PACKETS));
        Layout.PortCountersExt.PORT_UNICAST_XMIT_PACKETS.set(out, d, c.get(Counter.UNICAST_XMIT_PACKETS));
        Layout.PortCountersExt.PORT_UNICAST_RCV_PACKETS.set(out, d, c.get(Counter.UNICAST_RCV_PACKETS));
        Layout.PortCountersExt.PORT_MULTICAST_XMIT_PACKETS.set(out, d, c.get(Counter.MULTICAST_XMIT_PACKETS));
        Layout.PortCountersExt.PORT_MULTICAST_RCV_PACKETS.set(out, d, c.get(Counter.MULTICAST_RCV_PACKETS));
    }

    @Override
    public void clearCounters(int select, int counterSelect) {
        SwitchPortCounters c = sw.counters(select);
        for (int i = 0; i < SEL_BITS.length; i++) {
            if ((counterSelect & SEL_BITS[i]) != 0) {
                c.clear(SEL_COUNTERS[i]);
            }
        }
    }

    @Override
    public boolean hasXmitDiscardDetails() {
        return true;
    }

    @Override
    public void xmitDiscardDetails(int select, byte[] out, int d) {
        SwitchPortCounters c = sw.counters(select);
        PORT_INACTIVE_DISCARDS.set(out, d, Math.min(c.get(Counter.INACTIVE_DISCARDS), 0xffff));
        PORT_NEIGHBOR_MTU_DISCARDS.set(out, d, Math.min(c.get(Counter.NEIGHBOR_MTU_DISCARDS), 0xffff));
    }

    @Override
    public void clearXmitDiscardDetails(int select, int counterSelect) {
        SwitchPortCounters c = sw.counters(select);
        for (int i = 0; i < DISCARD_DETAILS.length; i++) {
            if ((counterSelect & 1 << i) != 0) {
                c.clear(DISCARD_DETAILS[i]);
            }
        }
    }

    @Override
    public void clearCountersExt(int select, int counterSelect) {
        SwitchPortCounters c = sw.counters(select);
        for (int i = 0; i < SELX_COUNTERS.length; i++) {
            if ((counterSelect & 1 << i) != 0) {
                c.clear(SELX_COUNTERS[i]);
            }
        }
    }
}
