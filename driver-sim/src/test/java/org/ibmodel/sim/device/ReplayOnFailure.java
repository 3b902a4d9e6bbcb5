package org.ibmodel.sim.device;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints, for a failed test, the world seed it ran with and the command that replays it (the
 * tests read the seed from {@code -Dibmodel.seed}, defaulting to their own constant).
 */
final class ReplayOnFailure implements TestWatcher {
    /** {@code what}, with the seed and the command that replays test class {@code test} with it. */
    static String at(String test, long seed, String what) {
        return what + " (seed " + seed + "; replay: mvn -B -pl driver-sim -am verify -Dtest=" + test
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=" + seed + ")";
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        String cls = context.getRequiredTestClass().getSimpleName();
        String method = context.getTestMethod().map(m -> "#" + m.getName()).orElse("");
        String seed = System.getProperty("ibmodel.seed", defaultSeed(context));
        System.err.println(cls + method + " failed with seed " + seed + "; replay with:\n  mvn -B -pl driver-sim -am verify"
                + " -Dtest=" + cls + method + " -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed="
                + seed);
    }

    private static String defaultSeed(ExtensionContext context) {
        try {
            java.lang.reflect.Field f = context.getRequiredTestClass().getDeclaredField("SEED");
            f.setAccessible(true);
            return String.valueOf(f.get(null));
        } catch (ReflectiveOperationException e) {
            return "N";
        }
    }
}
