// docs/HCA.md §3: every command through the raw HCR, its success and its error statuses
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.hca.PciFunction;
import org.junit.jupiter.api.Test;

class FirmwareTest {
    private final RawHca h = new RawHca();

    private static byte[] ctx() {
        return new byte[Layout.CTX + 128];
    }

    // ---- system state ------------------------------------------------------------------

    @Test
    void shouldReturnBadOpForUnknownOpcode() {
        assertEquals(Status.BAD_OP, h.cmd(0x7ff, 0, 0, 0, 0, false));
        assertEquals(Status.BAD_OP, h.cmd(0x028, 0, 0, 0, 0, false));
    }

    // ---- multicast group table (§3.11) ------------------------------------------------------

    private static byte[] mgid(long prefix, long interfaceId) {
        byte[] m = new byte[16];
        Layout.Mgm.MGID_PREFIX.set(m, -Layout.Mgm.MGID_PREFIX.offset(), prefix);
        Layout.Mgm.MGID_INTERFACE_ID.set(m, -Layout.Mgm.MGID_PREFIX.offset(), interfaceId);
        return m;
    }

    @Test
    void shouldHashAnMgidIntoTheMgmAsTheDocumentSays() {
        h.init();
        long prefix = 0xff12_401b_ffff_0000L;
        long iid = 0x0000_0000_ffff_ffffL;
        assertEquals(Status.OK, h.in(Command.MGID_HASH, 0, mgid(prefix, iid)));
        int words = 0;
        for (long v : new long[] {prefix, iid}) {
            for (int shift = 48; shift >= 0; shift -= 16) {
                words ^= (int) (v >>> shift) & 0xffff;
            }
        }
        assertEquals(words % RawHca.MCG_HASH_SIZE, h.outParam());
        assertEquals(Status.OK, h.in(Command.MGID_HASH, 0, mgid(prefix, iid ^ 0x0001_0000)));
        assertEquals((words ^ 1) % RawHca.MCG_HASH_SIZE, h.outParam(), "one word changed, the hash with it");
    }

    @Test
    void shouldReadBackWhatWriteMgmWroteAndRefuseIndicesPastTheTable() {
        h.init();
        byte[] entry = new byte[Layout.Mgm.SIZE];
        Layout.Mgm.NEXT_GID_INDEX.set(entry, 0, 9);
        Layout.Mgm.MGID_PREFIX.set(entry, 0, 0xff12_0000_0000_0001L);
        Layout.Mgm.QP_VALID.set(entry, 4, 1);
        Layout.Mgm.QP.set(entry, 4, 0x4a);
        assertEquals(Status.OK, h.in(Command.WRITE_MGM, RawHca.NUM_MCG - 1, entry));
        assertArrayEquals(entry, java.util.Arrays.copyOf(h.out(Command.READ_MGM, RawHca.NUM_MCG - 1), Layout.Mgm.SIZE));
        byte[] unwritten = java.util.Arrays.copyOf(h.out(Command.READ_MGM, 0), Layout.Mgm.SIZE);
        assertArrayEquals(new byte[Layout.Mgm.SIZE], unwritten, "an entry never written is empty");
        assertEquals(Status.BAD_INDEX, h.in(Command.WRITE_MGM, RawHca.NUM_MCG, entry));
        assertEquals(Status.BAD_INDEX, h.cmd(Command.READ_MGM.opcode(), RawHca.NUM_MCG, 0, h.outbox, 0, false));
    }

    @Test
    void shouldRefuseMulticastCommandsWithoutATableAndBadTableSizes() {
        byte[] b = new byte[0x1c];
        Layout.InitHca.NUM_QP.set(b, 0, RawHca.NUM_QP);
        Layout.InitHca.NUM_EQ.set(b, 0, 1);
        Layout.InitHca.NUM_MCG.set(b, 0, 8);
        assertEquals(Status.BAD_PARAM, h.in(Command.INIT_HCA, 0, b), "a table with no MGM");
        Layout.InitHca.MCG_HASH_SIZE.set(b, 0, 9);
        assertEquals(Status.BAD_PARAM, h.in(Command.INIT_HCA, 0, b), "an MGM larger than the table");
        Layout.InitHca.NUM_MCG.set(b, 0, h.caps.maxMcg() + 1);
        assertEquals(Status.EXCEED_LIM, h.in(Command.INIT_HCA, 0, b));
        Layout.InitHca.NUM_MCG.set(b, 0, 0);
        Layout.InitHca.MCG_HASH_SIZE.set(b, 0, 0);
        assertEquals(Status.OK, h.in(Command.INIT_HCA, 0, b));
        assertEquals(Status.BAD_RES_STATE, h.in(Command.MGID_HASH, 0, mgid(-1L, 1)));
        assertEquals(Status.BAD_INDEX, h.in(Command.WRITE_MGM, 0, new byte[Layout.Mgm.SIZE]));
        assertEquals(Status.BAD_INDEX, h.cmd(Command.READ_MGM.opcode(), 0, 0, h.outbox, 0, false));
    }

    @Test
    void shouldAnswerQueryFwAndDevCapBeforeInitHca() {
        byte[] fw = h.out(Command.QUERY_FW, 0);
        assertEquals(Firmware.FW_MAJOR, Layout.QueryFw.FW_REV_MAJOR.getInt(fw, 0));
        assertEquals(Firmware.CMD_INTERFACE_REV, Layout.QueryFw.CMD_INTERFACE_REV.getInt(fw, 0));
        byte[] cap = h.out(Command.QUERY_DEV_CAP, 0);
        assertEquals(h.caps.maxQp(), Layout.DevCap.MAX_QP.getInt(cap, 0));
        assertEquals(h.caps.nodeGuid(), Layout.DevCap.NODE_GUID.get(cap, 0));
        assertEquals(0x02c9, Layout.DevCap.VENDOR_ID.getInt(cap, 0));
        assertEquals(1, Layout.DevCap.NUM_PORTS.getInt(cap, 0));
        // The driver sizes everything from these (mlx4_QUERY_DEV_CAP): each one as the device has it.
        long[][] fields = {
            {Layout.DevCap.MAX_QP_WR.get(cap, 0), h.caps.maxQpWr()}, {Layout.DevCap.MAX_CQ.get(cap, 0), h.caps.maxCq()},
            {Layout.DevCap.MAX_CQE.get(cap, 0), h.caps.maxCqe()}, {Layout.DevCap.MAX_MPT.get(cap, 0), h.caps.maxMpt()},
            {Layout.DevCap.MAX_PD.get(cap, 0), h.caps.maxPd()}, {Layout.DevCap.MAX_EQ.get(cap, 0), h.caps.maxEq()},
            {Layout.DevCap.MAX_SEND_SGE.get(cap, 0), h.caps.maxSendSge()},
            {Layout.DevCap.MAX_RECV_SGE.get(cap, 0), h.caps.maxRecvSge()},
            {Layout.DevCap.MAX_QP_RD_ATOM.get(cap, 0), h.caps.maxQpRdAtom()},
            {Layout.DevCap.MAX_QP_INIT_RD_ATOM.get(cap, 0), h.caps.maxQpInitRdAtom()},
            {Layout.DevCap.MAX_SRQ.get(cap, 0), h.caps.maxSrq()},
            {Layout.DevCap.MAX_SRQ_WR.get(cap, 0), h.caps.maxSrqWr()},
            {Layout.DevCap.MAX_SRQ_SGE.get(cap, 0), h.caps.maxSrqSge()},
            {Layout.DevCap.MAX_MTU.get(cap, 0), h.caps.maxMtu()},
            {Layout.DevCap.PKEY_TABLE_LEN.get(cap, 0), h.caps.pkeyTableLen()},
            {Layout.DevCap.LOCAL_CA_ACK_DELAY.get(cap, 0), h.caps.localCaAckDelay()},
            {Layout.DevCap.GID_TABLE_LEN.get(cap, 0), h.caps.gidTableLen()},
            {Layout.DevCap.MAX_INLINE_DATA.get(cap, 0), h.caps.maxInlineData()},
            {Layout.DevCap.FIRST_QPN.get(cap, 0), h.caps.firstQpn()},
            {Layout.DevCap.SYS_IMAGE_GUID.get(cap, 0), h.caps.sysImageGuid()},
            {Layout.DevCap.VENDOR_PART_ID.get(cap, 0), h.caps.vendorPartId()},
            {Layout.DevCap.MAX_MCG.get(cap, 0), h.caps.maxMcg()},
            {Layout.DevCap.FIRST_MPT.get(cap, 0), h.caps.firstMpt()},
        };
        for (int i = 0; i < fields.length; i++) {
            assertEquals(fields[i][1], fields[i][0], "QUERY_DEV_CAP field " + i);
        }
    }

    @Test
    void shouldRefuseCommandsBeforeInitHcaWithBadSysState() {
        assertEquals(Status.BAD_SYS_STATE, h.cmd(Command.INIT_PORT, 1, 0));
        assertEquals(Status.BAD_SYS_STATE, h.in(Command.SW2HW_CQ, 0, ctx()));
        assertEquals(Status.BAD_SYS_STATE, h.cmd(Command.CLOSE_HCA, 0, 0));
        h.init();
        assertEquals(Status.BAD_SYS_STATE, h.in(Command.INIT_HCA, 0, new byte[0x14]));
    }

    @Test
    void shouldRefuseInitHcaAboveLimitsOrWithUnmappedInbox() {
        byte[] b = new byte[0x14];
        Layout.InitHca.NUM_QP.set(b, 0, h.caps.maxQp() + 1);
        Layout.InitHca.NUM_EQ.set(b, 0, 1);
        assertEquals(Status.EXCEED_LIM, h.in(Command.INIT_HCA, 0, b));
        assertEquals(Status.BAD_PARAM, h.cmd(Command.INIT_HCA.opcode(), 0, 0x10, 0, 0, false));
        assertEquals(Firmware.SysState.RESET, h.hca.firmware().state());
    }

    @Test
    void shouldCloseHcaOnlyWhenEverythingIsBackInSoftwareOwnership() {
        h.init();
        RawHca.EqRing eq = h.new EqRing(0, 4, 0, 0);
        assertEquals(Status.RESOURCE_BUSY, h.cmd(Command.CLOSE_HCA, 0, 0));
        assertEquals(Status.OK, h.cmd(Command.HW2SW_EQ, eq.eqn, 0));
        assertEquals(Status.OK, h.cmd(Command.CLOSE_HCA, 0, 0));
        assertEquals(Firmware.SysState.RESET, h.hca.firmware().state());
    }

    /** An INIT_HCA inbox with every table at the device's limit. */
    private byte[] initHcaAtLimits() {
        byte[] b = new byte[0x1c];
        Layout.InitHca.NUM_QP.set(b, 0, h.caps.maxQp());
        Layout.InitHca.NUM_CQ.set(b, 0, h.caps.maxCq());
        Layout.InitHca.NUM_MPT.set(b, 0, h.caps.maxMpt());
        Layout.InitHca.NUM_EQ.set(b, 0, h.caps.maxEq());
        Layout.InitHca.NUM_SRQ.set(b, 0, h.caps.maxSrq());
        Layout.InitHca.NUM_MCG.set(b, 0, h.caps.maxMcg());
        Layout.InitHca.MCG_HASH_SIZE.set(b, 0, h.caps.maxMcg());
        return b;
    }

    /** §3.6: each table may be as large as QUERY_DEV_CAP says and no larger; an MGM may fill the table. */
    @Test
    void shouldTakeInitHcaAtEveryLimitAndRefuseOnePast() {
        assertEquals(Status.OK, h.in(Command.INIT_HCA, 0, initHcaAtLimits()));
        assertEquals(Status.OK, h.cmd(Command.CLOSE_HCA, 0, 0));
        Field[] counts = {Layout.InitHca.NUM_QP, Layout.InitHca.NUM_CQ, Layout.InitHca.NUM_MPT, Layout.InitHca.NUM_EQ,
            Layout.InitHca.NUM_SRQ, Layout.InitHca.NUM_MCG};
        for (Field f : counts) {
            byte[] b = initHcaAtLimits();
            f.set(b, 0, f.get(b, 0) + 1);
            assertEquals(Status.EXCEED_LIM, h.in(Command.INIT_HCA, 0, b), f.toString());
            assertEquals(Firmware.SysState.RESET, h.hca.firmware().state());
        }
        // The reserved QPs below first_qpn must fit, and one EQ at least.
        byte[] b = initHcaAtLimits();
        Layout.InitHca.NUM_QP.set(b, 0, h.caps.firstQpn() - 1);
        assertEquals(Status.BAD_PARAM, h.in(Command.INIT_HCA, 0, b));
        Layout.InitHca.NUM_QP.set(b, 0, h.caps.firstQpn());
        Layout.InitHca.NUM_EQ.set(b, 0, 0);
        assertEquals(Status.BAD_PARAM, h.in(Command.INIT_HCA, 0, b));
        Layout.InitHca.NUM_EQ.set(b, 0, 1);
        assertEquals(Status.OK, h.in(Command.INIT_HCA, 0, b));
    }

