// The recording points of the RC transport, one per action of specs/src/main/tla/RcTransport.tla
package org.ibmodel.sim.device;

/**
 * What a {@link Transport} tells an observer about its RC QPs, named as the actions of
 * RcTransport.tla they are part of (ReqSend, RespRecv, CompRecv, CompTimeout) and called where
 * the model takes that step. Unset (the default) nothing is called; an observer only reads what
 * it is given and never changes what the transport does. The recorder is
 * org.ibmodel.sim.conform.RcTransportRecorder.
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
    void reqSend(Transport t, int qpn, int wqe, int psn);

    /**
     * RespRecv: the responder processed the request with this PSN: whether it executed it, and
     * the response it sent ({@link Reply#NONE} for none) with its PSN.
     */
    void respRecv(Transport t, int qpn, int psn, boolean executed, Reply reply, int replyPsn);

    /** CompRecv: the completer takes a response; the retirements it causes follow as {@link #compDone}. */
    void compRecv(Transport t, int qpn, Reply type, int psn);

    /** CompTimeout: the local ACK timer fired with requests outstanding; retirements follow. */
    void compTimeout(Transport t, int qpn);

    /** Part of CompRecv or CompTimeout: the completer retired send WQE {@code wqe} with this status (null: success). */
    void compDone(Transport t, int qpn, int wqe, Syndrome status);
}
