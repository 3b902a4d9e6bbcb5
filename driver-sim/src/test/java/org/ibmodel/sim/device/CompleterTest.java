// The completer's timers, retries and completions as a peer sees them on the wire: IBA 9.7.5.2,
// 9.7.6; drivers/infiniband/sw/rxe/rxe_comp.c and rxe_req.c, drivers/infiniband/hw/hfi1/rc.c
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.wire.Opcode;
import org.junit.jupiter.api.Test;

class CompleterTest {
    /** ack_timeout 10: 4.096 µs × 2^10. */
    private static final int TIMEOUT = 10;
    private static final long TIMEOUT_NS = Completer.ACK_TIMEOUT_UNIT_NS << TIMEOUT;

    private static HostilePeer peer(Consumer<QpAttr> rts) {
        return new HostilePeer(QpType.RC, r -> {
        }, false, rts);
    }

    /** An RDMA WRITE of 8 bytes: it needs no receive credit, so it goes out whatever the peer ACKs. */
    private static void postWrite(HostilePeer h, long wrId) {
        assertTrue(h.qp.postSend(new SendWr().wrId(wrId).opcode(WrOpcode.RDMA_WRITE).sendFlags(SendFlags.SIGNALED)
                .sgList(new Sge(h.base, 8, h.mr.lkey())).remoteAddr(0x10_0000).rkey(0x1234)).ok());
    }

    /** The times at which the victim sent a request with {@code psn}, in order. */
    private static List<Long> sentAt(List<Transport.Sent> sent, int psn) {
        return sent.stream().filter(p -> p.psn() == psn && p.opcode() != Opcode.RC_ACKNOWLEDGE.value())
                .map(Transport.Sent::timeNs).toList();
    }

    /**
     * rxe_req.c update_state starts the retransmit timer only when it is not running (hfi1 rc.c
     * likewise, hfi1_rc_send_complete): a later message going out does not put off the timeout
     * of an earlier one that waits for its ACK. The first WRITE is resent one ACK timeout after
     * it was sent, not one timeout after the second.
     */
    @Test
    void shouldNotPutOffTheAckTimeoutWhenALaterMessageIsSent() {
        try (HostilePeer h = peer(r -> r.timeout = TIMEOUT)) {
            postWrite(h, 1);
            // The world's clock moves by events only: the second WRITE is posted at an event of its own.
            h.world.scheduler().schedule(TIMEOUT_NS / 2, "post the second WRITE", () -> postWrite(h, 2));
            h.run(TIMEOUT_NS * 2);
            List<Transport.Sent> sent = h.sent();
            assertTrue(sentAt(sent, HostilePeer.SQ_PSN + 1).get(0) >= TIMEOUT_NS / 2, "the second WRITE went later");
            List<Long> first = sentAt(sent, HostilePeer.SQ_PSN);
            assertTrue(first.size() >= 2, "the first WRITE is resent: " + first);
            long waited = first.get(1) - first.get(0);
            assertTrue(waited >= TIMEOUT_NS && waited < TIMEOUT_NS + TIMEOUT_NS / 4,
                    "resent " + waited + " ns after it was first sent; the ACK timeout is " + TIMEOUT_NS + " ns");
        }
    }
}
