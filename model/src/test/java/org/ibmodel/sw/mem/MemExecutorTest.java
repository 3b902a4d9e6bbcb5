// drivers/infiniband/sw/rxe/rxe_req.c, rxe_resp.c, rxe_comp.c: execution and completion of
// work requests, and the statuses each failure reports
package org.ibmodel.sw.mem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.Fixture;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.SigType;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcFlags;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;

class MemExecutorTest {

    private static final int QKEY = 0x1111_0000;

    private final Fixture f = new Fixture();
    private final Cq aCq = f.cq(64);
    private final Cq bCq = f.cq(64);
    private final Qp a = f.rcQp(aCq, aCq);
    private final Qp b = f.rcQp(bCq, bCq);

    private void connect(int rnrRetry) {
        Fixture.connect(a, b, rnrRetry);
    }

    private static Wc only(List<Wc> wcs) {
        assertEquals(1, wcs.size(), wcs.toString());
        return wcs.get(0);
    }

    private SendWr rdma(WrOpcode op, Sge local, long remoteAddr, int rkey) {
        return new SendWr().wrId(1).opcode(op).sgList(local).remoteAddr(remoteAddr).rkey(rkey)
                .sendFlags(SendFlags.SIGNALED);
    }

    /** Moves {@code b} to ERR: true if receive {@code wrId} was still posted and so completes flushed. */
    private boolean receiveStillPosted(long wrId) {
        Fixture.toErr(b);
        List<Wc> wcs = Fixture.poll(bCq);
        return wcs.stream().anyMatch(wc -> wc.wrId == wrId && wc.status == WcStatus.WR_FLUSH_ERR);
    }

    // ---- RC operations -----------------------------------------------------------------------

    // drivers/infiniband/sw/rxe/rxe_resp.c: do_complete for a SEND with immediate
    @Test
    void shouldDeliverSendWithImmediate() {
        connect(7);
        long src = f.pattern(100, 1);
        long dst = f.buf(256);
        assertTrue(b.postRecv(f.recv(20, dst, 256)).ok());
        SendWr wr = f.send(10, src, 100).opcode(WrOpcode.SEND_WITH_IMM).immData(0x1234_5678);

        assertTrue(a.postSend(wr).ok());
        f.run();

        Wc recv = only(Fixture.poll(bCq));
        assertEquals(WcStatus.SUCCESS, recv.status);
        assertEquals(WcOpcode.RECV, recv.opcode);
        assertEquals(20L, recv.wrId);
        assertTrue((recv.wcFlags & WcFlags.WITH_IMM) != 0);
        assertEquals(0x1234_5678, recv.immData);
        assertEquals(100, recv.byteLen);
        assertEquals(a.qpNum(), recv.srcQp);
        assertEquals(Fixture.LID, recv.slid);
        assertSame(b, recv.qp);
        assertArrayEquals(Fixture.bytes(100, 1), f.mem.read(dst, 100));
        assertArrayEquals(new byte[156], f.mem.read(dst + 100, 156));
        Wc send = only(Fixture.poll(aCq));
        assertEquals(WcOpcode.SEND, send.opcode);
        assertEquals(10L, send.wrId);
    }

    // drivers/infiniband/sw/rxe/rxe_resp.c: write_data_in, an RDMA WRITE lands byte-exact
    @Test
    void shouldWriteRemoteMemoryByteExact() {
        connect(7);
        long src = f.pattern(300, 2);
        long target = f.buf(1024);
        Mr mr = f.mr(target, 1024, Fixture.ALL_ACCESS);

        assertTrue(a.postSend(rdma(WrOpcode.RDMA_WRITE, f.sge(src, 300), target + 10, mr.rkey())).ok());
        f.run();

        assertEquals(WcOpcode.RDMA_WRITE, only(Fixture.poll(aCq)).opcode);
        assertArrayEquals(new byte[10], f.mem.read(target, 10));
        assertArrayEquals(Fixture.bytes(300, 2), f.mem.read(target + 10, 300));
        assertArrayEquals(new byte[714], f.mem.read(target + 310, 714));
        assertTrue(Fixture.poll(bCq).isEmpty(), "a plain WRITE completes nothing at the responder");
    }

