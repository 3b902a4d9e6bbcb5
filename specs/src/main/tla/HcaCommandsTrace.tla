-------------------------- MODULE HcaCommandsTrace --------------------------
(***************************************************************************)
(* Trace validation of HcaCommands: is a recorded run of the HCA driver's  *)
(* command interface, against the simulated HCA, a behaviour of the spec?  *)
(* As RcTransportTrace.tla: one predicate per logged event, each the spec  *)
(* action of the same name constrained by the event's fields, walked by    *)
(* org.ibmodel.specs.trace.TraceValidator.  The recorder is                *)
(* org.ibmodel.sim.conform.HcaCommandsRecorder, fed by the driver's        *)
(* command interface (org.ibmodel.hca.CmdObserver) and the device's        *)
(* (org.ibmodel.sim.device.Hca.CommandObserver).                           *)
(*                                                                         *)
(* Refinement mapping.  One driver, one HCA, in event mode.                *)
(*  - CmdIssue: a command begins (mlx4_cmd); e.answered: the driver is in  *)
(*    its error state, so it returns without reaching the device.          *)
(*  - CmdPost: the HCR written with go set; e.cmd numbers commands 1, 2,   *)
(*    ... in issuing order, e.gen counts the restarts before it: the spec's *)
(*    <<index, generation>> of the command the device now holds, which the *)
(*    recorder maps the HCR token to.                                      *)
(*  - CmdTimeOut: the wait for go, or for the CMD EQE, ran out.            *)
(*  - CmdDeviceFinish: the device cleared go for command <<e.cmd, e.gen>>  *)
(*    and posted its CMD EQE.                                              *)
(*  - CmdHang: the firmware stopped answering (fault injection).           *)
(*  - CmdDeliver: the CMD EQE of <<e.cmd, e.gen>> reached the driver;      *)
(*    e.completed: it completed the command waiting.                       *)
(*  - CmdResetAndRestart: the driver leaves its error state to probe the   *)
(*    reset device again.                                                  *)
(*  - CmdCatas: the health poll found a catastrophic error: the error     *)
(*    state, a command waiting for its EQE woken.                          *)
(* Left out, as in the spec: the polled commands of bring-up (the driver   *)
(* polls until its EQs are up, a restart's probe included: those are not   *)
(* recorded), and command statuses. The validator sets NumCmds to the most *)
(* CmdIssues of the traces validated together.  Every spec action is an    *)
(* event: there are no hidden steps.                                       *)
(***************************************************************************)
EXTENDS HcaCommands

IsCmdIssue(e) ==
    /\ Issue
    /\ (drv' = "idle") = e.answered

IsCmdPost(e) ==
    /\ Post
    /\ held' = <<e.cmd, e.gen>>

IsCmdTimeOut(e) == TimeOut

IsCmdDeviceFinish(e) ==
    /\ held = <<e.cmd, e.gen>>
    /\ DeviceFinish

IsCmdHang(e) == Hang

IsCmdDeliver(e) ==
    /\ Deliver(<<e.cmd, e.gen>>)
    /\ (drv = "waiting" /\ drv' = "idle") = e.completed

IsCmdResetAndRestart(e) == ResetAndRestart

IsCmdCatas(e) == CatasError

\* No hidden steps: the validator's HcaRun and flush closures have nothing to take.
HcaStep == FALSE
HcaFlush == FALSE
HcaRunSeen(e) == FALSE

\* The validator keeps one state per TraceView value: here the whole state.
TraceView == vars
=============================================================================
