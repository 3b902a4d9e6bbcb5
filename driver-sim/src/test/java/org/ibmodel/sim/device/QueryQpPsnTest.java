// drivers/infiniband/hw/mlx4/qp.c (mlx4_ib_query_qp: sq_psn from next_send_psn, rq_psn from
// rnr_nextrecvpsn); docs/HCA.md §4.5
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;

/** ib_query_qp reports the PSNs traffic has reached, not the ones the QP was connected with. */
class QueryQpPsnTest {
    private static final long SEED = 5;

    @Test
    void shouldReportTheNextPsnToSendAndTheNextExpected() {
        TransportPair.Conn conn = TransportPair.Conn.standard(Mtu.MTU_1024);
        try (TransportPair p = new TransportPair(SEED, QpType.RC, conn)) {
            for (int i = 0; i < 3; i++) {
                p.b.postRecv(10 + i, 0, 64);
            }
            for (int i = 0; i < 3; i++) {
                p.a.postSend(new SendWr().wrId(1 + i).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 64)));
            }
            // Three packets of 1024 bytes at the most.
            p.a.postSend(new SendWr().wrId(4).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, 3000))
                    .remoteAddr(p.b.buf).rkey(p.b.mr.rkey()));
            p.settle();
            assertEquals(4, p.a.poll().stream().filter(w -> w.status == WcStatus.SUCCESS).count());
            QpAttr a = new QpAttr();
            assertEquals(0, p.a.qp.query(a));
            QpAttr b = new QpAttr();
            assertEquals(0, p.b.qp.query(b));
            assertEquals((conn.psnA() + 6) & 0xffffff, a.sqPsn, "six packets sent");
            assertEquals((conn.psnA() + 6) & 0xffffff, b.rqPsn, "six packets received");
            assertEquals(conn.psnB(), b.sqPsn, "ACKs take no PSN of the responder's own");
            assertEquals(conn.psnB(), a.rqPsn, "nothing came the other way");
        }
    }
}
