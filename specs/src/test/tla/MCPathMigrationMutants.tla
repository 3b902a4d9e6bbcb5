----------------------- MODULE MCPathMigrationMutants -----------------------
(***************************************************************************)
(* Broken variants of PathMigration, substituted by the mutant cfg files.  *)
(***************************************************************************)
EXTENDS MCPathMigration

\* No SLID and port check on the primary path: a QP in REARM arms on a packet its peer sent on
\* the path the QP has just migrated away from. Violates ArmedPeerCanFollow.
MutAnyPath(q, k) == TRUE

\* A QP in REARM migrates when its retries run out, as if armed. Violates MigratedAgree.
MutMigratesWhenRearmed(s) == s \in {"ARMED", "REARM"}
=============================================================================
