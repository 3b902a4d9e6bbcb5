// RC recovers from the loss of any one packet (IBA 9.7.5: NAK and go-back-N, the ACK timeout,
// READ responses asked for again, duplicates re-ACKed, atomics answered from the responder's
// cache); drivers/infiniband/sw/rxe/rxe_comp.c and rxe_resp.c take the same paths
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.wire.Opcode;
import org.ibmodel.sim.wire.OpcodeTable;
import org.junit.jupiter.api.Test;

/**
 * One workload, every message kind RC has: a 3,000-byte SEND and a 0-byte SEND with
 * immediate, a 2,500-byte RDMA WRITE, a 2,500-byte RDMA READ, a FETCH_ADD and a COMPARE_SWAP
 * on one counter, at a path MTU of 1,024. It runs once on a clean fabric, which numbers the
 * packets the two HCAs send; then once for each of them, with that one packet lost on its first
 * cable. Every run must end as the clean one does: each WR a SUCCESS completion in posting
 * order, each SEND received once with its bytes, the WRITE's and the READ's bytes where they
 * belong, and each atomic executed once (the counter ends at 40 + 2, swapped, and the two
 * original values are 40 and 42). A failure names the packet lost.
 */
class RcSingleLossTest {
    private static final long SEED = 0x51_0e55;
    private static final int SEND = 3000;
    private static final int WRITE = 2500;
    private static final long SWAPPED = 0x1234_5678_9abc_def0L;

    /** What one run saw: the packets the HCAs sent until one was lost (all of them in a clean run), and in all. */
    private record Seen(List<String> untilLost, long packetsSent, long finishNs) {
    }

    /** The local ACK timeout of the connection: 4.096 us x 2^10 (TransportPair's standard timeout). */
    private static final long ACK_TIMEOUT_NS = 4096L << 10;