    // drivers/infiniband/sw/rxe/rxe_resp.c: RDMA WRITE with immediate consumes a receive
    @Test
    void shouldCompleteWriteWithImmediateAsRecvRdmaWithImm() {
        connect(7);
        long src = f.pattern(64, 3);
        long target = f.buf(64);
        Mr mr = f.mr(target, 64, Fixture.ALL_ACCESS);
        assertTrue(b.postRecv(f.recv(5, f.buf(8), 8)).ok());

        assertTrue(a.postSend(rdma(WrOpcode.RDMA_WRITE_WITH_IMM, f.sge(src, 64), target, mr.rkey())
                .immData(0x77)).ok());
        f.run();

        Wc recv = only(Fixture.poll(bCq));
        assertEquals(WcOpcode.RECV_RDMA_WITH_IMM, recv.opcode);
        assertEquals(0x77, recv.immData);
        assertEquals(64, recv.byteLen);
        assertArrayEquals(Fixture.bytes(64, 3), f.mem.read(target, 64));
    }

    // drivers/infiniband/sw/rxe/rxe_resp.c: read_reply, an RDMA READ copies byte-exact
    @Test
    void shouldReadRemoteMemoryByteExact() {
        connect(7);
        long remote = f.pattern(512, 4);
        Mr mr = f.mr(remote, 512, Fixture.ALL_ACCESS);
        long local = f.buf(1024);

        assertTrue(a.postSend(rdma(WrOpcode.RDMA_READ, f.sge(local + 1, 500), remote + 12, mr.rkey())).ok());
        f.run();

        Wc wc = only(Fixture.poll(aCq));
        assertEquals(WcStatus.SUCCESS, wc.status);
        assertEquals(WcOpcode.RDMA_READ, wc.opcode);
        assertEquals(500, wc.byteLen);
        byte[] expected = new byte[500];
        System.arraycopy(Fixture.bytes(512, 4), 12, expected, 0, 500);
        assertArrayEquals(expected, f.mem.read(local + 1, 500));
        assertEquals(0, f.mem.read(local, 1)[0]);
        assertArrayEquals(new byte[523], f.mem.read(local + 501, 523));
    }

    // drivers/infiniband/sw/rxe/rxe_resp.c: atomic_reply, FETCH_ADD returns the old value
    @Test
    void shouldFetchAndAdd() {
        connect(7);
        long remote = f.buf(64);
        f.mem.writeLong(remote + 8, 0x0102_0304_0506_0708L);
        Mr mr = f.mr(remote, 64, Fixture.ALL_ACCESS);
        long result = f.buf(8);

        assertTrue(a.postSend(rdma(WrOpcode.ATOMIC_FETCH_AND_ADD, f.sge(result, 8), remote + 8, mr.rkey())
                .compareAdd(0x10)).ok());
        f.run();

        Wc wc = only(Fixture.poll(aCq));
        assertEquals(WcOpcode.FETCH_ADD, wc.opcode);
        assertEquals(0x0102_0304_0506_0718L, f.mem.readLong(remote + 8));
        assertEquals(0x0102_0304_0506_0708L, f.mem.readLong(result));
        assertArrayEquals(new byte[8], f.mem.read(remote, 8));
        assertArrayEquals(new byte[48], f.mem.read(remote + 16, 48));
    }

