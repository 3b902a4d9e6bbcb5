// drivers/infiniband/hw/mlx4/srq.c (mlx4_ib_create_srq, mlx4_ib_post_srq_recv); docs/HCA.md §4.6
package org.ibmodel.hca;

import java.util.List;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.Srq;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Kernel;

/** The driver side of one SRQ: a ring of receive WQEs and its 4-byte producer counter. */
final class HcaSrq {
    private final Srq ibSrq;
    private final int srqn;
    private final PciFunction pci;
    private final WorkQueue wq;
    private final DoorbellRecord db;

    /** The WRs the ring takes: all its entries but the one kept free. */
    int capacity() {
        return wq.entries() - 1;
    }

    HcaSrq(Kernel kernel, PciFunction pci, Srq ibSrq, int srqn) {
        this.ibSrq = ibSrq;
        this.srqn = srqn;
        this.pci = pci;
        // mlx4_ib_create_srq: a ring of roundup_pow_of_two(max_wr + 1) WQEs, one kept free.
        this.wq = new WorkQueue(kernel, pci.hostMemory(), "srq->lock", HcaQp.log2Ceil(ibSrq.maxWr() + 1),
                HcaQp.log2Ceil(Math.max(64, Hw.Data.SIZE * Math.max(1, ibSrq.maxSge()))));
        this.db = new DoorbellRecord(pci.hostMemory(), 4);
    }

    int srqn() {
        return srqn;
    }

    Srq ibSrq() {
        return ibSrq;
    }

    WorkQueue wq() {
        return wq;
    }

    byte[] mailbox(int pdn) {
        byte[] b = new byte[Hw.CTX + Hw.SrqCtx.SIZE];
        Hw.SrqCtx.PD.set(b, Hw.CTX, pdn);
        Hw.SrqCtx.LOG_SIZE.set(b, Hw.CTX, wq.logSize());
        Hw.SrqCtx.LOG_STRIDE.set(b, Hw.CTX, wq.logStride());
        Hw.SrqCtx.BUFFER.set(b, Hw.CTX, wq.buffer());
        Hw.SrqCtx.DB_RECORD.set(b, Hw.CTX, db.addr());
        return b;
    }

    PostResult post(List<RecvWr> wrs) {
        return wq.lock.with(() -> {
            PostResult result = PostResult.OK;
            int posted = 0;
            for (int i = 0; i < wrs.size(); i++) {
                RecvWr wr = wrs.get(i);
                int err = wr.numSge() > ibSrq.maxSge() ? Errno.EINVAL.negative()
                        : wq.outstanding() >= ibSrq.maxWr() ? Errno.ENOMEM.negative() : 0;
                if (err != 0) {
                    result = PostResult.fail(err, i);
                    break;
                }
                wq.post(HcaQp.recvWqe(wr, wq.stride()), wr.wrId(), wr.wrCqe(), null);
                posted++;
            }
            if (posted > 0) {
                db.set(0, wq.head());
                pci.writel(PciFunction.BAR2, Hw.Doorbell.RECV.offset(),
                        Hw.Doorbell.RECV_SRQ | Hw.Doorbell.RECV.insert(0, srqn));
            }
            return result;
        });
    }
}
