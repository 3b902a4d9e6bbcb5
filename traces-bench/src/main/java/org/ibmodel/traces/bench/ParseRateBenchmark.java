package org.ibmodel.traces.bench;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.ibmodel.traces.FtraceWriter;
import org.ibmodel.traces.Layout;
import org.ibmodel.traces.TraceReader;
import org.ibmodel.traces.TraceRecord;
import org.ibmodel.traces.Unparsed;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parse rate of {@link TraceReader} against a plain {@link BufferedReader} line count of the same
 * bytes: a trace of rdma_core, rdma_cma and ib_cma records plus raw events, held in memory so the
 * disk is not measured. Both read from an InputStream and decode; the reader also parses every
 * header and body into records.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ParseRateBenchmark {
    /** Records in the benchmark trace. */
    static final int RECORDS = 200_000;

    private static final String[] BODIES = {
        "cq_poll: cq.id=%d requested 16, returned 3",
        "cq_process: cq.id=%d wake-up took 12 [us] from interrupt",
        "cq_schedule: cq.id=%d",
        "cm_event_handler: cm.id=%d src=192.0.2.1:40119 dst=192.0.2.2:7174 tos=0 ESTABLISHED (9/0)",
        "cm_event_done: cm.id=%d src=192.0.2.1:40119 dst=192.0.2.2:7174 tos=0 ESTABLISHED consumer returns 0",
        "icm_send_rep: local_id=29541%d remote_id=2954167390 state=REQ_RCVD lap_state=LAP_UNINIT",
        "mr_dereg: mr.id=%d",
        "svc_rdma_wc_receive: cq.id=%d cid=42 received 148",
    };

    byte[] trace;

    @Setup
    public void setup() {
        StringBuilder sb = new StringBuilder(RECORDS * 110);
        for (int i = 0; i < RECORDS; i++) {
            String body = String.format(BODIES[i % BODIES.length], i % 97);
            long us = 2417_000000L + i * 7L;
            sb.append(String.format("%16s-%-7d [%03d] %s %5d.%06d: %s%n", i % 3 == 0 ? "<idle>" : "kworker/u4:1",
                    i % 3 == 0 ? 0 : 58, i % 4, i % 3 == 0 ? "..s1." : ".....", us / 1_000_000, us % 1_000_000, body));
        }
        trace = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (parse() != RECORDS) {
            throw new IllegalStateException("benchmark trace does not parse in full");
        }
    }

    /** The baseline: lines counted by BufferedReader.readLine. */
    @Benchmark
    public long bufferedReaderLineCount() throws IOException {
        long n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(trace),
                StandardCharsets.UTF_8))) {
            while (r.readLine() != null) {
                n++;
            }
        }
        return n;
    }

    /** Every line read, every record parsed into its typed record. */
    @Benchmark
    public long traceReaderParse() {
        return parse();
    }

    long parse() {
        long[] n = {0};
        try (InputStream in = new ByteArrayInputStream(trace)) {
            new TraceReader().read(in, new TraceReader.Handler() {
                @Override
                public void record(TraceRecord record) {
                    n[0]++;
                }

                @Override
                public void unparsed(Unparsed problem) {
                    throw new IllegalStateException(problem.toString());
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n[0];
    }

    /** Keeps the writer linked so the benchmark jar can also regenerate a file for manual runs. */
    static FtraceWriter writer(Appendable out) {
        return new FtraceWriter(out, Layout.SYSFS_FLAGS5);
    }
}
