------------------------ MODULE QpStateMachineTrace ------------------------
(***************************************************************************)
(* Trace validation of QpStateMachine: is a recorded run of the Java model *)
(* a behaviour of the spec?  The approach of Kuppe, Cirstea and Merz,      *)
(* "Validating Traces of Distributed Programs Against TLA+ Specifications" *)
(* (2024), as in tlaplus/Examples ewd998/EWD998ChanTrace.tla: one          *)
(* predicate per logged event, each the spec action of the same name      *)
(* constrained by the event's fields.  org.ibmodel.specs.trace.            *)
(* TraceValidator walks the trace in order with TLC's FastTool, binding e *)
(* to one NDJSON line at a time, and reports the first line no predicate  *)
(* matches.                                                                *)
(*                                                                         *)
(* The spec describes one QP: the validator checks each QP of a trace on  *)
(* its own, with the events that name it.                                 *)
(*                                                                         *)
(* Hidden steps.  Software cannot see the HCA work, only its results, so  *)
(* the HCA actions are not logged one by one:                             *)
(*  - HcaRun (the HCA ran: drivers' softirq, Kernel.runPending) is        *)
(*    matched by any number of HcaStep actions that end in the QP state   *)
(*    the recorder then read with Qp.state();                             *)
(*  - a verb that flushes synchronously (modify to ERR, a post to a QP in *)
(*    ERR or SQE) may be followed by HcaFlush steps;                      *)
(* no other step is ever taken without an event.                          *)
(***************************************************************************)
EXTENDS QpStateMachine

\* CreateQp: the initial state of the QP, of the type it was created with.
IsCreateQp(e) == qpType = e.type

\* ib_modify_qp that the driver applied; e.mask is the set of attribute names.
IsUserModify(e) ==
    /\ state = e.from
    /\ UserModify(e.to, e.mask)

\* One work request accepted by ib_post_send / ib_post_recv.
IsUserPostSend(e) == UserPostSend
IsUserPostRecv(e) == UserPostRecv

\* QpStateMachine has no CQ: a polled completion is a stuttering step (WorkQueues checks it).
IsUserPoll(e) == UNCHANGED vars

\* Nor does it destroy QPs: the QP's events end here.
IsUserDestroy(e) == UNCHANGED vars

\* The actions of the HCA, hidden between the events that bound them.
HcaStep ==
    \/ HcaExecuteSend
    \/ HcaExecuteRecv
    \/ HcaSendError
    \/ HcaFatal
    \/ HcaFlushSend
    \/ HcaFlushRecv

HcaFlush == HcaFlushSend \/ HcaFlushRecv

\* The validator keeps one state per TraceView value: here the whole state.
TraceView == vars

\* After an HcaRun, the state read back from the QP (absent when the QP was destroyed).
HcaRunSeen(e) == "state" \in DOMAIN e => state = e.state
=============================================================================
