package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * rwlock_t and what lockdep makes of its readers (kernel/locking/lockdep.c mark_lock_irq,
 * check_deadlock, read_lock_is_recursive): the read states meet only the opposite write state.
 */
class RwLockTest {

    private final Kernel kernel = new Kernel("host0");
    private final RwLock cache = new RwLock(kernel, "device->cache_lock");
    private final SpinLock sq = new SpinLock(kernel, "qp->sq.lock");
    private final SpinLock other = new SpinLock(kernel, "other->lock");

    private void inHardirq(Runnable body) {
        kernel.runIn(ExecContext.HARDIRQ, body);
    }

    private static KernelBug expect(String rule, Runnable body) {
        KernelBug bug = assertThrows(KernelBug.class, body::run);
        assertEquals(rule, bug.rule(), bug.getMessage());
        return bug;
    }

    private void read(Runnable body) {
        cache.readLock();
        try {
            body.run();
        } finally {
            cache.readUnlock();
        }
    }

    /** ib_core's cache_lock: read_lock_irqsave anywhere, write_lock_irq in ib_cache_update. */
    @Test
    void shouldTakeTheCacheLockAsIbCoreDoes() {
        assertDoesNotThrow(() -> {
            inHardirq(() -> {
                long f = cache.readLockIrqsave();
                cache.readUnlockIrqrestore(f);
            });
            long flags = sq.lockIrqsave();
            long f = cache.readLockIrqsave();
            assertEquals(1, cache.readers());
            cache.readUnlockIrqrestore(f);
            sq.unlockIrqrestore(flags);
            cache.writeLockIrq();
            assertTrue(cache.isWriteLocked());
            cache.writeUnlockIrq();
        });
        assertFalse(kernel.irqsDisabled());
        assertFalse(kernel.inAtomic());
    }

    /**
     * Readers in an interrupt and readers with interrupts on share the lock: {IN-HARDIRQ-R} and
     * {HARDIRQ-ON-R} do not conflict, and an interrupt reading it while the task it interrupted
     * reads it is no deadlock.
     */
    @Test
    void shouldLetReadersInAnInterruptAndWithInterruptsOnShareIt() {
        assertDoesNotThrow(() -> {
            inHardirq(() -> read(() -> { }));
            read(() -> inHardirq(() -> read(() -> { })));
        });
    }

    /** mark_lock_irq: {IN-HARDIRQ-R} against a writer with interrupts on, {HARDIRQ-ON-W}. */
    @Test
    void shouldReportAWriterWithInterruptsOnOfALockAnInterruptReads() {
        inHardirq(() -> read(() -> { }));

        KernelBug bug = expect(KernelBug.LOCKDEP_INCONSISTENT, () -> {
            cache.writeLock();
            cache.writeUnlock();
        });

        assertTrue(bug.getMessage().contains("inconsistent {IN-HARDIRQ-R} -> {HARDIRQ-ON-W} usage: PROCESS"),
                bug.getMessage());
        assertTrue(bug.getMessage().contains("state was registered at org.ibmodel.kernel.RwLockTest.read("),
                "the reader's caller, not the primitive: " + bug.getMessage());
        assertFalse(cache.isWriteLocked(), "a refused acquisition leaves the lock free");
    }

    @Test
    void shouldReportAnInterruptReadingALockWrittenWithInterruptsOn() {
        cache.writeLock();
        cache.writeUnlock();

        KernelBug bug = expect(KernelBug.LOCKDEP_INCONSISTENT, () -> inHardirq(() -> read(() -> { })));

        assertTrue(bug.getMessage().contains("inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-R} usage: HARDIRQ"),
                bug.getMessage());
    }

    /** A writer in an interrupt against readers with interrupts on: {HARDIRQ-ON-R} -> {IN-HARDIRQ-W}. */
    @Test
    void shouldReportAnInterruptWritingALockReadWithInterruptsOn() {
        read(() -> { });

        KernelBug bug = expect(KernelBug.LOCKDEP_INCONSISTENT, () -> inHardirq(() -> {
            cache.writeLock();
            cache.writeUnlock();
        }));

        assertTrue(bug.getMessage().contains("inconsistent {HARDIRQ-ON-R} -> {IN-HARDIRQ-W}"), bug.getMessage());
    }

    /** A task that holds it and wants it again, for write, or for read while it writes, spins forever. */
    @Test
    void shouldReportATaskTakingItForWriteAgainstItself() {
        long flags = cache.readLockIrqsave();
        expect(KernelBug.LOCKDEP_RECURSIVE, cache::writeLock);
        cache.readUnlockIrqrestore(flags);
        flags = cache.writeLockIrqsave();
        expect(KernelBug.LOCKDEP_RECURSIVE, cache::readLock);
        cache.writeUnlockIrqrestore(flags);
    }

    /**
     * check_deadlock: read after read in one task is a recursive read only in an interrupt; in
     * process context the queued rwlock would let a waiting writer in between, so lockdep reports it.
     */
    @Test
    void shouldLetOnlyAnInterruptTakeItForReadTwice() {
        assertDoesNotThrow(() -> inHardirq(() -> read(() -> read(() -> { }))));
        expect(KernelBug.LOCKDEP_RECURSIVE, () -> read(() -> read(() -> { })));
    }

