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
 * class is acquired while others are held, the edge from the nearest held lock to it enters the
 * order graph (from trylocks above that one too) together with the site where it was first seen;
 * the locks held before the nearest reach the new one through it. An acquisition that would close
 * a cycle is reported before the lock is taken, so an ABBA bug shows up even if the two paths
 * never race.
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
 *
 * <p>Each class also gathers lockdep's usage states: taken in a hardirq or a softirq handler
 * ({IN-HARDIRQ-W}, {IN-SOFTIRQ-W}: the class is irq-safe) and taken with hardirqs or softirqs
 * enabled ({HARDIRQ-ON-W}, {SOFTIRQ-ON-W}: irq-unsafe). A class both safe and unsafe for one
 * kind of interrupt is an "inconsistent lock state" (the interrupt can come while the lock is
 * held and spin on it); a safe class held while an unsafe one is taken, directly or through a
 * chain of held locks, is an irq lock inversion. Both are reported from the usage alone, whether
 * or not the interrupt ever came at the wrong moment.
 *
 * <p>A read acquisition (rwlock_t's read_lock, an rw_semaphore's down_read) gathers the read
 * states instead ({IN-HARDIRQ-R}, {HARDIRQ-ON-R} and the softirq pair), which conflict only with
 * the opposite write state, as in mark_lock_irq: readers taken in an interrupt and with it enabled
 * share the lock, but a writer with the interrupt enabled can be interrupted by a reader. A
 * read_lock in an interrupt, or with softirqs disabled, is a recursive read (read_lock_is_recursive
 * is in_interrupt() with queued rwlocks), which may nest inside a read hold of its own chain and
 * then orders nothing. The irq-safety searches follow only strong dependency paths, as lockdep's
 * __bfs does: an edge into a lock taken as a recursive read is not followed by one out of it held
 * shared, and a class reached only through recursive reads (or the search's own read hold) meets
 * only write states.
 */
public final class Lockdep {

    /**
     * Usage bits, write states in lockdep_states.h's order; a read state is its write state
     * shifted by {@link #READ_SHIFT} (lockdep interleaves them, LOCK_USAGE_READ_MASK being bit 0).
     */
    static final int USED_IN_HARDIRQ = 1;
    static final int ENABLED_HARDIRQ = 1 << 1;
    static final int USED_IN_SOFTIRQ = 1 << 2;
    static final int ENABLED_SOFTIRQ = 1 << 3;
    /** A state's read form is its write form shifted by this. */
    static final int READ_SHIFT = 4;
    private static final int WRITE_STATES = (1 << READ_SHIFT) - 1;
    private static final String[] USAGE_NAMES = {"IN-HARDIRQ-W", "HARDIRQ-ON-W", "IN-SOFTIRQ-W", "SOFTIRQ-ON-W",
        "IN-HARDIRQ-R", "HARDIRQ-ON-R", "IN-SOFTIRQ-R", "SOFTIRQ-ON-R"};

    /** A class's usage bits and where each was first seen (lockdep keeps a stack trace per bit). */
    private static final class Usage {
        int bits;
        final String[] sites = new String[USAGE_NAMES.length];
    }

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
        /** Taken as a recursive read (lockdep's read == 2). */
        boolean recursive;
        /** Taken by a trylock, which orders nothing before it. */
        boolean trylock;
    }

    private final Kernel kernel;
    /** Held locks, oldest first: {@code held[0..depth)}. */
    private Held[] held = new Held[8];
    private int depth;
    /**
     * An order edge: where it was first seen, and which of its four kinds (held for read or not,
     * taken for read or not) have been seen; lockdep validates a chain again when a lock in it is
     * held or taken with another read state (hlock_id includes the read state).
     */
    private static final class Edge {
        final String site;
        int kinds;

        Edge(String site) {
            this.site = site;
        }
    }

    /** from -> (to -> the edge "from -> to"). */
    private final Map<String, Map<String, Edge>> edges = new LinkedHashMap<>();
    /**
     * from -> classes known to have no path from it in {@link #edges}: the answer of
     * {@link #path} for pairs already searched, forgotten whenever an edge is added. Once the
     * graph stops growing, checking an acquisition costs lookups instead of a search.
     */
    private final Map<String, Set<String>> unreachable = new HashMap<>();
    /** to -> classes with an edge into it: the backward walks of the irq-safety checks. */
    private final Map<String, Set<String>> reverse = new HashMap<>();
    private final Map<String, Usage> usage = new HashMap<>();

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

    /**
     * lock_acquire() of rwlock_t's read_lock: a recursive read in an interrupt, which may nest in
     * a read hold of the same chain; in process context a plain read, as {@link #acquireRead}.
     */
    void acquireRwlockRead(String lockClass) {
        record(lockClass, null, true, kernel.context() != ExecContext.PROCESS || kernel.bhDisabledCount() > 0);
    }

    /**
     * lock_acquire() of a trylock that succeeded (spin_trylock, mutex_trylock): it may be taken
     * in any order, so it is neither checked for recursion nor ordered after the locks held, and
     * it does not make its class irq-safe (it never waits); locks taken while it is held are
     * ordered after it as usual.
     */
    void acquireTry(String lockClass) {
        Objects.requireNonNull(lockClass, "lockClass");
        markUsage(lockClass, null, true, false);
        push(lockClass, null, false);
        held[depth - 1].trylock = true;
    }

    /** {@code site} null: found on the stack when first needed. */
    private void record(String lockClass, String site) {
        record(lockClass, site, false);
    }

    private void record(String lockClass, String site, boolean read) {
        record(lockClass, site, read, false);
    }

    /** {@code recursive}: a recursive read (lockdep's read == 2). */
    private void record(String lockClass, String site, boolean read, boolean recursive) {
        Objects.requireNonNull(lockClass, "lockClass");
        // __lock_acquire marks the usage before it validates the chain.
        markUsage(lockClass, site, false, read);
        if (checkRecursive(lockClass, site, read, recursive)) {
            // check_deadlock's 2: a recursive read inside its own chain's read hold adds no order.
            push(lockClass, site, read, recursive);
            return;
        }
        long frame = kernel.lockdepFrame();
        // Every edge entered the graph only after its own cycle check, so the graph has no
        // cycle, and re-taking an order already recorded cannot close one: only new edges are
        // checked for cycles, and new kinds of an edge for irq usage.
        int from = nearest(frame);
        int fresh = 0;
        for (int i = from; i < depth; i++) {
            Held h = held[i];
            if (h.frame == frame) {
                Map<String, Edge> out = edges.get(h.lockClass);
                Edge e = out == null ? null : out.get(lockClass);
                if (e == null || (e.kinds & kind(h.read, read && recursive)) == 0) {
                    if (e == null) {
                        checkCircular(lockClass, site, h);
                    }
                    checkIrqUsage(lockClass, site, h, read && recursive);
                    fresh++;
                }
            }
        }
        for (int i = from; fresh > 0 && i < depth; i++) {
            Held h = held[i];
            if (h.frame == frame) {
                Map<String, Edge> out = edges.get(h.lockClass);
                if (out == null) {
                    out = new LinkedHashMap<>();
                    edges.put(h.lockClass, out);
                }
                Edge e = out.get(lockClass);
                if (e == null) {
                    if (site == null) {
                        site = CallerSite.find();
                    }
                    e = new Edge(site);
                    out.put(lockClass, e);
                    reverse.computeIfAbsent(lockClass, k -> new HashSet<>()).add(h.lockClass);
                    unreachable.clear();
                }
                e.kinds |= kind(h.read, read && recursive);
            }
        }
        push(lockClass, site, read, recursive);
    }

    /**
     * check_prevs_add(): the new lock is ordered after the locks its chain holds from the top of
     * the stack down to the first one that is no trylock; the older ones are ordered before that
     * one already, so they reach the new lock through it. Returns that one's index (0 if the
     * chain holds only trylocks, or nothing).
     */
    private int nearest(long frame) {
        for (int i = depth - 1; i >= 0; i--) {
            if (held[i].frame == frame && !held[i].trylock) {
                return i;
            }
        }
        return 0;
    }

    /**
     * One of an edge's four kinds (__calc_dep_bit): the held lock shared (held for read) or
     * exclusive, the new one taken as a recursive read or not.
     */
    private static int kind(boolean heldShared, boolean takenRecursive) {
        return 1 << ((heldShared ? 2 : 0) + (takenRecursive ? 1 : 0));
    }

    private void push(String lockClass, String site, boolean read) {
        push(lockClass, site, read, false);
    }

    private void push(String lockClass, String site, boolean read, boolean recursive) {
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
        h.frame = kernel.lockdepFrame();
        h.context = kernel.context();
        h.read = read;
        h.recursive = recursive;
        h.trylock = false;
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

    /**
     * lock_downgrade(): the write hold of {@code lockClass} by this chain becomes a read hold
     * (downgrade_write), which other readers may share.
     */
    void downgrade(String lockClass) {
        long frame = kernel.lockdepFrame();
        for (int i = depth - 1; i >= 0; i--) {
            Held h = held[i];
            if (h.lockClass.equals(lockClass) && h.frame == frame && !h.read) {
                h.read = true;
                return;
            }
        }
        throw new KernelBug(KernelBug.BAD_UNLOCK, "downgrading " + lockClass + " at " + CallerSite.find()
                + " but it is not held for write here; held: " + held());
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

    /**
     * check_deadlock(): a class held anywhere on this CPU may be taken again only for read while
     * it is held for read, by another chain (an interrupted reader), or by this one when the new
     * acquisition is a recursive read. Returns whether it is the last: nested in its own chain.
     */
    private boolean checkRecursive(String lockClass, String site, boolean read, boolean recursive) {
        boolean nested = false;
        for (int i = 0; i < depth; i++) {
            Held h = held[i];
            boolean shared = read && h.read && (recursive || h.frame != kernel.lockdepFrame());
            if (h.lockClass.equals(lockClass) && shared && h.frame == kernel.lockdepFrame()) {
                nested = true;
            }
            if (h.lockClass.equals(lockClass) && !shared) {
                // Still inside the acquiring call, so the stack names the acquisition.
                String here = site != null ? site : CallerSite.find();
                String owner = h.frame == kernel.lockdepFrame() ? "" : " by interrupted " + h.context + " code";
                throw new KernelBug(KernelBug.LOCKDEP_RECURSIVE, "possible recursive locking detected: "
                        + kernel.context() + " acquiring " + lockClass + " at " + here
                        + ", already held" + owner
                        + (h.site == null ? ", acquired earlier" : " since " + h.site));
            }
        }
        return nested;
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
        // Still inside the acquiring call, so the stack names the acquisition.
        String here = site != null ? site : CallerSite.find();
        throw new KernelBug(KernelBug.LOCKDEP_CIRCULAR, "possible circular locking dependency detected: "
                + "acquiring " + lockClass + " at " + here + " while holding " + h.lockClass
                + " (" + (h.site == null ? "acquired earlier" : "acquired at " + h.site)
                + "); existing dependency " + describeChain(chain));
    }

    /**
     * mark_usage(): the states this acquisition gives its class. New states are checked against
     * the class's other states (valid_state: "inconsistent lock state") and against the classes
     * it is ordered with (check_usage_forwards/backwards: "irq lock inversion"). A trylock does
     * not make its class irq-safe; a read acquisition marks the read states.
     */
    private void markUsage(String lockClass, String site, boolean trylock, boolean read) {
        ExecContext ctx = kernel.context();
        int bits = 0;
        if (!trylock && ctx == ExecContext.HARDIRQ) {
            bits |= USED_IN_HARDIRQ;
        }
        if (!trylock && ctx == ExecContext.SOFTIRQ) {
            bits |= USED_IN_SOFTIRQ;
        }
        if (!kernel.irqsDisabled()) {
            bits |= ENABLED_HARDIRQ;
            if (kernel.softirqsEnabled()) {
                bits |= ENABLED_SOFTIRQ;
            }
        }
        mark(lockClass, read ? bits << READ_SHIFT : bits, site, false);
    }

    /**
     * mark_held_locks(): interrupts (or softirqs) were just enabled, so every lock this chain
     * holds is now held with them enabled. Enabling hardirqs under a lock an interrupt handler
     * takes (a spin_unlock_irq inside a spin_lock_irqsave section) is reported here.
     */
    void markHeldLocks(int bits) {
        long frame = kernel.lockdepFrame();
        for (int i = 0; i < depth; i++) {
            if (held[i].frame == frame) {
                mark(held[i].lockClass, held[i].read ? bits << READ_SHIFT : bits, null, true);
            }
        }
    }

    /** {@code enabling}: the usage comes from enabling interrupts while the lock is held. */
    private void mark(String lockClass, int bits, String site, boolean enabling) {
        Usage u = usage.get(lockClass);
        if (u == null) {
            u = new Usage();
            usage.put(lockClass, u);
        }
        int fresh = bits & ~u.bits;
        if (fresh == 0) {
            return;
        }
        String here = site != null ? site : CallerSite.find();
        for (int bit = 0; bit < USAGE_NAMES.length; bit++) {
            if ((fresh & (1 << bit)) != 0) {
                String action = enabling
                        ? "enables " + irqOf(1 << bit).toLowerCase() + "s at " + here + " holding " + lockClass
                                + (bit >= READ_SHIFT ? " for read" : "")
                        : "takes " + lockClass + " at " + here;
                checkNewUsage(lockClass, u, 1 << bit, action);
            }
        }
        for (int bit = 0; bit < USAGE_NAMES.length; bit++) {
            if ((fresh & (1 << bit)) != 0) {
                u.sites[bit] = here;
            }
        }
        u.bits |= fresh;
    }

    /** The write state that may not meet {@code bit}'s write form in one class: IN-X against X-ON and back. */
    private static int exclusive(int bit) {
        return switch (write(bit)) {
            case USED_IN_HARDIRQ -> ENABLED_HARDIRQ;
            case ENABLED_HARDIRQ -> USED_IN_HARDIRQ;
            case USED_IN_SOFTIRQ -> ENABLED_SOFTIRQ;
            default -> USED_IN_SOFTIRQ;
        };
    }

    private static String usageName(int bit) {
        return USAGE_NAMES[Integer.numberOfTrailingZeros(bit)];
    }

    /** The write form of a state bit. */
    private static int write(int bit) {
        return bit > WRITE_STATES ? bit >>> READ_SHIFT : bit;
    }

    /** A state in both its forms. */
    private static int bothForms(int writeBit) {
        return writeBit | writeBit << READ_SHIFT;
    }

    /** Of the states {@code mask} names that {@code lockClass} has, the write one if it has it. */
    private int matched(String lockClass, int mask) {
        Usage u = usage.get(lockClass);
        int have = u == null ? 0 : u.bits & mask;
        return (have & WRITE_STATES) != 0 ? Integer.lowestOneBit(have & WRITE_STATES) : Integer.lowestOneBit(have);
    }

    /** lockdep's state_name: "HARDIRQ", "SOFTIRQ", or with "-READ" for a read state. */
    private static String stateName(int bit) {
        return irqOf(bit) + (bit > WRITE_STATES ? "-READ" : "");
    }

    /** "HARDIRQ" or "SOFTIRQ": the interrupt a usage bit is about. */
    private static String irqOf(int bit) {
        return (write(bit) & (USED_IN_HARDIRQ | ENABLED_HARDIRQ)) != 0 ? "HARDIRQ" : "SOFTIRQ";
    }

    /**
     * mark_lock_irq(): a new state meets the opposite write state, and a new write state the
     * opposite read state too, as an inconsistent lock state; then the classes it is ordered with.
     */
    private void checkNewUsage(String lockClass, Usage u, int bit, String action) {
        int excl = exclusive(bit);
        boolean read = bit > WRITE_STATES;
        int conflicting = read ? excl : bothForms(excl);
        String irq = irqOf(bit);
        boolean safe = write(bit) == USED_IN_HARDIRQ || write(bit) == USED_IN_SOFTIRQ;
        if ((u.bits & conflicting) != 0) {
            int other = matched(lockClass, conflicting);
            throw new KernelBug(KernelBug.LOCKDEP_INCONSISTENT, "inconsistent lock state: inconsistent {"
                    + usageName(other) + "} -> {" + usageName(bit) + "} usage: " + kernel.context()
                    + irqFlags() + " " + action + "; {" + usageName(other)
                    + "} state was registered at " + u.sites[Integer.numberOfTrailingZeros(other)]
                    + ". Possible unsafe locking scenario: lock(" + lockClass + "); <Interrupt> lock("
                    + lockClass + "); *** DEADLOCK ***");
        }
        // A new safe class must reach no unsafe one; a new unsafe class must be reached by no safe
        // one (check_usage_forwards and _backwards look for both forms of the opposite state).
        int opposite = bothForms(excl);
        List<String> chain = usagePath(lockClass, read, opposite, safe);
        if (chain == null) {
            return;
        }
        if (!safe) {
            Collections.reverse(chain);
        }
        String safeClass = chain.get(0);
        String unsafeClass = chain.get(chain.size() - 1);
        int safeBit = safe ? bit : matched(safeClass, opposite);
        int unsafeBit = safe ? matched(unsafeClass, opposite) : bit;
        // print_irq_inversion_bug names the state found at the far end, its read form as such.
        irq = stateName(safe ? unsafeBit : safeBit);
        throw new KernelBug(KernelBug.LOCKDEP_IRQ_INVERSION, "possible irq lock inversion dependency detected: "
                + kernel.context() + irqFlags() + " " + action + ", making " + lockClass + " "
                + irq + (safe ? "-safe" : "-unsafe") + "; " + safeClass + " is " + irq + "-safe ({"
                + usageName(safeBit) + "} " + (safe ? "now" : "at " + sitesOf(safeClass, safeBit)) + ") and "
                + unsafeClass + " " + irq + "-unsafe ({" + usageName(unsafeBit) + "} "
                + (safe ? "at " + sitesOf(unsafeClass, unsafeBit) : "now") + "), and the first is held while the"
                + " second is taken: " + describeChain(chain) + ". Possible interrupt unsafe locking scenario: lock("
                + unsafeClass + "); local_irq_disable(); lock(" + safeClass + "); lock(" + unsafeClass + ");"
                + " <Interrupt> lock(" + safeClass + "); *** DEADLOCK ***");
    }

    /**
     * check_irq_usage(): a new edge {@code held -> lockClass} may not put an irq-safe class (held,
     * or one held before it) before an irq-unsafe one (lockClass, or one taken after it).
     */
    private void checkIrqUsage(String lockClass, String site, Held h, boolean recursiveRead) {
        for (int safeBit : new int[] {USED_IN_HARDIRQ, USED_IN_SOFTIRQ}) {
            // bfs_init_rootb: a lock held for read meets only write states; bfs_init_root: so does
            // a recursive read being taken.
            List<String> back = usagePath(h.lockClass, h.read, bothForms(safeBit), false);
            if (back == null) {
                continue;
            }
            int unsafe = exclusive(safeBit);
            List<String> forward = usagePath(lockClass, recursiveRead, bothForms(unsafe), true);
            if (forward == null) {
                continue;
            }
            Collections.reverse(back);
            List<String> chain = new ArrayList<>(back);
            chain.addAll(forward);
            String safeClass = chain.get(0);
            String unsafeClass = chain.get(chain.size() - 1);
            int foundSafe = matched(safeClass, bothForms(safeBit));
            // print_bad_irq_dependency: state_name of the safe state found, "HARDIRQ-READ" for a read.
            String irq = stateName(foundSafe);
            int unsafeBit = matched(unsafeClass, bothForms(exclusive(safeBit)));
            String here = site != null ? site : CallerSite.find();
            throw new KernelBug(KernelBug.LOCKDEP_BAD_IRQ_DEPENDENCY, irq + "-safe -> " + irq
                    + "-unsafe lock order detected: " + kernel.context() + irqFlags() + " acquiring " + lockClass
                    + " at " + here + " while holding " + h.lockClass + " ("
                    + (h.site == null ? "acquired earlier" : "acquired at " + h.site) + ") would order "
                    + describeChain(chain) + "; " + safeClass + " is " + irq + "-safe ({" + usageName(foundSafe)
                    + "} at " + sitesOf(safeClass, foundSafe) + "), " + unsafeClass + " is " + irq + "-unsafe ({"
                    + usageName(unsafeBit) + "} at " + sitesOf(unsafeClass, unsafeBit) + ")");
        }
    }

    /**
     * The state lockdep prints with a task, [HC%u[%lu]:SC%u[%lu]:HE%u:SE%u]: in a hardirq (and
     * the hardirq count), serving a softirq (and the softirq count, local_bh_disable counting 2),
     * hardirqs enabled, the task's softirqs enabled.
     */
    private String irqFlags() {
        int hc = kernel.context() == ExecContext.HARDIRQ ? 1 : 0;
        boolean serving = kernel.servingSoftirq();
        int sc = (serving ? 1 : 0) + 2 * kernel.bhDisabledCount();
        boolean se = !serving && kernel.bhDisabledCount() == 0;
        return " [HC" + hc + "[" + hc + "]:SC" + (serving ? 1 : 0) + "[" + sc + "]:HE"
                + (kernel.irqsDisabled() ? 0 : 1) + ":SE" + (se ? 1 : 0) + "]";
    }

    private String sitesOf(String lockClass, int bit) {
        Usage u = usage.get(lockClass);
        String site = u == null ? null : u.sites[Integer.numberOfTrailingZeros(bit)];
        return site == null ? "this acquisition" : site;
    }

    /** "a -> b (first recorded at ...), b -> c (...)", or the class alone for a chain of one. */
    private String describeChain(List<String> chain) {
        if (chain.size() == 1) {
            return chain.get(0);
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i + 1 < chain.size(); i++) {
            String from = chain.get(i);
            String to = chain.get(i + 1);
            if (i > 0) {
                s.append(", ");
            }
            Map<String, Edge> out = edges.get(from);
            String site = out == null || out.get(to) == null ? null : out.get(to).site;
            s.append(from).append(" -> ").append(to);
            s.append(site == null ? " (this acquisition)" : " (first recorded at " + site + ")");
        }
        return s.toString();
    }

    /**
     * __bfs along strong dependency paths from {@code from} (itself included), {@code forward}
     * along the order edges or backward, to the nearest class with a usage {@code mask} names:
     * the chain from {@code from} to it, or null. {@code rootOnlyXr}: the search starts from a
     * read (bfs_init_root: a recursive read taken; bfs_init_rootb: a lock held shared), so the
     * root matches only write states and edges out of it held shared are not followed.
     */
    private List<String> usagePath(String from, boolean rootOnlyXr, int mask, boolean forward) {
        Map<String, String> parent = new HashMap<>();
        Map<String, Boolean> onlyXr = new HashMap<>();
        Deque<String> frontier = new ArrayDeque<>();
        frontier.add(from);
        parent.put(from, from);
        onlyXr.put(from, rootOnlyXr);
        while (!frontier.isEmpty()) {
            String node = frontier.poll();
            boolean xr = onlyXr.get(node);
            Usage u = usage.get(node);
            // usage_match: reached only through recursive reads, a class's read usage is masked out.
            if (u != null && (u.bits & (xr ? mask & WRITE_STATES : mask)) != 0) {
                return chainTo(node, from, parent);
            }
            if (forward) {
                Map<String, Edge> out = edges.get(node);
                if (out != null) {
                    for (Map.Entry<String, Edge> e : out.entrySet()) {
                        visit(node, e.getKey(), e.getValue().kinds, xr, parent, onlyXr, frontier);
                    }
                }
            } else {
                for (String prev : reverse.getOrDefault(node, Set.of())) {
                    visit(node, prev, backwardKinds(edges.get(prev).get(node).kinds), xr, parent, onlyXr, frontier);
                }
            }
        }
        return null;
    }

    // Kind bits as kind() lays them out, seen from the edge's first lock: shared, then recursive.
    private static final int SR = kind(true, true);
    private static final int SN = kind(true, false);
    private static final int ER = kind(false, true);
    private static final int EN = kind(false, false);

    /**
     * An edge seen from its second lock (__calc_dep_bitb): that lock "shared" when it was taken
     * as a recursive read, the first "recursive" when it was held shared.
     */
    private static int backwardKinds(int kinds) {
        int b = 0;
        if ((kinds & SR) != 0) {
            b |= SR;
        }
        if ((kinds & SN) != 0) {
            b |= ER;
        }
        if ((kinds & ER) != 0) {
            b |= SN;
        }
        if ((kinds & EN) != 0) {
            b |= EN;
        }
        return b;
    }

    /**
     * __bfs's step 2: after a class reached only through recursive reads, an edge out of it held
     * shared is no strong dependency; what is left decides whether {@code next} too is reached
     * only through recursive reads.
     */
    private static void visit(String node, String next, int kinds, boolean xr, Map<String, String> parent,
            Map<String, Boolean> onlyXr, Deque<String> frontier) {
        if (parent.containsKey(next)) {
            return;
        }
        int dep = xr ? kinds & ~(SR | SN) : kinds;
        if (dep == 0) {
            return;
        }
        parent.put(next, node);
        onlyXr.put(next, (dep & (SN | EN)) == 0);
        frontier.add(next);
    }

    /** The classes from {@code from} to {@code node}, in order, as a search's parent links give them. */
    private static List<String> chainTo(String node, String from, Map<String, String> parent) {
        List<String> chain = new ArrayList<>();
        for (String n = node; ; n = parent.get(n)) {
            chain.add(n);
            if (n.equals(from)) {
                break;
            }
        }
        Collections.reverse(chain);
        return chain;
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
                    List<String> chain = chainTo(node, from, parent);
                    chain.add(to);
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
