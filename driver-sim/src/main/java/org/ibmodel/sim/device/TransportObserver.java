// The recording points of the RC transport, one per action of specs/src/main/tla/RcTransport.tla,
// and of the firmware's QP commands and SQ_DRAINED events that specs/src/main/tla/SqDrain.tla needs
package org.ibmodel.sim.device;

/**
 * What a {@link Transport} tells an observer about its RC QPs, named as the actions of
 * RcTransport.tla they are part of (ReqSend, RespRecv, CompRecv, CompTimeout) and called where
 * the model takes that step; and, through the same transport, what its HCA's firmware answered
 * to QP transition commands and when it posted SQ_DRAINED (SqDrain.tla's ToSqd, LeaveSqd and
 * the events of its Complete and ToSqd). Unset (the default) nothing is called; an observer only
 * reads what it is given and never changes what the device does, and overrides only the steps it
 * watches. The recorders are org.ibmodel.sim.conform.RcTransportRecorder and SqDrainRecorder.
 */
public interface TransportObserver {
    /** A response's kind as RcTransport names it (IBA 9.7.5.1, AETH syndrome). */
    enum Reply {
        ACK,
        NAK_SEQ,
        RNR_NAK,
        /** Any other NAK: remote access, invalid request, remote operational error. */
        NAK_OTHER,
        NONE;

        /** The kind of a response with this AETH syndrome. */
        public static Reply of(int syndrome) {
            return switch (org.ibmodel.sim.wire.Aeth.typeOf(syndrome)) {
                case ACK -> ACK;
                case RNR_NAK -> RNR_NAK;
                case NAK -> (syndrome & 0x1f) == org.ibmodel.sim.wire.Aeth.NakCode.PSN_SEQUENCE_ERROR.value()
                        ? NAK_SEQ : NAK_OTHER;
                case RESERVED -> NAK_OTHER;
            };
        }
    }

    /** ReqSend: the requester put the request packet with this PSN of send WQE {@code wqe} on the wire. */
    default void reqSend(Transport t, int qpn, int wqe, int psn) {
    }

    /**
     * RespRecv: the responder processed the request with this PSN: whether it executed it, and
     * the response it sent ({@link Reply#NONE} for none) with its PSN.
     */
    default void respRecv(Transport t, int qpn, int psn, boolean executed, Reply reply, int replyPsn) {
    }

    /** CompRecv: the completer takes a response; the retirements it causes follow as {@link #compDone}. */
    default void compRecv(Transport t, int qpn, Reply type, int psn) {
    }

    /** CompTimeout: the local ACK timer fired with requests outstanding; retirements follow. */
    default void compTimeout(Transport t, int qpn) {
    }

    /** Part of CompRecv or CompTimeout: the completer retired send WQE {@code wqe} with this status (null: success). */
    default void compDone(Transport t, int qpn, int wqe, Syndrome status) {
    }

    /**
     * The firmware answered a QP transition command (docs/HCA.md §3.3: {@code transition} is
     * RTS2SQD, SQD2RTS, TO_ERR...) with {@code status}: called as a transition takes effect,
     * before anything it starts (SQD2RTS may begin WQEs within the command), or as it is refused.
     * {@code optpar}: it carried optional parameters, so it changed the QP's attributes;
     * {@code sqdEvent}: an RTS2SQD asked for SQ_DRAINED.
     */
    default void qpCommand(Transport t, int qpn, String transition, boolean sqdEvent, boolean optpar,
            Status status) {
    }

    /**
     * The device posted SQ_DRAINED for the QP (§4.5) as part of the step reported last: the
     * retirement of the last WQE in progress, or an RTS2SQD that found none.
     */
    default void sqDrained(Transport t, int qpn) {
    }

    /** PathMigration.tla's Send: a packet of QP {@code qpn} left by {@code port}, MigReq as given. */
    default void sent(Transport t, int qpn, int port, boolean migReq) {
    }

    /**
     * PathMigration.tla's Receive: a packet for connected QP {@code qpn} came in by {@code port},
     * MigReq as given; reported before the path checks, whose outcome {@link #pathMigration} adds.
     */
    default void received(Transport t, int qpn, int port, boolean migReq) {
    }

    /**
     * The QP's path migration state is now {@code pmState} (MIGRATED, REARM or ARMED, §5.10), by
     * {@code cause}: "command" (a modify loaded the alternate and rearmed, or migrated an armed QP
     * at once), "packet" (the packet just received armed it or made it follow its peer) or
     * "retries" (its retries ran out while armed).
     */
    default void pathMigration(Transport t, int qpn, String pmState, String cause) {
    }
}
