// Generators the MAD fuzz harnesses share
package org.ibmodel.sim.device;

import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.Arrays;
import org.quicktheories.core.Gen;

/** Header values for random MADs, mostly ones an agent tells apart. */
public final class MadGens {
    private MadGens() {
    }

    /**
     * {@code percent} times in a hundred one of {@code values} (each equally likely, so listing
     * one twice doubles its odds), else anything of {@code bits} bits.
     */
    public static Gen<Integer> near(int percent, int[] values, int bits) {
        Gen<Integer> any = integers().between(0, (1 << bits) - 1);
        Gen<Integer> pick = arbitrary().pick(Arrays.stream(values).boxed().toList());
        return integers().between(0, 99).flatMap(i -> i < percent ? pick : any);
    }
}
