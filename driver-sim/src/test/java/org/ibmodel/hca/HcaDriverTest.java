// Bring-up, object lifetimes and firmware refusals through ib_core on a host with the HCA
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.DeviceAttr;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.Pd;
import org.ibmodel.core.PortAttr;
import org.ibmodel.core.PortState;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.Result;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.ResType;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.device.Command;
import org.ibmodel.sim.device.DevCaps;
import org.ibmodel.sim.device.Firmware;
import org.ibmodel.sim.device.HwQpState;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.device.QpContext;
import org.ibmodel.sim.device.Status;
import org.junit.jupiter.api.Test;

class HcaDriverTest {
    private final HcaHost h = new HcaHost();

    @Test
    void shouldFillDeviceAttrAndPortsFromTheDevice() {
        DeviceAttr a = h.dev.attr();
        DevCaps caps = h.fw.caps();
        assertEquals(caps.vendorId(), a.vendorId);
        assertEquals(caps.vendorPartId(), a.vendorPartId);
        assertEquals(caps.maxQp() - caps.firstQpn(), a.maxQp);
        assertEquals(caps.maxCqe() - 1, a.maxCqe);
        assertEquals(caps.maxSrqWr() - 1, a.maxSrqWr);
        assertEquals(caps.maxQpInitRdAtom(), a.maxQpInitRdAtom);
        assertEquals(caps.sysImageGuid(), a.sysImageGuid);
        assertEquals(caps.maxMcg(), a.maxMcastGrp);
        assertEquals(8, a.maxMcastQpAttach, "eight QPs to a 64-byte MGM entry");
        assertEquals(caps.maxMcg() * 8, a.maxTotalMcastQpAttach);
        assertEquals(a.maxSendSge, a.maxSgeRd, "max_sge_rd, as mthca_query_device");
        assertEquals(511, a.maxFastRegPageListLen, "MLX4_MAX_FAST_REG_PAGES");
        assertEquals(DeviceAttr.ATOMIC_NONE, a.maskedAtomicCap, "no masked atomics");
        assertEquals(0xffff, a.maxCqModerationCount, "MLX4_MAX_CQ_COUNT");
        assertEquals(0xffff, a.maxCqModerationPeriod, "MLX4_MAX_CQ_PERIOD");
        assertEquals(((long) Firmware.FW_MAJOR << 32) | (Firmware.FW_MINOR << 16) | Firmware.FW_SUBMINOR, a.fwVer);
        assertEquals(caps.numPorts(), h.dev.numPorts());
        PortAttr p = h.dev.port(1).query();
        assertEquals(PortState.ACTIVE, p.state);
        assertEquals(HcaHost.LID, p.lid);
        assertEquals(HcaHost.LID, p.smLid);
        assertEquals(Mtu.MTU_4096, p.activeMtu);
        assertEquals(5, p.physState);
        // From SubnGet(PortInfo) through MAD_IFC (docs/HCA.md §3.10), as mlx4's ib_link_query_port reads it.
        assertEquals(32, p.activeSpeed, "IB_SPEED_EDR from LinkSpeedExtActive");
        assertEquals(2, p.activeWidth, "IB_WIDTH_4X");
        assertEquals(1 << 5 | 1 << 14 | 1 << 25, p.portCapFlags,
                "IB_PORT_AUTO_MIGR_SUP | IB_PORT_EXTENDED_SPEEDS_SUP | IB_PORT_CLIENT_REG_SUP");
        assertEquals(1, p.maxVlNum, "VL0 only");
        assertEquals(Mtu.MTU_4096, p.maxMtu);
        assertEquals(caps.gidTableLen(), p.gidTblLen);
        assertEquals(caps.pkeyTableLen(), p.pkeyTblLen);
        assertEquals(Firmware.SysState.INITIALISED, h.fw.state());
        assertEquals(3, h.fw.live().get("eq"));
    }

    /**
     * mlx4's set_kernel_sq_size refuses an inline size whose WQE exceeds the largest descriptor:
     * a size near 2^31 must not wrap into a small WQE that the inline data would then overrun.
     */
    @Test
    void shouldRefuseAnInlineSizeNoWqeHolds() {
        Map<String, Integer> before = h.drv.live();
        Pd pd = Pd.alloc(h.dev).get();
        Cq cq = Cq.create(h.dev, null, null, new CqInitAttr(10, 1)).get();
        for (int inline : new int[] {0x7fff_fff0, 0x7fff_ffff, 1 << 20}) {
            Result<Qp> r = Qp.create(pd, QpInitAttr.of(QpType.RC, cq, cq, new QpCap(4, 4, 1, 1, inline)));
            assertEquals(Errno.EINVAL, r.errno(), "max_inline_data " + inline);
        }
        Qp qp = Qp.create(pd, QpInitAttr.of(QpType.RC, cq, cq, new QpCap(4, 4, 1, 1, 256))).get();
        assertEquals(256, qp.cap().maxInlineData());
        assertEquals(0, qp.destroy());
        assertEquals(0, cq.destroy());
        assertEquals(0, pd.dealloc());
        assertEquals(before, h.drv.live(), "nothing left of the refused creates");
    }

