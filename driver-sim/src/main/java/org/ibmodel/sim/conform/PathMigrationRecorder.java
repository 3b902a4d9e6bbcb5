// Records one RC connection between two two-port HCAs migrating between their ports as the
// actions of specs/src/main/tla/PathMigration.tla, matched by PathMigrationTrace.tla
package org.ibmodel.sim.conform;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.ibmodel.sim.device.Syndrome;
import org.ibmodel.sim.device.Transport;
import org.ibmodel.sim.device.TransportObserver;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.specs.trace.TraceAction;

/**
 * Turns what the transports of two HCAs report about QPs "A" and "B", connected through port 1 of
 * each and both in the migrated state with no alternate path, into a PathMigration trace; path k
 * is port k of both HCAs:
 * <ul>
 * <li>ApmSend: every packet either QP puts on a port, requests and responses alike, unless the
 *     run failed that port's path ({@link #failPath}): such a packet is lost where the spec's
 *     Send is not enabled, so it is no step;
 * <li>ApmReceive: every packet for either QP, by the port it came in on, with the migration
 *     state it left the QP in (the device reports arming and following as part of the receive);
 * <li>ApmRearm and ApmMigrateNow: the firmware took a modify that loaded the alternate path and
 *     rearmed, or migrated an armed QP; ApmExhaust: a QP's retries ran out while armed;
 * <li>ApmFailPath: the run tells the recorder ({@link #failPath}) as it takes both cables of a
 *     path down at once.
 * </ul>
 * The recording ends when a WQE of either QP completes in error: the connection has failed.
 */
public final class PathMigrationRecorder implements TransportObserver {
    private final Transport sideA;
    private final int qpnA;
    private final Transport sideB;
    private final int qpnB;
    private final EventLog log = new EventLog("PathMigration");
    private final Map<String, String> pm = new HashMap<>(Map.of("A", "MIGRATED", "B", "MIGRATED"));
    private final Set<Integer> failed = new HashSet<>();
    private boolean ended;

    /** Records QP {@code qpnA} behind {@code a} as "A" and {@code qpnB} behind {@code b} as "B". */
    public PathMigrationRecorder(Transport a, int qpnA, Transport b, int qpnB) {
        this.sideA = a;
        this.qpnA = qpnA;
        this.sideB = b;
        this.qpnB = qpnB;
        a.observer(this);
        b.observer(this);
    }

    /** Stops recording: both transports lose their observer. */
    public void detach() {
        sideA.observer(null);
        sideB.observer(null);
    }

    /** The run has just taken both cables of path {@code k} (port k of each HCA) down. */
    public void failPath(int k) {
        if (!ended) {
            failed.add(k);
            log.add(TraceAction.ApmFailPath, "k", (long) k);
        }
    }

    /** The trace so far, its header carrying {@code extra} (seed, scenario). */
    public SpecTrace trace(Map<String, Object> extra) {
        return log.trace(extra);
    }

    @Override
    public void sent(Transport t, int qpn, int port, boolean migReq) {
        String q = qp(t, qpn);
        if (q != null && !failed.contains(port)) {
            log.add(TraceAction.ApmSend, "q", q, "k", (long) port, "mig", migReq);
        }
    }

    @Override
    public void received(Transport t, int qpn, int port, boolean migReq) {
        String q = qp(t, qpn);
        if (q != null) {
            log.add(TraceAction.ApmReceive, "q", q, "k", (long) port, "mig", migReq, "pm", pm.get(q));
        }
    }

    @Override
    public void pathMigration(Transport t, int qpn, String pmState, String cause) {
        String q = qp(t, qpn);
        if (q == null) {
            return;
        }
        pm.put(q, pmState);
        switch (cause) {
            case "packet" -> {
                if (log.last() != TraceAction.ApmReceive || !q.equals(log.lastFields().get("q"))) {
                    throw new IllegalStateException(q + " went " + pmState + " by a packet outside its receive");
                }
                log.lastFields().put("pm", pmState);
            }
            case "retries" -> log.add(TraceAction.ApmExhaust, "q", q);
            default -> log.add(pmState.equals("REARM") ? TraceAction.ApmRearm : TraceAction.ApmMigrateNow, "q", q);
        }
    }

    @Override
    public void compDone(Transport t, int qpn, int wqe, Syndrome status) {
        if (status != null && qp(t, qpn) != null) {
            ended = true;
        }
    }

    /** "A" or "B" for a QP the recorder watches while it records, else null. */
    private String qp(Transport t, int qpn) {
        if (ended) {
            return null;
        }
        if (t == sideA && qpn == qpnA) {
            return "A";
        }
        return t == sideB && qpn == qpnB ? "B" : null;
    }
}
