// drivers/infiniband/sw/rxe/rxe_verbs.c: rxe_post_send, rxe_post_recv, validate_send_wr;
// flushing as drivers/infiniband/sw/rxe/rxe_comp.c and rxe_resp.c do it in ERR
package org.ibmodel.sw.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.core.Cq;
import org.ibmodel.core.Fixture;
import org.ibmodel.core.IbEventType;
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
import org.ibmodel.core.SigType;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.junit.jupiter.api.Test;

class MemDeviceTest {

    private final Fixture f = new Fixture();
    private final Cq aCq = f.cq(64);
    private final Cq bCq = f.cq(64);
    private final long src = f.pattern(256, 5);
    private final long dst = f.buf(4096);

    private Qp rc(Cq cq, QpCap cap, SigType sig) {
        QpInitAttr init = QpInitAttr.of(QpType.RC, cq, cq, cap);
        init.sqSigType = sig;
        return f.qp(init);
    }

    private static List<Long> wrIds(List<Wc> wcs) {
        return wcs.stream().map(wc -> wc.wrId).toList();
    }

    private static List<WcStatus> statuses(List<Wc> wcs) {
        return wcs.stream().map(wc -> wc.status).toList();
    }

    // drivers/infiniband/sw/rxe/rxe_verbs.c rxe_create_qp: no create flag is supported
    @Test
    void shouldRefuseEveryCreateFlagWithEopnotsupp() {
        for (int flag : new int[] {QpInitAttr.CREATE_IPOIB_UD_LSO, QpInitAttr.CREATE_BLOCK_MULTICAST_LOOPBACK}) {
            QpInitAttr init = QpInitAttr.of(QpType.UD, aCq, aCq, QpCap.of(4, 4, 1));
            init.createFlags = flag;
            assertEquals(Errno.EOPNOTSUPP.negative(), Qp.create(f.pd, init).err(), "flag " + flag);
        }
        assertEquals(3, f.dev.liveTotal(), "the fixture's PD and two CQs, no QP: " + f.dev.liveSummary());
    }

    // drivers/infiniband/sw/rxe/rxe_verbs.c: rxe_post_send, a QP below RTS cannot send
    @Test
    void shouldReturnEinvalWithBadWrZeroForPostSendBeforeRts() {
        Qp a = rc(aCq, QpCap.of(8, 8, 1), SigType.ALL_WR);
        Qp b = rc(bCq, QpCap.of(8, 8, 1), SigType.ALL_WR);
        List<SendWr> two = List.of(f.send(1, src, 8), f.send(2, src, 8));

        assertEquals(PostResult.fail(Errno.EINVAL.negative(), 0), a.postSend(two), "RESET");
        assertEquals(0, a.modify(Fixture.rcInitAttr(), Fixture.RC_INIT_MASK));
        assertEquals(PostResult.fail(Errno.EINVAL.negative(), 0), a.postSend(two), "INIT");
        assertEquals(0, a.modify(Fixture.rcRtrAttr(b.qpNum()), Fixture.RC_RTR_MASK));
        assertEquals(PostResult.fail(Errno.EINVAL.negative(), 0), a.postSend(two), "RTR");

        assertEquals(0, a.modify(Fixture.rcRtsAttr(7), Fixture.RC_RTS_MASK));
        Fixture.rcToRts(b, a.qpNum(), 7);
        assertTrue(b.postRecv(f.recv(9, dst, 64)).ok());
        f.run();
        assertTrue(Fixture.poll(aCq).isEmpty(), "no rejected WR was queued");
        assertEquals(QpState.RTS, a.state());
    }

