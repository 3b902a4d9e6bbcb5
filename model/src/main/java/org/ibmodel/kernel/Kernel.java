// kernel/softirq.c, kernel/workqueue.c, kernel/sched/core.c (__might_sleep)
package org.ibmodel.kernel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One simulated kernel instance, i.e. one host with a single CPU. It owns the execution context
 * stack, the spinlocks held on that CPU, the lockdep graph and all deferred work. Nothing runs
 * behind the caller's back: softirqs and work items only run inside {@link #runPending()}.
 */
public final class Kernel {

    /** The bit of saved flags that says interrupts were on (X86_EFLAGS_IF). */
    static final long IRQ_FLAGS_ENABLED = 1L << 9;

    /** After this many items in one {@link #runPending()} the work is considered to livelock. */
    static final int LIVELOCK_LIMIT = 1_000_000;

    /**
     * One level of the context stack. {@code lockdepFrame} groups the levels lockdep treats as one
     * chain of held locks: a context switch or a new work item starts a new chain, as lockdep
     * keeps hardirq, softirq and task chains apart (kernel/locking/lockdep.c).
     */
    private record Frame(ExecContext context, long lockdepFrame, Workqueue worker) {
    }

    private record Softirq(String name, Runnable work) {
    }

    private final String name;
    private final Deque<Frame> frames = new ArrayDeque<>();
    private long nextLockdepFrame = 1;
    private final List<String> heldSpinLocks = new ArrayList<>();
    /**
     * The CPU's interrupt flag is clear (local_irq_disable, spin_lock_irqsave); a hardirq handler
     * runs with it clear, a softirq or a kworker with it set, each restoring the interrupted code's.
     */
    private boolean hardirqsOff;
    /** local_bh_disable nesting (the softirq count of preempt_count outside softirq context). */
    private int bhDisabled;
    private final Lockdep lockdep = new Lockdep(this);
    private final Deque<Softirq> softirqs = new ArrayDeque<>();
    private final Deque<Work> works = new ArrayDeque<>();
    // kernel/workqueue.c names system_wq "events".
    private final Workqueue systemWq = new Workqueue(this, "events", 0);
    /** What the rest of the world does while a task here sleeps; nothing, on a kernel alone. */
    private BooleanSupplier elsewhere = () -> false;
    private Runnable onQueued = () -> { };
    /** What makes timers expire; null on a kernel alone, whose timers never do. */
    private TimerBase timerBase;
    /** The log buffer: the newest {@link #LOG_LINES} lines printk wrote. */
    private final Deque<String> log = new ArrayDeque<>();
    public static final int LOG_LINES = 256;
    /** Who reads the log as it is written (a console); none by default. */
    private Consumer<String> console = line -> { };

    public Kernel(String name) {
        this.name = Objects.requireNonNull(name, "name");
        frames.push(new Frame(ExecContext.PROCESS, 0, null));
    }

    public String name() {
        return name;
    }

    /** The context the code calling this runs in; {@link ExecContext#PROCESS} at start. */
    public ExecContext context() {
        return frames.peek().context();
    }

    /** Runs {@code body} in {@code ctx}, nested inside the current context. */
    public void runIn(ExecContext ctx, Runnable body) {
        Objects.requireNonNull(body, "body");
        callIn(ctx, () -> {
            body.run();
            return null;
        });
    }

    public <T> T callIn(ExecContext ctx, Supplier<T> body) {
        Objects.requireNonNull(ctx, "ctx");
        Objects.requireNonNull(body, "body");
        checkEnter(ctx);
        return inFrame(ctx, ctx != context(), body);
    }

    /** might_sleep(): the caller is about to block. */
    public void mightSleep() {
        if (!inAtomic()) {
            return;
        }
        throw new KernelBug(KernelBug.MIGHT_SLEEP, "sleeping function called from invalid context at "
                + CallerSite.find() + ", " + describeAtomic());
    }

