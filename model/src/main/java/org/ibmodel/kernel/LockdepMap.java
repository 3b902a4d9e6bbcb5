// include/linux/lockdep_types.h: struct lockdep_map
package org.ibmodel.kernel;

import java.util.Objects;

/** The part every lock embeds: its lockdep class and whether this instance is held. */
final class LockdepMap {

    private final Kernel kernel;
    private final String lockClass;
    private boolean held;

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
        return held;
    }

    /** Validates first; a refused acquisition leaves the lock free. */
    void acquire() {
        kernel.lockdep().acquire(lockClass);
        held = true;
    }

    /** A trylock that found the lock free. */
    void acquireTry() {
        kernel.lockdep().acquireTry(lockClass);
        held = true;
    }

    void release(String kind) {
        if (!held) {
            throw new KernelBug(KernelBug.BAD_UNLOCK, "unlocking " + kind + " " + lockClass + " at "
                    + CallerSite.find() + " but it is not held");
        }
        kernel.lockdep().release(lockClass);
        held = false;
    }
}
