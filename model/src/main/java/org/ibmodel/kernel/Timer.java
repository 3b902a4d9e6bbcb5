// include/linux/timer.h, kernel/time/timer.c: timer_setup, mod_timer, del_timer_sync
package org.ibmodel.kernel;

import java.util.Objects;

/**
 * A kernel timer: {@link #mod} arms it {@code delayNs} of virtual time ahead (mod_timer), its
 * function runs once in SOFTIRQ context when that time comes and may arm it again. On a kernel
 * without a {@link TimerBase} (no world around it) a timer never expires.
 */
public final class Timer {
    private final Kernel kernel;
    private final String name;
    private final Runnable fn;
    /** A sleeping task's timeout ({@link TimerBase#timeout}) rather than a timer of its own. */
    private final boolean wakesSleeper;
    private TimerBase.Event event;
    private boolean pending;

    Timer(Kernel kernel, String name, Runnable fn) {
        this(kernel, name, fn, false);
    }

    Timer(Kernel kernel, String name, Runnable fn, boolean wakesSleeper) {
        this.kernel = kernel;
        this.name = Objects.requireNonNull(name, "name");
        this.fn = Objects.requireNonNull(fn, "fn");
        this.wakesSleeper = wakesSleeper;
    }

    public String name() {
        return name;
    }

    /** mod_timer: (re)arms the timer; returns whether it was pending. */
    public boolean mod(long delayNs) {
        boolean was = pending;
        pending = true;
        TimerBase base = kernel.timerBase();
        if (base != null) {
            if (event == null) {
                String label = kernel.name() + " timer " + name;
                event = wakesSleeper ? base.timeout(label, this::expire) : base.event(label, this::expire);
            }
            event.arm(delayNs);
        }
        return was;
    }

    /**
     * del_timer_sync: after it returns the function does not run (nothing runs concurrently here).
     * It waits for a running callback, so it may not be called from a hard interrupt, and lockdep
     * holds the timer's map across it as across the callback (timer_delete_sync, call_timer_fn):
     * deleting under a lock the callback takes is a deadlock, reported as a lock-order cycle.
     * kernel/time/timer.c's rules: the caller holds no lock the callback takes, and for a timer
     * not TIMER_IRQSAFE none an interrupt takes.
     */
    public boolean del() {
        if (kernel.context() == ExecContext.HARDIRQ && !wakesSleeper) {
            throw new KernelBug(KernelBug.WARN_ON, "del_timer_sync of " + name + " in hard interrupt context");
        }
        // __timer_delete_sync takes the map with interrupts off: the callback takes it in a
        // softirq, and the map stands for waiting, not for a lock an interrupt could spin on.
        long flags = kernel.localIrqSave();
        try {
            kernel.lockdep().acquire(lockdepMap(), "del_timer_sync(" + name + ")");
            kernel.lockdep().release(lockdepMap());
        } finally {
            kernel.localIrqRestore(flags);
        }
        boolean was = pending;
        pending = false;
        if (event != null) {
            event.cancel();
        }
        return was;
    }

    public boolean pending() {
        return pending;
    }

    private void expire() {
        pending = false;
        kernel.runIn(ExecContext.SOFTIRQ, () -> {
            kernel.lockdep().acquire(lockdepMap(), "call_timer_fn(" + name + ")");
            try {
                fn.run();
            } finally {
                kernel.lockdep().release(lockdepMap());
            }
        });
        kernel.runPending();
    }

    /** The timer's lockdep_map: one class per timer, as timer_setup's static key makes it. */
    private String lockdepMap() {
        return "timer " + name;
    }

    @Override
    public String toString() {
        return "timer " + name + (pending ? " (pending)" : "");
    }
}
