package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ErrnoTest {

    @Test
    void shouldMatchKernelNumbers() {
        assertEquals(1, Errno.EPERM.number());
        assertEquals(12, Errno.ENOMEM.number());
        assertEquals(14, Errno.EFAULT.number());
        assertEquals(16, Errno.EBUSY.number());
        assertEquals(22, Errno.EINVAL.number());
        assertEquals(38, Errno.ENOSYS.number());
        assertEquals(95, Errno.EOPNOTSUPP.number());
        assertEquals(110, Errno.ETIMEDOUT.number());
        assertEquals(125, Errno.ECANCELED.number());
        assertEquals(512, Errno.ERESTARTSYS.number());
        assertEquals(524, Errno.ENOTSUPP.number());
    }

    @Test
    void shouldNegateForKernelReturnValues() {
        assertEquals(-22, Errno.EINVAL.negative());
        assertEquals(-110, Errno.ETIMEDOUT.negative());
    }

    @Test
    void shouldLookUpEitherSign() {
        assertSame(Errno.EINVAL, Errno.ofNumber(22));
        assertSame(Errno.EINVAL, Errno.ofNumber(-22));
        assertSame(Errno.ENOTSUPP, Errno.ofNumber(-524));
    }

    @Test
    void shouldRejectUnknownNumbers() {
        assertThrows(IllegalArgumentException.class, () -> Errno.ofNumber(0));
        assertThrows(IllegalArgumentException.class, () -> Errno.ofNumber(26));
        assertThrows(IllegalArgumentException.class, () -> Errno.ofNumber(-9999));
        assertThrows(IllegalArgumentException.class, () -> Errno.ofNumber(Integer.MIN_VALUE));
    }

    @Test
    void shouldHaveOneNumberPerName() {
        Set<Integer> numbers = new HashSet<>();
        for (Errno e : Errno.values()) {
            assertFalse(!numbers.add(e.number()), "duplicate number " + e.number());
            assertSame(e, Errno.ofNumber(e.number()));
        }
    }

    @Test
    void shouldGiveStrerrorText() {
        assertEquals("Invalid argument", Errno.EINVAL.message());
        assertEquals("Device or resource busy", Errno.EBUSY.message());
        assertEquals("Cannot allocate memory", Errno.ENOMEM.message());
        assertEquals("Operation not supported", Errno.EOPNOTSUPP.message());
        assertEquals("Connection timed out", Errno.ETIMEDOUT.message());
    }

    @Test
    void shouldDescribeKernelInternalCodes() {
        assertFalse(Errno.ERESTARTSYS.message().isBlank());
        assertFalse(Errno.ENOTSUPP.message().equals(Errno.EOPNOTSUPP.message()));
    }
}
