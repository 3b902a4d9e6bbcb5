// kernel/trace/ring_buffer.c: a bounded buffer that overwrites its oldest entries
package org.ibmodel.traces;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Records in memory, as the kernel's ring buffer keeps them: at most {@code capacity}, the oldest
 * overwritten first; {@link #written} counts every record ever put in, as
 * {@code entries-written} does.
 */
public final class TraceBuffer implements TraceSink {
    private final int capacity;
    private final Deque<TraceRecord> entries = new ArrayDeque<>();
    private long written;

    public TraceBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.capacity = capacity;
    }

    @Override
    public void accept(TraceRecord record) {
        if (entries.size() == capacity) {
            entries.removeFirst();
        }
        entries.addLast(record);
        written++;
    }

    public List<TraceRecord> records() {
        return new ArrayList<>(entries);
    }

    public long written() {
        return written;
    }

    /** Writes the buffer as /sys/kernel/tracing/trace (or trace-cmd report) would show it. */
    public void writeTo(Appendable out, Layout layout, int cpus) throws IOException {
        FtraceWriter w = new FtraceWriter(out, layout);
        w.writeHeader("nop", entries.size(), written, cpus);
        for (TraceRecord r : entries) {
            w.write(r);
        }
    }
}
