// include/linux/preempt.h: in_task(), in_softirq(), in_hardirq()
package org.ibmodel.kernel;

/**
 * Where code runs. The declaration order is the only legal nesting order: process context can be
 * interrupted by a softirq, a softirq by a hardirq, never the other way round.
 */
public enum ExecContext {
    PROCESS, SOFTIRQ, HARDIRQ;

    /** True where sleeping is forbidden (in_atomic() without counting held spinlocks). */
    public boolean atomic() {
        return this != PROCESS;
    }

    /** Whether code running in {@code this} context may be interrupted by {@code inner}. */
    boolean mayEnter(ExecContext inner) {
        return inner.ordinal() >= ordinal();
    }
}
