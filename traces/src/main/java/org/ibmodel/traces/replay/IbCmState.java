// include/rdma/ib_cm.h: enum ib_cm_state; transitions as drivers/infiniband/core/cm.c makes them
package org.ibmodel.traces.replay;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The IB CM's connection states and the changes cm.c makes between them (ib_send_cm_req,
 * cm_req_handler, ib_send_cm_rep, cm_rep_handler, ib_send_cm_rtu, cm_establish, the MRA, REJ,
 * DREQ/DREP handlers and cm_enter_timewait). The icm_* tracepoints print the state when they
 * fire, so two records of one local_id may skip states: the second must be reachable from the
 * first. IDLE ends a connection; nothing is reachable through it.
 */
enum IbCmState {
    IDLE, LISTEN, REQ_SENT, REQ_RCVD, MRA_REQ_SENT, MRA_REQ_RCVD, REP_SENT, REP_RCVD, MRA_REP_SENT,
    MRA_REP_RCVD, ESTABLISHED, DREQ_SENT, DREQ_RCVD, TIMEWAIT, SIDR_REQ_SENT, SIDR_REQ_RCVD;

    private static final Map<IbCmState, Set<IbCmState>> NEXT = Map.ofEntries(
            Map.entry(IDLE, EnumSet.of(LISTEN, REQ_SENT, REQ_RCVD, SIDR_REQ_SENT, SIDR_REQ_RCVD)),
            Map.entry(LISTEN, EnumSet.of(IDLE)),
            Map.entry(REQ_SENT, EnumSet.of(REP_RCVD, MRA_REQ_RCVD, TIMEWAIT, IDLE)),
            Map.entry(REQ_RCVD, EnumSet.of(REP_SENT, MRA_REQ_SENT, TIMEWAIT, IDLE)),
            Map.entry(MRA_REQ_SENT, EnumSet.of(REP_SENT, TIMEWAIT, IDLE)),
            Map.entry(MRA_REQ_RCVD, EnumSet.of(REP_RCVD, TIMEWAIT, IDLE)),
            Map.entry(REP_SENT, EnumSet.of(ESTABLISHED, MRA_REP_RCVD, TIMEWAIT, IDLE)),
            Map.entry(REP_RCVD, EnumSet.of(ESTABLISHED, MRA_REP_SENT, TIMEWAIT, IDLE)),
            Map.entry(MRA_REP_SENT, EnumSet.of(ESTABLISHED, TIMEWAIT, IDLE)),
            Map.entry(MRA_REP_RCVD, EnumSet.of(ESTABLISHED, TIMEWAIT, IDLE)),
            Map.entry(ESTABLISHED, EnumSet.of(DREQ_SENT, DREQ_RCVD, TIMEWAIT)),
            Map.entry(DREQ_SENT, EnumSet.of(DREQ_RCVD, TIMEWAIT, IDLE)),
            Map.entry(DREQ_RCVD, EnumSet.of(TIMEWAIT, IDLE)),
            Map.entry(TIMEWAIT, EnumSet.of(IDLE)),
            Map.entry(SIDR_REQ_SENT, EnumSet.of(IDLE)),
            Map.entry(SIDR_REQ_RCVD, EnumSet.of(IDLE)));

    /** The state show_ib_cm_state printed, or null for a name this table does not know. */
    static IbCmState parse(String printed) {
        for (IbCmState s : values()) {
            if (s.name().equals(printed)) {
                return s;
            }
        }
        return null;
    }

    /** Whether cm.c can take a cm_id from this state to {@code to}, through states not traced. */
    boolean reaches(IbCmState to) {
        if (to == this || this == IDLE) {
            return true;
        }
        Set<IbCmState> seen = EnumSet.of(this);
        Deque<IbCmState> work = new ArrayDeque<>(seen);
        while (!work.isEmpty()) {
            for (IbCmState n : NEXT.get(work.poll())) {
                if (n == to) {
                    return true;
                }
                if (n != IDLE && seen.add(n)) {
                    work.add(n);
                }
            }
        }
        return false;
    }
}
