package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.ibmodel.core.Cq;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.sim.BrokenDrivers;
import org.junit.jupiter.api.Test;

/**
 * {@link VerbsLifecyclePropertyTest} catches the bugs it exists for: each test puts a deliberately
 * broken driver between ib_core and the HCA driver of both hosts and requires the property to
 * fail with the seed and the replay command, by the invariant that bug breaks.
 */
class VerbsLifecycleMutationTest {
    private static final long SEED = 20261126L;
    private static final int EXAMPLES = 60;

    /**
     * {@code mutant} fails the property with the seed, by a check whose message has one of
     * {@code checks}. SeedReporter reports whatever a run throws, so an exception is not a catch.
     */
    private static void assertCaught(UnaryOperator<DeviceOps> mutant, String what, String... checks) {
        AssertionError e = assertThrows(AssertionError.class,
                () -> VerbsLifecyclePropertyTest.check(SEED, EXAMPLES, mutant), what + " went unnoticed");
        assertTrue(e.getMessage().contains("-Dibmodel.seed=" + SEED), e.getMessage());
        assertInstanceOf(AssertionError.class, e.getCause(), what + " crashed the run: " + e.getMessage());
        assertTrue(Arrays.stream(checks).anyMatch(e.getCause().getMessage()::contains),
                what + " caught, but by none of " + Arrays.toString(checks) + ": " + e.getMessage());
    }

    /** A poll whose answer {@code bend} may change in place (returning the new count). */
    private interface Bend {
        int apply(Wc[] wc, int n, int numEntries);
    }

    private static UnaryOperator<DeviceOps> polling(Bend bend) {
        return real -> new ForwardingDeviceOps(real) {
            @Override
            public int pollCq(Cq cq, int numEntries, Wc[] wc) {
                return bend.apply(wc, real.pollCq(cq, numEntries, wc), numEntries);
            }
        };
    }

    @Test
    void shouldCatchACompletionReportedTwice() {
        assertCaught(polling((wc, n, max) -> {
            if (n > 0 && n < max) {
                wc[n] = wc[n - 1].copy();
                return n + 1;
            }
            return n;
        }), "a duplicated completion", "already completed");
    }

    @Test
    void shouldCatchALostFlush() {
        assertCaught(polling((wc, n, max) -> {
            for (int i = 0; i < n; i++) {
                if (wc[i].status == WcStatus.WR_FLUSH_ERR && wc[i].opcode != WcOpcode.RECV) {
                    System.arraycopy(wc, i + 1, wc, i, n - i - 1);
                    return n - 1;
                }
            }
            return n;
        }), "a send's WR_FLUSH_ERR completion dropped",
                "send queue completes out of order", "still has WRs after its flush");
    }

    @Test
    void shouldCatchAReceiveOfTheWrongLength() {
        assertCaught(polling((wc, n, max) -> {
            for (int i = 0; i < n; i++) {
                if (wc[i].status == WcStatus.SUCCESS && wc[i].opcode == WcOpcode.RECV && wc[i].byteLen > 100) {
                    wc[i].byteLen--;
                }
            }
            return n;
        }), "byte_len one short", "length of message");
    }

    @Test
    void shouldCatchARemoteAccessErrorReportedAsSuccess() {
        assertCaught(polling((wc, n, max) -> {
            for (int i = 0; i < n; i++) {
                if (wc[i].status == WcStatus.REM_ACCESS_ERR && wc[i].opcode != WcOpcode.RECV) {
                    wc[i].status = WcStatus.SUCCESS;
                }
            }
            return n;
        }), "REM_ACCESS_ERR turned into SUCCESS", "succeeded with a bad rkey or address");
    }

    @Test
    void shouldCatchAQpTheDriverNeverDestroys() {
        assertCaught(BrokenDrivers.destroyQpDoesNothing(), "a destroy_qp that leaves the QP on the device",
                "holds what it held before the run");
    }

    @Test
    void shouldCatchAWorkRequestPostedButDropped() {
        assertCaught(real -> new ForwardingDeviceOps(real) {
            @Override
            public PostResult postSend(Qp qp, List<SendWr> wrs) {
                return wrs.size() < 2 ? real.postSend(qp, wrs) : real.postSend(qp, wrs.subList(0, wrs.size() - 1));
            }
        }, "post_send returning 0 without posting its last WR",
                "never completed", "still has WRs after its flush");
    }
}
