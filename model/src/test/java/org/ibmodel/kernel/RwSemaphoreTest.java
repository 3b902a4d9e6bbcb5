package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kernel/locking/rwsem.c as lockdep sees it on one CPU: a reader asleep lets a work item read
 * too; a writer, or a second read in the same task, against a holder is a deadlock here.
 */
class RwSemaphoreTest {

    private final Kernel kernel = new Kernel("host0");
    private final Workqueue wq = kernel.allocWorkqueue("ib-comp-wq");
    private final RwSemaphore rwsem = new RwSemaphore(kernel, "ib_device->event_handler_rwsem");

    @Test
    void shouldShareReadsWithWorkThatRunsWhileAReaderSleeps() {
        List<Integer> seen = new ArrayList<>();
        wq.queueWork(new Work("second event", () -> rwsem.withRead(() -> seen.add(rwsem.readers()))));
        rwsem.withRead(() -> {
            // A handler that sleeps: the next event's work runs meanwhile.
            assertTrue(kernel.schedule());
            seen.add(rwsem.readers());
        });
        assertEquals(List.of(2, 1), seen, "two readers while the work ran, one after");
        assertEquals(0, rwsem.readers());
        assertTrue(kernel.lockdep().held().isEmpty());
    }

    @Test
    void shouldReportAWriterWaitingForAReaderOnThisCpu() {
        wq.queueWork(new Work("register a handler", () -> rwsem.withWrite(() -> { })));
        KernelBug bug = assertThrows(KernelBug.class, () -> rwsem.withRead(kernel::schedule));
        assertEquals(KernelBug.LOCKDEP_RECURSIVE, bug.rule());
        assertEquals(0, rwsem.readers());
        assertFalse(rwsem.isWriteLocked());
    }

    @Test
    void shouldReportAReadTakenTwiceByOneTaskAndAReadUnderAWriter() {
        assertEquals(KernelBug.LOCKDEP_RECURSIVE,
                assertThrows(KernelBug.class, () -> rwsem.withRead(rwsem::downRead)).rule());
        assertEquals(KernelBug.LOCKDEP_RECURSIVE,
                assertThrows(KernelBug.class, () -> rwsem.withWrite(rwsem::downRead)).rule());
        wq.queueWork(new Work("read", () -> rwsem.withRead(() -> { })));
        assertEquals(KernelBug.LOCKDEP_RECURSIVE,
                assertThrows(KernelBug.class, () -> rwsem.withWrite(kernel::schedule)).rule(),
                "a reader in work waits for the writer that sleeps");
    }

    @Test
    void shouldReportReleasesOfWhatIsNotHeldAndSleepingInSoftirq() {
        assertEquals(KernelBug.BAD_UNLOCK, assertThrows(KernelBug.class, rwsem::upRead).rule());
        assertEquals(KernelBug.BAD_UNLOCK, assertThrows(KernelBug.class, rwsem::upWrite).rule());
        assertEquals(KernelBug.MIGHT_SLEEP,
                assertThrows(KernelBug.class, () -> kernel.runIn(ExecContext.SOFTIRQ, rwsem::downRead)).rule());
    }

    /** A report names the caller of down_read, as lockdep's _RET_IP_ does, not the rwsem's own code. */
    @Test
    void shouldNameTheCallerOfDownReadInAReport() {
        KernelBug bug = assertThrows(KernelBug.class, () -> rwsem.withRead(rwsem::downRead));
        assertTrue(bug.getMessage().contains("RwSemaphoreTest"), bug.getMessage());
        assertFalse(bug.getMessage().contains("at org.ibmodel.kernel.RwSemaphore."), bug.getMessage());
    }

    /** downgrade_write: the writer goes on as a reader, which a reader elsewhere may share. */
    @Test
    void shouldLetAReaderInOnceTheWriterDowngrades() {
        rwsem.downWrite();
        rwsem.downgradeWrite();

        assertFalse(rwsem.isWriteLocked());
        assertEquals(1, rwsem.readers());
        int[] read = {0};
        wq.queueWork(new Work("read", () -> rwsem.withRead(() -> read[0]++)));
        kernel.schedule();
        assertEquals(1, read[0], "a reader in work shares it with the downgraded writer");
        assertEquals(KernelBug.LOCKDEP_RECURSIVE, assertThrows(KernelBug.class, rwsem::downWrite).rule());
        rwsem.upRead();
        assertEquals(0, rwsem.readers());
        assertEquals(KernelBug.BAD_UNLOCK, assertThrows(KernelBug.class, rwsem::downgradeWrite).rule());
    }
}
