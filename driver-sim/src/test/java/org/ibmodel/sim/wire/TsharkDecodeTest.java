package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ibmodel.report.PcapWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes one packet of every opcode, local and global, to a pcap and has tshark decode it: the
 * independent check that our wire bytes and ERF records (laid out in {@link PcapWriter}) are what
 * real tools expect.
 * Skipped when tshark is missing, unless -Dibmodel.requireTshark=true (or the environment variable
 * IBMODEL_REQUIRE_TSHARK, which .ci/run sets) makes that a failure.
 */
class TsharkDecodeTest {
    private static final long STEP_NANOS = 1_234_567L;

    @TempDir
    static Path dir;

    private static Path pcap;
    private static final List<Expected> written = new ArrayList<>();

    private record Expected(Opcode op, boolean global, int psn, int destQp, long nanos) {
    }

    private static String missing;

    @BeforeAll
    static void findTsharkAndWriteCapture() throws IOException {
        missing = Tshark.missing();
        if (missing != null) {
            return;
        }
        pcap = dir.resolve("every-opcode.pcap");
        byte[] buf = new byte[WireFixture.MAX_FRAME];
        PacketBuilder b = new PacketBuilder().wrap(buf, 0);
        long now = 0;
        try (PcapWriter w = PcapWriter.create(pcap)) {
            for (boolean global : new boolean[] {false, true}) {
                for (Opcode op : Opcode.values()) {
                    int len = WireFixture.build(b, op, global);
                    now += STEP_NANOS;
                    w.write(now, buf, 0, len);
                    written.add(new Expected(op, global, WireFixture.psn(op, global), WireFixture.destQp(op, global), now));
                }
            }
        }
    }

    // Checked per test, so a missing tshark shows as skipped tests with the reason in the report.
    @BeforeEach
    void requireTshark() {
        Tshark.require(missing);
    }

    private static List<String> tshark(String... args) throws IOException, InterruptedException {
        return Tshark.run(dir, pcap, args);
    }

    @Test
    void shouldDecodeOpcodePsnAndDestQpOfEveryPacket() throws Exception {
        List<String> lines = tshark("-T", "fields", "-E", "separator=|",
            "-e", "infiniband.bth.opcode", "-e", "infiniband.bth.psn", "-e", "infiniband.bth.destqp",
            "-e", "frame.time_epoch");

        assertEquals(written.size(), lines.size(), "one line per packet: " + lines);
        for (int i = 0; i < written.size(); i++) {
            Expected e = written.get(i);
            String[] f = lines.get(i).split("\\|", -1);
            String at = "frame " + (i + 1) + " " + e.op() + (e.global() ? " global" : " local") + ": " + lines.get(i);
            assertEquals(4, f.length, at);
            assertEquals(e.op().value(), Integer.decode(f[0].trim()).intValue(), at);
            assertEquals(e.psn(), Integer.decode(f[1].trim()).intValue(), at);
            assertEquals(e.destQp(), Integer.decode(f[2].trim()).intValue(), at);
            assertEquals(0, new BigDecimal(f[3].trim()).compareTo(BigDecimal.valueOf(e.nanos(), 9)), at + " time");
        }
    }

    /** Our GRH text ({@link Grh#toString}) prints a GID as tshark does. */
    @Test
    void shouldPrintEveryGidAsTsharkDoes() throws Exception {
        List<String> lines = tshark("-T", "fields", "-E", "separator=|",
            "-e", "infiniband.grh.sgid", "-e", "infiniband.grh.dgid");

        assertEquals(written.size(), lines.size(), "one line per packet: " + lines);
        int global = 0;
        for (int i = 0; i < written.size(); i++) {
            Expected e = written.get(i);
            if (!e.global()) {
                continue;
            }
            global++;
            int k = WireFixture.key(e.op(), true);
            String want = Grh.gid(0xFE80_0000_0000_0000L, 0x0002_C903_0000_1000L + k) + "|"
                + Grh.gid(0xFE80_0000_0000_0000L, 0x0002_C903_0000_2000L + k);
            assertEquals(want, lines.get(i).trim(), "frame " + (i + 1) + " " + e.op());
        }
        assertEquals(Opcode.values().length, global);
    }

    @Test
    void shouldFindNoMalformedPacket() throws Exception {
        List<String> malformed = tshark("-Y", "_ws.malformed", "-T", "fields", "-e", "frame.number");

        assertTrue(malformed.isEmpty(), "tshark marks frames Malformed: " + malformed);
    }
}
