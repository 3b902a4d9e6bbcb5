// The HCA driver's SRQ as mlx4's (drivers/infiniband/hw/mlx4/srq.c): receive WQEs completed out of order
// through two CQs
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Pd;
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
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.core.Wc;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;

class HcaSrqTest {
    private static final int QKEY = 0x1111_0000;

    private static Qp ud(Pd pd, Cq cq, Srq srq) {
        QpInitAttr init = QpInitAttr.of(QpType.UD, cq, cq, srq == null ? QpCap.of(8, 8, 1) : QpCap.of(8, 0, 1));
        init.srq = srq;
        Qp qp = Qp.create(pd, init).get();
        QpAttr a = new QpAttr().state(QpState.INIT);
        a.portNum = 1;
        a.qkey = QKEY;
        assertEquals(0, qp.modify(a, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.PORT,
                QpAttrMask.QKEY)));
        assertEquals(0, qp.modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()));
        QpAttr rts = new QpAttr().state(QpState.RTS);
        rts.sqPsn = 1;
        assertEquals(0, qp.modify(rts, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN)));
        return qp;
    }

    /**
     * Three WRs on an SRQ of three; two QPs on it take one each and complete into two CQs, polled
     * in the other order: exactly the two WQEs completed are free again (mlx4_ib_free_srq_wqe).
     */
    @Test
    void shouldFreeSrqWqesCompletedOutOfOrder() {
        try (World w = World.of(7, 2)) {
            IbDevice d0 = w.host(0).driver(0).device();
            IbDevice d1 = w.host(1).driver(0).device();
            Pd pd0 = Pd.alloc(d0).get();
            Pd pd1 = Pd.alloc(d1).get();
            long sbuf = w.host(0).memory().alloc(4096);
            long rbuf = w.host(1).memory().alloc(4096);
            Srq srq = Srq.create(pd1, null, new SrqAttr(3, 1, 0)).get();
            assertEquals(3, srq.maxWr());
            Cq sendCq = Cq.create(d0, null, null, new CqInitAttr(16, 0)).get();
            Cq cq1 = Cq.create(d1, null, null, new CqInitAttr(4, 0)).get();
            Cq cq2 = Cq.create(d1, null, null, new CqInitAttr(4, 0)).get();
            Qp sender = ud(pd0, sendCq, null);
            Qp r1 = ud(pd1, cq1, srq);
            Qp r2 = ud(pd1, cq2, srq);
            Ah ah = Ah.create(pd0, new AhAttr(w.lid(1), 0, 0, 0, 1, null)).get();
            for (int i = 0; i < 3; i++) {
                assertTrue(srq.postRecv(new RecvWr(100 + i, new Sge(rbuf + 1024L * i, 1024, pd1.localDmaLkey()))).ok());
            }
            Sge s = new Sge(sbuf, 64, pd0.localDmaLkey());
            assertTrue(sender.postSend(SendWr.send(1, s).ah(ah).remoteQpn(r1.qpNum()).remoteQkey(QKEY)).ok());
            w.settle();
            assertTrue(sender.postSend(SendWr.send(2, s).ah(ah).remoteQpn(r2.qpNum()).remoteQkey(QKEY)).ok());
            w.settle();
            assertEquals(2, HcaHost.poll(sendCq).size());
            // QP 2's receive (WQE 1) is polled before QP 1's (WQE 0).
            List<Wc> second = HcaHost.poll(cq2);
            List<Wc> first = HcaHost.poll(cq1);
            assertEquals(List.of(101L), second.stream().map(x -> x.wrId).toList());
            assertEquals(List.of(100L), first.stream().map(x -> x.wrId).toList());
            int posted = 0;
            while (posted < 10 && srq.postRecv(new RecvWr(200 + posted,
                    new Sge(rbuf, 1024, pd1.localDmaLkey()))).ok()) {
                posted++;
            }
            assertEquals(2, posted, "two WQEs were freed, one is still posted");
        }
    }
}
