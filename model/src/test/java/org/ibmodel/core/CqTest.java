// drivers/infiniband/core/verbs.c (ib_create_cq, ib_destroy_cq, ib_resize_cq, ib_req_notify_cq)
// and drivers/infiniband/core/cq.c (ib_alloc_cq and its poll contexts)
package org.ibmodel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.ExecContext;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.sw.mem.MemDevice;
import org.ibmodel.traces.RdmaCore;
import org.ibmodel.traces.TraceBuffer;
import org.ibmodel.traces.TraceRecord;
import org.junit.jupiter.api.Test;

class CqTest {

    private final Fixture f = new Fixture();
    private final List<ExecContext> upcalls = new ArrayList<>();
    private final CompHandler comp = cq -> upcalls.add(f.kernel.context());
    private final long src = f.pattern(64, 1);
    private final long dst = f.buf(4096);

    /** Two connected RC QPs: {@code a} sends into {@code b}, whose receive CQ is {@code bRecvCq}. */
    private Qp[] pair(Cq aCq, Cq bRecvCq) {
        Qp a = f.rcQp(aCq, aCq);
        Qp b = f.rcQp(f.cq(64), bRecvCq);
        Fixture.connect(a, b);
        return new Qp[] {a, b};
    }

    private void sendInto(Qp a, Qp b, int count, int flags) {
        for (int i = 0; i < count; i++) {
            assertTrue(b.postRecv(f.recv(100 + i, dst + 64L * i, 64)).ok());
            assertTrue(a.postSend(f.send(i, src, 64).sendFlags(flags)).ok());
        }
        f.run();
    }

    // drivers/infiniband/sw/rxe/rxe_cq.c: rxe_cq_chk_attr, cqe <= 0 or > max_cqe
    @Test
    void shouldReturnEinvalForZeroOrOversizedCqe() {
        int live = f.dev.liveCount(ResType.CQ);

        assertEquals(Errno.EINVAL, Cq.create(f.dev, comp, null, new CqInitAttr(0, 0)).errno());
        assertEquals(Errno.EINVAL,
                Cq.create(f.dev, comp, null, new CqInitAttr(f.dev.attr().maxCqe + 1, 0)).errno());
        assertEquals(Errno.EINVAL, Cq.alloc(f.dev, 0, 0, PollContext.SOFTIRQ).errno());

        assertEquals(live, f.dev.liveCount(ResType.CQ));
        assertFalse(Cq.create(f.dev, comp, null, new CqInitAttr(f.dev.attr().maxCqe, 0)).isErr());
    }

    // drivers/infiniband/sw/rxe/rxe_verbs.c: rxe_destroy_cq, IBA C11-17
    @Test
    void shouldReturnEbusyWhenDestroyingCqInUseAndKeepItWorking() {
        Cq cq = f.cq(16);
        Qp[] qp = pair(cq, f.cq(16));
        int live = f.dev.liveCount(ResType.CQ);

        assertEquals(Errno.EBUSY.negative(), cq.destroy());

        assertFalse(cq.freed());
        assertEquals(live, f.dev.liveCount(ResType.CQ));
        sendInto(qp[0], qp[1], 1, SendFlags.SIGNALED);
        List<Wc> wcs = Fixture.poll(cq);
        assertEquals(1, wcs.size());
        assertEquals(WcStatus.SUCCESS, wcs.get(0).status);
    }

    // drivers/infiniband/core/verbs.c: ib_destroy_cq once the last QP is gone
    @Test
    void shouldDestroyCqOnceNoQpUsesIt() {
        Cq cq = f.cq(16);
        Qp qp = f.rcQp(cq, cq);
        assertEquals(2, cq.usecnt());

        assertEquals(0, qp.destroy());

        assertEquals(0, cq.usecnt());
        assertEquals(0, cq.destroy());
        assertTrue(cq.freed());
    }

    // drivers/infiniband/sw/rxe/rxe_cq.c: rxe_cq_chk_attr refuses a size below the queued count
    @Test
    void shouldReturnEinvalWhenResizingBelowQueuedEntries() {
        Cq cq = f.cq(15);
        Qp[] qp = pair(cq, f.cq(16));
        sendInto(qp[0], qp[1], 3, SendFlags.SIGNALED);

        assertEquals(Errno.EINVAL.negative(), cq.resize(2));

        assertEquals(15, cq.cqe());
        assertEquals(0, cq.resize(3));
        assertEquals(3, cq.cqe());
        assertEquals(List.of(0L, 1L, 2L), Fixture.poll(cq).stream().map(wc -> wc.wrId).toList());
    }

