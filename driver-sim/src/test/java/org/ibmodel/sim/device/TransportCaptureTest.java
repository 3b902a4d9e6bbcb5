// A captured two-host RC run decoded by tshark: every packet decodes and matches the model's log
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.wire.Tshark;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Captures an RC run between two hosts (SENDs of several sizes, a WRITE with immediate, a READ,
 * both atomics, and a few drops so NAKs and retransmissions show) and has tshark decode the
 * pcap. Skipped when tshark is missing, unless -Dibmodel.requireTshark=true (or the environment
 * variable IBMODEL_REQUIRE_TSHARK, which .ci/run sets) makes that a failure, as in
 * sim/wire/TsharkDecodeTest.
 */
class TransportCaptureTest {

    @TempDir
    static Path dir;

    private static Path pcap;
    private static List<Transport.Sent> captured;
    private static String missing;

    @BeforeAll
    static void captureARun() {
        missing = Tshark.missing();
        if (missing != null) {
            return;
        }
        pcap = dir.resolve("rc-two-hosts.pcap");
        try (TransportPair p = new TransportPair(21, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            p.world.capture(pcap);
            p.world.fabric().faults().dropProbability(0.03);
            p.a.fill(0, TransportPair.pattern(1, 8192));
            int tag = 0;
            for (int len : new int[] {0, 1, 1023, 1024, 1025, 5000}) {
                p.b.postRecv(tag, TransportPair.TARGET + tag * 8192L, 8192);
                p.a.postSend(new SendWr().wrId(tag++).opcode(WrOpcode.SEND).sgList(p.a.sge(0, len)));
            }
            p.b.postRecv(tag, TransportPair.TARGET + tag * 8192L, 64);
            long remote = p.b.buf + TransportPair.TARGET;
            p.a.postSend(new SendWr().wrId(10).opcode(WrOpcode.RDMA_WRITE_WITH_IMM).sgList(p.a.sge(0, 3000))
                    .remoteAddr(remote).rkey(p.b.mr.rkey()).immData(5),
                    new SendWr().wrId(11).opcode(WrOpcode.RDMA_READ).sgList(p.a.sge(16384, 3000))
                    .remoteAddr(remote).rkey(p.b.mr.rkey()),
                    new SendWr().wrId(12).opcode(WrOpcode.ATOMIC_FETCH_AND_ADD).sgList(p.a.sge(32768, 8))
                    .remoteAddr(remote).rkey(p.b.mr.rkey()).compareAdd(1),
                    new SendWr().wrId(13).opcode(WrOpcode.ATOMIC_CMP_AND_SWP).sgList(p.a.sge(32776, 8))
                    .remoteAddr(remote).rkey(p.b.mr.rkey()).compareAdd(0).swap(9));
            p.settle();
            assertEquals(10, p.a.poll().size(), "every WR completed");
            captured = p.world.captured();
        }
    }

    @BeforeEach
    void requireTshark() {
        Tshark.require(missing);
    }

    @Test
    void shouldDecodeEveryPacketAsTheModelLoggedIt() throws Exception {
        List<String> lines = tshark("-T", "fields", "-E", "separator=|",
                "-e", "infiniband.bth.opcode", "-e", "infiniband.bth.psn", "-e", "infiniband.bth.destqp");
        assertTrue(captured.size() > 40, "a real run: " + captured.size() + " packets");
        assertEquals(captured.size(), lines.size(), "one line per captured packet");
        for (int i = 0; i < captured.size(); i++) {
            Transport.Sent e = captured.get(i);
            String[] f = lines.get(i).split("\\|", -1);
            String at = "frame " + (i + 1) + " " + e + ": " + lines.get(i);
            assertEquals(3, f.length, at);
            assertEquals(e.opcode(), Integer.decode(f[0].trim()).intValue(), at);
            assertEquals(e.psn(), Integer.decode(f[1].trim()).intValue(), at);
            assertEquals(e.destQp(), Integer.decode(f[2].trim()).intValue(), at);
        }
    }

    @Test
    void shouldFindNoMalformedPacket() throws Exception {
        List<String> malformed = tshark("-Y", "_ws.malformed", "-T", "fields", "-e", "frame.number");
        assertTrue(malformed.isEmpty(), "tshark marks frames Malformed: " + malformed);
    }

    @Test
    void shouldDecodeGlobalRoutedRcTrafficWithTheGidsOfBothPorts() throws Exception {
        Path grhPcap = dir.resolve("rc-grh.pcap");
        List<Transport.Sent> sent;
        byte[] gidA;
        byte[] gidB;
        int lidA;
        TransportPair.Conn c = TransportPair.Conn.standard(Mtu.MTU_1024).withGrh();
        try (TransportPair p = new TransportPair(22, QpType.RC, c)) {
            p.world.capture(grhPcap);
            p.a.fill(0, TransportPair.pattern(2, 3000));
            p.b.postRecv(1, TransportPair.TARGET, 4096);
            long remote = p.b.buf + TransportPair.TARGET;
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 3000)),
                    new SendWr().wrId(2).opcode(WrOpcode.RDMA_READ).sgList(p.a.sge(16384, 3000))
                    .remoteAddr(remote).rkey(p.b.mr.rkey()),
                    new SendWr().wrId(3).opcode(WrOpcode.ATOMIC_FETCH_AND_ADD).sgList(p.a.sge(32768, 8))
                    .remoteAddr(remote + 4096).rkey(p.b.mr.rkey()).compareAdd(1));
            p.settle();
            assertEquals(3, p.a.poll().size(), "every WR completed");
            assertEquals(1, p.b.poll().size(), "the SEND was received");
            sent = p.world.captured();
            gidA = p.a.dev.port(1).gid(0);
            gidB = p.b.dev.port(1).gid(0);
            lidA = p.world.lid(0);
        }
        List<String> lines = tshark(grhPcap, "-T", "fields", "-E", "separator=|", "-e", "infiniband.bth.opcode",
                "-e", "infiniband.grh.sgid", "-e", "infiniband.grh.dgid", "-e", "infiniband.grh.hoplmt");
        assertEquals(sent.size(), lines.size(), "one line per captured packet");
        assertTrue(sent.size() >= 8, "SEND, READ and atomic with their responses: " + sent.size());
        for (int i = 0; i < sent.size(); i++) {
            Transport.Sent e = sent.get(i);
            String[] f = lines.get(i).split("\\|", -1);
            String at = "frame " + (i + 1) + " " + e + ": " + lines.get(i);
            boolean fromA = e.slid() == lidA;
            assertEquals(e.opcode(), Integer.decode(f[0].trim()).intValue(), at);
            assertArrayEquals(fromA ? gidA : gidB, java.net.InetAddress.getByName(f[1].trim()).getAddress(), at);
            assertArrayEquals(fromA ? gidB : gidA, java.net.InetAddress.getByName(f[2].trim()).getAddress(), at);
            assertEquals(TransportPair.HOP_LIMIT, Integer.parseInt(f[3].trim()), at);
        }
        assertTrue(tshark(grhPcap, "-Y", "_ws.malformed", "-T", "fields", "-e", "frame.number").isEmpty(),
                "no frame is Malformed");
    }

    @Test
    void shouldDecodeAMulticastSendOnEveryLinkOfItsTree() throws Exception {
        Path mcPcap = dir.resolve("multicast.pcap");
        int mlid = 0xC001;
        byte[] mgid = MulticastTest.mgid(0x101);
        int senderQpn;
        try (org.ibmodel.sim.world.World w = org.ibmodel.sim.world.World.of(23, 3)) {
            w.joinMulticast(mlid, 0, 1, 2);
            w.capture(mcPcap);
            MulticastTest.Node sender = new MulticastTest.Node(w, 0, 0x1234_5678);
            for (int h = 1; h <= 2; h++) {
                MulticastTest.Node n = new MulticastTest.Node(w, h, 0x1234_5678);
                assertEquals(0, n.qp.attachMcast(mgid, mlid));
                n.postRecvs(1);
            }
            sender.sendToGroup(mgid, mlid, TransportPair.pattern(3, 200));
            w.settle();
            senderQpn = sender.qp.qpNum();
        }
        List<String> lines = tshark(mcPcap, "-T", "fields", "-E", "separator=|", "-e", "infiniband.lrh.dlid",
                "-e", "infiniband.bth.destqp", "-e", "infiniband.grh.dgid", "-e", "infiniband.deth.srcqp");
        assertEquals(3, lines.size(), "to the switch, then to each member: " + lines);
        for (String line : lines) {
            String[] f = line.split("\\|", -1);
            assertEquals(mlid, Integer.decode(f[0].trim()).intValue(), line);
            assertEquals(0xFF_FFFF, Integer.decode(f[1].trim()).intValue(), line);
            assertArrayEquals(mgid, java.net.InetAddress.getByName(f[2].trim()).getAddress(), line);
            assertEquals(senderQpn, Integer.decode(f[3].trim()).intValue(), line);
        }
        assertTrue(tshark(mcPcap, "-Y", "_ws.malformed", "-T", "fields", "-e", "frame.number").isEmpty(),
                "no frame is Malformed");
    }

    private static List<String> tshark(String... args) throws IOException, InterruptedException {
        return tshark(pcap, args);
    }

    private static List<String> tshark(Path file, String... args) throws IOException, InterruptedException {
        return Tshark.run(dir, file, args);
    }
}
