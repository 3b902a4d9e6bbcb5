// IBA 14.2.5 (SMA attributes: NodeDescription, NodeInfo, SwitchInfo, PortInfo,
// LinearForwardingTable), 13.4.7 (MAD status); include/rdma/ib_smi.h and ib_mad.h for the numbers;
// OpenSM's ib_switch_info_t for SwitchInfo's layout
package org.ibmodel.sim.world;

import static org.ibmodel.sim.device.Sma.CLASS_SUBN_DIRECTED_ROUTE;
import static org.ibmodel.sim.device.Sma.METHOD_GET_RESP;
import static org.ibmodel.sim.device.Sma.METHOD_REPORT;
import static org.ibmodel.sim.device.Sma.METHOD_RESP;
import static org.ibmodel.sim.device.Sma.METHOD_SET;
import static org.ibmodel.sim.device.Sma.METHOD_TRAP;
import static org.ibmodel.sim.device.Sma.METHOD_TRAP_REPRESS;
import static org.ibmodel.sim.device.Sma.STATUS_INVALID_ATTRIB_VALUE;
import static org.ibmodel.sim.device.Sma.STATUS_UNSUPPORTED_METHOD_ATTRIB;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ibmodel.sim.device.Field;
import org.ibmodel.sim.device.HcaPort;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.device.Sma;
import org.ibmodel.sim.fabric.FabricPort;
import org.ibmodel.sim.fabric.Link;
import org.ibmodel.sim.fabric.Switch;

/**
 * A switch's subnet management agent: answers a SubnGet from the switch's own state, so that
 * smpquery and ibroute read a switch as they would a real one. NodeDescription, NodeInfo,
 * SwitchInfo, PortInfo of any port, port 0's P_KeyTable and the linear and multicast forwarding
 * tables are answered. The world sets the subnet up, but an SM's SubnSets are taken too:
 * PortInfo's port and link states of an external port, so that ibportstate disables, enables and
 * resets a switch port; SwitchInfo's table tops, PortStateChange and LifeTimeValue, as an SM's
 * sweep writes them; port 0's P_KeyTable; and the linear and multicast forwarding tables by
 * block. Any other SubnSet is refused as an HCA's agent refuses it.
 */
final class SwitchSma {
    /** A directed-route SMP's status carries the direction, D, in bit 15 (IB_SMP_DIRECTION). */
    static final int DIRECTION = 0x8000;
    /** IB_SMP_MAX_PATH_HOPS: a path's ports are bytes 1..63 of InitialPath and ReturnPath. */
    static final int MAX_PATH_HOPS = 64;
    /** struct ib_smp: HopPointer and HopCount after the status, the paths after the data. */
    static final Field HOP_PTR = new Field("hop_ptr", 0x04, 15, 8);
    static final Field HOP_CNT = new Field("hop_cnt", 0x04, 7, 0);
    static final int INITIAL_PATH = 0x80;
    static final int RETURN_PATH = 0xc0;
    /** IB_NODE_SWITCH (include/rdma/ib_verbs.h rdma_node_type; NodeInfo:NodeType 2). */
    static final int NODE_TYPE_SWITCH = 2;
    /** LIDs 0 to 0xBFFF: the whole unicast range fits the LFT (SwitchInfo LinearFDBCap). */
    static final int LINEAR_FDB_CAP = Switch.MAX_UNICAST_LID + 1;
    /** MLIDs 0xC000 to 0xFFFE (SwitchInfo MulticastFDBCap). */
    static final int MULTICAST_FDB_CAP = Switch.LAST_MULTICAST_LID - Switch.FIRST_MULTICAST_LID + 1;
    /** OpenSM's default packet life time (0x12), which it writes to every switch's LifeTimeValue. */
    static final int LIFE_TIME_VALUE = 0x12;
    static final int LFT_BLOCK = 64;
    /**
     * MulticastForwardingTable (IBA 14.2.5.12): 32 MLIDs a block, each a 16-bit mask of 16 ports;
     * the modifier's bits 8:0 name the block, bits 31:28 which 16 ports (opensm ib_types.h
     * IB_MCAST_BLOCK_SIZE, IB_MCAST_BLOCK_ID_MASK_HO, IB_MCAST_POSITION_SHIFT).
     */
    static final int MFT_BLOCK = 32;
    static final int MFT_PORTS_PER_POSITION = 16;
    static final long MFT_BLOCK_MASK = 0x1ff;
    static final int MFT_POSITION_SHIFT = 28;

