package org.ibmodel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ibmodel.traces.replay.Replay;
import org.ibmodel.traces.replay.ReplayReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ibmodel replay TRACE [--json]}: object lifecycles and rule violations of a kernel trace. */
@Command(name = "replay", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Replay a kernel trace (ftrace or trace-cmd report text).",
            "",
            "Rebuilds the lifecycles of CQs, MRs, QPs and rdma_cm ids from the rdma_core,",
            "rdma_cma and ib_cma tracepoints and reports rule violations with line numbers.",
            "Exit code 0: no violation; 1: violations; 2: nothing in the file could be read",
            "(with --strict: a line could not be read)."})
final class ReplayCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TRACE", description = "the trace file")
    Path trace;

    @Option(names = "--json", description = "JSON: {lines,events,event_counts,unparsed:[{line,text}],"
            + "objects:{mr,cq,qp,cm_id},violations:[{line,rule,message}]} (README.md says more)")
    boolean json;

    @Option(names = "--strict", description = "fail (exit 2) when a line could not be read or the kernel lost "
            + "events (the ring buffer overflowed), after the report")
    boolean strict;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ReplayReport report;
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(trace))) {
            // A trace saved as UTF-16 (some Windows editors) is text, not binary: say which.
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            if ((b0 == 0xff && b1 == 0xfe) || (b0 == 0xfe && b1 == 0xff)) {
                throw new BadInputException(trace + ": UTF-16 text; ftrace writes UTF-8 (iconv -f UTF-16 -t UTF-8"
                        + " converts it)");
            }
            in.reset();
            report = new Replay().run(in);
        } catch (NoSuchFileException e) {
            throw new BadInputException(trace + ": no such file");
        } catch (IOException e) {
            throw new BadInputException("cannot read " + trace + ": " + Main.readFailure(e));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (report.lines() == 0) {
            throw new BadInputException(trace + ": empty file, no trace to replay");
        }
        if (report.nothingRead()) {
            var first = report.unparsed().get(0);
            if (json) {
                out.println(report.toJson());
            }
            throw new BadInputException(trace + ": no trace record could be read (line " + first.line() + ": "
                    + first.reason() + ")");
        }
        out.print(json ? report.toJson() + "\n" : report.toText(trace.toString()));
        out.flush();
        if (strict && report.unparsedTotal() > 0) {
            var first = report.unparsed().get(0);
            throw new BadInputException(trace + ":" + first.line() + ": " + first.reason() + " ("
                    + report.unparsedTotal() + " line" + (report.unparsedTotal() == 1 ? "" : "s")
                    + " not read; --strict)");
        }
        if (strict && !report.lost().isEmpty()) {
            var first = report.lost().get(0);
            throw new BadInputException(trace + ":" + first.line() + ": CPU " + first.cpu() + " lost "
                    + first.what() + " (" + report.lostEvents() + (report.lostCounted() ? "" : " or more")
                    + " lost in all; --strict)");
        }
        return report.violationsTotal() == 0 ? Main.EXIT_OK : Main.EXIT_CHECK_FAILED;
    }
}
