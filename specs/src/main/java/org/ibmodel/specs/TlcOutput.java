package org.ibmodel.specs;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads what TLC printed into a {@link TlcResult}; also reads sections of cfg files. */
public final class TlcOutput {
    private static final Pattern STATS =
            Pattern.compile("(?m)^(\\d+) states generated, (\\d+) distinct states found");
    private static final Pattern DEPTH = Pattern.compile("The depth of the complete state graph search is (\\d+)");
    private static final Pattern INVARIANT = Pattern.compile("Invariant (\\S+) is violated");
    private static final Pattern ACTION_PROPERTY = Pattern.compile("Action property (\\S+) is violated");
    private static final Pattern ASSUMPTION =
            Pattern.compile("Assumption line (\\d+), col \\d+ to line \\d+, col \\d+ of module (\\w+) is false");
    private static final Pattern PARSING = Pattern.compile("(?m)^Parsing file (.+)$");
    private static final Pattern PARSE_AT = Pattern.compile("line (\\d+), column (\\d+)");
    private static final Pattern SEMANTIC_AT =
            Pattern.compile("(?m)^line (\\d+), col \\d+ to line \\d+, col \\d+ of module (\\w+)\\s*$");
    private static final Pattern CFG_ERROR =
            Pattern.compile("error when trying to read the configuration file (\\S+?):?\\s*\\n(.*)");
    /** A cfg TLC's reader refused, with its line (tlc2.tool.ConfigFileException). */
    private static final Pattern CFG_AT =
            Pattern.compile("TLC found an error in the configuration file at line (\\d+)\\s*\\n(.*)");
    private static final Pattern MISSING_MODULE = Pattern.compile("Cannot find source file for module (\\w+)");
    /** A cfg naming an operator the spec lacks (tlc2.output.EC.TLC_CONFIG_SPECIFIED_NOT_DEFINED and kin). */
    private static final Pattern CFG_UNDEFINED =
            Pattern.compile("The (\\w+) (\\S+) specified in the configuration file\\s+"
                    + "is not defined in the specification");

    /** The keywords that open a section of a TLC cfg file. */
    private static final Set<String> CFG_KEYWORDS = Set.of("CONSTANT", "CONSTANTS", "INIT", "NEXT",
            "SPECIFICATION", "INVARIANT", "INVARIANTS", "PROPERTY", "PROPERTIES", "CONSTRAINT", "CONSTRAINTS",
            "ACTION_CONSTRAINT", "ACTION_CONSTRAINTS", "SYMMETRY", "VIEW", "CHECK_DEADLOCK");

    private TlcOutput() {
    }

    /** The result of one run whose output is {@code out}. */
    public static TlcResult parse(SpecConfig c, String out, double seconds, SpecDir dir) {
        long generated = 0;
        long distinct = 0;
        Matcher m = STATS.matcher(out);
        while (m.find()) {
            generated = Long.parseLong(m.group(1));
            distinct = Long.parseLong(m.group(2));
        }
        int depth = 0;
        Matcher d = DEPTH.matcher(out);
        while (d.find()) {
            depth = Integer.parseInt(d.group(1));
        }
        String specError = specError(out, dir);
        Matcher cfgAt = CFG_AT.matcher(out);
        if (specError == null && cfgAt.find()) {
            specError = dir.name(c.cfg()) + ":" + cfgAt.group(1) + ": " + cfgAt.group(2).trim();
        }
        if (specError == null) {
            specError = undefinedInCfg(out, c, dir);
        }
        if (specError != null) {
            return result(c, generated, distinct, depth, TlcResult.Verdict.ERROR, null, seconds, specError, true, out);
        }
        Matcher v = INVARIANT.matcher(out);
        if (v.find()) {
            return result(c, generated, distinct, depth, TlcResult.Verdict.VIOLATION, v.group(1), seconds, null,
                    false, out);
        }
        Matcher a = ACTION_PROPERTY.matcher(out);
        if (a.find()) {
            return result(c, generated, distinct, depth, TlcResult.Verdict.VIOLATION, a.group(1), seconds, null,
                    false, out);
        }
        Matcher as = ASSUMPTION.matcher(out);
        if (as.find()) {
            return result(c, generated, distinct, depth, TlcResult.Verdict.VIOLATION,
                    "ASSUME " + as.group(2) + ".tla:" + as.group(1), seconds, null, false, out);
        }
        if (out.contains("Deadlock reached")) {
            return result(c, generated, distinct, depth, TlcResult.Verdict.VIOLATION, "Deadlock", seconds, null,
                    false, out);
        }
        if (out.contains("Temporal properties were violated")) {
            // named by the runner, which knows the cfg
            return result(c, generated, distinct, depth, TlcResult.Verdict.VIOLATION, null, seconds, null, false,
                    out);
        }
        if (out.contains("Model checking completed. No error has been found.")) {
            return result(c, generated, distinct, depth, TlcResult.Verdict.OK, null, seconds, null, false, out);
        }
        return result(c, generated, distinct, depth, TlcResult.Verdict.ERROR, null, seconds,
                dir.name(c.cfg()) + ": TLC: " + firstError(out), false, out);
    }

