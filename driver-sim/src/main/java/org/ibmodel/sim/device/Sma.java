// docs/HCA.md §3.8-§3.10, §3.15; IBA 13.4 (MAD header, status), 14.2.5 (SMA attributes);
// include/rdma/ib_mad.h and ib_smi.h for the numbers, include/linux/mlx4/device.h for 0xff90
package org.ibmodel.sim.device;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The subnet management agent in firmware: answers the subnet management MADs that MAD_IFC hands
 * it, Get only, from the node's and the ports' own state. Attributes are answered by the
 * {@link Attr} table; the subnet is configured by SET_PORT, so there is no SubnSet yet.
 */
public final class Sma {
    public static final int CLASS_SUBN_LID_ROUTED = 0x01;
    public static final int CLASS_SUBN_DIRECTED_ROUTE = 0x81;
    public static final int METHOD_GET = 0x01;
    public static final int METHOD_SET = 0x02;
    public static final int METHOD_GET_RESP = 0x81;
    public static final int METHOD_TRAP = 0x05;
    public static final int METHOD_REPORT = 0x06;
    public static final int METHOD_REPORT_RESP = 0x86;
    public static final int METHOD_TRAP_REPRESS = 0x07;
    /** The response bit of a method (IB_MGMT_METHOD_RESP). */
    public static final int METHOD_RESP = 0x80;
    /** MAD status, IBA 13.4.7: the invalid-field code in bits 4:2. */
    public static final int STATUS_BAD_VERSION = 0x0004;
    public static final int STATUS_UNSUPPORTED_METHOD = 0x0008;
    public static final int STATUS_UNSUPPORTED_METHOD_ATTRIB = 0x000c;
    public static final int STATUS_INVALID_ATTRIB_VALUE = 0x001c;
    static final String NODE_DESCRIPTION = "ibmodel HCA";
    /** PortInfo:CapabilityMask IsExtendedSpeedsSupported (IB_PORT_EXTENDED_SPEEDS_SUP). */
    static final int CAP_EXTENDED_SPEEDS = 1 << 14;
    /** IsAutomaticMigrationSupported (IB_PORT_AUTO_MIGR_SUP): the port migrates paths (HCA.md §5.10). */
    static final int CAP_AUTO_MIGR = 1 << 5;
    /** IsClientReregistrationSupported (IB_PORT_CLIENT_REG_SUP): it takes ClientReregister (§3.7). */
    static final int CAP_CLIENT_REG = 1 << 25;
    static final int PKEYS_PER_BLOCK = 32;
    /** P_KeyTable's attribute modifier: the block number, bits 15:0. */
    static final long PKEY_BLOCK_MASK = 0xffff;
    static final int GUIDS_PER_BLOCK = 8;

    /** One attribute the agent answers: fills the 64 data bytes, or returns a MAD status. */
    @FunctionalInterface
    private interface Get {
        int fill(Sma sma, HcaPort port, long attrMod, byte[] mad);
    }

    /** An attribute the agent takes a Set of: writes the request's data, or returns a MAD status and writes nothing. */
    @FunctionalInterface
    private interface Set {
        int write(Sma sma, HcaPort port, long attrMod, byte[] in);
    }

    /** The attributes answered, by attribute ID: IBA's, and one of Mellanox's vendor range (0xff00-0xffff). */
    enum Attr {
        NODE_DESC(0x0010, Sma::nodeDesc),
        NODE_INFO(0x0011, Sma::nodeInfo),
        GUID_INFO(0x0014, Sma::guidInfo),
        PORT_INFO(0x0015, Sma::portInfo),
        /** The one attribute an SM may set here: a partition manager writes the P_Key table (§3.8). */
        PKEY_TABLE(0x0016, Sma::pkeyTable, Sma::setPkeyTable),
        /** MLX4_ATTR_EXTENDED_PORT_INFO: tells FDR10 from QDR (§3.15). */
        EXTENDED_PORT_INFO(0xff90, Sma::extendedPortInfo);

