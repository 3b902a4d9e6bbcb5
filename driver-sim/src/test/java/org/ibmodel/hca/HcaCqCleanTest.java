// drivers/infiniband/hw/mlx4/cq.c __mlx4_ib_cq_clean: a QP reset or destroyed takes its CQEs
// out of a CQ it shares, the others sliding up to close the gap
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.core.Cq;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.junit.jupiter.api.Test;

/**
 * Two QPs share a CQ whose unpolled CQEs interleave; resetting one removes exactly its CQEs and
 * moves the other's older ones towards the producer, so they poll in their order and with their
 * contents, also when the move crosses the end of the ring (the owner bit of the new lap).
 */
class HcaCqCleanTest {
    private final HcaHost h = new HcaHost();

    private Sge sge() {
        return new Sge(0x1_0000_1000L, 8, h.pd.localDmaLkey());
    }

    /** A send of {@code qp}, which is in ERR: the device flushes it into the CQ at once. */
    private void flushed(Qp qp, long wrId) {
        assertTrue(qp.postSend(SendWr.send(wrId, sge())).ok());
        h.settle();
    }

    private void interleaveThenReset(int polledFirst) {
        Cq cq = h.cq(7);
        Qp keep = h.qp(QpType.RC, cq, QpCap.of(8, 1, 1));
        Qp gone = h.qp(QpType.RC, cq, QpCap.of(8, 1, 1));
        for (Qp qp : List.of(keep, gone)) {
            HcaHost.toRts(qp);
            HcaHost.toErr(qp);
        }
        // Move the consumer index on, so that what follows may cross the end of the ring.
        for (int i = 0; i < polledFirst; i++) {
            flushed(keep, 100 + i);
        }
        assertEquals(polledFirst, HcaHost.poll(cq).size());
        flushed(keep, 1);
        flushed(gone, 2);
        flushed(keep, 3);
        flushed(gone, 4);
        flushed(gone, 5);
        flushed(keep, 6);
        assertEquals(0, gone.modify(new QpAttr().state(QpState.RESET), QpAttrMask.STATE.bit()));
        List<Wc> left = HcaHost.poll(cq);
        String at = "after " + polledFirst + " polled: " + left;
        assertEquals(List.of(1L, 3L, 6L), left.stream().map(w -> w.wrId).toList(), at);
        for (Wc w : left) {
            assertEquals(keep, w.qp, at);
            assertEquals(WcStatus.WR_FLUSH_ERR, w.status, at);
        }
        flushed(keep, 7);
        assertEquals(List.of(7L), HcaHost.poll(cq).stream().map(w -> w.wrId).toList(),
                "the ring goes on where the clean left it");
    }

    @Test
    void shouldKeepTheOtherQpsCqesInOrder() {
        interleaveThenReset(0);
    }

    @Test
    void shouldKeepThemAcrossTheEndOfTheRing() {
        // An 8-entry ring: from index 5 the six CQEs run to index 10, past the end; the clean
        // moves CQE 1 from index 5 to 8 and CQE 3 from 7 to 9, into the next lap.
        interleaveThenReset(5);
    }

    /**
     * __mlx4_ib_modify_qp to RESET and destroy_qp_common clean both of the QP's CQs: the send
     * CQ's flushed sends go as well as the receive CQ's flushed receives.
     */
    @Test
    void shouldCleanTheSendCqAsWellAsTheReceiveCq() {
        Cq send = h.cq(7);
        Cq recv = h.cq(7);
        Cq shared = h.cq(7);
        Qp keep = h.qp(QpType.RC, shared, QpCap.of(4, 4, 1));
        Qp gone = Qp.create(h.pd, QpInitAttr.of(QpType.RC, send, recv, QpCap.of(4, 4, 1))).get();
        Qp destroyed = Qp.create(h.pd, QpInitAttr.of(QpType.RC, send, recv, QpCap.of(4, 4, 1))).get();
        for (Qp qp : List.of(keep, gone, destroyed)) {
            HcaHost.toRts(qp);
            assertTrue(qp.postRecv(new RecvWr(10, sge())).ok());
            HcaHost.toErr(qp);
            flushed(qp, 1);
        }
        assertEquals(0, gone.modify(new QpAttr().state(QpState.RESET), QpAttrMask.STATE.bit()));
        assertEquals(0, destroyed.destroy());
        assertEquals(List.of(), HcaHost.poll(send), "the sends of both");
        assertEquals(List.of(), HcaHost.poll(recv), "the receives of both");
        assertEquals(List.of(10L, 1L), HcaHost.poll(shared).stream().map(w -> w.wrId).toList());
    }
}
