// drivers/infiniband/core/cq.c (ib_alloc_cq, polling in softirq / workqueue / direct) and
// drivers/infiniband/core/verbs.c (ib_create_cq, ib_destroy_cq, ib_resize_cq)
package org.ibmodel.core;

import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.kernel.Work;
import org.ibmodel.traces.RdmaCore;

/**
 * A completion queue. A CQ from {@link #create} or {@link #createUser} has its {@link CompHandler}
 * called by the driver in interrupt context (mlx4 defers a user CQ's to a tasklet); a CQ from
 * {@link #alloc} has ib_core reap it in its {@link PollContext} and call each work request's
 * {@link Cqe#done}.
 */
public final class Cq extends IbObject {
    /** IB_POLL_BATCH: completions fetched per ib_poll_cq call when ib_core reaps. */
    public static final int POLL_BATCH = 16;
    /** IB_POLL_BATCH_DIRECT: the smaller batch of ib_process_cq_direct, whose array is on the stack. */
    public static final int POLL_BATCH_DIRECT = 8;
    /** IB_POLL_BUDGET_IRQ */
    public static final int POLL_BUDGET_IRQ = 256;
    /** IB_POLL_BUDGET_WORKQUEUE */
    public static final int POLL_BUDGET_WORKQUEUE = 65536;
    /** IB_POLL_FLAGS: re-arm and learn whether completions arrived meanwhile. */
    static final int POLL_FLAGS = CqNotifyFlags.NEXT_COMP | CqNotifyFlags.REPORT_MISSED_EVENTS;

    private final CompHandler compHandler;
    /** cq->uobject: made for a process through uverbs, whose driver call carried udata. */
    private final boolean user;
    private final IbEventHandler eventHandler;
    private final PollContext pollCtx;
    private final Wc[] batch;
    private final Work pollWork;
    // struct irq_poll's IRQ_POLL_F_SCHED and IRQ_POLL_F_DISABLE bits (lib/irq_poll.c)
    private boolean irqPollScheduled;
    private boolean irqPollDisabled;
    /** Freed by ib_destroy_cq while its poller could still run (see {@link #destroy(boolean)}). */
    private boolean abandonedPoller;
    private int cqe;
    private long upcalls;
    // struct ib_cq's timestamp and interrupt: written only by the cq_schedule and cq_reschedule
    // tracepoints, read by cq_process (include/trace/events/rdma_core.h).
    private long traceTimestampNs;
    private boolean traceInterrupt;

    private Cq(IbDevice device, CompHandler compHandler, IbEventHandler eventHandler, PollContext pollCtx, int cqe,
            boolean user) {
        super(device, ResType.CQ);
        this.compHandler = compHandler;
        this.user = user;
        this.eventHandler = eventHandler;
        this.pollCtx = pollCtx;
        this.cqe = cqe;
        this.batch = pollCtx == null ? null : newBatch(POLL_BATCH);
        this.pollWork = new Work("ib_cq_poll_work", this::pollWork);
    }

    private static Wc[] newBatch(int size) {
        Wc[] b = new Wc[size];
        for (int i = 0; i < b.length; i++) {
            b[i] = new Wc();
        }
        return b;
    }

    /** ib_create_cq: the driver checks the size (rxe_cq_chk_attr, mlx4_ib_create_cq). */
    public static Result<Cq> create(IbDevice device, CompHandler compHandler, IbEventHandler eventHandler,
            CqInitAttr attr) {
        return make(device, compHandler, eventHandler, null, attr, false);
    }

    /**
     * ib_uverbs_create_cq (drivers/infiniband/core/uverbs_cmd.c): a process's CQ. uverbs sets
     * cq->uobject before it asks the driver, and asks with udata, so the driver knows the CQ is a
     * user one (mlx4_ib_create_cq then defers its completion handler to a tasklet).
     */
    public static Result<Cq> createUser(IbDevice device, CompHandler compHandler, IbEventHandler eventHandler,
            CqInitAttr attr) {
        return make(device, compHandler, eventHandler, null, attr, true);
    }

    /**
     * ib_alloc_cq: ib_core owns the upcall and reaps completions in {@code ctx}; the CQ is armed
     * at once unless it is polled directly.
     */
    public static Result<Cq> alloc(IbDevice device, int nrCqe, int compVector, PollContext ctx) {
        Result<Cq> r = make(device, null, null, ctx, new CqInitAttr(nrCqe, compVector), false);
        if (!r.isErr() && ctx != PollContext.DIRECT) {
            r.get().reqNotify(CqNotifyFlags.NEXT_COMP);
        }
        Tracer t = device.core().tracer();
        if (t != null) {
            t.fire(r.isErr() ? new RdmaCore.CqAllocError(nrCqe, compVector, ctx.name(), -r.errno().number())
                    : new RdmaCore.CqAlloc(r.get().resId(), nrCqe, compVector, ctx.name()));
        }
        return r;
    }

