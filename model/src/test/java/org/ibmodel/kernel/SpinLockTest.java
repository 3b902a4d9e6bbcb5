package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpinLockTest {

    private final Kernel kernel = new Kernel("host0");
    private final SpinLock lock = new SpinLock(kernel, "cq->lock");

    @Test
    void shouldBeHeldOnlyBetweenLockAndUnlock() {
        assertFalse(lock.isHeld());
        lock.lock();
        assertTrue(lock.isHeld());
        assertTrue(kernel.inAtomic());
        lock.unlock();
        assertFalse(lock.isHeld());
        assertFalse(kernel.inAtomic());
    }

    @Test
    void shouldReportUnlockWhenNotHeld() {
        KernelBug bug = assertThrows(KernelBug.class, lock::unlock);

        assertEquals(KernelBug.BAD_UNLOCK, bug.rule());
        assertTrue(bug.getMessage().contains("spinlock cq->lock"), bug.getMessage());
    }

    @Test
    void shouldReportSecondLockOfSameInstance() {
        lock.lock();

        KernelBug bug = assertThrows(KernelBug.class, lock::lock);

        assertEquals(KernelBug.LOCKDEP_RECURSIVE, bug.rule());
        assertTrue(lock.isHeld());
        lock.unlock();
        assertFalse(kernel.inAtomic());
    }

    @Test
    void shouldReleaseWhenBodyThrows() {
        assertThrows(IllegalStateException.class, () -> lock.with(() -> {
            throw new IllegalStateException("boom");
        }));

        assertFalse(lock.isHeld());
        assertFalse(kernel.inAtomic());
    }

    @Test
    void shouldReturnValueOfBody() {
        int value = lock.with(() -> 42);

        assertEquals(42, value);
    }

    @Test
    void shouldBeUsableInHardirq() {
        boolean heldInside = kernel.callIn(ExecContext.HARDIRQ, () -> lock.with(lock::isHeld));

        assertTrue(heldInside);
        assertFalse(lock.isHeld());
    }

    @Test
    void shouldForbidSleepingWhileHeld() {
        Completion done = new Completion(kernel);
        done.complete();

        KernelBug bug = assertThrows(KernelBug.class, () -> lock.with(done::waitForCompletion));

        assertEquals(KernelBug.MIGHT_SLEEP, bug.rule());
        assertTrue(bug.getMessage().contains("[cq->lock]"), bug.getMessage());
    }

    @Test
    void shouldAllowSleepingAfterRelease() {
        lock.with(() -> { });

        assertDoesNotThrow(kernel::mightSleep);
    }
}
