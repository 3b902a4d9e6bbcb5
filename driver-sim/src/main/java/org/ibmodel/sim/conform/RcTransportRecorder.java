// Records a run of the RC transport as the actions of specs/src/main/tla/RcTransport.tla, matched
// by RcTransportTrace.tla (Kuppe, Cirstea and Merz 2024: one logged event per spec action)
package org.ibmodel.sim.conform;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibmodel.sim.device.Syndrome;
import org.ibmodel.sim.device.Transport;
import org.ibmodel.sim.device.TransportObserver;
import org.ibmodel.specs.trace.SpecEvent;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.specs.trace.TraceAction;

/**
 * Turns what the transports of two HCAs report about one RC connection into an RcTransport
 * trace: the sending QP's requester and completer on one side, the receiving QP's responder on
 * the other. Each observer call is the spec action of the same name (ReqSend, RespRecv,
 * CompRecv, CompTimeout); the rest is derived, as RcTransportTrace.tla explains:
 * <ul>
 * <li>the completer's retirements ({@code compDone}) belong to the CompRecv or CompTimeout step
 *     they happen in, as its {@code done} and {@code wrs};
 * <li>ChanLoseReq and ChanLoseAck: the recorder keeps each channel's packets in sending order,
 *     and when a packet is received the ones ahead of it were lost;
 * <li>CompFlush: once a WR fails, the QP is in ERR and every later WR is flushed in order;
 * <li>RespPostRecv: the receiving side's user tells the recorder ({@link #respPostRecv}).
 * </ul>
 * WRs are numbered from 1 in the order their first packet is sent, which is posting order.
 */
public final class RcTransportRecorder implements TransportObserver {
    private final Transport reqSide;
    private final int reqQpn;
    private final Transport respSide;
    private final int respQpn;
    private final Map<String, Object> header = new LinkedHashMap<>();
    private final int numWr;
    private final List<SpecEvent> events = new ArrayList<>();
    private final Map<Integer, Integer> wrOf = new HashMap<>();
    private final Deque<Integer> reqChan = new ArrayDeque<>();
    private final Deque<Object[]> ackChan = new ArrayDeque<>();
    private int sentMax;
    private int completed;
    private boolean failed;
    // The completer step in progress: its event fields, then its retirements.
    private TraceAction open;
    private Map<String, Object> openFields;
    private List<Object> done;
    private List<Object> wrs;

    /**
     * Records {@code numWr} send WRs of QP {@code reqQpn} on {@code reqSide} to QP
     * {@code respQpn} on {@code respSide}, with the connection's SQ PSN, window and retry counts.
     */
    public RcTransportRecorder(Transport reqSide, int reqQpn, Transport respSide, int respQpn, int numWr,
            int startPsn, int window, int retryCnt, int rnrRetry) {
        this.reqSide = reqSide;
        this.reqQpn = reqQpn;
        this.respSide = respSide;
        this.respQpn = respQpn;
        this.numWr = numWr;
        header.put("numWr", (long) numWr);
        header.put("startPsn", (long) startPsn);
        header.put("window", (long) window);
        header.put("retryCnt", (long) retryCnt);
        header.put("rnrRetry", (long) rnrRetry);
        reqSide.observer(this);
        respSide.observer(this);
    }

    /** Stops recording: both transports lose their observer. */
    public void detach() {
        reqSide.observer(null);
        respSide.observer(null);
    }

    /** The receiving side's user posted a receive WR to the responder's QP. */
    public void respPostRecv() {
        add(TraceAction.RespPostRecv);
    }

    /** The trace so far, its header carrying {@code extra} (seed, scenario) after the constants. */
    public SpecTrace trace(Map<String, Object> extra) {
        close();
        Map<String, Object> h = new LinkedHashMap<>(header);
        h.putAll(extra);
        return new SpecTrace("(recorded)", List.of("RcTransport"), SpecTrace.header(List.of("RcTransport"), h),
                List.copyOf(events));
    }

    // ---- TransportObserver ------------------------------------------------------------------

