package org.ibmodel.traces;

/**
 * An event this vocabulary does not type (rpcrdma, sunrpc, sched, ...), or a function-tracer line
 * ({@code func <-parent}, which has no event name; {@link #function} is true and the name is
 * {@code function}). Kept with its header fields so nothing in a trace is dropped silently.
 */
public record RawEvent(String name, String text, boolean function) implements TraceEvent {
    public static final String FUNCTION = "function";

    public static RawEvent event(String name, String body) {
        return new RawEvent(name, body, false);
    }

    public static RawEvent function(String text) {
        return new RawEvent(FUNCTION, text, true);
    }

    @Override
    public String system() {
        return function ? "ftrace" : "";
    }

    @Override
    public void appendBody(StringBuilder sb) {
        sb.append(text);
    }
}
