package org.ibmodel.sim.sched;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Objects;
import java.util.PriorityQueue;
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

    /** A scheduled event; {@link #cancel()} keeps it from running. */
    public static final class Handle {
        private final Scheduler owner;
        private final long timeNs;
        private final long seq;
        private final String label;
        private Runnable action;

        private Handle(Scheduler owner, long timeNs, long seq, String label, Runnable action) {
            this.owner = owner;
            this.timeNs = timeNs;
            this.seq = seq;
            this.label = label;
            this.action = action;
        }

        public long timeNs() {
            return timeNs;
        }

        public String label() {
            return label;
        }

        /** True until the event has run or been cancelled. */
        public boolean isPending() {
            return action != null;
        }

        /**
         * Takes the event off the queue. False if it already ran or was cancelled, which lets a
         * timer owner tell "stopped it" from "too late".
         */
        public boolean cancel() {
            if (action == null) {
                return false;
            }
            action = null;
            owner.cancelled();
            return true;
        }

        @Override
        public String toString() {
            return "t=" + timeNs + "ns #" + seq + " " + label + (isPending() ? "" : " (done)");
        }
    }

    /**
     * Cancelled handles tolerated in the heap before it is rebuilt without them. Every ACK
     * re-arms a retransmit timer, so a busy QP cancels one handle per ACK; a small heap keeps
     * each add and poll short.
     */
    private static final int COMPACT_AFTER = 64;

    private final long seed;
    private final SplittableRandom random;
    private final Set<String> forks = new HashSet<>();
    // Ties on time fall back to the insertion sequence: the seed, not the heap, picks the order.
    private final PriorityQueue<Handle> queue = new PriorityQueue<>((a, b) ->
            a.timeNs != b.timeNs ? Long.compare(a.timeNs, b.timeNs) : Long.compare(a.seq, b.seq));
    private long now;
    private long nextSeq;
    private long live;
    private int cancelledInQueue;
    private long ran;
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
        if (delayNs < 0) {
            throw new IllegalArgumentException(String.format(
                    "seed=%#x t=%dns: negative delay %dns for '%s'", seed, now, delayNs, label));
        }
        if (delayNs > Long.MAX_VALUE - now) {
            throw new IllegalArgumentException(String.format(
                    "seed=%#x t=%dns: delay %dns for '%s' overflows virtual time",
                    seed, now, delayNs, label));
        }
        return enqueue(now + delayNs, label, action);
    }

    /** Runs {@code action} at virtual time {@code timeNs}, which must not be in the past. */
    public Handle scheduleAt(long timeNs, String label, Runnable action) {
        if (timeNs < now) {
            throw new IllegalArgumentException(String.format(
                    "seed=%#x t=%dns: '%s' scheduled in the past at %dns",
                    seed, now, label, timeNs));
        }
        return enqueue(timeNs, label, action);
    }

    private Handle enqueue(long timeNs, String label, Runnable action) {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(action, "action");
        Handle h = new Handle(this, timeNs, nextSeq++, label, action);
        queue.add(h);
        live++;
        return h;
    }

    private void cancelled() {
        live--;
        cancelledInQueue++;
        // Long timers that are almost always cancelled (retransmit, RNR) would otherwise pile up
        // in the heap; (time, seq) keys are unique, so rebuilding it cannot change the order.
        if (cancelledInQueue > COMPACT_AFTER && cancelledInQueue > queue.size() / 2) {
            queue.removeIf(h -> h.action == null);
            cancelledInQueue = 0;
        }
    }

    /** Events scheduled and neither run nor cancelled. */
    public long pending() {
        return live;
    }

    /** Events run since the world started. */
    public long eventsRun() {
        return ran;
    }

    /** Time of the next event that will run, or -1 when idle. */
    public long nextEventTime() {
        Handle h = head();
        return h == null ? -1 : h.timeNs;
    }

    /**
     * Runs the earliest event; false if there was none. An exception thrown by the event's action
     * reaches the caller unchanged; {@link #seed()} names the run that replays it.
     */
    public boolean runNext() {
        Handle h = head();
        if (h == null) {
            return false;
        }
        run(queue.poll());
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
        for (Handle h = head(); h != null && h.timeNs <= timeNs; h = head()) {
            run(queue.poll());
            n++;
        }
        now = timeNs;
        return n;
    }

    /**
     * Runs until no event is left and returns how many ran. A world still busy after
     * {@code maxEvents} is taken to be livelocked: the exception names the seed that replays it.
     */
    public long runUntilIdle(long maxEvents) {
        long n = 0;
        while (head() != null) {
            if (n == maxEvents) {
                Handle next = head();
                throw new IllegalStateException(String.format(
                        "seed=%#x: not idle after %d events (livelock?) at t=%dns, %d pending,"
                                + " next '%s' at %dns",
                        seed, maxEvents, now, live, next.label, next.timeNs));
            }
            run(queue.poll());
            n++;
        }
        return n;
    }

    // Cancelled handles stay in the heap until they surface; dropping them here keeps cancel O(1).
    private Handle head() {
        Handle h = queue.peek();
        while (h != null && h.action == null) {
            queue.poll();
            cancelledInQueue--;
            h = queue.peek();
        }
        return h;
    }

    private void run(Handle h) {
        Runnable action = h.action;
        h.action = null;
        live--;
        ran++;
        now = h.timeNs;
        if (listener != null) {
            listener.onEvent(h.timeNs, h.seq, h.label);
        }
        action.run();
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
        return String.format("Scheduler[seed=%#x t=%dns pending=%d ran=%d]", seed, now, live, ran);
    }
}
