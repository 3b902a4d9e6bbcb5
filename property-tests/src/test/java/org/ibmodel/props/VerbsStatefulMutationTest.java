package org.ibmodel.props;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * the replay command, the system's answer differing from the model's as that bug makes it.
 */
class VerbsStatefulMutationTest {
    private static final long SEED = 20261125L;
    private static final int SEQUENCES = 400;
    private static final Pattern PREDICTION = Pattern.compile("\\[prediction] the system disagrees with the model\n"
            + "(?:.*\n)*?\\s*model predicts: (.*)\n\\s*system answered: (.*)");

    /** The model's answer to the step that failed, the system's, and the whole failure. */
    private record Disagreement(String predicted, String answered, String failure) {
    }

    /**
     * {@code mutant} makes the system disagree with the model ({@code [prediction]}), which the
     * check reports with the seed. It reports any exception of the system with the seed too, so
     * that alone is not a catch.
     */
    private static Disagreement disagreement(UnaryOperator<DeviceOps> mutant, String what) {
        AssertionError e = assertThrows(AssertionError.class,
                () -> VerbsStatefulTest.check(SEED, SEQUENCES, mutant), what + " went unnoticed");
        String m = e.getMessage();
        assertTrue(m.contains("-Dibmodel.seed=" + SEED), m);
        assertFalse(m.contains("the system threw"), what + " crashed the run: " + m);
        Matcher answers = PREDICTION.matcher(m);
        assertTrue(answers.find(), what + " caught, but not by [prediction]: " + m);
        return new Disagreement(answers.group(1), answers.group(2), m);
    }

    /** The completions of a poll's answer, {@code n>0 [wr1@qp2:WR_FLUSH_ERR, ...]}. */
    private static List<String> completions(String answer) {
        assertTrue(answer.startsWith("n>0 [") && answer.endsWith("]"), "not a poll's completions: " + answer);
        return List.of(answer.substring("n>0 [".length(), answer.length() - 1).split(", "));
    }

    @Test
    void shouldCatchACompletionReportedTwice() {
        Disagreement d = disagreement(real -> new ForwardingDeviceOps(real) {
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
        List<String> want = completions(d.predicted());
        List<String> got = completions(d.answered());
        assertTrue(got.size() > want.size() && got.stream().distinct().toList().equals(want), d.failure());
    }

    @Test
    void shouldCatchCompletionsOutOfOrder() {
        Disagreement d = disagreement(real -> new ForwardingDeviceOps(real) {
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
        List<String> want = completions(d.predicted());
        List<String> got = completions(d.answered());
        assertTrue(!got.equals(want) && got.stream().sorted().toList().equals(want.stream().sorted().toList()),
                d.failure());
    }

    @Test
    void shouldCatchALostFlushCompletion() {
        Disagreement d = disagreement(real -> new ForwardingDeviceOps(real) {
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
        // The system's poll is the model's less one flush.
        List<String> missing = new ArrayList<>(completions(d.predicted()));
        List<String> got = completions(d.answered());
        assertTrue(got.stream().allMatch(missing::remove), d.failure());
        assertEquals(1, missing.size(), d.failure());
        assertTrue(missing.get(0).endsWith(":WR_FLUSH_ERR"), d.failure());
    }

    @Test
    void shouldCatchABadWrThatIsNotTheFirstUnposted() {
        Disagreement d = disagreement(real -> new ForwardingDeviceOps(real) {
            @Override
            public PostResult postRecv(Qp qp, List<RecvWr> wrs) {
                PostResult r = real.postRecv(qp, wrs);
                return r.ok() ? r : PostResult.fail(r.ret(), r.badWr() + 1);
            }
        }, "bad_wr pointing past the first WR not posted");
        Matcher want = Pattern.compile("(.*) bad_wr=(\\d+)").matcher(d.predicted());
        Matcher got = Pattern.compile("(.*) bad_wr=(\\d+)").matcher(d.answered());
        assertTrue(want.matches() && got.matches() && want.group(1).equals(got.group(1)), d.failure());
        assertEquals(Integer.parseInt(want.group(2)) + 1, Integer.parseInt(got.group(2)), d.failure());
    }
}
