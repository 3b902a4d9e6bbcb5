// process_mad of the HCA driver (mthca_process_mad) against the firmware's agent (docs/HCA.md §3.8)
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibmodel.core.MadResult;
import org.ibmodel.core.Wc;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.device.Status;
import org.junit.jupiter.api.Test;

class HcaMadTest {
    private static final int NODE_INFO = 0x0011;
    private static final int PORT_INFO = 0x0015;
    private final HcaHost h = new HcaHost();

    private static byte[] mad(int mgmtClass, int method, int attrId) {
        byte[] m = new byte[MadResult.MAD_SIZE];
        Layout.Mad.BASE_VERSION.set(m, 0, 1);
        Layout.Mad.MGMT_CLASS.set(m, 0, mgmtClass);
        Layout.Mad.CLASS_VERSION.set(m, 0, 1);
        Layout.Mad.METHOD.set(m, 0, method);
        Layout.Mad.TID.set(m, 0, 0x77);
        Layout.Mad.ATTR_ID.set(m, 0, attrId);
        return m;
    }

    /** Runs process_mad; checks whether MAD_IFC was issued; returns the result bits. */
    private int process(byte[] in, byte[] out, Wc wc, boolean firmwareAsked) {
        long before = h.fw.commands();
        int r = h.dev.processMad(MadResult.IGNORE_MKEY, 1, wc, in, out);
        assertEquals(firmwareAsked ? 1 : 0, h.fw.commands() - before,
                "MAD_IFC issued for " + MadResult.toString(r));
        return r;
    }

    @Test
    void shouldAnswerASubnGetThroughTheFirmware() {
        byte[] out = new byte[MadResult.MAD_SIZE];
        int r = process(mad(0x01, 0x01, NODE_INFO), out, null, true);
        assertEquals(MadResult.SUCCESS | MadResult.REPLY, r, MadResult.toString(r));
        assertEquals(0x81, Layout.Mad.METHOD.getInt(out, 0));
        assertEquals(0x77, Layout.Mad.TID.get(out, 0));
        assertEquals(0, Layout.Mad.STATUS.getInt(out, 0));
        assertEquals(h.fw.caps().nodeGuid(), Layout.NodeInfo.NODE_GUID.get(out, Layout.Mad.DATA));
    }

    @Test
    void shouldSetTheDirectionBitOfADirectedRouteResponse() {
        byte[] out = new byte[MadResult.MAD_SIZE];
        int r = process(mad(0x81, 0x01, PORT_INFO), out, null, true);
        assertEquals(MadResult.SUCCESS | MadResult.REPLY, r);
        assertEquals(0x8000, Layout.Mad.STATUS.getInt(out, 0));
        assertEquals(HcaHost.LID, Layout.SmpPortInfo.LID.getInt(out, Layout.Mad.DATA));
    }

    @Test
    void shouldReplyWithTheAgentsStatusToASetItRefuses() {
        byte[] out = new byte[MadResult.MAD_SIZE];
        int r = process(mad(0x01, 0x02, PORT_INFO), out, null, true);
        assertEquals(MadResult.SUCCESS | MadResult.REPLY, r);
        assertEquals(0x000c, Layout.Mad.STATUS.getInt(out, 0));
    }

    @Test
    void shouldConsumeATrapRepressAndALocalTrap() {
        byte[] out = new byte[MadResult.MAD_SIZE];
        assertEquals(MadResult.SUCCESS | MadResult.CONSUMED, process(mad(0x01, 0x07, PORT_INFO), out, null, true));
        Wc local = new Wc();
        local.slid = 0;
        assertEquals(MadResult.SUCCESS | MadResult.CONSUMED, process(mad(0x01, 0x05, 0x0002), out, local, false));
        Wc remote = new Wc();
        remote.slid = 0x5;
        assertEquals(MadResult.SUCCESS, process(mad(0x01, 0x05, 0x0002), out, remote, false),
                "a trap from elsewhere is the SM's business, not the firmware's");
    }

    @Test
    void shouldLeaveToTheMadLayerWhatTheFirmwareDoesNotAnswer() {
        byte[] out = new byte[MadResult.MAD_SIZE];
        assertEquals(MadResult.SUCCESS, process(mad(0x01, 0x01, 0x0020), out, null, false), "SMInfo");
        assertEquals(MadResult.SUCCESS, process(mad(0x01, 0x01, 0xff10), out, null, false), "vendor attribute");
        assertEquals(MadResult.SUCCESS, process(mad(0x01, 0x81, NODE_INFO), out, null, false), "a GetResp");
        assertEquals(MadResult.SUCCESS, process(mad(0x07, 0x01, 0x0010), out, null, false), "CM class");
        assertEquals(MadResult.SUCCESS, process(mad(0x04, 0x05, 0x0012), out, null, false), "PMA trap");
        // A vendor-class Get goes to the firmware, which has no agent for it: BAD_PKT.
        assertEquals(MadResult.SUCCESS, process(mad(0x09, 0x01, 0x0012), out, null, true), "vendor class Get");
        // A PMA Get goes to the firmware's performance agent, which answers (§3.12).
        assertEquals(MadResult.SUCCESS | MadResult.REPLY, process(mad(0x04, 0x01, 0x0012), out, null, true), "PMA Get");
    }

