// drivers/infiniband/hw/mlx4/mlx4_ib.h struct mlx4_ib_wq: a ring of WQEs in host memory and the
// shadow of each posted work request (wr_id, wr_cqe, opcode) for its completion
package org.ibmodel.hca;

import org.ibmodel.core.Cqe;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.kernel.SpinLock;
import org.ibmodel.mm.HostMemory;

/**
 * One send, receive or shared receive queue as the driver keeps it. {@code head} counts WQEs
 * ever posted (the producer counter of docs/HCA.md §5); {@code tail} counts those completed.
 */
final class WorkQueue {
    final SpinLock lock;
    private final HostMemory memory;
    private final long buffer;
    private final int logSize;
    private final int logStride;
    private final long[] wrId;
    private final Cqe[] wrCqe;
    private final WrOpcode[] opcode;
    private int head;
    private int tail;

    WorkQueue(Kernel kernel, HostMemory memory, String lockClass, int logSize, int logStride) {
        this.lock = new SpinLock(kernel, lockClass);
        this.memory = memory;
        this.logSize = logSize;
        this.logStride = logStride;
        this.buffer = memory.alloc(1L << (logSize + logStride));
        this.wrId = new long[1 << logSize];
        this.wrCqe = new Cqe[1 << logSize];
        this.opcode = new WrOpcode[1 << logSize];
    }

    long buffer() {
        return buffer;
    }

    /** mlx4_buf_free: the ring goes back once the device no longer reads it. */
    void free() {
        memory.free(buffer);
    }

    /** Entries in the ring. */
    int entries() {
        return 1 << logSize;
    }

    int logSize() {
        return logSize;
    }

    int logStride() {
        return logStride;
    }

    int stride() {
        return 1 << logStride;
    }

    int head() {
        return head;
    }

    int tail() {
        return tail;
    }

    /** Posted and not yet completed. */
    int outstanding() {
        return head - tail;
    }

    /** Writes the next WQE and its shadow; the caller publishes {@code head} afterwards. */
    void post(byte[] wqe, long id, Cqe cqe, WrOpcode op) {
        int slot = head & ((1 << logSize) - 1);
        memory.write(buffer + ((long) slot << logStride), wqe);
        wrId[slot] = id;
        wrCqe[slot] = cqe;
        opcode[slot] = op;
        head++;
    }

    long wrId(int wqeIndex) {
        return wrId[wqeIndex & ((1 << logSize) - 1)];
    }

    Cqe wrCqe(int wqeIndex) {
        return wrCqe[wqeIndex & ((1 << logSize) - 1)];
    }

    WrOpcode opcode(int wqeIndex) {
        return opcode[wqeIndex & ((1 << logSize) - 1)];
    }

    /**
     * A CQE names WQE {@code wqeIndex} (16 bits of the counter): it and every unsignaled WQE
     * before it are complete (mlx4_ib_poll_one moves the tail the same way).
     */
    void completeUpTo(int wqeIndex) {
        tail += ((wqeIndex - tail) & 0xffff) + 1;
    }

    /** The oldest outstanding WQE completes without a CQE (a software flush). */
    void completeOldest() {
        tail++;
    }

    /** After RESET the queue starts over at counter 0 (docs/HCA.md §5). */
    void reset() {
        head = 0;
        tail = 0;
    }
}
