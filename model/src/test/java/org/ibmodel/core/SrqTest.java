// drivers/infiniband/core/verbs.c: ib_create_srq_user, ib_modify_srq, ib_destroy_srq_user;
// limit and last-WQE events as drivers/infiniband/sw/rxe/rxe_resp.c raises them
package org.ibmodel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sw.mem.MemDevice;
import org.junit.jupiter.api.Test;

class SrqTest {

    private final Fixture f = new Fixture();
    private final Fixture.Events srqEvents = f.events();
    private final Fixture.Events qpEvents = f.events();
    private final long src = f.pattern(64, 3);
    private final long dst = f.buf(4096);

    private Srq srq(int maxWr) {
        return Srq.create(f.pd, srqEvents, new SrqAttr(maxWr, 1, 0)).get();
    }

    /** {@code a} sends into {@code b}, which receives from {@code srq}. */
    private Qp[] pairOnSrq(Srq srq) {
        Qp a = f.rcQp(f.cq(32), f.cq(32));
        Cq bCq = f.cq(32);
        QpInitAttr init = QpInitAttr.of(QpType.RC, bCq, bCq, QpCap.of(8, 0, 1));
        init.srq = srq;
        init.eventHandler = qpEvents;
        Qp b = f.qp(init);
        Fixture.connect(a, b);
        return new Qp[] {a, b};
    }

    private void postRecvs(Srq srq, int n) {
        for (int i = 0; i < n; i++) {
            assertTrue(srq.postRecv(f.recv(i, dst + 64L * i, 64)).ok());
        }
    }

    private void send(Qp a, int n) {
        for (int i = 0; i < n; i++) {
            assertTrue(a.postSend(f.send(i, src, 64)).ok());
        }
    }

    // drivers/infiniband/sw/rxe/rxe_srq.c: rxe_srq_chk_init against max_srq_wr / max_srq_sge
    @Test
    void shouldReturnEinvalForSizesAboveDeviceMax() {
        DeviceAttr a = f.dev.attr();

        assertEquals(Errno.EINVAL, Srq.create(f.pd, null, new SrqAttr(a.maxSrqWr + 1, 1, 0)).errno());
        assertEquals(Errno.EINVAL, Srq.create(f.pd, null, new SrqAttr(16, a.maxSrqSge + 1, 0)).errno());
        assertEquals(Errno.EINVAL, Srq.create(f.pd, null, new SrqAttr(0, 1, 0)).errno());

        assertEquals(0, f.dev.liveCount(ResType.SRQ));
        assertEquals(0, f.pd.usecnt());
    }

    // drivers/infiniband/sw/rxe/rxe_srq.c: rxe_srq_chk_attr, srq_limit above max_wr
    @Test
    void shouldReturnEinvalForLimitAboveMaxWr() {
        Srq srq = srq(7);

        assertEquals(Errno.EINVAL.negative(), srq.modify(new SrqAttr(0, 0, 8), SrqAttr.LIMIT));

        assertEquals(0, srq.srqLimit());
        assertEquals(7, query(srq).maxWr);
        assertEquals(0, srq.modify(new SrqAttr(0, 0, 7), SrqAttr.LIMIT));
        assertEquals(7, query(srq).srqLimit);
    }

    // drivers/infiniband/sw/rxe/rxe_srq.c: rxe_srq_chk_attr, a resize may not drop posted WRs
    @Test
    void shouldReturnEinvalForMaxWrBelowPostedWrs() {
        Srq srq = srq(7);
        postRecvs(srq, 4);

        assertEquals(Errno.EINVAL.negative(), srq.modify(new SrqAttr(3, 0, 0), SrqAttr.MAX_WR));

        assertEquals(7, srq.maxWr());
        // Four fit in the queue a size of 4 gets, seven WRs (rxe_queue_resize writes that back).
        assertEquals(0, srq.modify(new SrqAttr(4, 0, 0), SrqAttr.MAX_WR));
        assertEquals(7, srq.maxWr());
        assertEquals(0, srq.modify(new SrqAttr(15, 0, 0), SrqAttr.MAX_WR));
        assertEquals(15, srq.maxWr());
    }

    // drivers/infiniband/sw/rxe/rxe_srq.c: rxe_srq_chk_attr, max_wr below the armed limit
    @Test
    void shouldReturnEinvalForMaxWrBelowArmedLimit() {
        Srq srq = srq(15);
        assertEquals(0, srq.modify(new SrqAttr(0, 0, 6), SrqAttr.LIMIT));

        assertEquals(Errno.EINVAL.negative(), srq.modify(new SrqAttr(5, 0, 0), SrqAttr.MAX_WR));

        assertEquals(15, srq.maxWr());
        assertEquals(6, srq.srqLimit());
        assertEquals(0, srq.modify(new SrqAttr(6, 0, 0), SrqAttr.MAX_WR));
        assertEquals(7, srq.maxWr());
    }