    /** WARN_ON(condition); the model stops instead of continuing. */
    public void warnOn(boolean condition, String message) {
        if (condition) {
            throw new KernelBug(KernelBug.WARN_ON, message + " at " + CallerSite.find());
        }
    }

    /** printk: a line for the kernel log (dev_warn, mlx4_warn); the oldest goes when the buffer is full. */
    public void printk(String line) {
        if (log.size() == LOG_LINES) {
            log.removeFirst();
        }
        log.addLast(line);
        console.accept(line);
    }

    /** Hands each line printk writes from now on to {@code console} too, as it is written. */
    public void console(Consumer<String> console) {
        this.console = Objects.requireNonNull(console, "console");
    }

    /** dmesg: what printk wrote, oldest first. */
    public List<String> dmesg() {
        return List.copyOf(log);
    }

    /**
     * in_atomic() or irqs_disabled(), as __might_sleep reads them: an interrupt context, a spinlock
     * held on this CPU, softirqs or interrupts disabled.
     */
    public boolean inAtomic() {
        return context().atomic() || !heldSpinLocks.isEmpty() || hardirqsOff || bhDisabled > 0;
    }

    /** irqs_disabled(): true in a hardirq handler and wherever local_irq_disable is in force. */
    public boolean irqsDisabled() {
        return hardirqsOff || context() == ExecContext.HARDIRQ;
    }

    /**
     * Whether softirqs may run here (lockdep's softirqs_enabled): in task context with no
     * local_bh_disable in force. A softirq handler runs with them disabled.
     */
    public boolean softirqsEnabled() {
        return context() == ExecContext.PROCESS && bhDisabled == 0;
    }

    /** local_irq_disable(). */
    public void localIrqDisable() {
        hardirqsOff = true;
    }

    /**
     * local_irq_enable(): unconditional, so inside a spin_lock_irqsave section it enables
     * interrupts the outer holder counted on being off. In a hardirq handler it is a bug
     * (lockdep_hardirqs_on warns there).
     */
    public void localIrqEnable() {
        warnOn(context() == ExecContext.HARDIRQ, "local_irq_enable in hardirq context");
        if (hardirqsOff) {
            // lockdep_hardirqs_on_prepare, before the flag flips: the locks held are about to be
            // held with interrupts on.
            lockdep.markHeldLocks(softirqsEnabled() ? Lockdep.ENABLED_HARDIRQ | Lockdep.ENABLED_SOFTIRQ
                    : Lockdep.ENABLED_HARDIRQ);
            hardirqsOff = false;
        }
    }

    /** local_irq_save(): disables interrupts and returns the flags that restore them. */
    public long localIrqSave() {
        long flags = irqsDisabled() ? 0 : IRQ_FLAGS_ENABLED;
        hardirqsOff = true;
        return flags;
    }

    /** local_irq_restore(flags): interrupts as they were when {@code flags} were saved. */
    public void localIrqRestore(long flags) {
        if ((flags & IRQ_FLAGS_ENABLED) != 0) {
            localIrqEnable();
        } else {
            hardirqsOff = true;
        }
    }

    /** local_bh_disable(): __local_bh_disable_ip warns in a hardirq handler. */
    public void localBhDisable() {
        warnOn(context() == ExecContext.HARDIRQ, "local_bh_disable in hardirq context");
        bhDisabled++;
    }

    /**
     * local_bh_enable(): kernel/softirq.c __local_bh_enable_ip warns when called in a hardirq
     * handler or with interrupts disabled, and on a count that is not raised. Softirqs raised
     * meanwhile run at the next {@link #runPending()}, not here.
     */
    public void localBhEnable() {
        warnOn(context() == ExecContext.HARDIRQ || hardirqsOff, "local_bh_enable "
                + (context() == ExecContext.HARDIRQ ? "in hardirq context" : "with interrupts disabled"));
        warnOn(bhDisabled == 0, "local_bh_enable without local_bh_disable");
        if (bhDisabled == 1 && context() == ExecContext.PROCESS) {
            // lockdep_softirqs_on, while the count is still raised: interrupts are on (checked
            // above), so the locks held are about to be held with softirqs on.
            lockdep.markHeldLocks(Lockdep.ENABLED_SOFTIRQ);
        }
        bhDisabled--;
    }

