-------------------------- MODULE MCSqDrainMutants --------------------------
(***************************************************************************)
(* Broken variants of SqDrain, substituted by the mutant cfgs.             *)
(***************************************************************************)
EXTENDS MCSqDrain

\* SQD2SQD and SQD2RTS taken while WQEs are in progress (the device before it refused them):
\* a WQE begun under the old path or timeout goes on under the new one. Violates
\* InFlightUnderCurrentAttrs.
MutLeaveWhileDraining == TRUE

\* The requester begins waiting WQEs in SQD too: after SQ_DRAINED something is in progress
\* again. Violates EventOnlyWhenDrained.
MutBeginInSqd == state # "ERR"

\* The completion of the last WQE in progress forgets the event asked for: it never comes.
\* Violates DrainReported.
MutNoEventAtLastCompletion == FALSE

\* SQD2SQD starts the drain of RTS2SQD again (a drain begun whenever the new state is SQD,
\* without checking that the QP is in SQD already): the queue being drained, the SQ_DRAINED
\* this entry has posted is posted a second time. Violates DrainedOnce.
MutLeaveSqdRedrains(to, change) ==
    /\ state = "SQD"
    /\ MayLeaveSqd
    /\ change => attr < MaxAttr
    /\ state' = to
    /\ attr' = IF change THEN attr + 1 ELSE attr
    /\ asked' = (asked /\ to = "SQD")
    /\ events' = IF to = "SQD" /\ events > 0 THEN events + 1 ELSE events
    /\ UNCHANGED <<waiting, inFlight, posts, entries>>
=============================================================================
