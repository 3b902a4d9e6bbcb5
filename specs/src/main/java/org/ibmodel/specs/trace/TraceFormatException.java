package org.ibmodel.specs.trace;

/** A trace file that is not a well-formed spec trace: the message names the file and line. */
public final class TraceFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** {@code line} 0 when the problem is the whole file's, not one line's. */
    public TraceFormatException(String file, int line, String message) {
        super(file + (line > 0 ? ":" + line : "") + ": " + message);
    }
}
