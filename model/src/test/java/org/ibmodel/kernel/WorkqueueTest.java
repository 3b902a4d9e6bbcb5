package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkqueueTest {

    private final Kernel kernel = new Kernel("host0");
    private final Workqueue wq = kernel.allocWorkqueue("ib-comp-wq");
    private final List<String> ran = new ArrayList<>();

    private Work work(String name) {
        return new Work(name, () -> ran.add(name));
    }

    @Test
    void shouldKeepItsName() {
        assertEquals("ib-comp-wq", wq.name());
        assertEquals("events", kernel.systemWq().name());
    }

    @Test
    void shouldNotQueuePendingWorkTwice() {
        Work w = work("w");

        assertTrue(wq.queueWork(w));
        assertFalse(wq.queueWork(w));
        assertFalse(kernel.systemWq().queueWork(w));
        kernel.runPending();

        assertEquals(List.of("w"), ran);
    }

    @Test
    void shouldCountPendingPerQueue() {
        wq.queueWork(work("a"));
        wq.queueWork(work("b"));
        kernel.systemWq().queueWork(work("c"));

        assertEquals(2, wq.pending());
        assertEquals(1, kernel.systemWq().pending());
    }

    @Test
    void shouldCancelPendingWork() {
        Work w = work("w");
        wq.queueWork(w);

        assertTrue(wq.cancelWork(w));

        assertFalse(w.pending());
        assertEquals(0, wq.pending());
        assertFalse(kernel.runPending());
        assertTrue(ran.isEmpty());
    }

    @Test
    void shouldReportNothingToCancelForIdleWork() {
        Work w = work("w");
        wq.queueWork(w);
        kernel.runPending();

        assertFalse(wq.cancelWork(w));
    }

    @Test
    void shouldRunWorkInQueueOrderAcrossQueues() {
        Workqueue other = kernel.allocWorkqueue("ipoib_wq");
        wq.queueWork(work("a1"));
        other.queueWork(work("b1"));
        kernel.systemWq().queueWork(work("s1"));
        wq.queueWork(work("a2"));

        kernel.runPending();

        assertEquals(List.of("a1", "b1", "s1", "a2"), ran);
    }

    @Test
    void shouldLetWorkRequeueItself() {
        int[] runs = new int[1];
        Work[] self = new Work[1];
        self[0] = new Work("retry", () -> {
            if (++runs[0] < 3) {
                assertTrue(wq.queueWork(self[0]));
            }
        });
        wq.queueWork(self[0]);

        kernel.runPending();

        assertEquals(3, runs[0]);
    }

    /**
     * A work item queued again while it runs and sleeps does not run inside itself: its next run
     * waits for this one to end (workqueue.c's non-reentrancy), while other work runs meanwhile.
     */
    @Test
    void shouldNeverRunAWorkInsideItself() {
        int[] depth = {0};
        int[] deepest = {0};
        int[] runs = {0};
        Work[] self = new Work[1];
        self[0] = new Work("poll", () -> {
            deepest[0] = Math.max(deepest[0], ++depth[0]);
            if (++runs[0] == 1) {
                assertTrue(wq.queueWork(self[0]), "queued again while it runs");
                wq.queueWork(work("other"));
                kernel.schedule();
                assertEquals(List.of("other"), ran, "other work ran while it slept");
            }
            depth[0]--;
        });
        wq.queueWork(self[0]);

        kernel.runPending();

        assertEquals(1, deepest[0], "ran inside itself");
        assertEquals(2, runs[0], "and ran again after");
    }

    @Test
    void shouldAcceptWorkQueuedFromHardirq() {
        kernel.runIn(ExecContext.HARDIRQ, () -> wq.queueWork(work("bottom-half")));

        wq.flush();

        assertEquals(List.of("bottom-half"), ran);
    }

    @Test
    void shouldRunQueuedWorkOnFlush() {
        wq.queueWork(work("a"));
        wq.queueWork(new Work("b", () -> wq.queueWork(work("c"))));

        wq.flush();

        assertEquals(0, wq.pending());
        assertEquals(List.of("a", "c"), ran);
    }

    @Test
    void shouldReportFlushInSoftirq() {
        wq.queueWork(work("a"));

        KernelBug bug = assertThrows(KernelBug.class, () -> kernel.runIn(ExecContext.SOFTIRQ, wq::flush));

        assertEquals(KernelBug.MIGHT_SLEEP, bug.rule());
        assertEquals(1, wq.pending());
    }

    @Test
    void shouldReportFlushUnderSpinlock() {
        SpinLock lock = new SpinLock(kernel, "qp->state_lock");

        KernelBug bug = assertThrows(KernelBug.class, () -> lock.with(wq::flush));

        assertEquals(KernelBug.MIGHT_SLEEP, bug.rule());
    }

    @Test
    void shouldReportFlushWhileHoldingMutexTheWorkTakes() {
        Mutex mutex = new Mutex(kernel, "device->unregistration_lock");
        wq.queueWork(new Work("unregister", () -> mutex.with(() -> { })));

        KernelBug bug = assertThrows(KernelBug.class, () -> mutex.with(wq::flush));

        assertEquals(KernelBug.LOCKDEP_RECURSIVE, bug.rule());
        assertFalse(mutex.isHeld());
    }

    /**
     * __flush_workqueue and process_one_work take the queue's lockdep map (kernel/workqueue.c):
     * a flush under outer of a queue whose item took inner orders outer before inner, through
     * the queue, though nothing was pending at the flush; taking outer under inner afterwards is
     * a possible deadlock.
     */
    @Test
    void shouldOrderFlusherLocksBeforeTheLocksOfTheQueuesItems() {
        Mutex outer = new Mutex(kernel, "outer");
        Mutex inner = new Mutex(kernel, "inner");
        wq.queueWork(new Work("w", () -> inner.with(() -> { })));
        assertTrue(kernel.runPending());

        outer.with(wq::flush);

        assertTrue(kernel.lockdep().hasDependency("outer", "inner"));
        KernelBug bug = assertThrows(KernelBug.class, () -> inner.with(() -> outer.with(() -> { })));
        assertEquals(KernelBug.LOCKDEP_CIRCULAR, bug.rule());
    }

    /** A queue flushed from one of its own items waits for itself. */
    @Test
    void shouldReportAFlushFromOneOfTheQueuesOwnItems() {
        wq.queueWork(new Work("flushes its own queue", wq::flush));
        assertEquals(KernelBug.LOCKDEP_RECURSIVE, assertThrows(KernelBug.class, kernel::runPending).rule());
    }

    /**
     * process_one_work (kernel/workqueue.c) reports a work function that returns with a lock held,
     * "BUG: workqueue leaked atomic, lock or RCU", and handle_softirqs (kernel/softirq.c) a softirq
     * that leaves its preempt count raised by a spinlock.
     */
    @Test
    void shouldReportALockLeakedByAWorkItemOrASoftirq() {
        Mutex m = new Mutex(kernel, "leaked_mutex");
        wq.queueWork(new Work("leaks", m::lock));
        KernelBug bug = assertThrows(KernelBug.class, kernel::runPending);
        assertEquals(KernelBug.LEAKED_LOCK, bug.rule());
        assertTrue(bug.getMessage().contains("ib-comp-wq") && bug.getMessage().contains("leaked_mutex"),
                bug.getMessage());

        Kernel k2 = new Kernel("host1");
        SpinLock s = new SpinLock(k2, "leaked_spinlock");
        k2.raiseSoftirq("leaks", s::lock);
        assertEquals(KernelBug.LEAKED_LOCK, assertThrows(KernelBug.class, k2::runPending).rule());

        // One that lets go of what it took is fine.
        Kernel k3 = new Kernel("host2");
        Mutex ok = new Mutex(k3, "released");
        k3.allocWorkqueue("wq").queueWork(new Work("releases", () -> ok.with(() -> { })));
        assertTrue(k3.runPending());
    }

    /**
     * cancel_work_sync takes a pending item off its queue and waits for a running one, taking the
     * item's lockdep map only then (kernel/workqueue.c __cancel_work_sync, start_flush_work): a
     * pending item cancelled under a lock it takes is no deadlock, one cancelling itself waits
     * for itself.
     */
    @Test
    void shouldReportACancelSyncThatWouldWaitForItself() {
        Mutex m = new Mutex(kernel, "cq->lock_mutex");
        Work poll = new Work("ib_cq_poll_work", () -> m.with(() -> { }));
        wq.queueWork(poll);
        assertTrue(kernel.runPending());
        wq.queueWork(poll);
        assertTrue(m.with(() -> wq.cancelWorkSync(poll)), "only taken off the queue: nothing to wait for");
        assertFalse(poll.pending());

        Kernel k2 = new Kernel("host1");
        Workqueue q2 = k2.allocWorkqueue("ib-comp-wq");
        Work[] self = new Work[1];
        self[0] = new Work("frees its own cq", () -> q2.cancelWorkSync(self[0]));
        q2.queueWork(self[0]);
        assertEquals(KernelBug.LOCKDEP_RECURSIVE, assertThrows(KernelBug.class, k2::runPending).rule());

        // Not under the lock, from outside the item: it is taken off the queue.
        Kernel k3 = new Kernel("host2");
        Workqueue q3 = k3.allocWorkqueue("ib-comp-wq");
        Work idle = new Work("idle", () -> { });
        q3.queueWork(idle);
        assertTrue(q3.cancelWorkSync(idle));
        assertFalse(idle.pending());
    }

    /** flush_work waits for the item to run, with the item's lockdep map (__flush_work). */
    @Test
    void shouldRunAFlushedItemAndReportAFlushThatWouldWaitForItself() {
        List<String> ran = new ArrayList<>();
        Work port = new Work("port_work", () -> ran.add("port_work"));
        assertFalse(kernel.flushWork(port), "nothing queued, nothing to wait for");
        wq.queueWork(port);

        assertTrue(kernel.flushWork(port));
        assertEquals(List.of("port_work"), ran);
        assertFalse(port.pending());

        Mutex m = new Mutex(kernel, "dev->lock");
        Work takes = new Work("takes dev->lock", () -> m.with(() -> { }));
        wq.queueWork(takes);
        assertTrue(kernel.flushWork(takes), "the order work -> dev->lock is now known");
        assertFalse(m.with(() -> kernel.flushWork(takes)), "idle: flushed under the lock with nothing to wait for");
        wq.queueWork(takes);
        KernelBug cycle = assertThrows(KernelBug.class, () -> m.with(() -> kernel.flushWork(takes)));
        assertEquals(KernelBug.LOCKDEP_CIRCULAR, cycle.rule(), cycle.getMessage());

        Kernel k2 = new Kernel("host1");
        Work[] self = new Work[1];
        self[0] = new Work("flushes itself", () -> k2.flushWork(self[0]));
        k2.systemWq().queueWork(self[0]);
        KernelBug recursive = assertThrows(KernelBug.class, k2::runPending);
        assertEquals(KernelBug.LOCKDEP_RECURSIVE, recursive.rule(), recursive.getMessage());
        assertTrue(recursive.getMessage().contains("flush_work(flushes itself)"), recursive.getMessage());
    }

    /**
     * flush_work of an item of a queue with a rescuer (WQ_MEM_RECLAIM) or of an ordered one takes
     * the queue's map too (start_flush_work): from another item of that queue it is recursive,
     * since that queue may have only one worker to run both.
     */
    @Test
    void shouldReportFlushingAnItemFromAnotherItemOfAQueueWithARescuer() {
        for (boolean ordered : new boolean[] {false, true}) {
            Kernel k = new Kernel("host1");
            Workqueue q = ordered ? k.allocOrderedWorkqueue("mlx4_ib_qp_event_wq")
                    : k.allocWorkqueue("ib-comp-wq", Workqueue.WQ_MEM_RECLAIM);
            Work a = new Work("a", () -> { });
            Work b = new Work("b", () -> {
                q.queueWork(a);
                k.flushWork(a);
            });
            q.queueWork(b);
            KernelBug bug = assertThrows(KernelBug.class, k::runPending);
            assertEquals(KernelBug.LOCKDEP_RECURSIVE, bug.rule(), bug.getMessage());
            assertTrue(bug.getMessage().contains("acquiring (wq_completion)" + q.name() + " at flush_work(a)"),
                    bug.getMessage());

            Kernel plain = new Kernel("host2");
            Workqueue p = plain.allocWorkqueue("events_plain");
            Work c = new Work("c", () -> { });
            p.queueWork(new Work("d", () -> {
                p.queueWork(c);
                plain.flushWork(c);
            }));
            assertTrue(plain.runPending(), "a queue of many workers runs the flushed item beside");
        }
    }
}