    // drivers/infiniband/sw/rxe/rxe_resp.c: atomic_reply, CMP_SWP swaps only on a match
    @Test
    void shouldCompareAndSwapOnlyOnMatch() {
        connect(7);
        long remote = f.buf(16);
        f.mem.writeLong(remote, 42);
        Mr mr = f.mr(remote, 16, Fixture.ALL_ACCESS);
        long result = f.buf(16);

        assertTrue(a.postSend(rdma(WrOpcode.ATOMIC_CMP_AND_SWP, f.sge(result, 8), remote, mr.rkey())
                .compareAdd(41).swap(7)).ok());
        assertTrue(a.postSend(rdma(WrOpcode.ATOMIC_CMP_AND_SWP, f.sge(result + 8, 8), remote, mr.rkey())
                .compareAdd(42).swap(-1L)).ok());
        f.run();

        List<Wc> wcs = Fixture.poll(aCq);
        assertEquals(2, wcs.size());
        assertEquals(WcOpcode.COMP_SWAP, wcs.get(0).opcode);
        assertEquals(42, f.mem.readLong(result), "a failed compare returns the old value");
        assertEquals(42, f.mem.readLong(result + 8));
        assertEquals(-1L, f.mem.readLong(remote));
        assertEquals(0, f.mem.readLong(remote + 8));
    }

    // ---- RC errors ---------------------------------------------------------------------------

    // drivers/infiniband/sw/rxe/rxe_resp.c: check_rkey NAKs, rxe_comp.c reports REM_ACCESS_ERR
    @Test
    void shouldFailBadRkeyWithRemAccessErrAndMoveBothQpsToErr() {
        connect(7);
        long target = f.buf(64);
        Mr mr = f.mr(target, 64, Fixture.ALL_ACCESS);
        long src = f.pattern(64, 5);

        assertTrue(a.postSend(rdma(WrOpcode.RDMA_WRITE, f.sge(src, 64), target, mr.rkey() + 0x100)).ok());
        assertTrue(a.postSend(f.send(2, src, 8)).ok());
        f.run();

        List<Wc> wcs = Fixture.poll(aCq);
        assertEquals(List.of(WcStatus.REM_ACCESS_ERR, WcStatus.WR_FLUSH_ERR), wcs.stream().map(wc -> wc.status).toList());
        assertEquals(QpState.ERR, a.state());
        assertEquals(QpState.ERR, b.state());
        assertArrayEquals(new byte[64], f.mem.read(target, 64), "nothing was written");
    }

