------------------------ MODULE MCWorkQueuesMutants ------------------------
(***************************************************************************)
(* Broken variants of WorkQueues, substituted by the mutant cfg files.     *)
(***************************************************************************)
EXTENDS MCWorkQueues

\* The HCA completes the second send WR before the first: violates SendCompletionOrder.
MutSendPickSecond(q) == IF Len(sq[q]) >= 2 THEN 2 ELSE 1

\* The CQ write ignores the depth: violates CqWithinDepth.
MutCqWriteIgnoringDepth(e) ==
    /\ cq' = Append(cq, e)
    /\ cqeLog' = Append(cqeLog, e)
    /\ UNCHANGED <<cqErr, lost>>

\* No fairness for the send queue flush: violates SendWrsComplete.
MutFairnessWithoutFlush ==
    \A q \in QPs :
        /\ WF_vars(HcaSendDone(q))
        /\ WF_vars(HcaFlushRecv(q))
=============================================================================
