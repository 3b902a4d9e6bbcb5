----------------------------- MODULE WorkQueues -----------------------------
(***************************************************************************)
(* Work queues and completion queues of one or two QPs sharing one CQ.     *)
(*                                                                         *)
(* Modelled:                                                               *)
(*  - the send queue (SQ) and receive queue (RQ) of each QP, or one shared *)
(*    receive queue (SRQ) for all of them (IBA 10.2.9, 10.8);              *)
(*  - posting (ib_post_send, ib_post_recv, ib_post_srq_recv), execution by *)
(*    the HCA in posting order on the SQ, arrival of messages that consume *)
(*    receive WRs, send errors, the move to ERR and the flush that follows *)
(*    (IBA 10.3.1, 10.8.3; drivers/infiniband/sw/rxe/rxe_comp.c,           *)
(*    rxe_qp.c rxe_qp_error);                                              *)
(*  - signaled and unsignaled send WRs: an unsignaled WR that succeeds     *)
(*    writes no CQE and counts as complete once a later WR of its QP has  *)
(*    completed; errors and flushes always write a CQE (IBA 10.8.3.1,      *)
(*    11.4.1.1 "signaled completions");                                    *)
(*  - the CQ: a bounded queue polled by the user (ib_poll_cq); a           *)
(*    completion that finds it full is an overrun, which raises the CQ     *)
(*    error event (IB_EVENT_CQ_ERR) and loses the entry (IBA 11.4.2.1,     *)
(*    11.6.3.3; drivers/infiniband/hw/mthca/mthca_cq.c).                   *)
(*  - destroying a QP, which drops its WRs without completions.            *)
(*                                                                         *)
(* Left out: what a WR transfers, the transport (RcTransport.tla), QP      *)
(* states other than RTS and ERR (QpStateMachine.tla), the SRQ limit event *)
(* and "last WQE reached", CQ moderation and completion events.            *)
(***************************************************************************)
EXTENDS Naturals, Sequences, FiniteSets

CONSTANTS
    QPs,        \* the QPs, all completing into one CQ
    MaxWr,      \* the number of WRs posted over a behaviour, in total
    CqDepth,    \* the number of CQEs the CQ holds
    UseSrq      \* TRUE: the QPs receive from one shared receive queue

ASSUME QPs # {} /\ MaxWr \in Nat /\ CqDepth \in Nat \ {0} /\ UseSrq \in BOOLEAN

QpStates == {"RTS", "ERR", "DESTROYED"}
Statuses == {"SUCCESS", "LOC_ERR", "WR_FLUSH_ERR"}
WrIds == 1..MaxWr
Kinds == {"send", "recv"}

VARIABLES
    qpState,    \* per QP: RTS, ERR or DESTROYED
    sq,         \* per QP: the ids of its outstanding send WRs, in posting order
    rq,         \* per QP: the ids of its outstanding receive WRs, in posting order
    srq,        \* the ids of the outstanding WRs of the shared receive queue
    cq,         \* the CQEs written and not yet polled, oldest first
    cqErr,      \* the CQ overran and raised IB_EVENT_CQ_ERR
    posted,     \* history: posted[i] = [qp, kind, signaled] of WR i
    completed,  \* history: the ids of completed WRs, in completion order
    cqeLog,     \* history: every CQE ever written to the CQ, in order
    lost        \* history: the WRs whose CQE found the CQ full or in error

vars == <<qpState, sq, rq, srq, cq, cqErr, posted, completed, cqeLog, lost>>

\* An SRQ WR belongs to no QP until one consumes it.
Wr == [qp : QPs \cup {"SRQ"}, kind : Kinds, signaled : BOOLEAN]
Cqe == [wr : WrIds, qp : QPs, kind : Kinds, status : Statuses]

\* The ids of a sequence, as a set.
Ids(s) == {s[i] : i \in DOMAIN s}

\* No element occurs twice in s.
NoDup(s) == \A i, j \in DOMAIN s : i # j => s[i] # s[j]

