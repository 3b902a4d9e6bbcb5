package org.ibmodel.sim.world;

import java.io.PrintWriter;

/** Prints a walk-through: numbered steps with indented details, or nothing when quiet. */
public final class Narrator {
    /** Hears everything told, quiet or not: a report of the same walk-through. */
    public interface Listener {
        void step(int number, String title);

        void say(String line);

        /** A line told even when quiet (the summary). */
        void always(String line);
    }

    private static final Listener NOBODY = new Listener() {
        @Override
        public void step(int number, String title) {
        }

        @Override
        public void say(String line) {
        }

        @Override
        public void always(String line) {
        }
    };

    private final PrintWriter out;
    private final boolean quiet;
    private final Listener listener;
    private int step;

    public Narrator(PrintWriter out, boolean quiet) {
        this(out, quiet, NOBODY);
    }

    public Narrator(PrintWriter out, boolean quiet, Listener listener) {
        this.out = out;
        this.quiet = quiet;
        this.listener = listener;
    }

    /** A new numbered step. */
    public void step(String fmt, Object... args) {
        step++;
        String title = String.format(fmt, args);
        listener.step(step, title);
        if (!quiet) {
            out.printf("%n%2d. %s%n", step, title);
        }
    }

    /** A detail of the current step. */
    public void say(String fmt, Object... args) {
        String line = String.format(fmt, args);
        listener.say(line);
        if (!quiet) {
            out.printf("    %s%n", line);
        }
    }

    /** An empty line between parts, unless quiet. */
    public void blank() {
        listener.say("");
        if (!quiet) {
            out.println();
        }
    }

    /** Printed even when quiet. */
    public void always(String fmt, Object... args) {
        String line = String.format(fmt, args);
        listener.always(line);
        out.printf("%s%n", line);
    }

    public void flush() {
        out.flush();
    }
}
