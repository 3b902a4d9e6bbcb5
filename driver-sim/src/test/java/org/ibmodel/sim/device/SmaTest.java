// docs/HCA.md §3.8-§3.10: MAD_IFC and the firmware's subnet management agent, through the raw HCR
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SmaTest {
    private static final long TID = 0x0123_4567_89ab_cdefL;
    private final RawHca h = new RawHca();

    /** A SubnGet as mthca's query functions build it, with a TID to see echoed. */
    private static byte[] get(int attrId, long attrMod) {
        byte[] mad = new byte[Layout.Mad.SIZE];
        Layout.Mad.BASE_VERSION.set(mad, 0, 1);
        Layout.Mad.MGMT_CLASS.set(mad, 0, Sma.CLASS_SUBN_LID_ROUTED);
        Layout.Mad.CLASS_VERSION.set(mad, 0, 1);
        Layout.Mad.METHOD.set(mad, 0, Sma.METHOD_GET);
        Layout.Mad.TID.set(mad, 0, TID);
        Layout.Mad.ATTR_ID.set(mad, 0, attrId);
        Layout.Mad.ATTR_MOD.set(mad, 0, attrMod);
        return mad;
    }

    private Status madIfc(int port, byte[] mad) {
        byte[] page = new byte[4096];
        System.arraycopy(mad, 0, page, 0, mad.length);
        h.mem.write(h.inbox, page);
        Arrays.fill(page, (byte) 0x5a);
        h.mem.write(h.outbox, page);
        return h.cmd(Command.MAD_IFC.opcode(), port, h.inbox, h.outbox, 0x3, false);
    }

    /** MAD_IFC that must succeed: the response MAD. */
    private byte[] answer(int port, byte[] mad) {
        assertEquals(Status.OK, madIfc(port, mad));
        byte[] out = h.mem.read(h.outbox, Layout.Mad.SIZE);
        assertEquals(Sma.METHOD_GET_RESP, Layout.Mad.METHOD.getInt(out, 0));
        assertEquals(TID, Layout.Mad.TID.get(out, 0));
        assertEquals(Layout.Mad.ATTR_ID.getInt(mad, 0), Layout.Mad.ATTR_ID.getInt(out, 0));
        assertEquals(Layout.Mad.ATTR_MOD.get(mad, 0), Layout.Mad.ATTR_MOD.get(out, 0));
        return out;
    }

    private int status(byte[] response) {
        return Layout.Mad.STATUS.getInt(response, 0);
    }

    /** INIT_HCA, INIT_PORT, and a SET_PORT giving LID 0x11 / LMC 2 / SM 0x3 SL 5 and extra P_Keys. */
    private void portUp() {
        h.init();
        assertEquals(Status.OK, h.cmd(Command.INIT_PORT, 1, 0));
        byte[] set = new byte[Layout.PortInfo.PKEY.offset() + 2 * h.caps.pkeyTableLen()];
        Layout.PortInfo.LID.set(set, 0, 0x11);
        Layout.PortInfo.LMC.set(set, 0, 2);
        Layout.PortInfo.SM_LID.set(set, 0, 0x3);
        Layout.PortInfo.SM_SL.set(set, 0, 5);
        Layout.PortInfo.SET_PKEY.set(set, 0, 1);
        HcaPort.pkeyAt(set, 0, 0xffff);
        HcaPort.pkeyAt(set, 1, 0x8001);
        HcaPort.pkeyAt(set, 33, 0x7abc);
        Layout.PortInfo.SET_GID.set(set, 0, 1);
        Layout.PortInfo.GID_PREFIX.set(set, 0, 0xfe80_0000_0000_1234L);
        Layout.PortInfo.PORT_GUID.set(set, 0, 0x0002_c903_0000_0abcL);
        assertEquals(Status.OK, h.in(Command.SET_PORT, 1, set));
    }

    @Test
    void shouldAnswerNodeInfoFromTheDeviceCapabilities() {
        portUp();
        byte[] r = answer(1, get(Sma.Attr.NODE_INFO.id, 0));
        int d = Layout.Mad.DATA;
        assertEquals(0, status(r));
        assertEquals(1, Layout.NodeInfo.NODE_TYPE.getInt(r, d));
        assertEquals(1, Layout.NodeInfo.NUM_PORTS.getInt(r, d));
        assertEquals(h.caps.nodeGuid(), Layout.NodeInfo.NODE_GUID.get(r, d));
        assertEquals(h.caps.sysImageGuid(), Layout.NodeInfo.SYS_IMAGE_GUID.get(r, d));
        assertEquals(0x0002_c903_0000_0abcL, Layout.NodeInfo.PORT_GUID.get(r, d));
        assertEquals(h.caps.pkeyTableLen(), Layout.NodeInfo.PARTITION_CAP.getInt(r, d));
        assertEquals(h.caps.vendorPartId(), Layout.NodeInfo.DEVICE_ID.getInt(r, d));
        assertEquals(0x02c9, Layout.NodeInfo.VENDOR_ID.getInt(r, d));
        assertEquals(1, Layout.NodeInfo.LOCAL_PORT_NUM.getInt(r, d));
        byte[] desc = answer(1, get(Sma.Attr.NODE_DESC.id, 0));
        assertEquals(Sma.NODE_DESCRIPTION,
                new String(desc, d, Sma.NODE_DESCRIPTION.length(), StandardCharsets.US_ASCII));
        assertEquals(0, desc[d + Sma.NODE_DESCRIPTION.length()]);
    }

    @Test
    void shouldAnswerPortInfoWithWhatSetPortConfigured() {
        portUp();
        for (int attrMod : new int[] {0, 1}) {
            byte[] r = answer(1, get(Sma.Attr.PORT_INFO.id, attrMod));
            int d = Layout.Mad.DATA;
            assertEquals(0, status(r));
            assertEquals(0x11, Layout.SmpPortInfo.LID.getInt(r, d));
            assertEquals(2, Layout.SmpPortInfo.LMC.getInt(r, d));
            assertEquals(0x3, Layout.SmpPortInfo.MASTER_SM_LID.getInt(r, d));
            assertEquals(5, Layout.SmpPortInfo.MASTER_SM_SL.getInt(r, d));
            assertEquals(HcaPort.ACTIVE, Layout.SmpPortInfo.PORT_STATE.getInt(r, d));
            assertEquals(HcaPort.PHYS_LINK_UP, Layout.SmpPortInfo.PORT_PHYS_STATE.getInt(r, d));
            assertEquals(0xfe80_0000_0000_1234L, Layout.SmpPortInfo.GID_PREFIX.get(r, d));
            assertEquals(h.caps.maxMtu(), Layout.SmpPortInfo.NEIGHBOR_MTU.getInt(r, d));
            assertEquals(h.caps.maxMtu(), Layout.SmpPortInfo.MTU_CAP.getInt(r, d));
            assertEquals(2, Layout.SmpPortInfo.LINK_WIDTH_ACTIVE.getInt(r, d));
            // IsAutomaticMigrationSupported (5), IsExtendedSpeedsSupported (14) and
            // IsClientReregistrationSupported (25): an SM sends ClientReregister only to a port
            // that says it takes it (include/rdma/ib_verbs.h IB_PORT_CLIENT_REG_SUP).
            assertEquals(1 << 5 | 1 << 14 | 1 << 25, Layout.SmpPortInfo.CAPABILITY_MASK.getInt(r, d));
            assertEquals(2, Layout.SmpPortInfo.LINK_SPEED_EXT_ACTIVE.getInt(r, d));
            assertEquals(h.caps.gidTableLen(), Layout.SmpPortInfo.GUID_CAP.getInt(r, d));
            assertEquals(1, Layout.SmpPortInfo.LOCAL_PORT_NUM.getInt(r, d));
        }
        assertEquals(Sma.STATUS_INVALID_ATTRIB_VALUE, status(answer(1, get(Sma.Attr.PORT_INFO.id, 2))));
    }

    @Test
    void shouldReportADownPortAsDownAndDisabled() {
        h.init();
        byte[] r = answer(1, get(Sma.Attr.PORT_INFO.id, 1));
        assertEquals(HcaPort.DOWN, Layout.SmpPortInfo.PORT_STATE.getInt(r, Layout.Mad.DATA));
        assertEquals(HcaPort.PHYS_DISABLED, Layout.SmpPortInfo.PORT_PHYS_STATE.getInt(r, Layout.Mad.DATA));
        assertEquals(0, Layout.SmpPortInfo.LID.getInt(r, Layout.Mad.DATA));
    }

    @Test
    void shouldAnswerPkeyTableBlocksOfThirtyTwo() {
        portUp();
        byte[] b0 = answer(1, get(Sma.Attr.PKEY_TABLE.id, 0));
        assertEquals(0, status(b0));
        assertEquals(0xffff, pkey(b0, 0));
        assertEquals(0x8001, pkey(b0, 1));
        assertEquals(0, pkey(b0, 2));
        byte[] b1 = answer(1, get(Sma.Attr.PKEY_TABLE.id, 1));
        assertEquals(0x7abc, pkey(b1, 1));
        int blocks = h.caps.pkeyTableLen() / Sma.PKEYS_PER_BLOCK;
        assertEquals(Sma.STATUS_INVALID_ATTRIB_VALUE, status(answer(1, get(Sma.Attr.PKEY_TABLE.id, blocks))));
    }

    /**
     * IBA 14.2.5.7: P_KeyTable's modifier carries the block in bits 15:0; bits 31:16 name a
     * switch port, and a channel adapter ignores them (qib_mad.c subn_get_pkeytable masks them).
     */
    @Test
    void shouldTakeThePkeyBlockFromTheLowSixteenBitsOfTheModifier() {
        portUp();
        byte[] b0 = answer(1, get(Sma.Attr.PKEY_TABLE.id, 0x0001_0000L));
        assertEquals(0, status(b0));
        assertEquals(0xffff, pkey(b0, 0));
        assertEquals(0x8001, pkey(b0, 1));
        byte[] b1 = answer(1, get(Sma.Attr.PKEY_TABLE.id, 0xffff_0001L));
        assertEquals(0, status(b1));
        assertEquals(0x7abc, pkey(b1, 1));
    }

    private static int pkey(byte[] mad, int i) {
        int at = Layout.Mad.DATA + 2 * i;
        return ((mad[at] & 0xff) << 8) | (mad[at + 1] & 0xff);
    }

    @Test
    void shouldAnswerGuidInfoWithThePortGuidFirst() {
        portUp();
        byte[] r = answer(1, get(Sma.Attr.GUID_INFO.id, 0));
        assertEquals(0, status(r));
        assertEquals(0x0002_c903_0000_0abcL, new Field("guid 0", Layout.Mad.DATA, 63, 0).get(r, 0));
        assertArrayEquals(new byte[56], Arrays.copyOfRange(r, Layout.Mad.DATA + 8, Layout.Mad.DATA + 64));
        int blocks = (h.caps.gidTableLen() + Sma.GUIDS_PER_BLOCK - 1) / Sma.GUIDS_PER_BLOCK;
        assertEquals(Sma.STATUS_INVALID_ATTRIB_VALUE, status(answer(1, get(Sma.Attr.GUID_INFO.id, blocks))));
    }

    @Test
    void shouldAnswerWhatItCannotDoWithTheMadStatus() {
        h.init();
        byte[] set = get(Sma.Attr.PORT_INFO.id, 1);
        Layout.Mad.METHOD.set(set, 0, Sma.METHOD_SET);
        assertEquals(Sma.STATUS_UNSUPPORTED_METHOD_ATTRIB, status(answer(1, set)));
        byte[] trapRepress = get(Sma.Attr.PORT_INFO.id, 1);
        Layout.Mad.METHOD.set(trapRepress, 0, 0x07);
        assertEquals(Sma.STATUS_UNSUPPORTED_METHOD, status(answer(1, trapRepress)));
        byte[] smInfo = get(0x0020, 0);
        assertEquals(Sma.STATUS_UNSUPPORTED_METHOD_ATTRIB, status(answer(1, smInfo)));
        byte[] version2 = get(Sma.Attr.NODE_INFO.id, 0);
        Layout.Mad.BASE_VERSION.set(version2, 0, 2);
        assertEquals(Sma.STATUS_BAD_VERSION, status(answer(1, version2)));
        byte[] classVersion2 = get(Sma.Attr.NODE_INFO.id, 0);
        Layout.Mad.CLASS_VERSION.set(classVersion2, 0, 2);
        assertEquals(Sma.STATUS_BAD_VERSION, status(answer(1, classVersion2)));
        byte[] directed = get(Sma.Attr.NODE_INFO.id, 0);
        Layout.Mad.MGMT_CLASS.set(directed, 0, Sma.CLASS_SUBN_DIRECTED_ROUTE);
        Layout.Mad.DR_SLID.set(directed, 0, 0xffff);
        byte[] dr = answer(1, directed);
        assertEquals(0, status(dr));
        assertEquals(0xffff, Layout.Mad.DR_SLID.getInt(dr, 0));
        assertEquals(h.caps.nodeGuid(), Layout.NodeInfo.NODE_GUID.get(dr, Layout.Mad.DATA));
    }

    @Test
    void shouldRefuseOtherClassesBadPortsAndAResetDevice() {
        assertEquals(Status.BAD_SYS_STATE, madIfc(1, get(Sma.Attr.NODE_INFO.id, 0)));
        h.init();
        byte[] vendor = get(0x0001, 0);
        Layout.Mad.MGMT_CLASS.set(vendor, 0, 0x09);
        assertEquals(Status.BAD_PKT, madIfc(1, vendor), "a vendor class: the firmware has no agent for it");
        // No response: the outbox keeps what was there.
        assertEquals(0x5a, h.mem.read(h.outbox, 1)[0]);
        assertEquals(Status.BAD_INDEX, madIfc(0, get(Sma.Attr.NODE_INFO.id, 0)));
        assertEquals(Status.BAD_INDEX, madIfc(2, get(Sma.Attr.NODE_INFO.id, 0)));
        assertEquals(Status.BAD_PARAM, h.cmd(Command.MAD_IFC.opcode(), 1, h.inbox, 0x10, 0, false));
        assertEquals(Status.BAD_PARAM, h.cmd(Command.MAD_IFC.opcode(), 1, 0x10, h.outbox, 0, false));
    }
}
