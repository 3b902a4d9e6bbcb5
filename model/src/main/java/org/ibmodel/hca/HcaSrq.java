// drivers/infiniband/hw/mlx4/srq.c (mlx4_ib_create_srq, mlx4_ib_post_srq_recv,
// mlx4_ib_free_srq_wqe); docs/HCA.md §4.6, §5.12
package org.ibmodel.hca;

import java.util.List;
import org.ibmodel.core.Cqe;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.Srq;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.kernel.SpinLock;
import org.ibmodel.mm.HostMemory;

/**
 * The driver side of one SRQ: its WQEs in host memory, linked into a free list through each
 * WQE's next segment (§5.12), and the 4-byte producer counter. QPs sharing the SRQ complete its
 * WQEs in any order, so a completed WQE is put back at the tail of the list, not freed in ring
 * order. {@code head} is the next WQE to post; {@code tail} is the list's last entry, never
 * posted, so posting stops when the two meet (mlx4_ib_post_srq_recv's -ENOMEM).
 */
final class HcaSrq {
    final SpinLock lock;
    private final Srq ibSrq;
    private final int srqn;
    private final HostMemory memory;
    private final int logSize;
    private final int logStride;
    private final long buffer;
    private final long[] wrId;
    private final Cqe[] wrCqe;
    private final DoorbellRecord db;
    private int head;
    private int tail;
    /** WQEs ever posted: the producer counter the device reads from the doorbell record. */
    private int wqeCtr;
    private byte[] wqeBuf = new byte[0];

    HcaSrq(Kernel kernel, PciFunction pci, Srq ibSrq, int srqn) {
        this.ibSrq = ibSrq;
        this.srqn = srqn;
        this.memory = pci.hostMemory();
        this.lock = new SpinLock(kernel, "srq->lock");
        // mlx4_ib_create_srq: roundup_pow_of_two(max_wr + 1) WQEs, each the next segment and the
        // data segments, one WQE always on the free list.
        this.logSize = HcaQp.log2Ceil(ibSrq.maxWr() + 1);
        this.logStride = HcaQp.log2Ceil(Math.max(64, Hw.SrqNext.SIZE + Hw.Data.SIZE * Math.max(1, ibSrq.maxSge())));
        this.buffer = memory.alloc(1L << (logSize + logStride));
        this.wrId = new long[1 << logSize];
        this.wrCqe = new Cqe[1 << logSize];
        this.db = new DoorbellRecord(memory, 4);
        byte[] next = new byte[Hw.SrqNext.SIZE];
        for (int i = 0; i < entries(); i++) {
            Hw.SrqNext.NEXT_WQE_INDEX.set(next, 0, (i + 1) & (entries() - 1));
            memory.write(address(i), next);
        }
        head = 0;
        tail = entries() - 1;
    }

    private int entries() {
        return 1 << logSize;
    }

    private long address(int index) {
        return buffer + ((long) index << logStride);
    }

    /** The WRs the SRQ takes: all its WQEs but the one that stays on the free list. */
    int capacity() {
        return entries() - 1;
    }

    int srqn() {
        return srqn;
    }

    /** The ring and the doorbell record, once the device has let go of the SRQ (HW2SW_SRQ). */
    void freeBuffers() {
        memory.free(buffer);
        db.free();
    }

    Srq ibSrq() {
        return ibSrq;
    }

    long wrId(int index) {
        return wrId[index & (entries() - 1)];
    }

    Cqe wrCqe(int index) {
        return wrCqe[index & (entries() - 1)];
    }

    /**
     * mlx4_ib_free_srq_wqe: WQE {@code index} completed and goes back on the list, at its tail.
     * Called under the CQ's lock, interrupts off, so spin_lock.
     */
    void free(int index) {
        lock.with(() -> {
            int i = index & (entries() - 1);
            byte[] next = memory.read(address(tail), Hw.SrqNext.SIZE);
            Hw.SrqNext.NEXT_WQE_INDEX.set(next, 0, i);
            memory.write(address(tail), next);
            tail = i;
        });
    }

    byte[] mailbox(int pdn) {
        byte[] b = new byte[Hw.CTX + Hw.SrqCtx.SIZE];
        Hw.SrqCtx.PD.set(b, Hw.CTX, pdn);
        Hw.SrqCtx.LOG_SIZE.set(b, Hw.CTX, logSize);
        Hw.SrqCtx.LOG_STRIDE.set(b, Hw.CTX, logStride);
        Hw.SrqCtx.BUFFER.set(b, Hw.CTX, buffer);
        Hw.SrqCtx.DB_RECORD.set(b, Hw.CTX, db.addr());
        return b;
    }

    /** mlx4_ib_post_srq_recv: each WR into the WQE at the head of the free list. */
    PostResult post(List<RecvWr> wrs) {

        long flags = lock.lockIrqsave();
        try {
            return postLocked(wrs);
        } finally {
            lock.unlockIrqrestore(flags);
        }
    }

    private PostResult postLocked(List<RecvWr> wrs) {
        PostResult result = PostResult.OK;
        int posted = 0;
        for (int i = 0; i < wrs.size(); i++) {
            RecvWr wr = wrs.get(i);
            int err = wr.numSge() > ibSrq.maxSge() ? Errno.EINVAL.negative()
                    : head == tail ? Errno.ENOMEM.negative() : 0;
            if (err != 0) {
                result = PostResult.fail(err, i);
                break;
            }
            write(head, wr);
            posted++;
        }
        // mlx4_ib_post_srq_recv: the doorbell record alone, no doorbell register; the device
        // reads the counter when it next needs a WQE (docs/HCA.md §8).
        if (posted > 0) {
            wqeCtr += posted;
            db.set(0, wqeCtr);
        }
        return result;
    }

    /** Fills WQE {@code index} after its next segment, which it keeps; the head moves along the link. */
    private void write(int index, RecvWr wr) {
        int stride = 1 << logStride;
        if (wqeBuf.length != stride) {
            wqeBuf = new byte[stride];
        }
        memory.read(address(index), wqeBuf, 0, Hw.SrqNext.SIZE);
        byte[] sges = HcaQp.recvWqe(wr, new byte[stride - Hw.SrqNext.SIZE]);
        System.arraycopy(sges, 0, wqeBuf, Hw.SrqNext.SIZE, sges.length);
        memory.write(address(index), wqeBuf);
        wrId[index] = wr.wrId();
        wrCqe[index] = wr.wrCqe();
        head = Hw.SrqNext.NEXT_WQE_INDEX.getInt(wqeBuf, 0);
    }
}