    // drivers/infiniband/sw/rxe/rxe_verbs.c: rxe_post_srq_recv stops at the first WR that fails
    @Test
    void shouldStopPostingAtFullSrqWithBadWr() {
        Srq srq = srq(3);
        List<RecvWr> wrs = List.of(f.recv(0, dst, 64), f.recv(1, dst, 64), f.recv(2, dst, 64), f.recv(3, dst, 64));

        PostResult r = srq.postRecv(wrs);

        assertEquals(Errno.ENOMEM.negative(), r.ret());
        assertEquals(3, r.badWr());
        assertEquals(Errno.EINVAL.negative(),
                srq(4).postRecv(new RecvWr(9, f.sge(dst, 8), f.sge(dst + 8, 8))).ret(), "num_sge above max_sge");
    }

    // drivers/infiniband/sw/rxe/rxe_resp.c: get_srq_wqe, the limit event fires once when fewer
    // WRs than the limit remain, then disarms (IBA 10.2.9.4)
    @Test
    void shouldFireLimitEventOnceThenDisarm() {
        Srq srq = srq(8);
        Qp[] qp = pairOnSrq(srq);
        postRecvs(srq, 5);
        assertEquals(0, srq.modify(new SrqAttr(0, 0, 3), SrqAttr.LIMIT));

        send(qp[0], 2);
        f.run();
        assertTrue(srqEvents.events.isEmpty(), "3 WRs left is not below a limit of 3");

        send(qp[0], 1);
        f.run();
        assertEquals(List.of(IbEventType.SRQ_LIMIT_REACHED), srqEvents.types());
        assertSame(srq, srqEvents.events.get(0).srq());
        assertEquals(0, srq.srqLimit(), "the limit disarms");

        send(qp[0], 2);
        f.run();
        assertEquals(1, srqEvents.events.size());
    }

    // drivers/infiniband/sw/rxe/rxe_srq.c: rxe_srq_from_init arms the srq_limit the SRQ is
    // created with
    @Test
    void shouldArmTheLimitTheSrqIsCreatedWith() {
        Srq srq = Srq.create(f.pd, srqEvents, new SrqAttr(8, 1, 3)).get();
        SrqAttr out = new SrqAttr(0, 0, 0);
        assertEquals(0, srq.query(out));
        assertEquals(3, out.srqLimit);
        Qp[] qp = pairOnSrq(srq);
        postRecvs(srq, 5);

        send(qp[0], 3);
        f.run();

        assertEquals(List.of(IbEventType.SRQ_LIMIT_REACHED), srqEvents.types());
    }

    // drivers/infiniband/sw/rxe/rxe_resp.c: get_srq_wqe disarms the limit only for an SRQ with an
    // event handler, the one it can tell
    @Test
    void shouldKeepTheLimitArmedOnAnSrqWithoutAnEventHandler() {
        Srq srq = Srq.create(f.pd, null, new SrqAttr(8, 1, 0)).get();
        Qp[] qp = pairOnSrq(srq);
        postRecvs(srq, 5);
        assertEquals(0, srq.modify(new SrqAttr(0, 0, 3), SrqAttr.LIMIT));

        send(qp[0], 3);
        f.run();

        SrqAttr out = new SrqAttr(0, 0, 0);
        assertEquals(0, srq.query(out));
        assertEquals(3, out.srqLimit);
        assertEquals(3, srq.srqLimit());
    }

    // drivers/infiniband/sw/rxe/rxe_resp.c: get_srq_wqe clears the limit as it takes the WQE that
    // crosses it, so WQEs taken before the event is delivered do not raise it again
    @Test
    void shouldFireLimitEventOnceForSeveralReceivesInOneBurst() {
        Srq srq = srq(8);
        Qp[] qp = pairOnSrq(srq);
        postRecvs(srq, 6);
        assertEquals(0, srq.modify(new SrqAttr(0, 0, 4), SrqAttr.LIMIT));

        send(qp[0], 5);
        f.run();

        assertEquals(List.of(IbEventType.SRQ_LIMIT_REACHED), srqEvents.types());
        assertEquals(0, srq.srqLimit());
    }

    // drivers/infiniband/sw/rxe/rxe_verbs.c: rxe_query_srq reports the queue's room, max_sge and
    // its own srq->limit, which get_srq_wqe (rxe_resp.c) clears as it fires the event
    @Test
    void shouldQueryTheSizesAndTheLimitTheDriverHolds() {
        Srq srq = srq(8);
        Qp[] qp = pairOnSrq(srq);
        postRecvs(srq, 4);
        assertEquals(0, srq.modify(new SrqAttr(0, 0, 4), SrqAttr.LIMIT));
        SrqAttr out = new SrqAttr(0, 0, 0);

        assertEquals(0, srq.query(out));

        assertEquals(List.of(15, 1, 4), List.of(out.maxWr, out.maxSge, out.srqLimit));
        send(qp[0], 1);
        f.run();
        assertEquals(0, srq.query(out));
        assertEquals(0, out.srqLimit, "disarmed as it fired");
    }

