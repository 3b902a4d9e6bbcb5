package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Lockdep's irq-safety checks: usage states per class, and what the spinlock variants do. */
class LockdepIrqTest {

    private final Kernel kernel = new Kernel("host0");
    private final SpinLock table = new SpinLock(kernel, "qp_table->lock");
    private final SpinLock state = new SpinLock(kernel, "qp->state_lock");
    private final SpinLock cq = new SpinLock(kernel, "cq->lock");

    private void inHardirq(Runnable body) {
        kernel.runIn(ExecContext.HARDIRQ, body);
    }

    private void inSoftirq(Runnable body) {
        kernel.runIn(ExecContext.SOFTIRQ, body);
    }

    private static KernelBug expect(String rule, Runnable body) {
        KernelBug bug = assertThrows(KernelBug.class, body::run);
        assertEquals(rule, bug.rule(), bug.getMessage());
        return bug;
    }

    @Test
    void shouldReportALockAnInterruptTakesTakenWithInterruptsOn() {
        inHardirq(() -> table.with(() -> { }));

        KernelBug bug = expect(KernelBug.LOCKDEP_INCONSISTENT, () -> table.with(() -> { }));

        assertTrue(bug.getMessage().startsWith("BUG: lockdep_inconsistent: inconsistent lock state: inconsistent"
                + " {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage: PROCESS [HC0[0]:SC0[0]:HE1:SE1] takes qp_table->lock at"
                + " org.ibmodel.kernel.LockdepIrqTest."), bug.getMessage());
        assertTrue(bug.getMessage().contains("{IN-HARDIRQ-W} state was registered at org.ibmodel.kernel.LockdepIrqTest"
                + ".lambda$shouldReportALockAnInterruptTakesTakenWithInterruptsOn"), bug.getMessage());
        assertFalse(table.isHeld(), "a refused acquisition leaves the lock free");
        assertFalse(kernel.inAtomic());
    }

    @Test
    void shouldReportItTheOtherWayRoundToo() {
        table.with(() -> { });

        KernelBug bug = expect(KernelBug.LOCKDEP_INCONSISTENT, () -> inHardirq(() -> table.with(() -> { })));

        assertTrue(bug.getMessage().contains("inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage: HARDIRQ [HC1[1]:SC0[0]:HE0:SE1]"),
                bug.getMessage());
    }

    @Test
    void shouldAcceptTheLockTakenWithInterruptsOffInTaskContext() {
        // mlx4's qp_table->lock: spin_lock in the EQ handler, spin_lock_irq in mlx4_qp_alloc,
        // spin_lock_irqsave in mlx4_qp_remove.
        inHardirq(() -> table.with(() -> { }));

        assertDoesNotThrow(() -> table.withIrq(() -> { }));
        assertDoesNotThrow(() -> table.withIrqsave(() -> { }));
        assertFalse(kernel.irqsDisabled());
    }

    @Test
    void shouldWantSoftirqsOffForALockASoftirqTakes() {
        inSoftirq(() -> cq.with(() -> { }));

        assertDoesNotThrow(() -> cq.withBh(() -> { }));
        KernelBug bug = expect(KernelBug.LOCKDEP_INCONSISTENT, () -> cq.with(() -> { }));

        assertTrue(bug.getMessage().contains("inconsistent {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W} usage"), bug.getMessage());
    }

    @Test
    void shouldNotTakeSpinLockBhAsEnoughForALockAHardirqTakes() {
        inHardirq(() -> table.with(() -> { }));

        KernelBug bug = expect(KernelBug.LOCKDEP_INCONSISTENT, () -> table.withBh(() -> { }));

        assertTrue(bug.getMessage().contains("{IN-HARDIRQ-W} -> {HARDIRQ-ON-W}"), bug.getMessage());
        assertTrue(kernel.softirqsEnabled(), "spin_lock_bh's local_bh_disable is undone when the lock is refused");
    }

