package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MutexTest {

    private final Kernel kernel = new Kernel("host0");
    private final Mutex mutex = new Mutex(kernel, "uverbs_file->hw_destroy_rwsem");

    @Test
    void shouldLockAndUnlockInProcessContext() {
        mutex.lock();
        assertTrue(mutex.isHeld());
        assertFalse(kernel.inAtomic());
        mutex.unlock();
        assertFalse(mutex.isHeld());
    }

    @Test
    void shouldReportLockInSoftirq() {
        KernelBug bug = assertThrows(KernelBug.class, () -> kernel.runIn(ExecContext.SOFTIRQ, mutex::lock));

        assertEquals(KernelBug.MIGHT_SLEEP, bug.rule());
        assertTrue(bug.getMessage().contains("MutexTest.lambda$shouldReportLockInSoftirq$"), bug.getMessage());
        assertFalse(mutex.isHeld());
    }

    @Test
    void shouldReportLockUnderSpinlock() {
        SpinLock spin = new SpinLock(kernel, "qp->sq.lock");

        KernelBug bug = assertThrows(KernelBug.class, () -> spin.with(mutex::lock));

        assertEquals(KernelBug.MIGHT_SLEEP, bug.rule());
        assertFalse(mutex.isHeld());
        assertTrue(kernel.lockdep().held().isEmpty());
    }

    @Test
    void shouldReportRecursiveLock() {
        KernelBug bug = assertThrows(KernelBug.class, () -> mutex.with(mutex::lock));

        assertEquals(KernelBug.LOCKDEP_RECURSIVE, bug.rule());
        assertFalse(mutex.isHeld());
    }

    @Test
    void shouldReportUnlockWhenNotHeld() {
        KernelBug bug = assertThrows(KernelBug.class, mutex::unlock);

        assertEquals(KernelBug.BAD_UNLOCK, bug.rule());
        assertTrue(bug.getMessage().contains("mutex uverbs_file->hw_destroy_rwsem"), bug.getMessage());
    }

    @Test
    void shouldReleaseWhenBodyThrows() {
        assertThrows(IllegalStateException.class, () -> mutex.with(() -> {
            throw new IllegalStateException("boom");
        }));

        assertFalse(mutex.isHeld());
    }

    @Test
    void shouldAllowSpinlockInsideAndRecordTheOrder() {
        SpinLock spin = new SpinLock(kernel, "qp->sq.lock");

        List<String> held = mutex.with(() -> spin.with(kernel.lockdep()::held));

        assertEquals(List.of("uverbs_file->hw_destroy_rwsem", "qp->sq.lock"), held);
        assertTrue(kernel.lockdep().hasDependency("uverbs_file->hw_destroy_rwsem", "qp->sq.lock"));
    }

    /**
     * lock_release looks in the releasing task's own held locks (print_unlock_imbalance_bug): a
     * mutex a task holds, unlocked by a work item, is a bad unlock, and the task still holds it.
     */
    @Test
    void shouldReportAnUnlockByAnotherTask() {
        Kernel k = new Kernel("host9");
        Mutex m = new Mutex(k, "owned_mutex");
        m.lock();
        k.allocWorkqueue("wq").queueWork(new Work("unlocks", m::unlock));
        KernelBug bug = assertThrows(KernelBug.class, k::runPending);
        assertEquals(KernelBug.BAD_UNLOCK, bug.rule());
        assertEquals(List.of("owned_mutex"), k.lockdep().held());
        m.unlock();
        assertTrue(k.lockdep().held().isEmpty());
    }
}