    // drivers/infiniband/core/verbs.c: ib_req_notify_cq arms for one upcall
    @Test
    void shouldFireNextCompArmOnceForAnyCompletion() {
        Cq cq = f.cq(16, comp, null);
        Qp[] qp = pair(cq, f.cq(16));
        assertEquals(0, cq.reqNotify(CqNotifyFlags.NEXT_COMP));

        sendInto(qp[0], qp[1], 2, SendFlags.SIGNALED);
        assertEquals(1, upcalls.size(), "an arm is consumed by the first completion");

        assertEquals(2, Fixture.poll(cq).size());
        assertEquals(0, cq.reqNotify(CqNotifyFlags.NEXT_COMP));
        sendInto(qp[0], qp[1], 1, SendFlags.SIGNALED);
        assertEquals(2, upcalls.size());
    }

    // drivers/infiniband/sw/rxe/rxe_cq.c: rxe_cq_post, a solicited-only arm ignores an
    // unsolicited success (IBA 11.4.2.2)
    @Test
    void shouldNotFireSolicitedArmForUnsolicitedSuccess() {
        Cq recvCq = f.cq(16, comp, null);
        Qp[] qp = pair(f.cq(16), recvCq);
        assertEquals(0, recvCq.reqNotify(CqNotifyFlags.SOLICITED));

        sendInto(qp[0], qp[1], 1, SendFlags.SIGNALED);

        assertTrue(upcalls.isEmpty());
        assertEquals(1, Fixture.poll(recvCq).size(), "the completion is queued all the same");
        sendInto(qp[0], qp[1], 1, SendFlags.SIGNALED | SendFlags.SOLICITED);
        assertEquals(1, upcalls.size(), "the solicited arm stays until a solicited completion");
    }

    // drivers/infiniband/sw/rxe/rxe_cq.c: rxe_cq_post, a solicited-only arm fires for the receive
    // of a SOLICITED send
    @Test
    void shouldFireSolicitedArmForSolicitedSend() {
        Cq recvCq = f.cq(16, comp, null);
        Qp[] qp = pair(f.cq(16), recvCq);
        assertEquals(0, recvCq.reqNotify(CqNotifyFlags.SOLICITED));

        sendInto(qp[0], qp[1], 1, SendFlags.SIGNALED | SendFlags.SOLICITED);

        assertEquals(List.of(ExecContext.HARDIRQ), upcalls);
    }

    // drivers/infiniband/sw/rxe/rxe_resp.c: do_complete posts a flushed receive as solicited, so
    // an unsuccessful completion fires a solicited-only arm (IBA 11.4.2.2)
    @Test
    void shouldFireSolicitedArmForErrorCompletion() {
        Cq recvCq = f.cq(16, comp, null);
        Qp[] qp = pair(f.cq(16), recvCq);
        assertTrue(qp[1].postRecv(f.recv(7, dst, 64)).ok());
        assertEquals(0, recvCq.reqNotify(CqNotifyFlags.SOLICITED));

        Fixture.toErr(qp[1]);
        f.run();

        assertEquals(1, upcalls.size());
        assertEquals(WcStatus.WR_FLUSH_ERR, Fixture.poll(recvCq).get(0).status);
    }

    // drivers/infiniband/sw/rxe/rxe_verbs.c: rxe_req_notify_cq ORs the arm, so a solicited
    // request does not weaken a pending next-completion arm
    @Test
    void shouldKeepNextCompArmWhenSolicitedArmFollows() {
        Cq recvCq = f.cq(16, comp, null);
        Qp[] qp = pair(f.cq(16), recvCq);
        assertEquals(0, recvCq.reqNotify(CqNotifyFlags.NEXT_COMP));
        assertEquals(0, recvCq.reqNotify(CqNotifyFlags.SOLICITED));

        sendInto(qp[0], qp[1], 1, SendFlags.SIGNALED);

        assertEquals(1, upcalls.size());
    }

