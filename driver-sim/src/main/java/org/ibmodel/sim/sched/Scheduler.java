package org.ibmodel.sim.sched;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The discrete-event scheduler of one simulated world: virtual time in nanoseconds, one queue of
 * events, and the seed every random draw of the world derives from.
 *
 * <p>Events run in (time, insertion sequence) order, so two events at the same nanosecond run in
 * the order they were scheduled and a run is a pure function of its seed. There is no wall clock
 * and no thread here: whoever owns the world calls {@link #runNext()}, {@link #runUntil(long)} or
 * {@link #runUntilIdle(long)} on one thread. Worlds share nothing, so several can run in
 * parallel threads.
 *
 * <p>Components draw from {@link #fork(String)}, a stream that depends only on the seed and the
 * component's name, so adding a component never shifts the numbers another one sees.
 */
public final class Scheduler {

    /** Sees every event just before it runs: for traces and narration. */
    @FunctionalInterface
    public interface Listener {
        void onEvent(long timeNs, long seq, String label);
    }

    /**
     * An event: scheduled once by {@link #schedule}, or made unarmed by {@link #event} and armed
     * again each time it is needed, so a timer or a queue that fires over and over allocates
     * nothing. {@link #cancel()} keeps it from running.
     */
    public static final class Handle {
        private final Scheduler owner;
        private final String label;
        private final Runnable action;
        /** Runs as time passes, but a world with only such events left is idle (kernel timers). */
        private final boolean background;
        private long timeNs;
        private long seq;
        // Position in the owner's heap, -1 while not queued.
        private int index = -1;

        private Handle(Scheduler owner, String label, Runnable action, boolean background) {
            this.owner = owner;
            this.label = Objects.requireNonNull(label, "label");
            this.action = Objects.requireNonNull(action, "action");
            this.background = background;
        }

        /** When it runs, or last ran or was due. */
        public long timeNs() {
            return timeNs;
        }

        public String label() {
            return label;
        }

        /** True while it is queued: armed and neither run nor cancelled since. */
        public boolean isPending() {
            return index >= 0;
        }

        /**
         * Takes the event off the queue. False if it already ran or was cancelled, which lets a
         * timer owner tell "stopped it" from "too late".
         */
        public boolean cancel() {
            if (index < 0) {
                return false;
            }
            owner.remove(this);
            return true;
        }

        /** Queues the event {@code delayNs} from now, taking it off the queue first if it was on it. */
        public Handle arm(long delayNs) {
            owner.checkDelay(delayNs, label);
            return armAt(owner.now + delayNs);
        }

        /** Queues the event at {@code timeNs}, ordered after everything scheduled so far. */
        public Handle armAt(long timeNs) {
            owner.checkTime(timeNs, label);
            owner.place(this, timeNs, owner.nextSeq++);
            return this;
        }

        /**
         * Queues the event at {@code timeNs} in the place of a sequence number taken earlier
         * with {@link Scheduler#reserveSeq()}: a queue that keeps one event for many items runs
         * each item where its own event would have run.
         */
        public Handle armAt(long timeNs, long reservedSeq) {
            owner.checkTime(timeNs, label);
            if (reservedSeq < 0 || reservedSeq >= owner.nextSeq) {
                throw new IllegalArgumentException("sequence " + reservedSeq + " was never reserved");
            }
            owner.place(this, timeNs, reservedSeq);
            return this;
        }

        /** {@link #armAt(long, long)} for a caller that checked time and sequence itself. */
        void requeue(long timeNs, long reservedSeq) {
            owner.place(this, timeNs, reservedSeq);
        }

        @Override
        public String toString() {
            return "t=" + timeNs + "ns #" + seq + " " + label + (isPending() ? "" : " (done)");
        }
    }

    private final long seed;
    private final SplittableRandom random;
    private final Set<String> forks = new HashSet<>();
    /**
     * A binary min-heap on (time, seq), each handle knowing its index so that cancel and re-arm
     * take it out in O(log n). Ties on time fall back to the sequence: the seed, not the heap,
     * picks the order.
     */
    private Handle[] heap = new Handle[64];
    private int size;
    /** The root slot is empty (and still counted in {@link #size}); see {@link #poll()}. */
    private boolean hole;
    private long now;
    private long nextSeq;
    private long ran;
    /** Background handles queued. */
    private long background;
    private Listener listener;

    public Scheduler(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    public long seed() {
        return seed;
    }

    /** Virtual time in nanoseconds since the world started. */
    public long now() {
        return now;
    }

    /** The world's own stream; components should prefer {@link #fork(String)}. */
    public SplittableRandom random() {
        return random;
    }

    /**
     * A stream for one component, derived from the seed and {@code name} only. Each name may be
     * forked once: two components with one name would draw the same numbers.
     */
    public SplittableRandom fork(String name) {
        Objects.requireNonNull(name, "name");
        if (!forks.add(name)) {
            throw new IllegalStateException(String.format(
                    "seed=%#x: random stream '%s' forked twice", seed, name));
        }
        return new SplittableRandom(mix64(mix64(seed) ^ fnv1a64(name)));
    }

    /** Replaces the listener; null removes it. */
    public void listener(Listener l) {
        this.listener = l;
    }

    /** Runs {@code action} {@code delayNs} from now; delay 0 runs after what is already due. */
    public Handle schedule(long delayNs, String label, Runnable action) {
        return new Handle(this, label, action, false).arm(delayNs);
    }

    /** Runs {@code action} at virtual time {@code timeNs}, which must not be in the past. */
    public Handle scheduleAt(long timeNs, String label, Runnable action) {
        return new Handle(this, label, action, false).armAt(timeNs);
    }

    /** An event that is not queued yet: {@link Handle#arm} queues it, as often as needed. */
    public Handle event(String label, Runnable action) {
        return new Handle(this, label, action, false);
    }

    /**
     * As {@link #event}, for a kernel timer: it runs when virtual time reaches it, but
     * {@link #runUntilIdle} stops when nothing else is left, so a periodic timer (a driver's
     * health poll) does not keep a quiet world busy for ever.
     */
    public Handle backgroundEvent(String label, Runnable action) {
        return new Handle(this, label, action, true);
    }

    /**
     * Takes the next sequence number now, for an event armed later with
     * {@link Handle#armAt(long, long)}: it then runs where one scheduled now would have.
     */
    public long reserveSeq() {
        return nextSeq++;
    }

    private void checkDelay(long delayNs, String label) {
        if (delayNs < 0) {
            throw new IllegalArgumentException(String.format(
                    "seed=%#x t=%dns: negative delay %dns for '%s'", seed, now, delayNs, label));
        }
        if (delayNs > Long.MAX_VALUE - now) {
            throw new IllegalArgumentException(String.format(
                    "seed=%#x t=%dns: delay %dns for '%s' overflows virtual time",
                    seed, now, delayNs, label));
        }
    }

    private void checkTime(long timeNs, String label) {
        if (timeNs < now) {
            throw new IllegalArgumentException(String.format(
                    "seed=%#x t=%dns: '%s' scheduled in the past at %dns",
                    seed, now, label, timeNs));
        }
    }

    // ---- the heap ------------------------------------------------------------------------------

    private static boolean before(Handle a, Handle b) {
        return a.timeNs != b.timeNs ? a.timeNs < b.timeNs : a.seq < b.seq;
    }

    /** Queues {@code h} with a new key; one already queued moves from where it is. */
    private void place(Handle h, long timeNs, long seq) {
        if (h.index < 0) {
            insert(h, timeNs, seq);
            return;
        }
        fill();
        // A re-armed timer (every ACK re-arms one) is re-keyed in place: one sift, not two.
        h.timeNs = timeNs;
        h.seq = seq;
        int i = h.index;
        siftDown(i, h);
        if (h.index == i) {
            siftUp(i, h);
        }
    }

    private void insert(Handle h, long timeNs, long seq) {
        h.timeNs = timeNs;
        h.seq = seq;
        if (h.background) {
            background++;
        }
        if (hole) {
            // The event that just ran left the root empty; the next one queued (a wire's next
            // packet, say) takes it and sinks: one sift instead of one per removal and insert.
            hole = false;
            siftDown(0, h);
            return;
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        siftUp(size++, h);
    }

    private void remove(Handle h) {
        fill();
        if (h.background) {
            background--;
        }
        int i = h.index;
        h.index = -1;
        Handle last = heap[--size];
        heap[size] = null;
        if (last != h) {
            siftDown(i, last);
            if (last.index == i) {
                siftUp(i, last);
            }
        }
    }

    /** Takes the root and leaves its slot empty for {@link #insert} or {@link #fill}. */
    private Handle poll() {
        fill();
        Handle h = heap[0];
        if (h.background) {
            background--;
        }
        h.index = -1;
        heap[0] = null;
        hole = true;
        return h;
    }

    /** Closes an empty root slot the usual way: the last entry moves there and sinks. */
    private void fill() {
        if (!hole) {
            return;
        }
        hole = false;
        size--;
        if (size > 0) {
            Handle last = heap[size];
            heap[size] = null;
            siftDown(0, last);
        }
    }

    private void siftUp(int i, Handle h) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Handle p = heap[parent];
            if (!before(h, p)) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = h;
        h.index = i;
    }

    private void siftDown(int i, Handle h) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Handle c = heap[child];
            int right = child + 1;
            if (right < size && before(heap[right], c)) {
                child = right;
                c = heap[child];
            }
            if (!before(c, h)) {
                break;
            }
            heap[i] = c;
            c.index = i;
            i = child;
        }
        heap[i] = h;
        h.index = i;
    }

    /** Events scheduled and neither run nor cancelled. */
    public long pending() {
        fill();
        return size;
    }

    /** Pending events that are not {@link #backgroundEvent background} ones. */
    public long pendingForeground() {
        return pending() - background;
    }

    /** Events run since the world started. */
    public long eventsRun() {
        return ran;
    }

    /** Time of the next event that will run, or -1 when idle. */
    public long nextEventTime() {
        fill();
        return size == 0 ? -1 : heap[0].timeNs;
    }

    /**
     * Runs the earliest event; false if there was none. An exception thrown by the event's action
     * reaches the caller unchanged; {@link #seed()} names the run that replays it.
     */
    public boolean runNext() {
        fill();
        if (size == 0) {
            return false;
        }
        run(poll());
        return true;
    }

    /**
     * Runs every event due at or before {@code timeNs}, including ones those events schedule,
     * then sets the clock to {@code timeNs}. Returns how many ran.
     */
    public long runUntil(long timeNs) {
        if (timeNs < now) {
            throw new IllegalArgumentException(String.format(
                    "seed=%#x t=%dns: cannot run back to %dns", seed, now, timeNs));
        }
        long n = 0;
        while (pending() > 0 && heap[0].timeNs <= timeNs) {
            run(poll());
            n++;
        }
        now = timeNs;
        return n;
    }

    /**
     * Runs until no event is left but background ones, and returns how many ran. A world still
     * busy after {@code maxEvents} is taken to be livelocked: the exception names the seed that
     * replays it.
     */
    public long runUntilIdle(long maxEvents) {
        long n = 0;
        while (pendingForeground() > 0) {
            if (n == maxEvents) {
                Handle next = heap[0];
                throw new IllegalStateException(String.format(
                        "seed=%#x: not idle after %d events (livelock?) at t=%dns, %d pending,"
                                + " next '%s' at %dns",
                        seed, maxEvents, now, size, next.label, next.timeNs));
            }
            run(poll());
            n++;
        }
        return n;
    }

    private void run(Handle h) {
        ran++;
        now = h.timeNs;
        if (listener != null) {
            listener.onEvent(h.timeNs, h.seq, h.label);
        }
        h.action.run();
    }

    // SplitMix64 finalizer (Steele, Lea, Flood 2014): spreads nearby seeds and names apart.
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    // FNV-1a over UTF-8: fixed by definition, unlike a hash that could change between JDKs.
    private static long fnv1a64(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    @Override
    public String toString() {
        return String.format("Scheduler[seed=%#x t=%dns pending=%d ran=%d]", seed, now, pending(), ran);
    }
}
