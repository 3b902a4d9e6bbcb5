// include/trace/events/rdma_core.h, drivers/infiniband/core/cma_trace.h,
// drivers/infiniband/core/cm_trace.h, include/trace/events/ib_mad.h, include/trace/events/ib_umad.h
package org.ibmodel.traces;

import java.util.HashMap;
import java.util.Map;

/**
 * Every kernel tracepoint this vocabulary types: system, name, its TP_printk format, and the
 * record it reads into. The table is the vocabulary; {@link #byName} maps a printed event name
 * to its row.
 */
public enum Tracepoint {
    // rdma_core: drivers/infiniband/core/cq.c and verbs.c
    CQ_SCHEDULE(Sys.RDMA_CORE, "cq_schedule", "cq.id=%u", (t, v, a) -> RdmaCore.CqSchedule.of(v, a)),
    CQ_RESCHEDULE(Sys.RDMA_CORE, "cq_reschedule", "cq.id=%u", (t, v, a) -> RdmaCore.CqReschedule.of(v, a)),
    CQ_PROCESS(Sys.RDMA_CORE, "cq_process", "cq.id=%u wake-up took %lld [us] from %s",
            (t, v, a) -> RdmaCore.CqProcess.of(v, a)),
    CQ_POLL(Sys.RDMA_CORE, "cq_poll", "cq.id=%u requested %d, returned %d", (t, v, a) -> RdmaCore.CqPoll.of(v, a)),
    CQ_DRAIN_COMPLETE(Sys.RDMA_CORE, "cq_drain_complete", "cq.id=%u", (t, v, a) -> RdmaCore.CqDrainComplete.of(v, a)),
    CQ_MODIFY(Sys.RDMA_CORE, "cq_modify", "cq.id=%u comps=%u usec=%u", (t, v, a) -> RdmaCore.CqModify.of(v, a)),
    CQ_ALLOC(Sys.RDMA_CORE, "cq_alloc", "cq.id=%u nr_cqe=%d comp_vector=%d poll_ctx=%s",
            (t, v, a) -> RdmaCore.CqAlloc.of(v, a)),
    CQ_ALLOC_ERROR(Sys.RDMA_CORE, "cq_alloc_error", "nr_cqe=%d comp_vector=%d poll_ctx=%s rc=%d",
            (t, v, a) -> RdmaCore.CqAllocError.of(v, a)),
    CQ_FREE(Sys.RDMA_CORE, "cq_free", "cq.id=%u", (t, v, a) -> RdmaCore.CqFree.of(v, a)),
    MR_ALLOC(Sys.RDMA_CORE, "mr_alloc", "pd.id=%u mr.id=%u type=%s max_num_sg=%u rc=%d",
            (t, v, a) -> RdmaCore.MrAlloc.of(v, a)),
    MR_INTEG_ALLOC(Sys.RDMA_CORE, "mr_integ_alloc", "pd.id=%u mr.id=%u max_num_data_sg=%u max_num_meta_sg=%u rc=%d",
            (t, v, a) -> RdmaCore.MrIntegAlloc.of(v, a)),
    MR_DEREG(Sys.RDMA_CORE, "mr_dereg", "mr.id=%u", (t, v, a) -> RdmaCore.MrDereg.of(v, a)),

