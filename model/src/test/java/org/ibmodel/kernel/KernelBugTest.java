package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KernelBugTest {

    @Test
    void shouldReadLikeASplat() {
        KernelBug bug = new KernelBug(KernelBug.WARN_ON, "qpn=0x12 destroyed twice");

        assertEquals("BUG: warn_on: qpn=0x12 destroyed twice", bug.getMessage());
    }

    @Test
    void shouldExposeRuleName() {
        assertEquals("lockdep_circular", new KernelBug(KernelBug.LOCKDEP_CIRCULAR, "x").rule());
        assertEquals("might_sleep", KernelBug.MIGHT_SLEEP);
        assertEquals("completion_deadlock", KernelBug.COMPLETION_DEADLOCK);
    }
}
