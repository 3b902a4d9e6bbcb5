package org.ibmodel.sw.mem;

import java.util.ArrayDeque;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;

/** The driver-private state of each object kind: the queues a real HCA keeps in host memory. */
final class MemQueues {
    private MemQueues() {
    }

    /** Send and receive queues of a QP. */
    static final class QpQueues {
        final ArrayDeque<SendWr> sq = new ArrayDeque<>();
        final ArrayDeque<RecvWr> rq = new ArrayDeque<>();
        /** Sends wait for a receive at the target (RNR with rnr_retry 7). */
        boolean rnrWait;
        /**
         * rxe's attr.sq_draining: set by a move to SQD, cleared by the next run of the send queue
         * (rxe_qp.c rxe_qp_sqd, rxe_req.c req_check_sq_drain_done).
         */
        boolean sqDraining;
        /** RTS->SQD asked for IB_EVENT_SQ_DRAINED and the drain has not ended yet. */
        boolean sqdNotify;
    }

    /** The CQE ring of a CQ and its notification arm. */
    static final class CqRing {
        final ArrayDeque<Wc> entries = new ArrayDeque<>();
        /** 0, or CqNotifyFlags.SOLICITED / NEXT_COMP. */
        int armed;
        boolean overrun;
    }

    /** Posted receives of an SRQ and its armed limit (rxe's srq->limit), 0 when not armed. */
    static final class SrqQueue {
        final ArrayDeque<RecvWr> wrs = new ArrayDeque<>();
        int limit;
    }
}
