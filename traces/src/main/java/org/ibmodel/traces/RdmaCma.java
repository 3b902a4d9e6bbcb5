// drivers/infiniband/core/cma_trace.h (TRACE_SYSTEM rdma_cma)
package org.ibmodel.traces;

/**
 * The rdma_cma tracepoints, one record per event class of cma_trace.h. {@code cmId} is the
 * id's restrack id: 0 until cma_attach_to_dev gives it one. {@code variant} 1 marks the older
 * printk ({@code cm_id.id=%u src: %pISpc dst: %pISpc}) so a record prints back as it was read.
 */
public final class RdmaCma {
    private RdmaCma() {
    }

    /** include/rdma/rdma_cm.h enum rdma_cm_event_type, as rdma_show_cm_event prints it. */
    public static final String[] CM_EVENT = {"ADDR_RESOLVED", "ADDR_ERROR", "ROUTE_RESOLVED", "ROUTE_ERROR",
        "CONNECT_REQUEST", "CONNECT_RESPONSE", "CONNECT_ERROR", "UNREACHABLE", "REJECTED", "ESTABLISHED",
        "DISCONNECTED", "DEVICE_REMOVAL", "MULTICAST_JOIN", "MULTICAST_ERROR", "ADDR_CHANGE", "TIMEWAIT_EXIT"};

    /** What every event about one rdma_cm id carries. */
    public interface IdEvent extends Tracepoint.Event {
        long cmId();

        String src();

        String dst();
    }

    /**
     * cma_fsm_class: cm_send_rtu, cm_send_rej, cm_prepare_mra (cm_send_mra before),
     * cm_send_sidr_req/rep, cm_disconnect, cm_sent_drep, cm_sent_dreq, cm_id_destroy.
     */
    public record CmaFsm(Tracepoint tracepoint, long cmId, String src, String dst, long tos, int variant)
            implements IdEvent {
        public Object[] values() {
            return new Object[] {cmId, src, dst, tos};
        }

        static CmaFsm of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new CmaFsm(tp, v.num(0), v.str(1), v.str(2), v.num(3), variant);
        }
    }

    /** cm_id_attach: cma_attach_to_dev gave the id its restrack id on {@code device}. */
    public record CmIdAttach(long cmId, String src, String dst, String device, int variant) implements IdEvent {
        public Tracepoint tracepoint() {
            return Tracepoint.CM_ID_ATTACH;
        }

        public Object[] values() {
            return new Object[] {cmId, src, dst, device};
        }

        static CmIdAttach of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new CmIdAttach(v.num(0), v.str(1), v.str(2), v.str(3), variant);
        }
    }

    /** cma_qp_class: cm_send_req, cm_send_rep, cm_qp_destroy. */
    public record CmaQp(Tracepoint tracepoint, long cmId, String src, String dst, long tos, long qpNum,
            int variant) implements IdEvent {
        public Object[] values() {
            return new Object[] {cmId, src, dst, tos, qpNum};
        }

        static CmaQp of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new CmaQp(tp, v.num(0), v.str(1), v.str(2), v.num(3), v.num(4), variant);
        }
    }

    /** cm_qp_create: rdma_create_qp; qpNum and qpType are 0 / SMI when rc is not 0. */
    public record CmQpCreate(long cmId, String src, String dst, long tos, long pdId, String qpType, long sendWr,
            long recvWr, long qpNum, int rc, int variant) implements IdEvent {
        public Tracepoint tracepoint() {
            return Tracepoint.CM_QP_CREATE;
        }

        public Object[] values() {
            return new Object[] {cmId, src, dst, tos, pdId, qpType, sendWr, recvWr, qpNum, (long) rc};
        }

        static CmQpCreate of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new CmQpCreate(v.num(0), v.str(1), v.str(2), v.num(3), v.num(4), v.str(5), v.num(6),
                    v.num(7), v.num(8), (int) v.num(9), variant);
        }
    }

    /** cm_req_handler: cma_ib_req_handler on the listening id; {@code event} is an ib_cm event. */
    public record CmReqHandler(long cmId, String src, String dst, long tos, String event, long eventNum,
            int variant) implements IdEvent {
        public Tracepoint tracepoint() {
            return Tracepoint.CM_REQ_HANDLER;
        }

        public Object[] values() {
            return new Object[] {cmId, src, dst, tos, event, eventNum};
        }

        static CmReqHandler of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new CmReqHandler(v.num(0), v.str(1), v.str(2), v.num(3), v.str(4), v.num(5), variant);
        }
    }

    /** cm_event_handler: cma_cm_event_handler is about to call the consumer's handler. */
    public record CmEventHandler(long cmId, String src, String dst, long tos, String event, long eventNum,
            int status, int variant) implements IdEvent {
        public Tracepoint tracepoint() {
            return Tracepoint.CM_EVENT_HANDLER;
        }

        public Object[] values() {
            return new Object[] {cmId, src, dst, tos, event, eventNum, (long) status};
        }

        static CmEventHandler of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new CmEventHandler(v.num(0), v.str(1), v.str(2), v.num(3), v.str(4), v.num(5),
                    (int) v.num(6), variant);
        }
    }

    /** cm_event_done: the consumer's handler returned {@code result}. */
    public record CmEventDone(long cmId, String src, String dst, long tos, String event, int result, int variant)
            implements IdEvent {
        public Tracepoint tracepoint() {
            return Tracepoint.CM_EVENT_DONE;
        }

        public Object[] values() {
            return new Object[] {cmId, src, dst, tos, event, (long) result};
        }

        static CmEventDone of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new CmEventDone(v.num(0), v.str(1), v.str(2), v.num(3), v.str(4), (int) v.num(5), variant);
        }
    }

    /** cma_client_class: cm_add_one, cm_remove_one. */
    public record CmaClient(Tracepoint tracepoint, String device) implements Tracepoint.Event {
        public Object[] values() {
            return new Object[] {device};
        }

        static CmaClient of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new CmaClient(tp, v.str(0));
        }
    }
}