    // drivers/infiniband/sw/rxe/rxe_verbs.c: rxe_post_recv, a QP in RESET takes no receives
    @Test
    void shouldReturnEinvalForPostRecvInResetAndAcceptItFromInit() {
        Qp a = rc(aCq, QpCap.of(8, 8, 1), SigType.ALL_WR);

        assertEquals(PostResult.fail(Errno.EINVAL.negative(), 0), a.postRecv(f.recv(1, dst, 64)));

        assertEquals(0, a.modify(Fixture.rcInitAttr(), Fixture.RC_INIT_MASK));
        assertTrue(a.postRecv(f.recv(2, dst, 64)).ok());
        Fixture.toErr(a);
        assertEquals(List.of(2L), wrIds(Fixture.poll(aCq)), "only the receive posted in INIT was queued");
    }

    // drivers/infiniband/sw/rxe/rxe_verbs.c: post_one_send, a full queue is -ENOMEM at that WR
    @Test
    void shouldReturnEnomemAtFirstSendThatDoesNotFitAndKeepEarlierOnes() {
        Qp a = rc(aCq, QpCap.of(3, 8, 1), SigType.ALL_WR);
        Qp b = rc(bCq, QpCap.of(8, 8, 1), SigType.ALL_WR);
        Fixture.connect(a, b);
        for (int i = 0; i < 4; i++) {
            assertTrue(b.postRecv(f.recv(100 + i, dst + 64L * i, 64)).ok());
        }

        PostResult r = a.postSend(List.of(f.send(0, src, 8), f.send(1, src, 8), f.send(2, src, 8), f.send(3, src, 8)));

        assertEquals(PostResult.fail(Errno.ENOMEM.negative(), 3), r);
        f.run();
        List<Wc> done = Fixture.poll(aCq);
        assertEquals(List.of(0L, 1L, 2L), wrIds(done));
        assertEquals(List.of(WcStatus.SUCCESS, WcStatus.SUCCESS, WcStatus.SUCCESS), statuses(done));
        assertEquals(List.of(100L, 101L, 102L), wrIds(Fixture.poll(bCq)));
    }

    // drivers/infiniband/sw/rxe/rxe_verbs.c: post_one_recv, a full queue is -ENOMEM at that WR
    @Test
    void shouldReturnEnomemAtFirstReceiveThatDoesNotFitAndKeepEarlierOnes() {
        Qp a = rc(aCq, QpCap.of(8, 3, 1), SigType.ALL_WR);
        assertEquals(0, a.modify(Fixture.rcInitAttr(), Fixture.RC_INIT_MASK));

        PostResult r = a.postRecv(
                List.of(f.recv(0, dst, 64), f.recv(1, dst, 64), f.recv(2, dst, 64), f.recv(3, dst, 64)));

        assertEquals(PostResult.fail(Errno.ENOMEM.negative(), 3), r);
        Fixture.toErr(a);
        assertEquals(List.of(0L, 1L, 2L), wrIds(Fixture.poll(aCq)));
    }

    // drivers/infiniband/sw/rxe/rxe_verbs.c: validate_send_wr and post_one_recv check num_sge
    @Test
    void shouldReturnEinvalForNumSgeAboveCap() {
        Qp a = rc(aCq, QpCap.of(8, 8, 1), SigType.ALL_WR);
        Qp b = rc(bCq, QpCap.of(8, 8, 1), SigType.ALL_WR);
        Fixture.connect(a, b);
        SendWr twoSges = SendWr.send(1, f.sge(src, 8), f.sge(src + 8, 8));
        RecvWr twoRecvSges = new RecvWr(11, f.sge(dst, 8), f.sge(dst + 8, 8));

        PostResult send = a.postSend(List.of(f.send(0, src, 8), twoSges));
        PostResult recv = b.postRecv(List.of(f.recv(10, dst, 64), twoRecvSges));

        assertEquals(PostResult.fail(Errno.EINVAL.negative(), 1), send);
        assertEquals(PostResult.fail(Errno.EINVAL.negative(), 1), recv);
        f.run();
        assertEquals(List.of(0L), wrIds(Fixture.poll(aCq)));
        assertEquals(List.of(10L), wrIds(Fixture.poll(bCq)));
    }

