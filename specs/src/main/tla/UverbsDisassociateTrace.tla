----------------------- MODULE UverbsDisassociateTrace -----------------------
(***************************************************************************)
(* Trace validation of UverbsDisassociate: is a recorded run of uverbs     *)
(* over a device that goes away a behaviour of the spec?  As               *)
(* RcTransportTrace.tla: one predicate per logged event, each the spec     *)
(* action of the same name constrained by the event's fields, walked by    *)
(* org.ibmodel.specs.trace.TraceValidator.  The recorder is                *)
(* org.ibmodel.sim.conform.UverbsDisassociateRecorder, fed by uverbs'      *)
(* observer hooks (org.ibmodel.uverbs.UverbsObserver).                     *)
(*                                                                         *)
(* Refinement mapping.  The files open on one uverbs device when the       *)
(* recording starts are "f1", "f2", ... in the order they were opened (the *)
(* validator sets Files to as many as the header's files); an object's     *)
(* handle is its idr id plus one; only idr objects count (not the          *)
(* completion channel or async event file, which are files themselves).   *)
(*  - UvBeginCreate: a create command reserved e.handle in e.file.         *)
(*  - UvDriverCreate, UvCommit: the driver made the object; the handle was *)
(*    published (rdma_alloc_commit_uobject).                               *)
(*  - UvDestroy: a destroy command freed e.handle; e.remnant: what it      *)
(*    named was a remnant of removal.                                      *)
(*  - UvClose: the file was released.                                      *)
(*  - UvClearDevice, UvSynchronized, UvDestroyFile, UvRemoved: the steps   *)
(*    of ib_uverbs_remove_one; e.hw counts the objects whose hardware part *)
(*    the removal destroyed in e.file.                                     *)
(* A create that fails before it reserves a handle (-EIO after removal) is *)
(* no step.  Every spec action is an event: there are no hidden steps.     *)
(***************************************************************************)
EXTENDS UverbsDisassociate

IsUvBeginCreate(e) ==
    /\ BeginCreate(e.file)
    /\ pending'[e.file] = e.handle

IsUvDriverCreate(e) ==
    /\ pending[e.file] = e.handle
    /\ DriverCreate(e.file)

IsUvCommit(e) ==
    /\ pending[e.file] = e.handle
    /\ Commit(e.file)

IsUvDestroy(e) ==
    /\ e.handle \in Handles
    /\ (handle[e.file][e.handle] = "remnant") = e.remnant
    /\ Destroy(e.file, e.handle)

IsUvClose(e) == Close(e.file)

IsUvClearDevice(e) == ClearDevice

IsUvSynchronized(e) == Synchronized

IsUvDestroyFile(e) ==
    /\ DestroyFile(e.file)
    /\ Cardinality(hw \ hw') = e.hw

IsUvRemoved(e) == Removed

\* No hidden steps: the validator's HcaRun and flush closures have nothing to take.
HcaStep == FALSE
HcaFlush == FALSE
HcaRunSeen(e) == FALSE

\* The validator keeps one state per TraceView value: here the whole state.
TraceView == vars
=============================================================================
