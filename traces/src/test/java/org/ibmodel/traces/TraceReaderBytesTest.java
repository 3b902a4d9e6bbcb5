package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The reader reads the usual ASCII line on its bytes and every other line on its characters; the
 * byte path must report what the character path does where the two meet: lines with non-ASCII
 * bytes, lines across the read buffer's edge, comm columns that share a cache slot.
 */
class TraceReaderBytesTest {
    private static String line(String comm, int i) {
        return String.format("%16s-%-7d [%03d] ..... %5d.%06d: cq_poll: cq.id=%d requested 16, returned %d%n", comm,
                58 + i, i % 4, 2417 + i / 1000, i % 1000, i % 97, i % 5);
    }

    private static List<String> comms(TraceReaderColumnsTest.Report r) {
        return r.records().stream().map(t -> t.header().comm()).collect(Collectors.toList());
    }

    @Test
    void shouldReadNonAsciiLinesOnTheirCharacters() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            sb.append(line(i % 2 == 0 ? "kworker/u4:1" : "kwörker/u4:1", i));
            if (i % 5 == 0) {
                sb.append(String.format("%16s-%-7d [%03d] ..... %5d.%06d: svc_rdma: név=%d é%n", "bash", 7, 1, 10, i, i));
            }
        }
        byte[] text = sb.toString().getBytes(StandardCharsets.UTF_8);
        TraceReaderColumnsTest.assertSameAsScan(text, "non-ASCII lines");
        TraceReaderColumnsTest.Report r = TraceReaderColumnsTest.read(text, true);
        assertEquals("kwörker/u4:1", r.records().get(2).header().comm());
        assertEquals("név=0 é", r.records().get(1).event().body());
    }

    @Test
    void shouldReadLinesAcrossTheReadBufferEdgeAsTheScanDoes() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 800; i++) {
            body.append(line(i % 3 == 0 ? "<idle>" : "kworker/u4:1", i));
        }
        // A first line of every length up to a record's, so that each byte of a record lands on the edge.
        int width = line("<idle>", 0).length();
        for (int pad = 0; pad <= width; pad++) {
            byte[] text = ("# " + "x".repeat(pad) + "\n" + body).getBytes(StandardCharsets.UTF_8);
            TraceReaderColumnsTest.assertSameAsScan(text, "pad " + pad);
            TraceReaderColumnsTest.Report r = TraceReaderColumnsTest.read(text, true);
            assertEquals(List.of(), r.unparsed(), "pad " + pad);
            for (int i = 0; i < 800; i++) {
                assertEquals(58 + i, r.records().get(i).header().pid(), "pad " + pad + " record " + i);
            }
        }
    }

    @Test
    void shouldReadEveryShapeOfTimestampAsTheScanDoes() {
        List<String> stamps = new java.util.ArrayList<>();
        for (int secs = 0; secs <= 12; secs++) {
            for (int frac = -1; frac <= 9; frac++) {
                String t = "9876543210987".substring(0, secs) + (frac < 0 ? "" : "." + "1234567890".substring(0, frac));
                for (String after : new String[] {": cq_schedule: cq.id=1", ":\tcq_schedule: cq.id=1",
                        ":cq_schedule: cq.id=1", ":", " : cq_schedule: cq.id=1", "x: cq_schedule: cq.id=1"}) {
                    stamps.add(t + after);
                }
            }
        }
        StringBuilder all = new StringBuilder();
        for (String stamp : stamps) {
            // With flags and without; the line ending where the token does, and not.
            for (String line : new String[] {"            bash-1234    [001] ..... " + stamp,
                    "            bash-1234    [001] " + stamp}) {
                TraceReaderColumnsTest.assertSameAsScan(line + "\n");
                all.append(line).append('\n');
                TraceReaderColumnsTest.assertSameAsScan(line);
            }
        }
        TraceReaderColumnsTest.assertSameAsScan(all.toString());
        TraceReaderColumnsTest.Report r = TraceReaderColumnsTest.read(
                "            bash-1234    [001] ..... 1234567.000042: cq_schedule: cq.id=1\n".getBytes(StandardCharsets.UTF_8),
                true);
        assertEquals(1234567_000042L, r.records().get(0).header().timeUs());
    }

    @Test
    void shouldReadLinesThatStartLikeAKeptPrefixAsTheScanDoes() {
        // The same first 32 bytes (comm, pid, CPU, the flags' first character), then other flags,
        // more spaces, no flags, a timestamp that does not read.
        String[] lines = {
            "            bash-1234    [001] ..... 10.000001: cq_schedule: cq.id=1",
            "            bash-1234    [001] ....1 10.000002: cq_schedule: cq.id=2",
            "            bash-1234    [001] .....  10.000003: cq_schedule: cq.id=3",
            "            bash-1234    [001] ..... 10.000004: cq_schedule: cq.id=4",
            "            bash-1234    [001] .... 10.000005: cq_schedule: cq.id=5",
            "            bash-1234    [001] ..... 1x.000006: cq_schedule: cq.id=6",
            "            bash-1234567  [001] 10.000007: cq_schedule: cq.id=7",
            "            bash-1234567  [001] d.s1 10.000008: cq_schedule: cq.id=8",
            "            bash-1234567  [001] 10.000009: cq_schedule: cq.id=9",
            "            bash-1234567  [001]  10.000010: cq_schedule: cq.id=10",
            "            bash-1234567  [001] 10.000011: cq_schedule: cq.id=11",
        };
        String text = String.join("\n", lines) + "\n";
        TraceReaderColumnsTest.assertSameAsScan(text + text);
        TraceReaderColumnsTest.Report r = TraceReaderColumnsTest.read((text + text).getBytes(StandardCharsets.UTF_8), true);
        List<String> flags = r.records().stream().map(t -> String.valueOf(t.header().flags())).collect(Collectors.toList());
        List<String> once = List.of(".....", "....1", ".....", ".....", "....", "null", "d.s1", "null", "null", "null");
        List<String> twice = new java.util.ArrayList<>(once);
        twice.addAll(once);
        assertEquals(twice, flags);
    }

    @Test
    void shouldTellApartEventNamesThatStartAlike() {
        String[] names = {"cq_process", "cq_processx", "cq_proces", "cq_poll", "cq_pollx", "cq_pol", "cq_process",
            "cq_process_", "cm_event_handler", "cm_event_done", "cm_event_handler2", "cq_process", "cq_procesz",
            "cm_event_handlex", "cm_event_handler"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.length * 2; i++) {
            String name = names[i % names.length];
            sb.append(String.format("%16s-%-7d [%03d] ..... %5d.%06d: %s: cq.id=%d wake-up took 12 [us] from interrupt%n",
                    "bash", 7, 1, 10, i, name, i));
        }
        byte[] text = sb.toString().getBytes(StandardCharsets.UTF_8);
        TraceReaderColumnsTest.assertSameAsScan(text, "names");
        TraceReaderColumnsTest.Report r = TraceReaderColumnsTest.read(text, true);
        // cq_poll and the cm_event ones are typed and do not read this body: those lines are unparsed.
        assertEquals(names.length * 2, r.records().size() + r.unparsed().size());
        for (TraceRecord t : r.records()) {
            assertEquals(names[(t.line() - 1) % names.length], t.event().name(), "line " + t.line());
        }
    }

    @Test
    void shouldTellApartCommColumnsThatShareASlot() {
        String a = String.format("%16s", "task-0");
        String b = null;
        int slot = slot(a);
        for (int i = 1; b == null; i++) {
            String c = String.format("%16s", "task-" + i);
            if (slot(c) == slot) {
                b = c;
            }
        }
        StringBuilder sb = new StringBuilder();
        String[] order = {a, b, a, b, b, a};
        for (int i = 0; i < order.length; i++) {
            sb.append(line(order[i].trim(), i));
        }
        byte[] text = sb.toString().getBytes(StandardCharsets.UTF_8);
        TraceReaderColumnsTest.assertSameAsScan(text, "comms " + a.trim() + ", " + b.trim());
        List<String> got = comms(TraceReaderColumnsTest.read(text, true));
        assertEquals(List.of(a.trim(), b.trim(), a.trim(), b.trim(), b.trim(), a.trim()), got);
        assertNotEquals(a, b);
    }

    private static int slot(String column) {
        byte[] c = column.getBytes(StandardCharsets.ISO_8859_1);
        return TraceReader.commSlot(Ascii.word(c, 0), Ascii.word(c, 8));
    }
}
