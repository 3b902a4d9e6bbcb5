// drivers/infiniband/core/restrack.c (ids), cq.c and verbs.c (CQ and MR lifetimes),
// cma.c (rdma_cm ids and their events), cm.c (IB CM states)
package org.ibmodel.traces.replay;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ibmodel.traces.IbCma;
import org.ibmodel.traces.RdmaCma;
import org.ibmodel.traces.RdmaCore;
import org.ibmodel.traces.TraceRecord;
import org.ibmodel.traces.Tracepoint;

/**
 * Rebuilds object lifecycles from a trace and checks the rules a kernel cannot break. Objects are
 * followed by their restrack id (a qp by its qp_num); an id freed and allocated again is a new
 * object. An object first seen in use is adopted: the trace began after it was made, or it was
 * made where no tracepoint fires (a user MR: ib_uverbs_reg_mr traces nothing). An MR id adopted
 * and freed, seen again, is adopted again rather than freed twice: the same untraced path may have
 * made a new MR under it (restrack ids start again on a device registered anew, as after an HCA
 * reset). restrack numbers each device's objects apart, so on a trace that shows several devices
 * a freed number seen again may be another device's object, made before the trace began or where
 * no tracepoint fires: it is adopted, while the number has had fewer objects than the trace shows
 * devices. A trace that names no device (rdma_core events print none) counts one more for each id
 * it shows live twice at once. A QP number freed and seen again is adopted too: ibv_create_qp
 * traces nothing, and a process hands its QP's number to rdma_connect and rdma_accept.
 *
 * <p>Rules:
 * <ul>
 * <li>{@value #USE_AFTER_FREE}: an event on an id after its free/dereg/destroy, with no new
 *     alloc/attach in between;
 * <li>{@value #DOUBLE_FREE}: a second free/dereg/destroy of an id (of an MR, one the trace saw
 *     allocated);
 * <li>{@value #ID_REUSED_WHILE_LIVE}: an alloc/attach of an id that is live (restrack's xarray
 *     holds one object per id and device). rdma_core's and most rdma_cma events print no device,
 *     so an id may be live once on each device the trace shows (cm_add_one, cm_id_attach, the
 *     MAD events' device index); a QP number never counts, as ib_destroy_qp fires no tracepoint
 *     (only rdma_destroy_qp fires cm_qp_destroy) and the HCA gives the number again;
 * <li>{@value #EVENT_DONE_WITHOUT_HANDLER}: cma_cm_event_handler fires cm_event_handler before
 *     the consumer's handler and cm_event_done after it, so a done needs its handler;
 * <li>{@value #RDMA_CM_EVENT_IN_WRONG_STATE}: cma_ib_handler delivers events of a connection only
 *     in RDMA_CM_CONNECT and TIMEWAIT_EXIT only in RDMA_CM_DISCONNECT (it moves CONNECT to
 *     DISCONNECT when it delivers DISCONNECTED). An id reaches RDMA_CM_CONNECT by a traced
 *     cm_send_req, cm_send_sidr_req or CONNECT_REQUEST, or, once ROUTE_RESOLVED was delivered,
 *     by an rdma_connect over iWARP, which cma_connect_iw does without a tracepoint;
 * <li>{@value #IB_CM_STATE_TRANSITION}: an icm_* record whose state cm.c cannot reach from the
 *     state the previous record of that local_id printed ({@link IbCmState}).
 * </ul>
 * An rdma_cm id prints as 0 until it has a restrack id, so events with {@code cm.id=0} are matched
 * by their addresses and never count as use after free. A handler and its done are paired by
 * number and addresses, as two devices' ids may share a number. cma_ib_req_handler fires
 * cm_req_handler on a listener before it finds it destroying, so that event after the listener's
 * cm_id_destroy is no use after free. Since cma.c adds the id to restrack right
 * after cma_attach_to_dev (5.12 on), cm_id_attach itself prints 0: such an attach waits, counted
 * as made, for the first event of an id not seen before with its addresses (the same source, its
 * port bound since if it printed port 0, and the same destination unless the attach had none
 * yet), which is the id it numbered; not an id whose first event needs a connection begun before
 * it (ESTABLISHED, DISCONNECTED, an RTU or DREQ sent...), which was made before the trace began.
 */
