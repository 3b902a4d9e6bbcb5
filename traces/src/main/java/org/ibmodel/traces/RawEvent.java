package org.ibmodel.traces;

/**
 * An event this vocabulary does not type (rpcrdma, sunrpc, sched, ...), or an ftrace entry printed
 * without an event name ({@link #function} true): a function-tracer line ({@code func <-parent},
 * named {@code function}) or a stack trace (named for its entry type, {@code kernel_stack} or
 * {@code user_stack}, its text the first line and each {@code  => FRAME} line, newline-separated,
 * as kernel/trace/trace_output.c prints them). Kept with its header fields so nothing in a trace
 * is dropped silently.
 */
public record RawEvent(String name, String text, boolean function) implements TraceEvent {
    public static final String FUNCTION = "function";
    /** The entry names of kernel/trace/trace_entries.h for TRACE_STACK and TRACE_USER_STACK. */
    public static final String KERNEL_STACK = "kernel_stack";
    public static final String USER_STACK = "user_stack";

    public static RawEvent event(String name, String body) {
        return new RawEvent(name, body, false);
    }

    public static RawEvent function(String text) {
        return new RawEvent(FUNCTION, text, true);
    }

    /** A stack trace: {@code <stack trace>} or {@code <user stack trace>}, then its frame lines. */
    public static RawEvent stack(String name, String text) {
        return new RawEvent(name, text, true);
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