    /** Whether a softirq is being served on this CPU, whatever interrupted it (softirq_context). */
    boolean servingSoftirq() {
        for (Frame f : frames) {
            if (f.context() == ExecContext.SOFTIRQ) {
                return true;
            }
        }
        return false;
    }

    /** local_bh_disable nesting on this CPU. */
    int bhDisabledCount() {
        return bhDisabled;
    }

    public Lockdep lockdep() {
        return lockdep;
    }

    /** Sets the clock behind this kernel's timers (a simulated world's scheduler). */
    public void setTimerBase(TimerBase base) {
        timerBase = Objects.requireNonNull(base, "base");
    }

    TimerBase timerBase() {
        return timerBase;
    }

    /** CONFIG_HZ: Debian's x86 kernels tick 250 times a second. */
    public static final int HZ = 250;
    private static final long NS_PER_JIFFY = 1_000_000_000L / HZ;

    /**
     * msecs_to_jiffies, rounded up. A kernel timer of N jiffies fires at the Nth tick, after N-1 to
     * N jiffies; the model's timers wait N whole jiffies.
     */
    public static long msecsToJiffies(long ms) {
        return (ms * HZ + 999) / 1000;
    }

    /** A number of jiffies as nanoseconds of virtual time. */
    public static long jiffiesToNs(long jiffies) {
        return jiffies * NS_PER_JIFFY;
    }

    /** jiffies, in nanoseconds of virtual time: 0 on a kernel with no world around it. */
    public long nowNs() {
        return timerBase != null ? timerBase.nowNs() : 0;
    }

    /** timer_setup(): a timer that runs {@code fn} in SOFTIRQ context when it expires. */
    public Timer timerSetup(String name, Runnable fn) {
        return new Timer(this, name, fn);
    }

    /** tasklet_setup(): a tasklet that runs {@code fn} in SOFTIRQ context once scheduled. */
    public Tasklet taskletSetup(String name, Runnable fn) {
        return new Tasklet(this, name, fn);
    }

    /** raise_softirq() / tasklet_schedule(): allowed in any context, runs later in SOFTIRQ. */
    public void raiseSoftirq(String name, Runnable work) {
        softirqs.add(new Softirq(Objects.requireNonNull(name, "name"), Objects.requireNonNull(work, "work")));
        onQueued.run();
    }

    /** alloc_workqueue(): its items run in PROCESS context, in one FIFO shared by all queues. */
    public Workqueue allocWorkqueue(String name) {
        return allocWorkqueue(name, 0);
    }

    /**
     * alloc_ordered_workqueue(): unbound, one item at a time. Every queue of the model runs its
     * items in order on the one CPU; what ordered changes is its kworker and flush_work's lockdep.
     */
    public Workqueue allocOrderedWorkqueue(String name) {
        return new Workqueue(this, name, Workqueue.WQ_UNBOUND | Workqueue.WQ_ORDERED);
    }

    /**
     * alloc_workqueue() with {@code flags} ({@link Workqueue#WQ_UNBOUND}, {@link Workqueue#WQ_HIGHPRI},
     * {@link Workqueue#WQ_MEM_RECLAIM}).
     */
    public Workqueue allocWorkqueue(String name, int flags) {
        return new Workqueue(this, name, flags);
    }

    /** The queue whose work item the code calling this runs in, on its kworker; null in a task's own code. */
    public Workqueue worker() {
        for (Frame f : frames) {
            if (f.worker() != null) {
                return f.worker();
            }
        }
        return null;
    }