public final class Lifecycles implements TraceFollower {
    public static final String USE_AFTER_FREE = "use_after_free";
    public static final String DOUBLE_FREE = "double_free";
    public static final String ID_REUSED_WHILE_LIVE = "id_reused_while_live";
    public static final String EVENT_DONE_WITHOUT_HANDLER = "event_done_without_handler";
    public static final String RDMA_CM_EVENT_IN_WRONG_STATE = "rdma_cm_event_in_wrong_state";
    public static final String IB_CM_STATE_TRANSITION = "ib_cm_state_transition";

    /** What a replay knows of an rdma_cm id's state (enum rdma_cm_state in cma_priv.h). */
    enum CmPhase { UNKNOWN, ATTACHED, ROUTE_RESOLVED, CONNECT, DISCONNECT }

    private static final class Obj {
        /** Objects live under this id: at most one per device. */
        int live;
        boolean createdInTrace;
        int line;
        String lastEvent;
        CmPhase phase = CmPhase.UNKNOWN;
        /** Objects of this number on other devices the trace has taken a freed number for. */
        int elsewhere;
        /** The most objects of this number the trace has had live at once. */
        int peak = 1;
    }

    private record Pending(String event, int line) {
    }

    private final Map<ObjectKind, Map<Long, Obj>> tables = new EnumMap<>(ObjectKind.class);
    private final Map<ObjectKind, long[]> counts = new EnumMap<>(ObjectKind.class);
    private final Map<String, Pending> handlers = new HashMap<>();
    private final Map<String, Boolean> seenCmKeys = new HashMap<>();
    private final Map<Long, IbCmState> icmStates = new HashMap<>();
    /** Devices the trace names (cm_add_one, cm_id_attach) and MAD device indexes it shows. */
    private final java.util.Set<String> deviceNames = new java.util.HashSet<>();
    private final java.util.Set<Long> deviceIndexes = new java.util.HashSet<>();
    /** Devices a trace naming none has shown by ids live twice at once. */
    private int inferredDevices = 1;
    /** cm_id_attach records that printed cm.id=0, not yet matched to the id they numbered. */
    private final List<Unnumbered> unnumbered = new ArrayList<>();

    /** An attach of an id restrack had not numbered yet: its addresses and line. */
    private record Unnumbered(String src, String dst, int line) {
        /** Whether an event of a new id with these addresses is of the id this attach made. */
        boolean numbers(String eventSrc, String eventDst, boolean exact) {
            return sameSource(eventSrc) && (dst.equals(eventDst) || (!exact && dst.equals("(einval)")));
        }

        /** The same source, or its address with the port bound after the attach (it printed port 0). */
        private boolean sameSource(String eventSrc) {
            if (src.equals(eventSrc)) {
                return true;
            }
            int port = src.lastIndexOf(':');
            return src.endsWith(":0") && eventSrc.lastIndexOf(':') == port
                    && eventSrc.startsWith(src.substring(0, port));
        }
    }

    public Lifecycles() {
        for (ObjectKind k : ObjectKind.values()) {
            tables.put(k, new HashMap<>());
            counts.put(k, new long[3]);
        }
    }

