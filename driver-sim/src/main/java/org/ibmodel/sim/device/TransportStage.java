// The seam between WQE fetch and the IBTA transport (requester / responder / completer), which
// plugs in here as drivers/infiniband/sw/rxe/rxe_req.c does behind rxe's send queue
package org.ibmodel.sim.device;

/** What the device does with send WQEs once fetched. */
public interface TransportStage {
    /** A WQE the SQ fetched while the QP sends, in posting order. */
    void submit(QpContext qp, SendWqe wqe);

    /** The QP left the sending states for ERR or RESET: forget its WQEs (they are flushed). */
    void drop(QpContext qp);

    /**
     * The QP entered SQE: forget its send WQEs (they are flushed) and reset its requester for
     * SQERR2RTS, but keep its receive side, which goes on receiving.
     */
    void dropSends(QpContext qp);

    /**
     * Send WQEs begun and not completed: what SQD waits for before the SQ is drained (IBA
     * 10.3.1: messages in progress finish, new ones do not start).
     */
    int inProgress(QpContext qp);

    /**
     * The receive WQE (its counter, RQ or SRQ) a message still arriving has taken, or -1. The QP
     * entering ERR flushes it before the WQEs not yet taken.
     */
    default int recvInProgress(QpContext qp) {
        return -1;
    }

    /** SQD2RTS: WQEs that waited in SQD may start now. */
    void resume(QpContext qp);

    /**
     * The firmware answered QP transition command {@code t} (§3.3) with {@code status}: as the
     * transition takes effect, before anything it starts, or as it is refused. {@code optpar}: the
     * command carried optional parameters; {@code sqdEvent}: an RTS2SQD asked for SQ_DRAINED. For a
     * {@link TransportObserver} only: nothing changes.
     */
    default void answered(QpContext qp, QpTransition t, boolean sqdEvent, boolean optpar, Status status) {
    }

    /** The firmware posted SQ_DRAINED for the QP (§4.5). For a {@link TransportObserver} only. */
    default void sqDrainedPosted(QpContext qp) {
    }

    /**
     * A command loaded the QP's alternate path and rearmed it, or migrated it at once (§5.10).
     * For a {@link TransportObserver} only.
     */
    default void pathCommand(QpContext qp) {
    }

    /**
     * Transition {@code t} wrote its mailbox into the QP's context, with optional parameters
     * {@code optpar}: what the transport keeps of the context (PSNs, retry budgets) is taken again.
     */
    default void contextLoaded(QpContext qp, QpTransition t, int optpar) {
    }

    /** §2.1: the device failed; nothing more is sent or received, its ports drive no link. */
    default void halt() {
    }

    /** INIT_PORT enabled {@code port}: it drives its link, which comes up if its cable is (§2.2). */
    default void portEnabled(int port) {
    }

    /** CLOSE_PORT or CLOSE_HCA disabled {@code port}: its link goes down until INIT_PORT (§3.7). */
    default void portDisabled(int port) {
    }

    /**
     * The device made HCA port {@code port} anew (a reset, §2.2): tell it what the fabric knows of
     * the link on its cable, which no reset of the device changes.
     */
    default void cable(int port) {
    }
}
