// World.runUntil: virtual time reaches the time asked for, as Scheduler.runUntil's does
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A program that runs the world in steps of 50 µs, polling between them, must see time pass even
 * when nothing is due within a step: the clock ends each step at the time asked for, so an event
 * a millisecond away (an ACK timeout, a kernel timer) comes after twenty steps, not never.
 */
class WorldRunUntilTest {

    @Test
    void shouldEndAtTheTimeAskedForWithNothingDue() {
        try (World w = World.of(5, 2)) {
            w.settle();
            long t0 = w.scheduler().now();
            w.runUntil(t0 + 50_000);
            assertEquals(t0 + 50_000, w.scheduler().now(), "the clock at the end of the step");
        }
    }

    @Test
    void shouldReachAnEventAMillisecondAwayInStepsOfFiftyMicroseconds() {
        try (World w = World.of(5, 2)) {
            w.settle();
            long t0 = w.scheduler().now();
            List<Long> ran = new ArrayList<>();
            w.scheduler().schedule(1_000_000, "a timer", () -> ran.add(w.scheduler().now()));
            for (int step = 0; step < 20; step++) {
                w.runUntil(w.scheduler().now() + 50_000);
            }
            assertEquals(List.of(t0 + 1_000_000), ran, "the event ran at its time, in the twentieth step");
            assertEquals(t0 + 1_000_000, w.scheduler().now());
        }
    }
}
