// drivers/net/ethernet/mellanox/mlx4/eq.c (mlx4_init_eq_table, mlx4_eq_int); docs/HCA.md §4.3, §8, §9
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.CqNotifyFlags;
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
import org.ibmodel.core.Sge;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;

/**
 * The completion EQs as mlx4_init_eq_table sizes them: an entry for every CQ the device has, as
 * each CQ has at most one COMPLETION EQE per arm, and MLX4_NUM_SPARE_EQE (0x80) more for the
 * EQEs that come while the handler runs and has not yet told the device its consumer index.
 */
class CompletionEqTest {
    private static final int SPARE_EQE = 0x80;
    private static final int CQS = 160;

    @Test
    void shouldSizeEveryCompletionEqForOneEqePerCqAndTheSpareEntries() {
        try (World world = World.of(11, 1)) {
            Firmware fw = world.host(0).hca(0).firmware();
            int maxCq = world.host(0).driver(0).device().attr().maxCq;
            for (int eqn = 0; eqn < fw.caps().msixVectors(); eqn++) {
                int nent = (eqn == 0 ? 0x100 : maxCq) + SPARE_EQE;
                int log = Layout.EqCtx.LOG_SIZE.getInt(fw.eqContext(eqn), 0);
                assertTrue(1 << log >= nent, "EQ " + eqn + " of 2^" + log + " entries for " + nent);
                assertTrue(1 << (log - 1) < nent, "EQ " + eqn + " rounded up to the next power of two only");
            }
        }
    }

    @Test
    void shouldLoseNoCompletionEventWhenEveryCqFiresAndIsArmedAgainInOneInterrupt() {
        try (World world = World.of(11, 1)) {
            IbDevice dev = world.host(0).driver(0).device();
            Pd pd = Pd.alloc(dev).get();
            Map<Cq, Integer> upcalls = new IdentityHashMap<>();
            List<Cq> cqs = new ArrayList<>();
            // Each handler arms its CQ again without polling: its CQE is still there, so the
            // device adds a COMPLETION EQE at once, while the handler runs (§8).
            for (int i = 0; i < CQS; i++) {
                Cq cq = Cq.create(dev, c -> {
                    if (upcalls.merge(c, 1, Integer::sum) == 1) {
                        c.reqNotify(CqNotifyFlags.NEXT_COMP);
                    }
                }, null, new CqInitAttr(4, 0)).get();
                upcalls.put(cq, 0);
                cqs.add(cq);
            }
            Cq sendCq = Cq.create(dev, c -> { }, null, new CqInitAttr(4, 0)).get();
            long buf = world.host(0).memory().alloc(4096);
            List<Qp> qps = new ArrayList<>();
            for (Cq cq : cqs) {
                Qp qp = Qp.create(pd, QpInitAttr.of(QpType.RC, sendCq, cq, QpCap.of(1, 1, 1))).get();
                QpAttr init = new QpAttr().state(QpState.INIT);
                init.portNum = 1;
                assertEquals(0, qp.modify(init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX,
                        QpAttrMask.PORT, QpAttrMask.ACCESS_FLAGS)));
                assertEquals(0, qp.modify(new QpAttr().state(QpState.ERR), QpAttrMask.STATE.bit()));
                qps.add(qp);
            }
            // Commands let the world run; posting does not, so every CQE and EQE below is there
            // before the interrupt handler runs. A receive posted in ERR is flushed at once (§6).
            for (Qp qp : qps) {
                assertTrue(qp.postRecv(new RecvWr(1, new Sge(buf, 8, pd.localDmaLkey()))).ok());
            }
            for (Cq cq : cqs) {
                assertEquals(0, cq.reqNotify(CqNotifyFlags.NEXT_COMP));
            }
            world.settle();
            for (int i = 0; i < CQS; i++) {
                assertEquals(2, upcalls.get(cqs.get(i)), "completion upcalls of CQ " + i);
            }
        }
    }
}