    private static Result<Cq> make(IbDevice device, CompHandler comp, IbEventHandler ev, PollContext ctx,
            CqInitAttr attr, boolean user) {
        device.kernel().mightSleep();
        // core/verbs.c __ib_create_cq and core/cq.c __ib_alloc_cq check neither the size nor how
        // many CQs there are: the driver does, with its own errno.
        Cq cq = new Cq(device, comp, ev, ctx, attr.cqe(), user);
        int ret = device.ops().createCq(cq, attr);
        if (ret != 0) {
            return Result.err(ret);
        }
        cq.live();
        return Result.of(cq);
    }

    /** Made for a process through uverbs (cq->uobject set); the driver was asked with udata. */
    public boolean user() {
        return user;
    }

    /** The number of entries the CQ holds. */
    public int cqe() {
        return cqe;
    }

    /** Set by the driver when it rounds the size up. */
    public void cqe(int actual) {
        cqe = actual;
    }

    /** The poll context of an ib_alloc_cq'd CQ; null for one from ib_create_cq. */
    public PollContext pollContext() {
        return pollCtx;
    }

    /** How many completion upcalls the device has made. */
    public long upcalls() {
        return upcalls;
    }

    /** ib_poll_cq: up to {@code numEntries} completions into {@code wc}; returns the count. */
    public int poll(int numEntries, Wc[] wc) {
        checkLive("ib_poll_cq");
        if (numEntries < 0 || numEntries > wc.length) {
            throw new IllegalArgumentException("poll of " + numEntries + " into an array of " + wc.length);
        }
        return device().ops().pollCq(this, numEntries, wc);
    }

    /**
     * ib_req_notify_cq (include/rdma/ib_verbs.h): straight to the driver, which alone reads the
     * flags: rxe arms with whatever solicited bits they carry (none arms nothing), mlx4 arms for
     * the next completion unless they are exactly IB_CQ_SOLICITED; neither refuses any.
     */
    public int reqNotify(int flags) {
        checkLive("ib_req_notify_cq");
        return device().ops().reqNotifyCq(this, flags);
    }

    /** ib_resize_cq: the driver checks the size and refuses to drop queued entries. */
    public int resize(int newCqe) {
        checkLive("ib_resize_cq");
        device().kernel().mightSleep();
        return device().ops().resizeCq(this, newCqe);
    }

    /**
     * rdma_set_cq_moderation (drivers/infiniband/core/verbs.c): the driver's modify_cq holds the
     * completion event back for {@code cqCount} completions or {@code cqPeriod} µs, whichever comes
     * first (0: no such bound). Both are u16 in the kernel, so only their low 16 bits are passed on.
     * -EOPNOTSUPP when the driver has no modify_cq, as rxe has none.
     */
    public int setModeration(int cqCount, int cqPeriod) {
        checkLive("rdma_set_cq_moderation");
        return device().ops().modifyCq(this, cqCount & 0xffff, cqPeriod & 0xffff);
    }

    /** ib_destroy_cq: -EBUSY while a QP or SRQ still uses the CQ, changing nothing. */
    public int destroy() {
        return destroy(false);
    }

    /**
     * ib_destroy_cq_user stops no poller: an ib_alloc_cq'd CQ destroyed with ib_destroy_cq
     * instead of ib_free_cq leaves a scheduled ib_poll_handler or ib_cq_poll_work to run on the
     * freed CQ ({@link #abandonedPoller}); ib_free_cq stops it first.
     */
    private int destroy(boolean pollerStopped) {
        checkLive("ib_destroy_cq");
        device().kernel().mightSleep();
        if (usecnt() != 0) {
            return Errno.EBUSY.negative();
        }
        int ret = device().ops().destroyCq(this);
        if (ret != 0) {
            return ret;
        }
        abandonedPoller = !pollerStopped && pollCtx != null && pollCtx != PollContext.DIRECT;
        free();
        return 0;
    }

    /** A poll found the CQ freed: a bug only if ib_destroy_cq freed it under a live poller. */
    private void pollAfterFree(String poller) {
        if (abandonedPoller) {
            throw new KernelBug(KernelBug.KREF_USE_AFTER_FREE, poller + " on " + this
                    + ", freed by ib_destroy_cq: an ib_alloc_cq'd CQ is freed with ib_free_cq");
        }
    }