    /** The workload on a fresh pair; {@code lose} picks the packet lost, or nothing. */
    private static Seen run(Predicate<byte[]> lose, String losing) {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            List<String> sent = new ArrayList<>();
            p.world.fabric().faults().loseFirst(packet -> {
                Transport.Sent s = Transport.Sent.of(0, packet);
                Opcode op = OpcodeTable.lookup(s.opcode());
                sent.add((op == null ? "opcode " + s.opcode() : op.ibtaName()) + String.format(" psn 0x%06x", s.psn()));
                return lose.test(packet);
            });
            byte[] message = TransportPair.pattern(1, SEND);
            byte[] written = TransportPair.pattern(2, WRITE);
            byte[] read = TransportPair.pattern(3, WRITE);
            long remote = p.b.buf + TransportPair.TARGET;
            long counter = remote + 3 * 4096;
            p.a.fill(0, message);
            p.a.fill(4096, written);
            p.b.fill(TransportPair.TARGET + 4096, read);
            p.b.memory().writeLong(counter, 40);
            p.b.postRecv(100, TransportPair.TARGET + 8 * 4096, 4096);
            p.b.postRecv(101, TransportPair.TARGET + 9 * 4096, 4096);
            int rkey = p.b.mr.rkey();
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, SEND)),
                    new SendWr().wrId(2).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(4096, WRITE))
                            .remoteAddr(remote).rkey(rkey),
                    new SendWr().wrId(3).opcode(WrOpcode.RDMA_READ).sgList(p.a.sge(8192, WRITE))
                            .remoteAddr(remote + 4096).rkey(rkey),
                    new SendWr().wrId(4).opcode(WrOpcode.ATOMIC_FETCH_AND_ADD).sgList(p.a.sge(12288, 8))
                            .remoteAddr(counter).rkey(rkey).compareAdd(2),
                    new SendWr().wrId(5).opcode(WrOpcode.ATOMIC_CMP_AND_SWP).sgList(p.a.sge(12296, 8))
                            .remoteAddr(counter).rkey(rkey).compareAdd(42).swap(SWAPPED),
                    new SendWr().wrId(6).opcode(WrOpcode.SEND_WITH_IMM).immData(0x600d).sgList(p.a.sge(0, 0)));
            p.settle();

            String lost = "losing " + losing;
            List<Wc> a = p.a.poll();
            assertEquals(6, a.size(), lost + ": " + a);
            WcOpcode[] opcodes = {WcOpcode.SEND, WcOpcode.RDMA_WRITE, WcOpcode.RDMA_READ, WcOpcode.FETCH_ADD,
                WcOpcode.COMP_SWAP, WcOpcode.SEND};
            for (int i = 0; i < 6; i++) {
                assertEquals(i + 1, a.get(i).wrId, lost + ": in posting order");
                assertEquals(WcStatus.SUCCESS, a.get(i).status, lost + ": " + a.get(i));
                assertEquals(opcodes[i], a.get(i).opcode, lost + ": " + a.get(i));
            }
            List<Wc> b = p.b.poll();
            assertEquals(2, b.size(), lost + ": each SEND received once: " + b);
            assertEquals(100, b.get(0).wrId);
            assertEquals(SEND, b.get(0).byteLen, lost);
            assertEquals(0, b.get(1).byteLen, lost);
            assertEquals(0x600d, b.get(1).immData, lost);
            assertArrayEquals(message, p.b.read(TransportPair.TARGET + 8 * 4096, SEND), lost + ": SEND bytes");
            assertArrayEquals(written, p.b.read(TransportPair.TARGET, WRITE), lost + ": WRITE bytes");
            assertArrayEquals(read, p.a.read(8192, WRITE), lost + ": READ bytes");
            assertEquals(40, p.a.memory().readLong(p.a.buf + 12288), lost + ": FETCH_ADD's original");
            assertEquals(42, p.a.memory().readLong(p.a.buf + 12296), lost + ": COMPARE_SWAP's original");
            assertEquals(SWAPPED, p.b.memory().readLong(counter), lost + ": each atomic once");
            return new Seen(sent, p.a.transport().packetsSent() + p.b.transport().packetsSent(),
                    p.world.scheduler().now());
        }
    }

    @Test
    void shouldEndAsTheCleanRunDoesWhicheverPacketIsLost() {
        Seen clean = run(packet -> false, "nothing");
        List<String> packets = clean.untilLost();
        assertEquals(packets.size(), clean.packetsSent(), "every packet the HCAs sent was asked about");
        assertTrue(packets.size() >= 14, "the clean run's packets: " + packets);
        // A request with another request after it is missed at once: the responder NAKs the gap
        // (IBA 9.7.5.2.1) and the requester goes back without waiting for its ACK timeout.
        int lastRequest = -1;
        for (int i = 0; i < packets.size(); i++) {
            if (!packets.get(i).startsWith("Acknowledge") && !packets.get(i).startsWith("ATOMIC")
                    && !packets.get(i).startsWith("RDMA READ response")) {
                lastRequest = i;
            }
        }
        assertTrue(clean.finishNs() < ACK_TIMEOUT_NS, "the clean run takes " + clean.finishNs() + " ns");
        for (int i = 0; i < packets.size(); i++) {
            int target = i;
            int[] seen = {0};
            String losing = "packet " + (i + 1) + ", " + packets.get(i);
            Seen withLoss = run(packet -> seen[0]++ == target, losing);
            assertEquals(packets.get(i), withLoss.untilLost().get(i), "the same run up to the loss");
            // An ACK a later one covers (ACKs are cumulative) costs nothing; a request costs a resend.
            assertTrue(withLoss.packetsSent() >= clean.packetsSent(), losing + " never makes the run cheaper");
            if (!packets.get(i).startsWith("Acknowledge")) {
                assertTrue(withLoss.packetsSent() > clean.packetsSent(), losing + " costs at least a resend");
            }
            boolean request = !packets.get(i).startsWith("Acknowledge") && !packets.get(i).startsWith("ATOMIC")
                    && !packets.get(i).startsWith("RDMA READ response");
            if (request && i < lastRequest) {
                assertTrue(withLoss.finishNs() < ACK_TIMEOUT_NS, losing + ": recovered by a NAK, not the timeout; "
                        + "done at " + withLoss.finishNs() + " ns");
            }
        }
    }
}
