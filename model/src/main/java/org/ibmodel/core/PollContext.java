// include/rdma/ib_verbs.h: enum ib_poll_context
package org.ibmodel.core;

import org.ibmodel.kernel.ExecContext;

/** Where ib_alloc_cq'd CQs reap completions (drivers/infiniband/core/cq.c). */
public enum PollContext {
    /** irq_poll: the poll handler runs in softirq context with a budget. */
    SOFTIRQ(ExecContext.SOFTIRQ),
    /** ib_comp_wq: the poll work runs in process context. */
    WORKQUEUE(ExecContext.PROCESS),
    /** ib_comp_unbound_wq: as WORKQUEUE, on an unbound workqueue. */
    UNBOUND_WORKQUEUE(ExecContext.PROCESS),
    /** The consumer polls with ib_process_cq_direct; there is no upcall. */
    DIRECT(ExecContext.PROCESS);

    private final ExecContext context;

    PollContext(ExecContext context) {
        this.context = context;
    }

    /** The context the completion callbacks ({@code wr_cqe->done}) run in. */
    public ExecContext context() {
        return context;
    }

    public String kernelName() {
        return "IB_POLL_" + name();
    }
}
