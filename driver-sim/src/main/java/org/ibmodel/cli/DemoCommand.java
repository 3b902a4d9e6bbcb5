package org.ibmodel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ibmodel.report.HtmlReport;
import org.ibmodel.sim.wire.Opcode;
import org.ibmodel.sim.world.Narrator;
import org.ibmodel.sim.world.PingPongTour;
import org.ibmodel.sim.world.VerbsTour;
import org.ibmodel.traces.Layout;
import org.ibmodel.traces.TraceBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ibmodel demo}: the main job on built-in defaults. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"ibv_rc_pingpong between processes on two hosts through a switch, narrated.",
            "",
            "Each host's HCA driver brings its device up and uverbs serves it; a process",
            "on each host opens /dev/infiniband/uverbs0 through the verbs library, makes",
            "a PD, an MR, a completion channel, a CQ and an RC QP, the two exchange",
            "LID/QPN/PSN out of band, connect (INIT->RTR->RTS) and ping-pong on",
            "completion events; then an RDMA WRITE, an RDMA READ and a FETCH_AND_ADD run.",
            "Each is shown from the verb and its uverbs command to the packets and the",
            "completions. --single-host walks the kernel verbs on one host's in-memory",
            "device instead. Exit code 1, with the reason on stderr, if a completion",
            "fails (rc_pingpong returns 1), data arrive wrong or any object or uverbs",
            "file is left."})
final class DemoCommand implements Callable<Integer> {
    /** Why the last run failed beyond what it left allocated, or null. */
    private String failure;

    /** Entries the trace buffer keeps; the oldest are overwritten beyond this, as in ftrace. */
    static final int TRACE_ENTRIES = 1 << 16;

