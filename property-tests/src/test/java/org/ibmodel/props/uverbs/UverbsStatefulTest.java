// drivers/infiniband/core/rdma_core.c: handle isolation and cleanup under random syscalls
package org.ibmodel.props.uverbs;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.List;
import java.util.SplittableRandom;
import org.ibmodel.uverbs.UobjectPolicy;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.AsString;
import org.quicktheories.core.Reporter;

/**
 * Random sequences of valid and invalid commands, opens, closes and exits from two processes;
 * after every step the {@link UverbsWorld} invariants (own handles, accounting) hold, and after
 * every process exits nothing is left on the device. Replay: {@code mvn -B -pl property-tests
 * -am verify -Dtest=UverbsStatefulTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dibmodel.seed=SEED}.
 */
class UverbsStatefulTest {
    static final long DEFAULT_SEED = 0x0b5e_55edL;
    static final int DEFAULT_SEQUENCES = 1000;
    static final int MAX_STEPS = 120;

    @Test
    void handlesStayInTheirFileAndCloseLeavesNothing() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        int sequences = Integer.getInteger("ibmodel.sequences", DEFAULT_SEQUENCES);
        check(seed, sequences, UobjectPolicy.KERNEL);
        System.out.println("UverbsStatefulTest seed=" + seed + " sequences=" + sequences);
    }

    static void check(long seed, int sequences, UobjectPolicy policy) {
        qt().withFixedSeed(seed)
                .withExamples(sequences)
                .withShrinkCycles(200)
                .withReporter(new SeedReporter(seed))
                .forAll(lists().of(longs().all()).ofSizeBetween(1, MAX_STEPS))
                .checkAssert(steps -> run(steps, policy));
    }

    private static void run(List<Long> steps, UobjectPolicy policy) {
        UverbsWorld w = new UverbsWorld(policy);
        int i = 0;
        for (long r : steps) {
            i++;
            try {
                w.step(r, new SplittableRandom(r));
            } catch (Throwable e) {
                throw new AssertionError("step " + i + " escaped: " + e, e);
            }
            String bad = w.invariantError();
            if (bad != null) {
                throw new AssertionError("after step " + i + ": " + bad);
            }
        }
        String end = w.teardownError();
        if (end != null) {
            throw new AssertionError(end);
        }
    }

    private record SeedReporter(long seed) implements Reporter {
        @Override
        public void falisification(long qtSeed, int examples, Object smallest, Throwable cause,
                List<Object> others, AsString<Object> show) {
            throw new AssertionError(replay(seed) + "\nfalsified after " + examples + " sequence(s); shortest has "
                    + ((List<?>) smallest).size() + " steps: " + cause.getMessage(), cause);
        }

        @Override
        public void falisification(long qtSeed, int examples, Object smallest, List<Object> others,
                AsString<Object> show) {
            throw new AssertionError(replay(seed) + "\nfalsified after " + examples + " sequence(s): " + smallest);
        }

        @Override
        public void valuesExhausted(int examples) {
            throw new AssertionError(replay(seed) + "\nonly " + examples + " sequences could be generated");
        }
    }

    static String replay(long seed) {
        return "UverbsStatefulTest failed with seed " + seed + "; replay with:\n  mvn -B -pl property-tests -am"
                + " verify -Dtest=UverbsStatefulTest -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=" + seed;
    }
}
