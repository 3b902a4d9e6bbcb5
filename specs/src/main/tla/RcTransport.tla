----------------------------- MODULE RcTransport -----------------------------
(***************************************************************************)
(* The Reliable Connection transport between one requester and one         *)
(* responder: send requests, ACK / NAK / RNR NAK, retries and timeouts.   *)
(*                                                                         *)
(* Modelled:                                                               *)
(*  - the requester (IBA 9.7.4; drivers/infiniband/sw/rxe/rxe_req.c):      *)
(*    one single-packet SEND per WR, PSNs modulo PsnMod (2^24 on the wire,  *)
(*    IBA 9.7.1), at most Window requests outstanding, go-back-N           *)
(*    retransmission;                                                      *)
(*  - the completer (IBA 9.7.5.2, 9.7.6; rxe_comp.c): coalesced ACKs, the  *)
(*    sequence error NAK, the RNR NAK, the local ACK timeout, the retry    *)
(*    and RNR retry counters, RETRY_EXC_ERR and RNR_RETRY_EXC_ERR, then    *)
(*    WR_FLUSH_ERR for the WRs behind the failed one (IBA 10.3.1);         *)
(*  - the responder (IBA 9.7.5.1; rxe_resp.c): the expected PSN, duplicate *)
(*    detection over the half of the PSN space behind it (IBA 9.7.5.1.2),  *)
(*    one NAK per sequence error (IBA 9.7.5.1.1), RNR NAK when no receive  *)
(*    WR is posted (IBA 9.7.5.2.8);                                        *)
(*  - two channels, one per direction, that lose and duplicate packets but *)
(*    never reorder them (IBA 9.7.1: a path delivers in order).            *)
(*                                                                         *)
(* Left out: multi-packet messages, RDMA READ and atomics (no responder    *)
(* resources), payloads and keys, the RNR timer value (a retry after an   *)
(* RNR NAK is a later transmission), the "infinite" RNR retry count 7, and *)
(* packet lifetime.  The local ACK timer may fire whenever a request is    *)
(* outstanding, as a slow path can delay any ACK.  Packets carry the WR index *)
(* as a ghost field (wr) so that properties can speak about WRs; the       *)
(* protocol itself looks at PSNs only.                                     *)
(***************************************************************************)
EXTENDS Naturals, Sequences

CONSTANTS
    NumWr,        \* the send WRs the requester's user posts
    PsnMod,       \* the PSN modulus (2^24 in IBA; small here)
    StartPsn,     \* the first PSN (IB_QP_SQ_PSN = IB_QP_RQ_PSN of the peer)
    Window,       \* the most requests outstanding at once
    MaxRetry,     \* IB_QP_RETRY_CNT
    MaxRnrRetry,  \* IB_QP_RNR_RETRY; 7 means "retry forever" (IBA 9.7.5.2.8)
    ChanCap       \* the most packets a channel holds

ASSUME /\ NumWr \in Nat \ {0}
       /\ PsnMod \in Nat /\ PsnMod >= 2
       /\ StartPsn \in 0..PsnMod - 1
       /\ Window \in 1..PsnMod
       /\ MaxRetry \in Nat /\ MaxRnrRetry \in 0..7
       /\ ChanCap \in Nat \ {0}

\* Half of the PSN space; a correct requester keeps Window within it.
Half == PsnMod \div 2

Psn(i) == (StartPsn + i - 1) % PsnMod

Statuses == {"SUCCESS", "RETRY_EXC_ERR", "RNR_RETRY_EXC_ERR", "WR_FLUSH_ERR"}
Request == [psn : 0..PsnMod - 1, wr : 1..NumWr]
Response == [type : {"ACK", "NAK_SEQ", "RNR_NAK"}, psn : 0..PsnMod - 1, wr : 0..NumWr]

VARIABLES
    sendNext,     \* requester: the index of the next WR to transmit
    sentMax,      \* requester: one past the highest WR index transmitted
    retry,        \* completer: transport retries left
    rnrRetry,     \* completer: RNR retries left
    startedRetry, \* completer: a go-back is under way (rxe comp.started_retry)
    compl,        \* completer: compl[i] is the completion status of WR i, in order
    reqChan,      \* requests in flight, oldest first
    ackChan,      \* responses in flight, oldest first
    ePsn,         \* responder: the expected PSN
    nakSent,      \* responder: the current sequence error has been NAKed
    recvPosted,   \* responder: receive WRs its user has posted
    executed      \* responder: the WR indices executed, in order (history)

vars == <<sendNext, sentMax, retry, rnrRetry, startedRetry, compl, reqChan, ackChan,
          ePsn, nakSent, recvPosted, executed>>

