// docs/HCA.md §6.1: a DMA access to host memory that is not there (freed, or never allocated)
package org.ibmodel.sim.device;

/**
 * The device read or wrote host memory that is not mapped: a ring, doorbell record or
 * translation table the driver freed while the device still used it. The stage that made the
 * access turns it into the error its object reports (§6.1); it never leaves the device.
 */
final class DmaFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DmaFault(long addr, long len) {
        super(String.format("DMA to unmapped host memory [0x%x, +%d)", addr, len), null, false, false);
    }

    /** An object an earlier fault put in error, used again. */
    DmaFault(String what) {
        super(what, null, false, false);
    }
}
