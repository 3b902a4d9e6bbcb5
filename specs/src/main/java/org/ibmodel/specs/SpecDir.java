package org.ibmodel.specs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A directory holding TLA+ modules and cfg files for TLC: either one in the repository
 * ({@code specs/src/main/tla}) or a temporary copy of the specs built into the jar, which is
 * deleted on {@link #close()}.
 */
public final class SpecDir implements AutoCloseable {
    /** Where the build puts specs/src/main/tla (and specs/src/test/tla in tests). */
    public static final String RESOURCE_DIR = "org/ibmodel/specs/tla/";

    /** The manifest of the configurations every build checks. */
    public static final String MANIFEST = "manifest.json";

    private final Path root;
    private final String label;
    private final boolean temporary;

    private SpecDir(Path root, String label, boolean temporary) {
        this.root = root;
        this.label = label;
        this.temporary = temporary;
    }

    /** The specs in a directory, named in messages by their path. */
    public static SpecDir of(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new SpecException(dir + (Files.exists(dir) ? ": not a directory" : ": no such directory"));
        }
        return new SpecDir(dir, dir + "/", false);
    }

    /**
     * Copies the modules and cfg files listed in the given manifests (resources under
     * {@link #RESOURCE_DIR}) into a temporary directory.
     */
    public static SpecDir fromClasspath(String... manifests) {
        Path tmp;
        try {
            tmp = Files.createTempDirectory("ibmodel-specs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SpecDir dir = new SpecDir(tmp, "", true);
        try {
            Set<String> files = new LinkedHashSet<>();
            for (String m : manifests) {
                files.add(m);
                Manifest manifest = Manifest.parse(resource(m), m);
                files.addAll(manifest.modules());
                for (SpecConfig c : manifest.configs()) {
                    files.add(c.cfg());
                }
            }
            for (String f : files) {
                Files.writeString(tmp.resolve(f), resource(f));
            }
        } catch (IOException | RuntimeException e) {
            dir.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
        return dir;
    }

    private static String resource(String name) {
        try (InputStream in = SpecDir.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new SpecException(name + ": no such file among the built-in specs");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path root() {
        return root;
    }

    /** A file of this directory as messages name it. */
    public String name(String file) {
        return label + file;
    }

    /** Reads a manifest of this directory. */
    public Manifest manifest(String name) {
        Path p = root.resolve(name);
        if (!Files.isRegularFile(p)) {
            throw new SpecException(name(name) + ": no such file");
        }
        try {
            return Manifest.parse(Files.readString(p), name(name));
        } catch (IOException e) {
            throw new SpecException(name(name) + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        if (!temporary) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            List<Path> all = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temporary directory is harmless
        }
    }
}
