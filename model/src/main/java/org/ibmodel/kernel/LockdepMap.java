// include/linux/lockdep_types.h: struct lockdep_map
package org.ibmodel.kernel;

import java.util.Objects;

/**
 * The part every lock embeds: its lockdep class and whether this instance is held, and as which
 * subclass (spin_lock_nested).
 */
final class LockdepMap {

    private final Kernel kernel;
    private final String lockClass;
    /** The class it is held as: {@link #lockClass}, or a subclass of it; null when free. */
    private String heldAs;

    LockdepMap(Kernel kernel, String lockClass) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.lockClass = Objects.requireNonNull(lockClass, "lockClass");
    }

    Kernel kernel() {
        return kernel;
    }

    String lockClass() {
        return lockClass;
    }

    boolean held() {
        return heldAs != null;
    }

    /** Validates first; a refused acquisition leaves the lock free. */
    void acquire() {
        kernel.lockdep().acquire(lockClass);
        heldAs = lockClass;
    }

    /**
     * lock_acquire with a subclass (spin_lock_nested): lockdep keys the lock "CLASS/N" for
     * subclass N &gt; 0, a class of its own, so two instances of one class may nest when the code
     * says in which order.
     */
    void acquireNested(int subclass) {
        if (subclass < 0 || subclass >= MAX_LOCKDEP_SUBCLASSES) {
            throw new KernelBug(KernelBug.WARN_ON, "lockdep subclass " + subclass + " of " + lockClass
                    + " out of range at " + CallerSite.find());
        }
        String as = subclass == 0 ? lockClass : lockClass + "/" + subclass;
        kernel.lockdep().acquire(as);
        heldAs = as;
    }

    /** include/linux/lockdep_types.h MAX_LOCKDEP_SUBCLASSES. */
    static final int MAX_LOCKDEP_SUBCLASSES = 8;

    /** A trylock that found the lock free. */
    void acquireTry() {
        kernel.lockdep().acquireTry(lockClass);
        heldAs = lockClass;
    }

    void release(String kind) {
        if (heldAs == null) {
            throw new KernelBug(KernelBug.BAD_UNLOCK, "unlocking " + kind + " " + lockClass + " at "
                    + CallerSite.find() + " but it is not held");
        }
        kernel.lockdep().release(heldAs);
        heldAs = null;
    }
}
