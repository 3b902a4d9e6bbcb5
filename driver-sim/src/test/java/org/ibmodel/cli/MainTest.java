package org.ibmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void shouldExitWithUsageOnUnknownSubcommand() {
        // Bad usage is one line on stderr, pointing at the help that says more.
        CliRun run = CliRun.of("qqqq");
        assertEquals(2, run.exit());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("ibmodel: Unmatched argument"), run.err());
        assertTrue(run.err().contains("(see 'ibmodel --help')"), run.err());
        CliRun both = CliRun.of("qp-table", "--json", "--dot");
        assertEquals(2, both.exit());
        assertEquals(1, both.err().lines().count(), both.err());
        assertTrue(both.err().contains("(see 'ibmodel qp-table --help')"), both.err());
        assertTrue(both.err().startsWith("ibmodel: --json, --dot are mutually exclusive"), "one prefix: " + both.err());
    }

    /** --help does not hide a word the command does not know: `ibmodel run --help` is bad usage. */
    @Test
    void shouldExitWithUsageOnUnknownSubcommandEvenWithHelp() {
        CliRun run = CliRun.of("run", "--help");
        assertEquals(2, run.exit(), run.out());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("ibmodel: Unmatched argument"), run.err());
        assertTrue(run.err().contains("'run'"), run.err());
        CliRun extra = CliRun.of("demo", "extra", "--help");
        assertEquals(2, extra.exit(), extra.out());
        assertTrue(extra.err().contains("(see 'ibmodel demo --help')"), extra.err());
    }

    /** Output that cannot be written (a full disk, a closed pipe) is no success. */
    @Test
    void shouldExitTwoWhenStandardOutputCannotBeWritten() {
        java.io.OutputStream full = new java.io.OutputStream() {
            @Override
            public void write(int b) throws java.io.IOException {
                throw new java.io.IOException("No space left on device");
            }
        };
        java.io.StringWriter err = new java.io.StringWriter();
        int exit = Main.execute(new java.io.PrintWriter(full, true), new java.io.PrintWriter(err, true), "qp-table");

        assertEquals(2, exit);
        assertEquals("ibmodel: cannot write standard output; what was printed is incomplete\n", err.toString());
    }

    /** A missing input file is said one way, whichever command was given it. */
    @Test
    void shouldNameAMissingFileTheSameWayInEveryCommand() {
        for (String command : List.of("replay", "validate", "uverbs-exec")) {
            CliRun run = CliRun.of(command, "/nonexistent/input");
            assertEquals(2, run.exit(), command);
            assertEquals("ibmodel: /nonexistent/input: no such file\n", run.err(), command);
        }
    }

    /** A trace saved as UTF-16 is named as such, not taken for binary data. */
    @Test
    void shouldNameAUtf16TraceAsSuch(@org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
        Path t = dir.resolve("utf16.trace");
        Files.write(t, "# tracer: nop\n".getBytes(java.nio.charset.StandardCharsets.UTF_16));
        CliRun run = CliRun.of("replay", t.toString());
        assertEquals(2, run.exit());
        assertEquals("ibmodel: " + t + ": UTF-16 text; ftrace writes UTF-8 (iconv -f UTF-16 -t UTF-8 converts it)\n",
                run.err());
    }

    @Test
    void shouldExitWithUsageOnUnknownFlag() {
        CliRun run = CliRun.of("demo", "--no-such-flag");
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("--no-such-flag"), run.err());
    }

    @Test
    void shouldExitWithUsageWithoutSubcommand() {
        CliRun run = CliRun.of();
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("a subcommand is required"), run.err());
    }

    @Test
    void shouldPrintHelpForEverySubcommand() {
        for (String sub : new String[] {"demo", "qp-table", "check", "replay", "validate", "uverbs-exec"}) {
            CliRun run = CliRun.of(sub, "--help");
            assertEquals(0, run.exit(), sub);
            assertTrue(run.out().contains("Usage: ibmodel " + sub), run.out());
        }
    }

    /** A document the help sends the reader to must be in the repository. */
    @Test
    void shouldNameInTheHelpOnlyDocumentsTheRepositoryHas() {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("README.md"))) {
            root = root.getParent();
        }
        assertNotNull(root, "the repository above " + System.getProperty("user.dir"));
        for (String sub : new String[] {"demo", "qp-table", "check", "replay", "validate", "uverbs-exec"}) {
            String help = CliRun.of(sub, "--help").out();
            Matcher doc = Pattern.compile("[\\w./-]+\\.md\\b").matcher(help);
            while (doc.find()) {
                assertTrue(Files.isRegularFile(root.resolve(doc.group())), sub + " --help names " + doc.group());
            }
        }
    }

    @Test
    void shouldPrintVersion() {
        CliRun run = CliRun.of("--version");
        assertEquals(0, run.exit());
        assertTrue(run.out().startsWith("ibmodel "), run.out());
    }

    /** Every subcommand's help offers -V, --version: each prints what ibmodel -V does. */
    @Test
    void shouldPrintTheVersionFromEverySubcommand() {
        String version = CliRun.of("-V").out();
        for (String sub : List.of("demo", "replay", "validate", "check", "qp-table", "uverbs-exec")) {
            CliRun run = CliRun.of(sub, "-V");
            assertEquals(0, run.exit(), sub);
            assertEquals(version, run.out(), sub);
        }
    }

    /** A file that cannot be read is said with strerror's reason, not its path a second time. */
    @Test
    void shouldSayWhyAFileCannotBeRead() {
        assertEquals("Permission denied", Main.readFailure(new java.nio.file.AccessDeniedException("/x")));
        assertEquals("no such file", Main.readFailure(new java.nio.file.NoSuchFileException("/x")));
        assertEquals("Is a directory", Main.readFailure(new java.nio.file.FileSystemException("/x", null,
                "Is a directory")));
    }
}