    private static TlcResult result(SpecConfig c, long generated, long distinct, int depth, TlcResult.Verdict verdict,
            String property, double seconds, String error, boolean specError, String out) {
        return new TlcResult(c.spec(), c.cfg(), generated, distinct, depth, verdict, property, seconds, error,
                specError, out);
    }

    /** A one-line message for a module that does not parse or a cfg TLC cannot read; else null. */
    static String specError(String out, SpecDir dir) {
        int parse = out.indexOf("***Parse Error***");
        if (parse < 0) {
            parse = out.indexOf("Lexical error");
        }
        if (parse >= 0) {
            String file = "?";
            Matcher f = PARSING.matcher(out.substring(0, parse));
            while (f.find()) {
                file = fileName(f.group(1).trim());
            }
            String tail = out.substring(parse);
            Matcher at = PARSE_AT.matcher(tail);
            String line = at.find() ? at.group(1) : "?";
            String what = tail.lines().skip(tail.startsWith("***Parse Error***") ? 1 : 0)
                    .map(String::trim).filter(s -> !s.isEmpty()).findFirst().orElse("parse error");
            String where = tail.lines().map(String::trim).filter(s -> s.startsWith("Encountered")).findFirst()
                    .orElse("");
            return dir.name(file) + ":" + line + ": parse error: " + what
                    + (where.isEmpty() || where.equals(what) ? "" : "; " + where);
        }
        int semantic = out.indexOf("Semantic errors:");
        if (semantic >= 0) {
            String tail = out.substring(semantic);
            Matcher at = SEMANTIC_AT.matcher(tail);
            if (at.find()) {
                String what = tail.substring(at.end()).lines().map(String::trim).filter(s -> !s.isEmpty())
                        .findFirst().orElse("semantic error");
                return dir.name(at.group(2) + ".tla") + ":" + at.group(1) + ": " + what;
            }
            return "semantic error: " + tail.lines().skip(1).map(String::trim).filter(s -> !s.isEmpty())
                    .findFirst().orElse("");
        }
        Matcher mm = MISSING_MODULE.matcher(out);
        if (mm.find()) {
            return dir.name(mm.group(1) + ".tla") + ": no such module";
        }
        Matcher cfg = CFG_ERROR.matcher(out);
        if (cfg.find()) {
            return dir.name(fileName(cfg.group(1))) + ": " + cfg.group(2).trim();
        }
        return null;
    }

    /** A cfg that names an invariant, property or other operator the spec does not define. */
    private static String undefinedInCfg(String out, SpecConfig c, SpecDir dir) {
        Matcher u = CFG_UNDEFINED.matcher(out);
        return u.find() ? dir.name(c.cfg()) + ": the " + u.group(1) + " " + u.group(2)
                + " it names is not defined in the specification" : null;
    }

    private static String fileName(String path) {
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return slash >= 0 ? path.substring(slash + 1) : path;
    }

    /** The first line TLC marks as an error, or the last line printed. */
    private static String firstError(String out) {
        List<String> lines = out.lines().map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (int i = 0; i < lines.size(); i++) {
            String s = lines.get(i);
            if (s.startsWith("The exception was a")) {
                return s + (i + 1 < lines.size() ? " " + lines.get(i + 1) : "");
            }
            if (s.startsWith("Error:")) {
                // TLC breaks its messages over lines: the sentence goes on until a line of its own
                // kind (the run's end, a trace, another error).
                StringBuilder msg = new StringBuilder(s.substring("Error:".length()).trim());
                for (int j = i + 1; j < lines.size() && !endsMessage(lines.get(j)); j++) {
                    msg.append(' ').append(lines.get(j));
                }
                return msg.toString();
            }
        }
        return lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
    }

    private static boolean endsMessage(String line) {
        return line.startsWith("Finished in") || line.startsWith("Error:") || line.startsWith("The behavior")
                || line.startsWith("State ") || line.startsWith("Starting") || line.startsWith("Progress")
                || line.startsWith("The exception was") || line.contains("states generated");
    }

    /** The names listed in a cfg section such as PROPERTIES, in order. */
    public static List<String> section(List<String> cfgLines, String... keywords) {
        Set<String> wanted = Set.of(keywords);
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String raw : cfgLines) {
            String line = stripComment(raw);
            for (String tok : line.trim().split("\\s+")) {
                if (tok.isEmpty()) {
                    continue;
                }
                if (CFG_KEYWORDS.contains(tok)) {
                    in = wanted.contains(tok);
                } else if (in) {
                    out.add(tok);
                }
            }
        }
        return out;
    }

    /** The cfg with its invariants and properties replaced by the single property {@code p}. */
    static List<String> withOnlyProperty(List<String> cfgLines, String p) {
        List<String> out = new ArrayList<>();
        boolean drop = false;
        for (String raw : cfgLines) {
            String line = stripComment(raw).trim();
            String first = line.isEmpty() ? "" : line.split("\\s+")[0];
            if (CFG_KEYWORDS.contains(first)) {
                drop = first.startsWith("INVARIANT") || first.startsWith("PROPERT");
            }
            if (!drop) {
                out.add(raw);
            }
        }
        out.add("PROPERTY " + p);
        return out;
    }

    private static String stripComment(String line) {
        int c = line.indexOf("\\*");
        return c >= 0 ? line.substring(0, c) : line;
    }
}
