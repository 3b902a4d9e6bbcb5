package org.ibmodel.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.ibmodel.sim.world.Narrator;
import org.ibmodel.sim.world.VerbsTour;
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
    @Option(names = "--quiet", description = "print only the summary line")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int leaked = new VerbsTour(new Narrator(out, quiet)).run();
        return leaked == 0 ? Main.EXIT_OK : Main.EXIT_CHECK_FAILED;
    }
}
