-------------------------- MODULE WorkQueuesTrace --------------------------
(***************************************************************************)
(* Trace validation of WorkQueues: is a recorded run of the Java model a   *)
(* behaviour of the spec?  The approach of Kuppe, Cirstea and Merz,        *)
(* "Validating Traces of Distributed Programs Against TLA+ Specifications" *)
(* (2024), as in tlaplus/Examples ewd998/EWD998ChanTrace.tla: one          *)
(* predicate per logged event, each the spec action of the same name      *)
(* constrained by the event's fields.  org.ibmodel.specs.trace.            *)
(* TraceValidator walks the trace in order with TLC's FastTool, binding e *)
(* to one NDJSON line at a time, and reports the first line no predicate  *)
(* matches.                                                                *)
(*                                                                         *)
(* Refinement mapping.  The QPs of the trace, in creation order, are the  *)
(* elements of QPs (the validator writes e.qp as a spec name); all of     *)
(* them complete into the one CQ.  The spec knows RTS, ERR and DESTROYED: *)
(* INIT, RTR and RTS map to RTS (the spec starts where the QP can take    *)
(* work) and so does RESET before the bring-up; ERR maps to ERR.  A move  *)
(* back to RESET, SQD and SQE are outside the spec: a trace that makes    *)
(* them is not one of its behaviours.  Every error                        *)
(* status of a send is the spec's LOC_ERR.                                *)
(*                                                                         *)
(* Hidden steps, as in QpStateMachineTrace: HcaRun is matched by any      *)
(* number of HcaStep actions ending in the QP states and the CQ error the *)
(* recorder then observed; a verb that flushes synchronously may be       *)
(* followed by HcaFlush steps; nothing else happens without an event.     *)
(***************************************************************************)
EXTENDS WorkQueues

AbstractState(s) == IF s \in {"RESET", "INIT", "RTR", "RTS"} THEN "RTS" ELSE s

AbstractStatus(s) == IF s \in {"SUCCESS", "WR_FLUSH_ERR"} THEN s ELSE "LOC_ERR"

\* The QPs exist from the start in the spec; the CQ is the spec's one.
IsCreateQp(e) == UNCHANGED vars
IsCreateCq(e) == e.depth = CqDepth /\ UNCHANGED vars

\* ib_modify_qp: to ERR is UserModifyErr; the bring-up from RESET to RTS is below the
\* spec's level (it starts in RTS); back to RESET, SQD and SQE are outside it.
IsUserModify(e) ==
    IF e.to = "ERR" /\ e.from # "ERR"
       THEN UserModifyErr(e.qp)
       ELSE /\ e.to # "RESET"
            /\ AbstractState(e.from) = qpState[e.qp]
            /\ AbstractState(e.to) = qpState[e.qp]
            /\ qpState[e.qp] \in {"RTS", "ERR"}
            /\ UNCHANGED vars

\* One work request accepted by ib_post_send / ib_post_recv, numbered as the spec numbers them.
IsUserPostSend(e) == NextId = e.wr /\ UserPostSend(e.qp, e.signaled)
IsUserPostRecv(e) == NextId = e.wr /\ UserPostRecv(e.qp)

\* ib_poll_cq returned this CQE: it must be the oldest in the CQ.
IsUserPoll(e) ==
    /\ cq # <<>>
    /\ Head(cq) = [wr |-> e.wr, qp |-> e.qp, kind |-> e.kind, status |-> AbstractStatus(e.status)]
    /\ UserPoll

IsUserDestroy(e) == UserDestroy(e.qp)

\* The actions of the HCA, hidden between the events that bound them.
HcaStep ==
    \E q \in QPs :
        \/ HcaSendDone(q)
        \/ HcaSendError(q)
        \/ HcaRecv(q)
        \/ HcaFlushSend(q)
        \/ HcaFlushRecv(q)

HcaFlush == \E q \in QPs : HcaFlushSend(q) \/ HcaFlushRecv(q)

(***************************************************************************)
(* The validator keeps one state per TraceView value.  The history         *)
(* variables completed, cqeLog and lost only record what happened: no      *)
(* action reads them, so states that differ only there have the same       *)
(* futures, and the order in which hidden steps interleaved is forgotten.  *)
(***************************************************************************)
TraceView == <<qpState, sq, rq, srq, cq, cqErr, posted>>

\* After an HcaRun: the states read back from the live QPs, and whether the CQ error event
\* came (the HCA's run ends with every interrupt it raised delivered).
HcaRunSeen(e) ==
    /\ \A q \in DOMAIN e.states : qpState[q] = AbstractState(e.states[q])
    /\ cqErr = e.cqErr
=============================================================================