    // include/rdma/ib_verbs.h ib_req_notify_cq refuses no flags; rxe_verbs.c rxe_req_notify_cq
    // arms with the solicited bits there are: none arms nothing, yet missed events are reported
    @Test
    void shouldArmNothingWithoutAnArmTypeAndRefuseNothing() {
        Cq cq = f.cq(16, comp, null);
        Qp[] qp = pair(cq, f.cq(16));

        assertEquals(0, cq.reqNotify(CqNotifyFlags.REPORT_MISSED_EVENTS));
        assertEquals(0, cq.reqNotify(0));

        sendInto(qp[0], qp[1], 1, SendFlags.SIGNALED);
        assertTrue(upcalls.isEmpty(), "no arm bit, no upcall");
        assertEquals(1, cq.reqNotify(CqNotifyFlags.REPORT_MISSED_EVENTS), "the CQ holds a completion");
    }

    // rxe_verbs.c rxe_req_notify_cq: both arm bits arm for any completion, not only a solicited one
    @Test
    void shouldArmForAnyCompletionWithBothArmBits() {
        Cq cq = f.cq(16, comp, null);
        Qp[] qp = pair(cq, f.cq(16));

        assertEquals(0, cq.reqNotify(CqNotifyFlags.SOLICITED_MASK));

        sendInto(qp[0], qp[1], 1, SendFlags.SIGNALED);
        assertEquals(1, upcalls.size(), "an unsolicited send completion fired the arm");
    }

    // include/rdma/ib_verbs.h: IB_CQ_REPORT_MISSED_EVENTS
    @Test
    void shouldReportMissedEventsWhenCqIsNotEmpty() {
        Cq cq = f.cq(16, comp, null);
        Qp[] qp = pair(cq, f.cq(16));
        int flags = CqNotifyFlags.NEXT_COMP | CqNotifyFlags.REPORT_MISSED_EVENTS;
        assertEquals(0, cq.reqNotify(flags), "empty CQ: nothing was missed");
        sendInto(qp[0], qp[1], 1, SendFlags.SIGNALED);

        assertTrue(cq.reqNotify(flags) > 0);

        assertEquals(1, Fixture.poll(cq).size());
        assertEquals(0, cq.reqNotify(flags));
    }

    // drivers/infiniband/core/verbs.c: ib_create_cq's comp_handler runs from the interrupt
    @Test
    void shouldRunCompHandlerOfCreatedCqInHardirq() {
        Cq cq = f.cq(16, comp, null);
        Qp[] qp = pair(cq, f.cq(16));
        cq.reqNotify(CqNotifyFlags.NEXT_COMP);

        assertTrue(qp[1].postRecv(f.recv(1, dst, 64)).ok());
        assertTrue(qp[0].postSend(f.send(1, src, 64)).ok());
        assertTrue(upcalls.isEmpty(), "nothing runs before the softirqs do");
        f.run();

        assertEquals(List.of(ExecContext.HARDIRQ), upcalls);
        assertEquals(1, cq.upcalls());
    }

    // drivers/infiniband/core/cq.c: IB_POLL_SOFTIRQ reaps from irq_poll
    @Test
    void shouldRunDoneInSoftirqForSoftirqCq() {
        Fixture.Done done = f.done();
        Cq cq = Cq.alloc(f.dev, 16, 0, PollContext.SOFTIRQ).get();
        Qp[] qp = pair(cq, f.cq(16));

        for (int i = 0; i < 3; i++) {
            assertTrue(qp[1].postRecv(f.recv(i, dst, 64)).ok());
            assertTrue(qp[0].postSend(f.send(i, src, 64).wrCqe(done)).ok());
        }
        f.run();

        assertEquals(List.of(0L, 1L, 2L), done.wrIds());
        assertEquals(List.of(ExecContext.SOFTIRQ, ExecContext.SOFTIRQ, ExecContext.SOFTIRQ), done.contexts);
        assertEquals(0, Fixture.poll(cq).size());
    }

