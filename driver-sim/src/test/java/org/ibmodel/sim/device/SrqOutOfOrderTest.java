// QPs sharing an SRQ complete its WQEs in any order: drivers/infiniband/hw/mlx4/srq.c keeps the
// SRQ's free WQEs on a list linked through each WQE's next_wqe_index (mlx4_ib_free_srq_wqe), not
// as a ring freed in order
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.wire.Opcode;
import org.junit.jupiter.api.Test;

class SrqOutOfOrderTest {
    private static final int MTU = HostilePeer.MTU;
    private static final int PSN = HostilePeer.RQ_PSN;
    private static final int SECOND_PEER_QPN = 0x00ab_cdee;

    private static RecvWr recv(HostilePeer h, long wrId) {
        return new RecvWr(wrId, new Sge(h.base + 4096L * (wrId % 60), 4096, h.mr.lkey()));
    }

    /** Posts receives 0, 1, ... until the SRQ holds as many as it takes. */
    private static void fill(HostilePeer h) {
        int max = h.srq.maxWr();
        for (int i = 0; i < max; i++) {
            assertEquals(0, h.srq.postRecv(recv(h, i)).ret(), "WR " + i + " of " + max);
        }
    }

    /**
     * QP 1 takes the SRQ's first WQE for a two-packet SEND; QP 2 takes the second for a SEND ONLY
     * and completes first. Polling that completion frees the second WQE only: the first is still
     * being filled, so a full SRQ takes one new receive, not two, and QP 1's message still lands in
     * the buffer of the WQE it took and completes with that WQE's wr_id.
     */
    @Test
    void shouldFreeOnlyTheWqeThatCompletedWhileAnotherQpStillFillsAnEarlierOne() {
        try (HostilePeer h = new HostilePeer(QpType.RC, q -> {
        }, true)) {
            Qp second = h.secondQp(QpType.RC, SECOND_PEER_QPN);
            fill(h);
            byte[] first = TransportPair.pattern(21, MTU);
            byte[] last = TransportPair.pattern(22, 16);
            h.send(Opcode.RC_SEND_FIRST, PSN, f -> f.payload = first);
            h.put(second, Opcode.RC_SEND_ONLY, PSN, f -> f.payload = TransportPair.pattern(23, 8));
            h.world.settle();
            List<Wc> wcs = h.poll();
            assertEquals(List.of(1L), wcs.stream().map(w -> w.wrId).toList(), wcs.toString());

            assertEquals(0, h.srq.postRecv(recv(h, 100)).ret(), "the slot WQE 1 left");
            PostResult full = h.srq.postRecv(recv(h, 101));
            assertEquals(Errno.ENOMEM.negative(), full.ret(), "WQE 0 is still QP 1's");

            h.send(Opcode.RC_SEND_LAST, PSN + 1, f -> f.payload = last);
            h.world.settle();
            wcs = h.poll();
            assertEquals(1, wcs.size(), wcs.toString());
            assertEquals(0L, wcs.get(0).wrId, wcs.toString());
            assertEquals(WcStatus.SUCCESS, wcs.get(0).status, wcs.toString());
            assertEquals(MTU + 16, wcs.get(0).byteLen);
            byte[] got = h.victim.memory().read(h.base, MTU + 16);
            byte[] want = new byte[MTU + 16];
            System.arraycopy(first, 0, want, 0, MTU);
            System.arraycopy(last, 0, want, MTU, 16);
            assertArrayEquals(want, got, "the message is in WQE 0's buffer");
        }
    }

    /**
     * __mlx4_ib_cq_clean: a QP destroyed with receive CQEs not yet polled gives the SRQ WQEs those
     * CQEs name back to the SRQ's free list, as no one will poll them; the full SRQ then takes as
     * many new receives again, and the CQ gives nothing of the QP.
     */
    @Test
    void shouldGiveTheSrqBackTheWqesOfADestroyedQpsUnpolledReceives() {
        try (HostilePeer h = new HostilePeer(QpType.RC, q -> {
        }, true)) {
            Qp second = h.secondQp(QpType.RC, SECOND_PEER_QPN);
            fill(h);
            h.put(second, Opcode.RC_SEND_ONLY, PSN, f -> f.payload = TransportPair.pattern(31, 8));
            h.put(second, Opcode.RC_SEND_ONLY, PSN + 1, f -> f.payload = TransportPair.pattern(32, 8));
            h.world.settle();
            assertEquals(0, second.destroy());
            assertEquals(List.of(), h.poll(), "the destroyed QP's CQEs went with it");
            assertEquals(0, h.srq.postRecv(recv(h, 200)).ret(), "the first WQE back");
            assertEquals(0, h.srq.postRecv(recv(h, 201)).ret(), "the second WQE back");
            assertEquals(Errno.ENOMEM.negative(), h.srq.postRecv(recv(h, 202)).ret(), "and no more");
        }
    }
}
