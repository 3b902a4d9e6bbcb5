// drivers/net/ethernet/mellanox/mlx4/cq.c (mlx4_add_cq_to_tasklet, mlx4_cq_tasklet_cb),
// drivers/net/ethernet/mellanox/mlx4/mlx4.h (struct mlx4_eq_tasklet)
package org.ibmodel.hca;

import java.util.ArrayDeque;
import java.util.Deque;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.kernel.SpinLock;
import org.ibmodel.kernel.Tasklet;

/**
 * One completion EQ's tasklet: the CQs whose completion handler the interrupt deferred, each
 * listed once however many COMPLETION EQEs name it before the tasklet runs, and each holding a
 * reference that keeps mlx4_cq_free waiting until its handler has run.
 */
final class EqTasklet {
    private final SpinLock lock;
    /** tasklet_ctx->list: added to by the interrupt handler. */
    private final Deque<HcaCq> list = new ArrayDeque<>();
    private final Tasklet task;

    EqTasklet(Kernel kernel, int eqn) {
        this.lock = new SpinLock(kernel, "tasklet_ctx->lock");
        this.task = kernel.taskletSetup("mlx4_cq_tasklet_cb eq" + eqn, this::run);
    }

    /**
     * mlx4_add_cq_to_tasklet, the core CQ's comp for a user CQ: a CQ not yet listed takes a
     * reference and goes on the list; the tasklet is scheduled when the list was empty.
     */
    void add(HcaCq cq) {
        lock.withIrqsave(() -> {
            if (cq.taskletListed) {
                return;
            }
            cq.get();
            boolean kick = list.isEmpty();
            cq.taskletListed = true;
            list.addLast(cq);
            if (kick) {
                task.schedule();
            }
        });
    }

    /**
     * mlx4_cq_tasklet_cb, in SOFTIRQ: each listed CQ leaves the list, its handler runs and its
     * reference goes. The kernel stops after TASKLET_MAX_TIME (2 ms) and schedules itself again;
     * virtual time stands still while a tasklet runs, so here the whole list is run at once.
     */
    private void run() {
        // tasklet_ctx->process_list: what the tasklet took from the list and has not yet run.
        Deque<HcaCq> processList = new ArrayDeque<>();
        lock.withIrqsave(() -> {
            processList.addAll(list);
            list.clear();
        });
        while (!processList.isEmpty()) {
            HcaCq cq = processList.pollFirst();
            lock.withIrqsave(() -> {
                cq.taskletListed = false;
            });
            cq.ibCq().completionUpcall();
            cq.put();
        }
    }
}
