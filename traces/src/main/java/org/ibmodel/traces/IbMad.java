// include/trace/events/ib_mad.h (TRACE_SYSTEM ib_mad) and include/trace/events/ib_umad.h (ib_umad)
package org.ibmodel.traces;

import java.util.Arrays;
import java.util.List;

/**
 * The MAD layer's tracepoints. Their formats print twenty-odd header fields; a record keeps them
 * in format order and names the ones the replayer reads.
 */
public final class IbMad {
    private IbMad() {
    }

    /**
     * ib_mad_send_template (ib_mad_error_handler, ib_mad_ib_send_mad, ib_mad_send_done_resend),
     * ib_mad_send_done_handler, ib_mad_recv_done_handler, ib_mad_agent_template
     * (ib_mad_recv_done_agent, ib_mad_send_done_agent, ib_mad_create_agent,
     * ib_mad_unregister_agent), and ib_umad_template (ib_umad_write, ib_umad_read_recv,
     * ib_umad_read_send): fields in the order the format prints them. {@code variant} 1 marks the
     * printk with the P_Key that ib_mad_send_template and ib_mad_recv_done_handler had before
     * commit 5c20311d76cb, so a record prints back as it was read.
     */
    public record MadEvent(Tracepoint tracepoint, List<Object> fields, int variant) implements Tracepoint.Event {
        /** A record in the tracepoint's current printk. */
        public MadEvent(Tracepoint tracepoint, List<Object> fields) {
            this(tracepoint, fields, 0);
        }

        public Object[] values() {
            return fields.toArray();
        }

        /** The device index, printed first by every MAD format. */
        public long devIndex() {
            return (Long) fields.get(0);
        }

        /** The port number, printed second. */
        public long portNum() {
            return (Long) fields.get(1);
        }

        static MadEvent of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new MadEvent(tp, Arrays.asList(v.toArray()), variant);
        }
    }

    /**
     * ib_mad_opa_smi_template (ib_mad_handle_opa_smi, ib_mad_handle_out_opa_smi) and
     * ib_mad_opa_ib_template (ib_mad_handle_ib_smi, ib_mad_handle_out_ib_smi): a directed-route
     * SMP's hop pointer and count, M_Key, DR SLID and DLID, and both paths as {@code %*ph} printed
     * them (hex bytes separated by spaces).
     */
    public record Smp(Tracepoint tracepoint, long hopPtr, long hopCnt, long mkey, long drSlid, long drDlid,
            String initialPath, String returnPath) implements Tracepoint.Event {
        public Object[] values() {
            return new Object[] {hopPtr, hopCnt, mkey, drSlid, drDlid, initialPath, returnPath};
        }

        static Smp of(Tracepoint tp, int variant, PrintFormat.Values v) {
            return new Smp(tp, v.num(0), v.num(1), v.num(2), v.num(3), v.num(4), v.str(5), v.str(6));
        }
    }
}
