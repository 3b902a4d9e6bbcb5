// drivers/infiniband/hw/mlx4/cq.c (mlx4_ib_create_cq, get_sw_cqe, mlx4_ib_poll_cq,
// mlx4_ib_arm_cq, __mlx4_ib_cq_clean), drivers/net/ethernet/mellanox/mlx4/cq.c (mlx4_cq_completion,
// mlx4_cq_free); docs/HCA.md §4.4, §6, §8
package org.ibmodel.hca;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.ibmodel.core.Cq;
import org.ibmodel.core.Wc;
import org.ibmodel.kernel.Completion;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.kernel.SpinLock;
import org.ibmodel.mm.HostMemory;

/**
 * The driver side of one CQ: a CQE ring in host memory read by owner bit, the consumer index
 * published in a doorbell record, and the translation of CQEs into work completions.
 */
final class HcaCq {
    private final Kernel kernel;
    private final int cqn;
    private final int compEqn;
    private final Cq ibCq;
    private final PciFunction pci;
    private final HostMemory memory;
    private final SpinLock lock;
    private final DoorbellRecord db;
    /** The entry {@link #valid} reads into. */
    private final byte[] cqe = new byte[Hw.Cqe.SIZE];
    /** tasklet_ctx.priv: the tasklet of the CQ's completion EQ. */
    private final EqTasklet tasklet;
    /** mlx4_cq's refcount: the CQ's own, plus one while it waits on the tasklet's list. */
    private int refcount = 1;
    /** mlx4_cq's free: completed when the last reference goes. */
    private final Completion free;
    /** tasklet_ctx.list non-empty: on the tasklet's list, guarded by its lock. */
    boolean taskletListed;
    /**
     * mlx4_ib_cq's send_qp_list and recv_qp_list: the QPs using it, in creation order, changed
     * under reset_flow_resource_lock and the CQ locks (create_qp_common, destroy_qp_common).
     */
    final List<HcaQp> sendQps = new ArrayList<>();
    final List<HcaQp> recvQps = new ArrayList<>();
    /**
     * mlx4_cq's reset_notify_added, under reset_flow_resource_lock: the catastrophic-error walk
     * or a drain has called, or is about to call, the handler for the error state.
     */
    boolean resetNotifyAdded;
    private long buffer;
    private int logSize;
    private int ci;
    /** cq->resize_buf: the ring RESIZE_CQ was given, 0 once the driver has moved over to it. */
    private long resizeBuffer;
    private int resizeLog;

    HcaCq(Kernel kernel, PciFunction pci, int cqn, int compEqn, EqTasklet tasklet, Cq ibCq, int logSize) {
        this.kernel = kernel;
        this.cqn = cqn;
        this.tasklet = tasklet;
        this.free = new Completion(kernel);
        this.compEqn = compEqn;
        this.ibCq = ibCq;
        this.pci = pci;
        this.memory = pci.hostMemory();
        this.lock = new SpinLock(kernel, "cq->lock");
        this.db = new DoorbellRecord(memory, 4);
        this.logSize = logSize;
        this.buffer = newBuffer(logSize);
    }

    int cqn() {
        return cqn;
    }

    /** cq->lock, for the callers that nest it with other locks (mlx4_ib_lock_cqs). */
    SpinLock lock() {
        return lock;
    }

    /**
     * The core CQ's comp, as mlx4_cq_completion calls it from the interrupt: for a CQ made
     * with udata mlx4_ib_create_cq leaves it mlx4_add_cq_to_tasklet, whose tasklet calls the
     * handler in SOFTIRQ; for a kernel CQ it is mlx4_ib_cq_comp, the handler called at once.
     */
    void comp() {
        if (ibCq.user()) {
            tasklet.add(this);
        } else {
            ibCq.completionUpcall();
        }
    }

    /** refcount_inc */
    void get() {
        if (refcount == 0) {
            throw new KernelBug(KernelBug.KREF_USE_AFTER_FREE, "cqn " + cqn + ": reference taken on a freed CQ");
        }
        refcount++;
    }

    /** refcount_dec_and_test, and complete(&cq->free) on the last reference. */
    void put() {
        if (refcount == 0) {
            throw new KernelBug(KernelBug.KREF_UNDERFLOW, "cqn " + cqn + ": reference dropped on a freed CQ");
        }
        if (--refcount == 0) {
            free.complete();
        }
    }

    /**
     * mlx4_cq_free once the CQ left the table: its own reference goes, then it waits for the
     * tasklet to run the handler of a CQ still on its list; after this no handler runs for it.
     */
    void release() {
        put();
        free.waitForCompletion();
    }

    Cq ibCq() {
        return ibCq;
    }

    int consumerIndex() {
        return ci;
    }

    long buffer() {
        return buffer;
    }

    int logSize() {
        return logSize;
    }