    @Override
    public void follow(TraceRecord r, Findings f) {
        if (!(r.event() instanceof Tracepoint.Event e)) {
            return;
        }
        int line = r.line();
        String name = e.name();
        if (e instanceof RdmaCma.CmaClient c) {
            deviceNames.add(c.device());
        } else if (e instanceof RdmaCma.CmIdAttach c) {
            deviceNames.add(c.device());
        } else if (e instanceof org.ibmodel.traces.IbMad.MadEvent m) {
            deviceIndexes.add(m.devIndex());
        }
        if (e instanceof RdmaCore.CqAlloc a) {
            create(ObjectKind.CQ, a.cqId(), line, name, f);
        } else if (e instanceof RdmaCore.CqFree a) {
            destroy(ObjectKind.CQ, a.cqId(), line, name, f);
        } else if (e instanceof RdmaCore.CqSchedule a) {
            use(ObjectKind.CQ, a.cqId(), line, name, f);
        } else if (e instanceof RdmaCore.CqReschedule a) {
            use(ObjectKind.CQ, a.cqId(), line, name, f);
        } else if (e instanceof RdmaCore.CqProcess a) {
            use(ObjectKind.CQ, a.cqId(), line, name, f);
        } else if (e instanceof RdmaCore.CqPoll a) {
            use(ObjectKind.CQ, a.cqId(), line, name, f);
        } else if (e instanceof RdmaCore.CqDrainComplete a) {
            use(ObjectKind.CQ, a.cqId(), line, name, f);
        } else if (e instanceof RdmaCore.CqModify a) {
            use(ObjectKind.CQ, a.cqId(), line, name, f);
        } else if (e instanceof RdmaCore.MrAlloc a) {
            if (a.rc() == 0) {
                create(ObjectKind.MR, a.mrId(), line, name, f);
            }
        } else if (e instanceof RdmaCore.MrIntegAlloc a) {
            if (a.rc() == 0) {
                create(ObjectKind.MR, a.mrId(), line, name, f);
            }
        } else if (e instanceof RdmaCore.MrDereg a) {
            destroy(ObjectKind.MR, a.mrId(), line, name, f);
        } else if (e instanceof RdmaCma.IdEvent c) {
            followCm(c, line, f);
        } else if (e instanceof IbCma.IcmId c) {
            followIcm(c.localId(), c.state(), line, name, f);
        } else if (e instanceof IbCma.IcmSendRej c) {
            followIcm(c.localId(), c.state(), line, name, f);
        }
    }

