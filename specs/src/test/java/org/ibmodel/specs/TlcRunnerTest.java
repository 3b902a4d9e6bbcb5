package org.ibmodel.specs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's reading of TLC: counts, verdicts, property names and one-line spec errors. */
class TlcRunnerTest {
    private static final String COUNTER = String.join("\n",
            "---- MODULE Counter ----",
            "EXTENDS Naturals",
            "VARIABLE x",
            "Init == x = 0",
            "Next == x < 3 /\\ x' = x + 1",
            "Small == x < 3",
            "Spec == Init /\\ [][Next]_x",
            "====", "");

    @TempDir
    Path tmp;

    private TlcResult run(String module, String cfg) throws IOException {
        Files.writeString(tmp.resolve("Counter.tla"), module);
        Files.writeString(tmp.resolve("Counter.cfg"), cfg);
        return new TlcRunner().run(SpecDir.of(tmp), new SpecConfig("Counter", "Counter", "Counter.cfg", -1, -1, -1, null));
    }

    @Test
    void shouldReportCountsOfAPassingRun() throws IOException {
        TlcResult r = run(COUNTER, "SPECIFICATION Spec\nCHECK_DEADLOCK FALSE\n");
        assertEquals(TlcResult.Verdict.OK, r.verdict(), r.output());
        assertEquals(4, r.distinct());
        assertEquals(4, r.generated());
        assertEquals(4, r.depth());
    }

    @Test
    void shouldNameTheViolatedInvariant() throws IOException {
        TlcResult r = run(COUNTER, "SPECIFICATION Spec\nINVARIANT Small\nCHECK_DEADLOCK FALSE\n");
        assertEquals(TlcResult.Verdict.VIOLATION, r.verdict(), r.output());
        assertEquals("Small", r.property());
    }

    @Test
    void shouldReportADeadlockAsAViolation() throws IOException {
        TlcResult r = run(COUNTER, "SPECIFICATION Spec\n");
        assertEquals(TlcResult.Verdict.VIOLATION, r.verdict(), r.output());
        assertEquals("Deadlock", r.property());
    }

    @Test
    void shouldNameFileAndLineOfAParseError() throws IOException {
        TlcResult r = run(COUNTER.replace("Next == x < 3", "Next == == x < 3"), "SPECIFICATION Spec\n");
        assertEquals(TlcResult.Verdict.ERROR, r.verdict());
        assertTrue(r.specError());
        assertTrue(r.error().startsWith(tmp + "/Counter.tla:5: parse error"), r.error());
        assertEquals(1, r.error().lines().count());
    }

    @Test
    void shouldNameFileAndLineOfAnUnknownOperator() throws IOException {
        TlcResult r = run(COUNTER.replace("x' = x + 1", "x' = Succ(x)"), "SPECIFICATION Spec\n");
        assertTrue(r.specError(), r.output());
        assertTrue(r.error().startsWith(tmp + "/Counter.tla:5: "), r.error());
        assertTrue(r.error().contains("Succ"), r.error());
    }

    @Test
    void shouldReportAMissingCfgWithoutRunningTlc() throws IOException {
        Files.writeString(tmp.resolve("Counter.tla"), COUNTER);
        TlcResult r = new TlcRunner().run(SpecDir.of(tmp),
                new SpecConfig("Counter", "Counter", "Missing.cfg", -1, -1, -1, null));
        assertTrue(r.specError());
        assertEquals(tmp + "/Missing.cfg: no such file", r.error());
    }

    @Test
    void shouldReportAnInvariantTheSpecLacksAsASpecErrorInOneWholeLine() throws IOException {
        TlcResult r = run(COUNTER, "SPECIFICATION Spec\nINVARIANT Bogus\nCHECK_DEADLOCK FALSE\n");
        assertEquals(TlcResult.Verdict.ERROR, r.verdict(), r.output());
        assertTrue(r.specError(), r.output());
        assertEquals(tmp + "/Counter.cfg: the invariant Bogus it names is not defined in the specification",
                r.error());
    }

    @Test
    void shouldReadTheNamesOfACfgSection() {
        List<String> cfg = List.of("SPECIFICATION Spec", "PROPERTIES A \\* first", "  B", "CHECK_DEADLOCK FALSE");
        assertEquals(List.of("A", "B"), TlcOutput.section(cfg, "PROPERTY", "PROPERTIES"));
    }
}
