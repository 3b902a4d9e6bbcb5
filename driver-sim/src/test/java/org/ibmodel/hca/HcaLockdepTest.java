// drivers/net/ethernet/mellanox/mlx4/qp.c (qp_table->lock: spin_lock in mlx4_qp_event, spin_lock_irq
// in mlx4_qp_alloc, spin_lock_irqsave in mlx4_qp_remove), drivers/infiniband/hw/mlx4/qp.c
// (mlx4_ib_lock_cqs, destroy_qp_common), kernel/locking/lockdep.c
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.CqNotifyFlags;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.core.Wc;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.kernel.SpinLock;
import org.junit.jupiter.api.Test;

/**
 * The driver's locks as lockdep sees them: the EQ handler takes qp_table->lock in hard-interrupt
 * context and a kernel CQ's handler polls there, so both are HARDIRQ-safe once an event came, and
 * driver code taking them with interrupts on is reported, as an mlx4_qp_alloc or a destroy path
 * written with spin_lock would be on a kernel with lockdep. A QP's destroy takes its two CQs'
 * locks nested under reset_flow_resource_lock.
 */
class HcaLockdepTest {
    private final HcaHost h = new HcaHost();

    /** A QP event (LAST_WQE_REACHED) through the EQ: the handler looks the QP up under qp_table->lock. */
    private void qpEvent() {
        List<IbEventType> events = new ArrayList<>();
        Cq cq = h.cq(8);
        Srq srq = Srq.create(h.pd, null, new SrqAttr(8, 1, 0)).get();
        QpInitAttr init = QpInitAttr.of(QpType.RC, cq, cq, QpCap.of(4, 0, 1));
        init.srq = srq;
        init.eventHandler = e -> events.add(e.event());
        Qp qp = Qp.create(h.pd, init).get();
        HcaHost.toRts(qp);
        HcaHost.toErr(qp);
        h.settle();
        assertEquals(List.of(IbEventType.QP_LAST_WQE_REACHED), events);
        // Created, looked up in an interrupt, destroyed: the driver's own paths agree with lockdep.
        assertEquals(0, qp.destroy());
    }

    /** A kernel CQ whose handler polls it, in hard-interrupt context, so cq->lock is taken there. */
    private Cq pollingCq(int[] polled) {
        return Cq.create(h.dev, c -> {
            Wc[] b = new Wc[4];
            polled[0] += c.poll(4, b);
        }, null, new CqInitAttr(7, 0)).get();
    }

    @Test
    void shouldReportTheQpTableLockTakenWithInterruptsOnOnceTheEqHandlerTookIt() {
        qpEvent();
        // The mutation: an mlx4_qp_alloc written with spin_lock.
        SpinLock sameClass = new SpinLock(h.kernel, "qp_table->lock");

        KernelBug bug = assertThrows(KernelBug.class, () -> sameClass.with(() -> { }));

        assertEquals(KernelBug.LOCKDEP_INCONSISTENT, bug.rule(), bug.getMessage());
        assertTrue(bug.getMessage().contains("{IN-HARDIRQ-W} state was registered at org.ibmodel.hca.HcaDriver"),
                bug.getMessage());
        assertDoesNotThrow(() -> sameClass.withIrq(() -> { }), "with interrupts off it is what mlx4 does");
    }

    @Test
    void shouldReportALockTakenWithInterruptsOnTakenUnderTheQpTableLock() {
        qpEvent();
        SpinLock unsafe = new SpinLock(h.kernel, "priv->unsafe_lock");
        unsafe.with(() -> { });
        SpinLock table = new SpinLock(h.kernel, "qp_table->lock");

        KernelBug bug = assertThrows(KernelBug.class, () -> table.withIrqsave(() -> unsafe.withIrqsave(() -> { })));

        assertEquals(KernelBug.LOCKDEP_BAD_IRQ_DEPENDENCY, bug.rule(), bug.getMessage());
        assertTrue(bug.getMessage().contains("HARDIRQ-safe -> HARDIRQ-unsafe"), bug.getMessage());
    }

    @Test
    void shouldTakeBothCqLocksNestedUnderTheResetFlowLockToDestroyAQp() {
        int[] polled = {0};
        Cq send = pollingCq(polled);
        Cq recv = pollingCq(polled);
        Qp qp = Qp.create(h.pd, QpInitAttr.of(QpType.RC, send, recv, QpCap.of(4, 4, 1))).get();
        HcaHost.toRts(qp);
        HcaHost.toErr(qp);
        send.reqNotify(CqNotifyFlags.NEXT_COMP);
        assertTrue(qp.postSend(SendWr.send(1, new Sge(0x1_0000_1000L, 8, h.pd.localDmaLkey()))).ok());
        h.settle();
        assertEquals(1, polled[0], "the handler polled in the interrupt");

        assertEquals(0, qp.destroy());

        var lockdep = h.kernel.lockdep();
        assertTrue(lockdep.hasDependency("ibdev->reset_flow_resource_lock", "cq->lock"));
        assertTrue(lockdep.hasDependency("cq->lock", "cq->lock/1"), "the second CQ nested (SINGLE_DEPTH_NESTING)");
        assertTrue(lockdep.hasDependency("cq->lock/1", "qp_table->lock"), "mlx4_qp_remove inside");
        // The mutation: the second CQ's lock taken without saying it nests.
        SpinLock first = new SpinLock(h.kernel, "cq->lock");
        SpinLock second = new SpinLock(h.kernel, "cq->lock");
        KernelBug bug = assertThrows(KernelBug.class, () -> first.withIrq(second::lock));
        assertEquals(KernelBug.LOCKDEP_RECURSIVE, bug.rule(), bug.getMessage());
        // And a destroy path taking a CQ lock with interrupts on, the handler having taken it in one.
        KernelBug irqOn = assertThrows(KernelBug.class, () -> first.with(() -> { }));
        assertEquals(KernelBug.LOCKDEP_INCONSISTENT, irqOn.rule(), irqOn.getMessage());
    }
}
