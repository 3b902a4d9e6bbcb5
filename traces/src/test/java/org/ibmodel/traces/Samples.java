package org.ibmodel.traces;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The sample traces under src/test/resources, read with the production reader. */
public final class Samples {
    public static final String FLAGS5 = "sysfs_flags5.trace";
    public static final String FLAGS4_LEGACY = "sysfs_flags4_legacy.trace";
    public static final String NOIRQ_TGID = "sysfs_noirq_tgid.trace";
    public static final String TRACE_CMD = "trace_cmd_report.trace";
    public static final String MAIL = "mail_wrapped.trace";

    private Samples() {
    }

    public static InputStream open(String name) {
        InputStream in = Samples.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalArgumentException("no sample " + name);
        }
        return in;
    }

    public static String text(String name) {
        try (InputStream in = open(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything a reader reports for some text. */
    public record Read(List<TraceRecord> records, List<Unparsed> unparsed, TraceReader reader) {
    }

    public static Read read(String text) {
        return read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    public static Read read(InputStream in) {
        List<TraceRecord> records = new ArrayList<>();
        List<Unparsed> unparsed = new ArrayList<>();
        TraceReader r = new TraceReader();
        try {
            r.read(in, new TraceReader.Handler() {
                @Override
                public void record(TraceRecord record) {
                    records.add(record);
                }

                @Override
                public void unparsed(Unparsed problem) {
                    unparsed.add(problem);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Read(records, unparsed, r);
    }

    /** What a record says, independent of layout and printk variant. */
    public static String meaning(TraceRecord r) {
        TraceEvent e = r.event();
        String what = e instanceof Tracepoint.Event t ? java.util.Arrays.asList(t.values()).toString() : e.body();
        return r.header().pid() + " " + r.header().cpu() + " " + r.header().timeUs() + " " + e.name() + " " + what;
    }
}
