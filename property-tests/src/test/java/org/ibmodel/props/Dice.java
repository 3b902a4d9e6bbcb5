package org.ibmodel.props;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The choices of one step, all drawn from the number the generator gave that step, so a step is
 * replayed exactly from the generated sequence.
 */
final class Dice {
    private final SplittableRandom random;

    Dice(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** 0 ≤ result < n */
    int below(int n) {
        return random.nextInt(n);
    }

    /** true with probability {@code p} percent */
    boolean percent(int p) {
        return random.nextInt(100) < p;
    }

    int nextInt() {
        return random.nextInt();
    }

    <T> T pick(List<T> xs) {
        return xs.get(random.nextInt(xs.size()));
    }

    /** An index into {@code weights}, chosen in proportion to them. */
    int weighted(int... weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int r = random.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
        throw new IllegalStateException("unreachable");
    }
}
