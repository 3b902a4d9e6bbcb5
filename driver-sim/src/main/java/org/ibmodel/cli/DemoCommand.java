package org.ibmodel.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ibmodel.sim.world.Narrator;
import org.ibmodel.sim.world.VerbsTour;
import org.ibmodel.traces.Layout;
import org.ibmodel.traces.TraceBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ibmodel demo}: the main job on built-in defaults. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Walk through the kernel verbs on one host, narrated.",
            "",
            "Registers a device, allocates a PD, CQs and MRs, connects two RC QPs",
            "(RESET->INIT->RTR->RTS), runs SEND, RDMA WRITE/READ and an atomic, drains",
            "and tears everything down. Exit code 1 if any object is left allocated."})
final class DemoCommand implements Callable<Integer> {
    /** Entries the trace buffer keeps; the oldest are overwritten beyond this, as in ftrace. */
    static final int TRACE_ENTRIES = 1 << 16;

    @Option(names = "--quiet", description = "print only the summary line")
    boolean quiet;

    @Option(names = "--trace", paramLabel = "FILE",
            description = "write the kernel's tracepoints to FILE as /sys/kernel/tracing/trace shows them")
    Path trace;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Narrator narrator = new Narrator(out, quiet);
        TraceBuffer buffer = trace == null ? null : new TraceBuffer(TRACE_ENTRIES);
        int leaked = (buffer == null ? new VerbsTour(narrator) : new VerbsTour(narrator, buffer)).run();
        if (buffer != null) {
            try (Writer w = Files.newBufferedWriter(trace, StandardCharsets.UTF_8)) {
                buffer.writeTo(w, Layout.SYSFS_FLAGS5, 1);
            } catch (IOException e) {
                throw new BadInputException("cannot write " + trace + ": " + e.getMessage());
            }
        }
        return leaked == 0 ? Main.EXIT_OK : Main.EXIT_CHECK_FAILED;
    }
}
