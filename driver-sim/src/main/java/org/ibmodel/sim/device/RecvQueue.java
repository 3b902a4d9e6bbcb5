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
    /** The producer counter as last read; it only grows, so the real one is never behind it. */
    private int knownProducer;

    RecvQueue(Dma dma, long addr, int logSize, int logStride, long dbRecord) {
        this.dma = dma;
        this.addr = addr;
        this.logSize = logSize;
        this.logStride = logStride;
        this.dbRecord = dbRecord;
    }

    /** The RQ producer counter is the first word of the QP's doorbell record (§4.5). */
    public int producer() {
        knownProducer = dma.read32(dbRecord);
        return knownProducer;
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

    /**
     * The responder takes the next WQE: its counter, or -1 when none is posted. The doorbell
     * record is read again only when the WQEs known to be posted are used up.
     */
    public int take() {
        if (knownProducer == consumer && producer() == consumer) {
            return -1;
        }
        return consumer++;
    }

    List<Integer> drain() {
        List<Integer> out = new ArrayList<>();
        int producer;
        try {
            producer = producer();
        } catch (DmaFault f) {
            // §6.1: what the record said last is all the device can flush.
            producer = knownProducer;
        }
        for (int n = consumer; n != producer; n++) {
            out.add(n);
        }
        consumer = producer;
        return out;
    }
}
