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

\* Closing a file frees its handles without destroying its objects (release skips
\* uverbs_destroy_ufile_hw): what a process leaves when it exits stays on the device, named by
\* no handle. Violates NoLeak.
MutCloseKeepsHw(f) ==
    /\ ~closed[f] /\ cmd[f] = "idle"
    /\ closed' = [closed EXCEPT ![f] = TRUE]
    /\ handle' = [handle EXCEPT ![f] = [h \in Handles |-> "free"]]
    /\ UNCHANGED <<devUp, phase, cmd, pending, hw, destroyed, made>>

\* Removal's cleanup of a file stops after its first object, where it should go on until the
\* file has none: the others stay on the device while their handles become remnants. Violates
\* RemnantsEmpty (and NoLeak in the same state, so the cfg checks RemnantsEmpty alone).
MutDestroyFirstHw(f) ==
    IF \E h \in Handles : <<f, h>> \in hw
       THEN hw \ {<<f, CHOOSE h \in Handles : <<f, h>> \in hw>>}
       ELSE hw
=============================================================================
