// include/trace/events/ib_mad.h: what the MAD layer's tracepoints record, as mad.c fires them
package org.ibmodel.core.mad;

import java.util.List;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Tracer;
import org.ibmodel.core.Wc;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.traces.IbMad;
import org.ibmodel.traces.Tracepoint;

/**
 * The ib_mad tracepoints' records, each field in its printk's order; timeouts in jiffies
 * ({@link Kernel#HZ}). A tracepoint with no tracer attached builds nothing.
 */
final class MadTrace {
    private MadTrace() {
    }

    private static Tracer tracer(IbDevice device) {
        return device.core().tracer();
    }

    /** The %p of an agent: a stable stand-in for its hashed address, from its hi_tid. */
    static String pointer(MadAgent agent) {
        return String.format("%016x", 0x2d6f_1000L + 0x358L * agent.hiTid());
    }

    /** mad_send_wr->timeout while it is relative: the response's wait, 0 once none is awaited. */
    private static long timeout(MadSendBuf sb) {
        return sb.awaiting ? Kernel.msecsToJiffies(sb.timeoutMs) : 0;
    }

    private static long u16(byte[] m, int off) {
        return (m[off] & 0xff) << 8 | m[off + 1] & 0xff;
    }

    private static long u32(byte[] m, int off) {
        return u16(m, off) << 16 | u16(m, off + 2);
    }

    /**
     * ib_mad_send_template (ib_mad_ib_send_mad, ib_mad_send_done_resend, ib_mad_error_handler).
     * The DLID is printed through be32_to_cpu of a CPU-order value, so on x86 LID 2 shows as
     * 0x02000000, as the kernel prints it.
     */
    static void send(Tracepoint tp, MadSendBuf sb) {
        MadAgent a = sb.agent;
        Tracer t = tracer(a.device());
        if (t == null) {
            return;
        }
        byte[] m = sb.mad;
        AhAttr ah = sb.ah != null ? sb.ah.attr() : null;
        t.fire(new IbMad.MadEvent(tp, List.of((long) a.device().index(), (long) a.portNum(),
                (long) a.qp().qpNum(), pointer(a), sb.tid, (long) sb.retriesLeft, (long) sb.maxRetries,
                sb.retry ? 1L : 0L, timeout(sb), (long) (sb.hdrLen + sb.dataLen), (long) Mad.baseVersion(m),
                (long) Mad.mgmtClass(m), (long) Mad.classVersion(m), (long) Mad.method(m), u16(m, Mad.STATUS),
                u16(m, Mad.STATUS + 2), Mad.tid(m), u16(m, Mad.ATTR_ID), u32(m, Mad.ATTR_MOD),
                ah == null ? 0L : Integer.toUnsignedLong(Integer.reverseBytes(ah.dlid())),
                ah == null ? 0L : (long) ah.sl(), (long) sb.remoteQpn, Integer.toUnsignedLong(MadPort.QP_SET_QKEY))));
    }

    /** ib_mad_send_done_handler: a send's completion, before the agent is told. */
    static void sendDone(MadSendBuf sb, Wc wc) {
        MadAgent a = sb.agent;
        Tracer t = tracer(a.device());
        if (t == null) {
            return;
        }
        byte[] m = sb.mad;
        t.fire(new IbMad.MadEvent(Tracepoint.IB_MAD_SEND_DONE_HANDLER, List.of((long) a.device().index(),
                (long) a.portNum(), (long) a.qp().qpNum(), (long) wc.status.value(), pointer(a), sb.tid,
                (long) sb.retriesLeft, (long) sb.maxRetries, sb.retry ? 1L : 0L, timeout(sb),
                (long) wc.byteLen, (long) Mad.baseVersion(m), (long) Mad.mgmtClass(m), (long) Mad.classVersion(m),
                (long) Mad.method(m), u16(m, Mad.STATUS))));
    }

    /** ib_mad_recv_done_handler: a MAD validate_mad let through. The SLID is printed as it is. */
    static void recvDone(IbDevice device, int portNum, int qpn, Wc wc, byte[] m) {
        Tracer t = tracer(device);
        if (t == null) {
            return;
        }
        t.fire(new IbMad.MadEvent(Tracepoint.IB_MAD_RECV_DONE_HANDLER, List.of((long) device.index(),
                (long) portNum, (long) qpn, (long) wc.status.value(), (long) wc.byteLen, (long) Mad.baseVersion(m),
                (long) Mad.mgmtClass(m), (long) Mad.classVersion(m), (long) Mad.method(m), u16(m, Mad.STATUS),
                u16(m, Mad.STATUS + 2), Mad.tid(m), u16(m, Mad.ATTR_ID), u32(m, Mad.ATTR_MOD), (long) wc.slid,
                (long) wc.srcQp, (long) wc.sl)));
    }

    /** ib_mad_agent_template: create, unregister, and the agent a receive or send completion is for. */
    static void agent(Tracepoint tp, MadAgent a) {
        Tracer t = tracer(a.device());
        if (t == null) {
            return;
        }
        MadRegReq reg = a.regReq();
        t.fire(new IbMad.MadEvent(tp, List.of((long) a.device().index(), (long) a.portNum(), (long) a.hiTid(),
                reg == null ? 0L : (long) reg.mgmtClass(), reg == null ? 0L : (long) reg.classVersion())));
    }

    /** ib_mad_opa_ib_template (ib_mad_handle_ib_smi, ib_mad_handle_out_ib_smi): the SMP's route. */
    static void smp(Tracepoint tp, IbDevice device, byte[] smp) {
        Tracer t = tracer(device);
        if (t == null) {
            return;
        }
        long mkey = u32(smp, 24) << 32 | u32(smp, 28);
        t.fire(new IbMad.Smp(tp, Mad.hopPtr(smp), Mad.hopCnt(smp), mkey, Mad.drSlid(smp), Mad.drDlid(smp),
                path(smp, Mad.INITIAL_PATH), path(smp, Mad.RETURN_PATH)));
    }

    /** %*ph of a 64-byte path: hex bytes separated by spaces. */
    private static String path(byte[] smp, int off) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Mad.SMP_MAX_PATH_HOPS; i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02x", smp[off + i] & 0xff));
        }
        return sb.toString();
    }
}
