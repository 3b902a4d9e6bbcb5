package org.ibmodel.sim.device;

import java.util.Arrays;

/**
 * The send WQEs a QP has started and not yet retired, oldest first: the requester appends, the
 * completer retires from the head, both look entries up by position. A ring, so retiring the
 * oldest moves nothing (a list would shift every later entry on each completion).
 */
final class WqeRing {
    private TransportQp.Wqe[] ring = new TransportQp.Wqe[16];
    private int head;
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** The entry {@code i} places after the oldest. */
    TransportQp.Wqe get(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("WQE " + i + " of " + size + " in flight");
        }
        return ring[(head + i) & (ring.length - 1)];
    }

    void add(TransportQp.Wqe w) {
        if (size == ring.length) {
            TransportQp.Wqe[] grown = new TransportQp.Wqe[2 * size];
            for (int k = 0; k < size; k++) {
                grown[k] = ring[(head + k) & (ring.length - 1)];
            }
            ring = grown;
            head = 0;
        }
        ring[(head + size++) & (ring.length - 1)] = w;
    }

    /** Retires the oldest. */
    TransportQp.Wqe removeFirst() {
        if (size == 0) {
            throw new IllegalStateException("no WQE in flight");
        }
        TransportQp.Wqe w = ring[head];
        ring[head] = null;
        head = (head + 1) & (ring.length - 1);
        size--;
        return w;
    }

    void clear() {
        Arrays.fill(ring, null);
        head = 0;
        size = 0;
    }
}