    /** §3.2: CLOSE_HCA takes the ports down and forgets the tables INIT_HCA made. */
    @Test
    void shouldCloseTheOpenPortsAndForgetTheTablesOnCloseHca() {
        h.init();
        assertEquals(Status.OK, h.cmd(Command.INIT_PORT, 1, 0));
        assertNotNull(h.hca.firmware().qp(0x40));
        assertEquals(Status.OK, h.cmd(Command.CLOSE_HCA, 0, 0));
        assertEquals(false, h.hca.firmware().port(1).opened());
        assertEquals(HcaPort.DOWN, h.hca.firmware().port(1).state());
        assertNull(h.hca.firmware().qp(0x40), "no QP table");
        assertEquals(Status.BAD_SYS_STATE, h.cmd(Command.INIT_PORT, 1, 0));
    }

    /** §3.3: an outbox named in out_param must be mapped, even for a command whose outbox is optional. */
    @Test
    void shouldRefuseAnUnmappedOptionalOutboxChangingNothing() {
        h.init();
        assertEquals(Status.OK, h.in(Command.SW2HW_MPT, 3, mpt(0x305, 1, true)));
        assertEquals(Status.BAD_PARAM, h.cmd(Command.HW2SW_MPT.opcode(), 3, 0, 0x10, 0, false));
        assertNotNull(h.hca.firmware().mpt(3), "still in hardware ownership");
        RawHca.EqRing eq = h.new EqRing(0, 4, 0, 0);
        assertEquals(Status.BAD_PARAM, h.cmd(Command.HW2SW_EQ.opcode(), eq.eqn, 0, 0x10, 0, false));
        assertNotNull(h.hca.firmware().eqContext(eq.eqn));
        assertEquals(Status.BAD_PARAM, h.cmd(Command.MAD_IFC.opcode(), 1, h.inbox, 0x10, 0, false));
    }

    @Test
    void shouldKeepGoSetUntilTheCommandLatencyHasPassed() {
        h.hca.commandLatencyNs(1000);
        h.hca.writel(PciFunction.BAR0, 0x10, (int) h.outbox);
        h.hca.writel(PciFunction.BAR0, 0x18, (1 << 23) | Command.QUERY_FW.opcode());
        assertEquals(1, h.hca.readl(PciFunction.BAR0, 0x18) >>> 23 & 1);
        h.scheduler.runUntilIdle(10);
        assertEquals(1000, h.scheduler.now());
        assertEquals(0, h.hca.readl(PciFunction.BAR0, 0x18) >>> 23 & 1);
    }

    @Test
    void shouldPostCmdEqeWithTokenAndStatusInEventMode() {
        h.init();
        RawHca.EqRing eq = h.new EqRing(0, 4, 0, EventType.CMD.maskBit());
        assertEquals(Status.BAD_INDEX, h.cmd(Command.INIT_PORT.opcode(), 9, 0, 0, 0, true));
        byte[] e = eq.poll();
        assertNotNull(e);
        assertEquals(EventType.CMD.value(), Layout.Eqe.TYPE.getInt(e, 0));
        assertEquals(h.lastToken(), Layout.Eqe.TOKEN.getInt(e, 0));
        assertEquals(Status.BAD_INDEX.value(), Layout.Eqe.STATUS.getInt(e, 0));
    }

    @Test
    void shouldStillCompleteCommandsInEventModeAfterACatastrophicError() {
        // HCA.md §2.1: INTERNAL_ERR for every command, and its CMD EQE, so that no driver in
        // event mode waits for ever; no other EQE.
        h.init();
        RawHca.EqRing eq = h.new EqRing(0, 4, 0, EventType.CMD.maskBit() | EventType.PORT_CHANGE.maskBit());
        h.hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
        assertEquals(Status.INTERNAL_ERR, h.cmd(Command.INIT_PORT.opcode(), 1, 0, 0, 0, true));
        byte[] e = eq.poll();
        assertNotNull(e);
        assertEquals(EventType.CMD.value(), Layout.Eqe.TYPE.getInt(e, 0));
        assertEquals(Status.INTERNAL_ERR.value(), Layout.Eqe.STATUS.getInt(e, 0));
        assertEquals(null, eq.poll(), "nothing else");
        assertEquals(Layout.Catas.CAUSE_INTERNAL, h.hca.readl(PciFunction.BAR0, Layout.Catas.CAUSE.offset()));
    }

    @Test
    void shouldComeBackAsAtPowerOnWhenTheResetRegisterIsWritten() {
        // HCA.md §2.2: whatever the device did, failed or not, it forgets it all.
        h.init();
        assertEquals(Status.OK, h.cmd(Command.INIT_PORT, 1, 0));
        byte[] set = new byte[0x40];
        Layout.PortInfo.LID.set(set, 0, 7);
        assertEquals(Status.OK, h.in(Command.SET_PORT, 1, set));
        assertEquals(HcaPort.ACTIVE, h.hca.firmware().port(1).state());
        h.hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
        h.hca.writel(PciFunction.BAR0, Layout.Reset.SW_RESET.offset(), 0);
        assertEquals(0, h.hca.resets(), "writing 0 does nothing");
        assertEquals(Firmware.SysState.FATAL, h.hca.firmware().state());

        h.hca.writel(PciFunction.BAR0, Layout.Reset.SW_RESET.offset(), Layout.Reset.SW_RESET.insert(0, 1));
        assertEquals(1, h.hca.resets());
        assertEquals(Firmware.SysState.RESET, h.hca.firmware().state());
        assertEquals(0, h.hca.readl(PciFunction.BAR0, Layout.Catas.CAUSE.offset()), "the buffer is clear");
        assertEquals(0, h.hca.readl(PciFunction.BAR0, Layout.Reset.SW_RESET.offset()), "the register reads 0");
        assertEquals(HcaPort.DOWN, h.hca.firmware().port(1).state(), "the port disabled");
        assertEquals(0, h.hca.firmware().port(1).lid(), "with its power-on LID");
        assertEquals(Status.BAD_SYS_STATE, h.cmd(Command.INIT_PORT, 1, 0), "nothing before INIT_HCA");
        h.init();
        assertEquals(Status.OK, h.cmd(Command.INIT_PORT, 1, 0));
        assertEquals(HcaPort.INIT, h.hca.firmware().port(1).state(), "up again, without a LID");
    }

    /** §2.2: a reset without a catastrophic error first stops the device: no WQE stays in progress. */
    @Test
    void shouldDropEveryQpsWorkAndTableOnAReset() {
        h.init();
        eq0();
        h.new CqRing(1, 3, 0);
        RawHca.QpRings qp = h.rcQpToRts(0x40, 1);
        qp.postSends(2);
        assertEquals(2, h.stage.held(0x40).size());
        h.hca.writel(PciFunction.BAR0, Layout.Reset.SW_RESET.offset(), Layout.Reset.SW_RESET.insert(0, 1));
        assertTrue(h.stage.held(0x40).isEmpty(), "the transport forgot the QP's WQEs");
        assertNull(h.hca.firmware().qp(0x40), "no QP table");
        assertNull(h.hca.firmware().cqContext(1));
        assertEquals(1, h.hca.firmware().port(1).num(), "the new port numbered as the old");
    }

    @Test
    void shouldNeverCompleteACommandTheResetInterrupted() {
        h.hca.commandLatencyNs(1_000);
        h.hca.writel(PciFunction.BAR0, Layout.Hcr.GO_WORD, Layout.Hcr.OPCODE.insert(Layout.Hcr.GO.insert(0, 1),
                Command.QUERY_FW.opcode()));
        h.hca.writel(PciFunction.BAR0, Layout.Reset.SW_RESET.offset(), 1);
        h.scheduler.runUntilIdle(100);
        assertEquals(0, h.hca.readl(PciFunction.BAR0, Layout.Hcr.GO_WORD), "no status, no go: the HCR as at power-on");
        assertEquals(0, h.hca.firmware().commands(), "the command never ran");
    }

    // ---- ports -------------------------------------------------------------------------

    @Test
    void shouldBringPortActiveWithSetPortAndInitPortAndReportPortChange() {
        h.init();
        RawHca.EqRing eq = h.new EqRing(0, 4, 0, EventType.PORT_CHANGE.maskBit());
        assertEquals(Status.OK, h.cmd(Command.INIT_PORT, 1, 0));
        byte[] p = h.out(Command.QUERY_PORT, 1);
        assertEquals(HcaPort.INIT, Layout.PortInfo.PORT_STATE.getInt(p, 0));
        assertNull(eq.poll());

        byte[] set = new byte[0x40];
        Layout.PortInfo.LID.set(set, 0, 7);
        Layout.PortInfo.SM_LID.set(set, 0, 1);
        Layout.PortInfo.SM_SL.set(set, 0, 3);
        Layout.PortInfo.SET_PKEY.set(set, 0, 1);
        HcaPort.pkeyAt(set, 0, 0xffff);
        HcaPort.pkeyAt(set, 1, 0x8001);
        assertEquals(Status.OK, h.in(Command.SET_PORT, 1, set));

        p = h.out(Command.QUERY_PORT, 1);
        assertEquals(HcaPort.ACTIVE, Layout.PortInfo.PORT_STATE.getInt(p, 0));
        assertEquals(7, Layout.PortInfo.LID.getInt(p, 0));
        assertEquals(1, Layout.PortInfo.SM_LID.getInt(p, 0));
        assertEquals(3, Layout.PortInfo.SM_SL.getInt(p, 0));
        assertEquals(0x8001, HcaPort.pkeyAt(p, 1));
        byte[] e = eq.poll();
        assertEquals(EventType.PORT_CHANGE.value(), Layout.Eqe.TYPE.getInt(e, 0));
        assertEquals(Layout.Eqe.PORT_ACTIVE, Layout.Eqe.SUBTYPE.getInt(e, 0));
        assertEquals(1, Layout.Eqe.PORT.getInt(e, 0));
        assertEquals(List.of(0), h.fired);

        assertEquals(Status.OK, h.cmd(Command.CLOSE_PORT, 1, 0));
        eq.arm();
        e = eq.poll();
        assertEquals(Layout.Eqe.PORT_DOWN, Layout.Eqe.SUBTYPE.getInt(e, 0));
    }

    @Test
    void shouldReportChangesToAPortWithPortMngChg() {
        h.init();
        long mask = EventType.PORT_CHANGE.maskBit() | EventType.PORT_MNG_CHG.maskBit();
        RawHca.EqRing eq = h.new EqRing(0, 4, 0, mask);
        assertEquals(Status.OK, h.cmd(Command.INIT_PORT, 1, 0));
        byte[] set = new byte[0x40];
        Layout.PortInfo.LID.set(set, 0, 7);
        assertEquals(Status.OK, h.in(Command.SET_PORT, 1, set));
        byte[] lid = eq.poll();
        assertEquals(EventType.PORT_MNG_CHG.value(), Layout.Eqe.TYPE.getInt(lid, 0), "the set first");
        assertEquals(Layout.Eqe.LID_CHANGE, Layout.Eqe.CHANGED_ATTR.getInt(lid, 0));
        assertEquals(EventType.PORT_CHANGE.value(), Layout.Eqe.TYPE.getInt(eq.poll(), 0), "then entering ACTIVE");
        assertNull(eq.poll());

        // The same addresses again change nothing; a new P_Key table and a new LID are two changes.
        assertEquals(Status.OK, h.in(Command.SET_PORT, 1, set));
        Layout.PortInfo.SET_PKEY.set(set, 0, 1);
        HcaPort.pkeyAt(set, 0, 0xffff);
        HcaPort.pkeyAt(set, 1, 0x8001);
        Layout.PortInfo.LID.set(set, 0, 9);
        assertEquals(Status.OK, h.in(Command.SET_PORT, 1, set));
        eq.arm();
        List<Integer> subtypes = new java.util.ArrayList<>();
        for (byte[] e = eq.poll(); e != null; e = eq.poll()) {
            assertEquals(EventType.PORT_MNG_CHG.value(), Layout.Eqe.TYPE.getInt(e, 0));
            assertEquals(1, Layout.Eqe.PMC_PORT.getInt(e, 0));
            subtypes.add(Layout.Eqe.SUBTYPE.getInt(e, 0));
        }
        assertEquals(List.of(Layout.Eqe.MNG_PKEY_TABLE, Layout.Eqe.MNG_PORT_INFO), subtypes);

        Layout.PortInfo.SET_GID.set(set, 0, 1);
        Layout.PortInfo.GID_PREFIX.set(set, 0, 0xfe80_0000_0000_0001L);
        Layout.PortInfo.PORT_GUID.set(set, 0, 0x1234);
        assertEquals(Status.OK, h.in(Command.SET_PORT, 1, set));
        eq.arm();
        assertEquals(Layout.Eqe.MNG_GUID_INFO, Layout.Eqe.SUBTYPE.getInt(eq.poll(), 0), "the port GUID");
        byte[] prefix = eq.poll();
        assertEquals(Layout.Eqe.MNG_PORT_INFO, Layout.Eqe.SUBTYPE.getInt(prefix, 0), "the GID prefix");
        assertEquals(Layout.Eqe.GID_PFX_CHANGE, Layout.Eqe.CHANGED_ATTR.getInt(prefix, 0));
        assertNull(eq.poll(), "P_Keys and LID as they were: only the GID changed");
    }

