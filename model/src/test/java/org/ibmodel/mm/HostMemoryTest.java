package org.ibmodel.mm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Allocation, the guard page between buffers, and free unmapping a buffer for good. */
class HostMemoryTest {
    private final HostMemory m = new HostMemory();

    @Test
    void shouldCountWholePagesUntilFreed() {
        long a = m.alloc(100);
        long b = m.alloc(HostMemory.PAGE_SIZE + 1);
        assertEquals(3L * HostMemory.PAGE_SIZE, m.allocatedBytes());
        assertEquals(2, m.allocations());
        m.free(a);
        assertEquals(2L * HostMemory.PAGE_SIZE, m.allocatedBytes());
        m.free(b);
        assertEquals(0, m.allocatedBytes());
        assertEquals(0, m.allocations());
    }

    @Test
    void shouldFaultOnEveryPageOfAFreedBufferAndLeaveItsNeighboursAlone() {
        long a = m.alloc(2L * HostMemory.PAGE_SIZE);
        long b = m.alloc(8);
        m.write(b, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        m.free(a);
        assertFalse(m.isMapped(a, 1));
        assertFalse(m.isMapped(a + HostMemory.PAGE_SIZE, 1), "the second page too");
        assertFalse(m.tryRead(a + 8, new byte[4], 0, 4));
        assertFalse(m.tryWrite(a + HostMemory.PAGE_SIZE, new byte[4], 0, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.read(a, 4));
        assertTrue(e.getMessage().startsWith("use after free: access to host memory"), e.getMessage());
        assertTrue(e.getMessage().contains("freed at HostMemoryTest.shouldFaultOnEveryPageOfAFreedBufferAndLeave"),
                "the site of the free: " + e.getMessage());
        IllegalArgumentException wild = assertThrows(IllegalArgumentException.class, () -> m.read(0x10, 4));
        assertTrue(wild.getMessage().contains("never allocated"), wild.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.readLong(a));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, m.read(b, 8), "the next buffer is untouched");
        assertTrue(m.alloc(8) > b, "a freed address is never handed out again");
    }

    @Test
    void shouldRefuseToFreeWhatWasNotAllocatedOrTwice() {
        long a = m.alloc(64);
        assertThrows(IllegalArgumentException.class, () -> m.free(a + 8), "not the start of a buffer");
        m.free(a);
        assertThrows(IllegalArgumentException.class, () -> m.free(a), "a double free");
        assertEquals(0, m.allocations());
    }

    @Test
    void shouldTryAcrossPagesAndRefuseAcrossAGuardPageCopyingNothing() {
        long a = m.alloc(2L * HostMemory.PAGE_SIZE);
        byte[] data = new byte[64];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i + 1);
        }
        long across = a + HostMemory.PAGE_SIZE - 32;
        assertTrue(m.tryWrite(across, data, 0, data.length), "two pages of one buffer");
        byte[] back = new byte[64];
        assertTrue(m.tryRead(across, back, 0, back.length));
        assertArrayEquals(data, back);
        long end = a + 2L * HostMemory.PAGE_SIZE - 32;
        byte[] untouched = new byte[64];
        assertFalse(m.tryWrite(end, data, 0, data.length), "into the guard page after it");
        assertFalse(m.tryRead(end, untouched, 0, untouched.length));
        assertArrayEquals(new byte[64], untouched, "nothing copied");
        assertArrayEquals(new byte[32], m.read(end, 32), "nothing written either");
    }
}
