package org.ibmodel.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** timer_setup / mod_timer / del_timer_sync on a clock the test turns by hand. */
class TimerTest {
    /** A clock with one slot per timer: the time it is due, or -1. */
    private static final class ManualBase implements TimerBase {
        final List<Runnable> expiries = new ArrayList<>();
        final List<Long> due = new ArrayList<>();
        final List<String> timeouts = new ArrayList<>();
        long now;

        @Override
        public long nowNs() {
            return now;
        }

        @Override
        public Event timeout(String name, Runnable expiry) {
            timeouts.add(name);
            return event(name, expiry);
        }

        @Override
        public Event event(String name, Runnable expiry) {
            int slot = expiries.size();
            expiries.add(expiry);
            due.add(-1L);
            return new Event() {
                @Override
                public void arm(long delayNs) {
                    due.set(slot, now + delayNs);
                }

                @Override
                public boolean cancel() {
                    boolean was = due.get(slot) >= 0;
                    due.set(slot, -1L);
                    return was;
                }
            };
        }

        void advance(long to) {
            now = to;
            for (int i = 0; i < due.size(); i++) {
                if (due.get(i) >= 0 && due.get(i) <= now) {
                    due.set(i, -1L);
                    expiries.get(i).run();
                }
            }
        }
    }

    @Test
    void shouldRunInSoftirqWhenDueAndLetTheFunctionArmItAgain() {
        Kernel k = new Kernel("t");
        ManualBase base = new ManualBase();
        k.setTimerBase(base);
        List<String> seen = new ArrayList<>();
        Timer[] t = new Timer[1];
        t[0] = k.timerSetup("poll", () -> {
            seen.add(k.context() + "@" + base.now);
            if (seen.size() < 2) {
                t[0].mod(5);
            }
        });
        assertFalse(t[0].mod(5), "mod_timer of an idle timer returns 0");
        assertTrue(t[0].pending());
        base.advance(4);
        assertTrue(seen.isEmpty(), "not before it is due");
        base.advance(5);
        assertEquals(List.of("SOFTIRQ@5"), seen);
        assertTrue(t[0].pending(), "the function armed it again");
        base.advance(10);
        assertEquals(List.of("SOFTIRQ@5", "SOFTIRQ@10"), seen);
        assertFalse(t[0].pending());
        assertEquals(ExecContext.PROCESS, k.context());
    }

    @Test
    void shouldNotRunAfterDelOrWithoutAClock() {
        Kernel k = new Kernel("t");
        ManualBase base = new ManualBase();
        k.setTimerBase(base);
        List<String> seen = new ArrayList<>();
        Timer t = k.timerSetup("t", () -> seen.add("ran"));
        t.mod(5);
        assertTrue(t.mod(7), "mod_timer of a pending timer returns 1");
        assertTrue(t.del());
        assertFalse(t.del());
        base.advance(100);
        assertTrue(seen.isEmpty(), "a deleted timer does not run");

        Kernel alone = new Kernel("alone");
        Timer never = alone.timerSetup("never", () -> seen.add("never"));
        never.mod(1);
        assertTrue(never.pending(), "armed, on a kernel no clock turns");
        assertTrue(seen.isEmpty());
    }