    // rdma_cma: drivers/infiniband/core/cma.c
    CM_SEND_RTU(Sys.RDMA_CMA, "cm_send_rtu", Fmt.CMA_FSM, RdmaCma.CmaFsm::of),
    CM_SEND_REJ(Sys.RDMA_CMA, "cm_send_rej", Fmt.CMA_FSM, RdmaCma.CmaFsm::of),
    /**
     * cm_send_mra's name since "IB/cm: Remove dead code and adjust naming" (2025), which renamed
     * icm_send_mra_unknown_err too.
     */
    CM_PREPARE_MRA(Sys.RDMA_CMA, "cm_prepare_mra", Fmt.CMA_FSM, RdmaCma.CmaFsm::of),
    /** The name of cm_prepare_mra in kernels before it was renamed. */
    CM_SEND_MRA(Sys.RDMA_CMA, "cm_send_mra", Fmt.CMA_FSM, RdmaCma.CmaFsm::of),
    CM_SEND_SIDR_REQ(Sys.RDMA_CMA, "cm_send_sidr_req", Fmt.CMA_FSM, RdmaCma.CmaFsm::of),
    CM_SEND_SIDR_REP(Sys.RDMA_CMA, "cm_send_sidr_rep", Fmt.CMA_FSM, RdmaCma.CmaFsm::of),
    CM_DISCONNECT(Sys.RDMA_CMA, "cm_disconnect", Fmt.CMA_FSM, RdmaCma.CmaFsm::of),
    CM_SENT_DREP(Sys.RDMA_CMA, "cm_sent_drep", Fmt.CMA_FSM, RdmaCma.CmaFsm::of),
    CM_SENT_DREQ(Sys.RDMA_CMA, "cm_sent_dreq", Fmt.CMA_FSM, RdmaCma.CmaFsm::of),
    CM_ID_DESTROY(Sys.RDMA_CMA, "cm_id_destroy", Fmt.CMA_FSM, RdmaCma.CmaFsm::of),
    CM_ID_ATTACH(Sys.RDMA_CMA, "cm_id_attach", Fmt.CMA_ID + " device=%s", RdmaCma.CmIdAttach::of),
    CM_SEND_REQ(Sys.RDMA_CMA, "cm_send_req", Fmt.CMA_QP, RdmaCma.CmaQp::of),
    CM_SEND_REP(Sys.RDMA_CMA, "cm_send_rep", Fmt.CMA_QP, RdmaCma.CmaQp::of),
    CM_QP_DESTROY(Sys.RDMA_CMA, "cm_qp_destroy", Fmt.CMA_QP, RdmaCma.CmaQp::of),
    CM_QP_CREATE(Sys.RDMA_CMA, "cm_qp_create", Fmt.CMA_ID
            + " tos=%u pd.id=%u qp_type=%s send_wr=%u recv_wr=%u qp_num=%u rc=%d", RdmaCma.CmQpCreate::of),
    CM_REQ_HANDLER(Sys.RDMA_CMA, "cm_req_handler", Fmt.CMA_ID + " tos=%u %s (%lu)", RdmaCma.CmReqHandler::of),
    CM_EVENT_HANDLER(Sys.RDMA_CMA, "cm_event_handler", Fmt.CMA_ID + " tos=%u %s (%lu/%d)",
            RdmaCma.CmEventHandler::of),
    CM_EVENT_DONE(Sys.RDMA_CMA, "cm_event_done", Fmt.CMA_ID + " tos=%u %s consumer returns %d",
            RdmaCma.CmEventDone::of),
    CM_ADD_ONE(Sys.RDMA_CMA, "cm_add_one", "device name=%s", RdmaCma.CmaClient::of),
    CM_REMOVE_ONE(Sys.RDMA_CMA, "cm_remove_one", "device name=%s", RdmaCma.CmaClient::of),