    /** ib_free_cq: for ib_alloc_cq'd CQs; a CQ still in use is a caller bug the kernel WARNs on. */
    public void freeCq() {
        if (usecnt() != 0) {
            throw new KernelBug(KernelBug.WARN_ON, "ib_free_cq with usecnt " + usecnt());
        }
        // drivers/infiniband/core/cq.c: the poller is stopped before cq_free and destroy_cq.
        if (pollCtx == PollContext.SOFTIRQ) {
            irqPollDisable();
        } else if (pollCtx == PollContext.WORKQUEUE || pollCtx == PollContext.UNBOUND_WORKQUEUE) {
            device().core().compWq(pollCtx).cancelWorkSync(pollWork);
        }
        Tracer t = tracer();
        if (t != null) {
            t.fire(new RdmaCore.CqFree(resId()));
        }
        int ret = destroy(true);
        if (ret != 0) {
            throw new KernelBug(KernelBug.WARN_ON, "ib_free_cq: destroy failed " + Errno.ofNumber(ret));
        }
    }

    /**
     * ib_process_cq_direct: reap up to {@code budget} completions (-1: no limit) in the caller's
     * context. Meant for IB_POLL_DIRECT CQs, yet the kernel checks no poll context: on another
     * CQ it may run beside that CQ's own poller (drivers/infiniband/core/cq.c).
     */
    public int processDirect(int budget) {
        checkLive("ib_process_cq_direct");
        // drivers/infiniband/core/cq.c: ib_process_cq_direct polls into its own, smaller array.
        return process(budget, newBatch(POLL_BATCH_DIRECT));
    }

    /** __ib_process_cq: poll in batches of {@code wcs.length} and hand each completion to its wr_cqe. */
    private int process(int budget, Wc[] wcs) {
        Tracer t = tracer();
        if (t != null) {
            long now = t.nowNs();
            t.fire(new RdmaCore.CqProcess(resId(), (now - traceTimestampNs) / 1000, traceInterrupt), now);
        }
        int completed = 0;
        while (true) {
            // min_t(u32, batch, budget - completed): a budget of -1 never bounds the poll size.
            int want = (int) Math.min(wcs.length, Integer.toUnsignedLong(budget - completed));
            int n = poll(want, wcs);
            if (t != null) {
                // __poll_cq: every ib_poll_cq of __ib_process_cq, the last empty one included.
                t.fire(new RdmaCore.CqPoll(resId(), want, n));
            }
            if (n <= 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                Wc wc = wcs[i];
                if (wc.wrCqe != null) {
                    wc.wrCqe.done(this, wc);
                } else if (wc.status == WcStatus.SUCCESS) {
                    throw new KernelBug(KernelBug.WARN_ON, "successful completion without wr_cqe: " + wc);
                }
            }
            completed += n;
            if (n != wcs.length || (budget != -1 && completed >= budget)) {
                break;
            }
        }
        return completed;
    }

    /**
     * The kernel's {@code cq->comp_handler(cq, cq->cq_context)}, called by the driver from its
     * interrupt handler (HARDIRQ), a tasklet it defers to (SOFTIRQ, as mlx4 does for a user CQ:
     * mlx4_cq_tasklet_cb) or a task of its own in process context (rxe's work items, siw's
     * kthreads): the verbs put no rule on where, and ib_cq_completion_softirq and
     * ib_cq_completion_workqueue schedule their poll from any context.
     */
    /** Whether the CQ has a comp_handler: one it was created with, or its poll context's. */
    public boolean hasCompHandler() {
        return pollCtx != null || compHandler != null;
    }

    public void completionUpcall() {
        upcalls++;
        if (pollCtx == null) {
            // __ib_create_cq keeps whatever comp_handler it was given, and mlx4_ib_cq_comp calls
            // it unchecked: a CQ created without one and armed oopses at its first event.
            if (compHandler == null) {
                throw new KernelBug(KernelBug.NULL_POINTER, "cq->comp_handler is NULL (a CQ created without"
                        + " a completion handler was armed and its event came)");
            }
            compHandler.complete(this);
            return;
        }
        switch (pollCtx) {
            case SOFTIRQ -> {
                traceSchedule(true);
                irqPollSched();
            }
            case WORKQUEUE, UNBOUND_WORKQUEUE -> {
                traceSchedule(true);
                device().core().compWq(pollCtx).queueWork(pollWork);
            }
            case DIRECT -> throw new KernelBug(KernelBug.WARN_ON, "got unsolicited completion for CQ " + this);
        }
    }

