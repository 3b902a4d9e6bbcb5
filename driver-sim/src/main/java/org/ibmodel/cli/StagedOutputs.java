package org.ibmodel.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The files one command writes, each written under a hidden name beside it and renamed over it
 * only once every one of them is complete: a run that fails part way (a full disk, a capture that
 * cannot be written) leaves every output as it was before, and no half-written file behind. A
 * target that exists and is not a regular file (/dev/stdout, a FIFO) is written in place, as
 * renaming over it would replace the device with a file.
 */
final class StagedOutputs implements AutoCloseable {
    private record Staged(Path target, Path part) {
    }

    private final List<Staged> staged = new ArrayList<>();

    /**
     * Where to write what is meant for {@code target}. The hidden file is made now, so that a
     * directory that refuses it says so before the run.
     */
    Path stage(Path target) throws IOException {
        Path real = target;
        if (Files.exists(target)) {
            if (!Files.isRegularFile(target)) {
                return target;
            }
            // Renamed onto the file a link names, the link stays a link.
            real = target.toRealPath();
        }
        Path dir = real.toAbsolutePath().getParent();
        String name = real.getFileName().toString();
        for (int n = 0; ; n++) {
            Path part = dir.resolve("." + name + (n == 0 ? "" : "." + n) + ".part");
            try {
                Files.createFile(part);
            } catch (FileAlreadyExistsException e) {
                continue;
            }
            staged.add(new Staged(real, part));
            return part;
        }
    }

    /** Renames every staged file over its target. */
    void commit() throws IOException {
        for (var it = staged.iterator(); it.hasNext(); ) {
            Staged s = it.next();
            Files.move(s.part(), s.target(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            it.remove();
        }
    }

    /** Takes away the staged files not renamed: all of them unless {@link #commit()} ran. */
    @Override
    public void close() {
        for (Staged s : staged) {
            try {
                Files.deleteIfExists(s.part());
            } catch (IOException ignored) {
                // Best effort: the command's one line already says what went wrong.
            }
        }
        staged.clear();
    }
}