        final int id;
        private final Get get;
        private final Set set;

        Attr(int id, Get get) {
            this(id, get, null);
        }

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

    private final DevCaps caps;
    private final HcaPort[] ports;

    Sma(DevCaps caps, HcaPort[] ports) {
        this.caps = caps;
        this.ports = ports;
    }

    /**
     * The response to {@code in}, a MAD for {@code port}; null for a class the agent does not
     * serve, which the firmware reports as BAD_PKT, and for a MAD an agent never answers: a
     * response, trap or report (IBA 13.4.6; qib_mad.c process_subn). {@code in} is not changed.
     */
    byte[] answer(HcaPort port, byte[] in) {
        int mgmtClass = Layout.Mad.MGMT_CLASS.getInt(in, 0);
        if (mgmtClass != CLASS_SUBN_LID_ROUTED && mgmtClass != CLASS_SUBN_DIRECTED_ROUTE) {
            return null;
        }
        int method = Layout.Mad.METHOD.getInt(in, 0);
        if (versionsKnown(in) && (method == METHOD_GET_RESP || method == METHOD_TRAP || method == METHOD_REPORT
                || method == METHOD_REPORT_RESP)) {
            return null;
        }
        byte[] out = in.clone();
        Arrays.fill(out, Layout.Mad.DATA, Layout.Mad.DATA + Layout.Mad.DATA_SIZE, (byte) 0);
        Layout.Mad.METHOD.set(out, 0, METHOD_GET_RESP);
        Layout.Mad.STATUS.set(out, 0, status(port, in, out));
        return out;
    }

    /** Base and class version 1: a MAD of another version is answered, with status bad version. */
    public static boolean versionsKnown(byte[] in) {
        return Layout.Mad.BASE_VERSION.getInt(in, 0) == 1 && Layout.Mad.CLASS_VERSION.getInt(in, 0) == 1;
    }

    /**
     * What an agent without SubnSet answers a subnet management MAD before looking at its
     * attribute: bad version, unsupported method/attribute for a Set, unsupported method for
     * anything but a Get; 0 for a Get, whose attribute decides.
     */
    public static int getOnlyStatus(byte[] in) {
        if (!versionsKnown(in)) {
            return STATUS_BAD_VERSION;
        }
        int method = Layout.Mad.METHOD.getInt(in, 0);
        if (method == METHOD_SET) {
            return STATUS_UNSUPPORTED_METHOD_ATTRIB;
        }
        return method == METHOD_GET ? 0 : STATUS_UNSUPPORTED_METHOD;
    }

    /**
     * The MAD status of the response; the attribute is written into {@code out} only when it is 0.
     * A Set the agent takes is answered as a Get then reads the attribute (IBA 13.4.6.2).
     */
    private int status(HcaPort port, byte[] in, byte[] out) {
        Attr settable = Attr.of(Layout.Mad.ATTR_ID.getInt(in, 0));
        if (versionsKnown(in) && Layout.Mad.METHOD.getInt(in, 0) == METHOD_SET && settable != null
                && settable.set != null) {
            long attrMod = Layout.Mad.ATTR_MOD.get(in, 0);
            int written = settable.set.write(this, port, attrMod, in);
            return written != 0 ? written : settable.get.fill(this, port, attrMod, out);
        }
        int header = getOnlyStatus(in);
        if (header != 0) {
            return header;
        }
        Attr attr = Attr.of(Layout.Mad.ATTR_ID.getInt(in, 0));
        if (attr == null) {
            return STATUS_UNSUPPORTED_METHOD_ATTRIB;
        }
        return attr.get.fill(this, port, Layout.Mad.ATTR_MOD.get(in, 0), out);
    }

    private int nodeDesc(HcaPort port, long attrMod, byte[] mad) {
        // NodeDescription and NodeInfo take modifier 0 only (qib_mad.c subn_get_nodedescription).
        if (attrMod != 0) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        byte[] text = NODE_DESCRIPTION.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, mad, Layout.Mad.DATA, text.length);
        return 0;
    }