    @Test
    void shouldReturnBadIndexOrBadResStateForPortCommands() {
        h.init();
        assertEquals(Status.BAD_INDEX, h.cmd(Command.INIT_PORT, 2, 0));
        assertEquals(Status.BAD_INDEX, h.cmd(Command.QUERY_PORT.opcode(), 0, 0, h.outbox, 0, false));
        assertEquals(Status.BAD_RES_STATE, h.cmd(Command.CLOSE_PORT, 1, 0));
        assertEquals(Status.OK, h.cmd(Command.INIT_PORT, 1, 0));
        assertEquals(Status.BAD_RES_STATE, h.cmd(Command.INIT_PORT, 1, 0));
        assertEquals(Status.BAD_PARAM, h.cmd(Command.QUERY_PORT.opcode(), 1, 0, 0x10, 0, false));
        assertEquals(Status.BAD_INDEX, h.cmd(Command.CLOSE_PORT, 2, 0));
        assertEquals(Status.BAD_INDEX, h.in(Command.SET_PORT, 0, new byte[0x40]));
        assertEquals(Status.BAD_INDEX, h.cmd(Command.MAD_IFC.opcode(), 2, h.inbox, h.outbox, 0, false));
        assertEquals(HcaPort.INIT, h.hca.firmware().port(1).state(), "port 1 untouched");
    }

    // ---- MPT and MTT -------------------------------------------------------------------

    private static byte[] mpt(int key, int pd, boolean physical) {
        byte[] b = new byte[Layout.CTX + 64];
        Layout.Mpt.KEY.set(b, Layout.CTX, Integer.toUnsignedLong(key));
        Layout.Mpt.PD.set(b, Layout.CTX, pd);
        Layout.Mpt.PHYSICAL.set(b, Layout.CTX, physical ? 1 : 0);
        Layout.Mpt.LOCAL_WRITE.set(b, Layout.CTX, 1);
        return b;
    }

    @Test
    void shouldMakeKeyValidAndTakeItBack() {
        h.init();
        assertEquals(Status.OK, h.in(Command.SW2HW_MPT, 3, mpt(0x305, 1, true)));
        assertEquals(1, Layout.Mpt.VALID.getInt(h.hca.firmware().mpt(3), 0));
        assertEquals(Status.BAD_RES_STATE, h.in(Command.SW2HW_MPT, 3, mpt(0x305, 1, true)));
        assertEquals(Status.OK, h.cmd(Command.HW2SW_MPT.opcode(), 3, 0, h.outbox, 0, false));
        assertEquals(0x305, Layout.Mpt.KEY.getInt(h.mem.read(h.outbox, 4096), Layout.CTX));
        assertEquals(0, Layout.Mpt.VALID.getInt(h.mem.read(h.outbox, 4096), Layout.CTX), "back in software ownership");
        assertNull(h.hca.firmware().mpt(3));
        assertEquals(Status.BAD_RES_STATE, h.cmd(Command.HW2SW_MPT, 3, 0));
    }

    @Test
    void shouldRefuseMptWithBadIndexKeyOrPd() {
        h.init();
        assertEquals(Status.BAD_INDEX, h.in(Command.SW2HW_MPT, RawHca.NUM_MPT, mpt(RawHca.NUM_MPT << 8, 1, true)));
        assertEquals(Status.BAD_PARAM, h.in(Command.SW2HW_MPT, 3, mpt(0x405, 1, true)));
        assertEquals(Status.BAD_PARAM, h.in(Command.SW2HW_MPT, 3, mpt(0x305, h.caps.maxPd(), true)));
        assertEquals(Status.BAD_PARAM, h.in(Command.SW2HW_MPT, 3, mpt(0x305, 1, false)));
        assertEquals(Status.BAD_INDEX, h.cmd(Command.HW2SW_MPT, -1, 0));
        assertEquals(0, h.hca.firmware().live().get("mpt"));
    }

    /** A WRITE_MTT inbox putting {@code page0} and {@code page1} at entries 0 and 1 of {@code mtt}. */
    private static byte[] writeMtt(long mtt, long page0, long page1) {
        byte[] w = new byte[0x28];
        Layout.WriteMtt.MTT_ADDR.set(w, 0, mtt);
        Layout.WriteMtt.COUNT.set(w, 0, 2);
        Layout.WriteMtt.ENTRY.set(w, 0, page0);
        Layout.WriteMtt.ENTRY.set(w, 8, page1);
        return w;
    }

    /** Key 0x201 of PD 1: 8 KiB at virtual 0x7000_0000 in two 4 KiB pages through {@code mtt}. */
    private static byte[] twoPageMpt(long mtt) {
        byte[] m = mpt(0x201, 1, false);
        Layout.Mpt.START.set(m, Layout.CTX, 0x7000_0000L);
        Layout.Mpt.LENGTH.set(m, Layout.CTX, 8192);
        Layout.Mpt.MTT_ADDR.set(m, Layout.CTX, mtt);
        Layout.Mpt.MTT_ENTRIES.set(m, Layout.CTX, 2);
        Layout.Mpt.LOG_PAGE_SIZE.set(m, Layout.CTX, 12);
        return m;
    }

    @Test
    void shouldWriteMttEntriesAndTranslateThroughThem() {
        h.init();
        long region = h.mem.alloc(8192);
        long mtt = h.mem.alloc(16);
        byte[] w = writeMtt(mtt, region, region + 4096);
        assertEquals(Status.OK, h.in(Command.WRITE_MTT, 0, w));
        assertEquals(region + 4096, java.nio.ByteBuffer.wrap(h.mem.read(mtt + 8, 8)).getLong());

        byte[] m = twoPageMpt(mtt);
        assertEquals(Status.OK, h.in(Command.SW2HW_MPT, 2, m));
        Firmware fw = h.hca.firmware();
        assertEquals(region + 4096 + 0x10, fw.translate(0x201, 1, 0x7000_1010L, 16, Layout.Mpt.LOCAL_WRITE));
        assertEquals(-1, fw.translate(0x201, 2, 0x7000_1010L, 16, null));
        assertEquals(-1, fw.translate(0x201, 1, 0x7000_1ff8L, 4096, null));
        assertEquals(-1, fw.translate(0x201, 1, 0x7000_0000L, 8, Layout.Mpt.REMOTE_WRITE));
        assertEquals(-1, fw.translate(0x202, 1, 0x7000_0000L, 8, null));

        Layout.WriteMtt.COUNT.set(w, 0, MptTable.MTT_PER_MAILBOX + 1);
        assertEquals(Status.BAD_PARAM, h.in(Command.WRITE_MTT, 0, w));
    }

    /** The device may keep MTT entries it read, but a WRITE_MTT or a new MPT is seen at once. */
    @Test
    void shouldTranslateThroughTheNewMttAfterWriteMttAndAfterTheKeyIsReplaced() {
        h.init();
        long region = h.mem.alloc(8192);
        long other = h.mem.alloc(4096);
        long mtt = h.mem.alloc(16);
        byte[] w = writeMtt(mtt, region, region + 4096);
        assertEquals(Status.OK, h.in(Command.WRITE_MTT, 0, w));
        byte[] m = twoPageMpt(mtt);
        assertEquals(Status.OK, h.in(Command.SW2HW_MPT, 2, m));
        Firmware fw = h.hca.firmware();
        assertEquals(region + 4096 + 8, fw.translate(0x201, 1, 0x7000_1008L, 8, null));

        Layout.WriteMtt.ENTRY.set(w, 8, other);
        assertEquals(Status.OK, h.in(Command.WRITE_MTT, 0, w));
        assertEquals(other + 8, fw.translate(0x201, 1, 0x7000_1008L, 8, null), "after WRITE_MTT");

        assertEquals(Status.OK, h.cmd(Command.HW2SW_MPT.opcode(), 2, 0, h.outbox, 0, false));
        long mtt2 = h.mem.alloc(16);
        Layout.WriteMtt.MTT_ADDR.set(w, 0, mtt2);
        Layout.WriteMtt.ENTRY.set(w, 8, region);
        assertEquals(Status.OK, h.in(Command.WRITE_MTT, 0, w));
        // The old MTT memory changes behind the device's back; the new key must not see it.
        h.mem.write(mtt + 8, new byte[8]);
        Layout.Mpt.MTT_ADDR.set(m, Layout.CTX, mtt2);
        assertEquals(Status.OK, h.in(Command.SW2HW_MPT, 2, m));
        assertEquals(region + 8, fw.translate(0x201, 1, 0x7000_1008L, 8, null), "after the MPT was replaced");
    }

    /** §4.1, §4.2: indices past the table and MTTs that are not all host memory. */
    @Test
    void shouldRefuseMptIndicesPastTheTableAndMttsNotWhollyMapped() {
        h.init();
        Firmware fw = h.hca.firmware();
        assertEquals(Status.BAD_INDEX, h.cmd(Command.HW2SW_MPT, RawHca.NUM_MPT, 0));
        assertNull(fw.mpt(RawHca.NUM_MPT));
        assertNull(fw.mpt(-1));
        // The firmware's own indexes (§3.5 first_mpt): index 1 and tag 0 would be the invalid lkey.
        assertEquals(Status.BAD_INDEX, h.in(Command.SW2HW_MPT, 0, mpt(0x07, 1, true)));
        assertEquals(Status.BAD_INDEX, h.in(Command.SW2HW_MPT, 1, mpt(Layout.Data.INVALID_LKEY, 1, true)));
        assertNull(fw.mpt(1));
        assertEquals(Status.OK, h.in(Command.SW2HW_MPT, 4, mpt(0x407, 1, true)));
        assertNotNull(fw.mpt(4), "an index above them is an entry like the others");
        assertEquals(-1, fw.translate(RawHca.NUM_MPT << 8, 1, 0, 8, null), "a key past the table");

        long mtt = h.mem.alloc(4096);
        byte[] m = twoPageMpt(mtt);
        Layout.Mpt.MTT_ENTRIES.set(m, Layout.CTX, 4096 / 8 + 1);
        assertEquals(Status.BAD_PARAM, h.in(Command.SW2HW_MPT, 2, m), "an MTT one entry longer than its page");
        Layout.Mpt.MTT_ENTRIES.set(m, Layout.CTX, 4096 / 8);
        Layout.Mpt.LOG_PAGE_SIZE.set(m, Layout.CTX, 11);
        assertEquals(Status.BAD_PARAM, h.in(Command.SW2HW_MPT, 2, m), "pages below 4 KiB");
        Layout.Mpt.LOG_PAGE_SIZE.set(m, Layout.CTX, 12);
        assertEquals(Status.OK, h.in(Command.SW2HW_MPT, 2, m));

        assertEquals(Status.BAD_PARAM, h.in(Command.WRITE_MTT, 0, writeMtt(0x10, 0, 0)), "MTT not host memory");
        long region = h.mem.alloc(8192);
        assertEquals(Status.OK, h.in(Command.WRITE_MTT, 0, writeMtt(mtt, region, region + 4096)));
        assertEquals(region + 8, fw.translate(0x201, 1, 0x7000_0008L, 0, null), "an empty access inside the region");
    }

    /** A fast_reg MPT of PD 1 at index 4, room for {@code pages} pages, registered by no FAST_REG yet. */
    private void fastRegMpt(int pages) {
        byte[] m = mpt(0x400, 1, false);
        Layout.Mpt.FAST_REG.set(m, Layout.CTX, 1);
        Layout.Mpt.MTT_ENTRIES.set(m, Layout.CTX, pages);
        assertEquals(Status.OK, h.in(Command.SW2HW_MPT, 4, m));
    }

