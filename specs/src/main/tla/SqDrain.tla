------------------------------- MODULE SqDrain -------------------------------
(***************************************************************************)
(* The send queue of one QP taken from RTS to SQD and back, as the         *)
(* simulated HCA does it (docs/HCA.md §3.3, §4.5; IBA 10.3.1, the SQ Drain *)
(* state; drivers/infiniband/sw/rxe/rxe_qp.c rxe_qp_chk_attr and           *)
(* rxe_qp_drain, which the device follows; mlx4's SQ_DRAINED event,        *)
(* IB_EVENT_SQ_DRAINED).                                                   *)
(*                                                                         *)
(* Modelled:                                                               *)
(*  - WQEs posted wait in the send queue; in RTS the device begins them in *)
(*    order, each under the QP's attributes of the moment (its path,       *)
(*    timeout, retry counts: one version number here), and completes the   *)
(*    ones it has begun in order;                                          *)
(*  - RTS2SQD, with or without the SQ_DRAINED event asked for: no WQE      *)
(*    begins in SQD, the ones begun go on to complete, and the event is    *)
(*    posted once the last of them completes, or at once if none was       *)
(*    begun;                                                               *)
(*  - SQD2SQD and SQD2RTS, which may change the attributes, only once the  *)
(*    send queue has drained; 2ERR at any moment, flushing the queue and   *)
(*    cancelling an event not yet posted.                                  *)
(*                                                                         *)
(* Left out: the receive queue, the transport (a WQE in progress is one    *)
(* step from complete; RcTransport.tla has the packets, retries and ACKs), *)
(* RESET (2RST is 2ERR's flush without the CQEs here), the states' other   *)
(* rules (QpStateMachine.tla) and which attributes change (a version       *)
(* number stands for all of them).                                         *)
(***************************************************************************)
EXTENDS Naturals, Sequences

CONSTANTS
    MaxWqe,     \* WQEs posted in a behaviour
    MaxEntries, \* entries to SQD in a behaviour
    MaxAttr     \* attribute changes in a behaviour

ASSUME MaxWqe \in Nat /\ MaxEntries \in Nat /\ MaxAttr \in Nat

VARIABLES
    state,      \* "RTS", "SQD" or "ERR"
    waiting,    \* WQEs posted and not begun
    inFlight,   \* the WQEs begun and not completed, oldest first: the attribute version each began under
    attr,       \* the QP's attribute version
    asked,      \* at this entry to SQD the event was asked for, and it is not posted yet
    events,     \* SQ_DRAINED events posted since this entry to SQD
    posts,      \* WQEs posted so far
    entries     \* entries to SQD so far

vars == <<state, waiting, inFlight, attr, asked, events, posts, entries>>

TypeOK ==
    /\ state \in {"RTS", "SQD", "ERR"}
    /\ waiting \in 0..MaxWqe
    /\ inFlight \in Seq(0..MaxAttr)
    /\ attr \in 0..MaxAttr
    /\ asked \in BOOLEAN
    /\ events \in Nat
    /\ posts \in 0..MaxWqe
    /\ entries \in 0..MaxEntries

Drained == inFlight = <<>>

(***************************************************************************)
(* The device's rules, each a definition the mutants in src/test/tla       *)
(* replace.                                                                *)
(***************************************************************************)
\* §3.3: SQD2SQD and SQD2RTS are refused (BAD_QP_STATE) while the queue drains.
MayLeaveSqd == Drained

\* §4.5: WQEs begin only in RTS.
MayBegin == state = "RTS"

\* §4.5: asked for at RTS2SQD, the event comes at once only if nothing is in progress.
EventAtEntry(notify) == notify /\ Drained

\* §4.5: the completion of the last WQE in progress posts the event asked for.
EventAtLastCompletion == TRUE

Init ==
    /\ state = "RTS"
    /\ waiting = 0
    /\ inFlight = <<>>
    /\ attr = 0
    /\ asked = FALSE
    /\ events = 0
    /\ posts = 0
    /\ entries = 0

\* ib_post_send: in every state but ERR here (in ERR it would flush at once, a WorkQueues matter).
Post ==
    /\ state # "ERR"
    /\ posts < MaxWqe
    /\ posts' = posts + 1
    /\ waiting' = waiting + 1
    /\ UNCHANGED <<state, inFlight, attr, asked, events, entries>>

\* The requester fetches the oldest waiting WQE and sends its first packet.
Begin ==
    /\ MayBegin
    /\ state # "ERR"
    /\ waiting > 0
    /\ waiting' = waiting - 1
    /\ inFlight' = Append(inFlight, attr)
    /\ UNCHANGED <<state, attr, asked, events, posts, entries>>

\* The oldest WQE in progress is acknowledged and completes (its CQE), perhaps the last one SQD waits for.
Complete ==
    /\ state # "ERR"
    /\ inFlight # <<>>
    /\ inFlight' = Tail(inFlight)
    /\ IF state = "SQD" /\ asked /\ Len(inFlight) = 1 /\ EventAtLastCompletion
          THEN /\ events' = events + 1
               /\ asked' = FALSE
          ELSE UNCHANGED <<events, asked>>
    /\ UNCHANGED <<state, waiting, attr, posts, entries>>

\* RTS2SQD_QP, with opcode modifier bit 0 (en_sqd_async_notify) or without.
ToSqd(notify) ==
    /\ state = "RTS"
    /\ entries < MaxEntries
    /\ state' = "SQD"
    /\ entries' = entries + 1
    /\ events' = IF EventAtEntry(notify) THEN 1 ELSE 0
    /\ asked' = (notify /\ ~EventAtEntry(notify))
    /\ UNCHANGED <<waiting, inFlight, attr, posts>>

\* SQD2SQD_QP or SQD2RTS_QP, changing the attributes or not.
LeaveSqd(to, change) ==
    /\ state = "SQD"
    /\ MayLeaveSqd
    /\ change => attr < MaxAttr
    /\ state' = to
    /\ attr' = IF change THEN attr + 1 ELSE attr
    /\ asked' = (asked /\ to = "SQD")
    /\ UNCHANGED <<waiting, inFlight, events, posts, entries>>

\* 2ERR_QP: every WQE flushed, an event not yet posted cancelled.
ToErr ==
    /\ state # "ERR"
    /\ state' = "ERR"
    /\ waiting' = 0
    /\ inFlight' = <<>>
    /\ asked' = FALSE
    /\ UNCHANGED <<attr, events, posts, entries>>

Next ==
    \/ Post
    \/ Begin
    \/ Complete
    \/ \E notify \in BOOLEAN : ToSqd(notify)
    \/ \E to \in {"SQD", "RTS"}, change \in BOOLEAN : LeaveSqd(to, change)
    \/ ToErr

\* The transport finishes what it has begun (RcTransport.tla shows how, retries included).
Spec == Init /\ [][Next]_vars /\ WF_vars(Complete)

-----------------------------------------------------------------------------
(***************************************************************************)
(* Properties.                                                             *)
(***************************************************************************)
\* No message in flight meets attributes changed under it: what refusing SQD2SQD and SQD2RTS
\* while draining is for.
InFlightUnderCurrentAttrs == \A i \in 1..Len(inFlight) : inFlight[i] = attr

\* SQ_DRAINED tells the truth: in SQD after it, nothing is in progress.
EventOnlyWhenDrained == (state = "SQD" /\ events > 0) => Drained

\* At most one SQ_DRAINED per entry to SQD.
DrainedOnce == events <= 1

\* An event asked for comes, unless the QP leaves SQD first.
DrainReported == (state = "SQD" /\ asked) ~> (events = 1 \/ state # "SQD")
=============================================================================
