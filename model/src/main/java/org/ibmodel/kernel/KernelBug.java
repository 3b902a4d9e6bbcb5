// lib/bug.c, kernel/panic.c (__warn), kernel/locking/lockdep.c
package org.ibmodel.kernel;

/**
 * A rule violation the kernel would report with a BUG, WARN or lockdep splat. The model stops at
 * the first one instead of carrying on, so a test sees exactly which rule broke and where.
 */
public final class KernelBug extends RuntimeException {

    /** Sleeping call in softirq/hardirq context or with a spinlock held (kernel/sched/core.c). */
    public static final String MIGHT_SLEEP = "might_sleep";
    /** Lock order inversion: the new edge closes a cycle in the lock order graph. */
    public static final String LOCKDEP_CIRCULAR = "lockdep_circular";
    /** A lock class acquired again while already held. */
    public static final String LOCKDEP_RECURSIVE = "lockdep_recursive";
    /**
     * A lock class taken in an interrupt handler and also with that interrupt enabled
     * (lockdep's "inconsistent lock state").
     */
    public static final String LOCKDEP_INCONSISTENT = "lockdep_inconsistent";
    /**
     * A class becoming irq-safe or irq-unsafe while already ordered before an unsafe or after a
     * safe one (lockdep's "possible irq lock inversion dependency detected").
     */
    public static final String LOCKDEP_IRQ_INVERSION = "lockdep_irq_inversion";
    /**
     * A new order from an irq-safe class to an irq-unsafe one (lockdep's "HARDIRQ-safe ->
     * HARDIRQ-unsafe lock order detected", and the SOFTIRQ one).
     */
    public static final String LOCKDEP_BAD_IRQ_DEPENDENCY = "lockdep_bad_irq_dependency";
    /** Unlock of a lock that is not held. */
    public static final String BAD_UNLOCK = "bad_unlock";
    /** Illegal nesting of execution contexts. */
    public static final String CONTEXT = "context";
    /** kref_put() on a count that is already zero (lib/refcount.c saturation warning). */
    public static final String KREF_UNDERFLOW = "kref_underflow";
    /** kref_get() on an object whose count already dropped to zero. */
    public static final String KREF_USE_AFTER_FREE = "kref_use_after_free";
    /** wait_for_completion() that nothing left in the system can complete. */
    public static final String COMPLETION_DEADLOCK = "completion_deadlock";
    /** A call through a NULL function pointer: the oops of "BUG: kernel NULL pointer dereference". */
    public static final String NULL_POINTER = "null_pointer_dereference";
    /**
     * A work item or softirq that returned with a lock held (kernel/workqueue.c process_one_work:
     * "BUG: workqueue leaked atomic, lock or RCU"; kernel/softirq.c handle_softirqs).
     */
    public static final String LEAKED_LOCK = "leaked_lock";
    /** Generic WARN_ON(). */
    public static final String WARN_ON = "warn_on";

    private final String rule;

    public KernelBug(String rule, String message) {
        super("BUG: " + rule + ": " + message);
        this.rule = rule;
    }

    /** The rule that was broken, one of the constants of this class. */
    public String rule() {
        return rule;
    }
}