    /**
     * Port 0's CapabilityMask (IBA 14.2.5.6): IsExtendedSpeedsSupported (bit 14), so that a
     * reader takes LinkSpeedExtActive of the switch's ports, and IsMulticastFDBTopSupported (bit
     * 30), so that it takes SwitchInfo's MulticastFDBTop (opensm ib_types.h IB_PORT_CAP_*).
     */
    static final int PORT0_CAPABILITY_MASK = 1 << 14 | 1 << 30;

    /** PortInfo:PortState and PortPhysicalState 0 in a Set: no change. */
    static final int NO_STATE_CHANGE = 0;
    /**
     * Bit 31 of PortInfo's modifier, which ibportstate sets when port 0 says
     * IsExtendedSpeedsSupported (its Set then carries LinkSpeedExtEnabled); the port is the rest,
     * as ibsim's do_portinfo takes it.
     */
    static final long EXT_SPEEDS_MODIFIER = 1L << 31;

    /** IBA 14.2.5.4 SwitchInfo, offsets from the attribute's start (ib_switch_info_t). */
    static final class SwitchInfo {
        static final Field LINEAR_FDB_CAP = new Field("lin_cap", 0x00, 31, 16);
        static final Field RANDOM_FDB_CAP = new Field("rand_cap", 0x00, 15, 0);
        static final Field MULTICAST_FDB_CAP = new Field("mcast_cap", 0x04, 31, 16);
        static final Field LINEAR_FDB_TOP = new Field("lin_top", 0x04, 15, 0);
        static final Field DEFAULT_PORT = new Field("def_port", 0x08, 31, 24);
        static final Field LIFE_TIME_VALUE = new Field("life_time_value", 0x08, 7, 3);
        static final Field PORT_STATE_CHANGE = new Field("port_state_change", 0x08, 2, 2);
        static final Field LIDS_PER_PORT = new Field("lids_per_port", 0x0c, 31, 16);
        static final Field PARTITION_ENFORCEMENT_CAP = new Field("enforce_cap", 0x0c, 15, 0);
        static final Field MULTICAST_FDB_TOP = new Field("mcast_top", 0x10, 15, 0);

        private SwitchInfo() {
        }
    }

    /** One attribute: fills the data of {@code out}, or returns a MAD status. */
    @FunctionalInterface
    private interface Get {
        int fill(SwitchSma sma, int inPort, long attrMod, byte[] out);
    }

    /** A SubnSet of one attribute: takes {@code in}, answers in {@code out} as a Get, or returns a status. */
    @FunctionalInterface
    private interface Set {
        int take(SwitchSma sma, int inPort, long attrMod, byte[] in, byte[] out);
    }

    /** The attributes, each with its Get and, where the agent takes one, its Set (null: refused). */
    private enum Attr {
        NODE_DESC(0x0010, SwitchSma::nodeDesc, null),
        NODE_INFO(0x0011, SwitchSma::nodeInfo, null),
        SWITCH_INFO(0x0012, SwitchSma::switchInfo, SwitchSma::setSwitchInfo),
        PORT_INFO(0x0015, SwitchSma::portInfo, SwitchSma::setPortInfo),
        P_KEY_TABLE(0x0016, SwitchSma::pkeyTable, SwitchSma::setPkeyTable),
        LINEAR_FORWARDING_TABLE(0x0019, SwitchSma::linearForwardingTable, SwitchSma::setLinearForwardingTable),
        MULTICAST_FORWARDING_TABLE(0x001b, SwitchSma::multicastForwardingTable,
                SwitchSma::setMulticastForwardingTable);

        final int id;
        private final Get get;
        private final Set set;

        Attr(int id, Get get, Set set) {
            this.id = id;
            this.get = get;
            this.set = set;
        }

        static Attr of(int id) {
            for (Attr a : values()) {
                if (a.id == id) {
                    return a;
                }
            }
            return null;
        }
    }

