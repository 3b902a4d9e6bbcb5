package org.ibmodel.traces.replay;

/** A rule a trace breaks, at the line of the record that breaks it. */
public record Violation(int line, String rule, String message) {
}