    @Option(names = "--quiet", description = "print only the summary line")
    boolean quiet;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "write the kernel's tracepoints (of host h0) to FILE as /sys/kernel/tracing/trace shows them")
    Path trace;

    @Option(names = "--spec-trace", paramLabel = "FILE",
            description = "write the firmware commands of the client's HCA driver to FILE as a trace of the "
                    + "HcaCommands TLA+ spec (NDJSON); ibmodel validate FILE checks it")
    Path specTrace;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "seed of the simulated world (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--pcap", paramLabel = "FILE",
            description = "capture every packet on the fabric to FILE (pcap, ERF records; tshark reads it)")
    Path pcap;

    @Option(names = "--html", paramLabel = "DIR",
            description = "also write DIR/index.html: every step, with a ladder diagram of its packets on the wire")
    Path html;

    @Option(names = "--lose", paramLabel = "PACKET",
            description = "lose on the wire the first RC packet of this IBTA name (\"RDMA WRITE Middle\", "
                    + "\"Acknowledge\", \"ATOMIC Acknowledge\") and watch the transport recover; given again, "
                    + "the first of the next name after that one (a WRITE Middle, then its NAK)")
    List<String> lose = new ArrayList<>();

    @Option(names = "--single-host", description = "the verbs on one host's in-memory device, no fabric")
    boolean singleHost;

    @Option(names = "--catas", description = "then a catastrophic error of the client's HCA: the driver's poll, "
            + "the reset, the processes told and taken off the device, the device back, a new ping-pong")
    boolean catas;

    @Option(names = "--hang", description = "then the firmware of the client's HCA stops answering commands: "
            + "the driver's next command times out after 60 s of virtual time, the reset, the device back, a new "
            + "ping-pong")
    boolean hang;

    @Option(names = "--mads", description = "then ib_core's MAD layer on both hosts: the client's kernel asks the "
            + "server's HCA for its NodeInfo along a directed route (as smpquery -D does) and for its port counters "
            + "(as perfquery does), through the switch, process_mad and the firmware's agents, then sets its "
            + "P_Key table as an SM's partition manager does")
    boolean mads;

    @Spec
    CommandSpec spec;

    /** Why a file or directory could not be made, in words. */
    private static String why(IOException e) {
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                : e instanceof java.nio.file.FileAlreadyExistsException ? "a file is in the way"
                : e instanceof java.nio.file.NoSuchFileException ? "no such directory to hold it"
                : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                : e.getClass().getSimpleName();
    }

    /** The directories {@code dir} needs made, deepest first, so they can be removed in that order. */
    private static List<Path> missingDirectories(Path dir) {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(p);
        }
        return missing;
    }

    /** Whether two output options name one file (both given, the same path or, existing, the same file). */
    private static boolean sameFile(Path a, Path b) {
        if (a == null || b == null) {
            return false;
        }
        if (a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize())) {
            return true;
        }
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // Every check of the command line comes before anything is made on disk, so that a refused
        // one changes nothing: an existing capture or trace is not emptied, no directory is left.
        if (singleHost) {
            if (pcap != null) {
                throw new BadInputException("--pcap needs the fabric: drop --single-host");
            }
            if (catas) {
                throw new BadInputException("--catas needs the HCA: drop --single-host");
            }
            if (hang) {
                throw new BadInputException("--hang needs the HCA: drop --single-host");
            }
            if (specTrace != null) {
                throw new BadInputException("--spec-trace needs the HCA: drop --single-host");
            }
            if (!lose.isEmpty()) {
                throw new BadInputException("--lose needs the fabric: drop --single-host");
            }
            if (mads) {
                throw new BadInputException("--mads needs the fabric: drop --single-host");
            }
            // The in-memory device's walk draws nothing at random: a seed would change nothing.
            if (spec.commandLine().getParseResult().hasMatchedOption("--seed")) {
                throw new BadInputException("--seed picks the fabric's PSNs and data: drop --single-host");
            }
        }
        List<Opcode> lost = new ArrayList<>();
        for (String name : lose) {
            Opcode op = PingPongTour.rcOpcode(name);
            if (op == null) {
                throw new BadInputException("--lose: no RC packet is called '" + name + "'; one of: "
                        + String.join(", ", PingPongTour.rcOpcodeNames()));
            }
            lost.add(op);
        }
        if (catas && hang) {
            throw new BadInputException("--catas and --hang each end the first ping-pong: give one of them");
        }
        Object[][] files = {{"--pcap", pcap}, {"--trace", trace}, {"--spec-trace", specTrace},
            {"--html", html == null ? null : html.resolve("index.html")}};
        for (int i = 0; i < files.length; i++) {
            for (int j = i + 1; j < files.length; j++) {
                if (sameFile((Path) files[i][1], (Path) files[j][1])) {
                    throw new BadInputException(files[i][0] + " and " + files[j][0] + " name the same file, "
                            + files[i][1] + ": one would lose the other");
                }
            }
        }
        if (html != null && Files.exists(html) && !Files.isDirectory(html)) {
            throw new BadInputException("--html " + html + ": not a directory");
        }
        if (html != null && Files.isDirectory(html.resolve("index.html"))) {
            throw new BadInputException("--html " + html + ": its index.html is a directory");
        }
        // Every output is staged before the run, under a hidden name beside it (StagedOutputs), so
        // that one the run cannot write stops the demo before it starts, with one line, and a
        // failure later (a full disk) leaves every existing output as it was and nothing half made.
        List<Path> made = html == null ? List.of() : missingDirectories(html);
        try (StagedOutputs staging = new StagedOutputs()) {
            Path htmlOut = null;
            if (html != null) {
                staging.madeDirectories(made);
                try {
                    Files.createDirectories(html);
                } catch (IOException e) {
                    throw new BadInputException("--html " + html + ": cannot make the directory (" + why(e) + ")");
                }
                htmlOut = stage(staging, "--html", html, html.resolve("index.html"));
            }
            Path pcapOut = stage(staging, "--pcap", pcap, pcap);
            Path traceOut = stage(staging, "--trace", trace, trace);
            Path specOut = stage(staging, "--spec-trace", specTrace, specTrace);
            int leaked = run(out, lost, pcapOut, traceOut, specOut, htmlOut);
            try {
                staging.commit();
            } catch (IOException e) {
                throw new BadInputException("cannot write the outputs: " + e.getMessage());
            }
            if (leaked == 0) {
                return Main.EXIT_OK;
            }
            // Exit 1 says something went wrong; stderr says what, whatever --quiet left out.
            PrintWriter err = spec.commandLine().getErr();
            err.println("ibmodel: demo: " + (failure != null ? failure
                    : "objects or uverbs files left allocated (see the summary line)"));
            err.flush();
            return Main.EXIT_CHECK_FAILED;
        }
    }

    /** Stages {@code file} for {@code option}, given as {@code given}; null when the option is not. */
    private static Path stage(StagedOutputs staging, String option, Path given, Path file) {
        if (given == null) {
            return null;
        }
        if (Files.isDirectory(file)) {
            throw new BadInputException(option + " " + given + ": cannot write it (a directory is there)");
        }
        try {
            if (Files.isRegularFile(file) && !Files.isWritable(file)) {
                throw new java.nio.file.AccessDeniedException(file.toString());
            }
            return staging.stage(file);
        } catch (IOException e) {
            throw new BadInputException(option + " " + given + ": cannot write it (" + why(e) + ")");
        }
    }

    /** The demo itself, its outputs written to the staged files; the count of objects left allocated. */
    private int run(PrintWriter out, List<Opcode> lost, Path pcapOut, Path traceOut, Path specOut, Path htmlOut) {
        HtmlReport report = html == null ? null : new HtmlReport(singleHost
                ? "ibmodel demo --single-host: the verbs on one host's in-memory device"
                : "ibmodel demo: rc_pingpong between h0 and h1, seed " + seed);
        Narrator narrator = report == null ? new Narrator(out, quiet) : new Narrator(out, quiet, report);
        TraceBuffer buffer = trace == null ? null : new TraceBuffer(TRACE_ENTRIES);
        int leaked;
        String failure = null;
        if (singleHost) {
            leaked = (buffer == null ? new VerbsTour(narrator) : new VerbsTour(narrator, buffer)).run();
        } else {
            PingPongTour tour = new PingPongTour(narrator, seed, pcapOut, buffer,
                    catas ? PingPongTour.Fault.CATAS : hang ? PingPongTour.Fault.HANG : PingPongTour.Fault.NONE);
            tour.showCaptureAs(pcap);
            if (mads) {
                tour.withMads();
            }
            for (Opcode op : lost) {
                tour.lose(op);
            }
            if (specTrace != null) {
                tour.recordCommands();
            }
            if (report != null) {
                tour.tap(report);
            }
            try {
                leaked = tour.run();
                failure = tour.failure();
            } catch (java.io.UncheckedIOException e) {
                // The capture is written as the packets cross and closed at the end.
                if (pcap == null) {
                    throw e;
                }
                throw new BadInputException("cannot write " + pcap + ": " + e.getCause().getMessage());
            }
            if (specTrace != null) {
                try (Writer w = Files.newBufferedWriter(specOut, StandardCharsets.UTF_8)) {
                    tour.commandTrace().write(w);
                } catch (IOException e) {
                    throw new BadInputException("cannot write " + specTrace + ": " + e.getMessage());
                }
            }
        }
        if (report != null) {
            try {
                report.writeFile(htmlOut);
            } catch (IOException e) {
                throw new BadInputException("cannot write " + html.resolve("index.html") + ": " + e.getMessage());
            }
        }
        if (buffer != null) {
            try (Writer w = Files.newBufferedWriter(traceOut, StandardCharsets.UTF_8)) {
                buffer.writeTo(w, Layout.SYSFS_FLAGS5, 1);
            } catch (IOException e) {
                throw new BadInputException("cannot write " + trace + ": " + e.getMessage());
            }
        }
        this.failure = failure;
        return leaked;
    }
}
