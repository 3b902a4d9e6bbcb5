// docs/HCA.md §1: the device reaches host memory only at addresses the driver gave it
package org.ibmodel.sim.device;

import org.ibmodel.mm.HostMemory;

/** The device's DMA engine: big-endian loads and stores to the host memory it sits in. */
final class Dma {
    private final HostMemory memory;

    Dma(HostMemory memory) {
        this.memory = memory;
    }

    boolean mapped(long addr, long len) {
        return memory.isMapped(addr, len);
    }

    byte[] read(long addr, int len) {
        return memory.read(addr, len);
    }

    void write(long addr, byte[] b) {
        memory.write(addr, b);
    }

    int read32(long addr) {
        return Field.word(memory.read(addr, 4), 0);
    }

    void write32(long addr, int v) {
        byte[] b = new byte[4];
        Field.putWord(b, 0, v);
        memory.write(addr, b);
    }
}
