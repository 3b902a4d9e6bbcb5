// What ib_query_device and ib_query_port report for the in-memory device, against rxe's
// rxe_init_device_param and rxe_init_port_param (drivers/infiniband/sw/rxe/rxe.c, rxe_param.h)
package org.ibmodel.sw.mem;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibmodel.core.DeviceAttr;
import org.ibmodel.core.Fixture;
import org.junit.jupiter.api.Test;

class MemDeviceQueryTest {
    private final Fixture f = new Fixture();

    /** rxe reports IB_ATOMIC_HCA, and this device executes atomics as rxe does (MemExecutor). */
    @Test
    void shouldReportAtomicsAtomicAcrossTheDevice() {
        assertEquals(DeviceAttr.ATOMIC_HCA, f.dev.attr().atomicCap, "atomic_cap");
        assertEquals(DeviceAttr.ATOMIC_NONE, f.dev.attr().maskedAtomicCap, "rxe sets no masked_atomic_cap");
    }
}