    @Test
    void shouldLeaveNothingInDriverOrDeviceAfterCreateAndDestroyOfEveryObject() {
        Map<String, Integer> drvBefore = h.drv.live();
        Map<String, Integer> fwBefore = h.fw.live();
        Pd pd = Pd.alloc(h.dev).get();
        long buf = h.host.memory().alloc(3 * 4096);
        Mr mr = Mr.reg(pd, buf + 16, 2 * 4096, buf + 16, AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_READ).get();
        Mr dma = Mr.getDma(pd, AccessFlags.LOCAL_WRITE).get();
        Cq cq = Cq.create(h.dev, null, null, new CqInitAttr(10, 1)).get();
        Srq srq = Srq.create(pd, null, new SrqAttr(16, 2, 0)).get();
        QpInitAttr onSrq = QpInitAttr.of(QpType.RC, cq, cq, QpCap.of(4, 0, 2));
        onSrq.srq = srq;
        Qp rc = Qp.create(pd, onSrq).get();
        Qp ud = Qp.create(pd, QpInitAttr.of(QpType.UD, cq, cq, QpCap.of(4, 4, 1))).get();
        Ah ah = Ah.create(pd, AhAttr.lid(1, 5)).get();
        HcaHost.toRts(rc);

        assertEquals(fwBefore.get("mpt") + 3, h.fw.live().get("mpt"));
        assertEquals(1, h.fw.live().get("srq"));
        assertEquals(1, h.fw.live().get("qp"));
        assertNotNull(h.fw.mpt(mr.lkey() >>> 8));
        assertEquals(15, cq.cqe(), "rounded up to a power of two, one CQE kept free");

        assertEquals(0, ah.destroy());
        assertEquals(0, ud.destroy());
        assertEquals(0, rc.destroy());
        assertEquals(0, srq.destroy());
        assertEquals(0, cq.destroy());
        assertEquals(0, dma.dereg());
        assertEquals(0, mr.dereg());
        assertEquals(0, pd.dealloc());

        assertEquals(drvBefore, h.drv.live());
        assertEquals(fwBefore, h.fw.live());
        assertNull(h.fw.mpt(mr.lkey() >>> 8));
    }

    @Test
    void shouldCloseTheHcaOnRemoveWhenEverythingWasDestroyed() {
        assertEquals(0, h.pd.dealloc());
        h.drv.remove();
        assertEquals(Firmware.SysState.RESET, h.fw.state());
        assertTrue(h.host.core().devices().isEmpty());
    }

    @Test
    void shouldWriteMttWithThePhysicalPagesOfTheRegion() {
        long buf = h.host.memory().alloc(3 * 4096);
        Mr mr = Mr.reg(h.pd, buf + 100, 8000, buf + 100, AccessFlags.LOCAL_WRITE).get();
        assertEquals(buf + 4096 + 5, h.fw.translate(mr.lkey(), pdn(h.pd), buf + 4096 + 5, 8, Layout.Mpt.LOCAL_WRITE));
        assertEquals(-1, h.fw.translate(mr.lkey(), pdn(h.pd), buf + 8100 + 100, 8, null));
        assertEquals(buf + 7, h.fw.translate(h.pd.localDmaLkey(), pdn(h.pd), buf + 7, 8, Layout.Mpt.LOCAL_WRITE));
    }

    /** An empty region inside a page: one MTT entry, an MPT of length 0 that translates nothing. */
    @Test
    void shouldRegisterAnEmptyRegionThatTranslatesNothing() {
        long buf = h.host.memory().alloc(4096);
        long[] page = {buf};
        Mr mr = Mr.regUser(h.pd, buf + 8, 0, buf + 8, AccessFlags.LOCAL_WRITE, page).get();
        assertNotNull(h.fw.mpt(mr.lkey() >>> 8));
        assertEquals(-1, h.fw.translate(mr.lkey(), pdn(h.pd), buf + 8, 1, Layout.Mpt.LOCAL_WRITE));
        assertEquals(0, mr.dereg());
        assertNull(h.fw.mpt(mr.lkey() >>> 8));
    }

    private static int pdn(Pd pd) {
        return HcaDriver.pdn(pd);
    }

    @Test
    void shouldMoveQpResetInitRtrRtsThroughTheCommandsWithTheContextFields() {
        Cq cq = h.cq(16);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(8, 8, 2));
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        QpContext c = h.fw.qp(qp.qpNum());
        assertEquals(HwQpState.INIT, c.state());
        assertEquals(1, c.get(Layout.QpCtx.PORT));
        assertEquals(QpContext.RC, c.serviceType());
        assertEquals(1, c.get(Layout.QpCtx.REMOTE_WRITE));
        assertEquals(0, c.get(Layout.QpCtx.REMOTE_ATOMIC));

        assertEquals(0, qp.modify(HcaHost.rtr(0x1234), HcaHost.RC_RTR));
        assertEquals(HwQpState.RTR, c.state());
        assertEquals(Mtu.MTU_2048.value(), c.get(Layout.QpCtx.PATH_MTU));
        assertEquals(0x1234, c.get(Layout.QpCtx.REMOTE_QPN));
        assertEquals(0x4242, c.get(Layout.QpCtx.RQ_PSN));
        assertEquals(0x22, c.get(Layout.QpCtx.DLID));
        assertEquals(3, c.get(Layout.QpCtx.SL));
        assertEquals(12, c.get(Layout.QpCtx.MIN_RNR_TIMER));
        assertEquals(4, c.get(Layout.QpCtx.MAX_DEST_RD_ATOMIC));

