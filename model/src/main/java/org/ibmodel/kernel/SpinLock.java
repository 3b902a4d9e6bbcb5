// include/linux/spinlock.h, include/linux/spinlock_api_smp.h
package org.ibmodel.kernel;

import java.util.function.Supplier;

/**
 * A spinlock. Nothing may sleep while it is held; one simulated CPU means "held on this CPU" is
 * "held in this kernel". As in the kernel, the variant says what else is disabled while it is
 * held, and lockdep learns from that where the lock is safe: {@link #lock()} (spin_lock) leaves
 * interrupts as they are, {@link #lockBh()} disables softirqs, {@link #lockIrq()} interrupts
 * (and {@link #unlockIrq()} enables them again, whatever they were before), and
 * {@link #lockIrqsave()} disables interrupts and returns the flags its unlock restores. A lock an interrupt
 * handler takes must be taken with that interrupt disabled everywhere else, or lockdep reports an
 * inconsistent lock state.
 */
public final class SpinLock {

    /** include/linux/lockdep.h: the subclass of the second of two nested instances. */
    public static final int SINGLE_DEPTH_NESTING = 1;

    private final LockdepMap map;

    /** @param lockClass the lockdep class, e.g. {@code "cq->lock"}; instances may share one */
    public SpinLock(Kernel kernel, String lockClass) {
        this.map = new LockdepMap(kernel, lockClass);
    }

    /** spin_lock(). */
    public void lock() {
        map.acquire();
        map.kernel().spinLocked(map.lockClass());
    }

    /** spin_unlock(). */
    public void unlock() {
        map.release("spinlock");
        map.kernel().spinUnlocked(map.lockClass());
    }

    /**
     * spin_lock_nested(lock, subclass): spin_lock, lockdep taking it as subclass {@code subclass}
     * of its class (SINGLE_DEPTH_NESTING is 1), for code that holds two instances of one class
     * in an order of its own (mlx4_ib_lock_cqs takes two CQs' locks by CQ number).
     */
    public void lockNested(int subclass) {
        map.acquireNested(subclass);
        map.kernel().spinLocked(map.lockClass());
    }

    /** spin_lock_bh(): softirqs off first, so lockdep sees the lock taken with them disabled. */
    public void lockBh() {
        Kernel k = map.kernel();
        k.localBhDisable();
        try {
            lock();
        } catch (RuntimeException refused) {
            k.localBhEnable();
            throw refused;
        }
    }

    /** spin_unlock_bh(). */
    public void unlockBh() {
        unlock();
        map.kernel().localBhEnable();
    }

    /** spin_lock_irq(): interrupts off first. */
    public void lockIrq() {
        Kernel k = map.kernel();
        long saved = k.localIrqSave();
        try {
            lock();
        } catch (RuntimeException refused) {
            k.localIrqRestore(saved);
            throw refused;
        }
    }

    /** spin_unlock_irq(): interrupts on, even if they were off before {@link #lockIrq()}. */
    public void unlockIrq() {
        unlock();
        map.kernel().localIrqEnable();
    }

    /**
     * spin_lock_irqsave(): interrupts off first; returns the flags that
     * {@link #unlockIrqrestore(long)} gives back, as the kernel's caller keeps them.
     */
    public long lockIrqsave() {
        Kernel k = map.kernel();
        long flags = k.localIrqSave();
        try {
            lock();
        } catch (RuntimeException refused) {
            k.localIrqRestore(flags);
            throw refused;
        }
        return flags;
    }

    /** spin_unlock_irqrestore(lock, flags). */
    public void unlockIrqrestore(long flags) {
        unlock();
        map.kernel().localIrqRestore(flags);
    }

    /**
     * spin_trylock(): takes the lock if it is free, without waiting. Lockdep neither checks it
     * against the locks held nor counts it as taken in an interrupt.
     */
    public boolean trylock() {
        if (map.held()) {
            return false;
        }
        map.acquireTry();
        map.kernel().spinLocked(map.lockClass());
        return true;
    }

    public boolean isHeld() {
        return map.held();
    }

    /** scoped_guard(spinlock). */
    public void with(Runnable body) {
        lock();
        try {
            body.run();
        } finally {
            unlock();
        }
    }

    public <T> T with(Supplier<T> body) {
        lock();
        try {
            return body.get();
        } finally {
            unlock();
        }
    }

    /** scoped_guard(spinlock_irq). */
    public void withIrq(Runnable body) {
        lockIrq();
        try {
            body.run();
        } finally {
            unlockIrq();
        }
    }

    public <T> T withIrq(Supplier<T> body) {
        lockIrq();
        try {
            return body.get();
        } finally {
            unlockIrq();
        }
    }

    /** scoped_guard(spinlock_irqsave). */
    public void withIrqsave(Runnable body) {
        long flags = lockIrqsave();
        try {
            body.run();
        } finally {
            unlockIrqrestore(flags);
        }
    }

    public <T> T withIrqsave(Supplier<T> body) {
        long flags = lockIrqsave();
        try {
            return body.get();
        } finally {
            unlockIrqrestore(flags);
        }
    }

    /** scoped_guard(spinlock_bh). */
    public void withBh(Runnable body) {
        lockBh();
        try {
            body.run();
        } finally {
            unlockBh();
        }
    }

    public <T> T withBh(Supplier<T> body) {
        lockBh();
        try {
            return body.get();
        } finally {
            unlockBh();
        }
    }

    @Override
    public String toString() {
        return "SpinLock[" + map.lockClass() + (isHeld() ? ", held]" : "]");
    }
}
