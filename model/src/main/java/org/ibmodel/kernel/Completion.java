// kernel/sched/completion.c, include/linux/completion.h
package org.ibmodel.kernel;

import java.util.Objects;

/**
 * A one-shot or counted event. A waiter cannot block a real thread here, so it lets the kernel's
 * deferred work run until someone completes it; if all work drains first, no one ever will.
 */
public final class Completion {

    /** complete_all() sets done to UINT_MAX; later waits then never consume it. */
    private static final int ALL = Integer.MAX_VALUE;

    private final Kernel kernel;
    private int done;

    /** init_completion(). */
    public Completion(Kernel kernel) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
    }

    /** complete(): wakes one waiter; legal in any context. */
    public void complete() {
        if (done != ALL) {
            done++;
        }
    }

    /** complete_all(): every current and future waiter passes until {@link #reinit()}. */
    public void completeAll() {
        done = ALL;
    }

    /** completion_done(): a wait would not block. */
    public boolean done() {
        return done != 0;
    }

    /** reinit_completion(). */
    public void reinit() {
        done = 0;
    }

    public void waitForCompletion() {
        kernel.mightSleep();
        while (done == 0) {
            if (!kernel.schedule()) {
                throw new KernelBug(KernelBug.COMPLETION_DEADLOCK, "wait_for_completion at "
                        + CallerSite.find() + " on " + kernel.name()
                        + " can never finish: nothing pending here or elsewhere can complete it");
            }
        }
        consume();
    }

    /** try_wait_for_completion(): never blocks, never runs deferred work. */
    public boolean tryWaitForCompletion() {
        if (done == 0) {
            return false;
        }
        consume();
        return true;
    }

    private void consume() {
        if (done != ALL) {
            done--;
        }
    }

    @Override
    public String toString() {
        return "Completion[done=" + (done == ALL ? "all" : Integer.toString(done)) + "]";
    }
}
