// docs/HCA.md §5: the bytes post_send and post_recv leave in host memory, decoded here with the
// document's offsets, independently of both sides' layout declarations
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Cq;
import org.ibmodel.core.Mr;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.device.QpContext;
import org.junit.jupiter.api.Test;

class HcaWqeTest {
    private final HcaHost h = new HcaHost();
    private final Cq cq = h.cq(64);

    private static int word(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    private static long dword(byte[] b, int off) {
        return ((long) word(b, off) << 32) | (word(b, off + 4) & 0xffffffffL);
    }

    /** WQE {@code n} of the SQ, found through the device's copy of the QP context. */
    private byte[] sqWqe(Qp qp, int n) {
        QpContext c = h.fw.qp(((HcaQp) qp.drv()).qpn());
        int stride = 1 << c.get(Layout.QpCtx.SQ_LOG_STRIDE);
        int size = 1 << c.get(Layout.QpCtx.SQ_LOG_SIZE);
        return h.host.memory().read(c.get(Layout.QpCtx.SQ_ADDR) + (long) (n % size) * stride, stride);
    }

    private Qp rcAtRts() {
        Qp qp = h.qp(QpType.RC, cq, new QpCap(16, 16, 4, 4, 64));
        HcaHost.toRts(qp);
        return qp;
    }

    /** A UD QP of Q_Key 0x1111 on port 1, in RTS. */
    private Qp udAtRts() {
        return udAtRts(QpCap.of(4, 4, 1));
    }

    private Qp udAtRts(QpCap cap) {
        Qp ud = h.qp(QpType.UD, cq, cap);
        QpAttr init = new QpAttr().state(QpState.INIT);
        init.portNum = 1;
        init.qkey = 0x1111;
        assertEquals(0, ud.modify(init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.PORT,
                QpAttrMask.QKEY)));
        assertEquals(0, ud.modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()));
        assertEquals(0, ud.modify(new QpAttr().state(QpState.RTS), QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN)));
        return ud;
    }

    private void assertCtrl(byte[] w, int opcode, int ds, boolean signaled, boolean solicited, boolean fence, int imm) {
        assertEquals(opcode, w[3] & 0xff, "opcode");
        assertEquals(ds, w[7] & 0x3f, "ds");
        assertEquals(fence ? 1 : 0, (w[7] >> 6) & 1, "fence");
        assertEquals(signaled ? 1 : 0, (w[0xb] >> 3) & 1, "signaled");
        assertEquals(solicited ? 1 : 0, (w[0xb] >> 1) & 1, "solicited");
        assertEquals(imm, word(w, 0x0c), "imm");
    }

    private static void assertData(byte[] w, int off, Sge sge) {
        assertEquals(0, (w[off] >> 7) & 1, "inline");
        assertEquals(sge.length(), word(w, off) & 0x7fffffff, "byte_count");
        assertEquals(sge.lkey(), word(w, off + 4), "lkey");
        assertEquals(sge.addr(), dword(w, off + 8), "addr");
    }

    @Test
    void shouldWriteSendAndSendWithImmAndSendWithInvalidate() {
        Qp qp = rcAtRts();
        Sge a = new Sge(0x1_0000_1000L, 100, h.pd.localDmaLkey());
        Sge b = new Sge(0x1_0000_2000L, 28, 0x777);
        assertTrue(qp.postSend(
                new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(a, b).sendFlags(SendFlags.SIGNALED | SendFlags.SOLICITED),
                new SendWr().wrId(2).opcode(WrOpcode.SEND_WITH_IMM).sgList(a).immData(0xcafef00d),
                new SendWr().wrId(3).opcode(WrOpcode.SEND_WITH_INV).sgList(a).immData(0x1234).sendFlags(SendFlags.FENCE))
                .ok());
        byte[] w0 = sqWqe(qp, 0);
        assertCtrl(w0, 0x0a, 3, true, true, false, 0);
        assertData(w0, 16, a);
        assertData(w0, 32, b);
        byte[] w1 = sqWqe(qp, 1);
        // ib_core's default SQ signalling is IB_SIGNAL_ALL_WR.
        assertCtrl(w1, 0x0b, 2, true, false, false, 0xcafef00d);
        assertData(w1, 16, a);
        assertCtrl(sqWqe(qp, 2), 0x01, 2, true, false, true, 0x1234);
        assertEquals(3, h.fw.qp(qp.qpNum()).sendQueue().producer());
        assertEquals(3, ((org.ibmodel.sim.device.HoldingStage) h.hca.transport()).held(qp.qpNum()).size());
    }

    @Test
    void shouldWriteRdmaWriteWriteWithImmAndReadWithARemoteAddressSegment() {
        Qp qp = rcAtRts();
        Sge a = new Sge(0x1_0000_1000L, 512, h.pd.localDmaLkey());
        assertTrue(qp.postSend(
                new SendWr().opcode(WrOpcode.RDMA_WRITE).sgList(a).remoteAddr(0xdead_beef_0000L).rkey(0x4501),
                new SendWr().opcode(WrOpcode.RDMA_WRITE_WITH_IMM).sgList(a).remoteAddr(0x10).rkey(0x4502).immData(7),
                new SendWr().opcode(WrOpcode.RDMA_READ).sgList(a).remoteAddr(0x20).rkey(0x4503)).ok());
        int[] opcodes = {0x08, 0x09, 0x10};
        long[] vas = {0xdead_beef_0000L, 0x10, 0x20};
        for (int i = 0; i < 3; i++) {
            byte[] w = sqWqe(qp, i);
            assertCtrl(w, opcodes[i], 3, true, false, false, i == 1 ? 7 : 0);
            assertEquals(vas[i], dword(w, 16), "va");
            assertEquals(0x4501 + i, word(w, 24), "rkey");
            assertData(w, 32, a);
        }
    }

    @Test
    void shouldLeaveTheControlImmZeroForOpcodesWithNeitherImmediateNorInvalidate() {
        // mlx4 send_ieth (drivers/infiniband/hw/mlx4/qp.c): imm_data for SEND_WITH_IMM and
        // RDMA_WRITE_WITH_IMM, invalidate_rkey for SEND_WITH_INV, 0 for every other opcode, whatever
        // the union ex holds; LOCAL_INV's key goes in its own segment only.
        Qp qp = rcAtRts();
        Sge a = new Sge(0x1_0000_1000L, 64, h.pd.localDmaLkey());
        assertTrue(qp.postSend(
                new SendWr().opcode(WrOpcode.SEND).sgList(a).immData(0x5a5a5a5a),
                new SendWr().opcode(WrOpcode.RDMA_WRITE).sgList(a).remoteAddr(0x10).rkey(3).immData(0x11),
                new SendWr().opcode(WrOpcode.RDMA_READ).sgList(a).remoteAddr(0x20).rkey(3).immData(0x22),
                new SendWr().opcode(WrOpcode.LOCAL_INV).invalidateRkey(0x4567)).ok());
        assertCtrl(sqWqe(qp, 0), 0x0a, 2, true, false, false, 0);
        assertCtrl(sqWqe(qp, 1), 0x08, 3, true, false, false, 0);
        assertCtrl(sqWqe(qp, 2), 0x10, 3, true, false, false, 0);
        byte[] inv = sqWqe(qp, 3);
        assertCtrl(inv, 0x1b, 2, true, false, false, 0);
        assertEquals(0x4567, word(inv, 16 + 4), "the local-invalidate segment's key");
    }

    @Test
    void shouldWriteAtomicsWithRemoteAddressAndAtomicSegments() {
        Qp qp = rcAtRts();
        Sge a = new Sge(0x1_0000_1000L, 8, h.pd.localDmaLkey());
        assertTrue(qp.postSend(
                new SendWr().opcode(WrOpcode.ATOMIC_CMP_AND_SWP).sgList(a).remoteAddr(0x100).rkey(9)
                        .compareAdd(0x1111L).swap(0x2222L),
                new SendWr().opcode(WrOpcode.ATOMIC_FETCH_AND_ADD).sgList(a).remoteAddr(0x108).rkey(9)
                        .compareAdd(5)).ok());
        byte[] cs = sqWqe(qp, 0);
        assertCtrl(cs, 0x11, 4, true, false, false, 0);
        assertEquals(0x100, dword(cs, 16));
        assertEquals(0x2222L, dword(cs, 32), "swap_add holds the swap value");
        assertEquals(0x1111L, dword(cs, 40), "compare");
        assertData(cs, 48, a);
        byte[] fa = sqWqe(qp, 1);
        assertCtrl(fa, 0x12, 4, true, false, false, 0);
        assertEquals(5, dword(fa, 32), "swap_add holds the value to add");
        assertEquals(0, dword(fa, 40));
    }

    @Test
    void shouldCopyInlineDataAfterTheInlineWord() {
        Qp qp = rcAtRts();
        long src = h.host.memory().alloc(64);
        byte[] data = new byte[21];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 3 + 1);
        }
        h.host.memory().write(src, data);
        assertTrue(qp.postSend(new SendWr().opcode(WrOpcode.SEND).sendFlags(SendFlags.INLINE)
                .sgList(new Sge(src, 21, 0))).ok());
        byte[] w = sqWqe(qp, 0);
        assertCtrl(w, 0x0a, 3, true, false, false, 0);
        assertEquals(1, (w[16] >> 7) & 1, "inline bit");
        assertEquals(21, word(w, 16) & 0x7fffffff);
        for (int i = 0; i < data.length; i++) {
            assertEquals(data[i], w[20 + i]);
        }
        assertEquals(Errno.EINVAL.negative(), qp.postSend(new SendWr().opcode(WrOpcode.SEND)
                .sendFlags(SendFlags.INLINE).sgList(new Sge(src, 65, 0))).ret());
    }

    /**
     * rxe_verbs.c validate_send_wr: IB_SEND_INLINE only on a send or an RDMA write. On a READ or
     * an atomic the WR is refused where it stands, the ones before it posted, and nothing is built
     * for it (the device would read the inline bytes as a data segment's key and address).
     */
    @Test
    void shouldRefuseInlineDataOnAReadOrAnAtomic() {
        Qp qp = rcAtRts();
        long src = h.host.memory().alloc(64);
        for (WrOpcode op : List.of(WrOpcode.RDMA_READ, WrOpcode.ATOMIC_FETCH_AND_ADD, WrOpcode.ATOMIC_CMP_AND_SWP)) {
            SendWr bad = new SendWr().opcode(op).sendFlags(SendFlags.INLINE).remoteAddr(0x40).rkey(5)
                    .sgList(new Sge(src, 8, 0));
            SendWr good = new SendWr().opcode(WrOpcode.SEND).sendFlags(SendFlags.INLINE).sgList(new Sge(src, 8, 0));
            assertEquals(PostResult.fail(Errno.EINVAL.negative(), 1), qp.postSend(List.of(good, bad)), op.name());
        }
        for (int i = 0; i < 3; i++) {
            assertEquals(0x0a, sqWqe(qp, i)[3] & 0xff, "the SEND before each refusal is built");
        }
        assertTrue(qp.postSend(new SendWr().opcode(WrOpcode.RDMA_WRITE).remoteAddr(0x40).rkey(5)
                .sgList(new Sge(src, 8, 0))).ok());
        assertEquals(0x08, sqWqe(qp, 3)[3] & 0xff, "and no refused WR took a slot");
    }

    /** The inline segment at {@code off}: its byte_count with the inline bit, then its bytes. */
    private static void assertInline(byte[] w, int off, byte[] data, int from, int len) {
        assertEquals(0x80000000 | len, word(w, off), "inline byte_count at " + off);
        for (int i = 0; i < len; i++) {
            assertEquals(data[from + i], w[off + 4 + i], "inline byte " + (from + i));
        }
    }

    @Test
    void shouldSplitInlineDataSoNoSegmentCrossesA64ByteBoundary() {
        // drivers/infiniband/hw/mlx4/qp.c build_mlx_header and drivers/net/ethernet/mellanox/mlx4/
        // en_tx.c build_inline_wqe: an inline segment ends at the WQE's next 64-byte boundary and
        // the rest of the data follows in a new one (libmlx4's mlx4_post_send likewise).
        Qp qp = h.qp(QpType.RC, cq, new QpCap(16, 16, 4, 4, 200));
        HcaHost.toRts(qp);
        long src = h.host.memory().alloc(256);
        byte[] data = new byte[200];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + 3);
        }
        h.host.memory().write(src, data);
        assertTrue(qp.postSend(
                new SendWr().opcode(WrOpcode.SEND).sendFlags(SendFlags.INLINE)
                        .sgList(new Sge(src, 30, 0), new Sge(src + 30, 70, 0)),
                new SendWr().opcode(WrOpcode.RDMA_WRITE).sendFlags(SendFlags.INLINE).remoteAddr(0x40).rkey(5)
                        .sgList(new Sge(src, 200, 0)),
                new SendWr().opcode(WrOpcode.SEND).sendFlags(SendFlags.INLINE).sgList(new Sge(src, 44, 0)),
                new SendWr().opcode(WrOpcode.SEND).sendFlags(SendFlags.INLINE).sgList(new Sge(src, 0, 0)))
                .ok());
        // SEND of 100 bytes gathered from two buffers: 44 bytes up to offset 64, then 56.
        byte[] send = sqWqe(qp, 0);
        assertInline(send, 16, data, 0, 44);
        assertInline(send, 64, data, 44, 56);
        assertCtrl(send, 0x0a, 8, true, false, false, 0);
        // RDMA WRITE of 200 bytes after its remote address segment: 28, 60, 60, then 52.
        byte[] write = sqWqe(qp, 1);
        assertInline(write, 32, data, 0, 28);
        assertInline(write, 64, data, 28, 60);
        assertInline(write, 128, data, 88, 60);
        assertInline(write, 192, data, 148, 52);
        assertCtrl(write, 0x08, 16, true, false, false, 0);
        // Exactly up to the boundary: one segment, and no empty one after it.
        byte[] exact = sqWqe(qp, 2);
        assertInline(exact, 16, data, 0, 44);
        assertCtrl(exact, 0x0a, 4, true, false, false, 0);
        // No data: no inline segment at all.
        assertCtrl(sqWqe(qp, 3), 0x0a, 1, true, false, false, 0);
    }

    @Test
    void shouldCopyTheAddressVectorIntoTheDatagramSegment() {
        Qp ud = udAtRts();
        byte[] dgid = new byte[16];
        dgid[0] = (byte) 0xfe;
        dgid[15] = 0x42;
        Ah ah = Ah.create(h.pd, new AhAttr(0x33, 5, 2, 0, 1, new AhAttr.Grh(dgid, 0xabcde, 0, 64, 0x20))).get();
        Sge a = new Sge(0x1_0000_1000L, 40, h.pd.localDmaLkey());
        assertTrue(ud.postSend(new SendWr().opcode(WrOpcode.SEND_WITH_IMM).sgList(a).ah(ah).remoteQpn(0x55)
                .remoteQkey(0x80000000).immData(3)).ok());
        byte[] w = sqWqe(ud, 0);
        assertCtrl(w, 0x0b, 5, true, false, false, 3);
        assertEquals(1, w[16] & 0xff, "port");
        assertEquals(HcaDriver.pdn(h.pd), word(w, 16) & 0xffffff, "pd");
        assertEquals(0x33, word(w, 20) >>> 16, "dlid");
        assertEquals(5, (word(w, 20) >> 12) & 0xf, "sl");
        assertEquals(2, word(w, 20) & 0x7f, "src_path_bits");
        assertEquals(1, (w[24] >> 7) & 1, "grh");
        assertEquals(64, w[27] & 0xff, "hop_limit");
        assertEquals(0x20, w[28] & 0xff, "traffic_class");
        assertEquals(0xabcde, word(w, 28) & 0xfffff, "flow_label");
        assertEquals(0x42, w[16 + 0x1f] & 0xff, "dgid");
        assertEquals(0x55, word(w, 16 + 0x20) & 0xffffff, "remote_qpn");
        assertEquals(0x80000000, word(w, 16 + 0x24), "qkey");
        assertData(w, 64, a);
    }

    @Test
    void shouldEndShortReceiveWqesWithTheInvalidLkey() {
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(4, 4, 4));
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        Sge a = new Sge(0x1_0000_1000L, 64, h.pd.localDmaLkey());
        assertTrue(qp.postRecv(new RecvWr(7, a)).ok());
        QpContext c = h.fw.qp(qp.qpNum());
        byte[] w = h.host.memory().read(c.get(Layout.QpCtx.RQ_ADDR), 64);
        assertData(w, 0, a);
        assertEquals(0x100, word(w, 20), "invalid lkey ends the list");
        assertEquals(1, c.recvQueue().producer());
    }

    @Test
    void shouldRefusePostsLikeRxeAndRingTheDoorbellForTheGoodOnes() {
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(2, 2, 1));
        Sge a = new Sge(0x1_0000_1000L, 8, h.pd.localDmaLkey());
        assertEquals(Errno.EINVAL.negative(), qp.postSend(SendWr.send(1, a)).ret(), "RESET");
        assertEquals(Errno.EINVAL.negative(), qp.postRecv(new RecvWr(1, a)).ret(), "RESET");
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        assertEquals(Errno.EINVAL.negative(), qp.postSend(SendWr.send(1, a)).ret(), "INIT");
        assertEquals(0, qp.modify(HcaHost.rtr(1), HcaHost.RC_RTR));
        assertEquals(0, qp.modify(HcaHost.rts(1), HcaHost.RC_RTS));
        assertEquals(Errno.EINVAL.negative(), qp.postSend(new SendWr().opcode(WrOpcode.BIND_MW)).ret(),
                "an opcode the device has none for");
        assertEquals(Errno.EINVAL.negative(), qp.postSend(new SendWr().opcode(WrOpcode.REG_MR)).ret(),
                "IB_WR_REG_MR without a region");
        assertEquals(Errno.EINVAL.negative(), qp.postSend(new SendWr().opcode(WrOpcode.ATOMIC_FETCH_AND_ADD)
                .sgList(new Sge(0x1_0000_1000L, 4, 1))).ret());
        PostResult r = qp.postSend(List.of(SendWr.send(1, a), SendWr.send(2, a, a)));
        assertEquals(Errno.EINVAL.negative(), r.ret());
        assertEquals(1, r.badWr());
        assertEquals(1, h.fw.qp(qp.qpNum()).sendQueue().producer(), "the doorbell rang for the posted one");
        // All but one of the WRs the queue takes (max_send_wr, its spare WQEs kept back), then two.
        int maxSendWr = qp.cap().maxSendWr();
        for (int i = 1; i < maxSendWr - 1; i++) {
            assertTrue(qp.postSend(SendWr.send(100 + i, a)).ok(), "send " + i);
        }
        r = qp.postSend(List.of(SendWr.send(3, a), SendWr.send(4, a)));
        assertEquals(Errno.ENOMEM.negative(), r.ret());
        assertEquals(1, r.badWr());
        assertEquals(maxSendWr, h.fw.qp(qp.qpNum()).sendQueue().producer(), "the doorbell rang for the posted ones");
        // mlx4_ib_post_send: a full queue is -ENOMEM before the WR itself is looked at.
        assertEquals(Errno.ENOMEM.negative(), qp.postSend(new SendWr().opcode(WrOpcode.BIND_MW)).ret(),
                "full first");
    }

    /**
     * docs/HCA.md §10, as rxe's validate_send_wr: ib_post_send refuses up front, with -EINVAL, an
     * opcode the QP's type has no packet for (a READ or atomic on UC, a WRITE on UD), a send in
     * RTR, and a UD send without an AH of the QP's PD; ib_post_recv one with more data segments
     * than max_recv_sge, and takes exactly that many.
     */
    @Test
    void shouldRefuseWrsTheQpCannotCarry() {
        Sge a = new Sge(0x1_0000_1000L, 8, h.pd.localDmaLkey());
        Qp uc = h.qp(QpType.UC, cq, QpCap.of(4, 4, 2));
        assertEquals(0, uc.modify(HcaHost.init(), HcaHost.RC_INIT));
        assertEquals(0, uc.modify(HcaHost.rtr(1), QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV,
                QpAttrMask.PATH_MTU, QpAttrMask.DEST_QPN, QpAttrMask.RQ_PSN)));
        assertEquals(Errno.EINVAL.negative(), uc.postSend(SendWr.send(1, a)).ret(), "RTR");
        assertEquals(0, uc.modify(HcaHost.rts(1), QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN)));
        for (WrOpcode op : List.of(WrOpcode.RDMA_READ, WrOpcode.ATOMIC_CMP_AND_SWP, WrOpcode.ATOMIC_FETCH_AND_ADD)) {
            assertEquals(Errno.EINVAL.negative(), uc.postSend(new SendWr().opcode(op).sgList(
                    new Sge(0x1_0000_1000L, 8, h.pd.localDmaLkey())).remoteAddr(0x2000).rkey(1)).ret(), "UC " + op);
        }
        assertTrue(uc.postSend(new SendWr().opcode(WrOpcode.RDMA_WRITE_WITH_IMM).sgList(a).remoteAddr(0x2000)
                .rkey(1)).ok(), "UC takes a WRITE with immediate");
        int maxSge = uc.cap().maxRecvSge();
        Sge[] sges = new Sge[maxSge + 1];
        java.util.Arrays.fill(sges, a);
        assertTrue(uc.postRecv(new RecvWr(1, java.util.Arrays.copyOf(sges, maxSge))).ok(), "max_recv_sge segments");
        assertEquals(Errno.EINVAL.negative(), uc.postRecv(new RecvWr(2, sges)).ret(), "one past max_recv_sge");

        Qp ud = udAtRts();
        Ah ah = Ah.create(h.pd, AhAttr.lid(1, 0x33)).get();
        Ah foreign = Ah.create(org.ibmodel.core.Pd.alloc(h.dev).get(), AhAttr.lid(1, 0x33)).get();
        Ah gone = Ah.create(h.pd, AhAttr.lid(1, 0x33)).get();
        assertEquals(0, gone.destroy());
        assertEquals(Errno.EINVAL.negative(), ud.postSend(new SendWr().opcode(WrOpcode.RDMA_WRITE).sgList(a).ah(ah)
                .remoteQpn(0x55).remoteAddr(0x2000).rkey(1)).ret(), "UD has no WRITE");
        assertEquals(Errno.EINVAL.negative(), ud.postSend(new SendWr().opcode(WrOpcode.SEND).sgList(a)
                .remoteQpn(0x55)).ret(), "no AH");
        assertEquals(Errno.EINVAL.negative(), ud.postSend(new SendWr().opcode(WrOpcode.SEND).sgList(a).ah(foreign)
                .remoteQpn(0x55)).ret(), "an AH of another PD");
        assertEquals(Errno.EINVAL.negative(), ud.postSend(new SendWr().opcode(WrOpcode.SEND).sgList(a).ah(gone)
                .remoteQpn(0x55)).ret(), "a destroyed AH");
        assertTrue(ud.postSend(new SendWr().opcode(WrOpcode.SEND).sgList(a).ah(ah).remoteQpn(0x55)).ok());
    }

    @Test
    void shouldWriteBackTheCapabilitiesTheRingsGive() {
        // mlx4's set_kernel_sq_size and set_rq_size: rings of a power of two of WQEs, as many
        // segments as their stride holds; the caller's ib_qp_cap says what it got. The send ring
        // of 64-byte WQEs holds 3 + 33 spare, 64, of which 31 are the caller's (HcaQpCapTest).
        QpInitAttr init = QpInitAttr.of(QpType.RC, cq, cq, new QpCap(3, 5, 1, 1, 0));
        Qp qp = Qp.create(h.pd, init).get();
        assertEquals(31, qp.cap().maxSendWr());
        assertEquals(8, qp.cap().maxRecvWr());
        assertTrue(qp.cap().maxSendSge() >= 1 && qp.cap().maxRecvSge() >= 1, qp.cap().toString());
        assertEquals(qp.cap(), init.cap, "written into the caller's attributes");
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        Sge a = new Sge(0x1_0000_1000L, 8, h.pd.localDmaLkey());
        for (int i = 0; i < 8; i++) {
            assertTrue(qp.postRecv(new RecvWr(i, a)).ok(), "receive " + i);
        }
        assertEquals(Errno.ENOMEM.negative(), qp.postRecv(new RecvWr(8, a)).ret(), "the ninth");
        Sge[] tooMany = new Sge[qp.cap().maxRecvSge() + 1];
        java.util.Arrays.fill(tooMany, a);
        assertEquals(Errno.ENOMEM.negative(), qp.postRecv(new RecvWr(9, tooMany)).ret(),
                "mlx4_ib_post_recv: full before too many segments");
        QpInitAttr onSrq = QpInitAttr.of(QpType.RC, cq, cq, new QpCap(4, 1, 1, 1, 0));
        onSrq.srq = Srq.create(h.pd, null, new SrqAttr(8, 1, 0)).get();
        assertEquals(Errno.EINVAL.negative(), Qp.create(h.pd, onSrq).err(), "a receive queue beside an SRQ");
    }

    @Test
    void shouldSizeAnSrqAsMlx4AndTakeALimitUpToWhatItHolds() {
        // mlx4_ib_create_srq: a ring of roundup_pow_of_two(max_wr + 1), one entry kept free,
        // written back; mlx4_ib_modify_srq: a limit below the ring's size.
        SrqAttr asked = new SrqAttr(4, 1, 0);
        Srq srq = Srq.create(h.pd, null, asked).get();
        assertEquals(7, srq.maxWr());
        assertEquals(7, asked.maxWr, "written into the caller's attributes");
        assertEquals(0, srq.modify(new SrqAttr(0, 0, 7), SrqAttr.LIMIT), "a limit of 7 on a ring of 8");
        assertEquals(Errno.EINVAL.negative(), srq.modify(new SrqAttr(0, 0, 8), SrqAttr.LIMIT));
        Srq none = Srq.create(h.pd, null, new SrqAttr(0, 1, 0)).get();
        assertEquals(0, none.maxWr(), "mlx4 takes an SRQ of no WRs");
        Sge a = new Sge(0x1_0000_1000L, 8, h.pd.localDmaLkey());
        assertEquals(Errno.ENOMEM.negative(), none.postRecv(new RecvWr(1, a)).ret());
        for (int i = 0; i < 7; i++) {
            assertTrue(srq.postRecv(new RecvWr(i, a)).ok(), "receive " + i);
        }
        assertEquals(Errno.ENOMEM.negative(), srq.postRecv(new RecvWr(7, a)).ret(), "the eighth");
        // mlx4_ib_post_srq_recv: more segments than max_sge, -EINVAL (checked before the full queue).
        Srq roomy = Srq.create(h.pd, null, new SrqAttr(4, 1, 0)).get();
        PostResult two = roomy.postRecv(List.of(new RecvWr(1, a), new RecvWr(2, a, a)));
        assertEquals(Errno.EINVAL.negative(), two.ret(), "two segments on an SRQ of max_sge 1");
        assertEquals(1, two.badWr());
        assertEquals(Errno.EINVAL.negative(), srq.postRecv(new RecvWr(8, a, a)).ret(), "too many, and full");
        // mlx4_ib_post_recv on a QP whose receives come from the SRQ: its own queue is always full.
        QpInitAttr init = QpInitAttr.of(QpType.RC, cq, cq, new QpCap(4, 0, 1, 0, 0));
        init.srq = srq;
        Qp qp = Qp.create(h.pd, init).get();
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        PostResult r = qp.postRecv(new RecvWr(9, a));
        assertEquals(Errno.ENOMEM.negative(), r.ret());
        assertEquals(0, r.badWr());
    }

    private Qp ucAtRts(QpCap cap) {
        Qp uc = h.qp(QpType.UC, cq, cap);
        assertEquals(0, uc.modify(HcaHost.init(), HcaHost.RC_INIT));
        assertEquals(0, uc.modify(HcaHost.rtr(1), QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV,
                QpAttrMask.PATH_MTU, QpAttrMask.DEST_QPN, QpAttrMask.RQ_PSN)));
        assertEquals(0, uc.modify(HcaHost.rts(1), QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN)));
        return uc;
    }

    /** The device's SQ stride for {@code qp}, whose context a QP in RESET gets by going to INIT. */
    private int sqLogStride(Qp qp) {
        if (qp.state() == QpState.RESET) {
            QpAttr init = HcaHost.init();
            init.qkey = 0x1111;
            int mask = qp.type() == QpType.UD ? QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX,
                    QpAttrMask.PORT, QpAttrMask.QKEY) : HcaHost.RC_INIT;
            assertEquals(0, qp.modify(init, mask));
        }
        return (int) h.fw.qp(((HcaQp) qp.drv()).qpn()).get(Layout.QpCtx.SQ_LOG_STRIDE);
    }

    /**
     * docs/HCA.md §10: the send stride holds the largest WQE max_inline_data asks for, counting a
     * header for each 64-byte chunk the data touches (libmlx4's num_inline_segs) after the
     * segments each type puts first: RC's control, remote address and atomic (48 bytes, its data
     * chunked as if from byte 32), UC's control and remote address (32), UD's control and datagram
     * (64, its data from a boundary). Worked by hand for a stride of 128: RC takes 72 bytes
     * (48 + 72 + 2 headers = 128), UC 88 (32 + 88 + 2 headers), UD 60 (64 + 60 + 1 header); one
     * byte more and the WQE needs 256. A WR of exactly max_inline_data is then posted.
     */
    @Test
    void shouldSizeTheSendStrideForTheLargestInlineWqe() {
        long src = h.host.memory().alloc(128);
        Sge[] fits = {new Sge(src, 72, 0), new Sge(src, 88, 0), new Sge(src, 60, 0)};
        Qp rc = h.qp(QpType.RC, cq, new QpCap(4, 4, 1, 1, 72));
        Qp uc = ucAtRts(new QpCap(4, 4, 1, 1, 88));
        Qp ud = udAtRts(new QpCap(4, 4, 1, 1, 60));
        assertEquals(List.of(7, 7, 7), List.of(sqLogStride(rc), sqLogStride(uc), sqLogStride(ud)));
        assertEquals(8, sqLogStride(h.qp(QpType.RC, cq, new QpCap(4, 4, 1, 1, 73))), "RC, 73 bytes");
        assertEquals(8, sqLogStride(h.qp(QpType.UC, cq, new QpCap(4, 4, 1, 1, 89))), "UC, 89 bytes");
        assertEquals(8, sqLogStride(h.qp(QpType.UD, cq, new QpCap(4, 4, 1, 1, 61))), "UD, 61 bytes");

        HcaHost.toRts(rc);
        SendWr write = new SendWr().opcode(WrOpcode.RDMA_WRITE).sendFlags(SendFlags.INLINE).remoteAddr(0x40).rkey(5);
        assertTrue(rc.postSend(write.sgList(fits[0])).ok(), "RC WRITE of 72 inline bytes");
        assertCtrl(sqWqe(rc, 0), 0x08, 7, true, false, false, 0);
        assertTrue(uc.postSend(write.sgList(fits[1])).ok(), "UC WRITE of 88 inline bytes");
        assertCtrl(sqWqe(uc, 0), 0x08, 8, true, false, false, 0);
        Ah ah = Ah.create(h.pd, AhAttr.lid(1, 0x33)).get();
        assertTrue(ud.postSend(new SendWr().opcode(WrOpcode.SEND).sendFlags(SendFlags.INLINE).ah(ah).remoteQpn(0x55)
                .sgList(fits[2])).ok(), "UD SEND of 60 inline bytes");
        byte[] w = sqWqe(ud, 0);
        assertCtrl(w, 0x0a, 8, true, false, false, 0);
        assertEquals(0x80000000 | 60, word(w, 64), "one inline segment from the boundary after the datagram");
    }

    /**
     * §5.1's ds counts 63 × 16 bytes: a UD QP takes 884 inline bytes (64 + 884 + 15 headers = 1008,
     * a stride of 1024) and not 885 (64 + 885 + 15 headers, 960 once padded, is 1024); a SEND of
     * all 884 is a WQE of ds 63.
     */
    @Test
    void shouldTakeInlineDataUpToTheLargestDescriptor() {
        assertEquals(Errno.EINVAL, Qp.create(h.pd, QpInitAttr.of(QpType.UD, cq, cq, new QpCap(4, 4, 1, 1, 885)))
                .errno());
        Qp ud = udAtRts(new QpCap(4, 4, 1, 1, 884));
        assertEquals(10, sqLogStride(ud));
        Ah ah = Ah.create(h.pd, AhAttr.lid(1, 0x33)).get();
        assertTrue(ud.postSend(new SendWr().opcode(WrOpcode.SEND).sendFlags(SendFlags.INLINE).ah(ah).remoteQpn(0x55)
                .sgList(new Sge(h.host.memory().alloc(1024), 884, 0))).ok());
        byte[] w = sqWqe(ud, 0);
        assertCtrl(w, 0x0a, 63, true, false, false, 0);
        assertEquals(0x80000000 | 44, word(w, 960), "the last inline segment");
    }

    /**
     * The WQE's segments as written, not as estimated, decide whether it fits: on a stride of 128
     * (five send SGEs) a REG_MR takes four data segments after its 48-byte fast-register segment
     * (16 + 48 + 64 = 128) and not five, a LOCAL_INV five (16 + 16 + 80); on a stride of 64 a
     * REG_MR's inline data does not fit where a SEND's does.
     */
    @Test
    void shouldTakeALocalOperationsSegmentsUpToTheStrideExactly() {
        Qp qp = h.qp(QpType.RC, cq, new QpCap(16, 16, 5, 1, 0));
        HcaHost.toRts(qp);
        assertEquals(7, sqLogStride(qp));
        Mr mr = Mr.alloc(h.pd, 4).get();
        assertEquals(1, mr.mapSg(new long[] {0x1_0000_0000L}, new int[] {4096}));
        Sge[] five = new Sge[5];
        java.util.Arrays.fill(five, new Sge(0x1_0000_1000L, 64, h.pd.localDmaLkey()));
        SendWr reg = new SendWr().opcode(WrOpcode.REG_MR).reg(mr, mr.rkey(), AccessFlags.LOCAL_WRITE);
        assertEquals(PostResult.fail(Errno.EINVAL.negative(), 0), qp.postSend(List.of(reg.sgList(five))));
        assertTrue(qp.postSend(reg.sgList(java.util.Arrays.copyOf(five, 4))).ok(), "four data segments fit");
        assertCtrl(sqWqe(qp, 0), 0x19, 8, true, false, false, 0);
        assertTrue(qp.postSend(new SendWr().opcode(WrOpcode.LOCAL_INV).invalidateRkey(mr.rkey()).sgList(five)).ok());
        assertCtrl(sqWqe(qp, 1), 0x1b, 7, true, false, false, 0);

        Qp small = h.qp(QpType.RC, cq, new QpCap(16, 16, 1, 1, 12));
        HcaHost.toRts(small);
        assertEquals(6, sqLogStride(small));
        Sge twelve = new Sge(h.host.memory().alloc(64), 12, 0);
        assertEquals(Errno.EINVAL.negative(), small.postSend(new SendWr().opcode(WrOpcode.REG_MR)
                .reg(mr, mr.rkey(), AccessFlags.LOCAL_WRITE).sendFlags(SendFlags.INLINE).sgList(twelve)).ret());
        assertTrue(small.postSend(new SendWr().opcode(WrOpcode.SEND).sendFlags(SendFlags.INLINE).sgList(twelve)).ok());
    }

    /**
     * §4.5: the context of a QP on an SRQ names that SRQ, not merely that it has one; the device
     * takes the QP's receive WQEs from the SRQ the context names.
     */
    @Test
    void shouldNameTheQpsOwnSrqInItsContext() {
        Srq first = Srq.create(h.pd, null, new SrqAttr(4, 1, 0)).get();
        Srq second = Srq.create(h.pd, null, new SrqAttr(4, 1, 0)).get();
        QpInitAttr init = QpInitAttr.of(QpType.RC, cq, cq, new QpCap(4, 0, 1, 0, 0));
        init.srq = second;
        Qp qp = Qp.create(h.pd, init).get();
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        QpContext c = h.fw.qp(qp.qpNum());
        assertEquals(1, c.get(Layout.QpCtx.HAS_SRQ));
        int srqn = ((HcaSrq) second.drv()).srqn();
        assertTrue(srqn != ((HcaSrq) first.drv()).srqn());
        assertEquals(srqn, c.get(Layout.QpCtx.SRQN));
    }

    /**
     * docs/HCA.md §10, struct ib_reg_wr: the region must come from ib_alloc_mr and be mapped, and
     * the key must be one of its own MPT's (any tag); otherwise -EINVAL and nothing posted.
     */
    @Test
    void shouldRefuseARegMrOfAnUnmappedOrOrdinaryRegionOrAnotherRegionsKey() {
        Qp qp = rcAtRts();
        Mr mr = Mr.alloc(h.pd, 4).get();
        Mr other = Mr.alloc(h.pd, 4).get();
        long buf = h.host.memory().alloc(8192);
        Mr ordinary = Mr.reg(h.pd, buf, 4096, buf, AccessFlags.LOCAL_WRITE).get();
        int access = AccessFlags.LOCAL_WRITE;
        assertEquals(Errno.EINVAL.negative(), qp.postSend(new SendWr().opcode(WrOpcode.REG_MR)
                .reg(mr, mr.rkey(), access)).ret(), "not mapped");
        assertEquals(1, mr.mapSg(new long[] {buf}, new int[] {4096}));
        assertEquals(1, other.mapSg(new long[] {buf}, new int[] {4096}));
        assertEquals(Errno.EINVAL.negative(), qp.postSend(new SendWr().opcode(WrOpcode.REG_MR)
                .reg(mr, other.rkey(), access)).ret(), "another region's key");
        assertEquals(Errno.EINVAL.negative(), qp.postSend(new SendWr().opcode(WrOpcode.REG_MR)
                .reg(ordinary, ordinary.rkey(), access)).ret(), "a region of ib_reg_mr");
        assertEquals(0, h.fw.qp(qp.qpNum()).sendQueue().producer(), "nothing posted");
        int retagged = (mr.rkey() & ~0xff) | ((mr.rkey() + 1) & 0xff);
        assertTrue(qp.postSend(new SendWr().opcode(WrOpcode.REG_MR).reg(mr, retagged, access)).ok(), "a new tag");
        assertEquals(retagged, word(sqWqe(qp, 0), 16 + 4), "the fast-register segment's key");
    }

    /**
     * A REG_MR that also carries data segments: mlx4 writes them after the 48-byte fast-register
     * segment, room its RC WQEs keep for masked atomics, which this device has none of. A WQE
     * that does not fit the ring's stride is refused, not written past it into the next WQE.
     */
    @Test
    void shouldRefuseARegMrWhoseDataSegmentsWouldNotFitTheStride() {
        Qp qp = h.qp(QpType.RC, cq, new QpCap(16, 16, 1, 1, 0));
        HcaHost.toRts(qp);
        Mr mr = Mr.alloc(h.pd, 4).get();
        assertEquals(1, mr.mapSg(new long[] {0x1_0000_0000L}, new int[] {4096}));
        Sge data = new Sge(0x1_0000_1000L, 64, h.pd.localDmaLkey());
        SendWr withData = new SendWr().wrId(1).opcode(WrOpcode.REG_MR).reg(mr, mr.rkey(), AccessFlags.LOCAL_WRITE)
                .sgList(data);
        assertEquals(PostResult.fail(Errno.EINVAL.negative(), 0), qp.postSend(List.of(withData)));
        SendWr plain = new SendWr().wrId(2).opcode(WrOpcode.REG_MR).reg(mr, mr.rkey(), AccessFlags.LOCAL_WRITE);
        assertTrue(qp.postSend(plain).ok());
    }
}