\* The oldest WR not yet completed.
Una == Len(compl) + 1

\* The QP is in ERR once a WR failed.
Failed == \E i \in DOMAIN compl : compl[i] # "SUCCESS"

Max(a, b) == IF a > b THEN a ELSE b

\* <<s, s, ..., s>>, n times.
Repeat(s, n) == [i \in 1..n |-> s]

TypeOK ==
    /\ sendNext \in 1..NumWr + 1
    /\ sentMax \in 1..NumWr + 1
    /\ retry \in 0..MaxRetry
    /\ rnrRetry \in 0..MaxRnrRetry
    /\ startedRetry \in BOOLEAN
    /\ compl \in Seq(Statuses) /\ Len(compl) <= NumWr
    /\ reqChan \in Seq(Request) /\ Len(reqChan) <= ChanCap
    /\ ackChan \in Seq(Response) /\ Len(ackChan) <= ChanCap
    /\ ePsn \in 0..PsnMod - 1
    /\ nakSent \in BOOLEAN
    /\ recvPosted \in 0..NumWr
    /\ executed \in Seq(1..NumWr)

Init ==
    /\ sendNext = 1
    /\ sentMax = 1
    /\ retry = MaxRetry
    /\ rnrRetry = MaxRnrRetry
    /\ startedRetry = FALSE
    /\ compl = <<>>
    /\ reqChan = <<>>
    /\ ackChan = <<>>
    /\ ePsn = StartPsn
    /\ nakSent = FALSE
    /\ recvPosted = 0
    /\ executed = <<>>

-----------------------------------------------------------------------------
(* Requester (rxe_req.c)                                                   *)

\* Transmit the next request, within the window.
ReqSend ==
    /\ ~Failed
    /\ sendNext <= NumWr
    /\ sendNext < Una + Window
    /\ Len(reqChan) < ChanCap
    /\ reqChan' = Append(reqChan, [psn |-> Psn(sendNext), wr |-> sendNext])
    /\ sendNext' = sendNext + 1
    /\ sentMax' = Max(sentMax, sendNext + 1)
    /\ UNCHANGED <<retry, rnrRetry, startedRetry, compl, ackChan, ePsn, nakSent, recvPosted, executed>>

-----------------------------------------------------------------------------
(* Completer (rxe_comp.c)                                                  *)

\* A response PSN names an outstanding WR: one of Una .. sentMax - 1.
Matches(a) == \E k \in Una..sentMax - 1 : Psn(k) = a
PsnToIndex(a) == CHOOSE k \in Una..sentMax - 1 : Psn(k) = a

\* The last WR an ACK for PSN a completes: ACKs are cumulative (IBA 9.7.5.1.3).
AckIndex(a) == PsnToIndex(a)

\* The counter after a retry.
RetryLeft(r) == r - 1

\* rnr_retry 7 is never spent (rxe_comp.c COMPST_RNR_RETRY, qib_rc.c do_rc_ack: the counter
\* goes down only below 7).
RnrForever == MaxRnrRetry = 7

\* An ACK completes every WR up to the one it names, and resets the counters.
CompAck(m) ==
    LET k == AckIndex(m.psn)
    IN /\ compl' = compl \o Repeat("SUCCESS", k - Una + 1)
       /\ sendNext' = Max(sendNext, k + 1)
       /\ retry' = MaxRetry
       /\ rnrRetry' = MaxRnrRetry
       /\ startedRetry' = FALSE