    /** A ring with every entry owned by hardware for the pass the consumer index is in. */
    private long newBuffer(int log) {
        long buf = memory.alloc((long) Hw.Cqe.SIZE << log);
        int size = 1 << log;
        byte[] cqe = new byte[Hw.Cqe.SIZE];
        for (int i = 0; i < size; i++) {
            // Entry n of slot i is next expected with owner (n >> log) & 1; store the other value.
            int n = ci + ((i - ci) & (size - 1));
            Hw.Cqe.OWNER.set(cqe, 0, ((n >>> log) & 1) ^ 1);
            memory.write(buf + (long) i * Hw.Cqe.SIZE, cqe);
        }
        return buf;
    }

    /** The SW2HW_CQ / RESIZE_CQ mailbox for a ring of 2^log entries at {@code buf}. */
    byte[] mailbox(long buf, int log) {
        byte[] b = new byte[Hw.CTX + Hw.CqCtx.SIZE];
        Hw.CqCtx.LOG_SIZE.set(b, Hw.CTX, log);
        Hw.CqCtx.COMP_EQN.set(b, Hw.CTX, compEqn);
        Hw.CqCtx.BUFFER.set(b, Hw.CTX, buf);
        Hw.CqCtx.DB_RECORD.set(b, Hw.CTX, db.addr());
        return b;
    }

    byte[] mailbox() {
        return mailbox(buffer, logSize);
    }

    /**
     * mlx4_alloc_resize_buf: a ring for RESIZE_CQ, which makes its entries the device's itself
     * (§3.3); -EBUSY while another resize has not moved over yet.
     */
    int prepareResize(int log) {
        return lock.withIrqsave(() -> {
            if (resizeBuffer != 0) {
                return Errno.EBUSY.negative();
            }
            resizeBuffer = memory.alloc((long) Hw.Cqe.SIZE << log);
            resizeLog = log;
            return 0;
        });
    }

    long resizeBuffer() {
        return resizeBuffer;
    }

    /** RESIZE_CQ failed: the ring it was given goes back. */
    void abortResize() {
        lock.withIrqsave(() -> {
            memory.free(resizeBuffer);
            resizeBuffer = 0;
        });
    }

    /**
     * mlx4_ib_resize_cq after the command, under the CQ lock: unless a poll has already met the
     * RESIZE CQE and moved over, the CQEs not consumed before it move to the new ring one index
     * later each, next to the CQEs the device writes there from the index after the RESIZE CQE's,
     * and the consumer index steps over the RESIZE CQE (mlx4_ib_cq_resize_copy_cqes).
     */
    void finishResize() {
        lock.withIrqsave(() -> {
            if (resizeBuffer == 0) {
                return;
            }
            int newMask = (1 << resizeLog) - 1;
            for (int n = ci;; n++) {
                byte[] entry = memory.read(address(n), Hw.Cqe.SIZE);
                if (Hw.Cqe.OPCODE.getInt(entry, 0) == Hw.Cqe.OPCODE_RESIZE) {
                    break;
                }
                if (n - ci >= 1 << logSize) {
                    // mlx4 would copy round the ring for ever: a device that took the ring
                    // without leaving the RESIZE CQE broke its side of §6.2.
                    throw new KernelBug(KernelBug.WARN_ON, String.format("CQ %06x resized without a RESIZE CQE", cqn));
                }
                Hw.Cqe.OWNER.set(entry, 0, ((n + 1) >>> resizeLog) & 1);
                memory.write(resizeBuffer + (long) ((n + 1) & newMask) * Hw.Cqe.SIZE, entry);
            }
            ci++;
            // Published now, not at the next poll as mlx4 leaves it: the device would count the
            // RESIZE CQE as unconsumed until then and could find a ring the user did not fill full.
            db.set(0, ci & 0xffffff);
            moveOver();
        });
    }

    /** The new ring replaces the old, which goes back; the caller holds the lock. */
    private void moveOver() {
        memory.free(buffer);
        buffer = resizeBuffer;
        logSize = resizeLog;
        resizeBuffer = 0;
    }

    /** The ring and the doorbell record, once the device has let go of the CQ (HW2SW_CQ). */
    void freeBuffers() {
        memory.free(buffer);
        if (resizeBuffer != 0) {
            memory.free(resizeBuffer);
            resizeBuffer = 0;
        }
        db.free();
    }

    private long address(int n) {
        return buffer + (long) (n & ((1 << logSize) - 1)) * Hw.Cqe.SIZE;
    }

    /** get_sw_cqe: entry n is software's when its owner bit equals (n >> log_size) & 1. */
    private byte[] valid(int n) {
        // Read into one buffer per CQ: callers hold the lock and only read the entry's fields.
        byte[] cqe = this.cqe;
        memory.read(address(n), cqe, 0, cqe.length);
        return Hw.Cqe.OWNER.getInt(cqe, 0) == ((n >>> logSize) & 1) ? cqe : null;
    }

    /** mlx4_ib_get_outstanding_cqes: the CQEs written and not yet polled. */
    int outstanding() {
        return lock.withIrqsave(() -> {
            int n = 0;
            while (n < (1 << logSize) && valid(ci + n) != null) {
                n++;
            }
            return n;
        });
    }

