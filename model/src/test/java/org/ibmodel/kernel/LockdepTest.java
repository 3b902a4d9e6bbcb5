package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LockdepTest {

    private final Kernel kernel = new Kernel("host0");
    private final Lockdep lockdep = kernel.lockdep();
    private final SpinLock qpLock = new SpinLock(kernel, "qp->state_lock");
    private final SpinLock cqLock = new SpinLock(kernel, "cq->cq_lock");

    private void lockQpThenCq() {
        qpLock.withIrqsave(() -> cqLock.withIrqsave(() -> { }));
    }

    private void lockCqThenQp() {
        cqLock.withIrqsave(() -> qpLock.withIrqsave(() -> { }));
    }

    @Test
    void shouldRecordDependencyOfNestedLocks() {
        lockQpThenCq();

        assertTrue(lockdep.hasDependency("qp->state_lock", "cq->cq_lock"));
        assertFalse(lockdep.hasDependency("cq->cq_lock", "qp->state_lock"));
    }

    @Test
    void shouldFindTransitiveDependency() {
        lockdep.acquire("a", "s1");
        lockdep.acquire("b", "s2");
        lockdep.release("a");
        lockdep.acquire("c", "s3");

        assertTrue(lockdep.hasDependency("a", "c"));
        assertTrue(lockdep.hasDependency("b", "c"));
        assertFalse(lockdep.hasDependency("c", "a"));
        assertFalse(lockdep.hasDependency("a", "a"));
    }

    @Test
    void shouldAcceptConsistentOrderRepeatedly() {
        lockQpThenCq();

        assertDoesNotThrow(() -> {
            lockQpThenCq();
            lockQpThenCq();
        });
        assertTrue(lockdep.held().isEmpty());
    }

    @Test
    void shouldReportAbbaNamingBothSites() {
        lockQpThenCq();

        KernelBug bug = assertThrows(KernelBug.class, this::lockCqThenQp);

        assertEquals(KernelBug.LOCKDEP_CIRCULAR, bug.rule());
        String msg = bug.getMessage();
        assertTrue(msg.contains("acquiring qp->state_lock at org.ibmodel.kernel.LockdepTest.lambda$lockCqThenQp$"), msg);
        assertTrue(msg.contains("while holding cq->cq_lock"), msg);
        assertTrue(msg.contains("qp->state_lock -> cq->cq_lock (first recorded at "
                + "org.ibmodel.kernel.LockdepTest.lambda$lockQpThenCq$"), msg);
    }

    @Test
    void shouldReportInversionEvenInAnotherHandlerOfTheSameContext() {
        kernel.runIn(ExecContext.SOFTIRQ, this::lockQpThenCq);

        KernelBug bug = assertThrows(KernelBug.class, () -> kernel.runIn(ExecContext.SOFTIRQ, this::lockCqThenQp));

        assertEquals(KernelBug.LOCKDEP_CIRCULAR, bug.rule());
    }

    @Test
    void shouldReportLongerCycleWithEveryEdge() {
        lockdep.acquire("a", "siteA");
        lockdep.acquire("b", "siteAB");
        lockdep.release("a");
        lockdep.acquire("c", "siteBC");
        lockdep.release("b");
        lockdep.release("c");
        lockdep.acquire("c", "siteC2");

        KernelBug bug = assertThrows(KernelBug.class, () -> lockdep.acquire("a", "siteCA"));

        assertEquals(KernelBug.LOCKDEP_CIRCULAR, bug.rule());
        assertTrue(bug.getMessage().contains("acquiring a at siteCA while holding c (acquired at siteC2)"),
                bug.getMessage());
        assertTrue(bug.getMessage().contains(
                "a -> b (first recorded at siteAB), b -> c (first recorded at siteBC)"), bug.getMessage());
    }

    @Test
    void shouldKeepFirstSiteOfAnEdge() {
        lockdep.acquire("x", "first-x");
        lockdep.acquire("y", "first-y");
        lockdep.release("y");
        lockdep.acquire("y", "second-y");
        lockdep.release("y");
        lockdep.release("x");
        lockdep.acquire("y", "now-y");

        KernelBug bug = assertThrows(KernelBug.class, () -> lockdep.acquire("x", "now-x"));

        assertTrue(bug.getMessage().contains("x -> y (first recorded at first-y)"), bug.getMessage());
        assertFalse(bug.getMessage().contains("second-y"), bug.getMessage());
    }

    @Test
    void shouldLeaveRefusedLockUnheld() {
        lockQpThenCq();
        cqLock.lock();

        assertThrows(KernelBug.class, qpLock::lock);

        assertFalse(qpLock.isHeld());
        assertEquals(List.of("cq->cq_lock"), lockdep.held());
        cqLock.unlock();
        assertFalse(kernel.inAtomic());
    }

    @Test
    void shouldReportRecursiveLockingOfOneClass() {
        SpinLock cq1 = new SpinLock(kernel, "cq->cq_lock");
        SpinLock cq2 = new SpinLock(kernel, "cq->cq_lock");

        KernelBug bug = assertThrows(KernelBug.class, () -> cq1.with(() -> cq2.with(() -> { })));

        assertEquals(KernelBug.LOCKDEP_RECURSIVE, bug.rule());
        assertTrue(bug.getMessage().contains("possible recursive locking detected"), bug.getMessage());
        assertFalse(cq1.isHeld() || cq2.isHeld());
    }

    @Test
    void shouldNameHeldSiteWhenItsAcquisitionRecordedAnEdge() {
        SpinLock cq2 = new SpinLock(kernel, "cq->cq_lock");

        KernelBug bug = assertThrows(KernelBug.class, () -> qpLock.with(() -> cqLock.with(() -> cq2.lock())));

        assertEquals(KernelBug.LOCKDEP_RECURSIVE, bug.rule());
        assertTrue(bug.getMessage().contains("acquiring cq->cq_lock at org.ibmodel.kernel.LockdepTest.lambda$"),
                bug.getMessage());
        assertTrue(bug.getMessage().contains("already held since org.ibmodel.kernel.LockdepTest.lambda$"),
                bug.getMessage());
    }

    @Test
    void shouldSayAcquiredEarlierForHeldLockThatNeverNamedItself() {
        lockQpThenCq();
        cqLock.lock();

        KernelBug bug = assertThrows(KernelBug.class, () -> qpLock.lock());

        assertTrue(bug.getMessage().contains("while holding cq->cq_lock (acquired earlier)"), bug.getMessage());
        assertTrue(bug.getMessage().contains("acquiring qp->state_lock at org.ibmodel.kernel.LockdepTest."),
                bug.getMessage());
        cqLock.unlock();
    }

    @Test
    void shouldReportAnInterruptTakingALockTheCodeItInterruptedTookWithInterruptsOn() {
        // spin_lock in task context, then a hard interrupt takes the same class: lockdep's usage
        // check reports it before the recursion check would.
        KernelBug bug = assertThrows(KernelBug.class,
                () -> cqLock.with(() -> kernel.runIn(ExecContext.HARDIRQ, () -> cqLock.with(() -> { }))));

        assertEquals(KernelBug.LOCKDEP_INCONSISTENT, bug.rule());
        assertTrue(bug.getMessage().contains("inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage: HARDIRQ"),
                bug.getMessage());
    }

    @Test
    void shouldNotLetAnInterruptInWhileASpinLockIrqsaveIsHeld() {
        KernelBug bug = assertThrows(KernelBug.class,
                () -> cqLock.withIrqsave(() -> kernel.runIn(ExecContext.HARDIRQ, () -> { })));

        assertEquals(KernelBug.CONTEXT, bug.rule());
        assertTrue(bug.getMessage().contains("interrupts are disabled, spinlocks held [cq->cq_lock]"),
                bug.getMessage());
        assertFalse(kernel.irqsDisabled(), "spin_unlock_irqrestore gave the interrupts back");
    }

    @Test
    void shouldNotOrderLocksOfDifferentContexts() {
        // A softirq can come only while the task holds qp's lock with softirqs enabled.
        qpLock.with(() -> kernel.runIn(ExecContext.SOFTIRQ, () -> cqLock.with(() -> { })));

        assertFalse(lockdep.hasDependency("qp->state_lock", "cq->cq_lock"));
        // Taking them the other way round is no cycle, then; what is wrong with it is that cq's
        // lock, which a softirq takes, would be held while qp's, taken with softirqs on, is.
        KernelBug bug = assertThrows(KernelBug.class, this::lockCqThenQp);
        assertEquals(KernelBug.LOCKDEP_BAD_IRQ_DEPENDENCY, bug.rule(), bug.getMessage());
        assertTrue(bug.getMessage().startsWith("BUG: lockdep_bad_irq_dependency: SOFTIRQ-safe -> SOFTIRQ-unsafe"
                + " lock order detected: PROCESS [HC0[0]:SC0[0]:HE0:SE1] acquiring qp->state_lock"), bug.getMessage());
    }

    @Test
    void shouldAllowOutOfOrderRelease() {
        qpLock.lock();
        cqLock.lock();

        qpLock.unlock();

        assertEquals(List.of("cq->cq_lock"), lockdep.held());
        cqLock.unlock();
        assertTrue(lockdep.held().isEmpty());
    }

    @Test
    void shouldListHeldClassesInAcquisitionOrder() {
        Mutex mutex = new Mutex(kernel, "device->unregistration_lock");

        List<String> held = mutex.with(() -> qpLock.with(() -> cqLock.with(lockdep::held)));

        assertEquals(List.of("device->unregistration_lock", "qp->state_lock", "cq->cq_lock"), held);
    }

    @Test
    void shouldReportReleaseOfClassNotHeld() {
        KernelBug bug = assertThrows(KernelBug.class, () -> lockdep.release("srq->lock"));

        assertEquals(KernelBug.BAD_UNLOCK, bug.rule());
        assertTrue(bug.getMessage().contains("srq->lock"), bug.getMessage());
    }
}