(***************************************************************************)
(* A NAK (sequence error or RNR) names the first WR the responder did not  *)
(* execute: the ones before it are implicitly ACKed, and it is resent if   *)
(* the counter allows, else it fails with err and the QP goes to ERR.      *)
(* Progress before the NAK resets both counters and ends a retry under way *)
(* first, as an ACK does (rxe_comp.c check_psn: a WR completed by a later  *)
(* response calls reset_retry_counters), then the NAK's own counter counts *)
(* this retry.  A sequence error NAK while a go-back is under way and      *)
(* nothing progressed starts no other (rxe_comp.c COMPST_ERROR_RETRY:      *)
(* started_retry); only the ACK timer does then.  An RNR NAK always waits  *)
(* and resends.                                                            *)
(***************************************************************************)
CompNak(m, counter, max, err) ==
    LET k == PsnToIndex(m.psn)
        acked == compl \o Repeat("SUCCESS", k - Una)
        progress == k > Una
        left == IF progress THEN max ELSE counter
        seq == err = "RETRY_EXC_ERR"
        forever == ~seq /\ RnrForever
    IN IF seq /\ startedRetry /\ ~progress
          THEN UNCHANGED <<compl, sendNext, retry, rnrRetry, startedRetry>>
       ELSE IF left > 0 \/ forever
          THEN /\ compl' = acked
               /\ sendNext' = k
               /\ startedRetry' = (seq \/ (startedRetry /\ ~progress))
               /\ IF seq
                     THEN /\ retry' = RetryLeft(left)
                          /\ rnrRetry' = IF progress THEN MaxRnrRetry ELSE rnrRetry
                     ELSE /\ rnrRetry' = IF forever THEN MaxRnrRetry ELSE RetryLeft(left)
                          /\ retry' = IF progress THEN MaxRetry ELSE retry
          ELSE /\ compl' = Append(acked, err)
               /\ UNCHANGED <<sendNext, retry, rnrRetry, startedRetry>>

\* Take the oldest response; one naming no outstanding WR (a stale
\* duplicate) or arriving after the QP failed is dropped.
CompRecv ==
    /\ ackChan # <<>>
    /\ ackChan' = Tail(ackChan)
    /\ LET m == Head(ackChan)
       IN IF Failed \/ ~Matches(m.psn)
             THEN UNCHANGED <<sendNext, retry, rnrRetry, startedRetry, compl>>
          ELSE IF m.type = "ACK" THEN CompAck(m)
          ELSE IF m.type = "NAK_SEQ" THEN CompNak(m, retry, MaxRetry, "RETRY_EXC_ERR")
          ELSE CompNak(m, rnrRetry, MaxRnrRetry, "RNR_RETRY_EXC_ERR")
    /\ UNCHANGED <<sentMax, reqChan, ePsn, nakSent, recvPosted, executed>>

\* The local ACK timeout (IBA 9.7.6.1.1): go back to the oldest unacknowledged WR,
\* whether a go-back is under way or not, and that is one now.
CompTimeout ==
    /\ ~Failed
    /\ Una < sendNext
    /\ IF retry > 0
          THEN /\ retry' = RetryLeft(retry)
               /\ sendNext' = Una
               /\ startedRetry' = TRUE
               /\ UNCHANGED compl
          ELSE /\ compl' = Append(compl, "RETRY_EXC_ERR")
               /\ UNCHANGED <<retry, sendNext, startedRetry>>
    /\ UNCHANGED <<sentMax, rnrRetry, reqChan, ackChan, ePsn, nakSent, recvPosted, executed>>

\* In ERR the remaining WRs complete with WR_FLUSH_ERR, in order.
CompFlush ==
    /\ Failed
    /\ Len(compl) < NumWr
    /\ compl' = Append(compl, "WR_FLUSH_ERR")
    /\ UNCHANGED <<sendNext, sentMax, retry, rnrRetry, startedRetry, reqChan, ackChan, ePsn,
                   nakSent, recvPosted, executed>>

-----------------------------------------------------------------------------
(* Responder (rxe_resp.c)                                                  *)

\* A PSN in the half of the space behind ePsn is a duplicate (IBA 9.7.5.1.2).
IsDuplicate(p) == ((ePsn - p) % PsnMod) \in 1..Half

\* The request the responder executes: the expected one.
Accepts(p) == p = ePsn

\* Queue a response unless the channel is full (then it is lost).
Reply(m) == ackChan' = IF Len(ackChan) < ChanCap THEN Append(ackChan, m) ELSE ackChan

RespRecv ==
    /\ reqChan # <<>>
    /\ reqChan' = Tail(reqChan)
    /\ LET r == Head(reqChan)
       IN IF Accepts(r.psn)
             THEN IF recvPosted > Len(executed)
                     THEN /\ executed' = Append(executed, r.wr)
                          /\ ePsn' = (ePsn + 1) % PsnMod
                          /\ nakSent' = FALSE
                          /\ Reply([type |-> "ACK", psn |-> r.psn, wr |-> r.wr])
                     \* An RNR NAK may hold back the sequence NAK of the requests behind it, as
                     \* hfi1 and qib do (it sets r_nak_state); rxe NAKs the first of them.
                     ELSE /\ Reply([type |-> "RNR_NAK", psn |-> r.psn, wr |-> r.wr])
                          /\ nakSent' \in {nakSent, TRUE}
                          /\ UNCHANGED <<executed, ePsn>>
          ELSE IF IsDuplicate(r.psn)
             \* re-ACK the latest executed request (rxe_resp.c duplicate_request)
             THEN /\ Reply([type |-> "ACK", psn |-> (ePsn + PsnMod - 1) % PsnMod,
                            wr |-> Len(executed)])
                  /\ UNCHANGED <<executed, ePsn, nakSent>>
          ELSE IF ~nakSent
             THEN /\ Reply([type |-> "NAK_SEQ", psn |-> ePsn, wr |-> Len(executed) + 1])
                  /\ nakSent' = TRUE
                  /\ UNCHANGED <<executed, ePsn>>
          ELSE UNCHANGED <<ackChan, executed, ePsn, nakSent>>
    /\ UNCHANGED <<sendNext, sentMax, retry, rnrRetry, startedRetry, compl, recvPosted>>

\* The responder's user posts a receive WR; it need not.
RespPostRecv ==
    /\ recvPosted < NumWr
    /\ recvPosted' = recvPosted + 1
    /\ UNCHANGED <<sendNext, sentMax, retry, rnrRetry, startedRetry, compl, reqChan, ackChan,
                   ePsn, nakSent, executed>>

-----------------------------------------------------------------------------
(* The channels: loss and duplication, never reordering.                   *)

Remove(s, i) == [j \in 1..Len(s) - 1 |-> IF j < i THEN s[j] ELSE s[j + 1]]
Double(s, i) == SubSeq(s, 1, i) \o <<s[i]>> \o SubSeq(s, i + 1, Len(s))

ChanLoseReq ==
    /\ \E i \in DOMAIN reqChan : reqChan' = Remove(reqChan, i)
    /\ UNCHANGED <<sendNext, sentMax, retry, rnrRetry, startedRetry, compl, ackChan, ePsn,
                   nakSent, recvPosted, executed>>

ChanLoseAck ==
    /\ \E i \in DOMAIN ackChan : ackChan' = Remove(ackChan, i)
    /\ UNCHANGED <<sendNext, sentMax, retry, rnrRetry, startedRetry, compl, reqChan, ePsn,
                   nakSent, recvPosted, executed>>

ChanDupReq ==
    /\ Len(reqChan) < ChanCap
    /\ \E i \in DOMAIN reqChan : reqChan' = Double(reqChan, i)
    /\ UNCHANGED <<sendNext, sentMax, retry, rnrRetry, startedRetry, compl, ackChan, ePsn,
                   nakSent, recvPosted, executed>>

ChanDupAck ==
    /\ Len(ackChan) < ChanCap
    /\ \E i \in DOMAIN ackChan : ackChan' = Double(ackChan, i)
    /\ UNCHANGED <<sendNext, sentMax, retry, rnrRetry, startedRetry, compl, reqChan, ePsn,
                   nakSent, recvPosted, executed>>

Next ==
    \/ ReqSend
    \/ CompRecv \/ CompTimeout \/ CompFlush
    \/ RespRecv \/ RespPostRecv
    \/ ChanLoseReq \/ ChanLoseAck \/ ChanDupReq \/ ChanDupAck

(***************************************************************************)
(* Fairness on the requester and on delivery only; loss, duplication and   *)
(* the responder's user are unconstrained.  Transmission is strongly fair: *)
(* duplicates may fill the channel again and again, and the requester      *)
(* still gets a slot.                                                      *)
(***************************************************************************)
Fairness ==
    /\ SF_vars(ReqSend)
    /\ WF_vars(CompRecv)
    /\ WF_vars(CompTimeout)
    /\ WF_vars(CompFlush)
    /\ WF_vars(RespRecv)

Spec == Init /\ [][Next]_vars /\ Fairness

-----------------------------------------------------------------------------
\* The responder executes each request exactly once, in order.
ExactlyOnceInOrder == executed = [i \in 1..Len(executed) |-> i]

(***************************************************************************)
(* An ACK for PSN p means every request up to p was executed: every ACK    *)
(* in flight names an executed request, and every WR the completer counts  *)
(* as a success was executed.                                              *)
(***************************************************************************)
AckMeansExecuted ==
    /\ \A i \in DOMAIN ackChan :
          ackChan[i].type = "ACK" => ackChan[i].wr <= Len(executed)
    /\ \A i \in DOMAIN compl : compl[i] = "SUCCESS" => i <= Len(executed)

\* After the first error every later WR is flushed.
ErrorThenFlush ==
    \A i, j \in DOMAIN compl :
        i < j /\ compl[i] # "SUCCESS" => compl[j] = "WR_FLUSH_ERR"

\* Every WR eventually completes: with success, with RETRY_EXC_ERR or
\* RNR_RETRY_EXC_ERR, or flushed behind the one that failed.
AllWrsComplete == <>(Len(compl) = NumWr)

THEOREM Spec => [](TypeOK /\ ExactlyOnceInOrder /\ AckMeansExecuted /\ ErrorThenFlush)
THEOREM Spec => AllWrsComplete
=============================================================================
