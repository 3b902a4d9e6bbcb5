package org.ibmodel.sim.sched;

import java.util.Arrays;
import java.util.Objects;

/**
 * Items that each fall due at a time no earlier than the item before them: packets on a wire,
 * packets through a switch's crossbar, MSI-X messages on their way to the CPU. One scheduler
 * event serves the whole line, and each item takes its sequence number when it is added, so it
 * runs exactly where an event of its own, scheduled then, would have run. Nothing is allocated
 * per item once the ring has grown to the line's longest length.
 *
 * @param <T> what travels down the line
 */
public final class DelayLine<T> {

    /** Takes each item when it falls due, with the tag it was added with. */
    @FunctionalInterface
    public interface Sink<T> {
        void due(T item, int tag);
    }

    private final Scheduler scheduler;
    private final Sink<T> sink;
    private final Scheduler.Handle event;
    private Object[] items = new Object[16];
    private long[] times = new long[16];
    private long[] seqs = new long[16];
    private int[] tags = new int[16];
    private int head;
    private int size;

    public DelayLine(Scheduler scheduler, String label, Sink<T> sink) {
        this.scheduler = scheduler;
        this.sink = Objects.requireNonNull(sink, "sink");
        this.event = scheduler.event(label, this::due);
    }

    /** Adds {@code item}, due at {@code timeNs}: not in the past, nor before the last item added. */
    public void add(long timeNs, T item, int tag) {
        Objects.requireNonNull(item, "item");
        if (timeNs < scheduler.now() || (size > 0 && timeNs < times[(head + size - 1) & (times.length - 1)])) {
            throw new IllegalArgumentException(String.format("seed=%#x t=%dns: '%s' item due at %dns is out of order",
                    scheduler.seed(), scheduler.now(), event.label(), timeNs));
        }
        if (size == items.length) {
            grow();
        }
        int i = (head + size++) & (items.length - 1);
        items[i] = item;
        times[i] = timeNs;
        seqs[i] = scheduler.reserveSeq();
        tags[i] = tag;
        if (size == 1) {
            // Checked above: not in the past, and the sequence number was just reserved.
            event.requeue(timeNs, seqs[i]);
        }
    }

    /** Items added and not yet due. */
    public int size() {
        return size;
    }

    /** Takes each item {@link #clear} drops, with its tag and the time it was due. */
    @FunctionalInterface
    public interface Dropped<T> {
        void dropped(T item, int tag, long dueNs);
    }

    /** Drops every item not yet due, handing each to {@code dropped} in order. */
    public void clear(Dropped<T> dropped) {
        event.cancel();
        while (size > 0) {
            int i = head;
            T item = take();
            dropped.dropped(item, tags[i], times[i]);
        }
    }

    private void due() {
        int tag = tags[head];
        T item = take();
        // The next item keeps its own (time, seq), so arming it before the delivery orders it
        // exactly as its own event would be; a delivery that clears the line cancels it again.
        if (size > 0) {
            event.requeue(times[head], seqs[head]);
        }
        sink.due(item, tag);
    }

    @SuppressWarnings("unchecked")
    private T take() {
        T item = (T) items[head];
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        size--;
        return item;
    }

    private void grow() {
        int n = items.length;
        Object[] ni = new Object[2 * n];
        long[] nt = new long[2 * n];
        long[] ns = new long[2 * n];
        int[] ng = new int[2 * n];
        for (int k = 0; k < size; k++) {
            int i = (head + k) & (n - 1);
            ni[k] = items[i];
            nt[k] = times[i];
            ns[k] = seqs[i];
            ng[k] = tags[i];
        }
        items = ni;
        times = nt;
        seqs = ns;
        tags = ng;
        head = 0;
        Arrays.fill(items, size, items.length, null);
    }
}
