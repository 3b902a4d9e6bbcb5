// Records one QP's send queue through RTS, SQD and back as the actions of
// specs/src/main/tla/SqDrain.tla, matched by SqDrainTrace.tla (one logged event per spec action)
package org.ibmodel.sim.conform;

import java.util.HashMap;
import java.util.Map;
import org.ibmodel.sim.device.Status;
import org.ibmodel.sim.device.Syndrome;
import org.ibmodel.sim.device.Transport;
import org.ibmodel.sim.device.TransportObserver;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.specs.trace.TraceAction;

/**
 * Turns what one HCA reports about one RC QP into a SqDrain trace, from the moment the QP is in
 * RTS with nothing posted:
 * <ul>
 * <li>Post: the QP's user tells the recorder ({@link #post}) before each send WR it posts;
 * <li>Begin: the requester sends the first packet of a WQE (a retransmission is no Begin);
 * <li>Complete: the completer retires a WQE with success; a WQE retired in error is ToErr, as
 *     the device then moves the QP to ERR;
 * <li>ToSqd, LeaveSqd and RefuseLeaveSqd: the firmware's answers to RTS2SQD_QP, SQD2SQD_QP and
 *     SQD2RTS_QP (BAD_QP_STATE is a refusal; other errors change nothing and are not steps);
 *     ToErr: its answer to 2ERR_QP;
 * <li>an SQ_DRAINED the device posts counts in the {@code drained} of the step it is part of,
 *     the Complete or ToSqd just recorded; after any other event it is a SqDrained event of its
 *     own, which no spec step matches.
 * </ul>
 * Nothing is recorded after ToErr or 2RST_QP: SqDrain ends in ERR and has no RESET.
 */
public final class SqDrainRecorder implements TransportObserver {
    private final Transport side;
    private final int qpn;
    private final EventLog log = new EventLog("SqDrain");
    /** The WQEs begun and not completed (their device index), with their WR numbers. */
    private final Map<Integer, Integer> begun = new HashMap<>();
    private int wrs;
    private boolean ended;

    /** Records QP {@code qpn} of the HCA behind {@code side}, which must be in RTS with nothing posted. */
    public SqDrainRecorder(Transport side, int qpn) {
        this.side = side;
        this.qpn = qpn;
        side.observer(this);
    }

    /** Stops recording: the transport loses its observer. */
    public void detach() {
        side.observer(null);
    }

    /** The QP's user is about to post one send WR. */
    public void post() {
        if (!ended) {
            log.add(TraceAction.Post);
        }
    }

    /** The trace so far, its header carrying {@code extra} (seed, scenario). */
    public SpecTrace trace(Map<String, Object> extra) {
        return log.trace(extra);
    }

    // ---- TransportObserver ------------------------------------------------------------------

    @Override
    public void reqSend(Transport t, int qpn, int wqe, int psn) {
        if (mine(t, qpn) && !begun.containsKey(wqe)) {
            begun.put(wqe, ++wrs);
            log.add(TraceAction.Begin, "wr", (long) wrs);
        }
    }

    @Override
    public void compDone(Transport t, int qpn, int wqe, Syndrome status) {
        if (!mine(t, qpn)) {
            return;
        }
        Integer wr = begun.remove(wqe);
        if (status != null) {
            end(TraceAction.ToErr);
        } else {
            log.add(TraceAction.Complete, "wr", (long) (wr == null ? 0 : wr), "drained", 0L);
        }
    }

    @Override
    public void qpCommand(Transport t, int qpn, String transition, boolean sqdEvent, boolean optpar,
            Status status) {
        if (!mine(t, qpn)) {
            return;
        }
        boolean ok = status == Status.OK;
        switch (transition) {
            case "RTS2SQD" -> {
                if (ok) {
                    log.add(TraceAction.ToSqd, "notify", sqdEvent, "drained", 0L);
                }
            }
            case "SQD2SQD", "SQD2RTS" -> {
                String to = transition.substring(4);
                if (ok) {
                    log.add(TraceAction.LeaveSqd, "to", to, "change", optpar);
                } else if (status == Status.BAD_QP_STATE) {
                    log.add(TraceAction.RefuseLeaveSqd, "to", to);
                }
            }
            case "TO_ERR" -> {
                if (ok) {
                    end(TraceAction.ToErr);
                }
            }
            case "TO_RST" -> ended |= ok;
            default -> {
            }
        }
    }

    @Override
    public void sqDrained(Transport t, int qpn) {
        if (!mine(t, qpn)) {
            return;
        }
        if (log.last() == TraceAction.Complete || log.last() == TraceAction.ToSqd) {
            log.lastFields().merge("drained", 1L, (a, b) -> (Long) a + (Long) b);
        } else {
            log.add(TraceAction.SqDrained);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private boolean mine(Transport t, int qpn) {
        return !ended && t == side && qpn == this.qpn;
    }

    private void end(TraceAction a) {
        log.add(a);
        ended = true;
    }
}
