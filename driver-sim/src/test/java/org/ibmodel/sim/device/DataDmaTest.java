// When the HCA reads a message's data: packet by packet, as it sends each (rxe_req.c copy_data)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The device reads the data of a SEND or WRITE from host memory when it sends each packet, not
 * once when it takes the WQE: a retransmission reads the memory again, and memory that stops
 * being reachable through its lkey halfway through a message ends the message there with a local
 * protection error. Posting only checks that the data segments are reachable.
 */
@ExtendWith(ReplayOnFailure.class)
class DataDmaTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 7);

    private static String at(String what) {
        return ReplayOnFailure.at("DataDmaTest", SEED, what);
    }

    @Test
    void shouldSendWhatMemoryHoldsWhenARetransmissionLeaves() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            byte[] before = TransportPair.pattern(1, 3000);
            byte[] after = TransportPair.pattern(2, 3000);
            p.a.fill(0, before);
            p.b.postRecv(1, TransportPair.TARGET, before.length);
            // Every packet of the first try is lost.
            p.world.fabric().faults().dropProbability(p.world.link(0), 1.0);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, before.length)));
            p.world.runUntil(p.world.scheduler().now() + 10_000);
            assertTrue(p.world.link(0).counters().droppedByFault() >= 3, at("the first try was lost"));

            // Changing a buffer before its WQE completes is the application's error; what goes on
            // the wire is then what the memory holds when each packet leaves, as on the hardware.
            p.a.fill(0, after);
            p.world.fabric().faults().dropProbability(p.world.link(0), 0);
            p.settle();

            List<Wc> wcs = p.a.poll();
            assertEquals(1, wcs.size(), at("one completion: " + wcs));
            assertEquals(WcStatus.SUCCESS, wcs.get(0).status, at("send"));
            assertArrayEquals(after, p.b.read(TransportPair.TARGET, after.length), at("the retransmission's data"));
        }
    }

    @Test
    void shouldEndAMessageWithALocalProtectionErrorWhenItsMemoryGoesAwayHalfwayThrough() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_256))) {
            // 100 packets: the first WINDOW leave at once, the rest wait for an ACK.
            int length = 100 * 256;
            byte[] data = TransportPair.pattern(3, length);
            p.a.fill(0, data);
            long packetsBefore = p.a.transport().packetsSent();
            p.a.postSend(new SendWr().wrId(7).opcode(WrOpcode.RDMA_WRITE).sendFlags(SendFlags.SIGNALED)
                    .sgList(p.a.sge(0, length)).remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()));
            assertEquals(Requester.WINDOW, p.a.transport().packetsSent() - packetsBefore, at("a window's worth sent"));

            assertEquals(0, p.a.mr.dereg(), at("ib_dereg_mr"));
            p.settle();

            List<Wc> wcs = p.a.poll();
            assertEquals(1, wcs.size(), at("one completion: " + wcs));
            assertEquals(WcStatus.LOC_PROT_ERR, wcs.get(0).status, at("the WRITE"));
            assertEquals(HwQpState.ERR, p.a.hwState(), at("requester QP"));
            assertEquals(Requester.WINDOW, p.a.transport().packetsSent() - packetsBefore,
                    at("no packet sent after the memory went away"));
            int placed = Requester.WINDOW * 256;
            assertArrayEquals(Arrays.copyOf(data, placed), p.b.read(TransportPair.TARGET, placed),
                    at("what was sent is placed"));
            assertArrayEquals(new byte[length - placed], p.b.read(TransportPair.TARGET + placed, length - placed),
                    at("nothing after it"));
        }
    }
}
