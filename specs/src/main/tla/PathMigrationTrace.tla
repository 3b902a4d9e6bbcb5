--------------------------- MODULE PathMigrationTrace ---------------------------
(***************************************************************************)
(* Trace validation of PathMigration: is a recorded run of two RC QPs on   *)
(* two-port HCAs, migrating between their ports, a behaviour of the spec?  *)
(* As RcTransportTrace.tla: one predicate per logged event, each the spec  *)
(* action of the same name constrained by the event's fields, walked by    *)
(* org.ibmodel.specs.trace.TraceValidator.  The recorder is                *)
(* org.ibmodel.sim.conform.PathMigrationRecorder, fed by the transport's    *)
(* observer hooks (org.ibmodel.sim.device.TransportObserver).              *)
(*                                                                         *)
(* Refinement mapping.  QP "A" on one host, "B" on the other; path k is    *)
(* port k of both HCAs.                                                    *)
(*  - ApmSend: a packet of e.q (request or response) left by port e.k with *)
(*    MigReq e.mig; a packet sent into a failed path is no step (it is     *)
(*    lost where the spec's Send is not enabled).                          *)
(*  - ApmReceive: a packet for e.q came in by port e.k with MigReq e.mig,  *)
(*    after which e.q's migration state was e.pm.                          *)
(*  - ApmRearm, ApmMigrateNow: the firmware took a modify that loaded the  *)
(*    alternate path with REARM, or migrated an armed QP at once.          *)
(*  - ApmExhaust: e.q's retries ran out and it migrated; a QP that fails   *)
(*    instead ends the recording.                                          *)
(*  - ApmFailPath: both cables of path e.k went down at once, so every     *)
(*    packet on the path either way is lost, as the spec's FailPath has it.*)
(* The validator sets ChanCap far above any run, MaxRearm to the most      *)
(* rearms of one QP and MaxFail to 1.  Every spec action is an event.      *)
(***************************************************************************)
EXTENDS PathMigration

IsApmSend(e) ==
    /\ primary[e.q] = e.k
    /\ (pm[e.q] = "MIGRATED") = e.mig
    /\ Send(e.q)

IsApmReceive(e) ==
    /\ chan[e.q][e.k] # <<>>
    /\ Head(chan[e.q][e.k]).mig = e.mig
    /\ Receive(e.q, e.k)
    /\ pm'[e.q] = e.pm

IsApmRearm(e) == LoadAltAndRearm(e.q)

IsApmMigrateNow(e) == MigrateNow(e.q)

IsApmExhaust(e) ==
    /\ Exhaust(e.q)
    /\ pm'[e.q] = "MIGRATED"

IsApmFailPath(e) == FailPath(e.k)

\* No hidden steps: the validator's HcaRun and flush closures have nothing to take.
HcaStep == FALSE
HcaFlush == FALSE
HcaRunSeen(e) == FALSE

\* The validator keeps one state per TraceView value: here the whole state.
TraceView == vars
=============================================================================
