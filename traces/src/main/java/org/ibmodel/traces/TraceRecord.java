package org.ibmodel.traces;

/**
 * One event of a trace: its header, its body, and the line of the file where it starts (a record
 * wrapped over several lines is one record; {@code line} is its first line; 0 when not read from
 * a file).
 */
public record TraceRecord(int line, TraceHeader header, TraceEvent event) {
    /** The same record without its line number, for comparing a written and a read trace. */
    public TraceRecord withoutLine() {
        return line == 0 ? this : new TraceRecord(0, header, event);
    }
}