    @Override
    public void reqSend(Transport t, int qpn, int wqe, int psn) {
        if (t != reqSide || qpn != reqQpn) {
            return;
        }
        int wr = wr(wqe);
        boolean retry = wr <= sentMax;
        sentMax = Math.max(sentMax, wr);
        add(TraceAction.ReqSend, "wr", wr, "psn", psn, "retry", retry);
        reqChan.add(psn);
    }

    @Override
    public void respRecv(Transport t, int qpn, int psn, boolean executed, Reply reply, int replyPsn) {
        if (t != respSide || qpn != respQpn) {
            return;
        }
        if (reqChan.contains(psn)) {
            while (reqChan.peek() != psn) {
                add(TraceAction.ChanLoseReq, "psn", reqChan.poll());
            }
            reqChan.poll();
        }
        add(TraceAction.RespRecv, "psn", psn, "executed", executed, "reply", reply.name(),
                "replyPsn", reply == Reply.NONE ? 0 : replyPsn);
        if (reply != Reply.NONE) {
            ackChan.add(new Object[] {reply.name(), replyPsn});
        }
    }

    @Override
    public void compRecv(Transport t, int qpn, Reply type, int psn) {
        if (t != reqSide || qpn != reqQpn) {
            return;
        }
        close();
        if (ackChan.stream().anyMatch(a -> a[0].equals(type.name()) && (int) a[1] == psn)) {
            while (!(ackChan.peek()[0].equals(type.name()) && (int) ackChan.peek()[1] == psn)) {
                Object[] a = ackChan.poll();
                add(TraceAction.ChanLoseAck, "type", a[0], "psn", a[1]);
            }
            ackChan.poll();
        }
        openStep(TraceAction.CompRecv, "type", type.name(), "psn", psn);
    }

    @Override
    public void compTimeout(Transport t, int qpn) {
        if (t != reqSide || qpn != reqQpn) {
            return;
        }
        close();
        openStep(TraceAction.CompTimeout);
    }

    @Override
    public void compDone(Transport t, int qpn, int wqe, Syndrome status) {
        if (t != reqSide || qpn != reqQpn) {
            return;
        }
        if (open == null) {
            // A retirement outside a completer step (a local error): record it as a step of its own.
            openStep(TraceAction.CompRecv, "type", "NONE", "psn", 0);
        }
        done.add(status(status));
        wrs.add((long) wr(wqe));
        completed++;
        failed |= status != null;
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** RcTransport's statuses: SUCCESS, RETRY_EXC_ERR, RNR_RETRY_EXC_ERR; other errors keep their names. */
    private static String status(Syndrome s) {
        if (s == null) {
            return "SUCCESS";
        }
        return s == Syndrome.TRANSPORT_RETRY_EXC_ERR ? "RETRY_EXC_ERR" : s.name();
    }

    private int wr(int wqe) {
        return wrOf.computeIfAbsent(wqe, w -> wrOf.size() + 1);
    }

    private void openStep(TraceAction a, Object... kv) {
        open = a;
        openFields = fields(kv);
        done = new ArrayList<>();
        wrs = new ArrayList<>();
    }

    /** Ends the completer step in progress; after a failure the rest of the WRs are flushed. */
    private void close() {
        if (open == null) {
            return;
        }
        Map<String, Object> f = openFields;
        f.put("done", List.copyOf(done));
        f.put("wrs", List.copyOf(wrs));
        TraceAction a = open;
        open = null;
        events.add(new SpecEvent(events.size() + 1, events.size() + 2, a, f));
        if (failed) {
            while (completed < numWr) {
                completed++;
                add(TraceAction.CompFlush, "wr", completed);
            }
        }
    }

    private void add(TraceAction a, Object... kv) {
        close();
        events.add(new SpecEvent(events.size() + 1, events.size() + 2, a, fields(kv)));
    }

    private static Map<String, Object> fields(Object... kv) {
        Map<String, Object> f = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            Object v = kv[i + 1];
            f.put((String) kv[i], v instanceof Integer n ? (Object) (long) n : v);
        }
        return f;
    }
}
