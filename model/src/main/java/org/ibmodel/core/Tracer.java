// kernel/trace/trace.c: one trace buffer per kernel; trace_print_context's columns
package org.ibmodel.core;

import java.util.Objects;
import java.util.function.LongSupplier;
import org.ibmodel.kernel.ExecContext;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.kernel.Workqueue;
import org.ibmodel.traces.TraceEvent;
import org.ibmodel.traces.TraceHeader;
import org.ibmodel.traces.TraceRecord;
import org.ibmodel.traces.TraceSink;

/**
 * The tracing of one kernel: attached to its {@link IbCore}, it stamps each event the core fires
 * with the context columns ftrace prints (task, pid, CPU, irq flags, time) and hands the record
 * to a sink. With no tracer attached, a tracepoint is one null check and builds nothing, as a
 * disabled static key costs nothing in the kernel.
 */
public final class Tracer {
    private final Kernel kernel;
    private final TraceSink sink;
    private final LongSupplier clockNs;
    private String comm;
    private int pid;

    /**
     * @param clockNs virtual time in nanoseconds (never the wall clock)
     */
    public Tracer(Kernel kernel, TraceSink sink, LongSupplier clockNs) {
        this.kernel = Objects.requireNonNull(kernel, "kernel");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.clockNs = Objects.requireNonNull(clockNs, "clockNs");
        this.comm = kernel.name();
        this.pid = 1;
    }

    /** A clock that starts at {@code startNs} and moves {@code stepNs} forward each time it is read. */
    public static LongSupplier steppingClock(long startNs, long stepNs) {
        long[] now = {startNs - stepNs};
        return () -> now[0] += stepNs;
    }

    /** The task that process-context events are charged to. */
    public Tracer task(String comm, int pid) {
        this.comm = comm;
        this.pid = pid;
        return this;
    }

    long nowNs() {
        return clockNs.getAsLong();
    }

    /** Records {@code event} as fired now, in the kernel's current context. */
    public void fire(TraceEvent event) {
        fire(event, nowNs());
    }

    void fire(TraceEvent event, long nowNs) {
        ExecContext ctx = kernel.context();
        TraceHeader h = switch (ctx) {
            // trace_print_lat_fmt: 'd' irqs off, 'h'/'s' hard/soft interrupt, then preempt depth.
            case HARDIRQ -> new TraceHeader("<idle>", 0, 0, "d.h1.", nowNs / 1000);
            case SOFTIRQ -> new TraceHeader("<idle>", 0, 0, "..s1.", nowNs / 1000);
            default -> {
                // A work item runs on a kworker (ib_cq_poll_work on ib-comp-wq's), not the ULP's task.
                Workqueue wq = kernel.worker();
                yield new TraceHeader(wq != null ? wq.workerComm() : comm, wq != null ? wq.workerPid() : pid, 0,
                        kernel.inAtomic() ? "...1." : ".....", nowNs / 1000);
            }
        };
        sink.accept(new TraceRecord(0, h, event));
    }
}
