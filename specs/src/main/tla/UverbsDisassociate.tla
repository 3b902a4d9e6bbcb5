-------------------------- MODULE UverbsDisassociate --------------------------
(***************************************************************************)
(* A device removed from under open uverbs files (a hot unplug, or the     *)
(* HCA driver restarting after a catastrophic error), against commands     *)
(* that create and destroy objects in those files at the same time.        *)
(*                                                                         *)
(* Modelled (drivers/infiniband/core/uverbs_main.c ib_uverbs_remove_one,   *)
(* ib_uverbs_free_hw_resources; rdma_core.c rdma_alloc_begin_uobject,      *)
(* rdma_alloc_commit_uobject, uverbs_destroy_ufile_hw, uobj_destroy;       *)
(* uverbs_uapi.c uverbs_disassociate_api_pre):                             *)
(*  - a create command runs inside an SRCU read section: it finds the      *)
(*    ib_device (else -EIO), takes the file's hw_destroy_rwsem for read    *)
(*    (a trylock: -EIO while the file's objects are being destroyed), has  *)
(*    the driver make the object, then commits it under a new handle and   *)
(*    lets go of both;                                                     *)
(*  - removal clears the device pointer, waits for every SRCU read section *)
(*    begun before (synchronize_srcu), then destroys each open file's      *)
(*    objects with the rwsem held for write, leaving their handles as      *)
(*    remnants (RDMA_REMOVE_DRIVER_REMOVE);                                *)
(*  - a destroy command frees a live object (the driver destroys it) or a  *)
(*    remnant (only the handle); closing a file destroys what it has.      *)
(*                                                                         *)
(* Left out: the async event file, the objects' dependencies (a PD under   *)
(* an MR), other commands (they look objects up and get -EIO like create), *)
(* and the driver's own teardown after removal.                            *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets

CONSTANTS
    Files,      \* the open uverbs files
    MaxObjs     \* objects each file's process tries to create

Handles == 1..MaxObjs
Cmds == {"idle", "begun", "made"}
Phases == {"none", "sync", "destroy", "done"}
Statuses == {"free", "live", "remnant"}

VARIABLES
    devUp,      \* uverbs_dev->ib_dev is set: removal has not begun
    phase,      \* removal: none, waiting for SRCU readers, destroying files, done
    cmd,        \* cmd[f]: the create command f's process has in flight
    pending,    \* pending[f]: the handle that command will commit
    handle,     \* handle[f][h]: free, live, or a remnant of removal
    hw,         \* the objects the driver has made on the device: <<file, handle>> pairs
    destroyed,  \* destroyed[f]: removal destroyed f's objects
    closed,     \* closed[f]: f's process closed it
    made        \* made[f]: objects f's process has created

vars == <<devUp, phase, cmd, pending, handle, hw, destroyed, closed, made>>

TypeOK ==
    /\ devUp \in BOOLEAN
    /\ phase \in Phases
    /\ cmd \in [Files -> Cmds]
    /\ pending \in [Files -> Handles]
    /\ handle \in [Files -> [Handles -> Statuses]]
    /\ hw \subseteq Files \X Handles
    /\ destroyed \in [Files -> BOOLEAN]
    /\ closed \in [Files -> BOOLEAN]
    /\ made \in [Files -> 0..MaxObjs]

Init ==
    /\ devUp = TRUE
    /\ phase = "none"
    /\ cmd = [f \in Files |-> "idle"]
    /\ pending = [f \in Files |-> 1]
    /\ handle = [f \in Files |-> [h \in Handles |-> "free"]]
    /\ hw = {}
    /\ destroyed = [f \in Files |-> FALSE]
    /\ closed = [f \in Files |-> FALSE]
    /\ made = [f \in Files |-> 0]

(* The checks a mutant replaces. *)
\* ib_uverbs_get_ucontext_file: -EIO once the device pointer is cleared.
DeviceFound == devUp
\* synchronize_srcu: every read section begun before the pointer was cleared has ended.
ReadersGone == \A f \in Files : cmd[f] = "idle"
\* uverbs_destroy_ufile_hw: the file's objects go with the device.
DestroyHw(f) == hw \ ({f} \X Handles)

(* A create command: SRCU read section and hw_destroy_rwsem read, object, commit. *)
BeginCreate(f) ==
    /\ ~closed[f] /\ cmd[f] = "idle" /\ made[f] < MaxObjs
    /\ DeviceFound
    /\ ~destroyed[f]                    \* down_read_trylock: not once destroyed (nor during)
    /\ \E h \in Handles : handle[f][h] = "free"
    /\ pending' = [pending EXCEPT ![f] = CHOOSE h \in Handles : handle[f][h] = "free"]
    /\ cmd' = [cmd EXCEPT ![f] = "begun"]
    /\ made' = [made EXCEPT ![f] = made[f] + 1]
    /\ UNCHANGED <<devUp, phase, handle, hw, destroyed, closed>>

DriverCreate(f) ==
    /\ cmd[f] = "begun"
    /\ hw' = hw \cup {<<f, pending[f]>>}
    /\ cmd' = [cmd EXCEPT ![f] = "made"]
    /\ UNCHANGED <<devUp, phase, pending, handle, destroyed, closed, made>>

Commit(f) ==
    /\ cmd[f] = "made"
    /\ handle' = [handle EXCEPT ![f][pending[f]] = "live"]
    /\ cmd' = [cmd EXCEPT ![f] = "idle"]
    /\ UNCHANGED <<devUp, phase, pending, hw, destroyed, closed, made>>

(* A destroy command (uobj_destroy: no -EIO for destroys, the rwsem taken for read). *)
Destroy(f, h) ==
    /\ ~closed[f] /\ cmd[f] = "idle"
    /\ handle[f][h] \in {"live", "remnant"}
    /\ handle' = [handle EXCEPT ![f][h] = "free"]
    /\ hw' = hw \ {<<f, h>>}
    /\ UNCHANGED <<devUp, phase, cmd, pending, destroyed, closed, made>>

Close(f) ==
    /\ ~closed[f] /\ cmd[f] = "idle"
    /\ closed' = [closed EXCEPT ![f] = TRUE]
    /\ handle' = [handle EXCEPT ![f] = [h \in Handles |-> "free"]]
    /\ hw' = hw \ ({f} \X Handles)
    /\ UNCHANGED <<devUp, phase, cmd, pending, destroyed, made>>

(* Removal: ib_uverbs_remove_one with a driver that has disassociate_ucontext. *)
ClearDevice ==
    /\ phase = "none"
    /\ devUp' = FALSE
    /\ phase' = "sync"
    /\ UNCHANGED <<cmd, pending, handle, hw, destroyed, closed, made>>

Synchronized ==
    /\ phase = "sync" /\ ReadersGone
    /\ phase' = "destroy"
    /\ UNCHANGED <<devUp, cmd, pending, handle, hw, destroyed, closed, made>>

DestroyFile(f) ==
    /\ phase = "destroy" /\ ~destroyed[f] /\ ~closed[f]
    /\ cmd[f] = "idle"                  \* down_write: no command of the file holds it for read
    /\ destroyed' = [destroyed EXCEPT ![f] = TRUE]
    /\ handle' = [handle EXCEPT ![f] = [h \in Handles |->
                    IF handle[f][h] = "live" THEN "remnant" ELSE handle[f][h]]]
    /\ hw' = DestroyHw(f)
    /\ UNCHANGED <<devUp, phase, cmd, pending, closed, made>>

Removed ==
    /\ phase = "destroy" /\ \A f \in Files : destroyed[f] \/ closed[f]
    /\ phase' = "done"
    /\ UNCHANGED <<devUp, cmd, pending, handle, hw, destroyed, closed, made>>

Next ==
    \/ \E f \in Files : BeginCreate(f) \/ DriverCreate(f) \/ Commit(f) \/ Close(f) \/ DestroyFile(f)
    \/ \E f \in Files, h \in Handles : Destroy(f, h)
    \/ ClearDevice \/ Synchronized \/ Removed

Spec == Init /\ [][Next]_vars

(* Nothing of a removed device outlives its removal. *)
NoObjectAfterRemoval == phase = "done" => hw = {}

(* The device is not touched once removal destroys files: no command is half done then. *)
NoCommandDuringDestroy == phase \in {"destroy", "done"} => \A f \in Files : cmd[f] = "idle"

(* Every object on the device has a live handle, or is the one a command is committing. *)
NoLeak == \A p \in hw : handle[p[1]][p[2]] = "live" \/ (cmd[p[1]] = "made" /\ pending[p[1]] = p[2])

(* A remnant names no object: destroying it frees only the handle. *)
RemnantsEmpty == \A f \in Files, h \in Handles : handle[f][h] = "remnant" => <<f, h>> \notin hw
=============================================================================