    @Test
    void shouldReportSpinUnlockIrqInsideAnIrqsaveSectionOfALockAnInterruptTakes() {
        inHardirq(() -> table.with(() -> { }));
        table.lockIrqsave();
        state.lockIrq();

        KernelBug bug = expect(KernelBug.LOCKDEP_INCONSISTENT, () -> state.unlockIrq());

        assertTrue(bug.getMessage().contains("PROCESS [HC0[0]:SC0[0]:HE0:SE1] enables hardirqs at org.ibmodel.kernel.LockdepIrqTest"),
                bug.getMessage());
        assertTrue(bug.getMessage().contains("holding qp_table->lock"), bug.getMessage());
    }

    @Test
    void shouldLetSpinUnlockIrqEnableInterruptsEvenWhenTheyWereOffBefore() {
        kernel.localIrqDisable();
        state.lockIrq();
        state.unlockIrq();

        assertFalse(kernel.irqsDisabled(), "spin_unlock_irq does not restore, it enables");

        kernel.localIrqDisable();
        state.withIrqsave(() -> { });
        assertTrue(kernel.irqsDisabled(), "spin_unlock_irqrestore gives back what spin_lock_irqsave found");
        kernel.localIrqEnable();
    }

    @Test
    void shouldReportAnInterruptSafeLockHeldWhileAnUnsafeOneIsTaken() {
        state.with(() -> { });
        inHardirq(() -> table.with(() -> { }));

        KernelBug bug = expect(KernelBug.LOCKDEP_BAD_IRQ_DEPENDENCY,
                () -> table.withIrqsave(() -> state.withIrqsave(() -> { })));

        assertTrue(bug.getMessage().startsWith("BUG: lockdep_bad_irq_dependency: HARDIRQ-safe -> HARDIRQ-unsafe lock"
                + " order detected: PROCESS [HC0[0]:SC0[0]:HE0:SE1] acquiring qp->state_lock"), bug.getMessage());
        assertTrue(bug.getMessage().contains("would order qp_table->lock -> qp->state_lock (this acquisition)"),
                bug.getMessage());
        assertFalse(kernel.lockdep().hasDependency("qp_table->lock", "qp->state_lock"));
        assertFalse(state.isHeld());
    }

    @Test
    void shouldReportAnInterruptSafeLockReachingAnUnsafeOneThroughAChain() {
        // table -> cq -> state, each taken with interrupts off: no usage is wrong yet.
        table.withIrqsave(() -> cq.withIrqsave(() -> { }));
        cq.withIrqsave(() -> state.withIrqsave(() -> { }));
        inHardirq(() -> table.with(() -> { }));

        KernelBug bug = expect(KernelBug.LOCKDEP_IRQ_INVERSION, () -> state.with(() -> { }));

        assertTrue(bug.getMessage().startsWith("BUG: lockdep_irq_inversion: possible irq lock inversion dependency"
                + " detected: PROCESS [HC0[0]:SC0[0]:HE1:SE1] takes qp->state_lock at"), bug.getMessage());
        assertTrue(bug.getMessage().contains("making qp->state_lock HARDIRQ-unsafe; qp_table->lock is HARDIRQ-safe"),
                bug.getMessage());
        assertTrue(bug.getMessage().contains("qp_table->lock -> cq->lock (first recorded at"), bug.getMessage());
        assertTrue(bug.getMessage().contains("cq->lock -> qp->state_lock (first recorded at"), bug.getMessage());
    }

    @Test
    void shouldReportALockBecomingInterruptSafeWhileOrderedBeforeAnUnsafeOne() {
        state.with(() -> { });
        // Ordered before an unsafe lock while nothing made it safe yet.
        cq.withIrqsave(() -> state.withIrqsave(() -> { }));

        KernelBug bug = expect(KernelBug.LOCKDEP_IRQ_INVERSION, () -> inSoftirq(() -> cq.withIrqsave(() -> { })));

        assertTrue(bug.getMessage().contains("SOFTIRQ [HC0[0]:SC1[1]:HE0:SE0] takes cq->lock"), bug.getMessage());
        assertTrue(bug.getMessage().contains("making cq->lock SOFTIRQ-safe; cq->lock is SOFTIRQ-safe ({IN-SOFTIRQ-W}"
                + " now) and qp->state_lock SOFTIRQ-unsafe ({SOFTIRQ-ON-W} at"), bug.getMessage());
    }

