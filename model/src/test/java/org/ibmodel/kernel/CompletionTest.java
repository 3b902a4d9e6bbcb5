package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompletionTest {

    private final Kernel kernel = new Kernel("host0");
    private final Completion completion = new Completion(kernel);

    @Test
    void shouldReturnAtOnceWhenAlreadyCompleted() {
        completion.complete();
        kernel.raiseSoftirq("unrelated", () -> { });

        completion.waitForCompletion();

        assertFalse(completion.done());
        assertEquals(1, kernel.pendingCount());
    }

    @Test
    void shouldRunPendingWorkThatCompletesIt() {
        List<String> order = new ArrayList<>();
        kernel.systemWq().queueWork(new Work("first", () -> order.add("first")));
        kernel.systemWq().queueWork(new Work("completer", () -> {
            order.add("completer");
            completion.complete();
        }));

        completion.waitForCompletion();

        assertEquals(List.of("first", "completer"), order);
        assertFalse(completion.done());
    }

    @Test
    void shouldBeCompletedFromSoftirqRaisedInHardirq() {
        kernel.runIn(ExecContext.HARDIRQ, () -> kernel.raiseSoftirq("rxe_comp", completion::complete));

        assertDoesNotThrow(completion::waitForCompletion);
        assertEquals(0, kernel.pendingCount());
    }

    @Test
    void shouldReportDeadlockWhenNothingIsPending() {
        KernelBug bug = assertThrows(KernelBug.class, () -> completion.waitForCompletion());

        assertEquals(KernelBug.COMPLETION_DEADLOCK, bug.rule());
        assertTrue(bug.getMessage().contains("CompletionTest.lambda$shouldReportDeadlockWhenNothingIsPending$"),
                bug.getMessage());
    }

    @Test
    void shouldReportDeadlockWhenPendingWorkNeverCompletesIt() {
        int[] ran = new int[1];
        kernel.systemWq().queueWork(new Work("unrelated", () -> ran[0]++));

        KernelBug bug = assertThrows(KernelBug.class, completion::waitForCompletion);

        assertEquals(KernelBug.COMPLETION_DEADLOCK, bug.rule());
        assertEquals(1, ran[0]);
    }

    @Test
    void shouldConsumeOneCompletePerWait() {
        completion.complete();
        completion.complete();

        completion.waitForCompletion();
        assertTrue(completion.done());
        completion.waitForCompletion();

        assertFalse(completion.done());
        assertFalse(completion.tryWaitForCompletion());
    }

    @Test
    void shouldLetEveryWaiterPassAfterCompleteAll() {
        completion.completeAll();

        completion.waitForCompletion();
        completion.waitForCompletion();

        assertTrue(completion.tryWaitForCompletion());
        assertTrue(completion.done());
    }

    @Test
    void shouldForgetCompletionsOnReinit() {
        completion.completeAll();

        completion.reinit();

        assertFalse(completion.done());
        assertThrows(KernelBug.class, completion::waitForCompletion);
    }

    @Test
    void shouldReportWaitInSoftirq() {
        completion.complete();

        KernelBug bug = assertThrows(KernelBug.class,
                () -> kernel.runIn(ExecContext.SOFTIRQ, completion::waitForCompletion));

        assertEquals(KernelBug.MIGHT_SLEEP, bug.rule());
        assertTrue(completion.done());
    }

    @Test
    void shouldNotRunPendingWorkOnTryWait() {
        kernel.systemWq().queueWork(new Work("completer", completion::complete));

        assertFalse(completion.tryWaitForCompletion());

        assertEquals(1, kernel.pendingCount());
    }

    @Test
    void shouldAllowCompleteFromHardirq() {
        kernel.runIn(ExecContext.HARDIRQ, completion::complete);

        assertTrue(completion.tryWaitForCompletion());
    }

    // kernel/sched/core.c schedule(): a sleeping task lets the rest of the world run
    @Test
    void shouldLetTheWorldRunWhileWaitingWithNothingPendingHere() {
        int[] steps = {0};
        kernel.setElsewhere(() -> {
            steps[0]++;
            if (steps[0] == 3) {
                // the world's third event is an interrupt whose softirq completes the wait
                kernel.runIn(ExecContext.HARDIRQ, () -> kernel.raiseSoftirq("irq", completion::complete));
            }
            return true;
        });

        completion.waitForCompletion();

        assertEquals(3, steps[0]);
        assertFalse(completion.done());
    }

    @Test
    void shouldReportDeadlockWhenTheWorldIsIdleToo() {
        kernel.setElsewhere(() -> false);

        KernelBug bug = assertThrows(KernelBug.class, completion::waitForCompletion);

        assertEquals(KernelBug.COMPLETION_DEADLOCK, bug.rule());
    }
}