    // drivers/infiniband/sw/rxe/rxe_verbs.c: post_one_recv tests a full queue (-ENOMEM) before
    // num_sge, and refuses with -EINVAL a receive of 2^31 bytes or more; on an SRQ too
    @Test
    void shouldCheckFullQueueFirstAndRefuseReceivesOfTwoGigabytes() {
        Qp a = rc(aCq, QpCap.of(8, 3, 2), SigType.ALL_WR);
        assertEquals(0, a.modify(Fixture.rcInitAttr(), Fixture.RC_INIT_MASK));
        Srq srq = Srq.create(f.pd, null, new SrqAttr(3, 2, 0)).get();
        RecvWr twoGigabytes = new RecvWr(9, f.sge(dst, 0x4000_0000), f.sge(dst, 0x4000_0000));
        RecvWr threeSges = new RecvWr(4, f.sge(dst, 8), f.sge(dst, 8), f.sge(dst, 8));

        assertEquals(PostResult.fail(Errno.EINVAL.negative(), 0), a.postRecv(twoGigabytes));
        assertEquals(PostResult.fail(Errno.EINVAL.negative(), 0), srq.postRecv(twoGigabytes));
        List<RecvWr> three = List.of(f.recv(1, dst, 64), f.recv(2, dst, 64), f.recv(3, dst, 64));
        assertEquals(PostResult.OK, a.postRecv(three));
        assertEquals(PostResult.OK, srq.postRecv(three));
        assertEquals(PostResult.fail(Errno.ENOMEM.negative(), 0), a.postRecv(threeSges));
        assertEquals(PostResult.fail(Errno.ENOMEM.negative(), 0), srq.postRecv(threeSges));
    }

    // drivers/infiniband/sw/rxe/rxe_verbs.c: validate_send_wr, UD QPs only send
    @Test
    void shouldReturnEinvalForRdmaOnUdQp() {
        Qp ud = f.qp(QpType.UD, aCq, QpCap.of(8, 8, 1));
        Fixture.udToRts(ud, 0x1111);
        SendWr write = new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sgList(f.sge(src, 8)).ah(f.ah())
                .sendFlags(SendFlags.SIGNALED);

        assertEquals(PostResult.fail(Errno.EINVAL.negative(), 0), ud.postSend(write));

        f.run();
        assertTrue(Fixture.poll(aCq).isEmpty());
    }

    // drivers/infiniband/sw/rxe/rxe_verbs.c: validate_send_wr asks an atomic for 8 bytes in all,
    // however many SGEs carry them
    @Test
    void shouldAcceptAtomicWhoseSgesSumToEightBytes() {
        Qp a = rc(aCq, QpCap.of(8, 8, 2), SigType.ALL_WR);
        Qp b = rc(bCq, QpCap.of(8, 8, 1), SigType.ALL_WR);
        Fixture.connect(a, b);
        long remote = f.buf(8);
        f.mem.writeLong(remote, 0x1122_3344_5566_7788L);
        int rkey = f.mr(remote, 8, Fixture.ALL_ACCESS).rkey();
        SendWr fetchAdd = new SendWr().wrId(1).opcode(WrOpcode.ATOMIC_FETCH_AND_ADD)
                .sgList(f.sge(dst, 4), f.sge(dst + 100, 4)).remoteAddr(remote).rkey(rkey).compareAdd(1);

        assertEquals(PostResult.OK, a.postSend(fetchAdd));
        f.run();

        assertEquals(List.of(WcStatus.SUCCESS), statuses(Fixture.poll(aCq)));
        assertEquals(0x5566_7788L, f.mem.readLong(dst) & 0xffff_ffffL);
        assertEquals(0x1122_3344L, f.mem.readLong(dst + 100) & 0xffff_ffffL);
    }

