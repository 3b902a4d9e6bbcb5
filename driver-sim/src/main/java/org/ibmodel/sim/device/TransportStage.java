// The seam between WQE fetch and the IBTA transport (requester / responder / completer), which
// plugs in here as drivers/infiniband/sw/rxe/rxe_req.c does behind rxe's send queue
package org.ibmodel.sim.device;

/** What the device does with send WQEs once fetched. */
public interface TransportStage {
    /** A WQE the SQ fetched while the QP sends, in posting order. */
    void submit(QpContext qp, SendWqe wqe);

    /** The QP left the sending states for ERR or RESET: forget its WQEs (they are flushed). */
    void drop(QpContext qp);
}
