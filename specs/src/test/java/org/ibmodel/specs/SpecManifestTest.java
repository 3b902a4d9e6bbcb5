package org.ibmodel.specs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Every configuration of specs/src/main/tla/manifest.json passes TLC with exactly the state
 * counts the manifest records, so a change to a spec that changes its state space is noticed.
 */
class SpecManifestTest {

    @Test
    void everyConfigShouldPassWithTheManifestCounts() {
        try (SpecDir dir = SpecDir.fromClasspath(SpecDir.MANIFEST)) {
            List<SpecConfig> configs = dir.manifest(SpecDir.MANIFEST).configs();
            assertFalse(configs.isEmpty());
            List<TlcResult> results = new TlcRunner().runAll(dir, configs, Runtime.getRuntime().availableProcessors());
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < configs.size(); i++) {
                SpecConfig c = configs.get(i);
                TlcResult r = results.get(i);
                System.out.printf("%-16s %-28s generated=%d distinct=%d depth=%d %s %.1fs%n", r.spec(), r.cfg(),
                        r.generated(), r.distinct(), r.depth(), r.verdict().jsonName(), r.seconds());
                if (!r.ok()) {
                    wrong.add(c.cfg() + ": " + r.verdict().jsonName() + " " + r.property() + " " + r.error()
                            + "\n" + r.output());
                } else if (r.generated() != c.generated() || r.distinct() != c.distinct() || r.depth() != c.depth()) {
                    wrong.add(String.format("%s: manifest says generated=%d distinct=%d depth=%d, TLC found %d %d %d",
                            c.cfg(), c.generated(), c.distinct(), c.depth(), r.generated(), r.distinct(), r.depth()));
                }
            }
            assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        }
    }

    @Test
    void manifestShouldCoverEverySpec() {
        try (SpecDir dir = SpecDir.fromClasspath(SpecDir.MANIFEST)) {
            Set<String> specs = new TreeSet<>();
            for (SpecConfig c : dir.manifest(SpecDir.MANIFEST).configs()) {
                specs.add(c.spec());
            }
            assertEquals(Set.of("HcaCommands", "PathMigration", "QpStateMachine", "RcTransport", "SqDrain",
                    "UverbsDisassociate", "WorkQueues"), specs);
        }
    }
}
