package org.ibmodel.sim.device;

import java.util.List;
import org.quicktheories.api.AsString;
import org.quicktheories.core.Reporter;

/** Reports a falsified property of {@code test} with the seed and the command that replays it. */
public record SeedReporter(String test, long seed) implements Reporter {

    /** The reporter of {@code test} run with {@code -Dibmodel.seed}, or with its default seed. */
    public static SeedReporter of(String test, long defaultSeed) {
        return new SeedReporter(test, Long.getLong("ibmodel.seed", defaultSeed));
    }

    /**
     * Fails, with the seed and the command that replays the run, unless the scenarios reached what
     * the property is about at least {@code floor} times: a property that held for nothing proves
     * nothing. {@code what} names what was counted ("of 200 runs lost a packet").
     */
    public void assertReached(int reached, int floor, String what) {
        if (reached < floor) {
            throw new AssertionError("coverage: " + reached + " " + what + ", fewer than " + floor + "\n"
                    + replay(test, seed));
        }
    }

    public static String replay(String test, long seed) {
        // The number of examples is part of the run: a failure found with more may not come back
        // with the default.
        String examples = System.getProperty("ibmodel.examples");
        return test + " failed with seed " + seed + "; replay with:\n  mvn -B -pl driver-sim -am verify"
                + " -Dtest=" + test + " -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=" + seed
                + (examples == null ? "" : " -Dibmodel.examples=" + examples);
    }

    @Override
    public void falisification(long qtSeed, int examples, Object smallest, Throwable cause, List<Object> others,
            AsString<Object> show) {
        throw new AssertionError(replay(test, seed) + "\nfalsified after " + examples + " example(s); smallest: "
                + show.asString(smallest) + "\n" + cause, cause);
    }

    @Override
    public void falisification(long qtSeed, int examples, Object smallest, List<Object> others,
            AsString<Object> show) {
        throw new AssertionError(replay(test, seed) + "\nfalsified after " + examples + " example(s): "
                + show.asString(smallest));
    }

    @Override
    public void valuesExhausted(int examples) {
        throw new AssertionError(replay(test, seed) + "\nonly " + examples + " examples could be generated");
    }
}
