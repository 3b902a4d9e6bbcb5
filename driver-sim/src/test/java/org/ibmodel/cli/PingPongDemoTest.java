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

/**
 * The default demo: ibv_rc_pingpong between processes on two hosts with HCAs through a switch,
 * over the verbs library and uverbs, narrated from verb to wire.
 */
class PingPongDemoTest {
    @TempDir
    Path dir;

    @Test
    void shouldRunThePingPongAndLeaveNothingAllocated() {
        CliRun run = CliRun.of("demo");
        assertEquals(0, run.exit(), run.err());
        String out = run.out();
        assertTrue(out.contains("h0 client  local address:  LID 0x0001, QPN 0x"), out);
        assertTrue(out.contains("h1 server  remote address: LID 0x0001, QPN 0x"), out);
        assertTrue(out.contains("write(3, IB_USER_VERBS_CMD_POST_SEND, "), out);
        assertTrue(out.contains("h1 received \"ping 1\""), out);
        assertTrue(out.contains("h0 received \"pong 1\""), out);
        assertTrue(out.contains("ibv_get_cq_event: read() of the completion channel"), out);
        assertTrue(out.contains("RDMA WRITE First"), out);
        assertTrue(out.contains("RDMA READ response Last"), out);
        assertTrue(out.contains("holds exactly the 3172 bytes written"), out);
        assertTrue(out.contains("read back matches byte for byte"), out);
        assertTrue(out.contains("original value returned to h0: 37; counter now 42"), out);
        assertTrue(out.contains("ib_uverbs_comp_handler runs in HARDIRQ"), out);
        assertTrue(out.contains("h1 server: exit; uverbs0 has 0 files open, hca0 0 objects"), out);
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
        assertTrue(run.out().startsWith("summary: seed 1, 20 packets, 11 work completions"), run.out());
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
        // 20 packets, each crossing two links (host to switch, switch to host).
        assertEquals(40, records);
    }

    @Test
    void shouldRefuseACaptureWithoutAFabric() {
        CliRun run = CliRun.of("demo", "--single-host", "--pcap", dir.resolve("x.pcap").toString());
        assertEquals(2, run.exit());
        assertTrue(run.err().contains("--pcap needs the fabric"), run.err());
    }
}
