package org.ibmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default demo: two hosts with HCAs through a switch, narrated from verb to wire. */
class PingPongDemoTest {
    @TempDir
    Path dir;

    @Test
    void shouldRunThePingPongAndLeaveNothingAllocated() {
        CliRun run = CliRun.of("demo");
        assertEquals(0, run.exit(), run.err());
        String out = run.out();
        assertTrue(out.contains("h1 received \"ping\""), out);
        assertTrue(out.contains("h0 received \"pong\""), out);
        assertTrue(out.contains("RDMA WRITE First"), out);
        assertTrue(out.contains("RDMA READ response Last"), out);
        assertTrue(out.contains("holds exactly the 3172 bytes written"), out);
        assertTrue(out.contains("read back matches byte for byte"), out);
        assertTrue(out.contains("original value returned to h0: 37; counter now 42"), out);
        assertTrue(out.contains("comp_handler runs in HARDIRQ"), out);
        assertTrue(out.contains("0 objects left allocated"), out);
    }

    @Test
    void shouldRepeatARunFromItsSeedAndDifferAcrossSeeds() {
        String one = CliRun.of("demo", "--seed", "7").out();
        assertEquals(one, CliRun.of("demo", "--seed", "7").out());
        assertNotEquals(one, CliRun.of("demo", "--seed", "8").out(), "the PSNs come from the seed");
    }

    @Test
    void shouldPrintOnlyTheSummaryWhenQuiet() {
        CliRun run = CliRun.of("demo", "--quiet");
        assertEquals(0, run.exit());
        assertEquals(1, run.out().lines().count(), run.out());
        assertTrue(run.out().startsWith("summary: seed 1, 16 packets, 7 work completions"), run.out());
    }

    @Test
    void shouldCaptureEveryPacketOnEveryLink() throws IOException {
        Path pcap = dir.resolve("demo.pcap");
        CliRun run = CliRun.of("demo", "--quiet", "--pcap", pcap.toString());
        assertEquals(0, run.exit(), run.err());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0xa1b2c3d4, b.getInt(0), "pcap magic");
        assertEquals(197, b.getInt(20), "link type ERF");
        int records = 0;
        for (int at = 24; at < b.limit(); records++) {
            at += 16 + b.getInt(at + 8);
        }
        // 16 packets, each crossing two links (host to switch, switch to host).
        assertEquals(32, records);
    }

    @Test
    void shouldRefuseACaptureWithoutAFabric() {
        CliRun run = CliRun.of("demo", "--single-host", "--pcap", dir.resolve("x.pcap").toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("--pcap needs the fabric"), run.err());
    }
}
