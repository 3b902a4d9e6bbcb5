// drivers/infiniband/core/cm_trace.h (TRACE_SYSTEM ib_cma: the IB CM's icm_* events)
package org.ibmodel.traces;

/** The ib_cma tracepoints, one record per event class of cm_trace.h. */
public final class IbCma {
    private IbCma() {
    }

    /** icm_id_class: icm_send_req ... icm_send_drep, the icm_*_err events, icm_dreq_skipped. */
    public record IcmId(Tracepoint tracepoint, long localId, long remoteId, String state, String lapState)
            implements Tracepoint.Event {
        public Object[] values() {
            return new Object[] {localId, remoteId, state, lapState};
        }

        static IcmId of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new IcmId(tp, v.num(0), v.num(1), v.str(2), v.str(3));
        }
    }

    /** icm_send_rej. */
    public record IcmSendRej(long localId, long remoteId, String state, String reason) implements Tracepoint.Event {
        public Tracepoint tracepoint() {
            return Tracepoint.ICM_SEND_REJ;
        }

        public Object[] values() {
            return new Object[] {localId, remoteId, state, reason};
        }

        static IcmSendRej of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new IcmSendRej(v.num(0), v.num(1), v.str(2), v.str(3));
        }
    }

    /** icm_local_class: icm_issue_rej, icm_issue_drep, icm_staleconn_err, icm_no_priv_err. */
    public record IcmLocal(Tracepoint tracepoint, long localId, long remoteId) implements Tracepoint.Event {
        public Object[] values() {
            return new Object[] {localId, remoteId};
        }

        static IcmLocal of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new IcmLocal(tp, v.num(0), v.num(1));
        }
    }

    /** icm_remote_class: icm_remote_no_priv_err, icm_insert_failed_err. */
    public record IcmRemote(Tracepoint tracepoint, long remoteId) implements Tracepoint.Event {
        public Object[] values() {
            return new Object[] {remoteId};
        }

        static IcmRemote of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new IcmRemote(tp, v.num(0));
        }
    }

    /** icm_send_rep_err. */
    public record IcmSendRepErr(long localId, String state) implements Tracepoint.Event {
        public Tracepoint tracepoint() {
            return Tracepoint.ICM_SEND_REP_ERR;
        }

        public Object[] values() {
            return new Object[] {localId, state};
        }

        static IcmSendRepErr of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new IcmSendRepErr(v.num(0), v.str(1));
        }
    }

    /** icm_rep_unknown_err. */
    public record IcmRepUnknownErr(long localId, long remoteId, String state) implements Tracepoint.Event {
        public Tracepoint tracepoint() {
            return Tracepoint.ICM_REP_UNKNOWN_ERR;
        }

        public Object[] values() {
            return new Object[] {localId, remoteId, state};
        }

        static IcmRepUnknownErr of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new IcmRepUnknownErr(v.num(0), v.num(1), v.str(2));
        }
    }

    /** icm_handler_err. */
    public record IcmHandlerErr(String event) implements Tracepoint.Event {
        public Tracepoint tracepoint() {
            return Tracepoint.ICM_HANDLER_ERR;
        }

        public Object[] values() {
            return new Object[] {event};
        }

        static IcmHandlerErr of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new IcmHandlerErr(v.str(0));
        }
    }

    /** icm_mad_send_err. */
    public record IcmMadSendErr(String state, String wcStatus) implements Tracepoint.Event {
        public Tracepoint tracepoint() {
            return Tracepoint.ICM_MAD_SEND_ERR;
        }

        public Object[] values() {
            return new Object[] {state, wcStatus};
        }

        static IcmMadSendErr of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new IcmMadSendErr(v.str(0), v.str(1));
        }
    }
}
