-------------------- MODULE MCUverbsDisassociateMutants --------------------
(***************************************************************************)
(* Broken variants of UverbsDisassociate, substituted by the mutant cfgs.  *)
(***************************************************************************)
EXTENDS MCUverbsDisassociate

\* Removal does not wait for the commands already inside their SRCU read sections: one makes
\* its object while, or after, the files are destroyed. Violates NoCommandDuringDestroy.
MutNoSynchronize == TRUE

\* A command does not look for the device: one begins after removal has cleared it.
\* Violates NoCommandDuringDestroy.
MutNoDeviceCheck == TRUE

\* Removal frees the handles but leaves the objects on the device. Violates NoObjectAfterRemoval.
MutKeepHw(f) == hw
=============================================================================
