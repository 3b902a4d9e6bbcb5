// When the HCA reads a message's data: packet by packet, as it sends each (rxe_req.c copy_data)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
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

    /**
     * A local error stops the requester at its WQE, not behind it: a SEND before it that the
     * peer answered with an RNR NAK is sent again when the RNR timer ends and completes; the
     * failed WQE's error follows it in order (IBA 10.8.3.1; rxe_comp.c req_retry resends what
     * was started before a WQE in error). Before, the halted requester resent nothing, and the
     * SEND ran out of RNR retries.
     */
    @Test
    void shouldStillResendWhatPrecedesAWqeThatFailedLocally() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC,
                TransportPair.Conn.standard(Mtu.MTU_1024).retries(7, 3))) {
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 64))
                    .sendFlags(SendFlags.SIGNALED),
                    new SendWr().wrId(2).opcode(WrOpcode.RDMA_WRITE).sgList(new Sge(p.a.buf, 64, p.a.mr.lkey() ^ 0x80))
                    .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()).sendFlags(SendFlags.SIGNALED));
            // No receive yet: the SEND is RNR NAKed; the receive comes while the requester waits.
            p.world.runUntil(p.world.scheduler().now() + 30_000);
            assertTrue(p.a.poll().isEmpty(), at("nothing completes while the SEND waits"));
            p.b.postRecv(5, TransportPair.TARGET, 64);
            p.settle();
            List<Wc> wcs = p.a.poll();
            assertEquals(List.of(1L, 2L), wcs.stream().map(w -> w.wrId).toList(), at("" + wcs));
            assertEquals(List.of(WcStatus.SUCCESS, WcStatus.LOC_PROT_ERR), wcs.stream().map(w -> w.status).toList(),
                    at("" + wcs));
            assertEquals(WcStatus.SUCCESS, p.b.poll().get(0).status, at("the SEND arrived"));
        }
    }

    /**
     * A local protection error moves the QP to ERR in the device and no event says so;
     * ib_query_qp reports the device's state, as mlx4_ib_query_qp reads it back, and a modify
     * from RTS is then refused as one from ERR is.
     */
    @Test
    void shouldReportTheDevicesErrStateAfterAnErrorCompletion() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_256))) {
            p.a.postSend(new SendWr().wrId(3).opcode(WrOpcode.SEND).sendFlags(SendFlags.SIGNALED)
                    .sgList(new Sge(p.a.buf, 64, p.a.mr.lkey() ^ 0x80)));
            p.settle();
            List<Wc> wcs = p.a.poll();
            assertEquals(WcStatus.LOC_PROT_ERR, wcs.get(0).status, at("the SEND with a wrong key: " + wcs));
            QpAttr attr = new QpAttr();
            assertEquals(0, p.a.qp.query(attr), at("ib_query_qp"));
            assertEquals(QpState.ERR, attr.qpState, at("the device's state"));
            assertEquals(QpState.ERR, attr.curQpState, at("cur_qp_state as mlx4_ib_query_qp fills it"));
            assertEquals(QpState.ERR, p.a.qp.state(), at("and the driver's"));
            QpAttr rts = new QpAttr().state(QpState.RTS);
            assertEquals(Errno.EINVAL.negative(), p.a.qp.modify(rts, QpAttrMask.STATE.bit()), at("RTS -> RTS"));
        }
    }
}
