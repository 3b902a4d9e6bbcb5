// A QP taken back to RESET and connected again, as rdma_cm and ib_srp reuse theirs: the driver's
// rings start over with the device's (docs/HCA.md §4; mlx4 qp.c mlx4_ib_modify_qp to RESET)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.junit.jupiter.api.Test;

/**
 * Traffic, RESET on both ends, a new connection with other PSNs, and traffic again: every
 * message of the second connection arrives with its own data and completes under its own wr_id,
 * on both sides, however far the rings had moved in the first.
 */
class QpReuseTest {
    private static final long SEED = 0x2e05e;

    private static void exchange(TransportPair p, int first, int count) {
        for (int i = 0; i < count; i++) {
            int tag = first + i;
            p.b.postRecv(tag, TransportPair.TARGET + 4096L * i, 4096);
            p.a.fill(8192L * i, TransportPair.pattern(tag, 100 + tag));
        }
        for (int i = 0; i < count; i++) {
            int tag = first + i;
            p.a.postSend(new SendWr().wrId(tag).sendFlags(SendFlags.SIGNALED)
                    .opcode(org.ibmodel.core.WrOpcode.SEND).sgList(p.a.sge(8192L * i, 100 + tag)));
        }
        p.settle();
        List<Wc> sent = p.a.poll();
        List<Wc> got = p.b.poll();
        String what = "messages " + first + ".." + (first + count - 1) + ": " + sent + " / " + got;
        assertEquals(count, sent.size(), what);
        assertEquals(count, got.size(), what);
        for (int i = 0; i < count; i++) {
            int tag = first + i;
            assertEquals(tag, sent.get(i).wrId, what);
            assertEquals(WcStatus.SUCCESS, sent.get(i).status, what);
            assertEquals(tag, got.get(i).wrId, what);
            assertEquals(100 + tag, got.get(i).byteLen, what);
            assertArrayEquals(TransportPair.pattern(tag, 100 + tag), p.b.read(TransportPair.TARGET + 4096L * i,
                    100 + tag), what);
        }
    }

    @Test
    void shouldCarryANewConnectionsMessagesAfterReset() {
        TransportPair.Conn first = TransportPair.Conn.standard(Mtu.MTU_1024);
        try (TransportPair p = new TransportPair(SEED, QpType.RC, first)) {
            exchange(p, 1, 3);
            p.reconnect(first.psns(0x77_0000, 0x12_3456));
            exchange(p, 11, 2);
            p.reconnect(first.psns(0xff_fffe, 5));
            exchange(p, 21, 4);
        }
    }

    /**
     * IBA 10.3.1: going to RESET removes every WQE without a completion. Receives posted before
     * the RESET are gone afterwards (the doorbell record's counter starts over with the ring), so
     * a SEND on the new connection finds none: RNR NAKs until a's rnr_retry runs out, and b
     * completes nothing.
     */
    @Test
    void shouldForgetTheReceivesPostedBeforeReset() {
        TransportPair.Conn c = TransportPair.Conn.standard(Mtu.MTU_1024).retries(7, 1);
        try (TransportPair p = new TransportPair(SEED, QpType.RC, c)) {
            exchange(p, 1, 2);
            p.b.postRecv(5, TransportPair.TARGET, 4096);
            p.b.postRecv(6, TransportPair.TARGET, 4096);
            p.reconnect(c.psns(0x33_0000, 0x44_0000));
            p.a.postSend(new SendWr().wrId(7).sendFlags(SendFlags.SIGNALED).opcode(org.ibmodel.core.WrOpcode.SEND)
                    .sgList(p.a.sge(0, 64)));
            p.settle();
            List<Wc> sent = p.a.poll();
            assertEquals(1, sent.size(), sent.toString());
            assertEquals(WcStatus.RNR_RETRY_EXC_ERR, sent.get(0).status);
            assertEquals(List.of(), p.b.poll(), "b's receives went with the RESET");
        }
    }
}
