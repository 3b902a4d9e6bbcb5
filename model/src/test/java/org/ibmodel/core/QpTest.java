// drivers/infiniband/core/verbs.c: ib_create_qp, _ib_modify_qp, ib_query_qp, ib_destroy_qp,
// __ib_drain_sq, __ib_drain_rq, ib_drain_qp
package org.ibmodel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.KernelBug;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class QpTest {

    private final Fixture f = new Fixture();
    private final Cq cq = f.cq(64);

    private int liveQps() {
        return f.dev.liveCount(ResType.QP);
    }

    private void assertNothingHeld() {
        assertEquals(0, liveQps());
        assertEquals(0, cq.usecnt());
        assertEquals(0, f.pd.usecnt());
    }

    private static QpAttr query(Qp qp) {
        QpAttr out = new QpAttr();
        assertEquals(0, qp.query(out));
        return out;
    }

    private Qp initRc() {
        Qp qp = f.rcQp(cq, cq);
        assertEquals(0, qp.modify(Fixture.rcInitAttr(), Fixture.RC_INIT_MASK));
        return qp;
    }

    private Qp rtrRc() {
        Qp qp = initRc();
        assertEquals(0, qp.modify(Fixture.rcRtrAttr(0x55), Fixture.RC_RTR_MASK));
        return qp;
    }

    // ---- ib_create_qp ------------------------------------------------------------------------

    // drivers/infiniband/sw/rxe/rxe_qp.c: rxe_qp_chk_cap against the device limits
    @Test
    void shouldReturnEinvalForCapsAboveDeviceMax() {
        DeviceAttr a = f.dev.attr();
        List<QpCap> tooBig = List.of(
                new QpCap(a.maxQpWr + 1, 1, 1, 1, 0),
                new QpCap(1, a.maxQpWr + 1, 1, 1, 0),
                new QpCap(1, 1, a.maxSendSge + 1, 1, 0),
                new QpCap(1, 1, 1, a.maxRecvSge + 1, 0));

        for (QpCap cap : tooBig) {
            assertEquals(Errno.EINVAL, Qp.create(f.pd, QpInitAttr.of(QpType.RC, cq, cq, cap)).errno(), cap.toString());
        }

        assertNothingHeld();
        assertFalse(Qp.create(f.pd, QpInitAttr.of(QpType.RC, cq, cq,
                new QpCap(a.maxQpWr, a.maxQpWr, a.maxSendSge, a.maxRecvSge, 0))).isErr());
    }

    // include/rdma/ib_verbs.h: enum ib_qp_type; the model creates no XRC QPs
    @Test
    void shouldReturnEopnotsuppForXrcIni() {
        Result<Qp> r = Qp.create(f.pd, QpInitAttr.of(QpType.XRC_INI, cq, cq, QpCap.of(1, 1, 1)));

        assertEquals(Errno.EOPNOTSUPP, r.errno());
        assertNothingHeld();
    }

    // One GSI QP (QP1) per port: the in-memory device answers a second as rxe_qp_chk_init does
    // (drivers/infiniband/sw/rxe/rxe_qp.c), -EINVAL; mthca_alloc_sqp and the HCA driver say -EBUSY.
    @Test
    void shouldReturnEinvalForSecondGsiOnSamePort() {
        QpInitAttr gsi = QpInitAttr.of(QpType.GSI, cq, cq, QpCap.of(4, 4, 1));
        gsi.portNum = Fixture.PORT;
        Qp first = Qp.create(f.pd, gsi).get();
        assertEquals(1, first.qpNum());

        Result<Qp> second = Qp.create(f.pd, gsi);

        assertEquals(Errno.EINVAL, second.errno());
        assertEquals(1, liveQps());
        assertEquals(2, cq.usecnt());
        assertEquals(1, f.pd.usecnt());
        assertEquals(0, first.destroy());
        assertEquals(1, Qp.create(f.pd, gsi).get().qpNum(), "the port's GSI QP can be made again");
    }

    // drivers/infiniband/sw/rxe/rxe_qp.c: rxe_qp_chk_init, "missing cq"
    @Test
    void shouldReturnEinvalWithoutCq() {
        assertEquals(Errno.EINVAL, Qp.create(f.pd, QpInitAttr.of(QpType.RC, null, cq, QpCap.of(1, 1, 1))).errno());
        assertEquals(Errno.EINVAL, Qp.create(f.pd, QpInitAttr.of(QpType.RC, cq, null, QpCap.of(1, 1, 1))).errno());

        assertNothingHeld();
    }

    // ---- ib_modify_qp ------------------------------------------------------------------------

    // drivers/infiniband/core/verbs.c: qp_state_table, RC connection setup
    @Test
    void shouldWalkResetInitRtrRtsWithKernelMasks() {
        Qp qp = f.rcQp(cq, cq);
        assertEquals(QpState.RESET, qp.state());

        int init = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.PORT, QpAttrMask.ACCESS_FLAGS);
        assertEquals(0, qp.modify(Fixture.rcInitAttr(), init));
        assertEquals(QpState.INIT, qp.state());
        assertEquals(Fixture.PORT, qp.portNum());

        int rtr = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV, QpAttrMask.PATH_MTU, QpAttrMask.DEST_QPN,
                QpAttrMask.RQ_PSN, QpAttrMask.MAX_DEST_RD_ATOMIC, QpAttrMask.MIN_RNR_TIMER);
        assertEquals(0, qp.modify(Fixture.rcRtrAttr(0x77), rtr));
        assertEquals(QpState.RTR, qp.state());

        int rts = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.TIMEOUT, QpAttrMask.RETRY_CNT, QpAttrMask.RNR_RETRY,
                QpAttrMask.SQ_PSN, QpAttrMask.MAX_QP_RD_ATOMIC);
        assertEquals(0, qp.modify(Fixture.rcRtsAttr(7), rts));

        QpAttr q = query(qp);
        assertEquals(QpState.RTS, q.qpState);
        assertEquals(0x77, q.destQpNum);
        assertEquals(Mtu.MTU_1024, q.pathMtu);
        assertEquals(14, q.timeout);
        assertEquals(7, q.rnrRetry);
    }

    // drivers/infiniband/core/verbs.c: ib_modify_qp_is_ok, a required attribute is missing
    @Test
    void shouldReturnEinvalAndKeepStateWhenRequiredBitMissing() {
        Qp qp = f.rcQp(cq, cq);

        int ret = qp.modify(Fixture.rcInitAttr(), Fixture.RC_INIT_MASK & ~QpAttrMask.ACCESS_FLAGS.bit());

        assertEquals(Errno.EINVAL.negative(), ret);
        assertEquals(QpState.RESET, qp.state());
        assertEquals(0, query(qp).portNum);

        assertEquals(0, qp.modify(Fixture.rcInitAttr(), Fixture.RC_INIT_MASK));
        int rtr = Fixture.RC_RTR_MASK & ~QpAttrMask.MIN_RNR_TIMER.bit();
        assertEquals(Errno.EINVAL.negative(), qp.modify(Fixture.rcRtrAttr(0x77), rtr));
        assertEquals(QpState.INIT, qp.state());
        assertEquals(0, query(qp).destQpNum);
    }

    // drivers/infiniband/core/verbs.c: ib_modify_qp_is_ok, IB_QP_CUR_STATE only from RTR/RTS/SQD/SQE
    @Test
    void shouldReturnEinvalForCurStateFromInit() {
        Qp qp = initRc();
        QpAttr a = Fixture.rcRtrAttr(0x77);
        a.curQpState = QpState.INIT;

        int ret = qp.modify(a, Fixture.RC_RTR_MASK | QpAttrMask.CUR_STATE.bit());

        assertEquals(Errno.EINVAL.negative(), ret);
        assertEquals(QpState.INIT, qp.state());
        assertEquals(0, query(qp).destQpNum);
    }

    // drivers/infiniband/core/verbs.c: IB_QP_CUR_STATE is allowed on RTR->RTS
    @Test
    void shouldAcceptCurStateFromRtr() {
        Qp qp = rtrRc();
        QpAttr a = Fixture.rcRtsAttr(7);
        a.curQpState = QpState.RTR;

        assertEquals(0, qp.modify(a, Fixture.RC_RTS_MASK | QpAttrMask.CUR_STATE.bit()));

        assertEquals(QpState.RTS, qp.state());
    }

    // drivers/infiniband/core/verbs.c: _ib_modify_qp masks rq_psn and sq_psn to 24 bits
    @Test
    void shouldMaskPsnsTo24Bits() {
        Qp qp = initRc();
        QpAttr rtr = Fixture.rcRtrAttr(0x77);
        rtr.rqPsn = 0x7f12_3456;
        assertEquals(0, qp.modify(rtr, Fixture.RC_RTR_MASK));
        QpAttr rts = Fixture.rcRtsAttr(7);
        rts.sqPsn = 0xffab_cdef;
        assertEquals(0, qp.modify(rts, Fixture.RC_RTS_MASK));

        QpAttr q = query(qp);
        assertEquals(0x12_3456, q.rqPsn);
        assertEquals(0xab_cdef, q.sqPsn);
        assertEquals(0x7f12_3456, rtr.rqPsn, "the caller's attributes are not written");
    }

    // include/rdma/ib_verbs.h: enum ib_mtu runs from IB_MTU_256 (1) to IB_MTU_4096 (5)
    @Test
    void shouldReturnEinvalForPathMtuZeroOrSix() {
        Qp qp = initRc();
        for (int mtu : new int[] {0, 6}) {
            QpAttr a = Fixture.rcRtrAttr(0x77);
            a.pathMtuValue = mtu;

            assertEquals(Errno.EINVAL.negative(), qp.modify(a, Fixture.RC_RTR_MASK), "path_mtu " + mtu);

            assertEquals(QpState.INIT, qp.state());
            assertEquals(0, query(qp).destQpNum);
        }
    }

    // drivers/infiniband/sw/rxe/rxe_qp.c: rxe_qp_chk_attr, timeout above 31;
    // drivers/infiniband/sw/rdmavt/qp.c: rvt_modify_qp, retry_cnt or rnr_retry above 7
    @Test
    void shouldReturnEinvalForTimeoutRetryCntOrRnrRetryOutOfRange() {
        Qp qp = rtrRc();
        QpAttr timeout = Fixture.rcRtsAttr(7);
        timeout.timeout = 32;
        QpAttr retry = Fixture.rcRtsAttr(7);
        retry.retryCnt = 8;
        QpAttr rnr = Fixture.rcRtsAttr(8);

        for (QpAttr a : List.of(timeout, retry, rnr)) {
            assertEquals(Errno.EINVAL.negative(), qp.modify(a, Fixture.RC_RTS_MASK));
            assertEquals(QpState.RTR, qp.state());
            QpAttr q = query(qp);
            assertEquals(0, q.timeout);
            assertEquals(0, q.retryCnt);
            assertEquals(0, q.rnrRetry);
        }
    }

    // drivers/infiniband/sw/rxe/rxe_qp.c: rxe_qp_chk_attr, pkey index within the port's table
    @Test
    void shouldReturnEinvalForPkeyIndexBeyondTable() {
        Qp qp = f.rcQp(cq, cq);
        QpAttr a = Fixture.rcInitAttr();
        a.pkeyIndex = f.dev.port(Fixture.PORT).pkeyTableLength();

        assertEquals(Errno.EINVAL.negative(), qp.modify(a, Fixture.RC_INIT_MASK));

        assertEquals(QpState.RESET, qp.state());
        a.pkeyIndex = f.dev.port(Fixture.PORT).pkeyTableLength() - 1;
        assertEquals(0, qp.modify(a, Fixture.RC_INIT_MASK));
    }

    // drivers/infiniband/sw/rxe/rxe_qp.c: rxe_qp_chk_attr, max_rd_atomic and max_dest_rd_atomic
    @Test
    void shouldReturnEinvalForRdAtomicAboveDevice() {
        Qp qp = initRc();
        QpAttr rtr = Fixture.rcRtrAttr(0x77);
        rtr.maxDestRdAtomic = f.dev.attr().maxQpRdAtom + 1;
        assertEquals(Errno.EINVAL.negative(), qp.modify(rtr, Fixture.RC_RTR_MASK));
        assertEquals(QpState.INIT, qp.state());
        assertEquals(0, qp.modify(Fixture.rcRtrAttr(0x77), Fixture.RC_RTR_MASK));

        QpAttr rts = Fixture.rcRtsAttr(7);
        rts.maxRdAtomic = f.dev.attr().maxQpInitRdAtom + 1;

        assertEquals(Errno.EINVAL.negative(), qp.modify(rts, Fixture.RC_RTS_MASK));
        assertEquals(QpState.RTR, qp.state());
        assertEquals(0, query(qp).maxRdAtomic);
    }

    // mlx4_ib_modify_qp (hw/mlx4/qp.c), rxe_modify_qp (sw/rxe/rxe_verbs.c): a bit beyond
    // IB_QP_ATTR_STANDARD_BITS is -EOPNOTSUPP, before the move is checked
    @Test
    void shouldReturnEopnotsuppForAMaskBitBeyondTheStandardOnes() {
        Qp qp = f.rcQp(cq, cq);

        assertEquals(Errno.EOPNOTSUPP.negative(), qp.modify(Fixture.rcInitAttr(), Fixture.RC_INIT_MASK | (1 << 21)));
        assertEquals(Errno.EOPNOTSUPP.negative(),
                qp.modify(Fixture.rcInitAttr(), Fixture.RC_INIT_MASK | QpAttrMask.RATE_LIMIT.bit()));
        assertEquals(Errno.EOPNOTSUPP.negative(), qp.modify(new QpAttr().state(QpState.SQD),
                QpAttrMask.STATE.bit() | (1 << 31)), "RESET->SQD is no move either");

        assertEquals(QpState.RESET, qp.state());
    }

    // core/security.c ib_security_modify_qp checks the port and P_Key index a request names
    // before the driver sees it, so a bad index is -EINVAL even beside a bit the driver refuses
    @Test
    void shouldCheckThePkeyIndexBeforeTheDriverRefusesAMaskBit() {
        Qp qp = f.rcQp(cq, cq);
        QpAttr init = Fixture.rcInitAttr();
        init.pkeyIndex = 9999;

        assertEquals(Errno.EINVAL.negative(), qp.modify(init, Fixture.RC_INIT_MASK | QpAttrMask.RATE_LIMIT.bit()));
        assertEquals(QpState.RESET, qp.state());
    }

    // drivers/infiniband/core/verbs.c: a QP back in RESET forgets its connection
    @Test
    void shouldClearAttributesOnReset() {
        Qp qp = rtrRc();

        assertEquals(0, qp.modify(new QpAttr().state(QpState.RESET), QpAttrMask.STATE.bit()));

        QpAttr q = query(qp);
        assertEquals(QpState.RESET, q.qpState);
        assertEquals(0, q.destQpNum);
        assertEquals(0, q.portNum);
        assertNull(q.ahAttr);
    }

    // ---- ib_destroy_qp -----------------------------------------------------------------------

    // drivers/infiniband/core/verbs.c: ib_destroy_cq and ib_destroy_srq refuse while a QP holds them
    @Test
    void shouldHoldCqAndSrqUntilQpIsDestroyed() {
        Cq send = f.cq(8);
        Cq recv = f.cq(8);
        Srq srq = Srq.create(f.pd, null, new SrqAttr(8, 1, 0)).get();
        QpInitAttr init = QpInitAttr.of(QpType.RC, send, recv, QpCap.of(4, 4, 1));
        init.srq = srq;
        Qp qp = Qp.create(f.pd, init).get();
        assertEquals(1, send.usecnt());
        assertEquals(1, recv.usecnt());
        assertEquals(1, srq.usecnt());

        assertEquals(Errno.EBUSY.negative(), send.destroy());
        assertEquals(Errno.EBUSY.negative(), recv.destroy());
        assertEquals(Errno.EBUSY.negative(), srq.destroy());
        assertFalse(send.freed() || recv.freed() || srq.freed());

        assertEquals(0, qp.destroy());
        assertEquals(0, srq.usecnt());
        assertEquals(0, send.destroy());
        assertEquals(0, recv.destroy());
        assertEquals(0, srq.destroy());
    }

    // drivers/infiniband/core/verbs.c: ib_destroy_qp drops the QP and what it held
    @Test
    void shouldReleasePdAndCountOnDestroy() {
        Qp qp = f.rcQp(cq, cq);
        assertEquals(1, liveQps());

        assertEquals(0, qp.destroy());

        assertTrue(qp.freed());
        assertNothingHeld();
    }

    // drivers/infiniband/core/verbs.c: a destroyed QP may not be touched again
    @Test
    void shouldReportUseAfterDestroy() {
        Qp qp = initRc();
        assertEquals(0, qp.destroy());

        KernelBug modify = assertThrows(KernelBug.class,
                () -> qp.modify(new QpAttr().state(QpState.ERR), QpAttrMask.STATE.bit()));
        KernelBug post = assertThrows(KernelBug.class, () -> qp.postRecv(f.recv(1, f.buf(8), 8)));
        KernelBug destroy = assertThrows(KernelBug.class, qp::destroy);

        assertEquals("use_after_free", modify.rule());
        assertEquals("use_after_free", post.rule());
        assertEquals("use_after_free", destroy.rule());
        assertNothingHeld();
    }

    // ---- ib_drain_* --------------------------------------------------------------------------

    /** A connected pair whose first QP reaps through ib_alloc_cq'd CQs in {@code ctx}. */
    private Qp[] drainPair(PollContext ctx) {
        Cq send = Cq.alloc(f.dev, 32, 0, ctx).get();
        Cq recv = Cq.alloc(f.dev, 32, 0, ctx).get();
        Qp a = f.rcQp(send, recv);
        Qp b = f.rcQp(f.cq(32), f.cq(32));
        Fixture.connect(a, b);
        return new Qp[] {a, b};
    }

    // drivers/infiniband/core/verbs.c: __ib_drain_sq, every send WR completes before it returns
    @ParameterizedTest
    @EnumSource(value = PollContext.class, names = {"SOFTIRQ", "WORKQUEUE", "DIRECT"})
    void shouldDrainSqWithEverySendCompleted(PollContext ctx) {
        Qp[] qp = drainPair(ctx);
        Fixture.Done done = f.done();
        long buf = f.buf(256);
        assertTrue(qp[1].postRecv(f.recv(100, buf, 64)).ok());
        assertTrue(qp[0].postSend(f.send(0, buf, 64).wrCqe(done)).ok());
        f.run();
        assertTrue(qp[0].postSend(f.send(1, buf, 64).wrCqe(done), f.send(2, buf, 64).wrCqe(done)).ok());
        f.run();

        qp[0].drainSq();

        assertEquals(List.of(0L, 1L, 2L), done.wrIds());
        assertEquals(List.of(WcStatus.SUCCESS, WcStatus.WR_FLUSH_ERR, WcStatus.WR_FLUSH_ERR),
                done.wcs.stream().map(wc -> wc.status).toList());
        assertEquals(QpState.ERR, qp[0].state());
    }

    // drivers/infiniband/core/verbs.c: __ib_drain_rq
    @ParameterizedTest
    @EnumSource(value = PollContext.class, names = {"SOFTIRQ", "WORKQUEUE", "DIRECT"})
    void shouldDrainRqWithEveryReceiveCompleted(PollContext ctx) {
        Qp[] qp = drainPair(ctx);
        Fixture.Done done = f.done();
        long buf = f.buf(256);
        for (int i = 0; i < 3; i++) {
            assertTrue(qp[0].postRecv(new RecvWr(i, done, List.of(f.sge(buf, 64)))).ok());
        }

        qp[0].drainRq();

        assertEquals(List.of(0L, 1L, 2L), done.wrIds());
        assertTrue(done.wcs.stream().allMatch(wc -> wc.status == WcStatus.WR_FLUSH_ERR));
    }

    // drivers/infiniband/core/verbs.c: ib_drain_qp, the send queue then the receive queue
    @ParameterizedTest
    @EnumSource(value = PollContext.class, names = {"SOFTIRQ", "WORKQUEUE", "DIRECT"})
    void shouldDrainQpWithEveryWrCompleted(PollContext ctx) {
        Qp[] qp = drainPair(ctx);
        Fixture.Done sends = f.done();
        Fixture.Done recvs = f.done();
        long buf = f.buf(256);
        for (int i = 0; i < 4; i++) {
            assertTrue(qp[0].postRecv(new RecvWr(10 + i, recvs, List.of(f.sge(buf, 64)))).ok());
            assertTrue(qp[0].postSend(f.send(i, buf, 64).wrCqe(sends)).ok());
        }

        qp[0].drain();

        assertEquals(List.of(0L, 1L, 2L, 3L), sends.wrIds());
        assertEquals(List.of(10L, 11L, 12L, 13L), recvs.wrIds());
        assertEquals(QpState.ERR, qp[0].state());
    }

    // drivers/infiniband/core/verbs.c: draining needs a CQ that ib_core reaps
    @Test
    void shouldWarnOnDrainOfQpWithCreatedCq() {
        Qp qp = f.rcQp(cq, cq);

        KernelBug bug = assertThrows(KernelBug.class, qp::drainSq);

        assertEquals(KernelBug.WARN_ON, bug.rule());
        assertEquals(QpState.RESET, qp.state());
    }
}