    /** A FAST_REG segment (§5.7) giving key {@code key} local write over [start, start+length). */
    private static byte[] fastRegSeg(int key, long list, long start, long length, int pages, int logPageSize) {
        byte[] seg = new byte[Layout.FastReg.SIZE];
        Layout.FastReg.KEY.set(seg, 0, Integer.toUnsignedLong(key));
        Layout.FastReg.LOCAL_WRITE.set(seg, 0, 1);
        Layout.FastReg.PAGE_LIST.set(seg, 0, list);
        Layout.FastReg.START.set(seg, 0, start);
        Layout.FastReg.LENGTH.set(seg, 0, length);
        Layout.FastReg.PAGE_COUNT.set(seg, 0, pages);
        Layout.FastReg.LOG_PAGE_SIZE.set(seg, 0, logPageSize);
        return seg;
    }

    /**
     * §5.7: a FAST_REG passes only with pages of 4 KiB or more, no more than the entry has room
     * for, enough of them to cover the region from its offset in the first page, and a page list
     * in host memory; then the key translates through that list with that page size.
     */
    @Test
    void shouldRegisterAFastRegKeyOnlyWhenItsPagesCoverTheRegion() {
        h.init();
        fastRegMpt(3);
        MptTable mpts = h.hca.firmware().mpts();
        long page0 = h.mem.alloc(8192);
        long list = h.mem.alloc(3 * 8);
        h.mem.write(list, java.nio.ByteBuffer.allocate(24).putLong(page0).putLong(page0 + 8192).putLong(0).array());
        long start = 0x9000_0064L;
        long page = 8192;
        // Three 8 KiB pages hold [start, start + 3 pages - 0x64) and not one byte more.
        long fits = 3 * page - 0x64;
        assertEquals(false, mpts.fastReg(1, fastRegSeg(0x4a5, list, start, fits, 3, 11), 0), "2 KiB pages");
        assertEquals(false, mpts.fastReg(1, fastRegSeg(0x4a5, list, start, fits, 4, 13), 0), "4 pages in room for 3");
        assertEquals(false, mpts.fastReg(1, fastRegSeg(0x4a5, list, start, -1, 3, 13), 0), "a negative length");
        assertEquals(false, mpts.fastReg(1, fastRegSeg(0x4a5, list, start, fits + 1, 3, 13), 0), "a byte past");
        assertEquals(false, mpts.fastReg(1, fastRegSeg(0x4a5, 0x10, start, fits, 3, 13), 0), "no page list");
        assertEquals(false, mpts.fastReg(1, fastRegSeg(RawHca.NUM_MPT << 8, list, start, fits, 3, 13), 0));
        assertEquals(false, mpts.invalidate(RawHca.NUM_MPT << 8, 1), "a key past the table");
        assertEquals(-1, h.hca.firmware().translate(0x4a5, 1, start, 8, null), "still free");
        assertEquals(true, mpts.fastReg(1, fastRegSeg(0x4a4, list, 0x9000_0000L, 3 * 4096, 3, 12), 0), "4 KiB pages");
        assertEquals(true, mpts.invalidate(0x4a4, 1));

        assertEquals(true, mpts.fastReg(1, fastRegSeg(0x4a5, list, start, fits, 3, 13), 0));
        byte[] e = h.hca.firmware().mpt(4);
        assertEquals(list, Layout.Mpt.MTT_ADDR.get(e, 0));
        assertEquals(13, Layout.Mpt.LOG_PAGE_SIZE.getInt(e, 0));
        assertEquals(page0 + 8192 + 0x10, h.hca.firmware().translate(0x4a5, 1, 0x9000_2010L, 8, Layout.Mpt.LOCAL_WRITE),
                "the second 8 KiB page");
    }

    // ---- EQs ---------------------------------------------------------------------------

    @Test
    void shouldRefuseEqWithBadIndexStateSizeOrVector() {
        h.init();
        byte[] c = new byte[Layout.CTX + 32];
        Layout.EqCtx.LOG_SIZE.set(c, Layout.CTX, 4);
        Layout.EqCtx.BUFFER.set(c, Layout.CTX, h.mem.alloc(512));
        assertEquals(Status.BAD_INDEX, h.in(Command.SW2HW_EQ, RawHca.NUM_EQ, c));
        Layout.EqCtx.MSIX_VECTOR.set(c, Layout.CTX, h.caps.msixVectors());
        assertEquals(Status.BAD_PARAM, h.in(Command.SW2HW_EQ, 0, c));
        Layout.EqCtx.MSIX_VECTOR.set(c, Layout.CTX, 0);
        Layout.EqCtx.LOG_SIZE.set(c, Layout.CTX, DevCaps.MAX_EQ_LOG_SIZE + 1);
        assertEquals(Status.EXCEED_LIM, h.in(Command.SW2HW_EQ, 0, c));
        assertEquals(Status.BAD_RES_STATE, h.cmd(Command.MAP_EQ, 0, 1));
        assertEquals(Status.BAD_RES_STATE, h.cmd(Command.HW2SW_EQ, 0, 0));
        h.new EqRing(0, 4, 0, 0);
        assertEquals(Status.BAD_RES_STATE, h.in(Command.SW2HW_EQ, 0, c));
        assertEquals(Status.OK, h.cmd(Command.HW2SW_EQ.opcode(), 0, 0, h.outbox, 0, false));
        assertEquals(4, Layout.EqCtx.LOG_SIZE.getInt(h.mem.read(h.outbox, 64), Layout.CTX));
    }

    /**
     * MAP_EQ adds the types of its mask to the EQ's; with bit 31 of the in_modifier it takes
     * them away again (mlx4 eq.c mlx4_MAP_EQ's unmap), leaving the others.
     */
    @Test
    void shouldUnmapEventTypesWithBit31OfTheInModifier() {
        h.init();
        RawHca.EqRing eq = h.new EqRing(0, 4, 0, EventType.CMD.maskBit());
        assertEquals(Status.OK, h.cmd(Command.MAP_EQ, 0, EventType.PORT_CHANGE.maskBit()));
        cmdEvent();
        assertNotNull(eq.poll(), "CMD mapped");
        assertEquals(Status.OK, h.cmd(Command.MAP_EQ, 1 << 31, EventType.CMD.maskBit()));
        cmdEvent();
        assertNull(eq.poll(), "CMD unmapped: the EQE goes nowhere");
        assertEquals(EventType.PORT_CHANGE.maskBit(), h.hca.firmware().eqs().eq(0).eventMask(), "PORT_CHANGE kept");
        assertEquals(Status.BAD_INDEX, h.cmd(Command.MAP_EQ, 1 << 31 | RawHca.NUM_EQ, EventType.CMD.maskBit()));
    }

    /**
     * Each event type goes to one EQ: MAP_EQ to another EQ moves it there (mlx4_MAP_EQ_wrapper's
     * event_eq[type].eqn; mlx4_test_interrupt moves the CMD events to an EQ and back), and the
     * EQ it left keeps its other types.
     */
    @Test
    void shouldMoveAnEventTypeToTheEqMapEqNames() {
        h.init();
        RawHca.EqRing first = h.new EqRing(0, 4, 0, EventType.CMD.maskBit() | EventType.PORT_CHANGE.maskBit());
        RawHca.EqRing second = h.new EqRing(1, 4, 0, 0);
        assertEquals(Status.OK, h.cmd(Command.MAP_EQ, 1, EventType.CMD.maskBit()));
        cmdEvent();
        assertNull(first.poll(), "CMD left EQ 0");
        assertNotNull(second.poll(), "CMD goes to EQ 1");
        assertEquals(EventType.PORT_CHANGE.maskBit(), h.hca.firmware().eqs().eq(0).eventMask(), "PORT_CHANGE kept");
        assertEquals(Status.OK, h.cmd(Command.MAP_EQ, 0, EventType.CMD.maskBit()));
        cmdEvent();
        assertNotNull(first.poll(), "and back");
        assertNull(second.poll());
    }

    /** Runs QUERY_FW in event mode: one CMD EQE. */
    private void cmdEvent() {
        assertEquals(Status.OK, h.cmd(Command.QUERY_FW.opcode(), 0, 0, h.outbox, 0, true));
    }

    /**
     * §8: the device drops an EQE that finds the ring full by the consumer index last written,
     * and a consumer index written without the arm bit makes room without raising the vector.
     * HW2SW_EQ returns the context as it stands (§4.3).
     */
    @Test
    void shouldDropAnEqeThatFindsTheRingFullUntilTheConsumerIndexMoves() {
        h.init();
        RawHca.EqRing eq = h.new EqRing(0, 4, 1, EventType.CMD.maskBit());
        for (int i = 0; i < 17; i++) {
            cmdEvent();
        }
        assertEquals(List.of(1), h.fired, "one interrupt, the EQ not re-armed");
        for (int i = 0; i < 16; i++) {
            assertEquals(h.lastToken() - 16 + i, Layout.Eqe.TOKEN.getInt(eq.poll(), 0), "EQE " + i);
        }
        assertNull(eq.poll(), "the seventeenth found the ring full");
        assertEquals(Status.BAD_INDEX, h.cmd(Command.MAP_EQ, RawHca.NUM_EQ, EventType.CMD.maskBit()));
        assertEquals(Status.BAD_INDEX, h.cmd(Command.HW2SW_EQ, RawHca.NUM_EQ, 0));
        byte[] unmapped = new byte[Layout.CTX + 32];
        Layout.EqCtx.LOG_SIZE.set(unmapped, Layout.CTX, 4);
        Layout.EqCtx.BUFFER.set(unmapped, Layout.CTX, 0x10);
        assertEquals(Status.BAD_PARAM, h.in(Command.SW2HW_EQ, 1, unmapped), "no EQ ring in host memory");
        h.hca.writel(PciFunction.BAR2, 0x800 + 4 * eq.eqn, eq.ci);
        cmdEvent();
        assertEquals(h.lastToken(), Layout.Eqe.TOKEN.getInt(eq.poll(), 0), "room again");
        assertEquals(List.of(1), h.fired, "no arm, no interrupt");

        assertEquals(Status.OK, h.cmd(Command.HW2SW_EQ.opcode(), eq.eqn, 0, h.outbox, 0, false));
        byte[] c = h.mem.read(h.outbox, 64);
        assertEquals(1, Layout.EqCtx.STATE.getInt(c, Layout.CTX), "fired");
        assertEquals(1, Layout.EqCtx.MSIX_VECTOR.getInt(c, Layout.CTX));
        assertEquals(eq.buf, Layout.EqCtx.BUFFER.get(c, Layout.CTX));
        assertEquals(16, Layout.EqCtx.CONSUMER_INDEX.getInt(c, Layout.CTX));
        assertEquals(17, Layout.EqCtx.PRODUCER_INDEX.getInt(c, Layout.CTX));
    }

    // ---- CQs ---------------------------------------------------------------------------

    @Test
    void shouldRefuseCqWithBadIndexStateSizeOrEq() {
        h.init();
        eq0();
        RawHca.CqRing cq = h.new CqRing(1, 3, 0);
        byte[] c = cq.context(0);
        assertEquals(Status.BAD_RES_STATE, h.in(Command.SW2HW_CQ, 1, c));
        assertEquals(Status.BAD_INDEX, h.in(Command.SW2HW_CQ, RawHca.NUM_CQ, c));
        Layout.CqCtx.COMP_EQN.set(c, Layout.CTX, 2);
        assertEquals(Status.BAD_RESOURCE, h.in(Command.SW2HW_CQ, 2, c));
        Layout.CqCtx.COMP_EQN.set(c, Layout.CTX, 0);
        Layout.CqCtx.LOG_SIZE.set(c, Layout.CTX, 13);
        assertEquals(Status.EXCEED_LIM, h.in(Command.SW2HW_CQ, 2, c));
        assertEquals(Status.OK, h.cmd(Command.HW2SW_CQ, 1, 0));
        assertEquals(Status.BAD_RES_STATE, h.cmd(Command.HW2SW_CQ, 1, 0));
    }

    private int eq0() {
        h.new EqRing(0, 4, 0, ~0L);
        return 0;
    }