    /**
     * flush_work(): sleeps until {@code w}, if queued or running, has run, and returns whether
     * there was anything to wait for. When there is, lockdep takes the item's map as
     * process_one_work does around it (start_flush_work's touch_work_lockdep_map), and the
     * queue's map too on a queue that can run one item at a time (WQ_MEM_RECLAIM gives it a
     * rescuer): flushing under a lock the item takes is a lock-order cycle, and flushing an item
     * from itself, or from another item of such a queue, recursive. A running instance is one
     * this task's own sleep let run, which returns before it does, as for
     * {@link Workqueue#cancelWorkSync}.
     */
    public boolean flushWork(Work w) {
        mightSleep();
        if (!w.pending() && !w.running()) {
            return false;
        }
        String site = "flush_work(" + w.name() + ")";
        lockdep.acquire(w.lockdepMap(), site);
        lockdep.release(w.lockdepMap());
        Workqueue on = w.pending() ? w.owner() : w.lastQueue();
        if (on != null && on.flushTakesQueueMap()) {
            lockdep.acquire(on.lockdepMap(), site);
            lockdep.release(on.lockdepMap());
        }
        if (!w.pending()) {
            return true;
        }
        while (w.pending()) {
            if (!schedule()) {
                throw new KernelBug(KernelBug.COMPLETION_DEADLOCK, "flush_work(" + w.name() + ") at "
                        + CallerSite.find() + " can never finish");
            }
        }
        return true;
    }

    /** system_wq, used by schedule_work(). */
    public Workqueue systemWq() {
        return systemWq;
    }

    /**
     * Lets deferred work run: every queued softirq, then one work item, again and again until
     * nothing is queued, including what that work queues itself. Softirqs go first because the
     * kernel runs them on interrupt exit, before any kworker is scheduled.
     *
     * @return whether anything ran
     */
    public boolean runPending() {
        if (context() != ExecContext.PROCESS) {
            throw new KernelBug(KernelBug.CONTEXT, "runPending called in " + context()
                    + " at " + CallerSite.find() + "; deferred work runs only from PROCESS");
        }
        if (!heldSpinLocks.isEmpty() || hardirqsOff || bhDisabled > 0) {
            throw new KernelBug(KernelBug.MIGHT_SLEEP, "runPending called at " + CallerSite.find()
                    + " " + describeAtomic());
        }
        int ran = 0;
        while (true) {
            while (!softirqs.isEmpty()) {
                checkLivelock(ran++);
                Softirq s = softirqs.poll();
                inFrame(ExecContext.SOFTIRQ, true, () -> {
                    s.work().run();
                    return null;
                });
            }
            // A work item never runs inside itself: queued again while it runs (and sleeps), it
            // waits for that run to end, as process_one_work hands it to the worker already
            // running it (find_worker_executing_work; workqueue.c's non-reentrancy).
            Work w = nextRunnable();
            if (w == null) {
                return ran > 0;
            }
            checkLivelock(ran++);
            works.remove(w);
            // Only Workqueue.queueWork puts an item here, so it has its queue.
            Workqueue on = w.owner();
            // The pending bit clears before the function runs, so it may requeue itself.
            w.markIdle();
            // A kworker is another task: its locks start a chain of their own.
            inFrame(ExecContext.PROCESS, true, on, () -> {
                // process_one_work holds the queue's lockdep map around the function: shared by
                // its items (kworkers of one queue run side by side), exclusive to a flush.
                // The item's own map likewise, against cancel_work_sync.
                lockdep.acquireRead(on.lockdepMap(), w.runSite());
                lockdep.acquireRead(w.lockdepMap(), w.runSite());
                try {
                    w.run(on);
                } finally {
                    lockdep.release(w.lockdepMap());
                    lockdep.release(on.lockdepMap());
                }
                return null;
            });
        }
    }

    /** The first queued work item not running already, or null. */
    private Work nextRunnable() {
        for (Work queued : works) {
            if (!queued.running()) {
                return queued;
            }
        }
        return null;
    }

    /**
     * Sets what happens elsewhere while a task of this kernel sleeps with nothing left to run
     * here: a simulated world advances its scheduler by one event (a device finishes a command,
     * a packet arrives, an interrupt fires). The hook returns false when nothing at all can run.
     */
    public void setElsewhere(BooleanSupplier hook) {
        elsewhere = Objects.requireNonNull(hook, "hook");
    }

