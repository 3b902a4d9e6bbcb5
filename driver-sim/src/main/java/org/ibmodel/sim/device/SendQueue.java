// docs/HCA.md §4.5 (sq_addr, sizes, db_record), §5, §8 (SEND doorbell)
package org.ibmodel.sim.device;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The device side of one send queue: WQEs between the consumer index and the producer counter
 * in the doorbell record are outstanding. A doorbell fetches the new ones in order; the
 * transport stage completes them from the oldest; a flush completes them all.
 */
public final class SendQueue {
    /** The SQ producer counter is the second word of the QP's doorbell record (§4.5). */
    static final int DB_SQ_OFFSET = 4;

    private final Dma dma;
    private final long addr;
    private final int logSize;
    private final int logStride;
    private final long dbRecord;
    private final boolean datagram;
    private final Deque<SendWqe> fetchedWqes = new ArrayDeque<>();
    /** One WQE per ring slot, made on first use and refilled by each fetch of the slot. */
    private final SendWqe[] slots;
    private final List<SendWqe> fetchedNow = new ArrayList<>();
    private int fetched;
    private int consumer;
    /** The producer counter as last read, for a drain that cannot read it any more (§6.1). */
    private int knownProducer;

    SendQueue(Dma dma, long addr, int logSize, int logStride, long dbRecord, boolean datagram) {
        this.dma = dma;
        this.addr = addr;
        this.logSize = logSize;
        this.logStride = logStride;
        this.dbRecord = dbRecord;
        this.datagram = datagram;
        this.slots = new SendWqe[1 << logSize];
    }

    public int producer() {
        knownProducer = dma.read32(dbRecord + DB_SQ_OFFSET);
        return knownProducer;
    }

    public int consumer() {
        return consumer;
    }

    /** Outstanding WQEs: fetched or not, not yet completed. */
    public int outstanding() {
        return producer() - consumer;
    }

    /**
     * Reads WQEs from the last fetched up to the producer counter, oldest first. The list is
     * the queue's own and is refilled by the next fetch.
     */
    List<SendWqe> fetch() {
        List<SendWqe> out = fetchedNow;
        out.clear();
        int producer = producer();
        // The device never reads beyond the producer counter nor more than a ring's worth (§5),
        // so the slot read into belongs to a WQE that has completed.
        while (fetched != producer && fetched - consumer < (1 << logSize)) {
            int slot = fetched & ((1 << logSize) - 1);
            long at = addr + ((long) slot << logStride);
            SendWqe w = slots[slot];
            if (w == null) {
                w = slots[slot] = new SendWqe(1 << logStride);
            }
            dma.read(at, w.bytes(), 0, 1 << logStride);
            w.parse(fetched, datagram);
            fetchedWqes.add(w);
            out.add(w);
            fetched++;
        }
        return out;
    }

    /** The transport stage finished the oldest WQE. */
    public SendWqe complete() {
        SendWqe w = fetchedWqes.poll();
        if (w != null) {
            consumer++;
        }
        return w;
    }

    /** Every outstanding WQE counter, oldest first; the queue is then empty. */
    List<Integer> drain() {
        List<Integer> out = new ArrayList<>();
        int producer;
        try {
            producer = producer();
        } catch (DmaFault f) {
            producer = knownProducer;
        }
        for (int n = consumer; n != producer; n++) {
            out.add(n);
        }
        fetchedWqes.clear();
        consumer = producer;
        fetched = producer;
        return out;
    }
}
