// docs/HCA.md §1: the device reaches host memory only at addresses the driver gave it
package org.ibmodel.sim.device;

import org.ibmodel.mm.HostMemory;

/**
 * The device's DMA engine: big-endian loads and stores to the host memory it sits in. An access
 * to memory that is not there throws {@link DmaFault} for the stage that made it to handle.
 */
final class Dma {
    private final HostMemory memory;
    /** The word {@link #read32} loads through; the device runs one step at a time. */
    private final byte[] word = new byte[4];

    Dma(HostMemory memory) {
        this.memory = memory;
    }

    boolean mapped(long addr, long len) {
        return memory.isMapped(addr, len);
    }

    /** @throws DmaFault where the memory is not there, as for every access here but try* */
    byte[] read(long addr, int len) {
        byte[] b = new byte[len];
        read(addr, b, 0, len);
        return b;
    }

    void write(long addr, byte[] b) {
        write(addr, b, 0, b.length);
    }

    void read(long addr, byte[] dst, int off, int len) {
        if (!memory.tryRead(addr, dst, off, len)) {
            throw new DmaFault(addr, len);
        }
    }

    void write(long addr, byte[] src, int off, int len) {
        if (!memory.tryWrite(addr, src, off, len)) {
            throw new DmaFault(addr, len);
        }
    }

    /** A read that returns false, copying nothing, from memory that is not there. */
    boolean tryRead(long addr, byte[] dst, int off, int len) {
        return memory.tryRead(addr, dst, off, len);
    }

    /** A write that returns false, changing nothing, to memory that is not there. */
    boolean tryWrite(long addr, byte[] src, int off, int len) {
        return memory.tryWrite(addr, src, off, len);
    }

    int read32(long addr) {
        read(addr, word, 0, word.length);
        return Field.word(word, 0);
    }

    void write32(long addr, int v) {
        byte[] b = new byte[4];
        Field.putWord(b, 0, v);
        write(addr, b);
    }
}
