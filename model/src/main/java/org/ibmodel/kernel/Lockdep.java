// kernel/locking/lockdep.c
package org.ibmodel.kernel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The lock validator of one {@link Kernel}. Locks are grouped into classes by name; every time a
 * class is acquired while others are held, the edges "held -> acquired" enter the order graph
 * together with the site where each edge was first seen. An acquisition that would close a cycle
 * is reported before the lock is taken, so an ABBA bug shows up even if the two paths never race.
 *
 * <p>As in the kernel, order edges and cycles are only considered between locks of one chain:
 * a softirq, a hardirq or a work item starts a new chain. Taking a class that is held anywhere on
 * this CPU is reported as recursive, because the interrupted holder cannot release it before the
 * new taker finishes. That also flags a mutex held across a wait that runs work needing the same
 * mutex. Only a read lock taken for read while another chain holds it for read is shared.
 *
 * <p>Like the kernel, which records {@code _RET_IP_} and symbolizes it only for a report, the locks
 * do not name their call site up front: {@link #acquire(String)} finds it only when something
 * needs it, which is a report (the acquisition is still on the stack then) or a new order edge.
 * Re-taking a class in an order already recorded walks no stack. The site of a held lock is
 * therefore known only if its own acquisition recorded an edge; otherwise reports say it was
 * "acquired earlier".
 */
public final class Lockdep {

    /**
     * One held lock; {@code site} is null when the acquisition never needed to name itself. The
     * entries of {@link #held} are reused, like the kernel's fixed held_locks array per task.
     */
    private static final class Held {
        String lockClass;
        String site;
        long frame;
        ExecContext context;
        /** Taken for read (an rw_semaphore's down_read), which other tasks may share. */
        boolean read;
    }

    private final Kernel kernel;
    /** Held locks, oldest first: {@code held[0..depth)}. */
    private Held[] held = new Held[8];
    private int depth;
    /** from -> (to -> site of the first acquisition of "to" while "from" was held). */
    private final Map<String, Map<String, String>> edges = new LinkedHashMap<>();
    /**
     * from -> classes known to have no path from it in {@link #edges}: the answer of
     * {@link #path} for pairs already searched, forgotten whenever an edge is added. Once the
     * graph stops growing, checking an acquisition costs lookups instead of a search.
     */
    private final Map<String, Set<String>> unreachable = new HashMap<>();

    Lockdep(Kernel kernel) {
        this.kernel = kernel;
    }

    /** lock_acquire() with the caller naming its site: checks, records, marks the class held. */
    public void acquire(String lockClass, String site) {
        record(lockClass, Objects.requireNonNull(site, "site"));
    }

    /**
     * lock_acquire() from a lock primitive: the site is the first caller outside the kernel
     * primitives, found only for a report or a new edge, while the acquisition is on the stack.
     */
    void acquire(String lockClass) {
        record(lockClass, null, false);
    }

    /**
     * lock_acquire() of a read lock (down_read): held for read by another task on this CPU, a
     * work item the holder's sleep let run, it is shared, not a deadlock; held by this task it
     * is recursive, as the kernel's lockdep says of an rw_semaphore taken twice for read.
     */
    void acquireRead(String lockClass) {
        record(lockClass, null, true);
    }

    /** As {@link #acquireRead(String)}, the caller naming its site. */
    void acquireRead(String lockClass, String site) {
        record(lockClass, Objects.requireNonNull(site, "site"), true);
    }

    /** {@code site} null: found on the stack when first needed. */
    private void record(String lockClass, String site) {
        record(lockClass, site, false);
    }

    private void record(String lockClass, String site, boolean read) {
        Objects.requireNonNull(lockClass, "lockClass");
        checkRecursive(lockClass, site, read);
        long frame = kernel.lockdepFrame();
        // Every edge entered the graph only after its own cycle check, so the graph has no
        // cycle, and re-taking an order already recorded cannot close one: only new edges are
        // checked.
        int fresh = 0;
        for (int i = 0; i < depth; i++) {
            Held h = held[i];
            if (h.frame == frame) {
                Map<String, String> out = edges.get(h.lockClass);
                if (out == null || !out.containsKey(lockClass)) {
                    checkCircular(lockClass, site, h);
                    fresh++;
                }
            }
        }
        for (int i = 0; fresh > 0 && i < depth; i++) {
            Held h = held[i];
            if (h.frame == frame) {
                Map<String, String> out = edges.get(h.lockClass);
                if (out == null) {
                    out = new LinkedHashMap<>();
                    edges.put(h.lockClass, out);
                }
                if (!out.containsKey(lockClass)) {
                    if (site == null) {
                        site = CallerSite.find();
                    }
                    out.put(lockClass, site);
                    unreachable.clear();
                }
            }
        }
        if (depth == held.length) {
            held = Arrays.copyOf(held, 2 * depth);
        }
        Held h = held[depth];
        if (h == null) {
            h = held[depth] = new Held();
        }
        depth++;
        h.lockClass = lockClass;
        h.site = site;
        h.frame = frame;
        h.context = kernel.context();
        h.read = read;
    }

    /**
     * lock_release(): releasing out of acquisition order is legal; releasing a lock another task,
     * work item or interrupt holds is not (print_unlock_imbalance_bug: each task releases from
     * its own held_locks).
     */
    public void release(String lockClass) {
        long frame = kernel.lockdepFrame();
        for (int i = depth - 1; i >= 0; i--) {
            Held h = held[i];
            if (h.lockClass.equals(lockClass) && h.frame == frame) {
                // Close the gap and keep the entry for the next acquisition.
                if (i != --depth) {
                    System.arraycopy(held, i + 1, held, i, depth - i);
                    held[depth] = h;
                }
                h.lockClass = null;
                h.site = null;
                return;
            }
        }
        throw new KernelBug(KernelBug.BAD_UNLOCK, "releasing " + lockClass + " at " + CallerSite.find()
                + " but it is not held here; held: " + held() + ", here: " + heldIn(frame));
    }

    /** Lock classes held by the chain of lockdep frame {@code frame} (a task, a work item, an interrupt). */
    List<String> heldIn(long frame) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            if (held[i].frame == frame) {
                names.add(held[i].lockClass);
            }
        }
        return names;
    }

    /** Held lock classes, oldest first. */
    public List<String> held() {
        List<String> names = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++) {
            names.add(held[i].lockClass);
        }
        return Collections.unmodifiableList(names);
    }

    /** Whether the graph has a path of one or more edges from {@code from} to {@code to}. */
    public boolean hasDependency(String from, String to) {
        return path(from, to) != null;
    }

    private void checkRecursive(String lockClass, String site, boolean read) {
        for (int i = 0; i < depth; i++) {
            Held h = held[i];
            if (h.lockClass.equals(lockClass) && !(read && h.read && h.frame != kernel.lockdepFrame())) {
                // Still inside the acquiring call, so the stack names the acquisition.
                String here = site != null ? site : CallerSite.find();
                String owner = h.frame == kernel.lockdepFrame() ? "" : " by interrupted " + h.context + " code";
                throw new KernelBug(KernelBug.LOCKDEP_RECURSIVE, "possible recursive locking detected: "
                        + kernel.context() + " acquiring " + lockClass + " at " + here
                        + ", already held" + owner
                        + (h.site == null ? ", acquired earlier" : " since " + h.site));
            }
        }
    }

    private void checkCircular(String lockClass, String site, Held h) {
        Set<String> known = unreachable.get(lockClass);
        if (known != null && known.contains(h.lockClass)) {
            return;
        }
        List<String> chain = path(lockClass, h.lockClass);
        if (chain == null) {
            unreachable.computeIfAbsent(lockClass, k -> new HashSet<>()).add(h.lockClass);
            return;
        }
        StringBuilder existing = new StringBuilder();
        for (int i = 0; i + 1 < chain.size(); i++) {
            String from = chain.get(i);
            String to = chain.get(i + 1);
            if (i > 0) {
                existing.append(", ");
            }
            existing.append(from).append(" -> ").append(to)
                    .append(" (first recorded at ").append(edges.get(from).get(to)).append(')');
        }
        // Still inside the acquiring call, so the stack names the acquisition.
        String here = site != null ? site : CallerSite.find();
        throw new KernelBug(KernelBug.LOCKDEP_CIRCULAR, "possible circular locking dependency detected: "
                + "acquiring " + lockClass + " at " + here + " while holding " + h.lockClass
                + " (" + (h.site == null ? "acquired earlier" : "acquired at " + h.site)
                + "); existing dependency " + existing);
    }

    /** Breadth-first, so the reported chain is a shortest one; null when there is none. */
    private List<String> path(String from, String to) {
        Map<String, String> parent = new HashMap<>();
        Set<String> visited = new HashSet<>();
        Deque<String> frontier = new ArrayDeque<>();
        frontier.add(from);
        visited.add(from);
        while (!frontier.isEmpty()) {
            String node = frontier.poll();
            for (String next : edges.getOrDefault(node, Map.of()).keySet()) {
                if (next.equals(to)) {
                    List<String> chain = new ArrayList<>();
                    chain.add(to);
                    for (String n = node; ; n = parent.get(n)) {
                        chain.add(n);
                        if (n.equals(from)) {
                            break;
                        }
                    }
                    Collections.reverse(chain);
                    return chain;
                }
                if (visited.add(next)) {
                    parent.put(next, node);
                    frontier.add(next);
                }
            }
        }
        return null;
    }
}
