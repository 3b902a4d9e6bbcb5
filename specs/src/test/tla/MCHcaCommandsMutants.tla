----------------------- MODULE MCHcaCommandsMutants -----------------------
(***************************************************************************)
(* Broken variants of HcaCommands, substituted by the mutant cfgs.         *)
(***************************************************************************)
EXTENDS MCHcaCommands

\* A wait with no timeout: a command the hung firmware holds never returns (the model's Cmd
\* before command timeouts). Violates EveryCommandReturns.
MutNoTimeout == FALSE

\* A timeout that only returns an errno (mthca_cmd_wait's -EBUSY), without the reset flow: the
\* hung firmware is never reset. Violates RecoversFromAHang.
MutNoResetFlow == FALSE

\* The error state does not answer commands itself: one reaches the device between the
\* timeout and the reset. Violates NoPostInErrorState.
MutPostInErrorState == FALSE

\* A catastrophic error that leaves the device as it is (mthca's catas_reset_disable): firmware
\* that hung under a command the error woke is never reset. Violates RecoversFromAHang.
MutNoCatasReset == FALSE
=============================================================================
