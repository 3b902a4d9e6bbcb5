package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SeedReporterTest {

    @Test
    void shouldPrintTheSeedAndTheReplayCommandWhenAFloorIsMissed() {
        SeedReporter reporter = new SeedReporter("UcLossPropertyTest", 77);
        AssertionError e = assertThrows(AssertionError.class,
                () -> reporter.assertReached(9, 10, "of 200 runs lost part of a message"));
        assertTrue(e.getMessage().startsWith("coverage: 9 of 200 runs lost part of a message, fewer than 10\n"),
                e.getMessage());
        assertTrue(e.getMessage().contains("UcLossPropertyTest failed with seed 77"), e.getMessage());
        assertTrue(e.getMessage().contains(" -Dtest=UcLossPropertyTest ") && e.getMessage().endsWith(
                "-Dibmodel.seed=77" + (System.getProperty("ibmodel.examples") == null ? ""
                        : " -Dibmodel.examples=" + System.getProperty("ibmodel.examples"))), e.getMessage());
    }

    @Test
    void shouldPassAFloorReachedExactly() {
        assertDoesNotThrow(() -> new SeedReporter("UcLossPropertyTest", 77).assertReached(10, 10, "runs"));
    }

    @Test
    void shouldTakeTheSeedFromTheCommandLineWhenGiven() {
        String given = System.getProperty("ibmodel.seed");
        long expected = given == null ? 5 : Long.parseLong(given);
        assertTrue(SeedReporter.of("X", 5).seed() == expected);
    }
}
