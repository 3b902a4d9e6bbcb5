/**
 * The trace vocabulary: one record per kernel tracepoint (rdma_core) or event class (rdma_cma,
 * ib_cma, ib_mad, ib_umad), listed in {@link org.ibmodel.traces.Tracepoint} with its TP_printk
 * format; {@link org.ibmodel.traces.TraceReader} and {@link org.ibmodel.traces.FtraceWriter} for
 * ftrace and trace-cmd text. Events of other subsystems stay {@link org.ibmodel.traces.RawEvent}s.
 * The replayer is in {@code org.ibmodel.traces.replay}.
 */
package org.ibmodel.traces;
