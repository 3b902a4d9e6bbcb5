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
=============================================================================
