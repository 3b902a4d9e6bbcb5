---------------------------- MODULE SqDrainTrace ----------------------------
(***************************************************************************)
(* Trace validation of SqDrain: is a recorded run of the simulated HCA's   *)
(* send queue through RTS, SQD and back a behaviour of the spec?  As       *)
(* RcTransportTrace.tla: one predicate per logged event, each the spec     *)
(* action of the same name constrained by the event's fields, walked by    *)
(* org.ibmodel.specs.trace.TraceValidator.  The recorder is                *)
(* org.ibmodel.sim.conform.SqDrainRecorder, fed by the transport's and the *)
(* firmware's observer hooks (org.ibmodel.sim.device.TransportObserver).   *)
(*                                                                         *)
(* Refinement mapping.  One RC QP of the device.                           *)
(*  - Post: the QP's user posted a send WR (told by the run).              *)
(*  - Begin: the requester sent the first packet of a WQE; e.wr numbers    *)
(*    WQEs 1, 2, ... in posting order, so it must be the oldest waiting.   *)
(*  - Complete: the completer retired WQE e.wr with success; e.drained is  *)
(*    the number of SQ_DRAINED events the device posted in that step.      *)
(*  - ToSqd: RTS2SQD_QP answered OK; e.notify its opcode modifier's bit 0  *)
(*    (en_sqd_async_notify), e.drained the events posted with it.          *)
(*  - LeaveSqd: SQD2SQD_QP or SQD2RTS_QP answered OK (e.to), e.change      *)
(*    whether it carried optional parameters (an attribute change).        *)
(*  - RefuseLeaveSqd: one of those answered BAD_QP_STATE: a refusal is no  *)
(*    step, but the spec must have refused it too.                         *)
(*  - ToErr: 2ERR_QP answered OK, or a WQE completed in error (the device  *)
(*    moves the QP to ERR itself); nothing of the QP is recorded after it. *)
(*  - SqDrained: an SQ_DRAINED the device posted outside those two steps,  *)
(*    which the spec never does.                                           *)
(* The constants are bounds: the validator sets MaxWqe, MaxEntries and     *)
(* MaxAttr to the most Posts, ToSqds and attribute changes of the traces   *)
(* validated together.  Every spec action is an event: no hidden steps.    *)
(***************************************************************************)
EXTENDS SqDrain

\* WQEs begun so far: posted and no longer waiting.
Begun == posts - waiting

IsPost(e) == Post

IsBegin(e) ==
    /\ e.wr = Begun + 1
    /\ Begin

IsComplete(e) ==
    /\ e.wr = Begun - Len(inFlight) + 1
    /\ Complete
    /\ events' = events + e.drained

IsToSqd(e) ==
    /\ ToSqd(e.notify)
    /\ events' = e.drained

IsLeaveSqd(e) == LeaveSqd(e.to, e.change)

IsRefuseLeaveSqd(e) ==
    /\ state = "SQD"
    /\ ~MayLeaveSqd
    /\ UNCHANGED vars

IsToErr(e) == ToErr

IsSqDrained(e) == FALSE

\* No hidden steps: the validator's HcaRun and flush closures have nothing to take.
HcaStep == FALSE
HcaFlush == FALSE
HcaRunSeen(e) == FALSE

\* The validator keeps one state per TraceView value: here the whole state.
TraceView == vars
=============================================================================
