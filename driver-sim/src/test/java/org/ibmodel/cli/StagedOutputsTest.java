package org.ibmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagedOutputsTest {
    @TempDir
    Path dir;

    @Test
    void shouldLeaveTheTargetsAloneUntilCommitted() throws IOException {
        Path a = Files.writeString(dir.resolve("a"), "old a");
        Path b = dir.resolve("b");
        try (StagedOutputs s = new StagedOutputs()) {
            Path pa = s.stage(a);
            Path pb = s.stage(b);
            assertNotEquals(a, pa);
            Files.writeString(pa, "new a");
            Files.writeString(pb, "new b");
            assertEquals("old a", Files.readString(a));
            assertFalse(Files.exists(b));
        }
        assertEquals("old a", Files.readString(a));
        assertFalse(Files.exists(b));
        try (var left = Files.list(dir)) {
            assertEquals(1, left.count(), "a staged file outlived its close");
        }
    }

    @Test
    void shouldReplaceTheTargetsOnCommitAndKeepALinkALink() throws IOException {
        Path real = Files.writeString(dir.resolve("real"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link"), real.getFileName());
        try (StagedOutputs s = new StagedOutputs()) {
            Files.writeString(s.stage(link), "new");
            s.commit();
        }
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("new", Files.readString(real));
        try (var left = Files.list(dir)) {
            assertEquals(2, left.count());
        }
    }

    /** Renaming over /dev/null would replace the device with a file: it is written in place. */
    @Test
    void shouldWriteADeviceInPlace() throws IOException {
        Path devNull = Path.of("/dev/null");
        Assumptions.assumeTrue(Files.exists(devNull) && !Files.isRegularFile(devNull), "no /dev/null");
        try (StagedOutputs s = new StagedOutputs()) {
            assertEquals(devNull, s.stage(devNull));
        }
    }

    /**
     * A run stopped by SIGINT or SIGTERM never closes its outputs; the JVM's shutdown hook takes
     * away the hidden files and the directories made for them, and after a commit nothing.
     */
    @Test
    void shouldTakeAwayWhatWasNotCommittedWhenTheJvmStops() throws IOException {
        Path made = dir.resolve("html");
        Files.createDirectories(made);
        StagedOutputs stopped = new StagedOutputs();
        stopped.madeDirectories(java.util.List.of(made));
        Path part = stopped.stage(made.resolve("index.html"));
        Path pcap = stopped.stage(dir.resolve("out.pcap"));
        assertTrue(Files.exists(part) && Files.exists(pcap));
        stopped.runExitHook();
        assertFalse(Files.exists(part), "the page's hidden file");
        assertFalse(Files.exists(pcap), "the capture's hidden file");
        assertFalse(Files.exists(made), "the directory made for the page");
        stopped.close();

        try (StagedOutputs done = new StagedOutputs()) {
            Path out = dir.resolve("kept.pcap");
            Files.writeString(done.stage(out), "capture");
            done.commit();
            done.runExitHook();
            assertEquals("capture", Files.readString(out));
        }
    }
}
