package org.ibmodel.sim.world;

import java.io.PrintWriter;

/** Prints a walk-through: numbered steps with indented details, or nothing when quiet. */
public final class Narrator {
    private final PrintWriter out;
    private final boolean quiet;
    private int step;

    public Narrator(PrintWriter out, boolean quiet) {
        this.out = out;
        this.quiet = quiet;
    }

    /** A new numbered step. */
    public void step(String fmt, Object... args) {
        step++;
        if (!quiet) {
            out.printf("%n%2d. %s%n", step, String.format(fmt, args));
        }
    }

    /** A detail of the current step. */
    public void say(String fmt, Object... args) {
        if (!quiet) {
            out.printf("    %s%n", String.format(fmt, args));
        }
    }

    /** An empty line between parts, unless quiet. */
    public void blank() {
        if (!quiet) {
            out.println();
        }
    }

    /** Printed even when quiet. */
    public void always(String fmt, Object... args) {
        out.printf("%s%n", String.format(fmt, args));
    }

    public void flush() {
        out.flush();
    }
}
