// kernel/time/timer.c: what makes timers expire; a simulated world supplies its clock
package org.ibmodel.kernel;

/** The clock behind a kernel's timers: a world makes one event per timer and arms it again on each mod_timer. */
public interface TimerBase {
    /** One timer's event; {@code expiry} runs when virtual time reaches it. */
    Event event(String name, Runnable expiry);

    /**
     * A timeout a sleeping task waits for (schedule_timeout's timer): unlike a periodic timer it
     * is something to wait for, so a world keeps running up to it while the task sleeps.
     */
    default Event timeout(String name, Runnable expiry) {
        return event(name, expiry);
    }

    /** Virtual time now, in nanoseconds: what jiffies counts in the kernel. */
    long nowNs();

    /** A timer's place on the clock. */
    interface Event {
        /** Queues it {@code delayNs} from now, taking it off first if it was queued. */
        void arm(long delayNs);

        /** Takes it off; false if it was not queued. */
        boolean cancel();
    }
}