    @Test
    void shouldNotCountATrylockInAnInterruptAsInterruptSafeNorOrderIt() {
        inHardirq(() -> {
            assertTrue(table.trylock());
            table.unlock();
        });
        assertDoesNotThrow(() -> table.with(() -> { }), "a trylock never spins, so no interrupt deadlock");

        state.withIrqsave(() -> {
            assertTrue(cq.trylock());
            cq.unlock();
        });
        assertFalse(kernel.lockdep().hasDependency("qp->state_lock", "cq->lock"));
        assertDoesNotThrow(() -> cq.withIrqsave(() -> state.withIrqsave(() -> { })));
    }

    @Test
    void shouldFailATrylockOfAHeldLockWithoutAReport() {
        long flags = state.lockIrqsave();

        assertFalse(state.trylock());
        assertTrue(state.isHeld());
        state.unlockIrqrestore(flags);
        Mutex m = new Mutex(kernel, "dev->mutex");
        assertTrue(m.trylock());
        assertFalse(m.trylock());
        m.unlock();
        assertFalse(m.isHeld());
    }

    @Test
    void shouldOrderLocksTakenUnderATrylockAfterIt() {
        assertTrue(cq.trylock());
        state.with(() -> { });
        cq.unlock();

        assertTrue(kernel.lockdep().hasDependency("cq->lock", "qp->state_lock"));
    }

    @Test
    void shouldLetNoInterruptInWhereTheyAreDisabled() {
        kernel.localIrqDisable();
        KernelBug irq = expect(KernelBug.CONTEXT, () -> inHardirq(() -> { }));
        KernelBug soft = expect(KernelBug.CONTEXT, () -> inSoftirq(() -> { }));
        kernel.localIrqEnable();
        kernel.localBhDisable();
        KernelBug bh = expect(KernelBug.CONTEXT, () -> inSoftirq(() -> { }));
        assertDoesNotThrow(() -> inHardirq(() -> { }), "softirqs off leaves hard interrupts on");
        kernel.localBhEnable();

        assertTrue(irq.getMessage().contains("cannot enter HARDIRQ at"), irq.getMessage());
        assertTrue(irq.getMessage().endsWith("interrupts are disabled"), irq.getMessage());
        assertTrue(soft.getMessage().endsWith("interrupts are disabled"), soft.getMessage());
        assertTrue(bh.getMessage().endsWith("softirqs are disabled"), bh.getMessage());
    }

    @Test
    void shouldForbidSleepingWithInterruptsOrSoftirqsDisabled() {
        kernel.localIrqDisable();
        KernelBug irq = expect(KernelBug.MIGHT_SLEEP, kernel::mightSleep);
        kernel.localIrqEnable();
        kernel.localBhDisable();
        KernelBug bh = expect(KernelBug.MIGHT_SLEEP, kernel::mightSleep);
        kernel.localBhEnable();

        assertTrue(irq.getMessage().endsWith("in PROCESS with interrupts disabled"), irq.getMessage());
        assertTrue(bh.getMessage().endsWith("in PROCESS with softirqs disabled"), bh.getMessage());
        KernelBug both = expect(KernelBug.MIGHT_SLEEP, () -> cq.withIrqsave(kernel::mightSleep));
        assertTrue(both.getMessage().endsWith("in PROCESS with spinlocks held [cq->lock] and interrupts disabled"),
                "every reason named: " + both.getMessage());
        assertDoesNotThrow(kernel::mightSleep);
    }

    @Test
    void shouldWarnOnLocalBhEnableWhereTheKernelDoes() {
        kernel.localBhDisable();
        kernel.localIrqDisable();
        KernelBug off = expect(KernelBug.WARN_ON, kernel::localBhEnable);
        kernel.localIrqEnable();
        kernel.localBhEnable();
        KernelBug unbalanced = expect(KernelBug.WARN_ON, kernel::localBhEnable);
        KernelBug hard = expect(KernelBug.WARN_ON, () -> inHardirq(kernel::localBhEnable));

        assertTrue(off.getMessage().contains("local_bh_enable with interrupts disabled"), off.getMessage());
        assertTrue(unbalanced.getMessage().contains("without local_bh_disable"), unbalanced.getMessage());
        assertTrue(hard.getMessage().contains("local_bh_enable in hardirq context"), hard.getMessage());
    }

