package org.ibmodel.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ibmodel.specs.SpecConfig;
import org.ibmodel.specs.SpecDir;
import org.ibmodel.specs.SpecException;
import org.ibmodel.specs.TlcResult;
import org.ibmodel.specs.TlcRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ibmodel check}: TLC on every configuration of the TLA+ specs; the help below gives its rows and JSON. */
@Command(name = "check", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Model-check the TLA+ specifications with TLC.",
            "",
            "Runs every configuration listed in the specs' manifest.json (by default the",
            "specs built into ibmodel, copied from specs/src/main/tla) and prints one row",
            "per configuration: states generated, distinct states, depth, result, seconds.",
            "Exit 0 when all pass, 1 when TLC finds a violation or fails, 2 when a spec",
            "does not parse or a file is missing."})
final class CheckCommand implements Callable<Integer> {

    @Option(names = "--json", description = "JSON: {\"configs\":[{spec,cfg,generated,distinct,depth,result,property,seconds}]}")
    boolean json;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "check the specs in DIR (it needs a manifest.json) instead of the built-in ones")
    Path dir;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N", description = "TLC runs at once (default: the number of CPUs)")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Parameters(paramLabel = "CFG", arity = "0..*", description = "only these configurations, e.g. MCRcTransport.cfg")
    List<String> only = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (jobs < 1) {
            throw new BadInputException("-j " + jobs + ": at least one TLC run at a time");
        }
        List<TlcResult> results;
        try (SpecDir specs = dir != null ? SpecDir.of(dir) : SpecDir.fromClasspath(SpecDir.MANIFEST)) {
            List<SpecConfig> configs = select(specs, specs.manifest(SpecDir.MANIFEST).configs());
            // TLC keeps its state files in a directory beside the specs it checks.
            if (dir != null && !Files.isWritable(dir)) {
                throw new BadInputException(dir + ": TLC writes its state files beside the specs, and this"
                        + " directory is not writable (copy it somewhere that is)");
            }
            results = new TlcRunner().runAll(specs, configs, jobs);
        } catch (SpecException e) {
            throw new BadInputException(e.getMessage());
        } catch (IllegalStateException e) {
            // A run that could not even start or finish (no disk space, files taken away): said in
            // a line, the cause's own words, not a stack trace.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new BadInputException("TLC could not run: " + cause.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? json(results) : table(results));
        out.flush();
        PrintWriter err = spec.commandLine().getErr();
        for (TlcResult r : results) {
            if (r.specError()) {
                err.println("ibmodel: " + r.error());
                err.flush();
                return Main.EXIT_USAGE;
            }
        }
        for (TlcResult r : results) {
            if (!r.ok()) {
                err.println("ibmodel: " + r.cfg() + ": " + (r.property() != null
                        ? "violates " + r.property() : String.valueOf(r.error())));
                err.flush();
                return Main.EXIT_CHECK_FAILED;
            }
        }
        return Main.EXIT_OK;
    }

    private List<SpecConfig> select(SpecDir specs, List<SpecConfig> all) {
        if (only.isEmpty()) {
            return all;
        }
        List<SpecConfig> out = new ArrayList<>();
        for (String name : only) {
            SpecConfig found = all.stream().filter(c -> c.cfg().equals(name)).findFirst().orElse(null);
            if (found == null) {
                throw new BadInputException(specs.name(name) + ": not a configuration in "
                        + specs.name(SpecDir.MANIFEST) + "; one of: "
                        + String.join(", ", all.stream().map(SpecConfig::cfg).toList()));
            }
            // One named twice is checked once: a second run would find the same.
            if (!out.contains(found)) {
                out.add(found);
            }
        }
        return out;
    }

    static String table(List<TlcResult> results) {
        // The name columns as wide as their longest entry, so that the numbers line up.
        int specWidth = "spec".length();
        int cfgWidth = 30;
        for (TlcResult r : results) {
            specWidth = Math.max(specWidth, r.spec().length());
            cfgWidth = Math.max(cfgWidth, r.cfg().length());
        }
        String head = "%-" + specWidth + "s %-" + cfgWidth + "s %10s %10s %6s  %-10s %8s%n";
        String row = "%-" + specWidth + "s %-" + cfgWidth + "s %10d %10d %6d  %-10s %8.1f%n";
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, head, "spec", "cfg", "generated", "distinct", "depth", "result", "seconds"));
        for (TlcResult r : results) {
            String result = r.verdict().jsonName() + (r.property() != null ? " " + r.property() : "");
            b.append(String.format(Locale.ROOT, row, r.spec(), r.cfg(), r.generated(), r.distinct(), r.depth(),
                    result, r.seconds()));
        }
        return b.toString();
    }

    static String json(List<TlcResult> results) {
        StringBuilder b = new StringBuilder("{\"configs\":[");
        for (int i = 0; i < results.size(); i++) {
            TlcResult r = results.get(i);
            if (i > 0) {
                b.append(',');
            }
            b.append("{\"spec\":").append(quote(r.spec()))
                    .append(",\"cfg\":").append(quote(r.cfg()))
                    .append(",\"generated\":").append(r.generated())
                    .append(",\"distinct\":").append(r.distinct())
                    .append(",\"depth\":").append(r.depth())
                    .append(",\"result\":").append(quote(r.verdict().jsonName()))
                    .append(",\"property\":").append(r.property() == null ? "null" : quote(r.property()))
                    .append(",\"seconds\":").append(String.format(Locale.ROOT, "%.2f", r.seconds()))
                    .append('}');
        }
        return b.append("]}\n").toString();
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