    /** §3.3, §4.4: CQ commands on CQs that are not there, rings not in host memory, and the context. */
    @Test
    void shouldRefuseCqCommandsOnAbsentCqsAndRingsNotInHostMemory() {
        h.init();
        eq0();
        h.new EqRing(1, 4, 1, 0);
        RawHca.CqRing cq = h.new CqRing(1, 3, 1);
        byte[] c = cq.context(0);
        Layout.CqCtx.LOG_SIZE.set(c, Layout.CTX, 8);
        assertEquals(Status.BAD_PARAM, h.in(Command.SW2HW_CQ, 2, c), "8 KiB of CQEs on one page");
        assertEquals(Status.BAD_PARAM, h.in(Command.RESIZE_CQ, 1, c));
        c = cq.context(0);
        Layout.CqCtx.DB_RECORD.set(c, Layout.CTX, 0);
        assertEquals(Status.BAD_PARAM, h.in(Command.SW2HW_CQ, 2, c));
        assertEquals(Status.BAD_INDEX, h.cmd(Command.HW2SW_CQ, RawHca.NUM_CQ, 0));
        assertEquals(Status.BAD_INDEX, h.in(Command.RESIZE_CQ, RawHca.NUM_CQ, cq.context(0)));
        assertEquals(Status.BAD_RES_STATE, h.in(Command.RESIZE_CQ, 2, cq.context(0)), "CQ 2 in software ownership");
        assertEquals(Status.BAD_RESOURCE, h.in(Command.RESIZE_CQ, 1, cq.context(2)), "no EQ 2");
        assertEquals(Status.BAD_RESOURCE, h.in(Command.SW2HW_CQ, 2, cq.context(RawHca.NUM_EQ)), "an EQ past the table");
        // An arm for a CQ number past the table is ignored, as any doorbell for no object.
        h.hca.writel(PciFunction.BAR2, 0x20, (Layout.Doorbell.ARM_NEXT << 24) | RawHca.NUM_CQ);

        byte[] ctx = h.hca.firmware().cqContext(1);
        assertEquals(3, Layout.CqCtx.LOG_SIZE.getInt(ctx, 0));
        assertEquals(1, Layout.CqCtx.COMP_EQN.getInt(ctx, 0));
        assertEquals(cq.buf, Layout.CqCtx.BUFFER.get(ctx, 0));
        assertEquals(cq.db, Layout.CqCtx.DB_RECORD.get(ctx, 0));
        assertEquals(CompletionQueue.STATE_OK, Layout.CqCtx.STATE.getInt(ctx, 0));
    }

    /** RESIZE_CQ with opcode modifier 1 reads only the moderation; other modifiers are BAD_OP. */
    @Test
    void shouldTakeOnlyTheModerationFromAModerationRequest() {
        h.init();
        eq0();
        h.new EqRing(1, 4, 1, 0);
        RawHca.CqRing cq = h.new CqRing(1, 3, 1);
        byte[] m = new byte[Layout.CTX + Layout.CqCtx.SIZE];
        Layout.CqCtx.CQ_MAX_COUNT.set(m, Layout.CTX, 16);
        Layout.CqCtx.CQ_PERIOD.set(m, Layout.CTX, 50);
        assertEquals(Status.BAD_OP, h.in(Command.RESIZE_CQ, 1, m, 2), "opcode modifier 2");
        assertEquals(Status.BAD_INDEX, h.in(Command.RESIZE_CQ, RawHca.NUM_CQ, m, 1));
        assertEquals(Status.BAD_RES_STATE, h.in(Command.RESIZE_CQ, 2, m, 1), "CQ 2 in software ownership");
        assertEquals(Status.OK, h.in(Command.RESIZE_CQ, 1, m, 1), "no ring, buffer or EQ in a moderation request");
        byte[] ctx = h.hca.firmware().cqContext(1);
        assertEquals(16, Layout.CqCtx.CQ_MAX_COUNT.getInt(ctx, 0));
        assertEquals(50, Layout.CqCtx.CQ_PERIOD.getInt(ctx, 0));
        assertEquals(3, Layout.CqCtx.LOG_SIZE.getInt(ctx, 0), "the ring as it was");
        assertEquals(cq.buf, Layout.CqCtx.BUFFER.get(ctx, 0));
        assertEquals(1, Layout.CqCtx.COMP_EQN.getInt(ctx, 0));
    }

    /**
     * RESIZE_CQ to a ring exactly as large as the unconsumed CQEs: accepted, and the device
     * writes nothing more until the driver has consumed some, as the CQEs it moves fill the ring.
     */
    @Test
    void shouldResizeCqToARingTheUnconsumedCqesExactlyFill() {
        h.init();
        RawHca.EqRing eq = h.new EqRing(0, 4, 0, EventType.CQ_ERROR.maskBit());
        RawHca.CqRing cq = h.new CqRing(1, 3, 0);
        RawHca.QpRings qp = flushingQp();
        qp.postSends(4);
        RawHca.CqRing four = h.new CqRing(2, 2, 0);
        assertEquals(Status.OK, h.in(Command.RESIZE_CQ, 1, four.context(0)));
        assertEquals(5, Layout.CqCtx.PRODUCER_INDEX.getInt(h.hca.firmware().cqContext(1), 0));
        assertNull(eq.poll(), "no overrun yet");
    }

    /**
     * §6.1: a RESIZE_CQ that faults on the old ring as it moves the unconsumed CQEs (a driver
     * that freed it first) is BAD_PARAM, and the CQ stops with the access-violation syndrome. The
     * model's driver reads the ring itself before it resizes, so only a raw device gets here.
     */
    @Test
    void shouldStopACqWhoseOldRingIsGoneAsItResizes() {
        h.init();
        RawHca.EqRing eq = h.new EqRing(0, 4, 0, EventType.CQ_ERROR.maskBit());
        RawHca.CqRing cq = h.new CqRing(1, 3, 0);
        RawHca.QpRings qp = flushingQp();
        qp.postSends(2);
        h.mem.free(cq.buf);
        RawHca.CqRing next = h.new CqRing(2, 3, 0);
        assertEquals(Status.BAD_PARAM, h.in(Command.RESIZE_CQ, 1, next.context(0)));
        byte[] ctx = h.hca.firmware().cqContext(1);
        assertEquals(CompletionQueue.STATE_WRITE_FAIL, Layout.CqCtx.STATE.getInt(ctx, 0));
        assertEquals(cq.buf, Layout.CqCtx.BUFFER.get(ctx, 0), "the CQ keeps its ring");
        byte[] e = eq.poll();
        assertEquals(EventType.CQ_ERROR.value(), Layout.Eqe.TYPE.getInt(e, 0));
        assertEquals(1, Layout.Eqe.OBJECT.getInt(e, 0));
        assertEquals(Layout.Eqe.CQ_ACCESS_VIOLATION, Layout.Eqe.CQ_SYNDROME.getInt(e, 0));
    }

    @Test
    void shouldRefuseToDestroyCqWhileQpUsesIt() {
        h.init();
        eq0();
        h.new CqRing(1, 3, 0);
        h.rcQpToRts(0x40, 1);
        assertEquals(Status.BAD_RES_STATE, h.cmd(Command.HW2SW_CQ, 1, 0));
        assertEquals(Status.OK, h.cmd(Command.TO_RST_QP, 0x40, 0));
        assertEquals(Status.OK, h.cmd(Command.HW2SW_CQ, 1, 0));
    }

    @Test
    void shouldHoldBothCqsOfAQpWhoseSendAndReceiveCqsDiffer() {
        h.init();
        eq0();
        h.new CqRing(1, 3, 0);
        h.new CqRing(2, 3, 0);
        RawHca.QpRings qp = h.new QpRings(0x40, 3);
        byte[] ctx = qp.init(QpContext.RC, 1);
        Layout.QpCtx.RECV_CQN.set(ctx, Layout.CTX, 2);
        assertEquals(Status.OK, h.in(Command.RST2INIT_QP, 0x40, ctx));
        assertEquals(Status.BAD_RES_STATE, h.cmd(Command.HW2SW_CQ, 1, 0), "the send CQ is in use");
        assertEquals(Status.BAD_RES_STATE, h.cmd(Command.HW2SW_CQ, 2, 0), "the receive CQ is in use");
        assertEquals(Status.OK, h.cmd(Command.TO_RST_QP, 0x40, 0));
        assertEquals(Status.OK, h.cmd(Command.HW2SW_CQ, 1, 0));
        assertEquals(Status.OK, h.cmd(Command.HW2SW_CQ, 2, 0));
    }

    @Test
    void shouldRaiseOneCompletionEqePerArmAndAtOnceWhenACqeIsAlreadyValid() {
        h.init();
        RawHca.EqRing eq = h.new EqRing(1, 4, 1, 0);
        RawHca.CqRing cq = h.new CqRing(1, 3, 1);
        RawHca.QpRings qp = h.rcQpToRts(0x40, 1);
        assertEquals(Status.OK, h.cmd(Command.TO_ERR_QP, 0x40, 0));
        cq.arm(Layout.Doorbell.ARM_NEXT);
        qp.postSends(2);
        assertEquals(List.of(1), h.fired);
        byte[] e = eq.poll();
        assertEquals(EventType.COMPLETION.value(), Layout.Eqe.TYPE.getInt(e, 0));
        assertEquals(1, Layout.Eqe.OBJECT.getInt(e, 0));
        assertNull(eq.poll(), "one EQE per CQ arm");

        cq.poll();
        cq.arm(Layout.Doorbell.ARM_NEXT);
        assertEquals(1, h.fired.size(), "the EQ is not re-armed yet");
        eq.arm();
        assertEquals(List.of(1, 1), h.fired, "arming with an unconsumed EQE fires at once");
        assertNotNull(eq.poll());
    }

    /** QP 0x40 on CQ 1, moved to ERR: every WQE posted is flushed at once, one CQE each. */
    private RawHca.QpRings flushingQp() {
        RawHca.QpRings qp = h.rcQpToRts(0x40, 1);
        assertEquals(Status.OK, h.cmd(Command.TO_ERR_QP, 0x40, 0));
        return qp;
    }

    @Test
    void shouldReportCqErrorOnOverrunAndStopWriting() {
        h.init();
        RawHca.EqRing eq = h.new EqRing(0, 4, 0, EventType.CQ_ERROR.maskBit());
        h.new CqRing(1, 2, 0);
        RawHca.QpRings qp = flushingQp();
        qp.postSends(5);
        byte[] e = eq.poll();
        assertEquals(EventType.CQ_ERROR.value(), Layout.Eqe.TYPE.getInt(e, 0));
        assertEquals(1, Layout.Eqe.OBJECT.getInt(e, 0));
        assertEquals(Layout.Eqe.CQ_OVERRUN, Layout.Eqe.CQ_SYNDROME.getInt(e, 0));
        assertEquals(CompletionQueue.STATE_OVERRUN, Layout.CqCtx.STATE.getInt(h.hca.firmware().cqContext(1), 0));
        assertEquals(4, Layout.CqCtx.PRODUCER_INDEX.getInt(h.hca.firmware().cqContext(1), 0));
        assertNull(eq.poll(), "overrun is reported once");
    }

    @Test
    void shouldSeeTheConsumerIndexMoveBeforeCallingACqOverrun() {
        h.init();
        RawHca.EqRing eq = h.new EqRing(0, 4, 0, EventType.CQ_ERROR.maskBit());
        RawHca.CqRing cq = h.new CqRing(1, 2, 0);
        RawHca.QpRings qp = flushingQp();
        // Many times round the 4-entry ring, the consumer never more than three behind.
        for (int round = 0; round < 12; round++) {
            qp.postSends(3);
            for (int i = 0; i < 3; i++) {
                assertNotNull(cq.poll(), "round " + round + " CQE " + i);
            }
        }
        // Full, two consumed, two more fit; the next one overruns.
        qp.postSends(4);
        assertNotNull(cq.poll());
        assertNotNull(cq.poll());
        qp.postSends(2);
        assertNull(eq.poll(), "two CQEs fit after two were consumed");
        assertEquals(36 + 4 + 2, Layout.CqCtx.PRODUCER_INDEX.getInt(h.hca.firmware().cqContext(1), 0));
        qp.postSends(1);
        byte[] e = eq.poll();
        assertNotNull(e, "a fifth CQE with four unconsumed overruns the ring");
        assertEquals(EventType.CQ_ERROR.value(), Layout.Eqe.TYPE.getInt(e, 0));
    }