    /**
     * del_timer_sync waits for a running callback: under a lock the callback takes it deadlocks,
     * which lockdep reports as a cycle through the timer's map whichever comes first (the
     * timer_delete_sync / call_timer_fn pair); from a hard interrupt it warns.
     */
    @Test
    void shouldReportDeletingSynchronouslyUnderALockTheCallbackTakes() {
        for (boolean ranFirst : new boolean[] {true, false}) {
            Kernel k = new Kernel("t");
            ManualBase base = new ManualBase();
            k.setTimerBase(base);
            SpinLock lock = new SpinLock(k, "qp->lock");
            Timer t = k.timerSetup("retrans", () -> lock.with(() -> { }));
            if (ranFirst) {
                t.mod(1);
                base.advance(1);
                KernelBug bug = assertThrows(KernelBug.class, () -> lock.withBh(t::del));
                assertEquals(KernelBug.LOCKDEP_CIRCULAR, bug.rule(), bug.getMessage());
            } else {
                // Deleted under the lock before it ever ran: the order del made is the one the
                // callback breaks when it first runs.
                assertFalse(lock.withBh(t::del));
                t.mod(1);
                KernelBug late = assertThrows(KernelBug.class, () -> base.advance(1));
                assertEquals(KernelBug.LOCKDEP_CIRCULAR, late.rule(), late.getMessage());
            }
        }
        Kernel k = new Kernel("t");
        Timer t = k.timerSetup("poll", () -> { });
        KernelBug irq = assertThrows(KernelBug.class, () -> k.runIn(ExecContext.HARDIRQ, t::del));
        assertEquals(KernelBug.WARN_ON, irq.rule());
        assertFalse(new Kernel("ok").timerSetup("t", () -> { }).del(), "outside them it is fine");
    }

    /** wait_event_timeout on a world that turns the clock one nanosecond per step it is asked for. */
    private static Kernel ticking(ManualBase base, Runnable eachStep) {
        Kernel k = new Kernel("t");
        k.setTimerBase(base);
        k.setElsewhere(() -> {
            base.advance(base.now + 1);
            eachStep.run();
            return true;
        });
        return k;
    }

    @Test
    void shouldWaitForTheConditionUntilTheTimeoutAndTakeItsTimerOff() {
        ManualBase base = new ManualBase();
        boolean[] ready = {false};
        Kernel k = ticking(base, () -> ready[0] = base.now == 3);
        assertTrue(k.waitEventTimeout(() -> ready[0], 10, "ready"));
        assertEquals(3, base.now, "woken when the condition held, not at the timeout");
        assertEquals(List.of("t timer ready"), base.timeouts, "a timeout the world runs up to");
        assertEquals(List.of(-1L), base.due, "the timeout was taken off");
    }

    @Test
    void shouldReturnFalseOnceTheTimeoutPasses() {
        ManualBase base = new ManualBase();
        Kernel k = ticking(base, () -> { });
        assertFalse(k.waitEventTimeout(() -> false, 10, "never"));
        assertEquals(10, base.now, "gave up exactly at the timeout");
        assertTrue(k.waitEventTimeout(() -> true, 0, "now"), "a condition that holds needs no wait");
        assertFalse(k.waitEventTimeout(() -> false, 0, "now"), "a zero timeout only checks");
        assertEquals(10, base.now);
    }

    /**
     * A wait whose timeout is the kernel's own way out (ib_drain_qp's for a Last WQE Reached that
     * never comes) times out on a kernel alone instead of being called a bug; with a clock it
     * waits the timeout out as any wait_event_timeout.
     */
    @Test
    void shouldLetAWaitThatMayExpireExpireOnAKernelAlone() {
        Kernel alone = new Kernel("alone");
        assertFalse(alone.waitEventTimeoutOrExpire(() -> false, 10, "last WQE"));
        int[] runs = {0};
        alone.raiseSoftirq("work", () -> runs[0]++);
        assertFalse(alone.waitEventTimeoutOrExpire(() -> false, 10, "last WQE"));
        assertEquals(1, runs[0], "what was pending ran first");
        boolean[] set = {false};
        alone.raiseSoftirq("set", () -> set[0] = true);
        assertTrue(alone.waitEventTimeoutOrExpire(() -> set[0], 10, "set"));
        ManualBase base = new ManualBase();
        Kernel k = ticking(base, () -> { });
        assertFalse(k.waitEventTimeoutOrExpire(() -> false, 10, "never"));
        assertEquals(10, base.now, "gave up exactly at the timeout");
    }

    @Test
    void shouldCallAWaitNothingCanEndABug() {
        Kernel alone = new Kernel("alone");
        KernelBug bug = assertThrows(KernelBug.class, () -> alone.waitEventTimeout(() -> false, 10, "go bit"));
        assertEquals(KernelBug.COMPLETION_DEADLOCK, bug.rule());
        assertTrue(bug.getMessage().contains("go bit"), bug.getMessage());
    }
}
