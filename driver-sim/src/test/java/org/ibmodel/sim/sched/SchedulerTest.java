package org.ibmodel.sim.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SchedulerTest {

    private final Scheduler scheduler = new Scheduler(42);
    private final List<String> ran = new ArrayList<>();

    private Runnable log(String name) {
        return () -> ran.add(name + "@" + scheduler.now());
    }

    @Test
    void shouldRunEventsInTimeOrder() {
        scheduler.schedule(30, "c", log("c"));
        scheduler.schedule(10, "a", log("a"));
        scheduler.schedule(20, "b", log("b"));

        assertEquals(3, scheduler.runUntilIdle(100));

        assertEquals(List.of("a@10", "b@20", "c@30"), ran);
        assertEquals(30, scheduler.now());
    }

    @Test
    void shouldBreakTiesByInsertionOrder() {
        for (int i = 0; i < 50; i++) {
            scheduler.schedule(7, "e" + i, log("e" + i));
        }
        scheduler.runUntilIdle(100);

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add("e" + i + "@7");
        }
        assertEquals(expected, ran);
    }

    @Test
    void shouldRunZeroDelayEventAfterEventsAlreadyDue() {
        scheduler.schedule(5, "first", () -> {
            ran.add("first");
            scheduler.schedule(0, "spawned", log("spawned"));
        });
        scheduler.schedule(5, "second", log("second"));

        scheduler.runUntilIdle(10);

        assertEquals(List.of("first", "second@5", "spawned@5"), ran);
    }

    @Test
    void shouldProduceIdenticalTraceForSameSeed() {
        List<String> first = randomWorkloadTrace(0xC0FFEE);
        List<String> second = randomWorkloadTrace(0xC0FFEE);

        assertTrue(first.size() > 100, "workload too small: " + first.size());
        assertEquals(first, second);
        assertNotEquals(first, randomWorkloadTrace(0xC0FFEF));
    }

    // Events that spawn events at random delays, so the seed decides the whole interleaving.
    private static List<String> randomWorkloadTrace(long seed) {
        Scheduler s = new Scheduler(seed);
        List<String> trace = new ArrayList<>();
        s.listener((t, seq, label) -> trace.add(t + " #" + seq + " " + label));
        SplittableRandom a = s.fork("a");
        SplittableRandom b = s.fork("b");
        for (int i = 0; i < 8; i++) {
            spawn(s, i % 2 == 0 ? a : b, "root" + i, 6);
        }
        s.runUntilIdle(100_000);
        return trace;
    }

    private static void spawn(Scheduler s, SplittableRandom rnd, String name, int depth) {
        s.schedule(rnd.nextLong(0, 50), name, () -> {
            if (depth > 0) {
                int children = rnd.nextInt(3);
                for (int c = 0; c < children; c++) {
                    spawn(s, rnd, name + "." + c, depth - 1);
                }
                if (s.random().nextBoolean()) {
                    spawn(s, rnd, name + ".x", depth - 1);
                }
            }
        });
    }

    @Test
    void shouldDrawDifferentNumbersForDifferentSeeds() {
        Scheduler one = new Scheduler(1);
        Scheduler two = new Scheduler(2);

        assertNotEquals(draws(one.random()), draws(two.random()));
        assertNotEquals(draws(one.fork("link")), draws(two.fork("link")));
        assertEquals(draws(new Scheduler(1).random()), draws(new Scheduler(1).random()));
    }

    @Test
    void shouldKeepForkedStreamIndependentOfOtherForks() {
        Scheduler alone = new Scheduler(9);
        List<Long> expected = draws(alone.fork("hca0"));

        Scheduler crowded = new Scheduler(9);
        draws(crowded.fork("sm"));
        draws(crowded.random());
        List<Long> actual = draws(crowded.fork("hca0"));

        assertEquals(expected, actual);
        assertNotEquals(expected, draws(crowded.fork("hca1")));
        assertNotEquals(expected, draws(new Scheduler(9).random()));
    }

    @Test
    void shouldRejectSecondForkOfOneName() {
        scheduler.fork("link");

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> scheduler.fork("link"));
        assertTrue(e.getMessage().contains("seed=0x2a"), e.getMessage());
    }

    private static List<Long> draws(SplittableRandom r) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            out.add(r.nextLong());
        }
        return out;
    }

    @Test
    void shouldLeaveBackgroundEventsToTimeAndNotWaitForThem() {
        // A periodic timer that arms itself again for ever, and one foreground event.
        Scheduler.Handle[] tick = new Scheduler.Handle[1];
        tick[0] = scheduler.backgroundEvent("tick", () -> {
            ran.add("tick@" + scheduler.now());
            tick[0].arm(100);
        });
        tick[0].arm(100);
        scheduler.schedule(150, "fg", log("fg"));
        assertEquals(2, scheduler.pending());
        assertEquals(1, scheduler.pendingForeground());
        assertEquals(2, scheduler.runUntilIdle(10), "the tick at 100 comes first, then fg; then only the tick is left");
        assertEquals(List.of("tick@100", "fg@150"), ran);
        assertEquals(0, scheduler.pendingForeground());
        assertEquals(1, scheduler.pending());
        assertEquals(0, scheduler.runUntilIdle(10), "idle with a background event queued");
        assertEquals(3, scheduler.runUntil(450), "time passing runs it");
        assertEquals(List.of("tick@100", "fg@150", "tick@200", "tick@300", "tick@400"), ran);
        assertTrue(tick[0].cancel());
        assertEquals(0, scheduler.pending());
        tick[0].arm(10);
        scheduler.schedule(20, "fg2", log("fg2"));
        tick[0].arm(30);
        assertEquals(1, scheduler.pendingForeground(), "re-arming a queued background event counts it once");
        assertEquals(1, scheduler.runUntilIdle(10));
        assertEquals(1, scheduler.pending());
    }

    @Test
    void shouldNotRunCancelledEvent() {
        Scheduler.Handle a = scheduler.schedule(10, "a", log("a"));
        Scheduler.Handle b = scheduler.schedule(20, "b", log("b"));
        assertEquals(2, scheduler.pending());

        assertTrue(b.cancel());
        assertFalse(b.cancel());
        assertFalse(b.isPending());
        assertEquals(1, scheduler.pending());

        assertEquals(1, scheduler.runUntilIdle(10));
        assertEquals(List.of("a@10"), ran);
        assertFalse(a.cancel(), "an event that ran cannot be cancelled");
        assertEquals(0, scheduler.pending());
        assertEquals(-1, scheduler.nextEventTime());
    }

    @Test
    void shouldKeepOrderWhenManyCancelledEventsAreSweptOut() {
        SplittableRandom rnd = new SplittableRandom(5);
        List<Scheduler.Handle> handles = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            int id = i;
            handles.add(scheduler.schedule(rnd.nextLong(0, 100), "e", () -> ran.add(
                    scheduler.now() + ":" + id)));
        }
        List<String> expected = new ArrayList<>();
        List<long[]> kept = new ArrayList<>();
        for (int i = 0; i < handles.size(); i++) {
            if (i % 5 == 0) {
                kept.add(new long[] {handles.get(i).timeNs(), i});
            } else {
                assertTrue(handles.get(i).cancel());
            }
        }
        kept.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        for (long[] k : kept) {
            expected.add(k[0] + ":" + k[1]);
        }
        assertEquals(1000, scheduler.pending());

        assertEquals(1000, scheduler.runUntilIdle(1000));
        assertEquals(expected, ran);
    }

    @Test
    void shouldLetAnEventCancelALaterOne() {
        Scheduler.Handle timeout = scheduler.schedule(100, "timeout", log("timeout"));
        scheduler.schedule(50, "ack", () -> {
            ran.add("ack");
            timeout.cancel();
        });

        scheduler.runUntilIdle(10);

        assertEquals(List.of("ack"), ran);
        assertEquals(50, scheduler.now());
    }

    @Test
    void shouldThrowWithSeedWhenRunUntilIdleHitsLimit() {
        Scheduler s = new Scheduler(0xBAD5EEDL);
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> s.schedule(1, "tick", tick[0]);
        s.schedule(0, "tick", tick[0]);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> s.runUntilIdle(1000));

        assertTrue(e.getMessage().contains("seed=0xbad5eed"), e.getMessage());
        assertTrue(e.getMessage().contains("livelock"), e.getMessage());
        assertTrue(e.getMessage().contains("'tick'"), e.getMessage());
        assertEquals(1000, s.eventsRun());
    }

    @Test
    void shouldReturnCountWhenIdleExactlyAtLimit() {
        for (int i = 0; i < 5; i++) {
            scheduler.schedule(i, "e", () -> { });
        }
        assertEquals(5, scheduler.runUntilIdle(5));
        assertEquals(0, scheduler.runUntilIdle(0));
    }

    @Test
    void shouldRunOnlyDueEventsAndAdvanceClockInRunUntil() {
        scheduler.schedule(10, "a", log("a"));
        scheduler.schedule(20, "b", log("b"));
        scheduler.schedule(21, "c", log("c"));

        assertEquals(2, scheduler.runUntil(20));

        assertEquals(List.of("a@10", "b@20"), ran);
        assertEquals(20, scheduler.now());
        assertEquals(0, scheduler.runUntil(20));
        assertEquals(1, scheduler.runUntil(1_000));
        assertEquals(1_000, scheduler.now());
    }

    @Test
    void shouldRunOneEventPerRunNext() {
        scheduler.schedule(3, "a", log("a"));
        scheduler.schedule(4, "b", log("b"));

        assertTrue(scheduler.runNext());
        assertEquals(List.of("a@3"), ran);
        assertTrue(scheduler.runNext());
        assertFalse(scheduler.runNext());
        assertEquals(4, scheduler.now());
    }

    @Test
    void shouldRejectNegativeDelayAndPastTime() {
        scheduler.schedule(10, "a", () -> { });
        scheduler.runUntilIdle(1);

        String negative = assertThrows(IllegalArgumentException.class, () -> scheduler.schedule(-1, "x", () -> { }))
                .getMessage();
        assertTrue(negative.contains("negative delay -1ns for 'x'") && negative.contains("t=10ns"), negative);
        assertThrows(IllegalArgumentException.class, () -> scheduler.scheduleAt(9, "x", () -> { }));
        assertThrows(IllegalArgumentException.class, () -> scheduler.runUntil(9));
        String overflow = assertThrows(IllegalArgumentException.class,
                () -> scheduler.schedule(Long.MAX_VALUE, "x", () -> { })).getMessage();
        assertTrue(overflow.contains("overflows virtual time"), overflow);
        assertTrue(overflow.startsWith("seed="), "the seed that replays it: " + overflow);
    }

    @Test
    void shouldTellListenerEveryEventBeforeItRuns() {
        List<String> seen = new ArrayList<>();
        scheduler.listener((t, seq, label) -> seen.add(label + "@" + t + " ran=" + ran.size()));
        scheduler.schedule(1, "a", log("a"));
        Scheduler.Handle skipped = scheduler.schedule(2, "skipped", log("skipped"));
        scheduler.schedule(3, "b", log("b"));
        skipped.cancel();

        scheduler.runUntilIdle(10);

        assertEquals(List.of("a@1 ran=0", "b@3 ran=1"), seen);
    }

    @Test
    void shouldRunAReArmedEventOnceAtItsLastTime() {
        Scheduler.Handle timer = scheduler.event("timer", log("timer"));
        assertFalse(timer.isPending());
        assertFalse(timer.cancel(), "an event never armed cannot be cancelled");

        timer.arm(100);
        timer.arm(40);
        assertEquals(1, scheduler.pending());
        scheduler.runUntilIdle(10);
        assertEquals(List.of("timer@40"), ran);

        timer.arm(5);
        assertTrue(timer.cancel());
        timer.arm(7);
        scheduler.runUntilIdle(10);
        assertEquals(List.of("timer@40", "timer@47"), ran);
    }

    @Test
    void shouldOrderAReArmedEventAfterThoseScheduledBeforeTheReArm() {
        Scheduler.Handle timer = scheduler.event("timer", log("timer"));
        timer.arm(10);
        scheduler.schedule(10, "other", log("other"));
        timer.arm(10);

        scheduler.runUntilIdle(10);

        assertEquals(List.of("other@10", "timer@10"), ran);
    }

    @Test
    void shouldRunAnEventArmedWithAReservedSeqWhereItsOwnEventWouldHaveRun() {
        long seq = scheduler.reserveSeq();
        scheduler.schedule(10, "later", log("later"));
        Scheduler.Handle e = scheduler.event("reserved", log("reserved"));
        e.armAt(10, seq);

        scheduler.runUntilIdle(10);

        assertEquals(List.of("reserved@10", "later@10"), ran);
        assertThrows(IllegalArgumentException.class, () -> e.armAt(20, 99), "a sequence never reserved");
    }

    /** The heap against a linear search for the earliest (time, seq) under random arm, cancel and run. */
    @Test
    void shouldMatchASortedReferenceUnderRandomCancelAndReArm() {
        SplittableRandom rnd = new SplittableRandom(11);
        List<Scheduler.Handle> events = new ArrayList<>();
        long[] seqOf = new long[400];
        long nextSeq = 0;
        for (int i = 0; i < 400; i++) {
            int id = i;
            events.add(scheduler.event("e" + i, () -> ran.add(id + "@" + scheduler.now())));
        }
        for (int step = 0; step < 20_000; step++) {
            int id = rnd.nextInt(events.size());
            Scheduler.Handle h = events.get(id);
            int op = rnd.nextInt(4);
            if (op < 2) {
                h.arm(rnd.nextLong(0, 50));
                seqOf[id] = nextSeq++;
            } else if (op == 2) {
                h.cancel();
            } else if (scheduler.pending() > 0) {
                int before = ran.size();
                scheduler.runNext();
                String last = ran.get(before);
                int ranId = Integer.parseInt(last.substring(0, last.indexOf('@')));
                // The earliest (time, seq) of the events the reference holds armed.
                long bestTime = Long.MAX_VALUE;
                long bestSeq = Long.MAX_VALUE;
                int best = -1;
                for (int k = 0; k < events.size(); k++) {
                    if (k == ranId || events.get(k).isPending()) {
                        long t = k == ranId ? scheduler.now() : events.get(k).timeNs();
                        if (t < bestTime || (t == bestTime && seqOf[k] < bestSeq)) {
                            bestTime = t;
                            bestSeq = seqOf[k];
                            best = k;
                        }
                    }
                }
                assertEquals(best, ranId, "step " + step + ": ran the wrong event");
                assertFalse(events.get(ranId).isPending(), "an event that ran is no longer queued");
            }
        }
        long pending = events.stream().filter(Scheduler.Handle::isPending).count();
        assertEquals(pending, scheduler.pending());
        assertEquals(pending, scheduler.runUntilIdle(1000));
    }
}
