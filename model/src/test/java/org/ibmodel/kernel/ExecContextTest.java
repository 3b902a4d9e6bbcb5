package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExecContextTest {

    @Test
    void shouldTreatOnlyInterruptContextsAsAtomic() {
        assertFalse(ExecContext.PROCESS.atomic());
        assertTrue(ExecContext.SOFTIRQ.atomic());
        assertTrue(ExecContext.HARDIRQ.atomic());
    }

    @Test
    void shouldAllowNestingOnlyTowardsHardirq() {
        assertTrue(ExecContext.PROCESS.mayEnter(ExecContext.SOFTIRQ));
        assertTrue(ExecContext.SOFTIRQ.mayEnter(ExecContext.HARDIRQ));
        assertTrue(ExecContext.SOFTIRQ.mayEnter(ExecContext.SOFTIRQ));
        assertFalse(ExecContext.SOFTIRQ.mayEnter(ExecContext.PROCESS));
        assertFalse(ExecContext.HARDIRQ.mayEnter(ExecContext.SOFTIRQ));
    }
}