    private void followCm(RdmaCma.IdEvent c, int line, Findings f) {
        long id = c.cmId();
        String name = c.name();
        // A handler and its done print the same addresses; an id number may be live on two devices.
        String key = id + "|" + c.src() + "|" + c.dst();
        boolean seenBefore = seenCmKeys.containsKey(key);
        Obj known = table(ObjectKind.CM_ID).get(id);
        if (id != 0 && (known == null || known.live == 0) && c.tracepoint() != Tracepoint.CM_ID_ATTACH
                && !afterConnect(c)) {
            Unnumbered u = takeUnnumbered(c.src(), c.dst());
            if (u != null) {
                Obj o = new Obj();
                o.live = 1;
                o.createdInTrace = true;
                o.line = u.line();
                o.lastEvent = Tracepoint.CM_ID_ATTACH.eventName();
                o.phase = CmPhase.ATTACHED;
                table(ObjectKind.CM_ID).put(id, o);
            }
        }
        switch (c.tracepoint()) {
            case CM_ID_ATTACH -> {
                if (id == 0) {
                    unnumbered.add(new Unnumbered(c.src(), c.dst(), line));
                    counts.get(ObjectKind.CM_ID)[0]++;
                } else {
                    create(ObjectKind.CM_ID, id, line, name, f);
                    table(ObjectKind.CM_ID).get(id).phase = CmPhase.ATTACHED;
                }
                handlers.remove(key);
                seenBefore = true;
            }
            case CM_ID_DESTROY -> {
                if (id != 0) {
                    destroy(ObjectKind.CM_ID, id, line, name, f);
                } else if (takeUnnumbered(c.src(), c.dst()) != null) {
                    // An attached id never numbered (or restrack's id 0 itself) goes.
                    counts.get(ObjectKind.CM_ID)[1]++;
                }
                handlers.remove(key);
            }
            default -> {
                // cma_ib_req_handler fires cm_req_handler on the listener before it takes the
                // handler mutex and finds it destroying: the IB CM may still hand a REQ to a
                // listener whose cm_id_destroy has been traced, until _destroy_id removes it.
                boolean toDestroyedListener = c.tracepoint() == Tracepoint.CM_REQ_HANDLER && known != null
                        && known.live == 0;
                if (id != 0 && !toDestroyedListener) {
                    use(ObjectKind.CM_ID, id, line, name, f);
                }
            }
        }
        Obj o = id != 0 ? table(ObjectKind.CM_ID).get(id) : null;
        if (c instanceof RdmaCma.CmQpCreate q) {
            if (q.rc() == 0 && q.qpNum() != 0) {
                create(ObjectKind.QP, q.qpNum(), line, name, f);
            }
        } else if (c instanceof RdmaCma.CmaQp q) {
            if (q.qpNum() != 0) {
                if (q.tracepoint() == Tracepoint.CM_QP_DESTROY) {
                    destroy(ObjectKind.QP, q.qpNum(), line, name, f);
                } else {
                    use(ObjectKind.QP, q.qpNum(), line, name, f);
                }
            }
            if (q.tracepoint() == Tracepoint.CM_SEND_REQ && o != null) {
                o.phase = CmPhase.CONNECT;
            }
        } else if (c instanceof RdmaCma.CmaFsm s) {
            if (s.tracepoint() == Tracepoint.CM_SEND_SIDR_REQ && o != null) {
                o.phase = CmPhase.CONNECT;
            }
        } else if (c instanceof RdmaCma.CmEventHandler h) {
            handlers.put(key, new Pending(h.event(), line));
            // Two live ids of one number (on two devices) share a table entry: no state to check.
            if (o != null && o.live == 1) {
                checkCmEvent(o, h, line, f);
            }
        } else if (c instanceof RdmaCma.CmEventDone d) {
            Pending p = handlers.remove(key);
            if ((p == null || !p.event().equals(d.event())) && seenBefore) {
                f.violation(line, EVENT_DONE_WITHOUT_HANDLER, "cm_event_done " + d.event() + " on cm.id=" + id
                        + (id == 0 ? " (" + d.src() + " -> " + d.dst() + ")" : "")
                        + (p == null ? " without a cm_event_handler before it"
                                : " after a cm_event_handler for " + p.event() + " at line " + p.line()));
            }
        }
        seenCmKeys.put(key, Boolean.TRUE);
    }

    /**
     * Whether {@code c} needs a connection begun before it (a REQ sent or received, each traced),
     * so that an id first seen with it was made before the trace began, not by a waiting attach.
     */
    private static boolean afterConnect(RdmaCma.IdEvent c) {
        String ev = c instanceof RdmaCma.CmEventHandler h ? h.event()
                : c instanceof RdmaCma.CmEventDone d ? d.event() : null;
        if (ev != null) {
            return switch (ev) {
                case "ESTABLISHED", "DISCONNECTED", "REJECTED", "CONNECT_RESPONSE", "TIMEWAIT_EXIT" -> true;
                default -> false;
            };
        }
        return switch (c.tracepoint()) {
            case CM_SEND_RTU, CM_SEND_REP, CM_SEND_REJ, CM_PREPARE_MRA, CM_SEND_MRA, CM_SEND_SIDR_REP, CM_DISCONNECT,
                    CM_SENT_DREP, CM_SENT_DREQ -> true;
            default -> false;
        };
    }