    // drivers/infiniband/core/verbs.c: ib_query_srq returns the driver's query_srq, errno included
    @Test
    void shouldReturnWhatTheDriversQuerySrqReturns() {
        IbDevice dev = MemDevice.create(f.core, "mem1", f.mem, 2, ops -> new ForwardingDeviceOps(ops) {
            @Override
            public int querySrq(Srq srq, SrqAttr out) {
                return Errno.EIO.negative();
            }
        });
        assertEquals(0, f.core.registerDevice(dev));
        f.run();
        Srq srq = Srq.create(Pd.alloc(dev).get(), null, new SrqAttr(8, 1, 0)).get();

        assertEquals(Errno.EIO.negative(), srq.query(new SrqAttr(0, 0, 0)));
    }

    // drivers/infiniband/core/verbs.c: re-arming after the event arms again
    @Test
    void shouldFireAgainAfterRearm() {
        Srq srq = srq(8);
        Qp[] qp = pairOnSrq(srq);
        postRecvs(srq, 4);
        assertEquals(0, srq.modify(new SrqAttr(0, 0, 4), SrqAttr.LIMIT));
        send(qp[0], 1);
        f.run();

        assertEquals(0, srq.modify(new SrqAttr(0, 0, 3), SrqAttr.LIMIT));
        send(qp[0], 1);
        f.run();

        assertEquals(List.of(IbEventType.SRQ_LIMIT_REACHED, IbEventType.SRQ_LIMIT_REACHED), srqEvents.types());
    }

    // drivers/infiniband/sw/rxe/rxe_resp.c: flush_recv_queue, a QP on an SRQ reports its last
    // WQE when it enters ERR (IBA 10.3.1)
    @Test
    void shouldRaiseLastWqeReachedWhenQpOnSrqIsModifiedToErr() {
        Srq srq = srq(8);
        Qp[] qp = pairOnSrq(srq);

        Fixture.toErr(qp[1]);
        f.run();

        assertEquals(List.of(IbEventType.QP_LAST_WQE_REACHED), qpEvents.types());
        assertSame(qp[1], qpEvents.events.get(0).qp());

        Fixture.toErr(qp[1]);
        f.run();
        assertEquals(1, qpEvents.events.size(), "ERR -> ERR is not a new entry into ERR");
    }

    // drivers/infiniband/sw/rxe/rxe_resp.c: flush_recv_queue, also when the device moves the QP
    // to ERR itself, here as the responder of an access violation
    @Test
    void shouldRaiseLastWqeReachedWhenDeviceMovesQpOnSrqToErr() {
        Srq srq = srq(8);
        Qp[] qp = pairOnSrq(srq);
        SendWr badWrite = new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sgList(f.sge(src, 8))
                .remoteAddr(dst).rkey(0xdead).sendFlags(SendFlags.SIGNALED);

        assertTrue(qp[0].postSend(badWrite).ok());
        f.run();

        assertEquals(QpState.ERR, qp[1].state());
        assertEquals(List.of(IbEventType.QP_LAST_WQE_REACHED), qpEvents.types());
    }

    // drivers/infiniband/core/verbs.c: ib_destroy_qp, no event reaches a destroyed QP
    @Test
    void shouldNotRaiseLastWqeReachedAfterQpIsDestroyed() {
        Srq srq = srq(8);
        Qp[] qp = pairOnSrq(srq);
        Fixture.toErr(qp[1]);

        assertEquals(0, qp[1].destroy());
        f.run();

        assertTrue(qpEvents.events.isEmpty(), qpEvents.types().toString());
    }

    // drivers/infiniband/core/verbs.c: ib_destroy_srq_user refuses while a QP uses the SRQ
    @Test
    void shouldReturnEbusyWhenDestroyingSrqInUse() {
        Srq srq = srq(8);
        Qp[] qp = pairOnSrq(srq);
        postRecvs(srq, 1);

        assertEquals(Errno.EBUSY.negative(), srq.destroy());

        assertFalse(srq.freed());
        assertEquals(1, f.dev.liveCount(ResType.SRQ));
        send(qp[0], 1);
        f.run();
        List<Wc> wcs = Fixture.poll(qp[1].recvCq());
        assertEquals(1, wcs.size());
        assertEquals(WcStatus.SUCCESS, wcs.get(0).status);
        assertEquals(0, qp[1].destroy());
        assertEquals(0, srq.destroy());
    }

    // drivers/infiniband/sw/rxe/rxe_verbs.c: rxe_post_recv, a QP on an SRQ has no RQ of its own
    @Test
    void shouldReturnEinvalForPostRecvOnQpWithSrq() {
        Srq srq = srq(8);
        Qp[] qp = pairOnSrq(srq);

        PostResult r = qp[1].postRecv(f.recv(1, dst, 64));

        assertEquals(Errno.EINVAL.negative(), r.ret());
        assertEquals(0, r.badWr());
    }

    /** ib_query_srq, which must succeed here. */
    private static SrqAttr query(Srq srq) {
        SrqAttr a = new SrqAttr(0, 0, 0);
        assertEquals(0, srq.query(a));
        return a;
    }
}
