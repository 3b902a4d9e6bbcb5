package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.ibmodel.sim.fabric.PacketTap;
import org.ibmodel.specs.trace.SpecTrace;
import org.junit.jupiter.api.Test;

/**
 * The HCAs send with their CRCs pending and skip the checks of packets that arrive untouched
 * (wire.Crcs). That must change nothing a run does: every seeded lossy run of RcTransportRuns,
 * drops, corruption and flaps included, gives the same trace, drops and received bytes as the
 * same run with a tap on the links, where every CRC is written and checked.
 */
class PendingCrcsEquivalenceTest {
    private static final int RUNS = Integer.getInteger("ibmodel.rcRuns", 200);
    private static final PacketTap LOOK = (t, link, dir, packet) -> { };

    @Test
    void shouldRunEverySeededLossyRunAlikeWithAndWithoutEveryCrcChecked() {
        int corrupted = 0;
        for (long seed = 1; seed <= RUNS; seed++) {
            RcTransportRuns.Scenario s = RcTransportRuns.Scenario.of(seed);
            SpecTrace pending = RcTransportRuns.record(s, TransportPolicy.CORRECT, Map.of("seed", seed), null);
            SpecTrace checked = RcTransportRuns.record(s, TransportPolicy.CORRECT, Map.of("seed", seed), LOOK);
            long replay = seed;
            assertEquals(checked.toNdjson(), pending.toNdjson(), () -> "seed " + replay + " of RcTransportRuns; replay: "
                    + "mvn -B -pl driver-sim -am verify -Dtest=PendingCrcsEquivalenceTest"
                    + " -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.rcRuns=" + replay);
            if (String.valueOf(pending.header().get("outcome")).contains("BAD_")) {
                corrupted++;
            }
        }
        // The comparison means something only if some runs had packets the CRC checks dropped.
        assertTrue(corrupted > 5, corrupted + " runs with a bad CRC");
    }
}