    /**
     * RESIZE_CQ (§3.3): BAD_SIZE when the unconsumed CQEs do not fit; otherwise a RESIZE CQE at
     * the old ring's producer index, every entry of the new ring the device's, and the next CQE
     * in the new ring at the index after the RESIZE CQE's. The unconsumed CQEs stay where they
     * are, for the driver to move.
     */
    @Test
    void shouldResizeCqLeavingAResizeCqeOrRefuseWithBadSize() {
        h.init();
        eq0();
        RawHca.CqRing cq = h.new CqRing(1, 3, 0);
        RawHca.QpRings qp = h.rcQpToRts(0x40, 1);
        assertEquals(Status.OK, h.cmd(Command.TO_ERR_QP, 0x40, 0));
        qp.postSends(5);
        cq.poll();
        RawHca.CqRing small = h.new CqRing(2, 1, 0);
        assertEquals(Status.BAD_SIZE, h.in(Command.RESIZE_CQ, 1, small.context(0)));
        RawHca.CqRing big = h.new CqRing(3, 4, 0);
        // Whatever the driver left in the new ring, the device makes every entry its own.
        for (int n = 0; n < 16; n++) {
            byte[] junk = new byte[Layout.Cqe.SIZE];
            Layout.Cqe.OWNER.set(junk, 0, n & 1);
            h.mem.write(big.buf + (long) n * Layout.Cqe.SIZE, junk);
        }
        assertEquals(Status.OK, h.in(Command.RESIZE_CQ, 1, big.context(0)));
        for (int n = 1; n < 5; n++) {
            byte[] e = cq.poll();
            assertNotNull(e, "CQE " + n + " left in the old ring");
            assertEquals(n, Layout.Cqe.WQE_INDEX.getInt(e, 0));
        }
        byte[] marker = cq.poll();
        assertNotNull(marker, "the RESIZE CQE after them");
        assertEquals(Layout.Cqe.OPCODE_RESIZE, Layout.Cqe.OPCODE.getInt(marker, 0));
        big.ci = cq.ci;
        assertNull(big.poll(), "nothing of the new ring is software's yet");
        for (int n = 6; n < 22; n++) {
            big.ci = n;
            assertNull(big.poll(), "entry " + n + " is the device's");
        }
        big.ci = cq.ci;
        qp.postSends(1);
        byte[] next = big.poll();
        assertNotNull(next, "the next CQE in the new ring at index 6");
        assertEquals(5, Layout.Cqe.WQE_INDEX.getInt(next, 0));
    }

    // ---- SRQs --------------------------------------------------------------------------

    private byte[] srqContext(int log, long buf, long db) {
        byte[] c = new byte[Layout.CTX + 32];
        Layout.SrqCtx.PD.set(c, Layout.CTX, 1);
        Layout.SrqCtx.LOG_SIZE.set(c, Layout.CTX, log);
        Layout.SrqCtx.LOG_STRIDE.set(c, Layout.CTX, 6);
        Layout.SrqCtx.BUFFER.set(c, Layout.CTX, buf);
        Layout.SrqCtx.DB_RECORD.set(c, Layout.CTX, db);
        return c;
    }

    @Test
    void shouldArmSrqLimitAndRaiseSrqLimitOnceWhenPostedFallsBelow() {
        h.init();
        RawHca.EqRing eq = h.new EqRing(0, 4, 0, EventType.SRQ_LIMIT.maskBit());
        long db = h.mem.alloc(4);
        long buf = h.mem.alloc(512);
        link(buf, 0, 1);
        link(buf, 1, 2);
        assertEquals(Status.OK, h.in(Command.SW2HW_SRQ, 2, srqContext(3, buf, db)));
        assertEquals(Status.BAD_PARAM, h.cmd(Command.ARM_SRQ, 2, 9));
        assertEquals(Status.OK, h.cmd(Command.ARM_SRQ, 2, 3));
        h.mem.write(db, new byte[] {0, 0, 0, 4});
        SrqContext srq = h.hca.firmware().srq(2);
        assertEquals(0, srq.take());
        assertNull(eq.poll());
        assertEquals(1, srq.take());
        byte[] e = eq.poll();
        assertEquals(EventType.SRQ_LIMIT.value(), Layout.Eqe.TYPE.getInt(e, 0));
        assertEquals(2, Layout.Eqe.OBJECT.getInt(e, 0));
        assertEquals(0, srq.limit());
        srq.take();
        assertNull(eq.poll());
    }

    /** §3.3: QUERY_SRQ's opcode, mlx4's MLX4_CMD_QUERY_SRQ (include/linux/mlx4/cmd.h). */
    private static final int QUERY_SRQ = 0x037;

    /** §3.3 QUERY_SRQ: the SRQ context of §4.6, the limit as the device holds it now. */
    @Test
    void shouldQuerySrqContextWithTheLimitDisarmedOnceFired() {
        h.init();
        long db = h.mem.alloc(4);
        long buf = h.mem.alloc(512);
        link(buf, 0, 1);
        link(buf, 1, 2);
        long outbox = h.mem.alloc(4096);
        assertEquals(Status.BAD_RES_STATE, h.cmd(QUERY_SRQ, 2, 0, outbox, 0, false));
        assertEquals(Status.BAD_INDEX, h.cmd(QUERY_SRQ, RawHca.NUM_SRQ, 0, outbox, 0, false));
        assertEquals(Status.OK, h.in(Command.SW2HW_SRQ, 2, srqContext(3, buf, db)));
        assertEquals(Status.OK, h.cmd(Command.ARM_SRQ, 2, 3));

        assertEquals(Status.OK, h.cmd(QUERY_SRQ, 2, 0, outbox, 0, false));
        byte[] q = h.mem.read(outbox, 4096);
        assertEquals(3, Layout.SrqCtx.LIMIT.getInt(q, Layout.CTX));
        assertEquals(1, Layout.SrqCtx.PD.getInt(q, Layout.CTX));
        assertEquals(3, Layout.SrqCtx.LOG_SIZE.getInt(q, Layout.CTX));
        assertEquals(6, Layout.SrqCtx.LOG_STRIDE.getInt(q, Layout.CTX));
        assertEquals(buf, Layout.SrqCtx.BUFFER.get(q, Layout.CTX));
        assertEquals(db, Layout.SrqCtx.DB_RECORD.get(q, Layout.CTX));
        h.mem.write(db, new byte[] {0, 0, 0, 4});
        SrqContext srq = h.hca.firmware().srq(2);
        srq.take();
        srq.take();
        assertEquals(Status.OK, h.cmd(QUERY_SRQ, 2, 0, outbox, 0, false));
        assertEquals(0, Layout.SrqCtx.LIMIT.getInt(h.mem.read(outbox, 4096), Layout.CTX), "fired and disarmed");
    }

    /** Writes WQE {@code from}'s next_wqe_index (§5.12) in an SRQ of 64-byte WQEs at {@code buf}. */
    private void link(long buf, int from, int to) {
        byte[] next = new byte[Layout.SrqNext.SIZE];
        Layout.SrqNext.NEXT_WQE_INDEX.set(next, 0, to);
        h.mem.write(buf + 64L * from, next);
    }

    /** §5.12: the device takes an SRQ's WQEs along their links, not in ring order. */
    @Test
    void shouldTakeSrqWqesAlongTheirLinks() {
        h.init();
        long db = h.mem.alloc(4);
        long buf = h.mem.alloc(512);
        link(buf, 0, 5);
        link(buf, 5, 2);
        link(buf, 2, 7);
        assertEquals(Status.OK, h.in(Command.SW2HW_SRQ, 2, srqContext(3, buf, db)));
        h.mem.write(db, new byte[] {0, 0, 0, 3});
        SrqContext srq = h.hca.firmware().srq(2);
        assertEquals(0, srq.take());
        assertEquals(5, srq.take());
        assertEquals(2, srq.take());
        assertEquals(-1, srq.take(), "three posted");
        h.mem.write(db, new byte[] {0, 0, 0, 4});
        assertEquals(7, srq.take());
    }

    @Test
    void shouldRefuseSrqWithBadIndexStateOrSize() {
        h.init();
        byte[] c = srqContext(3, h.mem.alloc(512), h.mem.alloc(4));
        assertEquals(Status.BAD_INDEX, h.in(Command.SW2HW_SRQ, RawHca.NUM_SRQ, c));
        assertEquals(Status.BAD_RES_STATE, h.cmd(Command.HW2SW_SRQ, 0, 0));
        assertEquals(Status.BAD_RES_STATE, h.cmd(Command.ARM_SRQ, 0, 1));
        byte[] huge = srqContext(11, h.mem.alloc(512), h.mem.alloc(4));
        assertEquals(Status.EXCEED_LIM, h.in(Command.SW2HW_SRQ, 0, huge));
        assertEquals(Status.OK, h.in(Command.SW2HW_SRQ, 0, c));
        assertEquals(Status.BAD_RES_STATE, h.in(Command.SW2HW_SRQ, 0, c));
        assertEquals(Status.OK, h.cmd(Command.HW2SW_SRQ, 0, 0));
    }

    /** §3.3, §4.6: SRQ commands past the table, bad strides, PD and rings, and the limits ARM_SRQ takes. */
    @Test
    void shouldRefuseSrqContextsAndLimitsPastWhatTheDeviceTakes() {
        h.init();
        long buf = h.mem.alloc(4096);
        long db = h.mem.alloc(4);
        assertEquals(Status.BAD_INDEX, h.cmd(Command.HW2SW_SRQ, RawHca.NUM_SRQ, 0));
        assertEquals(Status.BAD_INDEX, h.cmd(Command.ARM_SRQ, RawHca.NUM_SRQ, 1));
        byte[] c = srqContext(0, buf, db);
        Layout.SrqCtx.LOG_STRIDE.set(c, Layout.CTX, DevCaps.MIN_LOG_STRIDE - 1);
        assertEquals(Status.BAD_PARAM, h.in(Command.SW2HW_SRQ, 1, c));
        Layout.SrqCtx.LOG_STRIDE.set(c, Layout.CTX, DevCaps.MAX_LOG_STRIDE + 1);
        assertEquals(Status.BAD_PARAM, h.in(Command.SW2HW_SRQ, 1, c));
        c = srqContext(0, buf, db);
        Layout.SrqCtx.PD.set(c, Layout.CTX, h.caps.maxPd());
        assertEquals(Status.BAD_PARAM, h.in(Command.SW2HW_SRQ, 1, c));
        assertEquals(Status.BAD_PARAM, h.in(Command.SW2HW_SRQ, 1, srqContext(7, buf, db)), "8 KiB on one page");
        assertEquals(Status.BAD_PARAM, h.in(Command.SW2HW_SRQ, 1, srqContext(3, buf, 0)), "no doorbell record");
        assertEquals(0, h.hca.firmware().live().get("srq"));

        c = srqContext(0, buf, db);
        Layout.SrqCtx.LOG_STRIDE.set(c, Layout.CTX, DevCaps.MAX_LOG_STRIDE);
        Layout.SrqCtx.PD.set(c, Layout.CTX, h.caps.maxPd() - 1);
        assertEquals(Status.OK, h.in(Command.SW2HW_SRQ, 1, c), "one WQE of a page");
        assertEquals(Status.OK, h.in(Command.SW2HW_SRQ, 2, srqContext(3, buf, db)));
        assertEquals(Status.OK, h.cmd(Command.ARM_SRQ, 2, 8), "a limit of the whole ring");
        assertEquals(Status.OK, h.cmd(Command.ARM_SRQ, 2, 0), "0 disarms");
        assertEquals(0, h.hca.firmware().srq(2).limit());

        eq0();
        h.new CqRing(1, 3, 0);
        RawHca.QpRings r = h.new QpRings(0x46, 3);
        byte[] init = r.init(QpContext.RC, 1);
        Layout.QpCtx.HAS_SRQ.set(init, Layout.CTX, 1);
        Layout.QpCtx.SRQN.set(init, Layout.CTX, RawHca.NUM_SRQ);
        assertEquals(Status.BAD_RESOURCE, h.in(Command.RST2INIT_QP, 0x46, init), "an SRQ past the table");
    }

    // ---- QPs ---------------------------------------------------------------------------

