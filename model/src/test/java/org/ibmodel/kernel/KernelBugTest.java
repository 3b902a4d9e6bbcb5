package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelBugTest {

    @Test
    void shouldReadLikeASplat() {
        KernelBug bug = new KernelBug(KernelBug.WARN_ON, "qpn=0x12 destroyed twice");

        assertEquals("BUG: warn_on: qpn=0x12 destroyed twice", bug.getMessage());
    }

    /** A bug raised by a broken rule names that rule, as the splat's first line does. */
    @Test
    void shouldNameTheRuleABugBroke() {
        Kernel kernel = new Kernel("host0");
        KernelBug bug = assertThrows(KernelBug.class, () -> kernel.runIn(ExecContext.HARDIRQ, kernel::mightSleep));
        assertEquals(KernelBug.MIGHT_SLEEP, bug.rule());
        assertTrue(bug.getMessage().startsWith("BUG: might_sleep: "), bug.getMessage());
    }
}
