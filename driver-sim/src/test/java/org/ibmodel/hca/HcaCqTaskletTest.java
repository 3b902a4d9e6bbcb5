// drivers/infiniband/hw/mlx4/cq.c mlx4_ib_create_cq: a CQ made with udata has its completion
// handler called from its EQ's tasklet (drivers/net/ethernet/mellanox/mlx4/cq.c
// mlx4_add_cq_to_tasklet, mlx4_cq_tasklet_cb), a kernel CQ's straight from the interrupt;
// mlx4_cq_free waits for the tasklet to let go of the CQ.
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.CqNotifyFlags;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.kernel.ExecContext;
import org.junit.jupiter.api.Test;

class HcaCqTaskletTest {
    private final HcaHost h = new HcaHost();

    private Sge sge() {
        return new Sge(0x1_0000_1000L, 8, h.pd.localDmaLkey());
    }

    /** One completion on {@code cq}, armed for it, and the world run until the handler is done. */
    private void completeOne(Cq cq, long wrId) {
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        HcaHost.toRts(qp);
        assertEquals(0, cq.reqNotify(CqNotifyFlags.NEXT_COMP));
        assertTrue(qp.postSend(SendWr.send(wrId, sge())).ok());
        HcaHost.toErr(qp);
        h.settle();
    }

    @Test
    void shouldCallAUserCqsHandlerInSoftirqAndAKernelCqsInHardirq() {
        List<ExecContext> user = new ArrayList<>();
        List<ExecContext> kernel = new ArrayList<>();
        Cq ucq = Cq.createUser(h.dev, c -> user.add(h.kernel.context()), null, new CqInitAttr(8, 0)).get();
        Cq kcq = Cq.create(h.dev, c -> kernel.add(h.kernel.context()), null, new CqInitAttr(8, 0)).get();

        completeOne(ucq, 1);
        completeOne(kcq, 2);

        assertEquals(List.of(ExecContext.SOFTIRQ), user, "ib_uverbs_comp_handler from mlx4_cq_tasklet_cb");
        assertEquals(List.of(ExecContext.HARDIRQ), kernel, "mlx4_ib_cq_comp from mlx4_eq_int");
        assertEquals(0, h.kernel.pendingCount());
    }

    @Test
    void shouldListAUserCqOnceForEveryCompletionBeforeTheTaskletRuns() {
        List<ExecContext> upcalls = new ArrayList<>();
        Cq cq = Cq.createUser(h.dev, c -> upcalls.add(h.kernel.context()), null, new CqInitAttr(8, 0)).get();
        HcaCq hc = (HcaCq) cq.drv();

        // Two COMPLETION EQEs for the CQ in one interrupt: mlx4_cq_completion calls comp twice.
        h.kernel.runIn(ExecContext.HARDIRQ, () -> {
            hc.comp();
            hc.comp();
        });
        assertTrue(upcalls.isEmpty(), "nothing runs in the interrupt itself");
        assertEquals(1, h.kernel.pendingCount(), "one tasklet run");
        h.kernel.runPending();

        assertEquals(List.of(ExecContext.SOFTIRQ), upcalls);
    }

    @Test
    void shouldRunTheHandlerTheTaskletOwesBeforeDestroyReturnsAndNoneAfter() {
        List<Boolean> freedAtUpcall = new ArrayList<>();
        Cq[] cq = new Cq[1];
        cq[0] = Cq.createUser(h.dev, c -> freedAtUpcall.add(c.freed()), null, new CqInitAttr(8, 0)).get();
        HcaCq hc = (HcaCq) cq[0].drv();

        // The interrupt listed the CQ on its EQ's tasklet, which has not run yet.
        h.kernel.runIn(ExecContext.HARDIRQ, hc::comp);
        assertTrue(hc.taskletListed);
        assertTrue(freedAtUpcall.isEmpty());

        assertEquals(0, cq[0].destroy());

        assertEquals(List.of(false), freedAtUpcall, "the handler ran once, while the CQ was still there");
        assertFalse(hc.taskletListed);
        assertEquals(0, h.kernel.pendingCount(), "nothing left to call the handler later");
        h.settle();
        assertEquals(1, freedAtUpcall.size());
    }

    /**
     * mlx4_cq_tasklet_cb empties the list it runs: a later completion of another CQ finds the
     * list empty, so schedules the tasklet again, and each handler runs once per listing.
     */
    @Test
    void shouldRunTheTaskletAgainForTheNextCompletionAfterARun() {
        List<String> upcalls = new ArrayList<>();
        Cq a = Cq.createUser(h.dev, c -> upcalls.add("a"), null, new CqInitAttr(8, 0)).get();
        Cq b = Cq.createUser(h.dev, c -> upcalls.add("b"), null, new CqInitAttr(8, 0)).get();
        h.kernel.runIn(ExecContext.HARDIRQ, ((HcaCq) a.drv())::comp);
        h.kernel.runPending();
        h.kernel.runIn(ExecContext.HARDIRQ, ((HcaCq) b.drv())::comp);
        assertEquals(1, h.kernel.pendingCount(), "scheduled again");
        h.kernel.runPending();
        assertEquals(List.of("a", "b"), upcalls);
    }
}
