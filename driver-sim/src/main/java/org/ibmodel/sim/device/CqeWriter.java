// docs/HCA.md §6: CQE n lives at buffer + (n mod size) * 32 with owner bit (n >> log_size) & 1,
// the rule of drivers/infiniband/hw/mlx4/cq.c get_sw_cqe read from the device's side
package org.ibmodel.sim.device;

/** The ring geometry of one CQ buffer and the owner bit every CQE written to it carries. */
final class CqeWriter {
    private final Dma dma;
    private final long buffer;
    private final int logSize;

    CqeWriter(Dma dma, long buffer, int logSize) {
        this.dma = dma;
        this.buffer = buffer;
        this.logSize = logSize;
    }

    int size() {
        return 1 << logSize;
    }

    int logSize() {
        return logSize;
    }

    long buffer() {
        return buffer;
    }

    /** The owner bit software expects of entry {@code n} once it is valid. */
    int owner(int n) {
        return (n >>> logSize) & 1;
    }

    long address(int n) {
        return buffer + (long) (n & (size() - 1)) * Layout.Cqe.SIZE;
    }

    /** Writes {@code cqe} as entry {@code n}, owner bit included. */
    void write(int n, byte[] cqe) {
        Layout.Cqe.OWNER.set(cqe, 0, owner(n));
        dma.write(address(n), cqe);
    }

    byte[] read(int n) {
        return dma.read(address(n), Layout.Cqe.SIZE);
    }
}
