// docs/HCA.md §4.4-§4.6: doorbell records, counters in host memory the device reads by DMA
// (the role of drivers/infiniband/hw/mlx4/doorbell.c)
package org.ibmodel.hca;

import org.ibmodel.mm.HostMemory;

/** One doorbell record: big-endian 32-bit counters at fixed offsets. */
final class DoorbellRecord {
    private final HostMemory memory;
    private final long addr;
    // The word set() and get() go through; a record is used under its queue's lock.
    private final byte[] word = new byte[4];

    DoorbellRecord(HostMemory memory, int bytes) {
        this.memory = memory;
        this.addr = memory.alloc(bytes);
    }

    long addr() {
        return addr;
    }

    /** mlx4_db_free: the record's memory goes back once the device no longer reads it. */
    void free() {
        memory.free(addr);
    }

    void set(int offset, int value) {
        Field.putWord(word, 0, value);
        memory.write(addr + offset, word);
    }

    int get(int offset) {
        memory.read(addr + offset, word, 0, word.length);
        return Field.word(word, 0);
    }
}
