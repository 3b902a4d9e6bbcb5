package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A PREEMPT_RT kernel (the RT patch set, as in Debian's linux-image-rt before Linux 6.12) prints
 * seven irq-info flags: trace_print_lat_fmt adds need-resched-lazy after need-resched and
 * preempt-lazy-depth after preempt-depth ({@code dn.h2..}). Its traces read like any other.
 */
class RtFlagsTest {
    private static final String HEADER = """
            # tracer: nop
            #
            # entries-in-buffer/entries-written: 2/2   #P:2
            #
            #                                _-------=> irqs-off/BH-disabled
            #                               / _------=> need-resched
            #                              | / _-----=> need-resched-lazy
            #                              || / _----=> hardirq/softirq
            #                              ||| / _---=> preempt-depth
            #                              |||| / _--=> preempt-lazy-depth
            #                              ||||| / _-=> migrate-disable
            #                              |||||| /     delay
            #           TASK-PID     CPU#  |||||||  TIMESTAMP  FUNCTION
            #              | |         |   |||||||      |         |
            """;
    private static final String RECORDS = """
                 ksoftirqd/1-21      [001] dn.h2..    27.559759: cq_schedule: cq.id=0
                kworker/u5:0-69      [000] ....1..    27.561592: cq_poll: cq.id=0 requested 16, returned 2
            """;

    @Test
    void shouldReadSevenCharacterFlags() {
        Samples.Read r = Samples.read(HEADER + RECORDS);
        assertEquals(List.of(), r.unparsed());
        assertEquals(List.of("dn.h2..", "....1.."), r.records().stream().map(x -> x.header().flags()).toList());
        assertTrue(r.reader().layouts().contains(Layout.SYSFS_FLAGS7));
        assertEquals(new RdmaCore.CqPoll(0, 16, 2), r.records().get(1).event());
    }

    @Test
    void shouldWriteTheRtLayoutBack() throws IOException {
        StringBuilder sb = new StringBuilder();
        FtraceWriter w = new FtraceWriter(sb, Layout.SYSFS_FLAGS7);
        w.writeHeader("nop", 2, 2, 2);
        for (TraceRecord r : Samples.read(HEADER + RECORDS).records()) {
            w.write(r);
        }
        assertEquals(HEADER + RECORDS, sb.toString());
    }

    @Test
    void shouldMoveEachFlagToItsColumnBetweenLayouts() throws IOException {
        TraceRecord rt = Samples.read(HEADER + RECORDS).records().get(0);
        StringBuilder sb = new StringBuilder();
        new FtraceWriter(sb, Layout.SYSFS_FLAGS5).write(rt);
        new FtraceWriter(sb, Layout.SYSFS_FLAGS4).write(rt);
        List<String> flags = Samples.read(sb.toString()).records().stream().map(x -> x.header().flags()).toList();
        assertEquals(List.of("dnh2.", "dnh2"), flags);
        TraceRecord five = new TraceRecord(0, new TraceHeader("rping", 7, 0, "d.s13", 1L), rt.event());
        sb.setLength(0);
        new FtraceWriter(sb, Layout.SYSFS_FLAGS7).write(five);
        assertEquals("d..s1.3", Samples.read(sb.toString()).records().get(0).header().flags());
    }
}