    // drivers/infiniband/sw/rxe/rxe_verbs.c: validate_send_wr refuses with -EINVAL an atomic whose
    // remote address is not 8-byte aligned, inline data on an opcode without WR_INLINE_MASK, and
    // a message above 2^31 bytes (IBA's largest)
    @Test
    void shouldReturnEinvalForMisalignedAtomicInlineReadAndOversizedMessage() {
        Qp a = rc(aCq, QpCap.of(8, 8, 2), SigType.ALL_WR);
        Qp b = rc(bCq, QpCap.of(8, 8, 1), SigType.ALL_WR);
        Fixture.connect(a, b);
        long remote = f.buf(16);
        int rkey = f.mr(remote, 16, Fixture.ALL_ACCESS).rkey();
        SendWr misaligned = new SendWr().wrId(1).opcode(WrOpcode.ATOMIC_CMP_AND_SWP).sgList(f.sge(dst, 8))
                .remoteAddr(remote + 4).rkey(rkey);
        SendWr inlineRead = new SendWr().wrId(2).opcode(WrOpcode.RDMA_READ).sgList(f.sge(dst, 8))
                .remoteAddr(remote).rkey(rkey).sendFlags(SendFlags.INLINE);
        SendWr huge = SendWr.send(3, f.sge(src, 0x4000_0000), f.sge(src, 0x4000_0001));

        assertEquals(PostResult.fail(Errno.EINVAL.negative(), 0), a.postSend(misaligned));
        assertEquals(PostResult.fail(Errno.EINVAL.negative(), 0), a.postSend(inlineRead));
        assertEquals(PostResult.fail(Errno.EINVAL.negative(), 0), a.postSend(huge));
        f.run();
        assertTrue(Fixture.poll(aCq).isEmpty());
        assertEquals(QpState.RTS, a.state());
    }

    // drivers/infiniband/sw/rxe/rxe_qp.c: rxe_qp_from_attr keeps max_rd_atomic and
    // max_dest_rd_atomic rounded up to a power of two (0 stays 0), and rxe_qp_to_attr reports them
    @Test
    void shouldReportReadDepthsRoundedUpToPowerOfTwo() {
        Qp a = rc(aCq, QpCap.of(8, 8, 1), SigType.ALL_WR);
        Qp b = rc(bCq, QpCap.of(8, 8, 1), SigType.ALL_WR);
        assertEquals(0, a.modify(Fixture.rcInitAttr(), Fixture.RC_INIT_MASK));
        QpAttr rtr = Fixture.rcRtrAttr(b.qpNum());
        rtr.maxDestRdAtomic = 3;
        assertEquals(0, a.modify(rtr, Fixture.RC_RTR_MASK));
        QpAttr rts = Fixture.rcRtsAttr(7);
        rts.maxRdAtomic = 5;
        assertEquals(0, a.modify(rts, Fixture.RC_RTS_MASK));

        QpAttr out = new QpAttr();
        assertEquals(0, a.query(out));
        assertEquals(4, out.maxDestRdAtomic);
        assertEquals(8, out.maxRdAtomic);

        assertEquals(0, b.modify(Fixture.rcInitAttr(), Fixture.RC_INIT_MASK));
        QpAttr noResources = Fixture.rcRtrAttr(a.qpNum());
        noResources.maxDestRdAtomic = 0;
        assertEquals(0, b.modify(noResources, Fixture.RC_RTR_MASK));
        assertEquals(0, b.query(out));
        assertEquals(0, out.maxDestRdAtomic);
    }

