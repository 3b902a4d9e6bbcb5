package org.ibmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldWalkThroughTheVerbsOnOneHostAndLeaveNothingAllocated() {
        CliRun run = CliRun.of("demo", "--single-host");
        assertEquals(0, run.exit(), run.err());
        String out = run.out();
        assertTrue(out.contains("RESET -> INIT  mask IB_QP_STATE | IB_QP_ACCESS_FLAGS | IB_QP_PKEY_INDEX | IB_QP_PORT"), out);
        assertTrue(out.contains("RTR->RTS without IB_QP_SQ_PSN: EINVAL"), out);
        assertTrue(out.contains("B's buffer now holds \"hello, InfiniBand\""), out);
        assertTrue(out.contains("read back: \"written by RDMA\""), out);
        assertTrue(out.contains("original value returned to A: 37; counter now 42"), out);
        assertTrue(out.contains("status=IB_WC_REM_ACCESS_ERR"), out);
        assertTrue(out.contains("status=IB_WC_WR_FLUSH_ERR"), out);
        // A failed completion has no opcode or length to show (struct ib_wc: only wr_id, status,
        // qp and vendor_err are valid), and a kernel WR's wr_id and wr_cqe are one union.
        assertTrue(out.lines().filter(l -> l.contains("status=IB_WC_") && !l.contains("IB_WC_SUCCESS"))
                .noneMatch(l -> l.contains("opcode=") || l.contains("byte_len=")), out);
        assertTrue(out.contains("in the kernel's ib_recv_wr, ib_send_wr and ib_wc the two are one union"), out);
        assertTrue(out.contains("ib_destroy_cq while QPs use it: EBUSY"), out);
        assertTrue(out.contains("0 objects left allocated"), out);
    }

    @Test
    void shouldPrintOnlyTheSummaryWhenQuiet() {
        CliRun run = CliRun.of("demo", "--single-host", "--quiet");
        assertEquals(0, run.exit());
        assertEquals(1, run.out().lines().count(), run.out());
        assertTrue(run.out().startsWith("summary:"), run.out());
    }

    @Test
    void shouldBeDeterministic() {
        assertEquals(CliRun.of("demo", "--single-host").out(), CliRun.of("demo", "--single-host").out());
    }

    /** The single-host walk draws nothing at random, so a seed given to it is refused, not ignored. */
    @Test
    void shouldRefuseASeedForTheSingleHostWalk() {
        CliRun run = CliRun.of("demo", "--single-host", "--seed", "5");
        assertEquals(2, run.exit(), run.err());
        assertEquals("", run.out());
        assertTrue(run.err().contains("--seed"), run.err());
    }

    /** A refused command line changes nothing on disk: files given to it keep what they held. */
    @Test
    void shouldLeaveAnExistingCaptureAndTraceAloneWhenRefused() throws IOException {
        Path pcap = Files.writeString(dir.resolve("old.pcap"), "an earlier capture");
        Path trace = Files.writeString(dir.resolve("old.trace"), "an earlier trace");
        CliRun run = CliRun.of("demo", "--single-host", "--pcap", pcap.toString(), "--trace", trace.toString());
        assertEquals(2, run.exit(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("--pcap needs the fabric"), run.err());
        assertEquals("an earlier capture", Files.readString(pcap));
        assertEquals("an earlier trace", Files.readString(trace));
        CliRun catas = CliRun.of("demo", "--single-host", "--catas", "--trace", trace.toString());
        assertEquals(2, catas.exit(), catas.err());
        assertEquals("an earlier trace", Files.readString(trace));
    }

    /** Two outputs to one file would leave one of them lost: refused before anything is written. */
    @Test
    void shouldRefuseTwoOutputsToOneFile() throws IOException {
        Path same = Files.writeString(dir.resolve("same"), "an earlier file");
        for (String[] refused : new String[][] {
            {"demo", "--pcap", same.toString(), "--trace", same.toString()},
            {"demo", "--trace", same.toString(), "--spec-trace", dir.resolve(".").resolve("same").toString()},
            {"demo", "--pcap", dir.resolve("h").resolve("index.html").toString(), "--html", dir.resolve("h").toString()},
        }) {
            CliRun run = CliRun.of(refused);
            assertEquals(2, run.exit(), run.err());
            assertEquals(1, run.err().lines().count(), run.err());
            assertTrue(run.err().contains("the same file"), run.err());
            assertEquals("an earlier file", Files.readString(same));
        }
    }

    /**
     * A trace or capture named by a directory cannot be written: refused before the run, not
     * found out at its end after the summary has spoken of the other outputs.
     */
    @Test
    void shouldRefuseADirectoryGivenForAFileBeforeTheRun() {
        for (String option : new String[] {"--trace", "--spec-trace", "--pcap"}) {
            Path pcap = dir.resolve("a.pcap");
            CliRun run = option.equals("--pcap") ? CliRun.of("demo", "--quiet", option, dir.toString())
                    : CliRun.of("demo", "--quiet", "--pcap", pcap.toString(), option, dir.toString());
            assertEquals(2, run.exit(), option + ": " + run.err());
            assertEquals("", run.out(), option + ": no summary, the demo did not run");
            assertEquals(1, run.err().lines().count(), run.err());
            assertTrue(run.err().contains("a directory is there"), run.err());
            assertFalse(Files.exists(pcap), option);
        }
    }

    /** An HTML page that could not be written at the end is refused before the run. */
    @Test
    void shouldRefuseAnHtmlDirectoryWhoseIndexIsADirectory() throws IOException {
        Path html = Files.createDirectories(dir.resolve("hx").resolve("index.html")).getParent();
        Path trace = dir.resolve("new.trace");
        CliRun run = CliRun.of("demo", "--quiet", "--html", html.toString(), "--trace", trace.toString());
        assertEquals(2, run.exit(), run.err());
        assertEquals("", run.out(), "no summary: the demo did not run");
        assertTrue(run.err().contains("index.html is a directory"), run.err());
        assertFalse(Files.exists(trace));
    }

    /** A capture that cannot be written out at the end is one line on stderr, not a stack trace. */
    @Test
    void shouldSayWhenTheCaptureCannotBeWritten() {
        Path full = Path.of("/dev/full");
        Assumptions.assumeTrue(Files.isWritable(full), "/dev/full is not there to fill");
        CliRun run = CliRun.of("demo", "--quiet", "--pcap", full.toString());
        assertEquals(2, run.exit(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("ibmodel: cannot write /dev/full"), run.err());
    }

    @Test
    void shouldNotMakeTheHtmlDirectoryWhenRefused() {
        Path html = dir.resolve("report");
        for (String[] refused : new String[][] {
            {"demo", "--single-host", "--catas", "--html", html.toString()},
            {"demo", "--lose", "no such packet", "--html", html.toString()},
        }) {
            CliRun run = CliRun.of(refused);
            assertEquals(2, run.exit(), run.err());
            assertEquals(1, run.err().lines().count(), run.err());
            assertFalse(Files.exists(html), String.join(" ", refused) + " made " + html);
        }
    }

    /**
     * The outputs are made one after the other before the run: when a later one cannot be, an
     * earlier one keeps what it held, and what was made for the refused command is gone again.
     */
    @Test
    void shouldUndoTheOutputsMadeWhenALaterOneCannotBe() throws IOException {
        Path plain = Files.writeString(dir.resolve("plain"), "x");
        String unwritable = plain.resolve("out.trace").toString();
        Path old = Files.writeString(dir.resolve("old.pcap"), "an earlier capture");
        CliRun kept = CliRun.of("demo", "--quiet", "--pcap", old.toString(), "--trace", unwritable);
        assertEquals(2, kept.exit(), kept.err());
        assertEquals(1, kept.err().lines().count(), kept.err());
        assertTrue(kept.err().contains("--trace") && kept.err().contains("cannot write it"), kept.err());
        assertEquals("an earlier capture", Files.readString(old));

        Path pcap = dir.resolve("new.pcap");
        Path html = dir.resolve("report/ladder");
        CliRun undone = CliRun.of("demo", "--quiet", "--html", html.toString(), "--pcap", pcap.toString(),
                "--trace", unwritable);
        assertEquals(2, undone.exit(), undone.err());
        assertEquals("", undone.out(), "nothing ran");
        assertFalse(Files.exists(pcap), "the capture made for the refused command is left");
        assertFalse(Files.exists(dir.resolve("report")), "the directories made for the refused command are left");
        assertEquals(java.util.List.of(), partFiles(), "staged outputs left behind");
    }

    /**
     * An output that fails after the run (/dev/full as a full disk) leaves the others as they
     * were: an earlier capture keeps its bytes, a new page is not made, nothing half written stays.
     */
    @Test
    void shouldLeaveEveryOutputAsItWasWhenOneFailsAfterTheRun() throws IOException {
        Path full = Path.of("/dev/full");
        Assumptions.assumeTrue(Files.isWritable(full), "/dev/full is not there to fill");
        Path old = Files.writeString(dir.resolve("old.pcap"), "an earlier capture");
        Path html = dir.resolve("report");
        CliRun run = CliRun.of("demo", "--quiet", "--pcap", old.toString(), "--html", html.toString(),
                "--trace", full.toString());
        assertEquals(2, run.exit(), run.err());
        assertTrue(run.err().startsWith("ibmodel: cannot write /dev/full"), run.err());
        assertTrue(run.out().startsWith("summary:"), "the demo ran: " + run.out());
        assertEquals("an earlier capture", Files.readString(old));
        assertFalse(Files.exists(html), "the page's directory was made for a run whose outputs failed");
        assertEquals(java.util.List.of(), partFiles(), "staged outputs left behind");
    }

    /** A run that succeeds replaces the outputs and leaves none of its staged files. */
    @Test
    void shouldReplaceTheOutputsWhenTheRunSucceeds() throws IOException {
        Path old = Files.writeString(dir.resolve("old.pcap"), "an earlier capture");
        Path trace = dir.resolve("t.trace");
        CliRun run = CliRun.of("demo", "--quiet", "--pcap", old.toString(), "--trace", trace.toString());
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("capture in " + old), run.out());
        assertTrue(Files.size(old) > 1000, "the capture was not written over the earlier one");
        assertTrue(Files.readString(trace).startsWith("# tracer: nop"), "no trace written");
        assertEquals(java.util.List.of(), partFiles(), "staged outputs left behind");
    }

    private java.util.List<Path> partFiles() throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
        }
    }
}
