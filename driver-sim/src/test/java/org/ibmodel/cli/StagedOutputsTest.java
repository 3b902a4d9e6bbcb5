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
}