    private int nodeInfo(HcaPort port, long attrMod, byte[] mad) {
        if (attrMod != 0) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        int d = Layout.Mad.DATA;
        Layout.NodeInfo.BASE_VERSION.set(mad, d, 1);
        Layout.NodeInfo.CLASS_VERSION.set(mad, d, 1);
        Layout.NodeInfo.NODE_TYPE.set(mad, d, 1);
        Layout.NodeInfo.NUM_PORTS.set(mad, d, ports.length);
        Layout.NodeInfo.SYS_IMAGE_GUID.set(mad, d, caps.sysImageGuid());
        Layout.NodeInfo.NODE_GUID.set(mad, d, caps.nodeGuid());
        Layout.NodeInfo.PORT_GUID.set(mad, d, port.gidInterfaceId(0));
        Layout.NodeInfo.PARTITION_CAP.set(mad, d, caps.pkeyTableLen());
        Layout.NodeInfo.DEVICE_ID.set(mad, d, caps.vendorPartId());
        Layout.NodeInfo.LOCAL_PORT_NUM.set(mad, d, port.num());
        Layout.NodeInfo.VENDOR_ID.set(mad, d, caps.vendorId());
        return 0;
    }

    private int guidInfo(HcaPort port, long attrMod, byte[] mad) {
        if (attrMod * GUIDS_PER_BLOCK >= caps.gidTableLen()) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        for (int i = 0; i < GUIDS_PER_BLOCK; i++) {
            long index = attrMod * GUIDS_PER_BLOCK + i;
            if (index < caps.gidTableLen()) {
                long guid = port.gidInterfaceId((int) index);
                Field.putWord(mad, Layout.Mad.DATA + 8 * i, (int) (guid >>> 32));
                Field.putWord(mad, Layout.Mad.DATA + 8 * i + 4, (int) guid);
            }
        }
        return 0;
    }

    private int portInfo(HcaPort in, long attrMod, byte[] mad) {
        if (attrMod > ports.length) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        HcaPort p = attrMod == 0 ? in : ports[(int) attrMod - 1];
        int d = Layout.Mad.DATA;
        Layout.SmpPortInfo.GID_PREFIX.set(mad, d, p.gidPrefix(0));
        Layout.SmpPortInfo.LID.set(mad, d, p.lid());
        Layout.SmpPortInfo.MASTER_SM_LID.set(mad, d, p.smLid());
        Layout.SmpPortInfo.CAPABILITY_MASK.set(mad, d, CAP_AUTO_MIGR | CAP_EXTENDED_SPEEDS | CAP_CLIENT_REG);
        Layout.SmpPortInfo.LOCAL_PORT_NUM.set(mad, d, in.num());
        Layout.SmpPortInfo.LINK_WIDTH_ENABLED.set(mad, d, HcaPort.WIDTHS_SUPPORTED);
        Layout.SmpPortInfo.LINK_WIDTH_SUPPORTED.set(mad, d, HcaPort.WIDTHS_SUPPORTED);
        Layout.SmpPortInfo.LINK_WIDTH_ACTIVE.set(mad, d, p.width().ibWidth());
        Layout.SmpPortInfo.LINK_SPEED_SUPPORTED.set(mad, d, HcaPort.SPEEDS_SUPPORTED);
        Layout.SmpPortInfo.PORT_STATE.set(mad, d, p.state());
        Layout.SmpPortInfo.PORT_PHYS_STATE.set(mad, d, p.physState());
        Layout.SmpPortInfo.LINK_DOWN_DEFAULT_STATE.set(mad, d, HcaPort.LINK_DOWN_POLLING);
        Layout.SmpPortInfo.LMC.set(mad, d, p.lmc());
        Layout.SmpPortInfo.LINK_SPEED_ACTIVE.set(mad, d, HcaPort.linkSpeedActive(p.speed()));
        Layout.SmpPortInfo.LINK_SPEED_ENABLED.set(mad, d, HcaPort.SPEEDS_SUPPORTED);
        Layout.SmpPortInfo.NEIGHBOR_MTU.set(mad, d, p.activeMtu());
        Layout.SmpPortInfo.MASTER_SM_SL.set(mad, d, p.smSl());
        Layout.SmpPortInfo.VL_CAP.set(mad, d, 1);
        Layout.SmpPortInfo.MTU_CAP.set(mad, d, caps.maxMtu());
        Layout.SmpPortInfo.OPERATIONAL_VLS.set(mad, d, 1);
        Layout.SmpPortInfo.P_KEY_VIOLATIONS.set(mad, d, p.pkeyViolations());
        Layout.SmpPortInfo.Q_KEY_VIOLATIONS.set(mad, d, p.qkeyViolations());
        Layout.SmpPortInfo.GUID_CAP.set(mad, d, caps.gidTableLen());
        Layout.SmpPortInfo.SUBNET_TIMEOUT.set(mad, d, p.subnetTimeout());
        Layout.SmpPortInfo.LINK_SPEED_EXT_ACTIVE.set(mad, d, HcaPort.linkSpeedExtActive(p.speed()));
        Layout.SmpPortInfo.LINK_SPEED_EXT_SUPPORTED.set(mad, d, HcaPort.EXT_SPEEDS_SUPPORTED);
        Layout.SmpPortInfo.LINK_SPEED_EXT_ENABLED.set(mad, d, HcaPort.EXT_SPEEDS_SUPPORTED);
        return 0;
    }

