// include/linux/interrupt.h (struct tasklet_struct), kernel/softirq.c (tasklet_schedule, tasklet_action_common)
package org.ibmodel.kernel;

import java.util.Objects;

/**
 * A tasklet: a function that runs once in SOFTIRQ context for any number of {@link #schedule}
 * calls made before it starts. The scheduled bit (TASKLET_STATE_SCHED) clears just before the
 * function runs, so the function, or an interrupt while it runs, may schedule it again.
 */
public final class Tasklet {
    private final Kernel kernel;
    private final String name;
    private final Runnable fn;
    private boolean scheduled;

    Tasklet(Kernel kernel, String name, Runnable fn) {
        this.kernel = kernel;
        this.name = Objects.requireNonNull(name, "name");
        this.fn = Objects.requireNonNull(fn, "fn");
    }

    public String name() {
        return name;
    }

    /** tasklet_schedule(): legal in any context; nothing more while it is already scheduled. */
    public void schedule() {
        if (scheduled) {
            return;
        }
        scheduled = true;
        kernel.raiseSoftirq(name, this::run);
    }

    /** TASKLET_STATE_SCHED: scheduled and not yet started. */
    public boolean scheduled() {
        return scheduled;
    }

    private void run() {
        scheduled = false;
        fn.run();
    }

    @Override
    public String toString() {
        return "tasklet " + name + (scheduled ? " (scheduled)" : "");
    }
}