    // drivers/infiniband/sw/rxe/rxe_verbs.c: in ERR, new WRs are completed as flushed
    @Test
    void shouldCompletePostsInErrWithFlushErr() {
        Qp a = rc(aCq, QpCap.of(8, 8, 1), SigType.REQ_WR);
        assertEquals(0, a.modify(Fixture.rcInitAttr(), Fixture.RC_INIT_MASK));
        Fixture.toErr(a);

        assertTrue(a.postSend(f.send(1, src, 8).sendFlags(0)).ok());
        assertTrue(a.postRecv(f.recv(2, dst, 64)).ok());
        f.run();

        List<Wc> wcs = Fixture.poll(aCq);
        assertEquals(List.of(1L, 2L), wrIds(wcs));
        assertEquals(List.of(WcStatus.WR_FLUSH_ERR, WcStatus.WR_FLUSH_ERR), statuses(wcs));
        assertEquals(WcOpcode.RECV, wcs.get(1).opcode);
        assertEquals(a, wcs.get(0).qp);
    }

    // drivers/infiniband/sw/rxe/rxe_comp.c: flush_send_queue and rxe_resp.c: flush_recv_queue,
    // entering ERR completes every outstanding WR as flushed, in order, signaled or not
    @Test
    void shouldFlushEveryOutstandingWrInOrderOnErr() {
        Cq sendCq = f.cq(64);
        Cq recvCq = f.cq(64);
        QpInitAttr init = QpInitAttr.of(QpType.RC, sendCq, recvCq, QpCap.of(8, 8, 1));
        init.sqSigType = SigType.REQ_WR;
        Qp a = f.qp(init);
        Qp b = rc(bCq, QpCap.of(8, 8, 1), SigType.ALL_WR);
        Fixture.connect(a, b);
        assertTrue(a.postSend(List.of(f.send(0, src, 8), f.send(1, src, 8).sendFlags(0), f.send(2, src, 8))).ok());
        assertTrue(a.postRecv(List.of(f.recv(10, dst, 64), f.recv(11, dst, 64))).ok());

        Fixture.toErr(a);

        List<Wc> sends = Fixture.poll(sendCq);
        List<Wc> recvs = Fixture.poll(recvCq);
        assertEquals(List.of(0L, 1L, 2L), wrIds(sends));
        assertEquals(List.of(10L, 11L), wrIds(recvs));
        assertTrue(sends.stream().allMatch(wc -> wc.status == WcStatus.WR_FLUSH_ERR));
        assertTrue(recvs.stream().allMatch(wc -> wc.status == WcStatus.WR_FLUSH_ERR));
        f.run();
        assertTrue(Fixture.poll(bCq).isEmpty(), "nothing was sent after the flush");
        assertTrue(Fixture.poll(sendCq).isEmpty());
    }

    // drivers/infiniband/hw/mlx4/qp.c: __mlx4_ib_modify_qp cleans the CQs of a QP reset to RESET
    @Test
    void shouldDropCompletionsOfQpResetToReset() {
        Qp a = rc(aCq, QpCap.of(8, 8, 1), SigType.ALL_WR);
        Qp other = rc(aCq, QpCap.of(8, 8, 1), SigType.ALL_WR);
        assertEquals(0, a.modify(Fixture.rcInitAttr(), Fixture.RC_INIT_MASK));
        assertEquals(0, other.modify(Fixture.rcInitAttr(), Fixture.RC_INIT_MASK));
        assertTrue(a.postRecv(f.recv(1, dst, 64)).ok());
        assertTrue(other.postRecv(f.recv(2, dst, 64)).ok());
        Fixture.toErr(a);
        Fixture.toErr(other);

        assertEquals(0, a.modify(new QpAttr().state(QpState.RESET), 1));

        assertEquals(List.of(2L), wrIds(Fixture.poll(aCq)));
    }

    private static QpAttr query(Qp qp) {
        QpAttr out = new QpAttr();
        assertEquals(0, qp.query(out));
        return out;
    }

