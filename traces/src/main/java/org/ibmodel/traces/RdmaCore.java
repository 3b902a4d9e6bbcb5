// include/trace/events/rdma_core.h (TRACE_SYSTEM rdma_core)
package org.ibmodel.traces;

/** The rdma_core tracepoints: CQ lifecycle and polling (drivers/infiniband/core/cq.c) and MRs (verbs.c). */
public final class RdmaCore {
    private RdmaCore() {
    }

    /**
     * include/rdma/ib_verbs.h enum ib_poll_context in value order, as rdma_show_ib_poll_ctx prints
     * it: DIRECT last since Linux 5.9 (the shared CQ pool's types come first).
     */
    public static final String[] POLL_CTX = {"SOFTIRQ", "WORKQUEUE", "UNBOUND_WORKQUEUE", "DIRECT"};

    /** include/rdma/ib_verbs.h enum ib_mr_type, as rdma_show_ib_mr_type prints it. */
    public static final String[] MR_TYPE = {"MEM_REG", "SG_GAPS", "DM", "USER", "DMA", "INTEGRITY"};

    /** ib_cq_completion_softirq / ib_cq_completion_workqueue: an interrupt schedules polling. */
    public record CqSchedule(long cqId) implements Tracepoint.Event {
        public Tracepoint tracepoint() {
            return Tracepoint.CQ_SCHEDULE;
        }

        public Object[] values() {
            return new Object[] {cqId};
        }

        static CqSchedule of(int variant, PrintFormat.Values v) {
            return new CqSchedule(v.num(0));
        }
    }

    /** ib_poll_handler: re-arming found completions, so polling is scheduled again. */
    public record CqReschedule(long cqId) implements Tracepoint.Event {
        public Tracepoint tracepoint() {
            return Tracepoint.CQ_RESCHEDULE;
        }

        public Object[] values() {
            return new Object[] {cqId};
        }

        static CqReschedule of(int variant, PrintFormat.Values v) {
            return new CqReschedule(v.num(0));
        }
    }

    /** __ib_process_cq starts; latency since the last (re)schedule, in microseconds. */
    public record CqProcess(long cqId, long latencyUs, boolean interrupt) implements Tracepoint.Event {
        public Tracepoint tracepoint() {
            return Tracepoint.CQ_PROCESS;
        }

        public Object[] values() {
            return new Object[] {cqId, latencyUs, interrupt ? "interrupt" : "reschedule"};
        }

        static CqProcess of(int variant, PrintFormat.Values v) {
            String from = v.str(2);
            if (!from.equals("interrupt") && !from.equals("reschedule")) {
                return null;
            }
            return new CqProcess(v.num(0), v.num(1), from.equals("interrupt"));
        }
    }

    /** __poll_cq: one ib_poll_cq call made by __ib_process_cq. */
    public record CqPoll(long cqId, int requested, int rc) implements Tracepoint.Event {
        public Tracepoint tracepoint() {
            return Tracepoint.CQ_POLL;
        }

        public Object[] values() {
            return new Object[] {cqId, (long) requested, (long) rc};
        }

        static CqPoll of(int variant, PrintFormat.Values v) {
            return new CqPoll(v.num(0), (int) v.num(1), (int) v.num(2));
        }
    }

    /** ib_drain_sq / ib_drain_rq (verbs.c) finished on this CQ. */
    public record CqDrainComplete(long cqId) implements Tracepoint.Event {
        public Tracepoint tracepoint() {
            return Tracepoint.CQ_DRAIN_COMPLETE;
        }

        public Object[] values() {
            return new Object[] {cqId};
        }

        static CqDrainComplete of(int variant, PrintFormat.Values v) {
            return new CqDrainComplete(v.num(0));
        }
    }

    /** ib_cq_rdma_dim_work (drivers/infiniband/core/cq.c): DIM gave a CQ a new moderation. */
    public record CqModify(long cqId, long comps, long usec) implements Tracepoint.Event {
        public Tracepoint tracepoint() {
            return Tracepoint.CQ_MODIFY;
        }

        public Object[] values() {
            return new Object[] {cqId, comps, usec};
        }

        static CqModify of(int variant, PrintFormat.Values v) {
            return new CqModify(v.num(0), v.num(1), v.num(2));
        }
    }

    /** __ib_alloc_cq succeeded. */
    public record CqAlloc(long cqId, int nrCqe, int compVector, String pollCtx) implements Tracepoint.Event {
        public Tracepoint tracepoint() {
            return Tracepoint.CQ_ALLOC;
        }

        public Object[] values() {
            return new Object[] {cqId, (long) nrCqe, (long) compVector, pollCtx};
        }

        static CqAlloc of(int variant, PrintFormat.Values v) {
            return new CqAlloc(v.num(0), (int) v.num(1), (int) v.num(2), v.str(3));
        }
    }

    /** __ib_alloc_cq failed with {@code rc}. */
    public record CqAllocError(int nrCqe, int compVector, String pollCtx, int rc) implements Tracepoint.Event {
        public Tracepoint tracepoint() {
            return Tracepoint.CQ_ALLOC_ERROR;
        }

        public Object[] values() {
            return new Object[] {(long) nrCqe, (long) compVector, pollCtx, (long) rc};
        }

        static CqAllocError of(int variant, PrintFormat.Values v) {
            return new CqAllocError((int) v.num(0), (int) v.num(1), v.str(2), (int) v.num(3));
        }
    }

    /** ib_free_cq, before the driver destroys the CQ. */
    public record CqFree(long cqId) implements Tracepoint.Event {
        public Tracepoint tracepoint() {
            return Tracepoint.CQ_FREE;
        }

        public Object[] values() {
            return new Object[] {cqId};
        }

        static CqFree of(int variant, PrintFormat.Values v) {
            return new CqFree(v.num(0));
        }
    }

    /** ib_alloc_mr; on failure mrId is 0 and rc the errno. */
    public record MrAlloc(long pdId, long mrId, String type, long maxNumSg, int rc) implements Tracepoint.Event {
        public Tracepoint tracepoint() {
            return Tracepoint.MR_ALLOC;
        }

        public Object[] values() {
            return new Object[] {pdId, mrId, type, maxNumSg, (long) rc};
        }

        static MrAlloc of(int variant, PrintFormat.Values v) {
            return new MrAlloc(v.num(0), v.num(1), v.str(2), v.num(3), (int) v.num(4));
        }
    }

    /** ib_alloc_mr_integrity. */
    public record MrIntegAlloc(long pdId, long mrId, long maxNumDataSg, long maxNumMetaSg, int rc)
            implements Tracepoint.Event {
        public Tracepoint tracepoint() {
            return Tracepoint.MR_INTEG_ALLOC;
        }

        public Object[] values() {
            return new Object[] {pdId, mrId, maxNumDataSg, maxNumMetaSg, (long) rc};
        }

        static MrIntegAlloc of(int variant, PrintFormat.Values v) {
            return new MrIntegAlloc(v.num(0), v.num(1), v.num(2), v.num(3), (int) v.num(4));
        }
    }

    /** ib_dereg_mr_user, before the driver deregisters. */
    public record MrDereg(long mrId) implements Tracepoint.Event {
        public Tracepoint tracepoint() {
            return Tracepoint.MR_DEREG;
        }

        public Object[] values() {
            return new Object[] {mrId};
        }

        static MrDereg of(int variant, PrintFormat.Values v) {
            return new MrDereg(v.num(0));
        }
    }
}