\* s without its k-th element.
Drop(s, k) == [i \in 1..Len(s) - 1 |-> IF i < k THEN s[i] ELSE s[i + 1]]

TypeOK ==
    /\ qpState \in [QPs -> QpStates]
    /\ sq \in [QPs -> Seq(WrIds)]
    /\ rq \in [QPs -> Seq(WrIds)]
    /\ srq \in Seq(WrIds)
    /\ cq \in Seq(Cqe)
    /\ cqErr \in BOOLEAN
    /\ posted \in Seq(Wr) /\ Len(posted) <= MaxWr
    /\ completed \in Seq(WrIds)
    /\ cqeLog \in Seq(Cqe)
    /\ lost \subseteq WrIds

Init ==
    /\ qpState = [q \in QPs |-> "RTS"]
    /\ sq = [q \in QPs |-> <<>>]
    /\ rq = [q \in QPs |-> <<>>]
    /\ srq = <<>>
    /\ cq = <<>>
    /\ cqErr = FALSE
    /\ posted = <<>>
    /\ completed = <<>>
    /\ cqeLog = <<>>
    /\ lost = {}

-----------------------------------------------------------------------------
(***************************************************************************)
(* The CQ write (mthca_cq.c, rxe_cq.c rxe_cq_post): a full CQ overruns,   *)
(* the entry is lost and the CQ error event raised; the WR still counts   *)
(* as complete, as the HCA has retired it.                                 *)
(***************************************************************************)
CqWrite(e) ==
    IF Len(cq) < CqDepth /\ ~cqErr
       THEN /\ cq' = Append(cq, e)
            /\ cqeLog' = Append(cqeLog, e)
            /\ UNCHANGED <<cqErr, lost>>
       ELSE /\ cqErr' = TRUE
            /\ lost' = lost \cup {e.wr}
            /\ UNCHANGED <<cq, cqeLog>>

NextId == Len(posted) + 1

UserPostSend(q, signaled) ==
    /\ qpState[q] # "DESTROYED"
    /\ Len(posted) < MaxWr
    /\ posted' = Append(posted, [qp |-> q, kind |-> "send", signaled |-> signaled])
    /\ sq' = [sq EXCEPT ![q] = Append(@, NextId)]
    /\ UNCHANGED <<qpState, rq, srq, cq, cqErr, completed, cqeLog, lost>>

UserPostRecv(q) ==
    /\ ~UseSrq
    /\ qpState[q] # "DESTROYED"
    /\ Len(posted) < MaxWr
    /\ posted' = Append(posted, [qp |-> q, kind |-> "recv", signaled |-> TRUE])
    /\ rq' = [rq EXCEPT ![q] = Append(@, NextId)]
    /\ UNCHANGED <<qpState, sq, srq, cq, cqErr, completed, cqeLog, lost>>

UserPostSrqRecv ==
    /\ UseSrq
    /\ Len(posted) < MaxWr
    /\ posted' = Append(posted, [qp |-> "SRQ", kind |-> "recv", signaled |-> TRUE])
    /\ srq' = Append(srq, NextId)
    /\ UNCHANGED <<qpState, sq, rq, cq, cqErr, completed, cqeLog, lost>>

UserPoll ==
    /\ cq # <<>>
    /\ cq' = Tail(cq)
    /\ UNCHANGED <<qpState, sq, rq, srq, cqErr, posted, completed, cqeLog, lost>>

\* ib_modify_qp to ERR (for example ib_drain_qp).
UserModifyErr(q) ==
    /\ qpState[q] = "RTS"
    /\ qpState' = [qpState EXCEPT ![q] = "ERR"]
    /\ UNCHANGED <<sq, rq, srq, cq, cqErr, posted, completed, cqeLog, lost>>

\* ib_destroy_qp: outstanding WRs are dropped, never completed.
UserDestroy(q) ==
    /\ qpState[q] # "DESTROYED"
    /\ qpState' = [qpState EXCEPT ![q] = "DESTROYED"]
    /\ sq' = [sq EXCEPT ![q] = <<>>]
    /\ rq' = [rq EXCEPT ![q] = <<>>]
    /\ UNCHANGED <<srq, cq, cqErr, posted, completed, cqeLog, lost>>

