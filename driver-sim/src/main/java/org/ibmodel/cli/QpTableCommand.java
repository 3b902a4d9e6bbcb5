package org.ibmodel.cli;

import java.util.concurrent.Callable;
import org.ibmodel.report.QpTableReport;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ibmodel qp-table}: the kernel's QP transition table as JSON, Graphviz or text. */
@Command(name = "qp-table", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Print the kernel's QP state transition table.",
            "",
            "One row per (from, to, QP type) that ib_modify_qp_is_ok accepts",
            "(drivers/infiniband/core/verbs.c qp_state_table), with the attributes",
            "the transition requires and allows. IB_QP_STATE is always allowed."})
final class QpTableCommand implements Callable<Integer> {

    static final class Format {
        @Option(names = "--json", description = "JSON: {\"transitions\":[{from,to,qp_type,required,optional}]}")
        boolean json;

        @Option(names = "--dot", description = "a Graphviz digraph, one edge per valid transition")
        boolean dot;
    }

    @ArgGroup(exclusive = true)
    Format format = new Format();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        if (format.json) {
            out.print(QpTableReport.json());
        } else if (format.dot) {
            out.print(QpTableReport.dot());
        } else {
            for (QpTableReport.Row r : QpTableReport.rows()) {
                out.printf("%-13s -> %-13s %-15s required: %s%s%n", r.from().kernelName(), r.to().kernelName(),
                        r.type().kernelName(), r.required().isEmpty() ? "-" : String.join(" ", r.required()),
                        r.optional().isEmpty() ? "" : "  optional: " + String.join(" ", r.optional()));
            }
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
