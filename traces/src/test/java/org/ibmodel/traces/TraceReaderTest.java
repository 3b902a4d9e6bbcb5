package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TraceReaderTest {
    private static final int SAMPLE_EVENTS = 65;

    private static List<String> meanings(Samples.Read r) {
        return r.records().stream().map(Samples::meaning).collect(Collectors.toList());
    }

    @Test
    void shouldReadTheSysfsLayoutWithFiveCharacterFlags() {
        Samples.Read r = Samples.read(Samples.open(Samples.FLAGS5));
        assertEquals(List.of(), r.unparsed());
        assertEquals(SAMPLE_EVENTS, r.records().size());
        assertTrue(r.reader().layouts().contains(Layout.SYSFS_FLAGS5));
        TraceRecord first = r.records().get(0);
        assertEquals(13, first.line());
        assertEquals(new TraceHeader("kworker/u4:1", 58, 1, ".....", 2417_318204L), first.header());
        assertEquals(new RdmaCma.CmaClient(Tracepoint.CM_ADD_ONE, "rxe0"), first.event());
    }

    @Test
    void shouldReadEveryLayoutOfTheSameTraceAsTheSameEvents() {
        List<String> reference = meanings(Samples.read(Samples.open(Samples.FLAGS5)));
        for (String sample : List.of(Samples.FLAGS4_LEGACY, Samples.NOIRQ_TGID, Samples.TRACE_CMD, Samples.MAIL)) {
            Samples.Read r = Samples.read(Samples.open(sample));
            assertEquals(reference, meanings(r), sample);
        }
    }

    @Test
    void shouldReadFourCharacterFlagsAndTheOlderRdmaCmaPrintk() {
        Samples.Read r = Samples.read(Samples.open(Samples.FLAGS4_LEGACY));
        assertTrue(r.reader().layouts().contains(Layout.SYSFS_FLAGS4));
        RdmaCma.CmIdAttach attach = (RdmaCma.CmIdAttach) r.records().stream()
                .filter(x -> x.event() instanceof RdmaCma.CmIdAttach).findFirst().orElseThrow().event();
        assertEquals(1, attach.variant());
        assertTrue(attach.body().startsWith("cm_id.id=0 src: 192.0.2.2:7174 dst: 0.0.0.0:0"), attach.body());
    }

    @Test
    void shouldReadTraceCmdReportWithUnknownComms() {
        Samples.Read r = Samples.read(Samples.open(Samples.TRACE_CMD));
        assertTrue(r.reader().layouts().contains(Layout.TRACE_CMD));
        assertTrue(r.records().stream().anyMatch(x -> x.header().comm().equals("<...>")));
        assertNull(r.records().get(0).header().flags());
    }

    @Test
    void shouldJoinAWrappedRecordIntoOneEventAtItsFirstLine() {
        Samples.Read r = Samples.read(Samples.open(Samples.MAIL));
        assertEquals(SAMPLE_EVENTS, r.records().size());
        assertTrue(r.reader().layouts().contains(Layout.WRAPPED));
        assertEquals(5, r.records().get(0).line());
        assertEquals(7, r.records().get(1).line());
        // The greeting of the mail is reported, not fatal.
        assertEquals(List.of(1, 3), r.unparsed().stream().map(Unparsed::line).collect(Collectors.toList()));
    }

    @Test
    void shouldKeepOtherSubsystemsAndFunctionTracerLinesAsRawRecords() {
        Samples.Read r = Samples.read(Samples.open(Samples.FLAGS5));
        RawEvent rpc = (RawEvent) r.records().stream().filter(x -> x.event().name().equals("svc_rdma_wc_receive"))
                .findFirst().orElseThrow().event();
        assertEquals("cq.id=1 cid=42 received 148", rpc.text());
        RawEvent fn = (RawEvent) r.records().stream().filter(x -> x.event().name().equals(RawEvent.FUNCTION))
                .findFirst().orElseThrow().event();
        assertEquals("ib_poll_handler <-irq_poll_softirq", fn.text());
    }

    /**
     * A line after a record of an event the reader does not know is taken as the rest of its body
     * only when the record's line could have been wrapped by a mail client: a sysfs line longer
     * than any mail client wraps at was not, and the garbage after it is reported.
     */
    @Test
    void shouldReportGarbageAfterALongRecordOfAnUnknownEvent() {
        String svc = "         nfsd-1234    [002] .....  1000.000001: svcrdma_post_send: cq.id=7 cid=42 "
                + "sc_sges=1 inv_rkey=0x00000000\n";
        Samples.Read r = Samples.read(svc + "this line is garbage and no record\n"
                + "  <idle>-0  [000] ..s1. 1000.000002: cq_schedule: cq.id=3\n");
        assertEquals(2, r.records().size(), r.records().toString());
        assertEquals(List.of(2), r.unparsed().stream().map(Unparsed::line).collect(Collectors.toList()));
        assertEquals("cq.id=7 cid=42 sc_sges=1 inv_rkey=0x00000000",
                ((RawEvent) r.records().get(0).event()).text());
    }

    @Test
    void shouldReportAKnownEventWithAMalformedBody() {
        Samples.Read r = Samples.read("  <idle>-0  [000] ..s1. 10.000001: cq_poll: cq.id=zz requested 16\n");
        assertEquals(0, r.records().size());
        assertEquals(1, r.unparsed().get(0).line());
        assertTrue(r.unparsed().get(0).reason().contains("cq_poll"));
    }

    @Test
    void shouldReportBinaryGarbageWithItsLineNumber() {
        byte[] junk = new byte[200];
        for (int i = 0; i < junk.length; i++) {
            junk[i] = (byte) (i * 37 + 1);
        }
        String good = "  <idle>-0  [000] ..s1. 10.000001: cq_schedule: cq.id=3\n";
        byte[] text = (good + "x").getBytes();
        byte[] all = new byte[text.length + junk.length];
        System.arraycopy(text, 0, all, 0, text.length - 1);
        System.arraycopy(junk, 0, all, text.length - 1, junk.length);
        Samples.Read r = Samples.read(new ByteArrayInputStream(all));
        assertEquals(1, r.records().size());
        assertTrue(r.unparsed().stream().allMatch(u -> u.line() >= 2));
        assertTrue(r.unparsed().stream().anyMatch(u -> u.reason().contains("binary")));
    }

    @Test
    void shouldReportATruncatedLastRecord() {
        String text = Samples.text(Samples.FLAGS5);
        String cut = text.substring(0, text.lastIndexOf("device name=rxe0") + 9);
        Samples.Read r = Samples.read(cut);
        assertEquals(SAMPLE_EVENTS - 1, r.records().size());
        assertEquals(77, r.unparsed().get(0).line());
    }

    @Test
    void shouldBoundATenMegabyteLineAndGoOn() {
        InputStream in = new InputStream() {
            private final byte[] tail = "\n  <idle>-0  [000] ..s1. 10.000001: cq_schedule: cq.id=3\n".getBytes();
            private long n;

            @Override
            public int read() {
                long i = n++;
                if (i < 10_000_000) {
                    return 'a';
                }
                int k = (int) (i - 10_000_000);
                return k < tail.length ? tail[k] : -1;
            }
        };
        Samples.Read r = Samples.read(in);
        assertEquals(1, r.records().size());
        assertEquals(2, r.records().get(0).line());
        Unparsed u = r.unparsed().get(0);
        assertEquals(1, u.line());
        assertTrue(u.reason().contains("10000000 bytes"), u.reason());
        assertTrue(u.text().length() < 200);
    }

    /** /dev/zero, or a disk image: no newline ever comes, and the reader stops instead of reading on. */
    @Test
    void shouldStopAtInputWithNoNewlineInSixteenMegabytes() {
        long[] read = {0};
        InputStream zeros = new InputStream() {
            @Override
            public int read() {
                return read[0]++ < 64L << 20 ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = (int) Math.min(len, (64L << 20) - read[0]);
                if (n <= 0) {
                    return -1;
                }
                java.util.Arrays.fill(b, off, off + n, (byte) 0);
                read[0] += n;
                return n;
            }
        };
        Samples.Read r = Samples.read(zeros);
        assertEquals(0, r.records().size());
        assertEquals(1, r.unparsed().size(), r.unparsed().toString());
        Unparsed u = r.unparsed().get(0);
        assertEquals(1, u.line());
        assertTrue(u.reason().contains("not a text trace"), u.reason());
        assertTrue(read[0] <= TraceReader.MAX_SCAN + (1 << 16), read[0] + " bytes read");
    }

    @Test
    void shouldNameATraceCmdBinaryFile() {
        Samples.Read r = Samples.read("\u0017\u0008Dtracing6\u0000\u0000");
        assertTrue(r.unparsed().get(0).reason().contains("trace-cmd report"));
    }

    @Test
    void shouldReportAnUnknownLayoutLineByLine() {
        Samples.Read r = Samples.read("time,event,cq\n1.0,cq_poll,3\n");
        assertEquals(0, r.records().size());
        assertEquals(List.of(1, 2), r.unparsed().stream().map(Unparsed::line).collect(Collectors.toList()));
        assertTrue(r.unparsed().get(0).reason().contains("unrecognised layout"));
    }

    @Test
    void shouldReadTheCommOfATaskWithDashesAndSpaces() {
        Samples.Read r = Samples.read("  ib-comp wq-x-77  [002] d..1. 5.000002: cq_free: cq.id=9\n");
        TraceRecord rec = r.records().get(0);
        assertEquals("ib-comp wq-x", rec.header().comm());
        assertEquals(77, rec.header().pid());
        assertInstanceOf(RdmaCore.CqFree.class, rec.event());
    }
}
