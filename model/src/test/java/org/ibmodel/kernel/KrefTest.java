package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KrefTest {

    private int releases;
    private final Kref kref = new Kref(() -> releases++);

    @Test
    void shouldStartWithOneReference() {
        assertEquals(1, kref.count());
        assertEquals(0, releases);
    }

    @Test
    void shouldReleaseOnLastPut() {
        kref.get();

        assertFalse(kref.put());
        assertEquals(0, releases);
        assertTrue(kref.put());
        assertEquals(1, releases);
        assertEquals(0, kref.count());
    }

    @Test
    void shouldReportPutAfterRelease() {
        kref.put();

        KernelBug bug = assertThrows(KernelBug.class, kref::put);

        assertEquals(KernelBug.KREF_UNDERFLOW, bug.rule());
        assertEquals(1, releases);
        assertEquals(0, kref.count());
    }

    @Test
    void shouldReportGetAfterRelease() {
        kref.put();

        KernelBug bug = assertThrows(KernelBug.class, () -> kref.get());

        assertEquals(KernelBug.KREF_USE_AFTER_FREE, bug.rule());
        assertTrue(bug.getMessage().contains("KrefTest.lambda$shouldReportGetAfterRelease$"), bug.getMessage());
        assertEquals(0, kref.count());
    }
}