    // ib_cma: drivers/infiniband/core/cm.c
    ICM_SEND_REQ(Sys.IB_CMA, "icm_send_req", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_SEND_REP(Sys.IB_CMA, "icm_send_rep", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_SEND_DUP_REQ(Sys.IB_CMA, "icm_send_dup_req", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_SEND_DUP_REP(Sys.IB_CMA, "icm_send_dup_rep", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_SEND_RTU(Sys.IB_CMA, "icm_send_rtu", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_SEND_MRA(Sys.IB_CMA, "icm_send_mra", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_SEND_SIDR_REQ(Sys.IB_CMA, "icm_send_sidr_req", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_SEND_SIDR_REP(Sys.IB_CMA, "icm_send_sidr_rep", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_SEND_DREQ(Sys.IB_CMA, "icm_send_dreq", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_SEND_DREP(Sys.IB_CMA, "icm_send_drep", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_SEND_REJ(Sys.IB_CMA, "icm_send_rej", "local_id=%u remote_id=%u state=%s reason=%s", IbCma.IcmSendRej::of),
    ICM_SEND_CM_RTU_ERR(Sys.IB_CMA, "icm_send_cm_rtu_err", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_ESTABLISH_ERR(Sys.IB_CMA, "icm_establish_err", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_NO_LISTENER_ERR(Sys.IB_CMA, "icm_no_listener_err", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_SEND_DREP_ERR(Sys.IB_CMA, "icm_send_drep_err", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_DREQ_UNKNOWN_ERR(Sys.IB_CMA, "icm_dreq_unknown_err", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_SEND_UNKNOWN_REJ_ERR(Sys.IB_CMA, "icm_send_unknown_rej_err", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_REJ_UNKNOWN_ERR(Sys.IB_CMA, "icm_rej_unknown_err", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_PREPARE_MRA_UNKNOWN_ERR(Sys.IB_CMA, "icm_prepare_mra_unknown_err", Fmt.ICM_ID, IbCma.IcmId::of),
    /** The name of icm_prepare_mra_unknown_err in kernels before it was renamed. */
    ICM_SEND_MRA_UNKNOWN_ERR(Sys.IB_CMA, "icm_send_mra_unknown_err", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_MRA_UNKNOWN_ERR(Sys.IB_CMA, "icm_mra_unknown_err", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_QP_INIT_ERR(Sys.IB_CMA, "icm_qp_init_err", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_QP_RTR_ERR(Sys.IB_CMA, "icm_qp_rtr_err", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_QP_RTS_ERR(Sys.IB_CMA, "icm_qp_rts_err", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_DREQ_SKIPPED(Sys.IB_CMA, "icm_dreq_skipped", Fmt.ICM_ID, IbCma.IcmId::of),
    ICM_ISSUE_REJ(Sys.IB_CMA, "icm_issue_rej", Fmt.ICM_LOCAL, IbCma.IcmLocal::of),
    ICM_ISSUE_DREP(Sys.IB_CMA, "icm_issue_drep", Fmt.ICM_LOCAL, IbCma.IcmLocal::of),
    ICM_STALECONN_ERR(Sys.IB_CMA, "icm_staleconn_err", Fmt.ICM_LOCAL, IbCma.IcmLocal::of),
    ICM_NO_PRIV_ERR(Sys.IB_CMA, "icm_no_priv_err", Fmt.ICM_LOCAL, IbCma.IcmLocal::of),
    ICM_REMOTE_NO_PRIV_ERR(Sys.IB_CMA, "icm_remote_no_priv_err", "remote_id=%u", IbCma.IcmRemote::of),
    ICM_INSERT_FAILED_ERR(Sys.IB_CMA, "icm_insert_failed_err", "remote_id=%u", IbCma.IcmRemote::of),
    ICM_SEND_REP_ERR(Sys.IB_CMA, "icm_send_rep_err", "local_id=%u state=%s", IbCma.IcmSendRepErr::of),
    ICM_REP_UNKNOWN_ERR(Sys.IB_CMA, "icm_rep_unknown_err", "local_id=%u remote_id=%u state=%s",
            IbCma.IcmRepUnknownErr::of),
    ICM_HANDLER_ERR(Sys.IB_CMA, "icm_handler_err", "unhandled event=%s", IbCma.IcmHandlerErr::of),
    ICM_MAD_SEND_ERR(Sys.IB_CMA, "icm_mad_send_err", "state=%s completion status=%s", IbCma.IcmMadSendErr::of),

    // ib_mad: drivers/infiniband/core/mad.c
    // ib_mad_send_template and ib_mad_recv_done_handler lost their pkey field in commit
    // 5c20311d76cb ("IB/mad: Don't call to function that might sleep while in atomic context",
    // mainline in v6.2; Debian 6.1.192 prints the same); the printk with pkey is the older variant.
    IB_MAD_ERROR_HANDLER(Sys.IB_MAD, "ib_mad_error_handler", Fmt.MAD_SEND, Fmt.MAD_SEND_PKEY, IbMad.MadEvent::of),
    IB_MAD_IB_SEND_MAD(Sys.IB_MAD, "ib_mad_ib_send_mad", Fmt.MAD_SEND, Fmt.MAD_SEND_PKEY, IbMad.MadEvent::of),
    IB_MAD_SEND_DONE_RESEND(Sys.IB_MAD, "ib_mad_send_done_resend", Fmt.MAD_SEND, Fmt.MAD_SEND_PKEY,
            IbMad.MadEvent::of),
    IB_MAD_SEND_DONE_HANDLER(Sys.IB_MAD, "ib_mad_send_done_handler", "%d:%d QP%d : SEND WC Status %d : agent %p: "
            + "wrtid 0x%llx %d/%d retries(%d) timeout %lu length %d: hdr : base_ver 0x%x class 0x%x class_ver 0x%x "
            + "method 0x%x status 0x%x", IbMad.MadEvent::of),
    IB_MAD_RECV_DONE_HANDLER(Sys.IB_MAD, "ib_mad_recv_done_handler", Fmt.MAD_RECV, Fmt.MAD_RECV + " pkey 0x%04x",
            IbMad.MadEvent::of),
    IB_MAD_RECV_DONE_AGENT(Sys.IB_MAD, "ib_mad_recv_done_agent", Fmt.MAD_AGENT, IbMad.MadEvent::of),
    IB_MAD_SEND_DONE_AGENT(Sys.IB_MAD, "ib_mad_send_done_agent", Fmt.MAD_AGENT, IbMad.MadEvent::of),
    IB_MAD_CREATE_AGENT(Sys.IB_MAD, "ib_mad_create_agent", Fmt.MAD_AGENT, IbMad.MadEvent::of),
    IB_MAD_UNREGISTER_AGENT(Sys.IB_MAD, "ib_mad_unregister_agent", Fmt.MAD_AGENT, IbMad.MadEvent::of),
    // handle_opa_smi and handle_ib_smi (a directed-route SMP received), handle_outgoing_dr_smp (one sent)
    IB_MAD_HANDLE_OPA_SMI(Sys.IB_MAD, "ib_mad_handle_opa_smi", Fmt.SMP_OPA, IbMad.Smp::of),
    IB_MAD_HANDLE_OUT_OPA_SMI(Sys.IB_MAD, "ib_mad_handle_out_opa_smi", Fmt.SMP_OPA, IbMad.Smp::of),
    IB_MAD_HANDLE_IB_SMI(Sys.IB_MAD, "ib_mad_handle_ib_smi", Fmt.SMP_IB, IbMad.Smp::of),
    IB_MAD_HANDLE_OUT_IB_SMI(Sys.IB_MAD, "ib_mad_handle_out_ib_smi", Fmt.SMP_IB, IbMad.Smp::of),

    // ib_umad: drivers/infiniband/core/user_mad.c
    IB_UMAD_WRITE(Sys.IB_UMAD, "ib_umad_write", Fmt.UMAD, IbMad.MadEvent::of),
    IB_UMAD_READ_RECV(Sys.IB_UMAD, "ib_umad_read_recv", Fmt.UMAD, IbMad.MadEvent::of),
    IB_UMAD_READ_SEND(Sys.IB_UMAD, "ib_umad_read_send", Fmt.UMAD, IbMad.MadEvent::of);

    /** A record of a typed tracepoint. */
    public interface Event extends TraceEvent {
        Tracepoint tracepoint();

        /** The values in the order the format prints them: Long for numbers, String for strings. */
        Object[] values();

        /** Which of the tracepoint's formats printed it: 0 the current one, 1 an older printk. */
        default int variant() {
            return 0;
        }

        @Override
        default String name() {
            return tracepoint().eventName();
        }

        @Override
        default String system() {
            return tracepoint().system();
        }

        @Override
        default void appendBody(StringBuilder sb) {
            tracepoint().format(variant()).format(sb, values());
        }
    }

    /** Makes a record from parsed values; null when a value is out of its domain. */
    @FunctionalInterface
    interface Factory {
        Event make(Tracepoint tp, int variant, PrintFormat.Values values);
    }

    private static final Map<String, Tracepoint> BY_NAME = new HashMap<>();

    static {
        for (Tracepoint t : values()) {
            BY_NAME.put(t.eventName, t);
        }
    }

    private final String system;
    private final String eventName;
    private final PrintFormat[] formats;
    private final Factory factory;

    Tracepoint(String system, String eventName, String format, Factory factory) {
        this(system, eventName, format, Fmt.legacy(format), factory);
    }

    /** A tracepoint whose printk changed: {@code format} the current one, {@code legacy} the older. */
    Tracepoint(String system, String eventName, String format, String legacy, Factory factory) {
        this.system = system;
        this.eventName = eventName;
        this.factory = factory;
        this.formats = legacy.equals(format)
                ? new PrintFormat[] {PrintFormat.of(format)}
                : new PrintFormat[] {PrintFormat.of(format), PrintFormat.of(legacy)};
    }

    public String system() {
        return system;
    }

    public String eventName() {
        return eventName;
    }

    /** The format of a variant: 0 the current printk, 1 the older one (rdma_cma, and ib_mad's pkey). */
    public PrintFormat format(int variant) {
        return formats[variant];
    }

    /** How many printk variants it has (1, or 2 with an older one). */
    int variants() {
        return formats.length;
    }

    /** The tracepoint printed under this event name, or null. */
    public static Tracepoint byName(String name) {
        return BY_NAME.get(name);
    }

    /** Reads a body printed by this tracepoint in any of its variants; null if it does not match. */
    public Event parse(String s, int from, int to) {
        return parse(s.toCharArray(), from, to, null, new PrintFormat.Values());
    }

    /**
     * Reads a body from {@code s[from, to)} in place, strings through {@code strings} (new ones
     * when null), {@code scratch} reused for the values; null if it does not match.
     */
    Event parse(char[] s, int from, int to, Interner strings, PrintFormat.Values scratch) {
        for (int v = 0; v < formats.length; v++) {
            if (formats[v].parse(s, from, to, strings, scratch)) {
                Event e = factory.make(this, v, scratch);
                if (e != null) {
                    return e;
                }
            }
        }
        return null;
    }

    /** {@link #parse(char[], int, int, Interner, PrintFormat.Values)} on ASCII bytes, one character per byte. */
    Event parse(byte[] s, int from, int to, Interner strings, PrintFormat.Values scratch) {
        for (int v = 0; v < formats.length; v++) {
            if (formats[v].parse(s, from, to, strings, scratch)) {
                Event e = factory.make(this, v, scratch);
                if (e != null) {
                    return e;
                }
            }
        }
        return null;
    }

    /** Trace system names (the TRACE_SYSTEM of each header). */
    static final class Sys {
        static final String RDMA_CORE = "rdma_core";
        static final String RDMA_CMA = "rdma_cma";
        static final String IB_CMA = "ib_cma";
        static final String IB_MAD = "ib_mad";
        static final String IB_UMAD = "ib_umad";
    }

    /** Formats shared by an event class. */
    static final class Fmt {
        static final String CMA_ID = "cm.id=%u src=%pISpc dst=%pISpc";
        static final String CMA_FSM = CMA_ID + " tos=%u";
        static final String CMA_QP = CMA_ID + " tos=%u qp_num=%u";
        static final String ICM_ID = "local_id=%u remote_id=%u state=%s lap_state=%s";
        static final String ICM_LOCAL = "local_id=%u remote_id=%u";
        static final String MAD_SEND = "%d:%d QP%d agent %p: wrtid 0x%llx; %d/%d retries(%d); timeout %lu length %d : "
                + "hdr : base_ver 0x%x class 0x%x class_ver 0x%x method 0x%x status 0x%x class_specific 0x%x "
                + "tid 0x%llx attr_id 0x%x attr_mod 0x%x  => dlid 0x%08x sl %d rpqn 0x%x rqpkey 0x%x";
        /** MAD_SEND as kernels before commit 5c20311d76cb printed it, with the P_Key. */
        static final String MAD_SEND_PKEY = MAD_SEND.replace(" sl %d rpqn", " sl %d pkey 0x%x rpqn");
        static final String MAD_RECV = "%d:%d QP%d : RECV WC Status %d : length %d : "
                + "hdr : base_ver 0x%02x class 0x%02x class_ver 0x%02x method 0x%02x status 0x%04x class_specific 0x%04x "
                + "tid 0x%016llx attr_id 0x%04x attr_mod 0x%08x slid 0x%08x src QP%d, sl %d";
        /**
         * ib_mad_opa_smi_template; ib_mad_opa_ib_template prints the same words (its "OPA SMP:"
         * too) with 16-bit DR LIDs. Each path is OPA_SMP_MAX_PATH_HOPS or IB_SMP_MAX_PATH_HOPS
         * (64) bytes.
         */
        static final String SMP_OPA = "OPA SMP: hop_ptr %d hop_cnt %d mkey 0x%016llx dr_slid 0x%08x dr_dlid 0x%08x "
                + "initial_path %*ph return_path %*ph ";
        static final String SMP_IB = SMP_OPA.replace("0x%08x", "0x%04x");
        static final String MAD_AGENT = "%d:%d mad agent : hi_tid 0x%08x class 0x%02x class_ver 0x%02x";
        static final String UMAD = "%d:%d umad_hdr: id 0x%08x status 0x%08x ms %u ret %u len %u QP%u qkey 0x%08x "
                + "lid 0x%04x sl %u path_bits 0x%x grh 0x%x gidi %u hop_lim %u traf_cl %u gid %pI6c flow 0x%08x "
                + "pkeyi %u  MAD: base_ver 0x%x class 0x%x class_ver 0x%x method 0x%x status 0x%04x "
                + "class_specific 0x%04x tid 0x%016llx attr_id 0x%04x attr_mod 0x%08x ";

        /**
         * The printk rdma_cma used before it settled on {@code cm.id=%u src=... dst=...}: the id
         * as {@code cm_id.id=%u} and the addresses as {@code src: %pISpc dst: %pISpc}.
         */
        static String legacy(String format) {
            if (!format.startsWith(CMA_ID)) {
                return format;
            }
            return "cm_id.id=%u src: %pISpc dst: %pISpc" + format.substring(CMA_ID.length());
        }
    }
}
