package org.ibmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What check promises in its --help and README.md's CLI section: rows, JSON, exit codes, one-line errors. */
class CheckCommandTest {
    private static final Pattern ROW = Pattern.compile(
            "\\{\"spec\":\"(\\w+)\",\"cfg\":\"([\\w.]+)\",\"generated\":(\\d+),\"distinct\":(\\d+),\"depth\":(\\d+),"
                    + "\"result\":\"(ok|violation|error)\",\"property\":(null|\"\\w+\"),\"seconds\":\\d+\\.\\d+}");

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

    private void counterSpecs(String module, String cfgFile, String cfg) throws IOException {
        Files.writeString(tmp.resolve("Counter.tla"), module);
        Files.writeString(tmp.resolve("Counter.cfg"), cfg);
        Files.writeString(tmp.resolve("manifest.json"), "{\"modules\":[\"Counter.tla\"],\"configs\":["
                + "{\"spec\":\"Counter\",\"module\":\"Counter\",\"cfg\":\"" + cfgFile + "\"}]}");
    }

    @Test
    void shouldPrintOneJsonRowForTheBuiltInQpStateMachine() {
        CliRun run = CliRun.of("check", "--json", "MCQpStateMachine.cfg");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().startsWith("{\"configs\":[{"), run.out());
        var m = ROW.matcher(run.out());
        assertTrue(m.find(), run.out());
        assertEquals("QpStateMachine", m.group(1));
        assertEquals("MCQpStateMachine.cfg", m.group(2));
        assertEquals("5357", m.group(3));
        assertEquals("716", m.group(4));
        assertEquals("12", m.group(5));
        assertEquals("ok", m.group(6));
        assertEquals("null", m.group(7));
        assertTrue(run.out().endsWith("]}\n"), run.out());
    }

    @Test
    void shouldPrintATableRowPerConfig() {
        CliRun run = CliRun.of("check", "MCQpStateMachine.cfg");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().lines().findFirst().orElse("").matches("spec\\s+cfg\\s+generated\\s+distinct\\s+depth\\s+result\\s+seconds"),
                run.out());
        assertTrue(run.out().lines().skip(1).findFirst().orElse("")
                .matches("QpStateMachine\\s+MCQpStateMachine.cfg\\s+5357\\s+716\\s+12\\s+ok\\s+\\d+\\.\\d"), run.out());
    }

    @Test
    void shouldExitOneAndNameTheViolatedProperty() throws IOException {
        counterSpecs(COUNTER, "Counter.cfg", "SPECIFICATION Spec\nINVARIANT Small\nCHECK_DEADLOCK FALSE\n");
        CliRun run = CliRun.of("check", "--json", "--dir", tmp.toString());
        assertEquals(1, run.exit(), run.err());
        assertTrue(run.out().contains("\"result\":\"violation\",\"property\":\"Small\""), run.out());
        assertEquals("ibmodel: Counter.cfg: violates Small\n", run.err());
    }

    @Test
    void shouldExitTwoWithFileAndLineForASpecThatDoesNotParse() throws IOException {
        counterSpecs(COUNTER.replace("Init == x = 0", "Init == == x = 0"), "Counter.cfg", "SPECIFICATION Spec\n");
        CliRun run = CliRun.of("check", "--dir", tmp.toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().startsWith("ibmodel: " + tmp + "/Counter.tla:4: parse error"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(!run.err().contains("Exception"), run.err());
    }

    /** A cfg TLC cannot read names its line, exit 2, as a module that does not parse. */
    @Test
    void shouldExitTwoWithFileAndLineForACfgThatDoesNotParse() throws IOException {
        counterSpecs(COUNTER, "Counter.cfg", "GARBAGE LINE\nSPECIFICATION Spec\n");
        CliRun run = CliRun.of("check", "--dir", tmp.toString());
        assertEquals(2, run.exit(), run.out() + run.err());
        assertEquals("ibmodel: " + tmp + "/Counter.cfg:1: It was expecting a keyword, but did not find it.\n",
                run.err());
    }

    @Test
    void shouldExitTwoForAMissingCfg() throws IOException {
        counterSpecs(COUNTER, "Missing.cfg", "SPECIFICATION Spec\n");
        CliRun run = CliRun.of("check", "--dir", tmp.toString());
        assertEquals(2, run.exit());
        assertEquals("ibmodel: " + tmp + "/Missing.cfg: no such file\n", run.err());
    }

    @Test
    void shouldExitTwoForAnUnknownConfigOrDirectory() throws IOException {
        CliRun run = CliRun.of("check", "NoSuch.cfg");
        assertEquals(2, run.exit());
        assertTrue(run.err().startsWith("ibmodel: NoSuch.cfg: not a configuration in manifest.json; one of: "),
                run.err());
        assertTrue(run.err().contains("MCQpStateMachine.cfg"), "the ones there are, named: " + run.err());
        CliRun dir = CliRun.of("check", "--dir", tmp.resolve("nope").toString());
        assertEquals(2, dir.exit());
        assertEquals("ibmodel: " + tmp.resolve("nope") + ": no such directory\n", dir.err());
        Files.writeString(tmp.resolve("afile"), "x");
        CliRun file = CliRun.of("check", "--dir", tmp.resolve("afile").toString());
        assertEquals(2, file.exit());
        assertEquals("ibmodel: " + tmp.resolve("afile") + ": not a directory\n", file.err());
    }

    /** A manifest that lists nothing to check is bad input, not a pass. */
    @Test
    void shouldExitTwoForAManifestWithNoConfiguration() throws IOException {
        Files.writeString(tmp.resolve("manifest.json"), "{\"modules\":[],\"configs\":[]}");
        CliRun run = CliRun.of("check", "--dir", tmp.toString());
        assertEquals(2, run.exit());
        assertEquals("ibmodel: " + tmp + "/manifest.json: \"configs\" lists no configuration to check\n", run.err());
        assertEquals("", run.out());
    }

    /** The cfg names an invariant the module does not define: bad input, the whole sentence. */
    @Test
    void shouldExitTwoForAnInvariantTheSpecDoesNotDefine() throws IOException {
        counterSpecs(COUNTER, "Counter.cfg", "SPECIFICATION Spec\nINVARIANT Bogus\n");
        CliRun run = CliRun.of("check", "--dir", tmp.toString());
        assertEquals(2, run.exit(), run.err());
        assertEquals("ibmodel: " + tmp + "/Counter.cfg: the invariant Bogus it names is not defined in the"
                + " specification\n", run.err());
    }

    /** A configuration named twice is checked once. */
    @Test
    void shouldCheckAConfigurationNamedTwiceOnce() {
        CliRun run = CliRun.of("check", "--json", "MCQpStateMachine.cfg", "MCQpStateMachine.cfg");
        assertEquals(0, run.exit(), run.err());
        assertEquals(1, run.out().split("\"cfg\"", -1).length - 1, run.out());
    }

    @Test
    void shouldRefuseFewerThanOneJob() {
        for (String j : new String[] {"0", "-1"}) {
            CliRun run = CliRun.of("check", "-j", j, "MCQpStateMachine.cfg");
            assertEquals(2, run.exit(), run.out() + run.err());
            assertEquals("ibmodel: -j " + j + ": at least one TLC run at a time\n", run.err());
        }
    }
}
