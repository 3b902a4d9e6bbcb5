// docs/HCA.md §4.4-§4.6: doorbell records, counters in host memory the device reads by DMA
// (the role of drivers/infiniband/hw/mlx4/doorbell.c)
package org.ibmodel.hca;

import org.ibmodel.mm.HostMemory;

/** One doorbell record: big-endian 32-bit counters at fixed offsets. */
final class DoorbellRecord {
    private final HostMemory memory;
    private final long addr;

    DoorbellRecord(HostMemory memory, int bytes) {
        this.memory = memory;
        this.addr = memory.alloc(bytes);
    }

    long addr() {
        return addr;
    }

    void set(int offset, int value) {
        byte[] b = new byte[4];
        Field.putWord(b, 0, value);
        memory.write(addr + offset, b);
    }

    int get(int offset) {
        return Field.word(memory.read(addr + offset, 4), 0);
    }
}
