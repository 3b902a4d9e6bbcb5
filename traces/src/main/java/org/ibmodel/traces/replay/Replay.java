package org.ibmodel.traces.replay;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ibmodel.traces.Lost;
import org.ibmodel.traces.TraceReader;
import org.ibmodel.traces.TraceRecord;
import org.ibmodel.traces.Unparsed;

/**
 * Replays a trace: reads it record by record, hands each record to every follower in order,
 * counts events and keeps the lines that are not records. Memory is bounded by the reader's line
 * limit, the per-id object tables, and {@link #KEEP_UNPARSED} kept unparsed lines.
 */
public final class Replay {
    static final int KEEP_UNPARSED = 1000;

    private final Lifecycles lifecycles = new Lifecycles();
    private final List<TraceFollower> followers = new ArrayList<>();

    public Replay() {
        followers.add(lifecycles);
    }

    /** Adds a follower after the lifecycle checks (a model-driving follower, for one). */
    public Replay follow(TraceFollower f) {
        followers.add(f);
        return this;
    }

    public ReplayReport run(InputStream in) throws IOException {
        Findings findings = new Findings();
        Map<String, Long> eventCounts = new TreeMap<>();
        List<Unparsed> unparsed = new ArrayList<>();
        long[] unparsedTotal = {0};
        List<Lost> lost = new ArrayList<>();
        long[] overwritten = {0, 0};
        TraceReader reader = new TraceReader();
        reader.read(in, new TraceReader.Handler() {
            @Override
            public void record(TraceRecord record) {
                eventCounts.merge(record.event().name(), 1L, Long::sum);
                for (TraceFollower f : followers) {
                    f.follow(record, findings);
                }
            }

            @Override
            public void unparsed(Unparsed problem) {
                unparsedTotal[0]++;
                if (unparsed.size() < KEEP_UNPARSED) {
                    unparsed.add(problem);
                }
            }

            @Override
            public void lost(Lost l) {
                findings.lost(l);
                if (lost.size() < KEEP_UNPARSED) {
                    lost.add(l);
                }
            }

            @Override
            public void entries(long inBuffer, long written) {
                overwritten[0] = Math.max(0, written - inBuffer);
                overwritten[1] = written;
                findings.overwritten(overwritten[0]);
            }
        });
        for (TraceFollower f : followers) {
            f.finish(findings);
        }
        return new ReplayReport(reader.lines(), reader.records(), eventCounts, unparsed, unparsedTotal[0],
                lifecycles.counts(), findings.violations(), findings.total(), reader.layouts(), lost, overwritten[0],
                overwritten[1]);
    }
}