    // drivers/infiniband/core/cq.c: IB_POLL_WORKQUEUE reaps from ib_comp_wq
    @Test
    void shouldRunDoneInProcessContextForWorkqueueCq() {
        Fixture.Done done = f.done();
        Cq cq = Cq.alloc(f.dev, 16, 0, PollContext.WORKQUEUE).get();
        Qp[] qp = pair(cq, f.cq(16));

        assertTrue(qp[1].postRecv(f.recv(1, dst, 64)).ok());
        assertTrue(qp[0].postSend(f.send(1, src, 64).wrCqe(done)).ok());
        assertTrue(done.wcs.isEmpty());
        f.run();

        assertEquals(List.of(1L), done.wrIds());
        assertEquals(List.of(ExecContext.PROCESS), done.contexts);
    }

    // drivers/infiniband/core/cq.c: IB_POLL_DIRECT is only reaped by ib_process_cq_direct
    @Test
    void shouldRunDoneForDirectCqOnlyThroughProcessDirectWithinBudget() {
        Fixture.Done done = f.done();
        Cq cq = Cq.alloc(f.dev, 16, 0, PollContext.DIRECT).get();
        Qp[] qp = pair(cq, f.cq(16));
        for (int i = 0; i < 5; i++) {
            assertTrue(qp[1].postRecv(f.recv(i, dst, 64)).ok());
            assertTrue(qp[0].postSend(f.send(i, src, 64).wrCqe(done)).ok());
        }
        f.run();
        assertTrue(done.wcs.isEmpty(), "no upcall reaps a direct CQ");

        assertEquals(2, cq.processDirect(2));
        assertEquals(List.of(0L, 1L), done.wrIds());
        assertEquals(3, cq.processDirect(-1));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), done.wrIds());
        assertEquals(0, cq.processDirect(-1));
        assertEquals(ExecContext.PROCESS, done.contexts.get(0));
    }

    // drivers/infiniband/core/cq.c: ib_process_cq_direct polls IB_POLL_BATCH_DIRECT (8) at a time,
    // and __ib_process_cq stops after a poll that returns less than the batch
    @Test
    void shouldPollDirectCqInBatchesOfEight() {
        TraceBuffer buffer = new TraceBuffer(256);
        Fixture.Done done = f.done();
        Cq cq = Cq.alloc(f.dev, 16, 0, PollContext.DIRECT).get();
        tenCompletionsTraced(cq, done, buffer);

        assertEquals(10, cq.processDirect(-1));

        assertEquals(List.of(new RdmaCore.CqPoll(cq.resId(), 8, 8), new RdmaCore.CqPoll(cq.resId(), 8, 2)),
                cqPolls(buffer));
        assertEquals(10, done.wcs.size());
    }

    // drivers/infiniband/core/cq.c __ib_process_cq: only -1 leaves the budget unbounded; the poll
    // size is min_t(u32, batch, budget - completed), so a budget of 0 still calls ib_poll_cq for
    // none, and another negative budget reaps one batch
    @Test
    void shouldTreatOnlyMinusOneAsUnboundedDirectBudget() {
        TraceBuffer buffer = new TraceBuffer(256);
        Fixture.Done done = f.done();
        Cq cq = Cq.alloc(f.dev, 16, 0, PollContext.DIRECT).get();
        tenCompletionsTraced(cq, done, buffer);

        assertEquals(0, cq.processDirect(0));
        assertEquals(8, cq.processDirect(-2));

        assertEquals(List.of(new RdmaCore.CqPoll(cq.resId(), 0, 0), new RdmaCore.CqPoll(cq.resId(), 8, 8)),
                cqPolls(buffer));
        assertEquals(8, done.wcs.size());
    }

    // drivers/infiniband/core/cq.c ib_free_cq calls irq_poll_disable before cq_free and destroy_cq;
    // lib/irq_poll.c: irq_poll_disable sleeps until a scheduled poll has run, and irq_poll_softirq
    // still runs the handler of a disabled iop, so an interrupt taken just before ib_free_cq is
    // reaped, not dropped
    @Test
    void shouldRunScheduledIrqPollBeforeFreeingSoftirqCq() {
        TraceBuffer buffer = new TraceBuffer(256);
        Cq cq = Cq.alloc(f.dev, 16, 0, PollContext.SOFTIRQ).get();
        f.core.tracer(new Tracer(f.kernel, buffer, Tracer.steppingClock(0, 1_000L)));
        f.kernel.runIn(ExecContext.HARDIRQ, cq::completionUpcall);

        cq.freeCq();
        f.run();

        assertEquals(List.of("cq_schedule", "cq_process", "cq_poll", "cq_free"),
                buffer.records().stream().map(r -> r.event().name()).toList());
        assertTrue(cq.freed());
    }

    /**
     * ib_destroy_cq on an ib_alloc_cq'd CQ stops no poller (ib_destroy_cq_user): the poll its
     * interrupt scheduled then runs on the freed CQ, a use after free; ib_free_cq stops it first.
     */
    @Test
    void shouldCatchAPollerLeftRunningByIbDestroyCq() {
        for (PollContext ctx : List.of(PollContext.SOFTIRQ, PollContext.WORKQUEUE)) {
            Cq cq = Cq.alloc(f.dev, 16, 0, ctx).get();
            f.kernel.runIn(ExecContext.HARDIRQ, cq::completionUpcall);
            assertEquals(0, cq.destroy(), ctx + ": ib_destroy_cq itself succeeds");
            KernelBug bug = assertThrows(KernelBug.class, f::run, ctx.name());
            assertEquals(KernelBug.KREF_USE_AFTER_FREE, bug.rule(), bug.getMessage());
        }
        Cq cq = Cq.alloc(f.dev, 16, 0, PollContext.WORKQUEUE).get();
        f.kernel.runIn(ExecContext.HARDIRQ, cq::completionUpcall);
        cq.freeCq();
        f.run();
        assertTrue(cq.freed(), "ib_free_cq stops the poller");
    }

    /**
     * Verbs put no context rule on the driver's comp_handler call: rxe's tasks, work items since
     * they left tasklets, and siw's kthreads call it in process context, and ib_cq_completion_softirq
     * and ib_cq_completion_workqueue (core/cq.c) schedule their poll from any context.
     */
    @Test
    void shouldTakeACompletionUpcallFromProcessContext() {
        TraceBuffer buffer = new TraceBuffer(256);
        f.core.tracer(new Tracer(f.kernel, buffer, Tracer.steppingClock(0, 1_000L)));
        for (PollContext ctx : List.of(PollContext.SOFTIRQ, PollContext.WORKQUEUE)) {
            Cq cq = Cq.alloc(f.dev, 16, 0, ctx).get();
            assertEquals(ExecContext.PROCESS, f.kernel.context());
            cq.completionUpcall();
            f.run();
            assertEquals(1, cq.upcalls());
            cq.freeCq();
            f.run();
        }
        List<String> each = List.of("cq_alloc", "cq_schedule", "cq_process", "cq_poll", "cq_free");
        assertEquals(java.util.stream.Stream.concat(each.stream(), each.stream()).toList(),
                buffer.records().stream().map(r -> r.event().name()).toList());
    }

    /** Ten SENDs whose completions on {@code cq} call {@code done}, then the tracer on {@code buffer}. */
    private void tenCompletionsTraced(Cq cq, Fixture.Done done, TraceBuffer buffer) {
        Qp[] qp = pair(cq, f.cq(16));
        for (int i = 0; i < 10; i++) {
            assertTrue(qp[1].postRecv(f.recv(i, dst, 64)).ok());
            assertTrue(qp[0].postSend(f.send(i, src, 64).wrCqe(done)).ok());
        }
        f.run();
        f.core.tracer(new Tracer(f.kernel, buffer, Tracer.steppingClock(0, 1_000L)));
    }

    private static List<RdmaCore.CqPoll> cqPolls(TraceBuffer buffer) {
        List<RdmaCore.CqPoll> polls = new ArrayList<>();
        for (TraceRecord r : buffer.records()) {
            if (r.event() instanceof RdmaCore.CqPoll p) {
                polls.add(p);
            }
        }
        return polls;
    }

    // drivers/infiniband/core/cq.c: ib_process_cq_direct checks no poll context; on another CQ it
    // only risks running beside the CQ's own poller (nvme-rdma once polled softirq CQs this way)
    @Test
    void shouldProcessDirectAnyCqInCallersContext() {
        Fixture.Done done = f.done();
        Cq softirqCq = Cq.alloc(f.dev, 16, 0, PollContext.SOFTIRQ).get();
        Cq createdCq = f.cq(16);
        Qp[] qp = pair(createdCq, f.cq(16));
        for (int i = 0; i < 2; i++) {
            assertTrue(qp[1].postRecv(f.recv(i, dst, 64)).ok());
            assertTrue(qp[0].postSend(f.send(i, src, 64).wrCqe(done)).ok());
        }
        f.run();

        assertEquals(0, softirqCq.processDirect(1));
        assertEquals(2, createdCq.processDirect(-1));

        assertEquals(List.of(0L, 1L), done.wrIds());
        assertEquals(List.of(ExecContext.PROCESS, ExecContext.PROCESS), done.contexts);
    }

    // drivers/infiniband/sw/rxe/rxe_cq.c: rxe_cq_post reports a full queue as IB_EVENT_CQ_ERR
    @Test
    void shouldRaiseCqErrOnOverrun() {
        Fixture.Events events = f.events();
        Cq cq = Cq.create(f.dev, comp, events, new CqInitAttr(1, 0)).get();
        Qp[] qp = pair(cq, f.cq(16));

        sendInto(qp[0], qp[1], 2, SendFlags.SIGNALED);

        assertEquals(List.of(IbEventType.CQ_ERR), events.types());
        assertSame(cq, events.events.get(0).cq());
        List<Wc> kept = Fixture.poll(cq);
        assertEquals(1, kept.size());
        assertEquals(0L, kept.get(0).wrId, "the entries already queued stay");
    }

    // drivers/infiniband/sw/rxe/rxe_cq.c: rxe_send_complete skips a dying CQ, so no upcall
    // reaches a CQ once ib_destroy_cq has returned
    @Test
    void shouldNotCallCompHandlerAfterDestroy() {
        Fixture.Events events = f.events();
        Cq cq = Cq.create(f.dev, comp, events, new CqInitAttr(1, 0)).get();
        Qp qp = f.rcQp(cq, cq);
        assertEquals(0, qp.modify(Fixture.rcInitAttr(), Fixture.RC_INIT_MASK));
        assertTrue(qp.postRecv(f.recv(1, dst, 64), f.recv(2, dst, 64)).ok());
        assertEquals(0, cq.reqNotify(CqNotifyFlags.NEXT_COMP));
        Fixture.toErr(qp);

        assertEquals(0, qp.destroy());
        assertEquals(0, cq.destroy());
        f.run();

        assertTrue(upcalls.isEmpty(), "completion upcall after ib_destroy_cq");
        assertTrue(events.events.isEmpty(), "CQ event after ib_destroy_cq");
        assertEquals(0, cq.upcalls());
    }

    // drivers/infiniband/core/verbs.c: use of a destroyed CQ
    @Test
    void shouldReportUseOfDestroyedCq() {
        Cq cq = f.cq(4);
        assertEquals(0, cq.destroy());

        KernelBug bug = assertThrows(KernelBug.class, () -> cq.reqNotify(CqNotifyFlags.NEXT_COMP));

        assertEquals("use_after_free", bug.rule());
    }

    @Test
    void shouldAnswerEopnotsuppToModerationWithoutADriverModifyCq() {
        // rdma_set_cq_moderation: rxe has no modify_cq, nor has the in-memory device.
        assertEquals(Errno.EOPNOTSUPP.negative(), f.cq(16).setModeration(4, 10));
        assertEquals(0, f.dev.attr().maxCqModerationCount, "ib_cq_caps: none");
        assertEquals(0, f.dev.attr().maxCqModerationPeriod);
    }

    @Test
    void shouldHandTheDriverModerationAsTheKernelsU16sAndNotWhenDestroyed() {
        List<String> calls = new ArrayList<>();
        IbDevice dev = MemDevice.create(f.core, "mem1", f.mem, 2, real -> new ForwardingDeviceOps(real) {
            @Override
            public int modifyCq(Cq cq, int cqCount, int cqPeriod) {
                calls.add(cqCount + "/" + cqPeriod);
                return 0;
            }
        });
        Cq cq = Cq.create(dev, null, null, new CqInitAttr(16, 0)).get();
        assertEquals(0, cq.setModeration(0x10003, 0xffff));
        assertEquals(List.of("3/65535"), calls, "u16 arguments keep their low 16 bits");
        assertEquals(0, cq.destroy());
        assertEquals("use_after_free", assertThrows(KernelBug.class, () -> cq.setModeration(1, 1)).rule());
        assertEquals(1, calls.size());
    }
}