    // drivers/infiniband/sw/rxe/rxe_resp.c: check_rkey, a zero-byte RDMA READ or WRITE need not
    // name a valid rkey or address, so none is checked (IBA C9-88)
    @Test
    void shouldNotCheckRkeyOfZeroLengthReadOrWrite() {
        connect(7);

        assertTrue(a.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).remoteAddr(0x1234).rkey(0x7777)
                .sendFlags(SendFlags.SIGNALED)).ok());
        assertTrue(a.postSend(new SendWr().wrId(2).opcode(WrOpcode.RDMA_READ).remoteAddr(0x1234).rkey(0x7777)
                .sendFlags(SendFlags.SIGNALED)).ok());
        f.run();

        List<Wc> wcs = Fixture.poll(aCq);
        assertEquals(List.of(WcStatus.SUCCESS, WcStatus.SUCCESS), wcs.stream().map(wc -> wc.status).toList());
        assertEquals(QpState.RTS, a.state());
        assertEquals(QpState.RTS, b.state());
    }

    // drivers/infiniband/sw/rxe/rxe_resp.c: check_rkey, an MR without remote write refuses a WRITE
    @Test
    void shouldFailWriteIntoReadOnlyRegionWithRemAccessErr() {
        connect(7);
        long target = f.buf(64);
        Mr mr = f.mr(target, 64, org.ibmodel.core.AccessFlags.REMOTE_READ);

        assertTrue(a.postSend(rdma(WrOpcode.RDMA_WRITE, f.sge(f.pattern(8, 1), 8), target, mr.rkey())).ok());
        f.run();

        assertEquals(WcStatus.REM_ACCESS_ERR, only(Fixture.poll(aCq)).status);
        assertArrayEquals(new byte[64], f.mem.read(target, 64));
    }

    // drivers/infiniband/sw/rxe/rxe_req.c: a bad lkey fails locally with LOC_PROT_ERR
    @Test
    void shouldFailBadLkeyWithLocProtErr() {
        connect(7);
        long src = f.pattern(64, 6);
        assertTrue(b.postRecv(f.recv(30, f.buf(64), 64)).ok());

        assertTrue(a.postSend(SendWr.send(1, new Sge(src, 64, 0x7777_0042))).ok());
        f.run();

        Wc wc = only(Fixture.poll(aCq));
        assertEquals(WcStatus.LOC_PROT_ERR, wc.status);
        assertEquals(QpState.ERR, a.state());
        assertEquals(QpState.RTS, b.state());
        assertTrue(receiveStillPosted(30), "the responder never saw the message");
    }

    // drivers/infiniband/sw/rxe/rxe_resp.c: check_length, a receive too small is LOC_LEN_ERR
    @Test
    void shouldReportLocLenErrAtReceiverForShortBuffer() {
        connect(7);
        long dst = f.buf(64);
        assertTrue(b.postRecv(f.recv(40, dst, 16)).ok());

        assertTrue(a.postSend(f.send(1, f.pattern(64, 7), 64)).ok());
        f.run();

        Wc recv = only(Fixture.poll(bCq));
        assertEquals(WcStatus.LOC_LEN_ERR, recv.status);
        assertEquals(40L, recv.wrId);
        assertEquals(WcStatus.REM_INV_REQ_ERR, only(Fixture.poll(aCq)).status);
        assertArrayEquals(new byte[64], f.mem.read(dst, 64));
    }

    // drivers/infiniband/sw/rxe/rxe_comp.c: make_send_cqe, a successful send completion carries
    // IB_WC_WITH_IMM for SEND_WITH_IMM and RDMA_WRITE_WITH_IMM, and byte_len the WR's length
    @Test
    void shouldReportImmediateFlagAndLengthOnSuccessfulSendCompletion() {
        connect(7);
        long target = f.buf(64);
        Mr mr = f.mr(target, 64, Fixture.ALL_ACCESS);
        assertTrue(b.postRecv(f.recv(20, f.buf(256), 256)).ok());
        assertTrue(b.postRecv(f.recv(21, f.buf(8), 8)).ok());
        assertTrue(b.postRecv(f.recv(22, f.buf(64), 64)).ok());

        assertTrue(a.postSend(f.send(10, f.pattern(100, 1), 100).opcode(WrOpcode.SEND_WITH_IMM).immData(9)).ok());
        assertTrue(a.postSend(rdma(WrOpcode.RDMA_WRITE_WITH_IMM, f.sge(f.pattern(48, 2), 48), target, mr.rkey())
                .wrId(11).immData(10)).ok());
        assertTrue(a.postSend(f.send(12, f.pattern(30, 3), 30)).ok());
        f.run();

        List<Wc> wcs = Fixture.poll(aCq);
        assertEquals(List.of(WcFlags.WITH_IMM, WcFlags.WITH_IMM, 0), wcs.stream().map(wc -> wc.wcFlags).toList());
        assertEquals(List.of(100, 48, 30), wcs.stream().map(wc -> wc.byteLen).toList());
        assertEquals(List.of(WcOpcode.SEND, WcOpcode.RDMA_WRITE, WcOpcode.SEND),
                wcs.stream().map(wc -> wc.opcode).toList());
    }

    // drivers/infiniband/sw/rxe/rxe_comp.c: make_send_cqe, a failed or flushed send completion
    // carries wr_id, status and qp only: opcode stays 0 (IB_WC_SEND), byte_len 0, no flags
    @Test
    void shouldReportOnlyStatusOnFailedAndFlushedSendCompletions() {
        connect(7);
        long target = f.buf(64);
        Mr mr = f.mr(target, 64, Fixture.ALL_ACCESS);

        assertTrue(a.postSend(rdma(WrOpcode.RDMA_WRITE_WITH_IMM, f.sge(f.pattern(64, 5), 64), target,
                mr.rkey() + 0x100)).ok());
        assertTrue(a.postSend(rdma(WrOpcode.RDMA_READ, f.sge(f.buf(16), 16), target, mr.rkey()).wrId(2)).ok());
        f.run();

        List<Wc> wcs = Fixture.poll(aCq);
        assertEquals(List.of(WcStatus.REM_ACCESS_ERR, WcStatus.WR_FLUSH_ERR),
                wcs.stream().map(wc -> wc.status).toList());
        for (Wc wc : wcs) {
            assertEquals(WcOpcode.SEND, wc.opcode, wc.toString());
            assertEquals(0, wc.byteLen, wc.toString());
            assertEquals(0, wc.wcFlags, wc.toString());
            assertSame(a, wc.qp);
        }
    }

    // ---- RNR -----------------------------------------------------------------------------------

    // drivers/infiniband/sw/rxe/rxe_comp.c: rnr_retry 7 retries until the responder has a receive
    // (IBA 9.7.5.2.8)
    @Test
    void shouldWaitForReceiveWithInfiniteRnrRetry() {
        connect(7);
        long dst = f.buf(64);

        assertTrue(a.postSend(f.send(1, f.pattern(32, 8), 32)).ok());
        f.run();
        assertTrue(Fixture.poll(aCq).isEmpty());
        assertEquals(QpState.RTS, a.state());

        assertTrue(b.postRecv(f.recv(2, dst, 64)).ok());
        f.run();

        assertEquals(WcStatus.SUCCESS, only(Fixture.poll(aCq)).status);
        assertEquals(32, only(Fixture.poll(bCq)).byteLen);
        assertArrayEquals(Fixture.bytes(32, 8), f.mem.read(dst, 32));
    }

    // drivers/infiniband/sw/rxe/rxe_comp.c: RNR NAKs beyond rnr_retry give RNR_RETRY_EXC_ERR
    @Test
    void shouldFailWithRnrRetryExcErrWhenRetriesAreFinite() {
        connect(6);

        assertTrue(a.postSend(f.send(1, f.pattern(32, 8), 32)).ok());
        f.run();

        assertEquals(WcStatus.RNR_RETRY_EXC_ERR, only(Fixture.poll(aCq)).status);
        assertEquals(QpState.ERR, a.state());
        assertEquals(QpState.RTS, b.state());
    }

    // ---- signaling -----------------------------------------------------------------------------

    // drivers/infiniband/sw/rxe/rxe_comp.c: do_complete, IB_SIGNAL_REQ_WR skips unsignaled successes
    @Test
    void shouldNotCompleteUnsignaledSuccessfulSendWithReqWr() {
        Cq sendCq = f.cq(16);
        QpInitAttr init = QpInitAttr.of(QpType.RC, sendCq, sendCq, QpCap.of(8, 8, 1));
        init.sqSigType = SigType.REQ_WR;
        Qp sender = f.qp(init);
        Fixture.connect(sender, b);
        long src = f.pattern(8, 9);
        for (int i = 0; i < 3; i++) {
            assertTrue(b.postRecv(f.recv(i, f.buf(8), 8)).ok());
        }

        assertTrue(sender.postSend(List.of(f.send(0, src, 8).sendFlags(0), f.send(1, src, 8),
                f.send(2, src, 8).sendFlags(0))).ok());
        f.run();

        assertEquals(List.of(1L), Fixture.poll(sendCq).stream().map(wc -> wc.wrId).toList());
        assertEquals(3, Fixture.poll(bCq).size(), "every send was executed");
    }

    // ---- UD ------------------------------------------------------------------------------------

    private Qp ud(Cq cq, int qkey) {
        Qp qp = f.qp(QpType.UD, cq, QpCap.of(8, 8, 1));
        Fixture.udToRts(qp, qkey);
        return qp;
    }

    private SendWr udSend(long wrId, long src, int len, Qp dest, int qkey) {
        return f.send(wrId, src, len).ah(f.ah()).remoteQpn(dest.qpNum()).remoteQkey(qkey);
    }

    // drivers/infiniband/sw/rxe/rxe_resp.c: send_data_in, a UD receive buffer starts with 40 bytes
    // for the GRH, counted in byte_len (IBA 11.4.1.2)
    @Test
    void shouldReserveGrhBytesInUdReceive() {
        Qp sender = ud(aCq, QKEY);
        Qp receiver = ud(bCq, QKEY);
        long dst = f.buf(256);
        assertTrue(receiver.postRecv(f.recv(1, dst, 40 + 100)).ok());

        assertTrue(sender.postSend(udSend(2, f.pattern(100, 11), 100, receiver, QKEY)).ok());
        f.run();

        Wc recv = only(Fixture.poll(bCq));
        assertEquals(WcStatus.SUCCESS, recv.status);
        assertEquals(140, recv.byteLen);
        assertEquals(sender.qpNum(), recv.srcQp);
        assertArrayEquals(Fixture.bytes(100, 11), f.mem.read(dst + 40, 100));
        assertEquals(WcStatus.SUCCESS, only(Fixture.poll(aCq)).status);
    }

    /**
     * qib_ud.c qib_ud_loopback: a datagram sent through an address handle with a GRH carries one
     * (IBA 8.3), which lands in the receive buffer's first 40 bytes with IB_WC_GRH set; the
     * completion has the handle's SL. Without a GRH the 40 bytes are left as they were.
     */
    @Test
    void shouldDeliverTheGrhAndSlOfTheSendersAddressHandle() {
        Qp sender = ud(aCq, QKEY);
        Qp receiver = ud(bCq, QKEY);
        long dst = f.buf(256);
        assertTrue(receiver.postRecv(f.recv(1, dst, 40 + 64)).ok());
        byte[] gid = f.dev.port(Fixture.PORT).gid(0);
        Ah ah = Ah.create(f.pd, new AhAttr(Fixture.LID, 6, 0, 0, Fixture.PORT,
                new AhAttr.Grh(gid, 0x12345, 0, 9, 0x40))).get();
        assertTrue(sender.postSend(f.send(2, f.pattern(63, 11), 63).ah(ah).remoteQpn(receiver.qpNum())
                .remoteQkey(QKEY)).ok());
        f.run();

        Wc recv = only(Fixture.poll(bCq));
        assertEquals(WcStatus.SUCCESS, recv.status);
        assertEquals(40 + 63, recv.byteLen);
        assertEquals(WcFlags.GRH, recv.wcFlags & WcFlags.GRH, "IB_WC_GRH");
        assertEquals(6, recv.sl, "the handle's SL");
        byte[] grh = f.mem.read(dst, 40);
        // IPVer 6, TClass 0x40, FlowLabel 0x12345; PayLen: BTH, DETH, 63 bytes, 1 of pad, ICRC.
        assertArrayEquals(new byte[] {0x64, 0x01, 0x23, 0x45, 0, 12 + 8 + 63 + 1 + 4, 0x1b, 9},
                Arrays.copyOf(grh, 8), "version, class, flow, PayLen, NxtHdr, HopLmt");
        assertArrayEquals(gid, Arrays.copyOfRange(grh, 8, 24), "SGID");
        assertArrayEquals(gid, Arrays.copyOfRange(grh, 24, 40), "DGID");
        assertArrayEquals(Fixture.bytes(63, 11), f.mem.read(dst + 40, 63));

        long plain = f.buf(256);
        assertTrue(receiver.postRecv(f.recv(3, plain, 40 + 8)).ok());
        assertTrue(sender.postSend(udSend(4, f.pattern(8, 12), 8, receiver, QKEY)).ok());
        f.run();
        Wc noGrh = only(Fixture.poll(bCq));
        assertEquals(0, noGrh.wcFlags & WcFlags.GRH, "no GRH came");
        assertArrayEquals(new byte[40], f.mem.read(plain, 40), "the GRH bytes untouched");
    }

    /**
     * rxe_recv.c check_keys: QP1 takes the well-known Q_Key (0x80010000), not the one its own
     * attributes hold, and a P_Key any entry of its port's table matches, reporting that entry.
     */
    @Test
    void shouldCheckTheWellKnownKeysAtQp1() {
        f.dev.port(Fixture.PORT).setPkeys(pkeys(0xffff, 0x8001));
        QpInitAttr init = QpInitAttr.of(QpType.GSI, bCq, bCq, QpCap.of(8, 8, 1));
        init.portNum = Fixture.PORT;
        Qp gsi = f.qp(init);
        QpAttr a = new QpAttr().state(QpState.INIT);
        a.pkeyIndex = 0;
        a.qkey = QKEY;
        assertEquals(0, gsi.modify(a, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.QKEY)));
        assertEquals(0, gsi.modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()));
        assertEquals(0, gsi.modify(new QpAttr().state(QpState.RTS), Fixture.UD_RTS_MASK));
        Qp sender = f.qp(QpType.UD, aCq, QpCap.of(8, 8, 1));
        QpAttr s = new QpAttr().state(QpState.INIT);
        s.portNum = Fixture.PORT;
        s.pkeyIndex = 1;
        // A kernel QP may hold a controlled Q_Key, and a WR's with the high bit set means its own.
        s.qkey = Qp.QP1_QKEY;
        assertEquals(0, sender.modify(s, Fixture.UD_INIT_MASK));
        assertEquals(0, sender.modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()));
        assertEquals(0, sender.modify(new QpAttr().state(QpState.RTS), Fixture.UD_RTS_MASK));
        for (int i = 0; i < 2; i++) {
            assertTrue(gsi.postRecv(f.recv(10 + i, f.buf(256), 256)).ok());
        }
        // QP1's own Q_Key attribute is refused there; the well-known one is taken, through entry 1.
        assertTrue(sender.postSend(f.send(1, f.pattern(8, 1), 8).ah(f.ah()).remoteQpn(1).remoteQkey(QKEY)).ok());
        assertTrue(sender.postSend(f.send(2, f.pattern(8, 2), 8).ah(f.ah()).remoteQpn(1)
                .remoteQkey(Qp.QP1_QKEY)).ok());
        f.run();
        Wc got = only(Fixture.poll(bCq));
        assertEquals(WcStatus.SUCCESS, got.status);
        assertEquals(1, got.pkeyIndex, "the entry the P_Key matched, not the QP's 0");
    }

    private int[] pkeys(int... first) {
        int[] t = new int[f.dev.port(Fixture.PORT).pkeyTableLength()];
        System.arraycopy(first, 0, t, 0, first.length);
        return t;
    }

    // drivers/infiniband/sw/rxe/rxe_resp.c: rxe_resp_check_length, a UD receive without room for
    // the 40 GRH bytes and the payload is a class D error: the message is dropped and the receive
    // stays posted; the sender never learns of it
    @Test
    void shouldDropUdMessageWhoseReceiveLacksGrhRoom() {
        Qp sender = ud(aCq, QKEY);
        Qp receiver = ud(bCq, QKEY);
        assertTrue(receiver.postRecv(f.recv(1, f.buf(100), 100)).ok());

        assertTrue(sender.postSend(udSend(2, f.pattern(100, 11), 100, receiver, QKEY)).ok());
        f.run();

        assertTrue(Fixture.poll(bCq).isEmpty());
        assertEquals(WcStatus.SUCCESS, only(Fixture.poll(aCq)).status);
        assertEquals(QpState.RTS, receiver.state());
        Fixture.toErr(receiver);
        Wc flushed = only(Fixture.poll(bCq));
        assertEquals(1L, flushed.wrId, "the receive was not consumed");
        assertEquals(WcStatus.WR_FLUSH_ERR, flushed.status);
    }

    // drivers/infiniband/sw/rxe/rxe_resp.c: rxe_responder, the same length error on a QP with an
    // SRQ is class E: the SRQ's receive completes with IB_WC_REM_INV_REQ_ERR, the QP stays
    @Test
    void shouldCompleteTooSmallSrqReceiveOfUdWithRemInvReqErr() {
        Qp sender = ud(aCq, QKEY);
        Srq srq = Srq.create(f.pd, null, new SrqAttr(4, 1, 0)).get();
        QpInitAttr init = QpInitAttr.of(QpType.UD, bCq, bCq, QpCap.of(8, 8, 1));
        init.srq = srq;
        Qp receiver = f.qp(init);
        Fixture.udToRts(receiver, QKEY);
        assertTrue(srq.postRecv(f.recv(1, f.buf(100), 100)).ok());

        assertTrue(sender.postSend(udSend(2, f.pattern(100, 11), 100, receiver, QKEY)).ok());
        f.run();

        Wc recv = only(Fixture.poll(bCq));
        assertEquals(1L, recv.wrId);
        assertEquals(WcStatus.REM_INV_REQ_ERR, recv.status);
        assertEquals(QpState.RTS, receiver.state());
        assertEquals(WcStatus.SUCCESS, only(Fixture.poll(aCq)).status);
    }

    // drivers/infiniband/sw/rxe/rxe_req.c: rxe_requester, a UD message longer than the port's MTU
    // emits no packet and completes successfully (IBA C10-93.1.1)
    @Test
    void shouldCompleteUdMessageLongerThanPortMtuWithoutSendingIt() {
        Qp sender = ud(aCq, QKEY);
        Qp receiver = ud(bCq, QKEY);
        int len = f.dev.port(Fixture.PORT).query().activeMtu.bytes() + 1;
        assertTrue(receiver.postRecv(f.recv(1, f.buf(8192), 8192)).ok());

        assertTrue(sender.postSend(udSend(2, f.pattern(len, 14), len, receiver, QKEY)).ok());
        f.run();

        Wc wc = only(Fixture.poll(aCq));
        assertEquals(WcStatus.SUCCESS, wc.status);
        assertEquals(len, wc.byteLen);
        assertEquals(QpState.RTS, sender.state());
        assertTrue(Fixture.poll(bCq).isEmpty(), "nothing was sent");
        Fixture.toErr(receiver);
        assertEquals(WcStatus.WR_FLUSH_ERR, only(Fixture.poll(bCq)).status, "the receive was not consumed");
    }

    // drivers/infiniband/sw/rxe/rxe_recv.c: check_keys, a UD datagram with the wrong Q_Key is
    // silently dropped (IBA 10.2.4)
    @Test
    void shouldDropUdDatagramWithWrongQkey() {
        Qp sender = ud(aCq, QKEY);
        Qp receiver = ud(bCq, QKEY);
        assertTrue(receiver.postRecv(f.recv(1, f.buf(256), 256)).ok());

        assertTrue(sender.postSend(udSend(2, f.pattern(16, 12), 16, receiver, QKEY + 1)).ok());
        f.run();

        assertTrue(Fixture.poll(bCq).isEmpty());
        assertEquals(WcStatus.SUCCESS, only(Fixture.poll(aCq)).status, "UD does not know it was dropped");
        assertEquals(QpState.RTS, receiver.state());
        Fixture.toErr(receiver);
        assertEquals(WcStatus.WR_FLUSH_ERR, only(Fixture.poll(bCq)).status, "the receive was not consumed");
    }

    // drivers/infiniband/hw/mthca/mthca_qp.c: build_mlx_header, a Q_Key with the high bit set in
    // the WR means the sender QP's own Q_Key (IBA C10-15)
    @Test
    void shouldUseSendersOwnQkeyForControlledQkey() {
        Qp sender = ud(aCq, QKEY);
        Qp receiver = ud(bCq, QKEY);
        Qp stranger = ud(f.cq(16), QKEY + 1);
        assertTrue(receiver.postRecv(f.recv(1, f.buf(256), 256)).ok());
        assertTrue(stranger.postRecv(f.recv(3, f.buf(256), 256)).ok());

        assertTrue(sender.postSend(udSend(2, f.pattern(16, 13), 16, receiver, 0x8000_0000)).ok());
        assertTrue(sender.postSend(udSend(4, f.pattern(16, 13), 16, stranger, 0x8000_0000 | (QKEY + 1))).ok());
        f.run();

        assertEquals(16 + 40, only(Fixture.poll(bCq)).byteLen);
        assertTrue(Fixture.poll(stranger.recvCq()).isEmpty(), "the WR's low bits are ignored");
    }
}
