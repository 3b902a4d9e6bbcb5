package org.ibmodel.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ibmodel} command. Exit codes: 0 success, 1 a check failed, 2 bad usage, bad
 * input or output that could not be written (one line on stderr naming the problem).
 */
@Command(name = "ibmodel",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "An executable model of the Linux InfiniBand stack.",
        subcommands = {DemoCommand.class, QpTableCommand.class, CheckCommand.class, ReplayCommand.class,
            ValidateCommand.class, UverbsExecCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_CHECK_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the CLI with the given streams; used by main and by tests. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        // Bad usage is one line too, naming the command whose --help says more.
        cl.setParameterExceptionHandler((ex, ignored) -> {
            CommandLine line = ex.getCommandLine();
            // picocli starts some of its messages with "Error: "; ours already says whose error it is.
            String message = ex.getMessage().startsWith("Error: ") ? ex.getMessage().substring(7) : ex.getMessage();
            line.getErr().println("ibmodel: " + message + " (see '" + line.getCommandSpec().qualifiedName()
                    + " --help')");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof BadInputException) {
                line.getErr().println("ibmodel: " + ex.getMessage());
                return EXIT_USAGE;
            }
            throw ex;
        });
        // picocli lets --help pass with words no command knows ("ibmodel run --help" would print
        // the top-level help and exit 0); those words are bad usage whatever else is asked for.
        cl.setExecutionStrategy(parsed -> {
            for (CommandLine.ParseResult level = parsed; level != null; level = level.subcommand()) {
                if (!level.unmatched().isEmpty()) {
                    throw new CommandLine.UnmatchedArgumentException(level.commandSpec().commandLine(),
                            level.unmatched());
                }
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        int code = cl.execute(args);
        // A PrintWriter keeps write errors to itself: output lost (a full disk, a closed pipe)
        // must not pass for success.
        if (out.checkError()) {
            err.println("ibmodel: cannot write standard output; what was printed is incomplete");
            err.flush();
            return code == EXIT_OK ? EXIT_USAGE : code;
        }
        return code;
    }

    /**
     * Why a file could not be read, in the words of strerror: the exception's message is often
     * only the path again.
     */
    static String readFailure(java.io.IOException e) {
        return e instanceof java.nio.file.AccessDeniedException ? "Permission denied"
                : e instanceof java.nio.file.NoSuchFileException ? "no such file"
                : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                : String.valueOf(e.getMessage());
    }

    /** Reads the version Maven wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"ibmodel " + p.getProperty("version", "unknown")};
        }
    }
}
