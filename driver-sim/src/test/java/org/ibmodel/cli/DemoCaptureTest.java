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
}
