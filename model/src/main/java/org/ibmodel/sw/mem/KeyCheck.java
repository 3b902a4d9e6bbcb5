// The key checks of the in-memory device, as one seam that mutation tests replace with a known bug
package org.ibmodel.sw.mem;

import org.ibmodel.core.Pd;

/**
 * How {@link MemExecutor} decides an access through a key, behind an interface so that a test
 * can install a wrong one and show its checker catches the bug. {@link #CORRECT} is the
 * device's own and the default; nothing outside tests sets another.
 */
interface KeyCheck {
    KeyCheck CORRECT = new KeyCheck() {
    };

    /**
     * Whether an access through a live key passes, given the outcome of each check: every one
     * must (rxe_resp.c check_rkey, rxe_mr.c mr_check_range and lookup_mr's PD test).
     */
    default boolean allows(boolean samePd, boolean accessBit, boolean inRange) {
        return samePd && accessBit && inRange;
    }

    /** Whether the reserved lkey maps host memory for a QP of {@code pd}: a kernel QP's only. */
    default boolean reservedLkeyServes(Pd pd) {
        return !pd.user();
    }
}
