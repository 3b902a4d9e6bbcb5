// include/linux/workqueue_types.h: struct work_struct
package org.ibmodel.kernel;

import java.util.Objects;

/** A deferred function; queued at most once at a time, like the WORK_STRUCT_PENDING bit. */
public final class Work {

    private final String name;
    private final Runnable fn;
    private final String lockdepMap;
    private final String runSite;
    /** The queue it sits on while pending; null otherwise. */
    private Workqueue owner;
    /** Its function is running (a kworker executes it, perhaps asleep in it). */
    private boolean running;
    /** The queue it last ran from: a running item is no longer on one. */
    private Workqueue lastQueue;

    /** INIT_WORK(). */
    public Work(String name, Runnable fn) {
        this.name = Objects.requireNonNull(name, "name");
        this.fn = Objects.requireNonNull(fn, "fn");
        // Made once: taken on every run of the item.
        this.lockdepMap = "(work_completion)" + name;
        this.runSite = "process_one_work(" + name + ")";
    }

    public String name() {
        return name;
    }

    /**
     * The item's lockdep_map, "(work_completion)NAME": one class per name, as INIT_WORK's static
     * key makes one per call site.
     */
    String lockdepMap() {
        return lockdepMap;
    }

    /** Where lockdep says the item's maps were taken when it runs. */
    String runSite() {
        return runSite;
    }

    /** work_pending(). */
    public boolean pending() {
        return owner != null;
    }

    Workqueue owner() {
        return owner;
    }

    void markQueued(Workqueue wq) {
        owner = wq;
    }

    void markIdle() {
        owner = null;
    }

    Workqueue lastQueue() {
        return lastQueue;
    }

    /** Whether its function is running now (work_busy's WORK_BUSY_RUNNING). */
    public boolean running() {
        return running;
    }

    void run(Workqueue from) {
        lastQueue = from;
        running = true;
        try {
            fn.run();
        } finally {
            running = false;
        }
    }

    @Override
    public String toString() {
        return "Work[" + name + (pending() ? " on " + owner.name() + "]" : "]");
    }
}