    @Test
    void shouldMoveQpThroughItsStatesAndKeepWhatOptparDoesNotName() {
        h.init();
        eq0();
        h.new CqRing(1, 3, 0);
        RawHca.QpRings r = h.new QpRings(0x41, 3);
        byte[] init = r.init(QpContext.RC, 1);
        Layout.QpCtx.QKEY.set(init, Layout.CTX, 0x1111);
        Layout.QpCtx.REMOTE_WRITE.set(init, Layout.CTX, 1);
        assertEquals(Status.OK, h.in(Command.RST2INIT_QP, 0x41, init));
        QpContext qp = h.hca.firmware().qp(0x41);
        assertEquals(HwQpState.INIT, qp.state());

        byte[] rtr = ctx();
        Layout.QpCtx.PATH_MTU.set(rtr, Layout.CTX, 4);
        Layout.QpCtx.REMOTE_QPN.set(rtr, Layout.CTX, 0x77);
        Layout.QpCtx.RQ_PSN.set(rtr, Layout.CTX, 0x123);
        Layout.QpCtx.QKEY.set(rtr, Layout.CTX, 0x2222);
        Layout.QpCtx.MIN_RNR_TIMER.set(rtr, Layout.CTX, 12);
        Field.putWord(rtr, 0, 1 << Layout.Optpar.MIN_RNR_TIMER.lo());
        assertEquals(Status.OK, h.in(Command.INIT2RTR_QP, 0x41, rtr));
        assertEquals(HwQpState.RTR, qp.state());
        assertEquals(4, qp.get(Layout.QpCtx.PATH_MTU));
        assertEquals(0x77, qp.get(Layout.QpCtx.REMOTE_QPN));
        assertEquals(12, qp.get(Layout.QpCtx.MIN_RNR_TIMER));
        assertEquals(0x1111, qp.get(Layout.QpCtx.QKEY), "qkey not in optpar: kept");
        assertEquals(1, qp.get(Layout.QpCtx.REMOTE_WRITE));

        byte[] rts = ctx();
        Layout.QpCtx.SQ_PSN.set(rts, Layout.CTX, 0xabcdef);
        assertEquals(Status.OK, h.in(Command.RTR2RTS_QP, 0x41, rts));
        assertEquals(Status.OK, h.in(Command.RTS2RTS_QP, 0x41, ctx()));
        assertEquals(Status.OK, h.cmd(Command.RTS2SQD_QP, 0x41, 0));
        assertEquals(Status.OK, h.in(Command.SQD2SQD_QP, 0x41, ctx()));
        assertEquals(Status.OK, h.in(Command.SQD2RTS_QP, 0x41, ctx()));
        byte[] q = h.out(Command.QUERY_QP, 0x41);
        assertEquals(HwQpState.RTS.ordinal(), Layout.QpCtx.STATE.getInt(q, Layout.CTX));
        assertEquals(0xabcdef, Layout.QpCtx.SQ_PSN.getInt(q, Layout.CTX));
        assertEquals(Status.OK, h.cmd(Command.TO_ERR_QP, 0x41, 0));
        assertEquals(Status.OK, h.cmd(Command.TO_RST_QP, 0x41, 0));
        assertEquals(HwQpState.RESET, qp.state());
        assertEquals(0, h.hca.firmware().live().get("qp"));
    }

    /** Each transition command from every state but its source is BAD_QP_STATE (§3.3). */
    @Test
    void shouldRefuseEveryTransitionFromAnyOtherStateWithBadQpState() {
        h.init();
        eq0();
        h.new CqRing(1, 3, 0);
        Object[][] table = {
            {Command.RST2INIT_QP, HwQpState.RESET}, {Command.INIT2INIT_QP, HwQpState.INIT},
            {Command.INIT2RTR_QP, HwQpState.INIT}, {Command.RTR2RTS_QP, HwQpState.RTR},
            {Command.RTS2RTS_QP, HwQpState.RTS}, {Command.SQERR2RTS_QP, HwQpState.SQE},
            {Command.RTS2SQD_QP, HwQpState.RTS}, {Command.SQD2SQD_QP, HwQpState.SQD},
            {Command.SQD2RTS_QP, HwQpState.SQD},
        };
        RawHca.QpRings r = h.new QpRings(0x42, 3);
        HwQpState[] reachable = {HwQpState.RESET, HwQpState.INIT, HwQpState.RTR, HwQpState.RTS, HwQpState.SQD,
            HwQpState.ERR};
        for (HwQpState at : reachable) {
            for (Object[] row : table) {
                if (row[1] == at) {
                    continue;
                }
                drive(r, at);
                Command c = (Command) row[0];
                byte[] box = c == Command.RST2INIT_QP ? r.init(QpContext.RC, 1) : ctx();
                assertEquals(Status.BAD_QP_STATE, h.in(c, 0x42, box), c + " from " + at);
                assertEquals(at, h.hca.firmware().qp(0x42).state());
            }
        }
    }

    /** Drives QP {@code r} from anywhere to {@code target} with legal commands. */
    private void drive(RawHca.QpRings r, HwQpState target) {
        assertEquals(Status.OK, h.cmd(Command.TO_RST_QP, r.qpn, 0));
        if (target == HwQpState.RESET) {
            return;
        }
        if (target == HwQpState.ERR) {
            assertEquals(Status.OK, h.cmd(Command.TO_ERR_QP, r.qpn, 0));
            return;
        }
        assertEquals(Status.OK, h.in(Command.RST2INIT_QP, r.qpn, r.init(QpContext.RC, 1)));
        if (target == HwQpState.INIT) {
            return;
        }
        byte[] rtr = ctx();
        Layout.QpCtx.PATH_MTU.set(rtr, Layout.CTX, 1);
        assertEquals(Status.OK, h.in(Command.INIT2RTR_QP, r.qpn, rtr));
        if (target == HwQpState.RTR) {
            return;
        }
        assertEquals(Status.OK, h.in(Command.RTR2RTS_QP, r.qpn, ctx()));
        if (target == HwQpState.SQD) {
            assertEquals(Status.OK, h.cmd(Command.RTS2SQD_QP, r.qpn, 0));
        }
    }

    @Test
    void shouldRefuseBadQpContextsWithoutChangingState() {
        h.init();
        eq0();
        h.new CqRing(1, 3, 0);
        RawHca.QpRings r = h.new QpRings(0x43, 3);
        assertEquals(Status.BAD_INDEX, h.in(Command.RST2INIT_QP, RawHca.NUM_QP, r.init(QpContext.RC, 1)));
        assertEquals(Status.BAD_INDEX, h.cmd(Command.QUERY_QP.opcode(), RawHca.NUM_QP, 0, h.outbox, 0, false));
        assertEquals(Status.BAD_RESOURCE, h.in(Command.RST2INIT_QP, 0x43, r.init(QpContext.RC, 5)));
        for (Field cqn : List.of(Layout.QpCtx.SEND_CQN, Layout.QpCtx.RECV_CQN)) {
            byte[] oneCq = r.init(QpContext.RC, 1);
            cqn.set(oneCq, Layout.CTX, 5);
            assertEquals(Status.BAD_RESOURCE, h.in(Command.RST2INIT_QP, 0x43, oneCq), "no CQ 5 as " + cqn);
        }
        byte[] big = r.init(QpContext.RC, 1);
        Layout.QpCtx.SQ_LOG_SIZE.set(big, Layout.CTX, 11);
        assertEquals(Status.EXCEED_LIM, h.in(Command.RST2INIT_QP, 0x43, big));
        byte[] port = r.init(QpContext.RC, 1);
        Layout.QpCtx.PORT.set(port, Layout.CTX, 2);
        assertEquals(Status.BAD_PARAM, h.in(Command.RST2INIT_QP, 0x43, port));
        assertEquals(Status.BAD_PARAM, h.in(Command.RST2INIT_QP, 0x43, r.init(QpContext.SPECIAL, 1)));
        assertEquals(HwQpState.RESET, h.hca.firmware().qp(0x43).state());

        assertEquals(Status.OK, h.in(Command.RST2INIT_QP, 0x43, r.init(QpContext.RC, 1)));
        byte[] rtr = ctx();
        Layout.QpCtx.PATH_MTU.set(rtr, Layout.CTX, 6);
        assertEquals(Status.BAD_PARAM, h.in(Command.INIT2RTR_QP, 0x43, rtr));
        Layout.QpCtx.PATH_MTU.set(rtr, Layout.CTX, 3);
        Field.putWord(rtr, 0, 1 << Layout.Optpar.ACK_TIMEOUT.lo());
        assertEquals(Status.BAD_PARAM, h.in(Command.INIT2RTR_QP, 0x43, rtr), "optpar bit INIT2RTR does not take");
        assertEquals(HwQpState.INIT, h.hca.firmware().qp(0x43).state());
    }

    /**
     * RST2INIT of QP {@code r} with an RC context on CQ 1 whose {@code field, value} pairs are
     * changed; the QP is back in RESET after. A refused context must leave it in RESET.
     */
    private Status rst2init(RawHca.QpRings r, Object... fieldValues) {
        byte[] box = r.init(QpContext.RC, 1);
        for (int i = 0; i < fieldValues.length; i += 2) {
            ((Field) fieldValues[i]).set(box, Layout.CTX, ((Number) fieldValues[i + 1]).longValue());
        }
        Status s = h.in(Command.RST2INIT_QP, r.qpn, box);
        assertEquals(s == Status.OK ? HwQpState.INIT : HwQpState.RESET, h.hca.firmware().qp(r.qpn).state(),
                "after " + s);
        assertEquals(Status.OK, h.cmd(Command.TO_RST_QP, r.qpn, 0));
        return s;
    }

    /** §4.5: every field the device checks in a QP context, at its limit and one past it. */
    @Test
    void shouldCheckEachQpContextFieldAtItsLimit() {
        h.init();
        eq0();
        h.new CqRing(1, 3, 0);
        assertEquals(Status.OK, h.in(Command.SW2HW_SRQ, 0, srqContext(3, h.mem.alloc(512), h.mem.alloc(4))));
        RawHca.QpRings r = h.new QpRings(0x45, 3);
        int maxLog = h.caps.log2(h.caps.maxQpWr());
        long big = h.mem.alloc(64L << maxLog);
        assertEquals(Status.BAD_PARAM, rst2init(r, Layout.QpCtx.SERVICE_TYPE, 2), "no such service");
        assertEquals(Status.OK, rst2init(r, Layout.QpCtx.PD, h.caps.maxPd() - 1));
        assertEquals(Status.BAD_PARAM, rst2init(r, Layout.QpCtx.PD, h.caps.maxPd()));
        assertEquals(Status.BAD_RESOURCE, rst2init(r, Layout.QpCtx.HAS_SRQ, 1, Layout.QpCtx.SRQN, 1), "no SRQ 1");

        // Queue sizes: up to max_qp_wr WQEs each way.
        assertEquals(Status.OK, rst2init(r, Layout.QpCtx.SQ_LOG_SIZE, maxLog, Layout.QpCtx.SQ_ADDR, big));
        assertEquals(Status.OK, rst2init(r, Layout.QpCtx.RQ_LOG_SIZE, maxLog, Layout.QpCtx.RQ_ADDR, big));
        assertEquals(Status.EXCEED_LIM, rst2init(r, Layout.QpCtx.RQ_LOG_SIZE, maxLog + 1, Layout.QpCtx.RQ_ADDR, big));

        // Strides: from 64 bytes to a page; an RQ on an SRQ has none.
        assertEquals(Status.BAD_PARAM, rst2init(r, Layout.QpCtx.SQ_LOG_STRIDE, DevCaps.MIN_LOG_STRIDE - 1));
        assertEquals(Status.BAD_PARAM, rst2init(r, Layout.QpCtx.SQ_LOG_STRIDE, DevCaps.MAX_LOG_STRIDE + 1));
        assertEquals(Status.BAD_PARAM, rst2init(r, Layout.QpCtx.RQ_LOG_STRIDE, DevCaps.MIN_LOG_STRIDE - 1));
        assertEquals(Status.OK, rst2init(r, Layout.QpCtx.SQ_LOG_SIZE, 0, Layout.QpCtx.SQ_LOG_STRIDE,
                DevCaps.MAX_LOG_STRIDE, Layout.QpCtx.RQ_LOG_SIZE, 0,
                Layout.QpCtx.RQ_LOG_STRIDE, DevCaps.MAX_LOG_STRIDE));
        assertEquals(Status.OK, rst2init(r, Layout.QpCtx.HAS_SRQ, 1, Layout.QpCtx.SRQN, 0,
                Layout.QpCtx.RQ_LOG_STRIDE, 0, Layout.QpCtx.RQ_ADDR, 0));

        // Rings and doorbell record in mapped memory, the whole ring: these fill one page of 4 KiB.
        assertEquals(Status.BAD_PARAM, rst2init(r, Layout.QpCtx.SQ_LOG_SIZE, 7), "8 KiB of SQ on one page");
        assertEquals(Status.BAD_PARAM, rst2init(r, Layout.QpCtx.RQ_LOG_SIZE, 7), "8 KiB of RQ on one page");
        assertEquals(Status.BAD_PARAM, rst2init(r, Layout.QpCtx.DB_RECORD, 0));

        // The port and P_Key index name entries that exist.
        assertEquals(Status.BAD_PARAM, rst2init(r, Layout.QpCtx.PORT, 0));
        assertEquals(Status.OK, rst2init(r, Layout.QpCtx.PKEY_INDEX, h.caps.pkeyTableLen() - 1));
        assertEquals(Status.BAD_PARAM, rst2init(r, Layout.QpCtx.PKEY_INDEX, h.caps.pkeyTableLen()));

        // RDMA READ and atomic depths within what QUERY_DEV_CAP reports.
        assertEquals(Status.OK, rst2init(r, Layout.QpCtx.MAX_RD_ATOMIC, h.caps.maxQpInitRdAtom(),
                Layout.QpCtx.MAX_DEST_RD_ATOMIC, h.caps.maxQpRdAtom()));
        assertEquals(Status.BAD_PARAM, rst2init(r, Layout.QpCtx.MAX_RD_ATOMIC, h.caps.maxQpInitRdAtom() + 1));
        assertEquals(Status.BAD_PARAM, rst2init(r, Layout.QpCtx.MAX_DEST_RD_ATOMIC, h.caps.maxQpRdAtom() + 1));
        assertEquals(0, h.hca.firmware().live().get("qp"));
    }

