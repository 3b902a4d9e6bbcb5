package org.ibmodel.props;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.UnaryOperator;
import org.ibmodel.core.Cq;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.junit.jupiter.api.Test;

/**
 * The stateful checker catches the bugs it exists for: each test puts a deliberately broken
 * driver behind ib_core and requires {@link VerbsStatefulTest#check} to fail with the seed and
 * the replay command.
 */
class VerbsStatefulMutationTest {
    private static final long SEED = 20261125L;
    private static final int SEQUENCES = 400;

    private static void assertCaught(UnaryOperator<DeviceOps> mutant, String what) {
        AssertionError e = assertThrows(AssertionError.class,
                () -> VerbsStatefulTest.check(SEED, SEQUENCES, mutant), what + " went unnoticed");
        assertTrue(e.getMessage().contains("-Dibmodel.seed=" + SEED), e.getMessage());
    }

    @Test
    void shouldCatchACompletionReportedTwice() {
        assertCaught(real -> new ForwardingDeviceOps(real) {
            @Override
            public int pollCq(Cq cq, int numEntries, Wc[] wc) {
                int n = real.pollCq(cq, numEntries, wc);
                if (n > 0 && n < numEntries) {
                    wc[n] = wc[n - 1].copy();
                    return n + 1;
                }
                return n;
            }
        }, "a duplicated completion");
    }

    @Test
    void shouldCatchCompletionsOutOfOrder() {
        assertCaught(real -> new ForwardingDeviceOps(real) {
            @Override
            public int pollCq(Cq cq, int numEntries, Wc[] wc) {
                int n = real.pollCq(cq, numEntries, wc);
                if (n >= 2) {
                    Wc first = wc[0].copy();
                    wc[0].copyFrom(wc[1]);
                    wc[1].copyFrom(first);
                }
                return n;
            }
        }, "two completions swapped");
    }

    @Test
    void shouldCatchALostFlushCompletion() {
        assertCaught(real -> new ForwardingDeviceOps(real) {
            @Override
            public int pollCq(Cq cq, int numEntries, Wc[] wc) {
                int n = real.pollCq(cq, numEntries, wc);
                for (int i = 0; i < n; i++) {
                    if (wc[i].status == WcStatus.WR_FLUSH_ERR) {
                        for (int j = i; j < n - 1; j++) {
                            wc[j].copyFrom(wc[j + 1]);
                        }
                        return n - 1;
                    }
                }
                return n;
            }
        }, "a dropped WR_FLUSH_ERR completion");
    }

    @Test
    void shouldCatchABadWrThatIsNotTheFirstUnposted() {
        assertCaught(real -> new ForwardingDeviceOps(real) {
            @Override
            public PostResult postRecv(Qp qp, List<RecvWr> wrs) {
                PostResult r = real.postRecv(qp, wrs);
                return r.ok() ? r : PostResult.fail(r.ret(), r.badWr() + 1);
            }
        }, "bad_wr pointing past the first WR not posted");
    }
}
