package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelTest {

    private final Kernel kernel = new Kernel("host0");

    @Test
    void shouldTellItsHookWheneverDeferredWorkIsQueued() {
        List<String> told = new ArrayList<>();
        kernel.setOnQueued(() -> told.add("queued " + kernel.pendingCount()));
        kernel.raiseSoftirq("rx", () -> { });
        kernel.systemWq().queueWork(new Work("w", () -> { }));
        assertEquals(List.of("queued 1", "queued 2"), told);
        assertTrue(kernel.runPending());
        assertEquals(2, told.size(), "running the work tells nothing");
    }

    @Test
    void shouldStartInProcessContext() {
        assertEquals("host0", kernel.name());
        assertEquals(ExecContext.PROCESS, kernel.context());
        assertFalse(kernel.inAtomic());
    }

    @Test
    void shouldRunBodyInRequestedContextAndRestoreIt() {
        List<ExecContext> seen = new ArrayList<>();

        kernel.runIn(ExecContext.SOFTIRQ, () -> {
            seen.add(kernel.context());
            kernel.runIn(ExecContext.HARDIRQ, () -> seen.add(kernel.context()));
            seen.add(kernel.context());
        });

        assertEquals(List.of(ExecContext.SOFTIRQ, ExecContext.HARDIRQ, ExecContext.SOFTIRQ), seen);
        assertEquals(ExecContext.PROCESS, kernel.context());
    }

    @Test
    void shouldRestoreContextWhenBodyThrows() {
        assertThrows(IllegalStateException.class, () -> kernel.runIn(ExecContext.HARDIRQ, () -> {
            throw new IllegalStateException("boom");
        }));

        assertEquals(ExecContext.PROCESS, kernel.context());
    }

    @Test
    void shouldReturnValueFromCallIn() {
        ExecContext inside = kernel.callIn(ExecContext.HARDIRQ, kernel::context);

        assertEquals(ExecContext.HARDIRQ, inside);
    }

    @Test
    void shouldAllowSameContextNesting() {
        boolean atomic = kernel.callIn(ExecContext.SOFTIRQ,
                () -> kernel.callIn(ExecContext.SOFTIRQ, kernel::inAtomic));

        assertTrue(atomic);
        assertDoesNotThrow(() -> kernel.runIn(ExecContext.PROCESS, kernel::mightSleep));
    }

    @Test
    void shouldReportProcessEnteredFromSoftirq() {
        KernelBug bug = assertThrows(KernelBug.class, () -> kernel.runIn(ExecContext.SOFTIRQ,
                () -> kernel.runIn(ExecContext.PROCESS, () -> { })));

        assertEquals(KernelBug.CONTEXT, bug.rule());
        assertEquals(ExecContext.PROCESS, kernel.context());
    }

    @Test
    void shouldReportSoftirqEnteredFromHardirq() {
        KernelBug bug = assertThrows(KernelBug.class, () -> kernel.runIn(ExecContext.HARDIRQ,
                () -> kernel.runIn(ExecContext.SOFTIRQ, () -> { })));

        assertEquals(KernelBug.CONTEXT, bug.rule());
        assertTrue(bug.getMessage().contains("SOFTIRQ from HARDIRQ"), bug.getMessage());
    }

    @Test
    void shouldReportProcessEnteredWithSpinlockHeld() {
        SpinLock lock = new SpinLock(kernel, "cq->lock");

        KernelBug bug = assertThrows(KernelBug.class,
                () -> lock.with(() -> kernel.runIn(ExecContext.PROCESS, () -> { })));

        assertEquals(KernelBug.CONTEXT, bug.rule());
        assertTrue(bug.getMessage().contains("cq->lock"), bug.getMessage());
        assertFalse(lock.isHeld());
    }

    @Test
    void shouldReportSleepInSoftirqNamingCallerSite() {
        KernelBug bug = assertThrows(KernelBug.class,
                () -> kernel.runIn(ExecContext.SOFTIRQ, kernel::mightSleep));

        assertEquals(KernelBug.MIGHT_SLEEP, bug.rule());
        assertTrue(bug.getMessage().contains("sleeping function called from invalid context at"
                + " org.ibmodel.kernel.KernelTest.lambda$shouldReportSleepInSoftirqNamingCallerSite$"), bug.getMessage());
        assertTrue(bug.getMessage().endsWith("in SOFTIRQ"), bug.getMessage());
    }

    @Test
    void shouldReportSleepInHardirq() {
        KernelBug bug = assertThrows(KernelBug.class,
                () -> kernel.runIn(ExecContext.HARDIRQ, kernel::mightSleep));

        assertEquals(KernelBug.MIGHT_SLEEP, bug.rule());
        assertTrue(bug.getMessage().contains("in HARDIRQ"), bug.getMessage());
    }

    @Test
    void shouldReportSleepWithSpinlockHeld() {
        SpinLock lock = new SpinLock(kernel, "qp->sq.lock");

        KernelBug bug = assertThrows(KernelBug.class, () -> lock.with(kernel::mightSleep));

        assertEquals(KernelBug.MIGHT_SLEEP, bug.rule());
        assertTrue(bug.getMessage().contains("in PROCESS with spinlocks held [qp->sq.lock]"), bug.getMessage());
    }

    @Test
    void shouldAllowSleepInProcessContextWithMutexHeld() {
        Mutex mutex = new Mutex(kernel, "dev->mutex");

        assertDoesNotThrow(() -> mutex.with(kernel::mightSleep));
    }

    @Test
    void shouldBeAtomicOnlyWhileSpinlockHeld() {
        SpinLock lock = new SpinLock(kernel, "cq->lock");

        assertTrue(lock.with(kernel::inAtomic));
        assertFalse(kernel.inAtomic());
    }

    @Test
    void shouldThrowWarnOnWhenConditionHolds() {
        KernelBug bug = assertThrows(KernelBug.class, () -> kernel.warnOn(true, "refcount leak"));

        assertEquals(KernelBug.WARN_ON, bug.rule());
        assertTrue(bug.getMessage().startsWith("BUG: warn_on: refcount leak at "), bug.getMessage());
    }

    @Test
    void shouldNotWarnWhenConditionIsFalse() {
        assertDoesNotThrow(() -> kernel.warnOn(false, "never"));
    }

    @Test
    void shouldRunSoftirqsInSoftirqContext() {
        List<ExecContext> seen = new ArrayList<>();
        kernel.raiseSoftirq("rxe_comp", () -> seen.add(kernel.context()));

        assertTrue(kernel.runPending());

        assertEquals(List.of(ExecContext.SOFTIRQ), seen);
    }

    @Test
    void shouldRunWorkItemsInProcessContext() {
        List<ExecContext> seen = new ArrayList<>();
        kernel.systemWq().queueWork(new Work("w", () -> seen.add(kernel.context())));

        kernel.runPending();

        assertEquals(List.of(ExecContext.PROCESS), seen);
    }

    @Test
    void shouldRunAllSoftirqsBeforeEachWorkItem() {
        List<String> order = new ArrayList<>();
        Workqueue wq = kernel.allocWorkqueue("ib-comp-wq");
        Work w3 = new Work("w3", () -> order.add("w3"));
        wq.queueWork(new Work("w1", () -> {
            order.add("w1");
            kernel.raiseSoftirq("s2", () -> order.add("s2"));
            kernel.raiseSoftirq("s3", () -> order.add("s3"));
            wq.queueWork(w3);
        }));
        kernel.systemWq().queueWork(new Work("w2", () -> order.add("w2")));
        kernel.raiseSoftirq("s1", () -> order.add("s1"));

        kernel.runPending();

        assertEquals(List.of("s1", "w1", "s2", "s3", "w2", "w3"), order);
        assertEquals(0, kernel.pendingCount());
    }

    @Test
    void shouldRunSoftirqRaisedFromHardirqAfterIt() {
        List<String> order = new ArrayList<>();

        kernel.runIn(ExecContext.HARDIRQ, () -> {
            kernel.raiseSoftirq("net_rx", () -> order.add("softirq"));
            order.add("hardirq");
        });
        kernel.runPending();

        assertEquals(List.of("hardirq", "softirq"), order);
    }

    @Test
    void shouldReturnFalseWhenNothingIsPending() {
        assertFalse(kernel.runPending());
    }

    @Test
    void shouldCountPendingSoftirqsAndWork() {
        kernel.raiseSoftirq("s", () -> { });
        kernel.systemWq().queueWork(new Work("w", () -> { }));
        kernel.allocWorkqueue("other").queueWork(new Work("x", () -> { }));

        assertEquals(3, kernel.pendingCount());
    }

    @Test
    void shouldReportRunPendingFromSoftirq() {
        kernel.raiseSoftirq("s", () -> { });

        KernelBug bug = assertThrows(KernelBug.class,
                () -> kernel.runIn(ExecContext.SOFTIRQ, kernel::runPending));

        assertEquals(KernelBug.CONTEXT, bug.rule());
        assertEquals(1, kernel.pendingCount());
    }

    @Test
    void shouldReportRunPendingUnderSpinlock() {
        SpinLock lock = new SpinLock(kernel, "cq->lock");

        KernelBug bug = assertThrows(KernelBug.class, () -> lock.with(kernel::runPending));

        assertEquals(KernelBug.MIGHT_SLEEP, bug.rule());
    }

    @Test
    void shouldStopWorkThatKeepsRequeueingItself() {
        Work[] self = new Work[1];
        int[] runs = new int[1];
        self[0] = new Work("poll", () -> {
            runs[0]++;
            kernel.systemWq().queueWork(self[0]);
        });
        kernel.systemWq().queueWork(self[0]);

        KernelBug bug = assertThrows(KernelBug.class, kernel::runPending);

        assertEquals(KernelBug.WARN_ON, bug.rule());
        assertTrue(bug.getMessage().contains("runPending: work keeps requeueing itself"), bug.getMessage());
        assertEquals(Kernel.LIVELOCK_LIMIT, runs[0]);
    }

    @Test
    void shouldKeepHostsIndependent() {
        Kernel other = new Kernel("host1");
        SpinLock lock = new SpinLock(kernel, "cq->lock");

        ExecContext seen = kernel.callIn(ExecContext.HARDIRQ, () -> lock.with(other::context));

        assertEquals(ExecContext.PROCESS, seen);
        assertNotSame(kernel.lockdep(), other.lockdep(), "each host has its own lockdep");
        assertTrue(other.lockdep().held().isEmpty());
        assertDoesNotThrow(() -> kernel.runIn(ExecContext.HARDIRQ, () -> lock.with(other::mightSleep)));
    }
}