    /**
     * A lock an interrupt reads, held for write while an irq-unsafe lock is taken: the writer
     * waits for the unsafe lock, whose holder's interrupt spins on the writer. Held for read it is
     * no deadlock (the interrupt's read shares it), and lockdep's search starts from a read hold
     * looking for write states only (bfs_init_rootb's only_xr).
     */
    @Test
    void shouldReportAnInterruptReadLockHeldForWriteBeforeAnIrqUnsafeLock() {
        inHardirq(() -> read(() -> { }));
        other.with(() -> { });

        assertDoesNotThrow(() -> {
            long f = cache.readLockIrqsave();
            try {
                other.with(() -> { });
            } finally {
                cache.readUnlockIrqrestore(f);
            }
        }, "a read hold before the unsafe lock");
        KernelBug bug = expect(KernelBug.LOCKDEP_BAD_IRQ_DEPENDENCY, () -> {
            long f = cache.writeLockIrqsave();
            try {
                other.with(() -> { });
            } finally {
                cache.writeUnlockIrqrestore(f);
            }
        });

        // print_bad_irq_dependency names the class by the safe state found: HARDIRQ-READ.
        assertTrue(bug.getMessage().startsWith("BUG: lockdep_bad_irq_dependency: HARDIRQ-READ-safe -> HARDIRQ-READ-unsafe"
                + " lock order detected"), bug.getMessage());
        assertTrue(bug.getMessage().contains("device->cache_lock is HARDIRQ-READ-safe ({IN-HARDIRQ-R}"), bug.getMessage());
        assertTrue(bug.getMessage().contains("other->lock is HARDIRQ-READ-unsafe ({HARDIRQ-ON-W}"), bug.getMessage());
    }

    /** read_lock_is_recursive is in_interrupt(), true with softirqs disabled: read_lock_bh nests. */
    @Test
    void shouldLetReadLockBhNestInProcessContext() {
        assertDoesNotThrow(() -> {
            cache.readLockBh();
            cache.readLockBh();
            cache.readUnlockBh();
            cache.readUnlockBh();
        });
        assertTrue(kernel.softirqsEnabled());
    }

    /**
     * check_deadlock's 2: a recursive read nested in its own read hold orders nothing, so
     * taking another lock between the two reads closes no cycle.
     */
    @Test
    void shouldOrderNothingAfterARecursiveReadNestedInItsOwnHold() {
        assertDoesNotThrow(() -> inHardirq(() -> read(() -> other.with(() -> read(() -> { })))));
        assertFalse(kernel.lockdep().hasDependency("other->lock", "device->cache_lock"));
        assertFalse(kernel.lockdep().hasDependency("device->cache_lock", "device->cache_lock"));
    }

    /**
     * An order seen first with the lock taken as a recursive read (in an interrupt) is checked
     * again when it is taken as a plain read: lockdep's chain key tells them apart.
     */
    @Test
    void shouldCheckAnOrderAgainWhenItsReadStateChanges() {
        SpinLock s = new SpinLock(kernel, "s->lock");
        read(() -> { });
        inHardirq(() -> s.with(() -> read(() -> { })));

        expect(KernelBug.LOCKDEP_BAD_IRQ_DEPENDENCY, () -> {
            long f = s.lockIrqsave();
            try {
                read(() -> { });
            } finally {
                s.unlockIrqrestore(f);
            }
        });
    }

    /**
     * __bfs's strong paths: an interrupt-safe lock ordered before a lock taken as a recursive
     * read is no inversion when that lock is later read with interrupts on; the interrupt's read
     * would share it.
     */
    @Test
    void shouldFollowOnlyStrongPathsFromAnInterruptSafeLock() {
        SpinLock c = new SpinLock(kernel, "c->lock");
        inHardirq(() -> c.with(() -> read(() -> { })));

        assertDoesNotThrow(() -> read(() -> { }));
    }

    /**
     * check_prevs_add: a lock is ordered after the nearest lock held, not after every one; the
     * older ones reach it through the nearest. Through a recursive read that path is not strong
     * (__bfs), so an interrupt-safe lock held around a recursive read and an irq-unsafe lock
     * taken under it are not reported, as lockdep does not report them.
     */
    @Test
    void shouldOrderANewLockAfterTheNearestHeldLockOnly() {
        SpinLock a = new SpinLock(kernel, "a->lock");
        inHardirq(() -> a.with(() -> { }));
        // In a softirq the read is recursive; other->lock is taken with interrupts off.
        kernel.runIn(ExecContext.SOFTIRQ, () -> {
            long f = a.lockIrqsave();
            read(() -> other.with(() -> { }));
            a.unlockIrqrestore(f);
        });

        assertTrue(kernel.lockdep().hasDependency("a->lock", "other->lock"), "through the read");
        // HARDIRQ-ON-W for other->lock: a->lock, HARDIRQ-safe, reaches it only through the read.
        assertDoesNotThrow(() -> other.withBh(() -> { }), "no strong path from a->lock to other->lock");
    }

    @Test
    void shouldRefuseAnUnlockOfWhatIsNotHeld() {
        expect(KernelBug.BAD_UNLOCK, cache::readUnlock);
        expect(KernelBug.BAD_UNLOCK, cache::writeUnlock);
    }
}
