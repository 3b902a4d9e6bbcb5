package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import org.ibmodel.core.Cq;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Wc;
import org.ibmodel.sim.BrokenDrivers;
import org.junit.jupiter.api.Test;

/**
 * {@link UserExitPropertyTest} catches the bugs it exists for: each test puts a deliberately
 * broken driver under both hosts' ib_core and requires the property to fail with the seed and
 * the replay command, by the invariant that bug breaks.
 */
class UserExitMutationTest {
    private static final long SEED = 20261126L;
    private static final int EXAMPLES = 40;

    /** The failure of the property with both hosts' drivers seen through {@code mutant}: what the run threw. */
    private static Throwable falsify(UnaryOperator<DeviceOps> mutant, String what) {
        AssertionError e = assertThrows(AssertionError.class,
                () -> UserExitPropertyTest.check(SEED, EXAMPLES, mutant), what + " went unnoticed");
        assertTrue(e.getMessage().contains("-Dibmodel.seed=" + SEED), e.getMessage());
        assertNotNull(e.getCause(), e.getMessage());
        return e.getCause();
    }

    /**
     * {@code mutant} fails the property by the check whose message has {@code check}: SeedReporter
     * reports whatever a run throws, so an exception is not a catch.
     */
    private static void assertCaught(UnaryOperator<DeviceOps> mutant, String what, String check) {
        Throwable cause = falsify(mutant, what);
        assertInstanceOf(AssertionError.class, cause, what + " crashed the run: " + cause);
        assertTrue(cause.getMessage().contains(check), what + " caught, but not by " + check + ": " + cause);
    }

    @Test
    void shouldCatchARegionTheDriverNeverDeregisters() {
        assertCaught(real -> new ForwardingDeviceOps(real) {
            @Override
            public int deregMr(Mr mr) {
                return 0;
            }
        }, "a dereg_mr that leaves the key on the device", "nothingLeft on h0");
    }

    /**
     * a's QPs go on after the exit: their RNR retries (rnr_retry 7) keep the world from settling,
     * and the scheduler's livelock check, not an invariant, is what fails.
     */
    @Test
    void shouldCatchAQpTheDriverNeverDestroys() {
        Throwable cause = falsify(BrokenDrivers.destroyQpDoesNothing(),
                "a destroy_qp that leaves the QP on the device");
        assertInstanceOf(IllegalStateException.class, cause, cause.toString());
        assertTrue(cause.getMessage().contains("not idle after"), cause.toString());
    }

    @Test
    void shouldCatchAPeerCompletionReportedTwice() {
        // uverbs polls one entry at a time (ib_uverbs_poll_cq): the copy comes on the next call.
        assertCaught(real -> new ForwardingDeviceOps(real) {
            private Wc last;

            @Override
            public int pollCq(Cq cq, int numEntries, Wc[] wc) {
                int n = real.pollCq(cq, numEntries, wc);
                if (n == 0 && last != null && numEntries > 0) {
                    wc[0] = last;
                    last = null;
                    return 1;
                }
                if (n > 0 && wc[n - 1].wrId != 0) {
                    last = wc[n - 1].copy();
                }
                return n;
            }
        }, "a duplicated completion", "completed twice");
    }
}