    /**
     * Mellanox's ExtendedPortInfo, about port attr_mod (the port of in_modifier when it is 0), as
     * PortInfo: the port supports and has enabled FDR10, and runs at it when its link does.
     */
    private int extendedPortInfo(HcaPort in, long attrMod, byte[] mad) {
        if (attrMod > ports.length) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        HcaPort p = attrMod == 0 ? in : ports[(int) attrMod - 1];
        int d = Layout.Mad.DATA;
        Layout.ExtPortInfo.LINK_SPEED_SUPPORTED.set(mad, d, HcaPort.MLNX_SPEEDS_SUPPORTED);
        Layout.ExtPortInfo.LINK_SPEED_ENABLED.set(mad, d, HcaPort.MLNX_SPEEDS_SUPPORTED);
        Layout.ExtPortInfo.LINK_SPEED_ACTIVE.set(mad, d, HcaPort.mlnxLinkSpeedActive(p.speed()));
        return 0;
    }

    /**
     * SubnSet(P_KeyTable): the block's 32 entries written as given (0x0000, the invalid P_Key,
     * empties one), the block checked as a Get checks it; the port then tells its driver with a
     * PORT_MNG_CHG EQE if anything changed (§3.7), as ConnectX firmware does.
     */
    private int setPkeyTable(HcaPort port, long attrMod, byte[] in) {
        long block = attrMod & PKEY_BLOCK_MASK;
        if (block * PKEYS_PER_BLOCK >= port.pkeyTableLength()) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        port.setPkeyBlock((int) block, in, Layout.Mad.DATA);
        return 0;
    }

    private int pkeyTable(HcaPort port, long attrMod, byte[] mad) {
        // IBA 14.2.5.7: the block is in bits 15:0; bits 31:16 are a switch's port number, which
        // a channel adapter ignores (drivers/infiniband/hw/qib/qib_mad.c subn_get_pkeytable).
        long block = attrMod & PKEY_BLOCK_MASK;
        int len = port.pkeyTableLength();
        if (block * PKEYS_PER_BLOCK >= len) {
            return STATUS_INVALID_ATTRIB_VALUE;
        }
        for (int i = 0; i < PKEYS_PER_BLOCK; i++) {
            long index = block * PKEYS_PER_BLOCK + i;
            if (index < len) {
                int at = Layout.Mad.DATA + 2 * i;
                int pkey = port.pkey((int) index);
                mad[at] = (byte) (pkey >>> 8);
                mad[at + 1] = (byte) pkey;
            }
        }
        return 0;
    }
}
