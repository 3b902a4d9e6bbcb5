// kernel/locking/mutex.c: mutex_lock() calls might_sleep() before anything else
package org.ibmodel.kernel;

import java.util.function.Supplier;

/** A sleeping lock: process context only, and never under a spinlock. */
public final class Mutex {

    private final LockdepMap map;

    /** @param lockClass the lockdep class, e.g. {@code "device->unregistration_lock"} */
    public Mutex(Kernel kernel, String lockClass) {
        this.map = new LockdepMap(kernel, lockClass);
    }

    public void lock() {
        map.kernel().mightSleep();
        map.acquire();
    }

    /**
     * mutex_trylock(): takes the mutex if it is free and returns whether it did, without
     * sleeping. Its comment in kernel/locking/mutex.c forbids it in interrupt context; nothing
     * there checks, so neither does this.
     */
    public boolean trylock() {
        if (map.held()) {
            return false;
        }
        map.acquireTry();
        return true;
    }

    public void unlock() {
        map.release("mutex");
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
        return "Mutex[" + map.lockClass() + (isHeld() ? ", held]" : "]");
    }
}
