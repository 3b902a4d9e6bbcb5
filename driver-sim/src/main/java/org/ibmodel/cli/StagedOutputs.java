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
    /** Directories made for the outputs, deepest first: taken away again unless committed. */
    private final List<Path> madeDirectories = new ArrayList<>();
    /**
     * A run stopped by SIGINT or SIGTERM never reaches {@link #close()}: the JVM's shutdown hooks
     * still run, and this one takes away what close() would.
     */
    private final Thread onExit = new Thread(this::close, "ibmodel: remove unfinished outputs");
    private boolean hooked;

    /** Records directories made for the outputs, deepest first, to take away unless committed. */
    synchronized void madeDirectories(List<Path> dirs) {
        hook();
        madeDirectories.addAll(dirs);
    }

    private void hook() {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(onExit);
            hooked = true;
        }
    }

    /**
     * Where to write what is meant for {@code target}. The hidden file is made now, so that a
     * directory that refuses it says so before the run.
     */
    synchronized Path stage(Path target) throws IOException {
        hook();
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

    /** Renames every staged file over its target; the directories made stay. */
    synchronized void commit() throws IOException {
        for (var it = staged.iterator(); it.hasNext(); ) {
            Staged s = it.next();
            Files.move(s.part(), s.target(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            it.remove();
        }
        madeDirectories.clear();
    }

    /**
     * Takes away the staged files not renamed and the directories made for them: all of them
     * unless {@link #commit()} ran.
     */
    @Override
    public synchronized void close() {
        for (Staged s : staged) {
            delete(s.part());
        }
        staged.clear();
        for (Path d : madeDirectories) {
            delete(d);
        }
        madeDirectories.clear();
        if (hooked && Thread.currentThread() != onExit) {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException shuttingDown) {
                // The hook runs anyway, and finds nothing left to do.
            }
            hooked = false;
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // Best effort: the command's one line already says what went wrong.
        }
    }

    /** What the shutdown hook runs, for tests: as if the JVM were stopped now. */
    void runExitHook() {
        onExit.run();
    }
}
