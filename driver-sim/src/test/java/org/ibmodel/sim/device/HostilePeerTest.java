// Sequences from a connected but hostile peer (IBA 9.7.4-9.7.6, 9.8; docs/HCA.md §6, §7);
// drivers/infiniband/sw/rxe/rxe_resp.c and rxe_comp.c for what a software HCA does with them
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.sim.wire.Opcode;
import org.junit.jupiter.api.Test;

class HostilePeerTest {

    private static byte[] payload(int len) {
        return TransportPair.pattern(7, len);
    }

    /**
     * A SEND_FIRST takes a receive WQE; a second SEND_FIRST inside that message is an invalid
     * request that ends the connection. Every receive posted must still complete: the one the
     * message had taken as well as those behind it (§6, 2ERR completes every outstanding WQE).
     */
    @Test
    void shouldCompleteTheReceiveAMessageHadTakenWhenTheQpFails() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            for (int i = 1; i <= 2; i++) {
                assertTrue(h.qp.postRecv(new RecvWr(i, new Sge(h.base + 4096L * i, 4096, h.mr.lkey()))).ok());
            }
            h.send(Opcode.RC_SEND_FIRST, HostilePeer.RQ_PSN, f -> f.payload = payload(HostilePeer.MTU));
            h.send(Opcode.RC_SEND_FIRST, HostilePeer.RQ_PSN + 1, f -> f.payload = payload(HostilePeer.MTU));
            h.world.settle();
            assertEquals(QpState.ERR, h.state());
            List<Wc> wcs = h.poll();
            assertEquals(2, wcs.size(), "a completion for each receive posted: " + wcs);
            assertEquals(1, wcs.get(0).wrId, "in order: " + wcs);
            assertEquals(2, wcs.get(1).wrId, "in order: " + wcs);
            for (Wc w : wcs) {
                assertTrue(w.status != WcStatus.SUCCESS, "nothing was received whole: " + w);
            }
        }
    }

    /** As above with the victim on UC, whose QP a user moves to ERR with a message half received. */
    @Test
    void shouldFlushTheReceiveAUcMessageHadTakenWhenTheQpIsMovedToErr() {
        try (HostilePeer h = new HostilePeer(QpType.UC)) {
            for (int i = 1; i <= 2; i++) {
                assertTrue(h.qp.postRecv(new RecvWr(i, new Sge(h.base + 4096L * i, 4096, h.mr.lkey()))).ok());
            }
            h.send(Opcode.UC_SEND_FIRST, HostilePeer.RQ_PSN, f -> f.payload = payload(HostilePeer.MTU));
            assertEquals(0, h.qp.modify(new org.ibmodel.core.QpAttr().state(QpState.ERR),
                    org.ibmodel.core.QpAttrMask.STATE.bit()));
            h.world.settle();
            List<Wc> wcs = h.poll();
            assertEquals(2, wcs.size(), "a completion for each receive posted: " + wcs);
            assertEquals(1, wcs.get(0).wrId, "in order: " + wcs);
            assertEquals(WcStatus.WR_FLUSH_ERR, wcs.get(0).status, wcs.get(0).toString());
            assertEquals(WcStatus.WR_FLUSH_ERR, wcs.get(1).status, wcs.get(1).toString());
        }
    }
}