(***************************************************************************)
(* The send WR the HCA works on next: the oldest one (IBA 10.8.3: the SQ   *)
(* is processed and completed in order).                                   *)
(***************************************************************************)
SendPick(q) == 1

\* The HCA executes a send WR successfully.
HcaSendDone(q) ==
    /\ qpState[q] = "RTS"
    /\ sq[q] # <<>>
    /\ LET k == SendPick(q)
           id == sq[q][k]
       IN /\ sq' = [sq EXCEPT ![q] = Drop(@, k)]
          /\ completed' = Append(completed, id)
          /\ IF posted[id].signaled
                THEN CqWrite([wr |-> id, qp |-> q, kind |-> "send", status |-> "SUCCESS"])
                ELSE UNCHANGED <<cq, cqErr, cqeLog, lost>>
    /\ UNCHANGED <<qpState, rq, srq, posted>>

\* A send WR fails (remote access, local protection, retries exhausted...):
\* its error CQE is written and the QP moves to ERR.
HcaSendError(q) ==
    /\ qpState[q] = "RTS"
    /\ sq[q] # <<>>
    /\ LET id == Head(sq[q])
       IN /\ sq' = [sq EXCEPT ![q] = Tail(@)]
          /\ completed' = Append(completed, id)
          /\ CqWrite([wr |-> id, qp |-> q, kind |-> "send", status |-> "LOC_ERR"])
    /\ qpState' = [qpState EXCEPT ![q] = "ERR"]
    /\ UNCHANGED <<rq, srq, posted>>