        assertEquals(0, qp.modify(HcaHost.rts(0x1abcdef), HcaHost.RC_RTS));
        assertEquals(HwQpState.RTS, c.state());
        assertEquals(0xabcdef, c.get(Layout.QpCtx.SQ_PSN), "PSN masked to 24 bits");
        assertEquals(14, c.get(Layout.QpCtx.ACK_TIMEOUT));
        assertEquals(7, c.get(Layout.QpCtx.RETRY_CNT));
        assertEquals(6, c.get(Layout.QpCtx.RNR_RETRY));
        assertEquals(2, c.get(Layout.QpCtx.MAX_RD_ATOMIC));
        assertEquals(QpState.RTS, qp.state());
        assertEquals(c.get(Layout.QpCtx.SEND_CQN), ((HcaCq) cq.drv()).cqn());
    }

    @Test
    void shouldSendOnlyTheAttributesTheMaskNamesAsOptpar() {
        assertEquals(0, QpModify.optpar(CmdOp.RST2INIT_QP, HcaHost.RC_INIT));
        int rtr = QpModify.optpar(CmdOp.INIT2RTR_QP, HcaHost.RC_RTR | QpAttrMask.QKEY.bit());
        // __mlx4_ib_modify_qp: max_dest_rd_atomic names the remote access bits too (to_mlx4_access_flags).
        assertEquals(1 | (1 << 3) | (1 << 9) | (1 << 11), rtr,
                "remote access, qkey, min_rnr_timer, max_dest_rd_atomic");
        int rts = QpModify.optpar(CmdOp.RTR2RTS_QP, HcaHost.RC_RTS);
        assertEquals((1 << 6) | (1 << 7) | (1 << 8) | (1 << 10), rts);
        int apm = QpModify.optpar(CmdOp.RTS2RTS_QP, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.ALT_PATH,
                QpAttrMask.PATH_MIG_STATE));
        assertEquals((1 << 12) | (1 << 13), apm, "alternate path, pm_state");
    }

    @Test
    void shouldReturnTheMappedErrnoAndKeepTheQpStateWhenTheDeviceRefuses() {
        Cq cq = h.cq(16);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(8, 8, 2));
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        h.fw.injectStatus(Command.INIT2RTR_QP.opcode(), Status.BAD_QP_STATE);
        assertEquals(Errno.EINVAL.negative(), qp.modify(HcaHost.rtr(1), HcaHost.RC_RTR));
        assertEquals(QpState.INIT, qp.state());
        assertEquals(HwQpState.INIT, h.fw.qp(qp.qpNum()).state());
        assertEquals(0x10, h.drv.lastCmdStatus());

        h.fw.injectStatus(Command.INIT2RTR_QP.opcode(), Status.EXCEED_LIM);
        assertEquals(Errno.ENOMEM.negative(), qp.modify(HcaHost.rtr(1), HcaHost.RC_RTR));
        assertEquals(QpState.INIT, qp.state());
        assertEquals(0, qp.modify(HcaHost.rtr(1), HcaHost.RC_RTR));
    }

    @Test
    void shouldLeaveNothingBehindWhenTheDeviceRefusesACreate() {
        Map<String, Integer> before = h.drv.live();
        h.fw.injectStatus(Command.SW2HW_CQ.opcode(), Status.EXCEED_LIM);
        assertEquals(Errno.ENOMEM, Cq.create(h.dev, null, null, new CqInitAttr(4, 0)).errno());
        h.fw.injectStatus(Command.SW2HW_MPT.opcode(), Status.BAD_PARAM);
        assertEquals(Errno.EINVAL, Mr.getDma(h.pd, AccessFlags.LOCAL_WRITE).errno());
        h.fw.injectStatus(Command.SW2HW_SRQ.opcode(), Status.BAD_RES_STATE);
        assertEquals(Errno.EBADF, Srq.create(h.pd, null, new SrqAttr(4, 1, 0)).errno());
        assertEquals(before, h.drv.live());
        assertEquals(0, h.dev.liveCount(ResType.CQ));
    }

    @Test
    void shouldWarnAndFreeItsSideWhenTheDeviceRefusesATearDown() {
        Map<String, Integer> drvBefore = h.drv.live();
        Map<String, Integer> fwBefore = h.fw.live();
        Pd pd = Pd.alloc(h.dev).get();
        Cq cq = h.cq(8);
        Srq srq = Srq.create(pd, null, new SrqAttr(4, 1, 0)).get();
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(2, 2, 1));
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        int qpn = qp.qpNum();

        // mlx4 and mthca: the device keeps what it would not give back, the driver frees its side.
        h.fw.injectStatus(Command.TO_RST_QP.opcode(), Status.BAD_QP_STATE);
        assertEquals(0, qp.destroy(), "destroy_qp_common warns and goes on");
        // Not INTERNAL_ERR: that one is the device failing, and the driver's error state answers 0.
        h.fw.injectStatus(Command.HW2SW_CQ.opcode(), Status.BAD_INDEX);
        assertEquals(0, cq.destroy(), "mlx4_cq_free warns and goes on");
        h.fw.injectStatus(Command.HW2SW_SRQ.opcode(), Status.BAD_RES_STATE);
        assertEquals(0, srq.destroy(), "mlx4_srq_free warns and goes on");
        h.fw.injectStatus(Command.HW2SW_MPT.opcode(), Status.BAD_RES_STATE);
        assertEquals(0, pd.dealloc(), "mthca_free_mr warns and goes on");

        assertEquals(drvBefore, h.drv.live(), "the driver holds nothing of them");
        assertEquals(HwQpState.INIT, h.fw.qp(qpn).state(), "the device still holds the QP in INIT");
        for (String kind : new String[] {"cq", "srq", "mpt"}) {
            assertEquals(fwBefore.get(kind) + 1, h.fw.live().get(kind), "the device still owns one " + kind);
        }
        java.util.List<String> log = h.kernel.dmesg();
        assertEquals(4, log.size(), log.toString());
        assertTrue(log.get(0).endsWith(String.format("2RST_QP failed (-22) for QPN %06x", qpn)), log.get(0));
        assertTrue(log.get(1).matches(".*HW2SW_CQ failed \\(-9\\) for CQN [0-9a-f]{6}"), log.get(1));
        assertTrue(log.get(2).matches(".*HW2SW_SRQ failed \\(-9\\) for SRQN [0-9a-f]{6}"), log.get(2));
        assertTrue(log.get(3).matches(".*HW2SW_MPT failed \\(-9\\) for MPT [0-9a-f]{6}"), log.get(3));
    }

    @Test
    void shouldKeepAnMrWhoseKeyTheDeviceWillNotGiveBack() {
        Map<String, Integer> drvBefore = h.drv.live();
        Mr mr = Mr.getDma(h.pd, AccessFlags.LOCAL_WRITE).get();
        // mlx4_mr_free_reserved: a refused HW2SW_MPT is warned about and fails the deregistration;
        // the MR stays.
        h.fw.injectStatus(Command.HW2SW_MPT.opcode(), Status.BAD_RES_STATE);
        assertEquals(Errno.EBADF.negative(), mr.dereg());
        assertEquals(drvBefore.get("mpt") + 1, h.drv.live().get("mpt"));
        assertEquals(1, h.kernel.dmesg().size(), h.kernel.dmesg().toString());
        assertTrue(h.kernel.dmesg().get(0).endsWith("HW2SW_MPT failed (-9), MR has MWs bound to it"),
                h.kernel.dmesg().get(0));
        assertEquals(0, mr.dereg(), "and can be deregistered once the device lets go");
        assertEquals(drvBefore, h.drv.live());
        assertEquals(1, h.kernel.dmesg().size(), "no warning for the deregistration that passed");
    }

    /**
     * mthca_mr_alloc and mlx4_mr_enable warn about a refused SW2HW_MPT, __mthca_write_mtt about a
     * refused WRITE_MTT; the verb fails with the mapped errno and leaves nothing behind.
     */
    @Test
    void shouldWarnWhenTheDeviceRefusesAKeyOrItsTranslation() {
        Map<String, Integer> before = h.drv.live();
        long buf = h.host.memory().alloc(2 * 4096);
        h.fw.injectStatus(Command.SW2HW_MPT.opcode(), Status.BAD_PARAM);
        assertEquals(Errno.EINVAL, Mr.getDma(h.pd, AccessFlags.LOCAL_WRITE).errno());
        h.fw.injectStatus(Command.SW2HW_MPT.opcode(), Status.BAD_PARAM);
        assertEquals(Errno.EINVAL, Mr.reg(h.pd, buf, 4096, buf, AccessFlags.LOCAL_WRITE).errno());
        h.fw.injectStatus(Command.SW2HW_MPT.opcode(), Status.BAD_PARAM);
        assertEquals(Errno.EINVAL, Mr.alloc(h.pd, 4).errno());
        h.fw.injectStatus(Command.SW2HW_MPT.opcode(), Status.BAD_PARAM);
        assertEquals(Errno.EINVAL, Pd.alloc(h.dev).errno(), "a kernel PD's local DMA key");
        h.fw.injectStatus(Command.WRITE_MTT.opcode(), Status.BAD_PARAM);
        assertEquals(Errno.EINVAL, Mr.reg(h.pd, buf, 2 * 4096, buf, AccessFlags.LOCAL_WRITE).errno());

        java.util.List<String> log = h.kernel.dmesg();
        assertEquals(5, log.size(), log.toString());
        for (int i = 0; i < 4; i++) {
            assertTrue(log.get(i).endsWith("SW2HW_MPT failed (-22)"), log.get(i));
        }
        assertTrue(log.get(4).endsWith("WRITE_MTT failed (-22)"), log.get(4));
        assertEquals(before, h.drv.live());
    }

    /**
     * mthca_multicast_detach / mlx4_qp_detach_common: when a group's last member leaves, the one
     * write that unlinks its entry comes last, so a detach refused at any of its commands leaves
     * the QP a member and can be tried again. Groups 0x0001, 0x0081 and 0x0101 share a hash
     * chain (MulticastTest), so each position in it is tried: the MGM slot, the middle, the end.
     */
    /** ff12:401b:ffff::low, the GIDs MulticastTest chains. */
    private static byte[] chainMgid(int low) {
        byte[] g = {(byte) 0xff, 0x12, 0x40, 0x1b, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        g[14] = (byte) (low >>> 8);
        g[15] = (byte) low;
        return g;
    }

    @Test
    void shouldLeaveTheQpAMemberWhenADetachIsRefused() {
        Cq cq = h.cq(8);
        Qp[] qps = new Qp[3];
        int[] lows = {0x0001, 0x0081, 0x0101};
        for (int leaver = 0; leaver < lows.length; leaver++) {
            for (int passing = 0; passing < 8; passing++) {
                for (int k = 0; k < lows.length; k++) {
                    qps[k] = h.qp(QpType.UD, cq, QpCap.of(2, 2, 1));
                    assertEquals(0, qps[k].attachMcast(chainMgid(lows[k]), 0xc001 + k));
                }
                byte[] gid = chainMgid(lows[leaver]);
                h.fw.injectStatusAfter(passing, Status.BAD_PARAM);
                int ret = qps[leaver].detachMcast(gid, 0xc001 + leaver);
                boolean refused = !h.fw.injectionPending(true);
                String at = "group " + leaver + ", command " + (passing + 1) + " refused";
                assertEquals(refused ? Errno.EINVAL.negative() : 0, ret, at);
                if (refused) {
                    assertEquals(0, qps[leaver].detachMcast(gid, 0xc001 + leaver), at + ": still a member");
                }
                assertEquals(Errno.EINVAL.negative(), qps[leaver].detachMcast(gid, 0xc001 + leaver), at + ": left");
                for (int k = 0; k < lows.length; k++) {
                    if (k != leaver) {
                        assertEquals(0, qps[k].detachMcast(chainMgid(lows[k]),
                                0xc001 + k), at + ": group " + k + " still there");
                    }
                    assertEquals(0, qps[k].destroy());
                }
                assertEquals(0, h.fw.multicastEntries(), at);
                assertEquals(0, h.drv.live().get("amgm"), at);
            }
        }
    }

    /**
     * ib_core leaves the values' ranges to the driver, and _mlx4_ib_modify_qp puts them into its
     * context as they come: the bits beyond each field are lost, unknown access flags ignored.
     */
    @Test
    void shouldPutValuesIntoTheContextAsTheyComeAsMlx4Does() {
        Cq cq = h.cq(4);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(2, 2, 1));
        QpAttr init = HcaHost.init();
        init.qpAccessFlags |= 1 << 20;
        assertEquals(0, qp.modify(init, HcaHost.RC_INIT), "an access flag no QP has is no error");
        QpAttr rtr = HcaHost.rtr(0x100_0005);
        rtr.minRnrTimer = 33;
        assertEquals(0, qp.modify(rtr, HcaHost.RC_RTR));
        QpAttr rts = HcaHost.rts(1);
        rts.timeout = 32;
        rts.retryCnt = 9;
        rts.rnrRetry = 8;
        assertEquals(0, qp.modify(rts, HcaHost.RC_RTS));
        QpContext c = h.fw.qp(qp.qpNum());
        assertEquals(QpState.RTS, qp.state());
        assertEquals(5, c.get(Layout.QpCtx.REMOTE_QPN), "24 bits of the destination QPN");
        assertEquals(1, c.get(Layout.QpCtx.MIN_RNR_TIMER));
        assertEquals(0, c.get(Layout.QpCtx.ACK_TIMEOUT), "a timeout of 32 is 0: no local ACK timeout at all");
        assertEquals(1, c.get(Layout.QpCtx.RETRY_CNT));
        assertEquals(0, c.get(Layout.QpCtx.RNR_RETRY));
        assertEquals(1, c.get(Layout.QpCtx.REMOTE_WRITE), "the known flags as asked");
        assertEquals(0, c.get(Layout.QpCtx.REMOTE_ATOMIC));
    }

    /** What _mlx4_ib_modify_qp and __mlx4_ib_modify_qp do refuse: read depths, a path MTU that is none. */
    @Test
    void shouldRefuseReadDepthsAboveTheDevicesAndAPathMtuThatIsNone() {
        Cq cq = h.cq(4);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(2, 2, 1));
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        // 21 and 257 would fit their fields once cut to them (5 and 1): the driver refuses before.
        for (int mtu : new int[] {0, 6, 21}) {
            QpAttr a = HcaHost.rtr(1);
            a.pathMtuValue = mtu;
            assertEquals(Errno.EINVAL.negative(), qp.modify(a, HcaHost.RC_RTR), "path_mtu " + mtu);
        }
        for (int depth : new int[] {h.dev.attr().maxQpRdAtom + 1, 257}) {
            QpAttr deep = HcaHost.rtr(1);
            deep.maxDestRdAtomic = depth;
            assertEquals(Errno.EINVAL.negative(), qp.modify(deep, HcaHost.RC_RTR), "max_dest_rd_atomic " + depth);
        }
        assertEquals(QpState.INIT, qp.state());
        assertEquals(0, qp.modify(HcaHost.rtr(1), HcaHost.RC_RTR));
        for (int depth : new int[] {h.dev.attr().maxQpInitRdAtom + 1, 257}) {
            QpAttr rts = HcaHost.rts(1);
            rts.maxRdAtomic = depth;
            assertEquals(Errno.EINVAL.negative(), qp.modify(rts, HcaHost.RC_RTS), "max_rd_atomic " + depth);
        }
        assertEquals(QpState.RTR, qp.state());
    }

    @Test
    void shouldMapEveryFirmwareStatusToTheKernelErrno() {
        int[][] table = {{0x00, 0}, {0x01, -5}, {0x02, -1}, {0x03, -22}, {0x04, -6}, {0x05, -9}, {0x06, -16},
            {0x08, -12}, {0x09, -9}, {0x0a, -9}, {0x0b, -14}, {0x0c, -23}, {0x10, -22}, {0x20, -14}, {0x21, -16},
            {0x22, -11}, {0x30, -22}, {0x40, -12}, {0x50, -13}, {0x07, -5}, {0x7f, -5}};
        for (int[] row : table) {
            assertEquals(row[1], CmdStatus.toErrno(row[0]), "status 0x" + Integer.toHexString(row[0]));
        }
    }

    @Test
    void shouldLoadTheAlternatePathAndPathMigrationStateIntoTheContext() {
        Cq cq = h.cq(4);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(2, 2, 1));
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        QpContext c = h.fw.qp(qp.qpNum());
        assertEquals(Layout.QpCtx.PM_MIGRATED, c.get(Layout.QpCtx.PM_STATE), "RST2INIT: migrated");
        QpAttr a = HcaHost.rtr(1);
        byte[] dgid = new byte[16];
        dgid[0] = (byte) 0xfe;
        dgid[15] = 9;
        a.altAhAttr = new AhAttr(3, 5, 1, 7, 1, new AhAttr.Grh(dgid, 0x1234, 0, 2, 0x40));
        a.altPortNum = 1;
        a.altPkeyIndex = 0;
        a.altTimeout = 17;
        assertEquals(0, qp.modify(a, HcaHost.RC_RTR | QpAttrMask.ALT_PATH.bit()));
        assertEquals(3, c.get(Layout.QpCtx.ALT_DLID));
        assertEquals(5, c.get(Layout.QpCtx.ALT_SL));
        assertEquals(1, c.get(Layout.QpCtx.ALT_SRC_PATH_BITS));
        assertEquals(7, c.get(Layout.QpCtx.ALT_STATIC_RATE));
        assertEquals(1, c.get(Layout.QpCtx.ALT_PORT));
        assertEquals(17, c.get(Layout.QpCtx.ALT_ACK_TIMEOUT));
        assertEquals(1, c.get(Layout.QpCtx.ALT_GRH));
        assertEquals(0x1234, c.get(Layout.QpCtx.ALT_FLOW_LABEL));
        assertEquals(2, c.get(Layout.QpCtx.ALT_HOP_LIMIT));
        assertEquals(0x40, c.get(Layout.QpCtx.ALT_TRAFFIC_CLASS));
        assertArrayEquals(dgid, c.bytes(Layout.QpCtx.ALT_DGID));
        assertEquals(0, qp.modify(HcaHost.rts(5), HcaHost.RC_RTS));
        QpAttr rearm = new QpAttr().state(QpState.RTS);
        rearm.pathMigState = 1;
        assertEquals(0, qp.modify(rearm, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PATH_MIG_STATE)));
        assertEquals(Layout.QpCtx.PM_REARM, c.get(Layout.QpCtx.PM_STATE));
        QpAttr q = new QpAttr();
        assertEquals(0, qp.query(q));
        assertEquals(1, q.pathMigState, "IB_MIG_REARM read back from QUERY_QP");
        assertEquals(17, q.altTimeout);
        assertEquals(3, q.altAhAttr.dlid());
        assertArrayEquals(dgid, q.altAhAttr.grh().dgid());
        QpAttr bad = new QpAttr().state(QpState.RTS);
        bad.pathMigState = 7;
        assertEquals(Errno.EINVAL.negative(), qp.modify(bad, QpAttrMask.of(QpAttrMask.STATE,
                QpAttrMask.PATH_MIG_STATE)), "no such ib_mig_state: the device refuses the armed it reads");
        assertEquals(Layout.QpCtx.PM_REARM, c.get(Layout.QpCtx.PM_STATE));
    }

    @Test
    void shouldRefuseSrqResizeAndArmTheLimitThroughArmSrq() {
        Srq srq = Srq.create(h.pd, null, new SrqAttr(8, 1, 0)).get();
        assertEquals(Errno.EINVAL.negative(), srq.modify(new SrqAttr(4, 1, 0), SrqAttr.MAX_WR));
        assertEquals(0, srq.modify(new SrqAttr(0, 0, 3), SrqAttr.LIMIT));
        assertEquals(3, h.fw.srq(((HcaSrq) srq.drv()).srqn()).limit());
    }

    @Test
    void shouldGiveSpecialQpsTheirNumbersAndRefuseASecondGsi() {
        Cq cq = h.cq(4);
        QpInitAttr gsi = QpInitAttr.of(QpType.GSI, cq, cq, QpCap.of(4, 4, 1));
        gsi.portNum = 1;
        Qp qp = Qp.create(h.pd, gsi).get();
        assertEquals(1, qp.qpNum());
        assertEquals(Errno.EEXIST, Qp.create(h.pd, gsi).errno());
        QpAttr init = new QpAttr().state(QpState.INIT);
        init.qkey = 0x80010000;
        assertEquals(0, qp.modify(init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.QKEY)));
        // mlx4_ib get_sqp_num: the GSI QP of port 1 two past the SMI QPs' base.
        int hw = HcaDriver.SQP_BASE + 2;
        assertEquals(QpContext.SPECIAL, h.fw.qp(hw).serviceType());
        assertEquals(1, h.fw.qp(hw).get(Layout.QpCtx.PORT));
        assertFalse(h.fw.qp(hw).state() == HwQpState.RESET);
    }

    /** mthca_mr_alloc / mlx4_mr_enable: each access flag the region was asked for, and no other, in its MPT. */
    @Test
    void shouldPutExactlyTheAskedAccessIntoTheMpt() {
        long buf = h.host.memory().alloc(4096);
        int[] flags = {AccessFlags.LOCAL_WRITE, AccessFlags.REMOTE_READ,
            AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE, AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_ATOMIC};
        for (int access : flags) {
            Mr mr = Mr.reg(h.pd, buf, 4096, buf, access).get();
            byte[] mpt = h.fw.mpt(mr.lkey() >>> 8);
            String at = "access 0x" + Integer.toHexString(access);
            assertEquals((access & AccessFlags.LOCAL_WRITE) != 0 ? 1 : 0, Layout.Mpt.LOCAL_WRITE.getInt(mpt, 0), at);
            assertEquals((access & AccessFlags.REMOTE_READ) != 0 ? 1 : 0, Layout.Mpt.REMOTE_READ.getInt(mpt, 0), at);
            assertEquals((access & AccessFlags.REMOTE_WRITE) != 0 ? 1 : 0, Layout.Mpt.REMOTE_WRITE.getInt(mpt, 0),
                    at);
            assertEquals((access & AccessFlags.REMOTE_ATOMIC) != 0 ? 1 : 0, Layout.Mpt.ATOMIC.getInt(mpt, 0), at);
            assertEquals(0, mr.dereg());
        }
    }

    /**
     * to_mlx4_access_flags and the read depths: a QP that allows no remote write has none in its
     * context; max_dest_rd_atomic 0 keeps no responder resources and so no remote read.
     */
    @Test
    void shouldLeaveOutTheRemoteAccessNotAskedForAndWithoutResponderResources() {
        Cq cq = h.cq(4);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(2, 2, 1));
        QpAttr init = HcaHost.init();
        init.qpAccessFlags = AccessFlags.REMOTE_READ;
        assertEquals(0, qp.modify(init, HcaHost.RC_INIT));
        QpContext c = h.fw.qp(qp.qpNum());
        assertEquals(0, c.get(Layout.QpCtx.REMOTE_WRITE));
        QpAttr rtr = HcaHost.rtr(1);
        rtr.maxDestRdAtomic = 0;
        assertEquals(0, qp.modify(rtr, HcaHost.RC_RTR));
        assertEquals(0, c.get(Layout.QpCtx.MAX_DEST_RD_ATOMIC), "no responder resources");
        assertEquals(0, c.get(Layout.QpCtx.REMOTE_READ), "so no RDMA READ");
        assertEquals(0, c.get(Layout.QpCtx.REMOTE_WRITE));
    }

    /**
     * mlx4_ib_qp's resp_depth and atomic_rd_en outlive a move to RESET: the next RST2INIT with
     * REMOTE_READ keeps it in the context, as max_dest_rd_atomic 4 is still the QP's, and
     * ib_query_qp reports it (to_mlx4_access_flags). A QP never given a depth has none.
     */
    @Test
    void shouldKeepTheResponderDepthThroughReset() {
        Cq cq = h.cq(4);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(2, 2, 1));
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        assertEquals(0, h.fw.qp(qp.qpNum()).get(Layout.QpCtx.REMOTE_READ), "no depth given yet");
        assertEquals(0, qp.modify(HcaHost.rtr(1), HcaHost.RC_RTR));
        assertEquals(0, qp.modify(new QpAttr().state(QpState.RESET), QpAttrMask.STATE.bit()));
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        assertEquals(1, h.fw.qp(qp.qpNum()).get(Layout.QpCtx.REMOTE_READ));
        QpAttr q = new QpAttr();
        assertEquals(0, qp.query(q));
        assertEquals(AccessFlags.REMOTE_WRITE | AccessFlags.REMOTE_READ, q.qpAccessFlags);
    }

    /** _mlx4_ib_modify_qp refuses only depths above the device's: the device's own and 0 pass. */
    @Test
    void shouldTakeReadDepthsUpToTheDevicesOwn() {
        Cq cq = h.cq(4);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(2, 2, 1));
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        QpAttr rtr = HcaHost.rtr(1);
        rtr.maxDestRdAtomic = h.dev.attr().maxQpRdAtom;
        assertEquals(0, qp.modify(rtr, HcaHost.RC_RTR));
        QpAttr rts = HcaHost.rts(1);
        rts.maxRdAtomic = h.dev.attr().maxQpInitRdAtom;
        assertEquals(0, qp.modify(rts, HcaHost.RC_RTS));
        QpContext c = h.fw.qp(qp.qpNum());
        assertEquals(h.dev.attr().maxQpRdAtom, c.get(Layout.QpCtx.MAX_DEST_RD_ATOMIC));
        assertEquals(h.dev.attr().maxQpInitRdAtom, c.get(Layout.QpCtx.MAX_RD_ATOMIC));
        Qp none = h.qp(QpType.RC, cq, QpCap.of(2, 2, 1));
        assertEquals(0, none.modify(HcaHost.init(), HcaHost.RC_INIT));
        assertEquals(0, none.modify(HcaHost.rtr(1), HcaHost.RC_RTR));
        rts.maxRdAtomic = 0;
        assertEquals(0, none.modify(rts, HcaHost.RC_RTS));
        assertEquals(0, h.fw.qp(none.qpNum()).get(Layout.QpCtx.MAX_RD_ATOMIC), "max_rd_atomic 0");
    }

    /** mlx4_ib_query_device: max_res_rd_atom is every QP with all its responder resources. */
    @Test
    void shouldReportTheResponderResourcesOfEveryQp() {
        DevCaps caps = h.fw.caps();
        assertEquals(caps.maxQpRdAtom() * (caps.maxQp() - caps.firstQpn()), h.dev.attr().maxResRdAtom);
    }

    /**
     * mlx4_ib_create_cq: comp_vector picks a completion EQ modulo their number, the async EQ
     * taking none (EQ 0 is async here, EQs 1 and 2 complete).
     */
    @Test
    void shouldSpreadCompletionVectorsOverTheCompletionEqs() {
        int[] expected = {1, 2, 1, 2, 1};
        for (int vector = 0; vector < expected.length; vector++) {
            Cq cq = Cq.create(h.dev, null, null, new CqInitAttr(4, vector)).get();
            byte[] ctx = h.fw.cqContext(((HcaCq) cq.drv()).cqn());
            assertEquals(expected[vector], Layout.CqCtx.COMP_EQN.getInt(ctx, 0), "comp_vector " + vector);
            assertEquals(0, cq.destroy());
        }
    }

    /**
     * mthca_multicast_attach: an entry holds eight QPs, a ninth is -ENOMEM; a member leaving a
     * full entry is replaced by the last one. A refused write leaves the entry as it was, while
     * other members stay (mthca_multicast_detach returns the command's errno).
     */
    @Test
    void shouldKeepAFullGroupPackedAndAMemberWhoseDetachIsRefused() {
        Cq cq = h.cq(8);
        byte[] gid = chainMgid(0x0001);
        Qp[] qps = new Qp[9];
        for (int k = 0; k < qps.length; k++) {
            qps[k] = h.qp(QpType.UD, cq, QpCap.of(2, 2, 1));
        }
        for (int k = 0; k < 8; k++) {
            assertEquals(0, qps[k].attachMcast(gid, 0xc001), "member " + k);
        }
        assertEquals(Errno.ENOMEM.negative(), qps[8].attachMcast(gid, 0xc001), "a ninth");
        assertEquals(0, qps[2].detachMcast(gid, 0xc001), "from a full entry");
        assertEquals(0, qps[8].attachMcast(gid, 0xc001), "the leaver's place is free");
        h.fw.injectStatus(Command.WRITE_MGM.opcode(), Status.BAD_PARAM);
        assertEquals(Errno.EINVAL.negative(), qps[5].detachMcast(gid, 0xc001), "the write refused");
        assertEquals(0, qps[5].detachMcast(gid, 0xc001), "still a member");
        for (int k : new int[] {0, 1, 3, 4, 6, 7, 8}) {
            assertEquals(0, qps[k].detachMcast(gid, 0xc001), "member " + k);
        }
        assertEquals(0, h.fw.multicastEntries());
    }

    /**
     * mlx4_qp_attach_common: an attach that needs a chain entry and whose write or link is
     * refused gives the entry back to the bitmap; the group can be attached again.
     */
    @Test
    void shouldGiveBackTheChainEntryOfARefusedAttach() {
        Cq cq = h.cq(8);
        Qp qp = h.qp(QpType.UD, cq, QpCap.of(2, 2, 1));
        assertEquals(0, qp.attachMcast(chainMgid(0x0001), 0xc001));
        for (int passing = 0;; passing++) {
            h.fw.injectStatusAfter(passing, Status.BAD_PARAM);
            int ret = qp.attachMcast(chainMgid(0x0081), 0xc001);
            if (h.fw.injectionPending(true)) {
                assertEquals(0, ret);
                break;
            }
            assertEquals(Errno.EINVAL.negative(), ret, "command " + (passing + 1) + " refused");
            assertEquals(0, h.drv.live().get("amgm"), "command " + (passing + 1) + " refused");
        }
        assertEquals(1, h.drv.live().get("amgm"));
        assertEquals(0, qp.detachMcast(chainMgid(0x0081), 0xc001));
        assertEquals(0, qp.detachMcast(chainMgid(0x0001), 0xc001));
        assertEquals(0, h.drv.live().get("amgm"));
    }

    /**
     * mthca's IB_MIG_MIGRATED is pm_state 3: asking a migrated QP for MIGRATED again is no
     * error; a value beyond enum ib_mig_state is pm_state 0, ARMED, which the device refuses.
     */
    @Test
    void shouldAskForMigratedAsPmStateMigrated() {
        Cq cq = h.cq(4);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(2, 2, 1));
        HcaHost.toRts(qp);
        QpAttr migrated = new QpAttr().state(QpState.RTS);
        migrated.pathMigState = 0;
        assertEquals(0, qp.modify(migrated, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PATH_MIG_STATE)));
        assertEquals(Layout.QpCtx.PM_MIGRATED, h.fw.qp(qp.qpNum()).get(Layout.QpCtx.PM_STATE));
        // One past the last ib_mig_state: mthca's switch leaves pm_state 0, which the device refuses.
        migrated.pathMigState = 3;
        assertEquals(Errno.EINVAL.negative(), qp.modify(migrated,
                QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PATH_MIG_STATE)));
    }

    /** The firmware commands the driver issues while {@code body} runs, by name. */
    private java.util.List<String> commandsOf(Runnable body) {
        java.util.List<String> ops = new java.util.ArrayList<>();
        h.drv.cmdObserver(new org.ibmodel.hca.CmdObserver() {
            @Override
            public void issue(String op, boolean answered) {
                ops.add(op);
            }

            @Override
            public void post(int token) {
            }

            @Override
            public void timeOut() {
            }

            @Override
            public void deliver(int token, boolean completed) {
            }

            @Override
            public void restart() {
            }

            @Override
            public void catastrophic() {
            }
        });
        body.run();
        h.drv.cmdObserver(null);
        return ops;
    }

    /**
     * ib_attach_mcast and ib_detach_mcast check the LID with is_valid_mcast_lid, which asks
     * ib_query_qp for the QP's state and port first (drivers/infiniband/core/verbs.c): on the
     * HCA a QUERY_QP before the group's commands, for a QP out of RESET (mlx4_ib_query_qp reads
     * nothing for one in RESET). A refused QUERY_QP only sends the check the slow way.
     */
    @Test
    void shouldQueryTheQpBeforeAttachingItToAGroup() {
        Cq cq = h.cq(4);
        Qp ud = h.qp(QpType.UD, cq, QpCap.of(2, 2, 1));
        byte[] mgid = {(byte) 0xff, 0x12, 0x40, 0x1b, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        java.util.List<String> reset = commandsOf(() -> assertEquals(0, ud.attachMcast(mgid, 0xc001)));
        assertFalse(reset.contains("QUERY_QP"), "" + reset);
        assertEquals(0, ud.detachMcast(mgid, 0xc001));
        QpAttr init = new QpAttr().state(QpState.INIT);
        init.portNum = 1;
        init.qkey = 0x11;
        assertEquals(0, ud.modify(init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.PORT,
                QpAttrMask.QKEY)));
        java.util.List<String> attach = commandsOf(() -> assertEquals(0, ud.attachMcast(mgid, 0xc001)));
        assertEquals("QUERY_QP", attach.get(0), "" + attach);
        assertEquals(1, attach.stream().filter("QUERY_QP"::equals).count(), "" + attach);
        java.util.List<String> detach = commandsOf(() -> assertEquals(0, ud.detachMcast(mgid, 0xc001)));
        assertEquals("QUERY_QP", detach.get(0), "" + detach);
        h.fw.injectStatusAfter(0, Status.BAD_PARAM);
        assertEquals(0, ud.attachMcast(mgid, 0xc001), "the refused QUERY_QP fails nothing");
    }

    /**
     * mlx4's query_gid (and mthca's) joins the port's GID prefix to the GUIDInfo entry, so an
     * entry the SM left unassigned reads as fe80::0, not the zero GID, and ib_core's cache keeps
     * it as a GID like any other (add_modify_gid skips only the zero GID): an AH whose GRH names
     * it is made, where a device with an empty entry answers -ENODATA.
     */
    @Test
    void shouldReadAnUnassignedGuidAsThePrefixAlone() {
        byte[] gid = h.dev.port(1).gid(1);
        byte[] prefixOnly = org.ibmodel.core.Port.gid(0xfe80_0000_0000_0000L, 0);
        assertArrayEquals(prefixOnly, gid);
        AhAttr a = new AhAttr(0x22, 0, 0, 0, 1, new AhAttr.Grh(h.dev.port(1).gid(0), 0, 1, 64, 0));
        assertFalse(Ah.create(h.pd, a).isErr(), "sgid_index 1");
    }
}
