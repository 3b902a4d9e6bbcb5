// kernel/workqueue.c
package org.ibmodel.kernel;

import java.util.Objects;

/**
 * A named workqueue. All queues of a kernel feed one FIFO, so the order in which work runs is
 * the order in which it was queued, whatever the queue.
 */
public final class Workqueue {

    /** include/linux/workqueue.h: not bound to a CPU (an ordered queue is unbound too). */
    public static final int WQ_UNBOUND = 1 << 1;
    /** include/linux/workqueue.h: served by the high-priority worker pool. */
    public static final int WQ_HIGHPRI = 1 << 4;
    /** include/linux/workqueue.h: may be used in memory reclaim, so it gets a rescuer thread. */
    public static final int WQ_MEM_RECLAIM = 1 << 3;
    /** include/linux/workqueue.h: alloc_ordered_workqueue's, one item at a time (max_active 1). */
    static final int WQ_ORDERED = 1 << 17;

    private final Kernel kernel;
    private final String name;
    private final int flags;
    /** Made once: taken on every run of an item. */
    private final String lockdepMap;

    Workqueue(Kernel kernel, String name, int flags) {
        this.kernel = kernel;
        this.name = Objects.requireNonNull(name, "name");
        this.flags = flags;
        this.lockdepMap = "(wq_completion)" + name;
    }

    public String name() {
        return name;
    }

    /**
     * The comm of the kworker that runs this queue's items, as kernel/workqueue.c create_worker
     * names it: "kworker/CPU:ID" with "H" for a high-priority pool, "kworker/uPOOL:ID" for an
     * unbound one. The model has one CPU and one worker per pool, so the IDs are fixed.
     */
    public String workerComm() {
        if ((flags & WQ_UNBOUND) != 0) {
            return "kworker/u4:1";
        }
        return (flags & WQ_HIGHPRI) != 0 ? "kworker/0:1H" : "kworker/0:1";
    }

    /** That kworker's pid: one per pool, fixed as its comm is. */
    public int workerPid() {
        return (flags & WQ_UNBOUND) != 0 ? 60 : (flags & WQ_HIGHPRI) != 0 ? 44 : 30;
    }

    /** queue_work(): false if {@code w} is already pending anywhere; legal in any context. */
    public boolean queueWork(Work w) {
        if (w.pending()) {
            return false;
        }
        w.markQueued(this);
        kernel.enqueueWork(w);
        return true;
    }

    /**
     * cancel_work(): takes {@code w} off the queue it is pending on. Like the kernel call it does
     * not look at which queue that is, and does not wait for a running instance.
     */
    public boolean cancelWork(Work w) {
        Workqueue on = w.owner();
        if (on == null) {
            return false;
        }
        on.kernel.dequeueWork(w);
        w.markIdle();
        return true;
    }

    /**
     * cancel_work_sync(): as {@link #cancelWork}, and it waits for a running instance, so it
     * sleeps. A pending item is just taken off its queue; for a running one lockdep takes the
     * item's map as process_one_work does around it (__cancel_work_sync, then __flush_work from
     * cancel), so cancelling an item from itself is recursive. A running instance is one this
     * task's own sleep let run, which returns before it does.
     */
    public boolean cancelWorkSync(Work w) {
        kernel.mightSleep();
        boolean was = cancelWork(w);
        if (w.running()) {
            kernel.lockdep().acquire(w.lockdepMap(), "cancel_work_sync(" + w.name() + ")");
            kernel.lockdep().release(w.lockdepMap());
        }
        return was;
    }

    /** flush_workqueue(): sleeps until everything queued here has run. */
    public void flush() {
        kernel.mightSleep();
        // __flush_workqueue takes the queue's lockdep map, as process_one_work does around each
        // item: flushing under a lock one of its items takes is a lock-order cycle, and flushing
        // the queue from one of its own items a recursive acquisition.
        kernel.lockdep().acquire(lockdepMap(), "flush_workqueue(" + name + ")");
        kernel.lockdep().release(lockdepMap());
        kernel.runPending();
    }

    /**
     * Whether a flush_work of one of its items takes the queue's map too (start_flush_work: a
     * queue with max_active 1, as an ordered one has, or a rescuer, which WQ_MEM_RECLAIM gives).
     */
    boolean flushTakesQueueMap() {
        return (flags & (WQ_MEM_RECLAIM | WQ_ORDERED)) != 0;
    }

    /** The queue's lockdep_map, "(wq_completion)NAME" as alloc_workqueue names it. */
    String lockdepMap() {
        return lockdepMap;
    }

    /** Items queued here and not yet started. */
    public int pending() {
        return kernel.pendingOn(this);
    }

    @Override
    public String toString() {
        return "Workqueue[" + name + ", pending=" + pending() + "]";
    }
}
