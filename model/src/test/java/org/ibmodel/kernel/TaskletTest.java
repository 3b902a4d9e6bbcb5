package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskletTest {

    @Test
    void shouldRunOnceInSoftirqForEverySchedule() {
        Kernel kernel = new Kernel("host0");
        List<ExecContext> runs = new ArrayList<>();
        Tasklet t = kernel.taskletSetup("mlx4_cq_tasklet_cb", () -> runs.add(kernel.context()));

        kernel.runIn(ExecContext.HARDIRQ, () -> {
            t.schedule();
            t.schedule();
        });
        assertTrue(t.scheduled());
        assertEquals(1, kernel.pendingCount());
        kernel.runPending();

        assertEquals(List.of(ExecContext.SOFTIRQ), runs);
        assertFalse(t.scheduled());
    }

    @Test
    void shouldRunAgainWhenScheduledFromItsOwnFunction() {
        Kernel kernel = new Kernel("host0");
        int[] runs = {0};
        Tasklet[] t = new Tasklet[1];
        t[0] = kernel.taskletSetup("again", () -> {
            if (++runs[0] < 3) {
                t[0].schedule();
            }
        });
        t[0].schedule();
        kernel.runPending();

        assertEquals(3, runs[0]);
    }
}