    private static int toSqd(Qp qp, boolean notify) {
        QpAttr sqd = new QpAttr().state(QpState.SQD);
        sqd.enSqdAsyncNotify = notify;
        return qp.modify(sqd, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.EN_SQD_ASYNC_NOTIFY));
    }

    // drivers/infiniband/sw/rxe/rxe_qp.c: rxe_qp_sqd sets attr.sq_draining, which the send task
    // clears (rxe_req.c req_check_sq_drain_done); meanwhile __qp_chk_state refuses every move out
    // of SQD but to ERR with -EINVAL, and rxe_qp_to_attr reports sq_draining
    @Test
    void shouldRefuseLeavingSqdButToErrWhileSqDraining() {
        Qp a = rc(aCq, QpCap.of(8, 8, 1), SigType.ALL_WR);
        Qp b = rc(bCq, QpCap.of(8, 8, 1), SigType.ALL_WR);
        Fixture.connect(a, b);

        assertEquals(0, toSqd(a, false));

        assertTrue(query(a).sqDraining, "draining until the send task has run");
        assertEquals(Errno.EINVAL.negative(), a.modify(new QpAttr().state(QpState.RTS), QpAttrMask.STATE.bit()));
        assertEquals(Errno.EINVAL.negative(), a.modify(new QpAttr().state(QpState.SQD), QpAttrMask.STATE.bit()));
        assertEquals(Errno.EINVAL.negative(), a.modify(new QpAttr().state(QpState.RESET), QpAttrMask.STATE.bit()));
        assertEquals(QpState.SQD, a.state());
        f.run();
        assertFalse(query(a).sqDraining);
        assertEquals(0, a.modify(new QpAttr().state(QpState.SQD), QpAttrMask.STATE.bit()));
        assertTrue(query(a).sqDraining, "SQD->SQD drains again (rxe_qp_sqd)");
        f.run();
        assertEquals(0, a.modify(new QpAttr().state(QpState.RTS), QpAttrMask.STATE.bit()));
        assertFalse(query(a).sqDraining);
    }

    // drivers/infiniband/sw/rxe/rxe_qp.c: __qp_chk_state lets a draining QP go to ERR
    @Test
    void shouldMoveDrainingQpToErr() {
        Qp a = rc(aCq, QpCap.of(8, 8, 1), SigType.ALL_WR);
        Qp b = rc(bCq, QpCap.of(8, 8, 1), SigType.ALL_WR);
        Fixture.connect(a, b);
        assertEquals(0, toSqd(a, false));

        Fixture.toErr(a);

        assertFalse(query(a).sqDraining, "sq_draining belongs to SQD");
    }

    // drivers/infiniband/sw/rxe/rxe_req.c: req_check_sq_drain_done ends the drain when no WQE is
    // in progress, WQEs posted and not begun included (SQD begins none); IB_EVENT_SQ_DRAINED
    // follows when RTS->SQD asked for it (mlx4 qp.c: sqd_event)
    @Test
    void shouldReportSqDrainedWhenTheSendTaskRunsWithWrsStillQueued() {
        Fixture.Events events = f.events();
        QpInitAttr init = QpInitAttr.of(QpType.RC, aCq, aCq, QpCap.of(8, 8, 1));
        init.eventHandler = events;
        Qp a = f.qp(init);
        Qp b = rc(bCq, QpCap.of(8, 8, 1), SigType.ALL_WR);
        Fixture.connect(a, b);
        assertTrue(a.postSend(List.of(f.send(1, src, 8), f.send(2, src, 8))).ok());

        assertEquals(0, toSqd(a, true));
        f.run();

        assertEquals(List.of(IbEventType.SQ_DRAINED), events.types());
        assertFalse(query(a).sqDraining);
        assertTrue(Fixture.poll(aCq).isEmpty(), "SQD begins no queued WR");
        assertTrue(b.postRecv(List.of(f.recv(10, dst, 64), f.recv(11, dst, 64))).ok());
        assertEquals(0, a.modify(new QpAttr().state(QpState.RTS), QpAttrMask.STATE.bit()));
        f.run();
        assertEquals(List.of(1L, 2L), wrIds(Fixture.poll(aCq)));
    }
}
