// drivers/net/ethernet/mellanox/mlx4/qp.c (qp_table->lock: spin_lock in mlx4_qp_event, spin_lock_irq
// in mlx4_qp_alloc, spin_lock_irqsave in mlx4_qp_remove), kernel/locking/lockdep.c
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
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.kernel.ExecContext;
import org.ibmodel.kernel.KernelBug;
import org.ibmodel.kernel.SpinLock;
import org.junit.jupiter.api.Test;

/**
 * The driver's table lock is taken by the EQ handler in hard-interrupt context, so lockdep knows
 * it as HARDIRQ-safe once an event came: driver code that took it with interrupts on would be
 * reported, as an mlx4_qp_alloc written with spin_lock would be on a kernel with lockdep.
 */
class HcaLockdepTest {
    private final HcaHost h = new HcaHost();

    /** A completion event through the EQ: the handler looks the CQ up in the table. */
    private void completionEvent() {
        List<ExecContext> handlerRan = new ArrayList<>();
        Cq cq = Cq.create(h.dev, c -> handlerRan.add(h.kernel.context()), null, new CqInitAttr(7, 0)).get();
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        HcaHost.toRts(qp);
        HcaHost.toErr(qp);
        cq.reqNotify(CqNotifyFlags.NEXT_COMP);
        assertTrue(qp.postSend(SendWr.send(1, new Sge(0x1_0000_1000L, 8, h.pd.localDmaLkey()))).ok());
        h.settle();
        assertEquals(1, handlerRan.size(), "the completion event came");
        assertEquals(1, HcaHost.poll(cq).size());
        // Created, looked up in an interrupt, destroyed: the driver's own paths agree with lockdep.
        assertEquals(0, qp.destroy());
        assertEquals(0, cq.destroy());
    }

    @Test
    void shouldReportTheTableLockTakenWithInterruptsOnOnceTheEqHandlerTookIt() {
        completionEvent();
        // The mutation: a create path that took the table lock with spin_lock.
        SpinLock sameClass = new SpinLock(h.kernel, "hca->table_lock");

        KernelBug bug = assertThrows(KernelBug.class, () -> sameClass.with(() -> { }));

        assertEquals(KernelBug.LOCKDEP_INCONSISTENT, bug.rule(), bug.getMessage());
        assertTrue(bug.getMessage().contains("{IN-HARDIRQ-W} state was registered at org.ibmodel.hca.HcaDriver"),
                bug.getMessage());
        assertDoesNotThrow(() -> sameClass.withIrq(() -> { }), "with interrupts off it is what mlx4 does");
    }

    @Test
    void shouldReportALockTakenWithInterruptsOnHeldWhileTheEqHandlersLockIsTakenUnderIt() {
        completionEvent();
        SpinLock unsafe = new SpinLock(h.kernel, "priv->unsafe_lock");
        unsafe.with(() -> { });
        SpinLock table = new SpinLock(h.kernel, "hca->table_lock");

        KernelBug bug = assertThrows(KernelBug.class, () -> table.withIrqsave(() -> unsafe.withIrqsave(() -> { })));

        assertEquals(KernelBug.LOCKDEP_BAD_IRQ_DEPENDENCY, bug.rule(), bug.getMessage());
        assertTrue(bug.getMessage().contains("HARDIRQ-safe -> HARDIRQ-unsafe"), bug.getMessage());
    }
}
