// The demo's capture as a user opens it: tshark with every dissector it enables by default
package org.ibmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.ibmodel.sim.wire.Tshark;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCaptureTest {
    @TempDir
    Path dir;

    @BeforeEach
    void requireTshark() {
        Tshark.require(Tshark.missing());
    }

    /**
     * `ibmodel demo --pcap` decodes cleanly in tshark as it comes, heuristic dissectors included:
     * no frame is marked malformed, and every frame is InfiniBand.
     */
    @Test
    void shouldDecodeTheDemoCaptureWithNoMalformedFrame() throws Exception {
        Path pcap = dir.resolve("demo.pcap");
        CliRun r = CliRun.of("demo", "--quiet", "--pcap", pcap.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        List<String> all = Tshark.runAsIs(dir, pcap, "-T", "fields", "-e", "frame.number", "-e", "infiniband.bth.opcode");
        assertTrue(all.size() >= 20, "the demo's packets: " + all);
        for (String line : all) {
            assertTrue(line.split("\t").length == 2, "an InfiniBand frame: " + line);
        }
        List<String> malformed = Tshark.runAsIs(dir, pcap, "-Y", "_ws.malformed", "-T", "fields", "-e", "frame.number");
        assertTrue(malformed.isEmpty(), "tshark marks frames of the demo's capture malformed: " + malformed);
    }

    /**
     * `ibmodel demo --mads`: tshark decodes the SMPs and PerfMgt MADs as MADs, each on both links:
     * the directed-route Get with HopPointer 1 into the switch and 2 out of it, the GetResp back
     * with 2 and then 1, carrying h1's NodeGUID; the PortCounters Get and its answer; the
     * LID-routed P_KeyTable Set and its answer; none malformed.
     */
    @Test
    void shouldDecodeTheMadsOfTheMadStep() throws Exception {
        Path pcap = dir.resolve("mads.pcap");
        CliRun r = CliRun.of("demo", "--quiet", "--mads", "--pcap", pcap.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        List<String> mads = Tshark.runAsIs(dir, pcap, "-Y", "infiniband.mad", "-T", "fields",
                "-e", "infiniband.mad.mgmtclass", "-e", "infiniband.mad.method", "-e", "infiniband.mad.attributeid",
                "-e", "infiniband.smpdirected.hoppointer", "-e", "infiniband.nodeinfo.nodeguid");
        assertEquals(List.of(
                "0x81\t0x01\t0x0011\t0x01\t0x0000000000000000",
                "0x81\t0x01\t0x0011\t0x02\t0x0000000000000000",
                "0x81\t0x81\t0x0011\t0x02\t0x0002c90300020000",
                "0x81\t0x81\t0x0011\t0x01\t0x0002c90300020000",
                "0x04\t0x01\t0x0012\t\t",
                "0x04\t0x01\t0x0012\t\t",
                "0x04\t0x81\t0x0012\t\t",
                "0x04\t0x81\t0x0012\t\t",
                "0x01\t0x02\t0x0016\t\t",
                "0x01\t0x02\t0x0016\t\t",
                "0x01\t0x81\t0x0016\t\t",
                "0x01\t0x81\t0x0016\t\t"), mads.stream().map(String::stripLeading).toList());
        List<String> malformed = Tshark.runAsIs(dir, pcap, "-Y", "_ws.malformed", "-T", "fields", "-e", "frame.number");
        assertTrue(malformed.isEmpty(), "tshark marks frames malformed: " + malformed);
    }
}