    /** The default P_Key (IBA 10.9.1.2), a full member of the default partition. */
    static final int DEFAULT_PKEY = 0xffff;
    /** P_KeyTable's modifier: the block in bits 15:0, a switch's port in bits 31:16 (IBA 14.2.5.7). */
    static final long PKEY_BLOCK_MASK = 0xffff;
    static final int PKEY_PORT_SHIFT = 16;

    /** The default subnet prefix, fe80::/64 (IBA 4.1.1), the world's. */
    static final long DEFAULT_GID_PREFIX = 0xfe80_0000_0000_0000L;

    private final Switch sw;
    private final long nodeGuid;
    private final int smLid;
    /** SwitchInfo:LifeTimeValue, which an SM's SubnSet writes. */
    private int lifeTimeValue = LIFE_TIME_VALUE;
    /** The management port's P_Key table, of NodeInfo:PartitionCap 1 entry: the default at first. */
    private int managementPkey = DEFAULT_PKEY;

    SwitchSma(Switch sw, long nodeGuid, int smLid) {
        this.sw = sw;
        this.nodeGuid = nodeGuid;
        this.smLid = smLid;
    }

    long nodeGuid() {
        return nodeGuid;
    }

    /** The one entry of port 0's P_Key table, which the agent's QP1 checks a GMP's P_Key with. */
    int managementPkey() {
        return managementPkey;
    }

    /**
     * The GetResp to {@code in}, an SMP that came in by port {@code inPort}; null for a
     * response, trap or report, which an agent never answers. {@code in} is not changed.
     */
    byte[] answer(byte[] in, int inPort) {
        int method = Layout.Mad.METHOD.getInt(in, 0);
        // IBA 13.4.5: nothing answers a response, a Trap, a Report or a TrapRepress (qib_mad.c
        // process_subn consumes the last without a reply).
        if ((method & METHOD_RESP) != 0 || method == METHOD_TRAP || method == METHOD_REPORT
                || method == METHOD_TRAP_REPRESS) {
            return null;
        }
        byte[] out = in.clone();
        Arrays.fill(out, Layout.Mad.DATA, Layout.Mad.DATA + Layout.Mad.DATA_SIZE, (byte) 0);
        Layout.Mad.METHOD.set(out, 0, METHOD_GET_RESP);
        boolean directed = Layout.Mad.MGMT_CLASS.getInt(in, 0) == CLASS_SUBN_DIRECTED_ROUTE;
        // A directed-route response goes back along the path: D set (IBA 14.2.2.2).
        Layout.Mad.STATUS.set(out, 0, status(in, inPort, out) | (directed ? DIRECTION : 0));
        return out;
    }

    private int status(byte[] in, int inPort, byte[] out) {
        if (Sma.versionsKnown(in) && Layout.Mad.METHOD.getInt(in, 0) == METHOD_SET) {
            Attr attr = Attr.of(Layout.Mad.ATTR_ID.getInt(in, 0));
            if (attr != null && attr.set != null) {
                return attr.set.take(this, inPort, Layout.Mad.ATTR_MOD.get(in, 0), in, out);
            }
        }
        // A Get, or a Set the agent does not take: Sma's header check answers the latter.
        int header = Sma.getOnlyStatus(in);
        if (header != 0) {
            return header;
        }
        Attr attr = Attr.of(Layout.Mad.ATTR_ID.getInt(in, 0));
        if (attr == null) {
            return STATUS_UNSUPPORTED_METHOD_ATTRIB;
        }
        return attr.get.fill(this, inPort, Layout.Mad.ATTR_MOD.get(in, 0), out);
    }

