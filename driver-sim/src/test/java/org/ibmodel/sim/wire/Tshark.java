package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * tshark for the capture tests: whether it is installed, what a test does when it is not
 * (skipped with the reason, or failed when -Dibmodel.requireTshark=true or the environment
 * variable IBMODEL_REQUIRE_TSHARK, which .ci/run sets, requires it), and one decode of a pcap.
 */
public final class Tshark {
    public static final String REQUIRE = "ibmodel.requireTshark";

    private Tshark() {
    }

    /** Why tshark cannot run, or null when it can. */
    public static String missing() {
        try {
            Process p = new ProcessBuilder("tshark", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "tshark --version did not finish in 60 s";
            }
            return p.exitValue() == 0 ? null : "tshark --version exited " + p.exitValue();
        } catch (IOException e) {
            return "cannot run tshark: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Per test, so a missing tshark shows as skipped tests with the reason in the report. */
    public static void require(String missing) {
        if (missing == null) {
            return;
        }
        if (Boolean.getBoolean(REQUIRE) || System.getenv("IBMODEL_REQUIRE_TSHARK") != null) {
            fail("tshark not installed but it is required (" + REQUIRE + "): " + missing);
        }
        Assumptions.abort("tshark not installed: " + missing
                + " (apt-get install tshark; -D" + REQUIRE + "=true makes this a failure)");
    }

    /** The non-blank lines tshark prints for {@code pcap} with {@code args}; output goes through {@code tmp}. */
    public static List<String> run(Path tmp, Path pcap, String... args) throws IOException, InterruptedException {
        // Wireshark's RPC-over-RDMA heuristic claims every RC SEND payload and reports short ones
        // as malformed RPC-over-RDMA; the packets themselves are what is under test.
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", pcap.toString(), "--disable-protocol", "rpcordma"));
        cmd.addAll(List.of(args));
        return lines(tmp, cmd);
    }

    /** As {@link #run}, with every dissector tshark enables by default, as a user opening the file sees it. */
    public static List<String> runAsIs(Path tmp, Path pcap, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", pcap.toString()));
        cmd.addAll(List.of(args));
        return lines(tmp, cmd);
    }

    private static List<String> lines(Path tmp, List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "tshark", ".out");
        Path err = Files.createTempFile(tmp, "tshark", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + " did not finish in 120 s");
        }
        if (p.exitValue() != 0) {
            fail(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + Files.readString(err, StandardCharsets.UTF_8));
        }
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                lines.add(line);
            }
        }
        return lines;
    }
}
