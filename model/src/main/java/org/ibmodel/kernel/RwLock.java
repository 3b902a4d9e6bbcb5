// include/linux/rwlock.h, include/linux/rwlock_api_smp.h; kernel/locking/lockdep.c
// (read_lock_is_recursive)
package org.ibmodel.kernel;

import java.util.Objects;

/**
 * A reader-writer spinlock (rwlock_t): readers share it, a writer excludes everyone, and nothing
 * may sleep while it is held. Its variants are the spinlock's ({@link SpinLock}): plain, _bh,
 * _irq and _irqsave, each for read and for write. Lockdep sees a read_lock taken in an interrupt
 * as a recursive read, which the queued rwlock lets through even while a writer waits, and one in
 * process context as a plain read; so readers may take it in an interrupt and with interrupts
 * enabled alike, but a writer that leaves interrupts enabled while an interrupt handler reads it
 * is an inconsistent lock state (ib_cache_update takes ib_core's cache_lock with write_lock_irq
 * for that reason).
 */
public final class RwLock {

    private final Kernel kernel;
    private final String lockClass;
    private int readers;
    private boolean writer;

    /** @param lockClass the lockdep class, e.g. {@code "device->cache_lock"} */
    public RwLock(Kernel kernel, String lockClass) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.lockClass = Objects.requireNonNull(lockClass, "lockClass");
    }

    /** read_lock(). */
    public void readLock() {
        kernel.lockdep().acquireRwlockRead(lockClass);
        readers++;
        kernel.spinLocked(lockClass);
    }

    /** read_unlock(). */
    public void readUnlock() {
        if (readers == 0) {
            throw new KernelBug(KernelBug.BAD_UNLOCK, "read_unlock of " + lockClass + " at " + CallerSite.find()
                    + " but no reader holds it");
        }
        kernel.lockdep().release(lockClass);
        readers--;
        kernel.spinUnlocked(lockClass);
    }

    /** write_lock(). */
    public void writeLock() {
        kernel.lockdep().acquire(lockClass);
        writer = true;
        kernel.spinLocked(lockClass);
    }

    /** write_unlock(). */
    public void writeUnlock() {
        if (!writer) {
            throw new KernelBug(KernelBug.BAD_UNLOCK, "write_unlock of " + lockClass + " at " + CallerSite.find()
                    + " but no writer holds it");
        }
        kernel.lockdep().release(lockClass);
        writer = false;
        kernel.spinUnlocked(lockClass);
    }

    /** read_lock_irqsave(): interrupts off first; returns the flags its unlock restores. */
    public long readLockIrqsave() {
        long flags = kernel.localIrqSave();
        try {
            readLock();
        } catch (RuntimeException refused) {
            kernel.localIrqRestore(flags);
            throw refused;
        }
        return flags;
    }

    /** read_unlock_irqrestore(lock, flags). */
    public void readUnlockIrqrestore(long flags) {
        readUnlock();
        kernel.localIrqRestore(flags);
    }

    /** read_lock_irq(). */
    public void readLockIrq() {
        readLockIrqsave();
    }

    /** read_unlock_irq(): interrupts on, whatever they were before. */
    public void readUnlockIrq() {
        readUnlock();
        kernel.localIrqEnable();
    }

    /** read_lock_bh(). */
    public void readLockBh() {
        kernel.localBhDisable();
        try {
            readLock();
        } catch (RuntimeException refused) {
            kernel.localBhEnable();
            throw refused;
        }
    }

    /** read_unlock_bh(). */
    public void readUnlockBh() {
        readUnlock();
        kernel.localBhEnable();
    }

    /** write_lock_irqsave(). */
    public long writeLockIrqsave() {
        long flags = kernel.localIrqSave();
        try {
            writeLock();
        } catch (RuntimeException refused) {
            kernel.localIrqRestore(flags);
            throw refused;
        }
        return flags;
    }

    /** write_unlock_irqrestore(lock, flags). */
    public void writeUnlockIrqrestore(long flags) {
        writeUnlock();
        kernel.localIrqRestore(flags);
    }

    /** write_lock_irq(). */
    public void writeLockIrq() {
        writeLockIrqsave();
    }

    /** write_unlock_irq(): interrupts on, whatever they were before. */
    public void writeUnlockIrq() {
        writeUnlock();
        kernel.localIrqEnable();
    }

    /** write_lock_bh(). */
    public void writeLockBh() {
        kernel.localBhDisable();
        try {
            writeLock();
        } catch (RuntimeException refused) {
            kernel.localBhEnable();
            throw refused;
        }
    }

    /** write_unlock_bh(). */
    public void writeUnlockBh() {
        writeUnlock();
        kernel.localBhEnable();
    }

    /** Readers holding it now, on this CPU. */
    public int readers() {
        return readers;
    }

    public boolean isWriteLocked() {
        return writer;
    }

    @Override
    public String toString() {
        return "RwLock[" + lockClass + (writer ? ", write-locked" : readers > 0 ? ", " + readers + " readers" : "")
                + "]";
    }
}