    /** Called by the driver to report an error on the CQ (IB_EVENT_CQ_ERR on overrun). */
    public void eventUpcall(IbEventType type) {
        if (type.scope() != IbEventType.Scope.CQ) {
            throw new IllegalArgumentException(type + " is not a CQ event");
        }
        if (eventHandler != null) {
            eventHandler.handle(IbEvent.cq(this, type));
        }
    }

    /**
     * irq_poll_sched (lib/irq_poll.c): nothing while disabled or already scheduled, so an
     * interrupt taken before or while the handler runs adds no run.
     */
    private void irqPollSched() {
        if (irqPollDisabled || irqPollScheduled) {
            return;
        }
        irqPollScheduled = true;
        device().kernel().raiseSoftirq("irq_poll", this::irqPoll);
    }

    /**
     * irq_poll_disable (lib/irq_poll.c): sleeps until a scheduled run has finished (the softirq
     * still runs the handler of a disabled iop), then keeps the scheduled bit so that nothing
     * schedules the handler again.
     */
    private void irqPollDisable() {
        irqPollDisabled = true;
        while (irqPollScheduled) {
            if (!device().kernel().schedule()) {
                throw new KernelBug(KernelBug.WARN_ON, "irq_poll_disable: scheduled poll of " + this + " never ran");
            }
        }
        irqPollScheduled = true;
        irqPollDisabled = false;
    }

    /**
     * What a driver's drain in the error state does before it calls the handler itself
     * (drivers/infiniband/hw/mlx4/qp.c handle_drain_completion): waits for a poll already
     * scheduled to end, irq_poll_disable and irq_poll_enable for IB_POLL_SOFTIRQ, cancel_work_sync
     * of the poll work for a workqueue; any other context WARNs.
     */
    public void waitForScheduledPoll() {
        device().kernel().mightSleep();
        if (pollCtx == PollContext.SOFTIRQ) {
            irqPollDisable();
            // irq_poll_enable: clears the scheduled bit the disable kept.
            irqPollScheduled = false;
        } else if (pollCtx == PollContext.WORKQUEUE || pollCtx == PollContext.UNBOUND_WORKQUEUE) {
            device().core().compWq(pollCtx).cancelWorkSync(pollWork);
        } else {
            throw new KernelBug(KernelBug.WARN_ON, "drain wait on CQ " + this + " polled " + pollCtx);
        }
    }

    /** ib_poll_handler, as irq_poll_softirq (lib/irq_poll.c) runs it. */
    private void irqPoll() {
        if (freed()) {
            pollAfterFree("ib_poll_handler");
            return;
        }
        int completed = process(POLL_BUDGET_IRQ, batch);
        if (completed < POLL_BUDGET_IRQ) {
            irqPollScheduled = false; // irq_poll_complete
            if (reqNotify(POLL_FLAGS) > 0) {
                traceSchedule(false);
                irqPollSched();
            }
        } else if (irqPollDisabled) {
            // irq_poll_softirq completes a disabled iop that used its whole weight.
            irqPollScheduled = false;
        } else {
            // irq_poll_softirq keeps an iop that used its whole weight scheduled, at the list's tail.
            device().kernel().raiseSoftirq("irq_poll", this::irqPoll);
        }
    }

    /** ib_cq_poll_work */
    private void pollWork() {
        if (freed()) {
            pollAfterFree("ib_cq_poll_work");
            return;
        }
        int completed = process(POLL_BUDGET_WORKQUEUE, batch);
        if (completed >= POLL_BUDGET_WORKQUEUE || reqNotify(POLL_FLAGS) > 0) {
            device().core().compWq(pollCtx).queueWork(pollWork);
        }
    }

    /** cq_schedule (from the interrupt) or cq_reschedule (from the poll handler). */
    private void traceSchedule(boolean interrupt) {
        Tracer t = tracer();
        if (t != null) {
            traceTimestampNs = t.nowNs();
            traceInterrupt = interrupt;
            t.fire(interrupt ? new RdmaCore.CqSchedule(resId()) : new RdmaCore.CqReschedule(resId()),
                    traceTimestampNs);
        }
    }

    /** verbs.c ib_drain_sq / ib_drain_rq: the drain through this CQ finished. */
    void traceDrainComplete() {
        Tracer t = tracer();
        if (t != null) {
            t.fire(new RdmaCore.CqDrainComplete(resId()));
        }
    }

    private Tracer tracer() {
        return device().core().tracer();
    }

    @Override
    public String toString() {
        return "cq{cqe=" + cqe + (pollCtx == null ? "" : " poll=" + pollCtx.kernelName()) + "}";
    }
}
