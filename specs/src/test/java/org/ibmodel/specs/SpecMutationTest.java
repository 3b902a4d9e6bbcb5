package org.ibmodel.specs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Each mutant of specs/src/test/tla/mutants.json breaks one rule of a spec on purpose; TLC must
 * report exactly the property that rule protects, by name. This shows the properties are not
 * vacuous and the runner names what failed.
 */
class SpecMutationTest {
    private static final String MUTANTS = "mutants.json";

    @Test
    void everyMutantShouldViolateItsNamedProperty() {
        try (SpecDir dir = SpecDir.fromClasspath(SpecDir.MANIFEST, MUTANTS)) {
            List<SpecConfig> mutants = dir.manifest(MUTANTS).configs();
            List<TlcResult> results = new TlcRunner().runAll(dir, mutants, Runtime.getRuntime().availableProcessors());
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < mutants.size(); i++) {
                SpecConfig m = mutants.get(i);
                TlcResult r = results.get(i);
                System.out.printf("%-48s %s %s (%.1fs)%n", m.cfg(), r.verdict().jsonName(), r.property(), r.seconds());
                if (r.verdict() != TlcResult.Verdict.VIOLATION || !m.violates().equals(r.property())) {
                    wrong.add(m.cfg() + ": expected a violation of " + m.violates() + ", got "
                            + r.verdict().jsonName() + " " + r.property() + " " + r.error());
                }
            }
            assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        }
    }

    @Test
    void everySpecShouldHaveAtLeastTwoMutants() {
        try (SpecDir dir = SpecDir.fromClasspath(SpecDir.MANIFEST, MUTANTS)) {
            Map<String, Integer> perSpec = new TreeMap<>();
            for (SpecConfig m : dir.manifest(MUTANTS).configs()) {
                perSpec.merge(m.spec(), 1, Integer::sum);
            }
            assertEquals(7, perSpec.size(), perSpec.toString());
            perSpec.forEach((spec, n) -> assertTrue(n >= 2, spec + " has " + n + " mutants"));
        }
    }
}
