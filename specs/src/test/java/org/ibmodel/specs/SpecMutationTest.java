package org.ibmodel.specs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Each mutant of specs/src/test/tla/mutants.json breaks one rule of a spec on purpose; TLC must
 * report exactly the property that rule protects, by name. This shows the properties are not
 * vacuous and the runner names what failed.
 */
class SpecMutationTest {
    private static final String MUTANTS = "mutants.json";

    /** States the variables' types only: a mutant breaks a rule of the protocol, not a type. */
    private static final Set<String> NOT_TARGETED = Set.of("TypeOK");

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

    /** A property no mutant breaks could be vacuous, and the build would not know. */
    @Test
    void everyCheckedPropertyShouldBeViolatedByAMutant() throws IOException {
        try (SpecDir dir = SpecDir.fromClasspath(SpecDir.MANIFEST, MUTANTS)) {
            Set<String> violated = new TreeSet<>();
            for (SpecConfig m : dir.manifest(MUTANTS).configs()) {
                violated.add(m.spec() + "." + m.violates());
            }
            Set<String> missing = new TreeSet<>();
            for (SpecConfig c : dir.manifest(SpecDir.MANIFEST).configs()) {
                List<String> cfg = Files.readAllLines(dir.root().resolve(c.cfg()));
                for (String p : TlcOutput.section(cfg, "INVARIANT", "INVARIANTS", "PROPERTY", "PROPERTIES")) {
                    if (!NOT_TARGETED.contains(p) && !violated.contains(c.spec() + "." + p)) {
                        missing.add(c.spec() + "." + p);
                    }
                }
            }
            assertTrue(missing.isEmpty(), "no mutant violates " + String.join(", ", missing));
        }
    }
}