    /** cma.c cma_ib_handler: connection events need RDMA_CM_CONNECT, TIMEWAIT_EXIT RDMA_CM_DISCONNECT. */
    private static void checkCmEvent(Obj o, RdmaCma.CmEventHandler h, int line, Findings f) {
        String ev = h.event();
        switch (ev) {
            case "CONNECT_REQUEST" -> o.phase = CmPhase.CONNECT;
            case "ROUTE_RESOLVED" -> {
                // rdma_connect may now move it to RDMA_CM_CONNECT untraced (cma_connect_iw).
                if (o.phase == CmPhase.ATTACHED) {
                    o.phase = CmPhase.ROUTE_RESOLVED;
                }
            }
            case "ESTABLISHED", "DISCONNECTED", "REJECTED", "CONNECT_RESPONSE" -> {
                if (o.phase == CmPhase.ATTACHED || o.phase == CmPhase.DISCONNECT) {
                    f.violation(line, RDMA_CM_EVENT_IN_WRONG_STATE, ev + " on cm.id=" + h.cmId() + " in "
                            + stateName(o.phase) + "; cma_ib_handler delivers it only in RDMA_CM_CONNECT");
                }
                // Report once, then follow the id as the kernel evidently had it.
                o.phase = CmPhase.CONNECT;
                if (ev.equals("DISCONNECTED")) {
                    o.phase = CmPhase.DISCONNECT;
                }
            }
            case "TIMEWAIT_EXIT" -> {
                if (o.phase == CmPhase.ATTACHED || o.phase == CmPhase.ROUTE_RESOLVED || o.phase == CmPhase.CONNECT) {
                    f.violation(line, RDMA_CM_EVENT_IN_WRONG_STATE, ev + " on cm.id=" + h.cmId() + " in "
                            + stateName(o.phase) + "; cma_ib_handler delivers it only in RDMA_CM_DISCONNECT");
                }
            }
            default -> {
            }
        }
    }

    private static String stateName(CmPhase p) {
        return switch (p) {
            case ATTACHED -> "a state before RDMA_CM_CONNECT (no cm_send_req, ROUTE_RESOLVED or CONNECT_REQUEST seen)";
            case ROUTE_RESOLVED -> "RDMA_CM_ROUTE_RESOLVED or RDMA_CM_CONNECT (no DISCONNECTED seen)";
            case CONNECT -> "RDMA_CM_CONNECT";
            case DISCONNECT -> "RDMA_CM_DISCONNECT (DISCONNECTED already delivered)";
            case UNKNOWN -> "an unknown state";
        };
    }

    private void followIcm(long localId, String state, int line, String name, Findings f) {
        IbCmState s = IbCmState.parse(state);
        if (s == null) {
            return;
        }
        IbCmState prev = icmStates.put(localId, s);
        if (prev != null && !prev.reaches(s)) {
            f.violation(line, IB_CM_STATE_TRANSITION, name + " on local_id=" + localId + " in IB_CM_" + s
                    + " after IB_CM_" + prev + "; cm.c has no path from IB_CM_" + prev + " to IB_CM_" + s);
        }
    }

    /**
     * The oldest waiting unnumbered attach with these addresses, taken off the list: one with the
     * same destination first, else one made before the id had a destination.
     */
    private Unnumbered takeUnnumbered(String src, String dst) {
        for (boolean exact : new boolean[] {true, false}) {
            for (int i = 0; i < unnumbered.size(); i++) {
                if (unnumbered.get(i).numbers(src, dst, exact)) {
                    return unnumbered.remove(i);
                }
            }
        }
        return null;
    }

    private Map<Long, Obj> table(ObjectKind k) {
        return tables.get(k);
    }

    /**
     * Devices the trace has shown so far, at least one. A trace that names none (rdma_core events
     * alone print no device) counts one more each time it shows an id live twice at once: restrack
     * numbers each device's objects apart, so that is a second device, not a bug.
     */
    private int devices() {
        return Math.max(1, Math.max(Math.max(deviceNames.size(), deviceIndexes.size()), inferredDevices));
    }

    private boolean namesDevices() {
        return !deviceNames.isEmpty() || !deviceIndexes.isEmpty();
    }

