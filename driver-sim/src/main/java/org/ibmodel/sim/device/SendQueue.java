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
    private int fetched;
    private int consumer;

    SendQueue(Dma dma, long addr, int logSize, int logStride, long dbRecord, boolean datagram) {
        this.dma = dma;
        this.addr = addr;
        this.logSize = logSize;
        this.logStride = logStride;
        this.dbRecord = dbRecord;
        this.datagram = datagram;
    }

    public int producer() {
        return dma.read32(dbRecord + DB_SQ_OFFSET);
    }

    public int consumer() {
        return consumer;
    }

    /** Outstanding WQEs: fetched or not, not yet completed. */
    public int outstanding() {
        return producer() - consumer;
    }

    /** Reads WQEs from the last fetched up to the producer counter, oldest first. */
    List<SendWqe> fetch() {
        List<SendWqe> out = new ArrayList<>();
        int producer = producer();
        // The device never reads beyond the producer counter nor more than a ring's worth (§5).
        while (fetched != producer && fetched - consumer < (1 << logSize)) {
            long at = addr + ((long) (fetched & ((1 << logSize) - 1)) << logStride);
            SendWqe w = SendWqe.parse(fetched, dma.read(at, 1 << logStride), datagram);
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
        int producer = producer();
        for (int n = consumer; n != producer; n++) {
            out.add(n);
        }
        fetchedWqes.clear();
        consumer = producer;
        fetched = producer;
        return out;
    }
}