    @Test
    void shouldAcceptSpecialQpsOnlyAtTheConfiguredNumbers() {
        h.init();
        eq0();
        h.new CqRing(1, 3, 0);
        // mlx4's form: the base in the in_modifier, the SMI QP of port n at base + n - 1, the
        // GSI QP at base + 2 + n - 1.
        assertEquals(Status.OK, h.cmd(Command.CONF_SPECIAL_QP, 8, 0));
        RawHca.QpRings gsi = h.new QpRings(10, 3);
        assertEquals(Status.BAD_PARAM, h.in(Command.RST2INIT_QP, 10, gsi.init(QpContext.UD, 1)));
        assertEquals(Status.OK, h.in(Command.RST2INIT_QP, 10, gsi.init(QpContext.SPECIAL, 1)));
        RawHca.QpRings smi = h.new QpRings(8, 3);
        assertEquals(Status.OK, h.in(Command.RST2INIT_QP, 8, smi.init(QpContext.SPECIAL, 1)));
        // Base 0 configures none (mlx4_cleanup_qp_table): a special context is refused anywhere.
        assertEquals(Status.OK, h.cmd(Command.CONF_SPECIAL_QP, 0, 0));
        RawHca.QpRings none = h.new QpRings(9, 3);
        assertEquals(Status.BAD_PARAM, h.in(Command.RST2INIT_QP, 9, none.init(QpContext.SPECIAL, 1)));
        assertEquals(Status.OK, h.cmd(Command.CONF_SPECIAL_QP, 8, 0));
        // The first QPN past the GSI range (one per port) is an ordinary QP again.
        int past = 10 + h.caps.numPorts();
        RawHca.QpRings next = h.new QpRings(past, 3);
        assertEquals(Status.BAD_PARAM, h.in(Command.RST2INIT_QP, past, next.init(QpContext.SPECIAL, 1)));
        assertEquals(Status.OK, h.in(Command.RST2INIT_QP, past, next.init(QpContext.UD, 1)));
    }

    /** §3.3: the special QPs of every port must fit in the QP table. */
    @Test
    void shouldRefuseSpecialQpsPastTheEndOfTheQpTable() {
        h.init();
        int last = RawHca.NUM_QP - 4;
        assertEquals(Status.BAD_PARAM, h.cmd(Command.CONF_SPECIAL_QP, last + 1, 0));
        assertEquals(Status.OK, h.cmd(Command.CONF_SPECIAL_QP, last, 0));
    }

    /** §4.5 optpar: each bit loads its own fields; a path MTU loaded after INIT2RTR is checked as there. */
    @Test
    void shouldLoadTheFieldsEachOptparBitNamesAndCheckThem() {
        h.init();
        eq0();
        h.new CqRing(1, 3, 0);
        RawHca.QpRings r = h.new QpRings(0x47, 3);
        assertEquals(Status.OK, h.in(Command.RST2INIT_QP, 0x47, r.init(QpContext.RC, 1)));
        QpContext qp = h.hca.firmware().qp(0x47);
        byte[] box = ctx();
        Layout.QpCtx.PKEY_INDEX.set(box, Layout.CTX, 5);
        Layout.QpCtx.QKEY.set(box, Layout.CTX, 0x1234);
        Field.putWord(box, 0, 1 << Layout.Optpar.PKEY_INDEX.lo() | 1 << Layout.Optpar.QKEY.lo());
        assertEquals(Status.OK, h.in(Command.INIT2INIT_QP, 0x47, box));
        assertEquals(5, qp.get(Layout.QpCtx.PKEY_INDEX));
        assertEquals(0x1234, qp.get(Layout.QpCtx.QKEY));
        assertEquals(1, qp.get(Layout.QpCtx.PORT), "port not in optpar: kept");

        drive(r, HwQpState.SQD);
        box = ctx();
        Field.putWord(box, 0, 1 << Layout.Optpar.PATH_MTU.lo());
        assertEquals(Status.BAD_PARAM, h.in(Command.SQD2SQD_QP, r.qpn, box), "path MTU 0");
        assertEquals(HwQpState.SQD, qp.state());
        Layout.QpCtx.PATH_MTU.set(box, Layout.CTX, 4);
        assertEquals(Status.OK, h.in(Command.SQD2SQD_QP, r.qpn, box));
        assertEquals(4, qp.get(Layout.QpCtx.PATH_MTU));
    }

    /** §5.10: an alternate path names a port of the device and an entry of its P_Key table. */
    @Test
    void shouldRefuseAnAlternatePathToAPortOrPkeyEntryThatIsNotThere() {
        h.init();
        eq0();
        h.new CqRing(1, 3, 0);
        h.rcQpToRts(0x40, 1);
        QpContext qp = h.hca.firmware().qp(0x40);
        int[][] refused = {{0, 0}, {h.caps.numPorts() + 1, 0}, {1, h.caps.pkeyTableLen()}};
        for (int[] path : refused) {
            assertEquals(Status.BAD_PARAM, h.in(Command.RTS2RTS_QP, 0x40, altPath(path[0], path[1])),
                    "port " + path[0] + ", P_Key index " + path[1]);
        }
        assertEquals(0, qp.get(Layout.QpCtx.ALT_PORT), "nothing loaded");
        int last = h.caps.pkeyTableLen() - 1;
        assertEquals(Status.OK, h.in(Command.RTS2RTS_QP, 0x40, altPath(h.caps.numPorts(), last)));
        assertEquals(h.caps.numPorts(), qp.get(Layout.QpCtx.ALT_PORT));
        assertEquals(last, qp.get(Layout.QpCtx.ALT_PKEY_INDEX));
    }

    private static byte[] altPath(int port, int pkeyIndex) {
        byte[] box = ctx();
        Layout.QpCtx.ALT_PORT.set(box, Layout.CTX, port);
        Layout.QpCtx.ALT_PKEY_INDEX.set(box, Layout.CTX, pkeyIndex);
        Layout.QpCtx.ALT_DLID.set(box, Layout.CTX, 5);
        Field.putWord(box, 0, 1 << Layout.Optpar.ALT_ADDRESS_PATH.lo());
        return box;
    }

    /** §4.5: QUERY_QP reports how far the device has consumed each work queue. */
    @Test
    void shouldReportTheConsumerIndicesOfBothQueuesInQueryQp() {
        h.init();
        eq0();
        h.new CqRing(1, 4, 0);
        RawHca.QpRings qp = h.rcQpToRts(0x40, 1);
        qp.postSends(3);
        qp.postRecvs(2);
        assertEquals(Status.OK, h.cmd(Command.TO_ERR_QP, 0x40, 0));
        byte[] q = h.out(Command.QUERY_QP, 0x40);
        assertEquals(3, Layout.QpCtx.SQ_CONSUMER_INDEX.getInt(q, Layout.CTX));
        assertEquals(2, Layout.QpCtx.RQ_CONSUMER_INDEX.getInt(q, Layout.CTX));
    }

    /** §5: the device reads no more than a ring of send WQEs ahead of the oldest it has not completed. */
    @Test
    void shouldFetchNoMoreThanARingOfSendWqes() {
        h.init();
        eq0();
        h.new CqRing(1, 4, 0);
        RawHca.QpRings qp = h.rcQpToRts(0x40, 1);
        qp.postSends(10);
        assertEquals(8, h.stage.held(0x40).size(), "an 8-entry SQ");
        for (int i = 0; i < 8; i++) {
            assertEquals(i, h.stage.held(0x40).get(i).index(), "WQE " + i);
        }
    }

    // ---- flush ------------------------------------------------------------------------

    @Test
    void shouldFlushEveryOutstandingWqeInOrderOnErrAcrossTheRingWrap() {
        h.init();
        eq0();
        RawHca.CqRing cq = h.new CqRing(1, 2, 0);
        RawHca.QpRings qp = h.rcQpToRts(0x40, 1);
        qp.postSends(3);
        assertEquals(3, h.stage.held(0x40).size(), "fetched and held by the transport stage");
        qp.postRecvs(1);
        assertEquals(Status.OK, h.cmd(Command.TO_ERR_QP, 0x40, 0));
        assertTrue(h.stage.held(0x40).isEmpty());
        int[] expect = {0, 1, 2};
        for (int n : expect) {
            byte[] e = cq.poll();
            assertEquals(0x40, Layout.Cqe.QPN.getInt(e, 0));
            assertEquals(n, Layout.Cqe.WQE_INDEX.getInt(e, 0));
            assertEquals(1, Layout.Cqe.IS_SEND.getInt(e, 0));
            assertEquals(Layout.Cqe.OPCODE_ERROR, Layout.Cqe.OPCODE.getInt(e, 0));
            assertEquals(Syndrome.WR_FLUSH_ERR.value(), Layout.Cqe.SYNDROME.getInt(e, 0));
        }
        byte[] recv = cq.poll();
        assertEquals(0, Layout.Cqe.IS_SEND.getInt(recv, 0));
        // In ERR a posted WQE is flushed as soon as the doorbell rings; the CQ wraps twice.
        for (int i = 3; i < 12; i++) {
            qp.postSends(1);
            byte[] e = cq.poll();
            assertNotNull(e, "flush of WQE " + i);
            assertEquals(i, Layout.Cqe.WQE_INDEX.getInt(e, 0));
            assertEquals(((cq.ci - 1) >> 2) & 1, (e[0x1f] >> 7) & 1, "owner bit of a wrapped CQE");
        }
    }

    @Test
    void shouldDiscardWqesWithoutCompletionsOnReset() {
        h.init();
        eq0();
        RawHca.CqRing cq = h.new CqRing(1, 3, 0);
        RawHca.QpRings qp = h.rcQpToRts(0x40, 1);
        qp.postSends(3);
        assertEquals(Status.OK, h.cmd(Command.TO_RST_QP, 0x40, 0));
        assertNull(cq.poll());
        assertTrue(h.stage.held(0x40).isEmpty());
    }

    @Test
    void shouldReportLastWqeReachedForQpOnSrqEnteringErr() {
        h.init();
        RawHca.EqRing eq = h.new EqRing(0, 4, 0, EventType.SRQ_QP_LAST_WQE.maskBit());
        h.new CqRing(1, 3, 0);
        assertEquals(Status.OK, h.in(Command.SW2HW_SRQ, 0, srqContext(3, h.mem.alloc(512), h.mem.alloc(4))));
        RawHca.QpRings r = h.new QpRings(0x44, 3);
        byte[] init = r.init(QpContext.RC, 1);
        Layout.QpCtx.HAS_SRQ.set(init, Layout.CTX, 1);
        assertEquals(Status.OK, h.in(Command.RST2INIT_QP, 0x44, init));
        assertEquals(Status.BAD_RES_STATE, h.cmd(Command.HW2SW_SRQ, 0, 0));
        assertEquals(Status.OK, h.cmd(Command.TO_ERR_QP, 0x44, 0));
        byte[] e = eq.poll();
        assertEquals(EventType.SRQ_QP_LAST_WQE.value(), Layout.Eqe.TYPE.getInt(e, 0));
        assertEquals(0x44, Layout.Eqe.OBJECT.getInt(e, 0));
    }

    @Test
    void shouldReportSqDrainedWhenAskedAndNothingIsOutstanding() {
        h.init();
        RawHca.EqRing eq = h.new EqRing(0, 4, 0, EventType.SQ_DRAINED.maskBit());
        h.new CqRing(1, 3, 0);
        h.rcQpToRts(0x40, 1);
        // mlx4 asks in bit 31 of the in_modifier; the opcode modifier is not read.
        assertEquals(Status.OK, h.in(Command.RTS2SQD_QP, 0x40, new byte[0], 1));
        assertNull(eq.poll(), "opcode modifier 1 asks for nothing");
        assertEquals(Status.OK, h.in(Command.SQD2RTS_QP, 0x40, ctx()));
        assertEquals(Status.OK, h.in(Command.RTS2SQD_QP, 1 << 31 | 0x40, new byte[0], 0));
        byte[] e = eq.poll();
        assertEquals(EventType.SQ_DRAINED.value(), Layout.Eqe.TYPE.getInt(e, 0));
        assertEquals(1, h.hca.firmware().qp(0x40).get(Layout.QpCtx.EN_SQD_ASYNC_NOTIFY));
    }

    @Test
    void shouldReadZeroFromTheWriteOnlyDoorbells() {
        assertEquals(0, h.hca.readl(PciFunction.BAR2, 0x14));
    }
}