    @Test
    void shouldRunAKworkerAndASoftirqWithInterruptsOnWhateverTheyInterrupted() {
        boolean[] seen = new boolean[3];
        kernel.raiseSoftirq("net-rx", () -> seen[0] = !kernel.irqsDisabled() && !kernel.softirqsEnabled());
        kernel.systemWq().queueWork(new Work("w", () -> seen[1] = !kernel.irqsDisabled() && kernel.softirqsEnabled()));
        inHardirq(() -> seen[2] = kernel.irqsDisabled());

        kernel.runPending();

        assertTrue(seen[0], "a softirq: interrupts on, softirqs off");
        assertTrue(seen[1], "a kworker: both on");
        assertTrue(seen[2], "a hardirq handler: interrupts off");
        assertFalse(kernel.irqsDisabled());
    }

    @Test
    void shouldKeepWhatCodeRunInItsOwnContextDoesToInterrupts() {
        long[] flags = new long[1];
        kernel.runIn(ExecContext.PROCESS, () -> flags[0] = table.lockIrqsave());

        assertTrue(kernel.irqsDisabled(), "no interrupt came or went: the flag stays as the code left it");
        expect(KernelBug.CONTEXT, () -> inHardirq(() -> { }));
        table.unlockIrqrestore(flags[0]);
        assertFalse(kernel.irqsDisabled());
    }

    @Test
    void shouldReportASoftirqOrWorkReturningWithSoftirqsDisabled() {
        kernel.raiseSoftirq("leaks bh", kernel::localBhDisable);
        KernelBug softirq = expect(KernelBug.LEAKED_LOCK, kernel::runPending);
        assertTrue(softirq.getMessage().endsWith("softirq returned with softirqs disabled (local_bh_disable not"
                + " undone)"), softirq.getMessage());

        Kernel k2 = new Kernel("host1");
        SpinLock l = new SpinLock(k2, "priv->lock");
        k2.systemWq().queueWork(new Work("leaks", l::lockBh));
        KernelBug work = expect(KernelBug.LEAKED_LOCK, k2::runPending);
        assertTrue(work.getMessage().endsWith("workqueue events work returned with [priv->lock] held and softirqs"
                + " disabled (local_bh_disable not undone)"), work.getMessage());
        assertTrue(k2.softirqsEnabled(), "the task the work item ran under has its own state back");
    }

    @Test
    void shouldWarnOnSpinLockBhInAHardirqHandlerAtOnce() {
        KernelBug bug = expect(KernelBug.WARN_ON, () -> inHardirq(() -> cq.lockBh()));

        assertTrue(bug.getMessage().contains("local_bh_disable in hardirq context"), bug.getMessage());
        assertFalse(cq.isHeld());
    }

    @Test
    void shouldLetTwoInstancesOfOneClassNestOnlyAsASubclass() {
        SpinLock other = new SpinLock(kernel, "cq->lock");
        cq.lockIrq();
        other.lockNested(SpinLock.SINGLE_DEPTH_NESTING);

        assertEquals(java.util.List.of("cq->lock", "cq->lock/1"), kernel.lockdep().held());
        assertTrue(kernel.lockdep().hasDependency("cq->lock", "cq->lock/1"));
        other.unlock();
        cq.unlockIrq();
        assertTrue(kernel.lockdep().held().isEmpty());

        KernelBug plain = expect(KernelBug.LOCKDEP_RECURSIVE, () -> cq.withIrq(other::lock));
        assertTrue(plain.getMessage().contains("acquiring cq->lock"), plain.getMessage());
        KernelBug range = expect(KernelBug.WARN_ON, () -> other.lockNested(8));
        assertTrue(range.getMessage().contains("lockdep subclass 8 of cq->lock out of range"), range.getMessage());
        assertFalse(other.isHeld());
    }
}
