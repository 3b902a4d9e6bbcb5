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

\* A QP takes a WR from the SRQ without advancing the SRQ's consumer index: the next message, on
\* that QP or the other, consumes the same WR again and both complete it. Only the SRQ branch is
\* broken, so only the SRQ config catches it. Violates CompleteAtMostOnce (and CqWithinDepth
\* when the second CQE overruns the CQ; the cfg lists CompleteAtMostOnce first).
MutHcaRecvSrqNotAdvanced(q) ==
    /\ qpState[q] = "RTS"
    /\ IF UseSrq
          THEN /\ srq # <<>>
               /\ completed' = Append(completed, Head(srq))
               /\ CqWrite([wr |-> Head(srq), qp |-> q, kind |-> "recv", status |-> "SUCCESS"])
               /\ posted' = [posted EXCEPT ![Head(srq)].qp = q]
               /\ UNCHANGED <<srq, rq>>
          ELSE /\ rq[q] # <<>>
               /\ completed' = Append(completed, Head(rq[q]))
               /\ CqWrite([wr |-> Head(rq[q]), qp |-> q, kind |-> "recv", status |-> "SUCCESS"])
               /\ rq' = [rq EXCEPT ![q] = Tail(@)]
               /\ UNCHANGED <<srq, posted>>
    /\ UNCHANGED <<qpState, sq>>

\* The flush walks the RQ back from its producer end: receive WRs are flushed newest first,
\* where a queue's completions come in posting order (IBA 10.8.3). Violates FlushInOrderAfterErr.
MutHcaFlushRecvNewestFirst(q) ==
    /\ qpState[q] = "ERR"
    /\ rq[q] # <<>>
    /\ LET id == rq[q][Len(rq[q])]
       IN /\ completed' = Append(completed, id)
          /\ CqWrite([wr |-> id, qp |-> q, kind |-> "recv", status |-> "WR_FLUSH_ERR"])
    /\ rq' = [rq EXCEPT ![q] = SubSeq(@, 1, Len(@) - 1)]
    /\ UNCHANGED <<qpState, sq, srq, posted>>

\* The RQ is flushed only by the send queue's flush work, which runs while send WRs are
\* outstanding: a QP moved to ERR with an empty SQ keeps its receive WRs for ever, and
\* ib_drain_rq waits for a completion that never comes. Violates RecvWrsFlushed.
MutHcaFlushRecvOnlyWithSends(q) ==
    /\ qpState[q] = "ERR"
    /\ sq[q] # <<>>
    /\ rq[q] # <<>>
    /\ completed' = Append(completed, Head(rq[q]))
    /\ CqWrite([wr |-> Head(rq[q]), qp |-> q, kind |-> "recv", status |-> "WR_FLUSH_ERR"])
    /\ rq' = [rq EXCEPT ![q] = Tail(@)]
    /\ UNCHANGED <<qpState, sq, srq, posted>>
=============================================================================
