package org.ibmodel.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ibmodel.specs.SpecException;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.specs.trace.TraceFormatException;
import org.ibmodel.specs.trace.TraceValidator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ibmodel validate TRACE}: is a recorded run of the model a behaviour of its specs? */
@Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Validate a recorded run of the model against the TLA+ specs.",
            "",
            "TRACE is NDJSON: a header naming the specs (QpStateMachine, WorkQueues,",
            "SqDrain, HcaCommands, PathMigration, UverbsDisassociate with its number of",
            "files, or RcTransport with its numWr, startPsn, window, retryCnt, rnrRetry),",
            "then one event per line, each named for the spec action it records (see",
            "specs/src/main/tla/*Trace.tla). TLC walks the trace in order; the first event",
            "no step of the spec can match is reported with its line.",
            "Exit 0: the trace is a behaviour of its specs; 1: an event is not (line,",
            "event and expected action printed); 2: the trace is malformed (its header's",
            "constants missing or out of range included)."})
final class ValidateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TRACE", description = "the NDJSON trace file")
    Path trace;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (Files.isDirectory(trace)) {
            throw new BadInputException(trace + ": is a directory");
        }
        if (!Files.exists(trace)) {
            throw new BadInputException(trace + ": no such file");
        }
        // Anything else that reads, a pipe (/dev/stdin, <(...)) too, is read as replay and
        // uverbs-exec read one.
        TraceValidator.Verdict v;
        long start = System.nanoTime();
        try {
            v = TraceValidator.validate(SpecTrace.read(trace));
        } catch (TraceFormatException | SpecException e) {
            throw new BadInputException(e.getMessage());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        PrintWriter out = spec.commandLine().getOut();
        SpecTrace t = v.trace();
        if (v.ok()) {
            out.printf("%s: %d events, a behaviour of %s (%d states, %.1f s)%n", trace, t.events().size(),
                    String.join(" and ", t.specs()), v.statesVisited(), seconds);
            out.flush();
            return Main.EXIT_OK;
        }
        TraceValidator.Mismatch m = v.mismatch();
        if (m.seq() == 0) {
            // The header's constants are wrong or missing: no spec could be loaded for the trace.
            throw new BadInputException(trace + ":" + m.line() + ": " + m.spec() + ": " + m.detail());
        }
        out.printf("%s:%d: seq %d: %s is not a step of %s%n", trace, m.line(), m.seq(), m.event(), m.spec());
        if (m.seq() >= 1 && m.seq() <= t.events().size()) {
            out.println("  event:    " + t.events().get((int) m.seq() - 1).toJson());
        }
        out.println("  expected: " + m.expected());
        if (!m.detail().isEmpty()) {
            out.println("  spec:     " + m.detail());
        }
        out.flush();
        return Main.EXIT_CHECK_FAILED;
    }
}
