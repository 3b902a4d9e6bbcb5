package org.ibmodel.sim.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DelayLineTest {

    private final Scheduler scheduler = new Scheduler(3);
    private final List<String> ran = new ArrayList<>();
    private final DelayLine<String> line = new DelayLine<>(scheduler, "line",
            (item, tag) -> ran.add(item + "/" + tag + "@" + scheduler.now()));

    private Runnable log(String name) {
        return () -> ran.add(name + "@" + scheduler.now());
    }

    @Test
    void shouldRunEachItemWhereItsOwnEventWouldHaveRun() {
        // The same interleaving with separate events, item by item, is the reference.
        Scheduler ref = new Scheduler(3);
        List<String> expected = new ArrayList<>();
        ref.schedule(10, "x", () -> expected.add("x@" + ref.now()));
        ref.scheduleAt(10, "a", () -> expected.add("a/1@" + ref.now()));
        ref.scheduleAt(10, "b", () -> expected.add("b/2@" + ref.now()));
        ref.schedule(10, "y", () -> expected.add("y@" + ref.now()));
        ref.scheduleAt(30, "c", () -> expected.add("c/3@" + ref.now()));
        ref.schedule(20, "z", () -> expected.add("z@" + ref.now()));
        ref.runUntilIdle(100);

        scheduler.schedule(10, "x", log("x"));
        line.add(10, "a", 1);
        // b is armed only when a runs, after y was scheduled: its reserved seq still puts it first.
        line.add(10, "b", 2);
        scheduler.schedule(10, "y", log("y"));
        line.add(30, "c", 3);
        scheduler.schedule(20, "z", log("z"));
        assertEquals(3, line.size());
        scheduler.runUntilIdle(100);

        assertEquals(expected, ran);
        assertEquals(List.of("x@10", "a/1@10", "b/2@10", "y@10", "z@20", "c/3@30"), ran);
        assertEquals(0, line.size());
    }

    @Test
    void shouldHandItemsAddedWhileRunningOnInOrder() {
        DelayLine<Integer> chain = new DelayLine<>(scheduler, "chain", (item, tag) -> {
            ran.add(item + "@" + scheduler.now());
            if (item < 40) {
                scheduler.schedule(0, "spawn", () -> { });
            }
        });
        for (int i = 0; i < 40; i++) {
            chain.add(5 + i / 4, i, 0);
        }
        chain.add(100, 40, 0);
        scheduler.runUntilIdle(1000);

        assertEquals(41, ran.size(), "every item, the ring grown past 16");
        for (int i = 0; i < 40; i++) {
            assertEquals(i + "@" + (5 + i / 4), ran.get(i));
        }
    }

    @Test
    void shouldDropWhatIsNotDueOnClearInOrder() {
        line.add(10, "a", 1);
        line.add(20, "b", 2);
        scheduler.runUntil(15);
        line.add(25, "c", 3);
        List<String> dropped = new ArrayList<>();

        line.clear((item, tag, due) -> dropped.add(item + "/" + tag + "@" + due));
        scheduler.runUntilIdle(10);

        assertEquals(List.of("a/1@10"), ran);
        assertEquals(List.of("b/2@20", "c/3@25"), dropped);
        assertEquals(0, scheduler.pending());
    }

    @Test
    void shouldRefuseAnItemDueBeforeTheLastOne() {
        line.add(20, "a", 0);

        assertThrows(IllegalArgumentException.class, () -> line.add(19, "b", 0));
        scheduler.runUntil(20);
        assertThrows(IllegalArgumentException.class, () -> line.add(19, "c", 0), "in the past");
    }
}
