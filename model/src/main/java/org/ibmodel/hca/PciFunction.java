// include/linux/pci.h, include/linux/interrupt.h, include/asm-generic/io.h: what a PCI driver
// sees of its device
package org.ibmodel.hca;

import org.ibmodel.mm.HostMemory;

/**
 * The HCA driver's whole view of its device: 32-bit big-endian MMIO registers in BARs, MSI-X
 * vectors whose handlers run in hard-interrupt context, and the host memory the device reaches
 * by DMA. The driver never sees the device's internals; docs/HCA.md is the contract.
 */
public interface PciFunction {
    /** BAR0: device registers, the HCR at offset 0 (docs/HCA.md §2, §3). */
    int BAR0 = 0;
    /** BAR2: the UAR page of doorbells (docs/HCA.md §8). */
    int BAR2 = 2;

    /** The bus address, e.g. {@code 0000:03:00.0}. */
    String slot();

    int vendorId();

    int deviceId();

    /** ioread32be */
    int readl(int bar, int offset);

    /** iowrite32be; a doorbell write is one of these. */
    void writel(int bar, int offset, int value);

    int msixVectors();

    /** request_irq: {@code handler} runs in HARDIRQ context each time the vector fires. */
    void requestIrq(int vector, Runnable handler);

    /** free_irq: after it returns the handler is never called again. */
    void freeIrq(int vector);

    /** The memory of the host the device sits in; buffers given to the device live here. */
    HostMemory hostMemory();
}