    /**
     * mlx4_ib_poll_cq: up to {@code num} completions, oldest first. A CQE of a QPN the driver does
     * not know (a QP the device kept after refusing its 2RST_QP, §3.2) is consumed with a warning
     * and the poll fails with mlx4_ib_poll_one's -EINVAL, the completions it had already taken
     * consumed with it; the next poll goes on after them.
     */
    int poll(int num, Wc[] wc, IntFunction<HcaQp> qps) {
        // Taken and given back in place, not through a lambda: the hot path allocates nothing
        // whatever the JIT inlines.
        long flags = lock.lockIrqsave();
        try {
            return pollLocked(num, wc, qps);
        } finally {
            lock.unlockIrqrestore(flags);
        }
    }

    private int pollLocked(int num, Wc[] wc, IntFunction<HcaQp> qps) {
        int n = 0;
        int consumed = 0;
        // mlx4_ib_poll_one's cur_qp: consecutive CQEs of one QP look it up once.
        HcaQp qp = null;
        int qpn = -1;
        while (n < num) {
            byte[] cqe = valid(ci);
            if (cqe == null) {
                break;
            }
            ci++;
            consumed++;
            if (Hw.Cqe.OPCODE.getInt(cqe, 0) == Hw.Cqe.OPCODE_RESIZE) {
                // mlx4_ib_poll_one: a resize in progress; what follows is in the new ring.
                if (resizeBuffer != 0) {
                    moveOver();
                }
                continue;
            }
            int cqeQpn = Hw.Cqe.QPN.getInt(cqe, 0);
            if (qp == null || cqeQpn != qpn) {
                qp = qps.apply(cqeQpn);
                qpn = cqeQpn;
            }
            if (qp == null) {
                kernel.printk(String.format("CQ %06x with entry for unknown QPN %06x", cqn, cqeQpn));
                n = Errno.EINVAL.negative();
                break;
            }
            if (wc[n] == null) {
                wc[n] = new Wc();
            }
            qp.complete(cqe, wc[n]);
            n++;
        }
        if (consumed > 0) {
            db.set(0, ci & 0xffffff);
        }
        return n;
    }

    /**
     * mlx4_ib_poll_sw_comp: once the device is in error its CQEs are not read; every WQE still
     * outstanding on a QP using this CQ completes with WR_FLUSH_ERR, the send queues' first and
     * then the receive queues', each oldest first (HCA.md §2.1).
     */
    int pollSoftware(int num, Wc[] wc) {
        return lock.withIrqsave(() -> {
            int n = 0;
            for (int pass = 0; pass < 2; pass++) {
                boolean send = pass == 0;
                for (HcaQp qp : send ? sendQps : recvQps) {
                    WorkQueue q = send ? qp.sq() : qp.rq();
                    while (q != null && q.outstanding() > 0 && n < num) {
                        if (wc[n] == null) {
                            wc[n] = new Wc();
                        }
                        qp.flushed(q, send, wc[n++]);
                    }
                    if (n == num) {
                        return n;
                    }
                }
            }
            return n;
        });
    }

    /** mlx4_ib_cq_clean: {@link #cleanLocked} under the CQ's lock, taken with spin_lock_irq. */
    void clean(int qpn, HcaSrq srq) {
        lock.withIrq(() -> cleanLocked(qpn, srq));
    }

    /**
     * __mlx4_ib_cq_clean, the CQ's lock held: removes the CQEs of {@code qpn} that software has
     * not consumed, sliding the others towards the producer end so the order of what remains
     * holds; the SRQ WQEs the removed receive CQEs name are freed, as nobody will poll them.
     */
    void cleanLocked(int qpn, HcaSrq srq) {
        if (!lock.isHeld()) {
            throw new KernelBug(KernelBug.WARN_ON, "__mlx4_ib_cq_clean of CQ " + cqn + " without its lock");
        }
        int pi = ci;
        while (pi - ci < (1 << logSize) && valid(pi) != null) {
            pi++;
        }
        int freed = 0;
        for (int n = pi - 1; n - ci >= 0; n--) {
            byte[] cqe = memory.read(address(n), Hw.Cqe.SIZE);
            if (Hw.Cqe.QPN.getInt(cqe, 0) == qpn && Hw.Cqe.OPCODE.getInt(cqe, 0) != Hw.Cqe.OPCODE_RESIZE) {
                // The receive WQE of a dropped CQE goes back on its SRQ's list, never to complete.
                if (srq != null && !Hw.Cqe.IS_SEND.isSet(cqe, 0)) {
                    srq.free(Hw.Cqe.WQE_INDEX.getInt(cqe, 0));
                }
                freed++;
            } else if (freed > 0) {
                int dest = n + freed;
                Hw.Cqe.OWNER.set(cqe, 0, (dest >>> logSize) & 1);
                memory.write(address(dest), cqe);
            }
        }
        if (freed > 0) {
            ci += freed;
            db.set(0, ci & 0xffffff);
        }
    }

    /** mlx4_ib_arm_cq: the CQ_ARM doorbell (§8); 1 solicited, 2 next completion. */
    void arm(int cmd) {
        pci.writel(PciFunction.BAR2, Hw.Doorbell.CQ_ARM_CQN.offset(),
                Hw.Doorbell.CQ_ARM_CMD.insert(Hw.Doorbell.CQ_ARM_CQN.insert(0, cqn), cmd));
    }
}
