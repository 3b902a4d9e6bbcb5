package org.ibmodel.specs.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.ibmodel.traces.TraceReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SANY finds a standard module (Naturals, Sequences, ...) it has no copy of by writing one out of
 * the tools' jar into java.io.tmpdir, a directory every JVM of the machine shares: two builds
 * validating at once rewrite each other's files while SANY reads them, and a spec then fails to
 * parse ("Module-Table lookup failure"). The validator must never go there. A JVM whose tmpdir
 * has a directory where each standard module's file would be written validates a trace only if
 * the validator brings its own copies.
 */
class TraceValidatorTmpdirTest {

    @Test
    void shouldValidateWithoutWritingStandardModulesIntoTheSharedTmpdir(@TempDir Path tmp) throws Exception {
        for (String m : new String[] {"Naturals", "Sequences", "FiniteSets", "TLC", "Integers"}) {
            Files.createDirectories(tmp.resolve(m + ".tla"));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = String.join(File.pathSeparator, where(TraceValidator.class), where(tlc2.TLC.class),
                where(TraceReader.class), where(TraceValidatorTmpdirTest.class));
        ProcessBuilder pb = new ProcessBuilder(java, "-Djava.io.tmpdir=" + tmp, "-cp", cp,
                TraceValidatorTmpdirTest.class.getName());
        pb.redirectErrorStream(true);
        Path log = tmp.resolve("out.log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), Files.readString(log));
    }

    /** Validates the good trace of TraceValidatorTest; exits 0 when it is accepted. */
    public static void main(String[] args) {
        TraceValidator.Verdict v = TraceValidator.validate(SpecTrace.parse("good.ndjson", TraceValidatorTest.GOOD));
        System.out.println(v.ok() ? "accepted" : "refused: " + v.mismatch());
        System.exit(v.ok() ? 0 : 1);
    }

    private static String where(Class<?> c) throws URISyntaxException, IOException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
