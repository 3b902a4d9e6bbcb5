// What the receive demux lets through to a QP: IBA 9.6.1.5 and 10.3.1 (a QP takes requests in
// RTR, RTS, SQD and SQE, responses in RTS and SQD only), drivers/infiniband/sw/rxe/rxe_recv.c
// check_type_state and hdr_check (the opcode's transport must be the QP's, the QP must exist)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.sim.wire.Opcode;
import org.junit.jupiter.api.Test;

class ReceiveDemuxTest {
    private static final int PSN = HostilePeer.RQ_PSN;

    private static byte[] region(HostilePeer h, long at, int len) {
        int from = (int) (at - h.base);
        return java.util.Arrays.copyOfRange(TransportPair.pattern(1, HostilePeer.REGION), from, from + len);
    }

    /** An RDMA WRITE ONLY of 16 bytes at {@code h.base + 4096} through the region's key, as {@code op}. */
    private static void write(HostilePeer h, Opcode op) {
        h.send(op, PSN, f -> {
            f.va = h.base + 4096;
            f.rkey = h.mr.rkey();
            f.dmaLen = 16;
            f.payload = TransportPair.pattern(9, 16);
        });
    }

    /** Nothing answered, nothing written, and the drop counted as {@code reason}. */
    private static void assertDropped(HostilePeer h, Transport.Drop reason) {
        h.world.settle();
        assertEquals(List.of(), h.sent(), "answered");
        assertArrayEquals(region(h, h.base + 4096, 16), h.victim.memory().read(h.base + 4096, 16), "written");
        assertEquals(1, h.world.transport(HostilePeer.VICTIM).dropped(reason), reason + " counted");
    }

    /**
     * A QP in ERR takes no request: a WRITE with the right key, PSN and path is dropped before
     * the responder sees it, and writes nothing (IBA 10.3.1: ERR neither sends nor receives).
     */
    @Test
    void shouldDropARequestForAQpInErr() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            assertEquals(0, h.qp.modify(new QpAttr().state(QpState.ERR), QpAttrMask.of(QpAttrMask.STATE)));
            write(h, Opcode.RC_RDMA_WRITE_ONLY);
            assertDropped(h, Transport.Drop.QP_STATE);
        }
    }

    /**
     * rxe_recv.c check_type_state: a UC request for an RC QP is not the QP's transport; it is
     * dropped, not executed, and the QP carries on.
     */
    @Test
    void shouldDropARequestOfAnotherTransport() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            write(h, Opcode.UC_RDMA_WRITE_ONLY);
            assertDropped(h, Transport.Drop.TRANSPORT_MISMATCH);
            assertEquals(QpState.RTS, h.state());
        }
    }
}