    /**
     * Tells whoever runs this kernel among many (a simulated world) that deferred work was
     * queued, so that it need not ask every kernel after every event.
     */
    public void setOnQueued(Runnable hook) {
        onQueued = Objects.requireNonNull(hook, "hook");
    }

    /**
     * schedule(): the calling task gives up the CPU. Deferred work runs first; if there is none,
     * the rest of the world takes a step.
     *
     * @return whether anything ran, here or elsewhere
     */
    public boolean schedule() {
        mightSleep();
        return runPending() || elsewhere.getAsBoolean();
    }

    /**
     * wait_event_timeout(): the calling task sleeps until {@code condition} holds or
     * {@code timeoutNs} of virtual time have passed, and returns whether it holds. The timeout
     * is a timer the task waits for, so a world runs up to it even when nothing but timers is
     * left; on a kernel without a timer base it never expires, and a wait nothing can end is a
     * bug, as in {@link Completion#waitForCompletion}.
     */
    public boolean waitEventTimeout(BooleanSupplier condition, long timeoutNs, String what) {
        mightSleep();
        if (condition.getAsBoolean()) {
            return true;
        }
        if (timeoutNs <= 0) {
            return false;
        }
        boolean[] expired = {false};
        Timer timeout = new Timer(this, what, () -> expired[0] = true, true);
        timeout.mod(timeoutNs);
        try {
            while (!condition.getAsBoolean() && !expired[0]) {
                if (!schedule()) {
                    throw new KernelBug(KernelBug.COMPLETION_DEADLOCK, "wait_event_timeout at " + CallerSite.find()
                            + " on " + name + " (" + what + ") can never finish: nothing pending here or"
                            + " elsewhere can end it");
                }
            }
        } finally {
            timeout.del();
        }
        return condition.getAsBoolean();
    }

    /**
     * wait_event_timeout() for a wait whose timeout is the kernel's own way out (ib_drain_qp's
     * wait for an event a device may never send), not a device's answer: on a kernel without a
     * timer base, when nothing here or elsewhere can end it, the task sleeps the timeout out and
     * it returns false, where {@link #waitEventTimeout} calls the wait a bug.
     */
    public boolean waitEventTimeoutOrExpire(BooleanSupplier condition, long timeoutNs, String what) {
        if (timerBase != null) {
            return waitEventTimeout(condition, timeoutNs, what);
        }
        mightSleep();
        while (!condition.getAsBoolean()) {
            if (timeoutNs <= 0 || !schedule()) {
                return false;
            }
        }
        return true;
    }

    /** Softirqs plus work items queued on all workqueues. */
    public int pendingCount() {
        return softirqs.size() + works.size();
    }

    @Override
    public String toString() {
        return "Kernel[" + name + "]";
    }

    // --- package-private hooks for the lock and workqueue primitives ---

    long lockdepFrame() {
        return frames.peek().lockdepFrame();
    }

    void spinLocked(String lockClass) {
        heldSpinLocks.add(lockClass);
    }

    void spinUnlocked(String lockClass) {
        heldSpinLocks.remove(heldSpinLocks.lastIndexOf(lockClass));
    }

    void enqueueWork(Work w) {
        works.add(w);
        onQueued.run();
    }

    void dequeueWork(Work w) {
        works.removeIf(queued -> queued == w);
    }

    int pendingOn(Workqueue wq) {
        int n = 0;
        for (Work w : works) {
            if (w.owner() == wq) {
                n++;
            }
        }
        return n;
    }

    // --- internals ---