\* A message arrives for q and consumes its oldest receive WR (or the SRQ's).
HcaRecv(q) ==
    /\ qpState[q] = "RTS"
    /\ IF UseSrq
          THEN /\ srq # <<>>
               /\ completed' = Append(completed, Head(srq))
               /\ CqWrite([wr |-> Head(srq), qp |-> q, kind |-> "recv", status |-> "SUCCESS"])
               /\ srq' = Tail(srq)
               /\ posted' = [posted EXCEPT ![Head(srq)].qp = q]
               /\ UNCHANGED rq
          ELSE /\ rq[q] # <<>>
               /\ completed' = Append(completed, Head(rq[q]))
               /\ CqWrite([wr |-> Head(rq[q]), qp |-> q, kind |-> "recv", status |-> "SUCCESS"])
               /\ rq' = [rq EXCEPT ![q] = Tail(@)]
               /\ UNCHANGED <<srq, posted>>
    /\ UNCHANGED <<qpState, sq>>

\* In ERR the oldest outstanding WR of a queue completes with WR_FLUSH_ERR.
\* WRs on an SRQ are not flushed: other QPs may still use them (IBA 10.2.9.5).
HcaFlushSend(q) ==
    /\ qpState[q] = "ERR"
    /\ sq[q] # <<>>
    /\ completed' = Append(completed, Head(sq[q]))
    /\ CqWrite([wr |-> Head(sq[q]), qp |-> q, kind |-> "send", status |-> "WR_FLUSH_ERR"])
    /\ sq' = [sq EXCEPT ![q] = Tail(@)]
    /\ UNCHANGED <<qpState, rq, srq, posted>>

HcaFlushRecv(q) ==
    /\ qpState[q] = "ERR"
    /\ rq[q] # <<>>
    /\ completed' = Append(completed, Head(rq[q]))
    /\ CqWrite([wr |-> Head(rq[q]), qp |-> q, kind |-> "recv", status |-> "WR_FLUSH_ERR"])
    /\ rq' = [rq EXCEPT ![q] = Tail(@)]
    /\ UNCHANGED <<qpState, sq, srq, posted>>

Next ==
    \/ \E q \in QPs :
          \/ \E s \in BOOLEAN : UserPostSend(q, s)
          \/ UserPostRecv(q)
          \/ UserModifyErr(q)
          \/ UserDestroy(q)
          \/ HcaSendDone(q)
          \/ HcaSendError(q)
          \/ HcaRecv(q)
          \/ HcaFlushSend(q)
          \/ HcaFlushRecv(q)
    \/ UserPostSrqRecv
    \/ UserPoll

\* Fairness on the HCA only: the user need not post, poll or modify; the peer need not send.
Fairness ==
    \A q \in QPs :
        /\ WF_vars(HcaSendDone(q))
        /\ WF_vars(HcaFlushSend(q))
        /\ WF_vars(HcaFlushRecv(q))

Spec == Init /\ [][Next]_vars /\ Fairness

-----------------------------------------------------------------------------
\* The CQEs in the log for QP q and kind k, in order.
LogOf(q, k) == SelectSeq(cqeLog, LAMBDA e : e.qp = q /\ e.kind = k)

\* Each posted WR completes at most once, and only after it was posted.
CompleteAtMostOnce ==
    /\ NoDup(completed)
    /\ Ids(completed) \subseteq 1..Len(posted)

(***************************************************************************)
(* A QP's send CQEs enter the CQ in posting order, and a send CQE means    *)
(* every earlier send WR of the QP has completed too: unsignaled ones      *)
(* complete implicitly.                                                    *)
(***************************************************************************)
SendCompletionOrder ==
    \A q \in QPs :
        LET log == LogOf(q, "send")
        IN /\ \A i, j \in DOMAIN log : i < j => log[i].wr < log[j].wr
           /\ \A i \in DOMAIN log :
                 \A w \in 1..log[i].wr - 1 :
                    posted[w].qp = q /\ posted[w].kind = "send" => w \in Ids(completed)

(***************************************************************************)
(* After ERR every outstanding WR completes with WR_FLUSH_ERR, in order:   *)
(* once a queue of a QP has written a flush CQE, every later CQE of that   *)
(* queue is a flush, and ids rise.                                         *)
(***************************************************************************)
FlushInOrderAfterErr ==
    \A q \in QPs, k \in Kinds :
        LET log == LogOf(q, k)
        IN \A i, j \in DOMAIN log :
              i < j /\ log[i].status = "WR_FLUSH_ERR" =>
                 /\ log[j].status = "WR_FLUSH_ERR"
                 /\ (k = "send" \/ ~UseSrq) => log[i].wr < log[j].wr

\* The CQ never holds more than its depth; a lost CQE raised the CQ error event.
CqWithinDepth ==
    /\ Len(cq) <= CqDepth
    /\ lost # {} => cqErr
    /\ lost \cap {e.wr : e \in Ids(cqeLog)} = {}

\* WR w has been posted, is of kind k and is not yet completed.  (IF, not
\* a conjunction: TLC puts temporal formulas into negation normal form.)
Pending(w, k) ==
    IF w <= Len(posted) THEN posted[w].kind = k /\ w \notin Ids(completed) ELSE FALSE

\* WR w is complete, or its QP was destroyed.
Settled(w) ==
    \/ w \in Ids(completed)
    \/ IF w <= Len(posted) /\ posted[w].qp \in QPs
          THEN qpState[posted[w].qp] = "DESTROYED" ELSE FALSE

InErr(w) ==
    IF w <= Len(posted) /\ posted[w].qp \in QPs THEN qpState[posted[w].qp] = "ERR" ELSE FALSE

\* Every send WR posted to a QP that is not destroyed eventually completes.
SendWrsComplete == \A w \in WrIds : Pending(w, "send") ~> Settled(w)

\* Every receive WR of a QP's own RQ completes once the QP is in ERR (flush).
RecvWrsFlushed == \A w \in WrIds : (Pending(w, "recv") /\ InErr(w)) ~> Settled(w)

THEOREM Spec => [](TypeOK /\ CompleteAtMostOnce /\ SendCompletionOrder
                          /\ FlushInOrderAfterErr /\ CqWithinDepth)
THEOREM Spec => SendWrsComplete /\ RecvWrsFlushed
=============================================================================
