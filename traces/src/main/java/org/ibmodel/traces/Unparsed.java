package org.ibmodel.traces;

/** A line that is not a trace record, with why; {@code text} is cut to a readable length. */
public record Unparsed(int line, String text, String reason) {
}
