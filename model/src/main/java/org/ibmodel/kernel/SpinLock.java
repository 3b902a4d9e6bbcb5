// include/linux/spinlock.h: spin_lock_irqsave()
package org.ibmodel.kernel;

import java.util.function.Supplier;

/**
 * A spinlock taken with interrupts disabled: legal in every context, and nothing may sleep while
 * it is held. One simulated CPU means "held on this CPU" is "held in this kernel".
 */
public final class SpinLock {

    private final LockdepMap map;

    /** @param lockClass the lockdep class, e.g. {@code "cq->lock"}; instances may share one */
    public SpinLock(Kernel kernel, String lockClass) {
        this.map = new LockdepMap(kernel, lockClass);
    }

    public void lock() {
        map.acquire();
        map.kernel().spinLocked(map.lockClass());
    }

    public void unlock() {
        map.release("spinlock");
        map.kernel().spinUnlocked(map.lockClass());
    }

    public boolean isHeld() {
        return map.held();
    }

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

    @Override
    public String toString() {
        return "SpinLock[" + map.lockClass() + (isHeld() ? ", held]" : "]");
    }
}