    private void create(ObjectKind k, long id, int line, String event, Findings f) {
        Obj o = table(k).get(id);
        // A QP number given again may follow a destroy no tracepoint shows (ib_destroy_qp), so it
        // is no reuse; one live QP of the number on each other device the trace shows stays.
        int live = o == null ? 0 : k == ObjectKind.QP ? Math.min(o.live, devices() - 1) : o.live;
        if (live >= devices() && !namesDevices()) {
            inferredDevices = live + 1;
        } else if (live >= devices()) {
            f.violation(line, ID_REUSED_WHILE_LIVE, event + " of " + k.idName() + "=" + id + " while it is live ("
                    + (o.createdInTrace ? "allocated at line " + o.line : "in use since line " + o.line)
                    + ", no free since" + (devices() > 1 ? ", on each of the " + devices() + " devices the trace "
                    + "shows" : "") + ")");
        }
        // Both stay live after a report: the frees and uses that follow are each one's, and a
        // report is not repeated for every event after it.
        Obj old = o;
        o = new Obj();
        o.live = live + 1;
        o.peak = live > 0 ? Math.max(old.peak, o.live) : 1;
        o.elsewhere = live > 0 ? old.elsewhere : 0;
        o.createdInTrace = true;
        o.line = line;
        o.lastEvent = event;
        table(k).put(id, o);
        counts.get(k)[0]++;
    }

    private void destroy(ObjectKind k, long id, int line, String event, Findings f) {
        Obj o = table(k).get(id);
        if (o == null || madeUntraced(k, o)) {
            o = adopt(k, id, line);
        } else if (o.live == 0 && onAnotherDevice(o)) {
            o = adoptElsewhere(k, id, line, o);
        } else if (o.live == 0) {
            f.violation(line, DOUBLE_FREE, event + " of " + k.idName() + "=" + id + ", already freed at line "
                    + o.line + " (" + o.lastEvent + ")");
            return;
        }
        o.live--;
        o.line = line;
        o.lastEvent = event;
        counts.get(k)[1]++;
    }

    private void use(ObjectKind k, long id, int line, String event, Findings f) {
        Obj o = table(k).get(id);
        if (o == null || madeUntraced(k, o)) {
            adopt(k, id, line);
        } else if (o.live == 0 && onAnotherDevice(o)) {
            adoptElsewhere(k, id, line, o);
        } else if (o.live == 0) {
            f.violation(line, USE_AFTER_FREE, event + " on " + k.idName() + "=" + id + ", freed at line " + o.line
                    + " (" + o.lastEvent + ") with no new " + (k == ObjectKind.CM_ID ? "cm_id_attach" : "alloc")
                    + " since");
        }
    }

    /**
     * Whether a freed object's id may have been given to a new object no tracepoint saw: an MR
     * (user MRs are registered untraced, deregistered traced) that the trace never saw made, or
     * any QP number (ibv_create_qp traces nothing, and a process hands its QP's number to
     * rdma_accept or rdma_connect, which cm_send_rep and cm_send_req print).
     */
    private static boolean madeUntraced(ObjectKind k, Obj o) {
        return o.live == 0 && (k == ObjectKind.MR && !o.createdInTrace || k == ObjectKind.QP);
    }

    /**
     * Whether a freed number seen again may be an object of another device the trace shows, made
     * before the trace began or where no tracepoint fires: restrack numbers each device's objects
     * apart, so each device may have one under the number.
     */
    private boolean onAnotherDevice(Obj freed) {
        return freed.peak + freed.elsewhere < devices();
    }

    private Obj adoptElsewhere(ObjectKind k, long id, int line, Obj freed) {
        Obj o = adopt(k, id, line);
        o.elsewhere = freed.elsewhere + 1;
        o.peak = freed.peak;
        return o;
    }

    private Obj adopt(ObjectKind k, long id, int line) {
        Obj o = new Obj();
        o.live = 1;
        o.line = line;
        o.lastEvent = "adopted";
        table(k).put(id, o);
        counts.get(k)[2]++;
        return o;
    }

    /** The counts per kind at this point of the trace. */
    public Map<ObjectKind, ObjectCounts> counts() {
        Map<ObjectKind, ObjectCounts> out = new EnumMap<>(ObjectKind.class);
        for (ObjectKind k : ObjectKind.values()) {
            long live = k == ObjectKind.CM_ID ? unnumbered.size() : 0;
            for (Obj o : table(k).values()) {
                if (o.createdInTrace) {
                    live += o.live;
                }
            }
            long[] c = counts.get(k);
            out.put(k, new ObjectCounts(c[0], c[1], live, c[2]));
        }
        return out;
    }
}
