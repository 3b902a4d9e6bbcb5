package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WorkTest {

    @Test
    void shouldBePendingOnlyFromQueueUntilItStarts() {
        Kernel kernel = new Kernel("host0");
        boolean[] pendingWhileRunning = {true};
        Work[] work = new Work[1];
        work[0] = new Work("ipoib_ib_dev_flush", () -> pendingWhileRunning[0] = work[0].pending());

        assertEquals("ipoib_ib_dev_flush", work[0].name());
        assertFalse(work[0].pending());
        kernel.systemWq().queueWork(work[0]);
        assertTrue(work[0].pending());
        kernel.runPending();

        assertFalse(pendingWhileRunning[0]);
        assertFalse(work[0].pending());
    }
}