    @Test
    void shouldFailWhenTheCommandFailsOrTheCallIsMalformed() {
        byte[] out = new byte[MadResult.MAD_SIZE];
        h.fw.injectStatus(0x024, Status.INTERNAL_ERR);
        assertEquals(MadResult.FAILURE, process(mad(0x01, 0x01, NODE_INFO), out, null, true));
        long before = h.fw.commands();
        assertEquals(MadResult.FAILURE, h.dev.processMad(0, 2, null, mad(0x01, 0x01, NODE_INFO), out), "no port 2");
        assertEquals(MadResult.FAILURE, h.dev.processMad(0, 1, null, new byte[24], out), "short MAD");
        assertEquals(before, h.fw.commands(), "ib_core refuses them before the driver sees them");
    }

    @Test
    void shouldFailEveryMadOnceTheDriverIsInItsErrorState() {
        byte[] out = new byte[MadResult.MAD_SIZE];
        // The last command to reach the device leaves BAD_PKT (a vendor class it has no agent for).
        assertEquals(MadResult.SUCCESS, process(mad(0x09, 0x01, 0x0012), out, null, true));
        h.drv.catasResetDisable(true);
        h.hca.catastrophicError(org.ibmodel.sim.device.Layout.Catas.CAUSE_INTERNAL);
        h.scheduler.runUntil(h.scheduler.now() + HcaDriver.CATAS_POLL_NS + 1_000_000);
        h.settle();
        assertEquals(true, h.drv.internalError());
        assertEquals(MadResult.FAILURE, process(mad(0x01, 0x01, NODE_INFO), out, null, false),
                "MAD_IFC does not reach the device, and a BAD_PKT of before does not count");
    }

    /** A PortInfo response with LinkSpeedActive {@code speed} and LinkSpeedExtActive {@code ext}. */
    private static byte[] portInfo(int speed, int ext) {
        byte[] m = mad(0x01, 0x81, PORT_INFO);
        Layout.SmpPortInfo.LINK_SPEED_ACTIVE.set(m, Layout.Mad.DATA, speed);
        Layout.SmpPortInfo.LINK_SPEED_EXT_ACTIVE.set(m, Layout.Mad.DATA, ext);
        return m;
    }

    /**
     * drivers/infiniband/hw/mlx4/main.c ib_link_query_port: LinkSpeedExtActive is a value, 1 FDR
     * and 2 EDR (IBA 14.2.5.6); any other value leaves LinkSpeedActive as it is.
     */
    @Test
    void shouldTakeLinkSpeedExtActiveAsAValueNotAMask() {
        int ext = HcaDriver.PORT_EXTENDED_SPEEDS_SUP;
        int qdr = 4;
        assertEquals(HcaDriver.SPEED_FDR, HcaDriver.activeSpeed(portInfo(qdr, 1), ext));
        assertEquals(HcaDriver.SPEED_EDR, HcaDriver.activeSpeed(portInfo(qdr, 2), ext));
        assertEquals(qdr, HcaDriver.activeSpeed(portInfo(qdr, 3), ext));
        assertEquals(qdr, HcaDriver.activeSpeed(portInfo(qdr, 0), ext));
        assertEquals(qdr, HcaDriver.activeSpeed(portInfo(qdr, 2), 0), "no IsExtendedSpeedsSupported");
    }

    /**
     * mthca_MAD_IFC: the caller's IB_MAD_IGNORE_MKEY and IB_MAD_IGNORE_BKEY become the opcode
     * modifier's bits 0 and 1, so that the firmware checks the keys unless told not to.
     */
    @Test
    void shouldTellTheFirmwareWhichKeysToIgnore() {
        // A MAD that came in from the wire has a work completion; mthca_MAD_IFC ignores both keys
        // for one with none, from this host.
        Wc received = new Wc();
        received.slid = 7;
        int[][] rows = {{0, 0}, {MadResult.IGNORE_MKEY, 1}, {MadResult.IGNORE_BKEY, 2},
            {MadResult.IGNORE_MKEY | MadResult.IGNORE_BKEY, 3}};
        for (int[] row : rows) {
            for (Wc wc : new Wc[] {received, null}) {
                byte[] out = new byte[MadResult.MAD_SIZE];
                int r = h.dev.processMad(row[0], 1, wc, mad(0x01, 0x01, NODE_INFO), out);
                assertEquals(MadResult.SUCCESS | MadResult.REPLY, r);
                int word = h.hca.readl(PciFunction.BAR0, Hw.Hcr.GO_WORD);
                assertEquals(0x024, Hw.Hcr.OPCODE.extract(word), "MAD_IFC");
                assertEquals(wc == null ? 3 : row[1], Hw.Hcr.OPCODE_MODIFIER.extract(word),
                        "flags " + row[0] + (wc == null ? ", no work completion" : ""));
            }
        }
    }
}