    private void checkEnter(ExecContext ctx) {
        ExecContext current = context();
        if (!current.mayEnter(ctx)) {
            throw new KernelBug(KernelBug.CONTEXT, "cannot enter " + ctx + " from " + current
                    + " at " + CallerSite.find());
        }
        if (ctx == ExecContext.PROCESS && !heldSpinLocks.isEmpty()) {
            throw new KernelBug(KernelBug.CONTEXT, "cannot enter PROCESS at " + CallerSite.find()
                    + " with spinlocks held " + heldSpinLocks);
        }
        // An interrupt is taken only with the interrupt flag set, a softirq only where softirqs
        // may run: code that disabled them cannot be interrupted by them.
        if (ctx != current && ctx == ExecContext.HARDIRQ && hardirqsOff) {
            throw new KernelBug(KernelBug.CONTEXT, "cannot enter HARDIRQ at " + CallerSite.find()
                    + ": interrupts are disabled"
                    + (heldSpinLocks.isEmpty() ? "" : ", spinlocks held " + heldSpinLocks));
        }
        if (ctx != current && ctx == ExecContext.SOFTIRQ && (hardirqsOff || bhDisabled > 0)) {
            throw new KernelBug(KernelBug.CONTEXT, "cannot enter SOFTIRQ at " + CallerSite.find()
                    + ": " + (hardirqsOff ? "interrupts" : "softirqs") + " are disabled");
        }
    }

    private <T> T inFrame(ExecContext ctx, boolean newLockdepFrame, Supplier<T> body) {
        return inFrame(ctx, newLockdepFrame, null, body);
    }

    private <T> T inFrame(ExecContext ctx, boolean newLockdepFrame, Workqueue worker, Supplier<T> body) {
        long lockdepFrame = newLockdepFrame ? nextLockdepFrame++ : lockdepFrame();
        // Code run in the context it is already in keeps the interrupt state it finds and
        // leaves; only an interrupt or a kworker brings its own.
        boolean savedIrqsOff = hardirqsOff;
        int savedBh = bhDisabled;
        if (newLockdepFrame) {
            // A hardirq handler runs with interrupts off; a softirq with them on (and softirqs
            // off by being one); a kworker as a task of its own, with both on.
            hardirqsOff = ctx == ExecContext.HARDIRQ;
            if (worker != null) {
                bhDisabled = 0;
            }
        }
        frames.push(new Frame(ctx, lockdepFrame, worker));
        T result;
        int bhLeft;
        try {
            result = body.get();
        } finally {
            frames.pop();
            bhLeft = bhDisabled;
            if (newLockdepFrame) {
                hardirqsOff = savedIrqsOff;
                bhDisabled = savedBh;
            }
        }
        // process_one_work and handle_softirqs check that what they ran let go of its locks and
        // of its local_bh_disable (in_atomic counts it).
        if (newLockdepFrame && (worker != null || ctx == ExecContext.SOFTIRQ)) {
            List<String> leaked = lockdep.heldIn(lockdepFrame);
            int entryBh = worker != null ? 0 : savedBh;
            if (!leaked.isEmpty() || bhLeft != entryBh) {
                throw new KernelBug(KernelBug.LEAKED_LOCK, (worker != null ? "workqueue " + worker.name() + " work"
                        : "softirq") + " returned with " + (leaked.isEmpty() ? "" : leaked + " held")
                        + (!leaked.isEmpty() && bhLeft != entryBh ? " and " : "")
                        + (bhLeft != entryBh ? "softirqs disabled (local_bh_disable not undone)" : ""));
            }
        }
        return result;
    }

    private void checkLivelock(int ran) {
        if (ran >= LIVELOCK_LIMIT) {
            throw new KernelBug(KernelBug.WARN_ON, "runPending: work keeps requeueing itself ("
                    + ran + " items run, " + pendingCount() + " still queued)");
        }
    }

    /** Every reason it is atomic here, as __might_resched prints in_atomic and irqs_disabled both. */
    private String describeAtomic() {
        List<String> why = new ArrayList<>();
        if (!heldSpinLocks.isEmpty()) {
            why.add("spinlocks held " + heldSpinLocks);
        }
        if (hardirqsOff && context() != ExecContext.HARDIRQ) {
            why.add("interrupts disabled");
        }
        if (bhDisabled > 0 && context() == ExecContext.PROCESS) {
            why.add("softirqs disabled");
        }
        return "in " + context() + (why.isEmpty() ? "" : " with " + String.join(" and ", why));
    }
}
