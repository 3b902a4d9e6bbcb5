// kernel/locking/rwsem.c: down_read(), down_write() and might_sleep() before either
package org.ibmodel.kernel;

import java.util.Objects;

/**
 * A sleeping reader-writer lock (struct rw_semaphore): process context only. Readers share it:
 * a work item that runs while a reader sleeps may take it for read too, as a kworker would on
 * another CPU. A writer excludes everyone; in this single-threaded model a writer that would wait
 * for a holder on this CPU is a deadlock, and {@link Lockdep} reports it as recursive locking, as
 * it does a reader taking it twice in one task.
 */
public final class RwSemaphore {

    private final Kernel kernel;
    private final String lockClass;
    private int readers;
    private boolean writer;

    /** @param lockClass the lockdep class, e.g. {@code "ib_device->event_handler_rwsem"} */
    public RwSemaphore(Kernel kernel, String lockClass) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.lockClass = Objects.requireNonNull(lockClass, "lockClass");
    }

    public void downRead() {
        kernel.mightSleep();
        kernel.lockdep().acquireRead(lockClass);
        readers++;
    }

    public void upRead() {
        if (readers == 0) {
            throw new KernelBug(KernelBug.BAD_UNLOCK, "up_read of " + lockClass + " at " + CallerSite.find()
                    + " but no reader holds it");
        }
        kernel.lockdep().release(lockClass);
        readers--;
    }

    public void downWrite() {
        kernel.mightSleep();
        kernel.lockdep().acquire(lockClass);
        writer = true;
    }

    public void upWrite() {
        if (!writer) {
            throw new KernelBug(KernelBug.BAD_UNLOCK, "up_write of " + lockClass + " at " + CallerSite.find()
                    + " but no writer holds it");
        }
        kernel.lockdep().release(lockClass);
        writer = false;
    }

    /** downgrade_write(): the writer becomes a reader without letting the lock go. */
    public void downgradeWrite() {
        if (!writer) {
            throw new KernelBug(KernelBug.BAD_UNLOCK, "downgrade_write of " + lockClass + " at " + CallerSite.find()
                    + " but no writer holds it");
        }
        kernel.lockdep().downgrade(lockClass);
        writer = false;
        readers++;
    }

    /** Readers holding it now. */
    public int readers() {
        return readers;
    }

    public boolean isWriteLocked() {
        return writer;
    }

    /** down_read, {@code body}, up_read. */
    public void withRead(Runnable body) {
        downRead();
        try {
            body.run();
        } finally {
            upRead();
        }
    }

    /** down_write, {@code body}, up_write. */
    public void withWrite(Runnable body) {
        downWrite();
        try {
            body.run();
        } finally {
            upWrite();
        }
    }

    @Override
    public String toString() {
        return "RwSemaphore[" + lockClass + (writer ? ", write-locked" : readers > 0 ? ", " + readers + " readers"
                : "") + "]";
    }
}
