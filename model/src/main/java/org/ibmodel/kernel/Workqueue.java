// kernel/workqueue.c
package org.ibmodel.kernel;

import java.util.Objects;

/**
 * A named workqueue. All queues of a kernel feed one FIFO, so the order in which work runs is
 * the order in which it was queued, whatever the queue.
 */
public final class Workqueue {

    private final Kernel kernel;
    private final String name;

    Workqueue(Kernel kernel, String name) {
        this.kernel = kernel;
        this.name = Objects.requireNonNull(name, "name");
    }

    public String name() {
        return name;
    }

    /** queue_work(): false if {@code w} is already pending anywhere; legal in any context. */
    public boolean queueWork(Work w) {
        if (w.pending()) {
            return false;
        }
        w.markQueued(this);
        kernel.enqueueWork(w);
        return true;
    }

    /**
     * cancel_work(): takes {@code w} off the queue it is pending on. Like the kernel call it does
     * not look at which queue that is, and does not wait for a running instance.
     */
    public boolean cancelWork(Work w) {
        Workqueue on = w.owner();
        if (on == null) {
            return false;
        }
        on.kernel.dequeueWork(w);
        w.markIdle();
        return true;
    }

    /** flush_workqueue(): sleeps until everything queued here has run. */
    public void flush() {
        kernel.mightSleep();
        kernel.runPending();
    }

    /** Items queued here and not yet started. */
    public int pending() {
        return kernel.pendingOn(this);
    }

    @Override
    public String toString() {
        return "Workqueue[" + name + ", pending=" + pending() + "]";
    }
}