    private int nodeDesc(int inPort, long attrMod, byte[] out) {
        if (attrMod != 0) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        byte[] text = sw.name().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, out, Layout.Mad.DATA, Math.min(text.length, Layout.Mad.DATA_SIZE));
        return 0;
    }

    private int nodeInfo(int inPort, long attrMod, byte[] out) {
        if (attrMod != 0) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        int d = Layout.Mad.DATA;
        Layout.NodeInfo.BASE_VERSION.set(out, d, 1);
        Layout.NodeInfo.CLASS_VERSION.set(out, d, 1);
        Layout.NodeInfo.NODE_TYPE.set(out, d, NODE_TYPE_SWITCH);
        Layout.NodeInfo.NUM_PORTS.set(out, d, sw.numPorts());
        Layout.NodeInfo.SYS_IMAGE_GUID.set(out, d, nodeGuid);
        Layout.NodeInfo.NODE_GUID.set(out, d, nodeGuid);
        // A switch's ports share one GUID, port 0's (IBA 14.2.5.3).
        Layout.NodeInfo.PORT_GUID.set(out, d, nodeGuid);
        Layout.NodeInfo.PARTITION_CAP.set(out, d, 1);
        Layout.NodeInfo.LOCAL_PORT_NUM.set(out, d, inPort);
        return 0;
    }

    private int switchInfo(int inPort, long attrMod, byte[] out) {
        if (attrMod != 0) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        int d = Layout.Mad.DATA;
        SwitchInfo.LINEAR_FDB_CAP.set(out, d, LINEAR_FDB_CAP);
        SwitchInfo.RANDOM_FDB_CAP.set(out, d, 0);
        SwitchInfo.MULTICAST_FDB_CAP.set(out, d, MULTICAST_FDB_CAP);
        SwitchInfo.LINEAR_FDB_TOP.set(out, d, Math.max(0, sw.linearFdbTop()));
        SwitchInfo.DEFAULT_PORT.set(out, d, 0);
        SwitchInfo.LIFE_TIME_VALUE.set(out, d, lifeTimeValue);
        SwitchInfo.PORT_STATE_CHANGE.set(out, d, sw.portStateChange() ? 1 : 0);
        SwitchInfo.LIDS_PER_PORT.set(out, d, 0);
        // No partition enforcement at the model's switches (fabric package).
        SwitchInfo.PARTITION_ENFORCEMENT_CAP.set(out, d, 0);
        SwitchInfo.MULTICAST_FDB_TOP.set(out, d, sw.multicastFdbTop());
        return 0;
    }

    /**
     * PortInfo of the port the modifier names, 0 being the management port, which has the
     * switch's LID and is always active. An external port has no LID of its own; its state is
     * its link's.
     */
    private int portInfo(int inPort, long attrMod, byte[] out) {
        long portNum = attrMod & ~EXT_SPEEDS_MODIFIER;
        if (portNum > sw.numPorts()) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        int p = (int) portNum;
        FabricPort port = sw.port(p);
        int d = Layout.Mad.DATA;
        Layout.SmpPortInfo.LOCAL_PORT_NUM.set(out, d, inPort);
        Layout.SmpPortInfo.LINK_DOWN_DEFAULT_STATE.set(out, d, HcaPort.LINK_DOWN_POLLING);
        Layout.SmpPortInfo.MTU_CAP.set(out, d, port.mtuCap());
        Layout.SmpPortInfo.VL_CAP.set(out, d, 1);
        Layout.SmpPortInfo.OPERATIONAL_VLS.set(out, d, 1);
        if (p == 0) {
            Layout.SmpPortInfo.GID_PREFIX.set(out, d, DEFAULT_GID_PREFIX);
            Layout.SmpPortInfo.CAPABILITY_MASK.set(out, d, PORT0_CAPABILITY_MASK);
            Layout.SmpPortInfo.MASTER_SM_LID.set(out, d, smLid);
            Layout.SmpPortInfo.LID.set(out, d, port.lid());
            Layout.SmpPortInfo.LMC.set(out, d, port.lmc());
            Layout.SmpPortInfo.PORT_STATE.set(out, d, port.lid() != 0 ? HcaPort.ACTIVE : HcaPort.INIT);
            Layout.SmpPortInfo.PORT_PHYS_STATE.set(out, d, HcaPort.PHYS_LINK_UP);
            return 0;
        }
        Link link = port.link();
        boolean up = link != null && link.state() == Link.State.UP;
        Layout.SmpPortInfo.PORT_STATE.set(out, d, up ? HcaPort.ACTIVE : HcaPort.DOWN);
        Layout.SmpPortInfo.PORT_PHYS_STATE.set(out, d,
                up ? HcaPort.PHYS_LINK_UP : port.enabled() ? HcaPort.PHYS_POLLING : HcaPort.PHYS_DISABLED);
        Layout.SmpPortInfo.LINK_WIDTH_ENABLED.set(out, d, HcaPort.WIDTHS_SUPPORTED);
        Layout.SmpPortInfo.LINK_WIDTH_SUPPORTED.set(out, d, HcaPort.WIDTHS_SUPPORTED);
        Layout.SmpPortInfo.LINK_SPEED_SUPPORTED.set(out, d, HcaPort.SPEEDS_SUPPORTED);
        Layout.SmpPortInfo.LINK_SPEED_ENABLED.set(out, d, HcaPort.SPEEDS_SUPPORTED);
        Layout.SmpPortInfo.LINK_SPEED_EXT_SUPPORTED.set(out, d, HcaPort.EXT_SPEEDS_SUPPORTED);
        Layout.SmpPortInfo.LINK_SPEED_EXT_ENABLED.set(out, d, HcaPort.EXT_SPEEDS_SUPPORTED);
        if (up) {
            Layout.SmpPortInfo.LINK_WIDTH_ACTIVE.set(out, d, link.width().ibWidth());
            Layout.SmpPortInfo.LINK_SPEED_ACTIVE.set(out, d, HcaPort.linkSpeedActive(link.speed()));
            Layout.SmpPortInfo.LINK_SPEED_EXT_ACTIVE.set(out, d, HcaPort.linkSpeedExtActive(link.speed()));
        }
        // What the SM set, the link's MTU, whether the link is up now or not.
        Layout.SmpPortInfo.NEIGHBOR_MTU.set(out, d, port.neighborMtu());
        return 0;
    }

    /**
     * SubnSet(SwitchInfo), as OpenSM sends it (osm_ucast_mgr.c ucast_mgr_set_fwd_top,
     * osm_mcast_mgr.c mcast_mgr_set_mfttop, osm_state_mgr.c state_mgr_reset_state_change_bit):
     * LinearFDBTop and MulticastFDBTop become the tables' tops, above which the switch relays
     * nothing; a PortStateChange of 1 clears the bit (IBA 14.2.5.4); LifeTimeValue is taken. The
     * default ports, of a random FDB the switch does not have, stay 0. A LinearFDBTop past
     * LinearFDBCap, or a modifier, is an invalid attribute value, and nothing changes. The answer
     * is the SwitchInfo after the change.
     */
    private int setSwitchInfo(int inPort, long attrMod, byte[] in, byte[] out) {
        int d = Layout.Mad.DATA;
        int linearTop = SwitchInfo.LINEAR_FDB_TOP.getInt(in, d);
        if (attrMod != 0 || linearTop >= LINEAR_FDB_CAP) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        sw.setFdbTops(linearTop, SwitchInfo.MULTICAST_FDB_TOP.getInt(in, d));
        if (SwitchInfo.PORT_STATE_CHANGE.getInt(in, d) == 1) {
            sw.clearPortStateChange();
        }
        lifeTimeValue = SwitchInfo.LIFE_TIME_VALUE.getInt(in, d);
        return switchInfo(inPort, attrMod, out);
    }

    /**
     * SubnSet(PortInfo) of an external port, as ibportstate's disable, enable, reset and down take
     * a switch port (IBA 14.2.5.6; qib_mad.c subn_set_portinfo): PortPhysicalState Disabled stops
     * the port driving its link; Polling (enable and reset) lets a disabled port train and takes
     * an enabled one down to train again; PortState Down (down) takes an enabled port's link down
     * to train again. A PortPhysicalState goes with PortState no-change or Down only; Armed or
     * Active alone asks of an up port what it already is. The link trains again in the same
     * instant of virtual time, and to ACTIVE, as the world's ports do (docs/HCA.md §10). The
     * answer is the port's PortInfo after the change; the request's other fields are not taken
     * (the world assigns LIDs, widths, speeds and MTUs). Port 0's PortInfo is not set here
     * (unsupported method/attribute); any other value, Sleep included, or a port the switch does
     * not have, is an invalid attribute value, and nothing changes.
     */
    private int setPortInfo(int inPort, long attrMod, byte[] in, byte[] out) {
        long portNum = attrMod & ~EXT_SPEEDS_MODIFIER;
        if (portNum == 0) {
            return STATUS_UNSUPPORTED_METHOD_ATTRIB;
        }
        if (portNum > sw.numPorts()) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        int p = (int) portNum;
        int d = Layout.Mad.DATA;
        int state = Layout.SmpPortInfo.PORT_STATE.getInt(in, d);
        int phys = Layout.SmpPortInfo.PORT_PHYS_STATE.getInt(in, d);
        FabricPort port = sw.port(p);
        boolean up = port.link() != null && port.link().state() == Link.State.UP;
        boolean stateOk = state == NO_STATE_CHANGE || state == HcaPort.DOWN
                || phys == NO_STATE_CHANGE && (state == HcaPort.ARMED || state == HcaPort.ACTIVE) && up;
        boolean physOk = phys == NO_STATE_CHANGE || phys == HcaPort.PHYS_POLLING || phys == HcaPort.PHYS_DISABLED;
        if (!stateOk || !physOk) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        if (phys == HcaPort.PHYS_DISABLED) {
            sw.setPortEnabled(p, false);
        } else if (phys == HcaPort.PHYS_POLLING || state == HcaPort.DOWN && port.enabled()) {
            sw.setPortEnabled(p, false);
            sw.setPortEnabled(p, true);
        }
        return portInfo(inPort, portNum, out);
    }

    /**
     * One block of the MFT: for each of its 32 MLIDs, bit i of the entry says whether port
     * position x 16 + i is a member; reserved modifier bits or a position past the last port are
     * an invalid field.
     */
    private int multicastForwardingTable(int inPort, long attrMod, byte[] out) {
        int block = (int) (attrMod & MFT_BLOCK_MASK);
        int position = (int) (attrMod >>> MFT_POSITION_SHIFT);
        // Nine bits of block reach MLID 0xFFFF, so every block is inside MulticastFDBCap.
        if ((attrMod & ~(MFT_BLOCK_MASK | 0xfL << MFT_POSITION_SHIFT)) != 0
                || position * MFT_PORTS_PER_POSITION > sw.numPorts()) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        for (int j = 0; j < MFT_BLOCK; j++) {
            int mlid = Switch.FIRST_MULTICAST_LID + block * MFT_BLOCK + j;
            if (mlid > Switch.LAST_MULTICAST_LID) {
                break;
            }
            int mask = 0;
            for (int port : sw.multicastRoute(mlid)) {
                int bit = port - position * MFT_PORTS_PER_POSITION;
                if (bit >= 0 && bit < MFT_PORTS_PER_POSITION) {
                    mask |= 1 << bit;
                }
            }
            out[Layout.Mad.DATA + 2 * j] = (byte) (mask >>> 8);
            out[Layout.Mad.DATA + 2 * j + 1] = (byte) mask;
        }
        return 0;
    }

    /**
     * Block {@code attrMod} of the LFT: 64 one-byte entries, 0xFF for a LID with no route
     * (IBA 14.2.5.10); a block past LinearFDBCap is an invalid field.
     */
    private int linearForwardingTable(int inPort, long attrMod, byte[] out) {
        if (attrMod >= LINEAR_FDB_CAP / LFT_BLOCK) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        int first = (int) attrMod * LFT_BLOCK;
        for (int i = 0; i < LFT_BLOCK; i++) {
            out[Layout.Mad.DATA + i] = (byte) sw.route(first + i);
        }
        return 0;
    }

    /**
     * P_KeyTable of the switch's port 0 (IBA 14.2.5.7), the only one with a table: without
     * partition enforcement (SwitchInfo:PartitionEnforcementCap 0) the external ports have none.
     * NodeInfo:PartitionCap is 1, so block 0 holds the one entry and 31 zeros; another block or
     * port is an invalid attribute value.
     */
    private int pkeyTable(int inPort, long attrMod, byte[] out) {
        if ((attrMod & PKEY_BLOCK_MASK) != 0 || attrMod >>> PKEY_PORT_SHIFT != 0) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        out[Layout.Mad.DATA] = (byte) (managementPkey >>> 8);
        out[Layout.Mad.DATA + 1] = (byte) managementPkey;
        return 0;
    }

    /**
     * SubnSet(P_KeyTable) of port 0's block 0, as OpenSM's pkey manager writes a switch's
     * management port: the first entry is taken, the rest lie past PartitionCap and are not.
     * The answer is the table as it now stands.
     */
    private int setPkeyTable(int inPort, long attrMod, byte[] in, byte[] out) {
        if ((attrMod & PKEY_BLOCK_MASK) != 0 || attrMod >>> PKEY_PORT_SHIFT != 0) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        managementPkey = (in[Layout.Mad.DATA] & 0xff) << 8 | in[Layout.Mad.DATA + 1] & 0xff;
        return pkeyTable(inPort, attrMod, out);
    }

    /**
     * SubnSet(LinearForwardingTable) of block {@code attrMod}, as an SM writes a switch's routes
     * (OpenSM's osm_ucast_mgr.c, a block at a time): each entry names the port its LID leaves by,
     * port 0 for the switch's own, 0xFF none. LID 0's entry, which no packet can use, stays 0xFF.
     * An entry naming a port the switch does not have, or a block past LinearFDBCap, is an
     * invalid attribute value, and nothing changes. The answer is the block as it now stands.
     */
    private int setLinearForwardingTable(int inPort, long attrMod, byte[] in, byte[] out) {
        if (attrMod >= LINEAR_FDB_CAP / LFT_BLOCK) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        int first = (int) attrMod * LFT_BLOCK;
        for (int i = first == 0 ? 1 : 0; i < LFT_BLOCK; i++) {
            int port = in[Layout.Mad.DATA + i] & 0xff;
            if (port != Switch.NO_ROUTE && port > sw.numPorts()) {
                return STATUS_INVALID_ATTRIB_VALUE;
            }
        }
        for (int i = first == 0 ? 1 : 0; i < LFT_BLOCK; i++) {
            sw.route(first + i, in[Layout.Mad.DATA + i] & 0xff);
        }
        return linearForwardingTable(inPort, attrMod, out);
    }

    /**
     * SubnSet(MulticastForwardingTable) of a block and position, as an SM writes a group's tree
     * (OpenSM's osm_mcast_mgr.c): each MLID's 16-bit mask replaces its ports in that position,
     * the others kept. Port 0's bit, which OpenSM sets for a switch in a group, is not taken: the
     * model's switches join no group themselves (nor is a bit for MLID 0xFFFF, the permissive
     * LID). A bit for a port the switch does not have, or a modifier the Get refuses, is an
     * invalid attribute value, and nothing changes. The answer is the block and position as they
     * now stand.
     */
    private int setMulticastForwardingTable(int inPort, long attrMod, byte[] in, byte[] out) {
        int block = (int) (attrMod & MFT_BLOCK_MASK);
        int position = (int) (attrMod >>> MFT_POSITION_SHIFT);
        if ((attrMod & ~(MFT_BLOCK_MASK | 0xfL << MFT_POSITION_SHIFT)) != 0
                || position * MFT_PORTS_PER_POSITION > sw.numPorts()) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        int firstPort = position * MFT_PORTS_PER_POSITION;
        for (int j = 0; j < MFT_BLOCK; j++) {
            int mask = mftMask(in, j);
            for (int bit = 0; bit < MFT_PORTS_PER_POSITION; bit++) {
                int port = firstPort + bit;
                if ((mask & 1 << bit) != 0 && port > sw.numPorts()) {
                    return STATUS_INVALID_ATTRIB_VALUE;
                }
            }
        }
        for (int j = 0; j < MFT_BLOCK; j++) {
            int mlid = Switch.FIRST_MULTICAST_LID + block * MFT_BLOCK + j;
            if (mlid > Switch.LAST_MULTICAST_LID) {
                break;
            }
            int mask = mftMask(in, j);
            List<Integer> members = new ArrayList<>();
            for (int port : sw.multicastRoute(mlid)) {
                if (port < firstPort || port >= firstPort + MFT_PORTS_PER_POSITION) {
                    members.add(port);
                }
            }
            for (int bit = 0; bit < MFT_PORTS_PER_POSITION; bit++) {
                if ((mask & 1 << bit) != 0 && firstPort + bit != 0) {
                    members.add(firstPort + bit);
                }
            }
            sw.setMulticastRoute(mlid, members.stream().mapToInt(Integer::intValue).sorted().toArray());
        }
        return multicastForwardingTable(inPort, attrMod, out);
    }

    /** Entry {@code j} of an MFT block: a big-endian 16-bit port mask. */
    private static int mftMask(byte[] mad, int j) {
        return (mad[Layout.Mad.DATA + 2 * j] & 0xff) << 8 | mad[Layout.Mad.DATA + 2 * j + 1] & 0xff;
    }
}
