// docs/HCA.md §4.5 (rq_addr, db_record), §5.5 (receive WQEs)
package org.ibmodel.sim.device;

import java.util.ArrayList;
import java.util.List;

/** The device side of one receive queue: counters only; WQEs are read when consumed. */
public final class RecvQueue {
    private final Dma dma;
    private final long addr;
    private final int logSize;
    private final int logStride;
    private final long dbRecord;
    private int consumer;

    RecvQueue(Dma dma, long addr, int logSize, int logStride, long dbRecord) {
        this.dma = dma;
        this.addr = addr;
        this.logSize = logSize;
        this.logStride = logStride;
        this.dbRecord = dbRecord;
    }

    /** The RQ producer counter is the first word of the QP's doorbell record (§4.5). */
    public int producer() {
        return dma.read32(dbRecord);
    }

    public int consumer() {
        return consumer;
    }

    /** Bytes per receive WQE. */
    public int stride() {
        return 1 << logStride;
    }

    public long wqeAddress(int n) {
        return addr + ((long) (n & ((1 << logSize) - 1)) << logStride);
    }

    /** The responder takes the next WQE: its counter, or -1 when none is posted. */
    public int take() {
        return producer() == consumer ? -1 : consumer++;
    }

    List<Integer> drain() {
        List<Integer> out = new ArrayList<>();
        int producer = producer();
        for (int n = consumer; n != producer; n++) {
            out.add(n);
        }
        consumer = producer;
        return out;
    }
}
