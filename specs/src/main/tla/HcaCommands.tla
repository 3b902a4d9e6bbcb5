----------------------------- MODULE HcaCommands -----------------------------
(***************************************************************************)
(* The HCA driver's command interface in event mode against a device whose *)
(* firmware may hang (docs/HCA.md §3.1, §2.1, §2.2).                       *)
(*                                                                         *)
(* Modelled (drivers/net/ethernet/mellanox/mlx4/cmd.c mlx4_cmd_post,       *)
(* mlx4_cmd_wait, mlx4_cmd_event, mlx4_cmd_reset_flow,                     *)
(* mlx4_internal_err_ret_value; catas.c mlx4_enter_error_state,            *)
(* mlx4_handle_error_state; the model's Cmd and HcaDriver):                *)
(*  - the driver issues its commands one after another; each waits for go  *)
(*    to clear before it posts (GO_BIT_TIMEOUT_MSECS) and then sleeps for  *)
(*    its CMD EQE, whose token must be the command's own, until its        *)
(*    timeout (MLX4_CMD_TIME_CLASS_A). Time is abstract: a wait may end in *)
(*    its timeout whenever it is not yet over, as a slow device's would;   *)
(*  - a timeout takes the reset flow: the error state, in which a command  *)
(*    returns at once without reaching the device, and a reset that makes  *)
(*    the device forget what it was doing and clears a hang; the driver    *)
(*    then restarts (a new EQ: EQEs of the old device are gone) and leaves *)
(*    the error state;                                                     *)
(*  - the device clears go when it finishes a command and posts its CMD    *)
(*    EQE; its firmware may hang once, after which it finishes nothing;    *)
(*  - the other way into the error state: the driver's health poll finds a *)
(*    catastrophic error (catas.c poll_catas, mlx4_enter_error_state) once *)
(*    and wakes a command waiting for its EQE (mlx4_cmd_wake_completions); *)
(*    the reset and restart follow as after a timeout.                     *)
(*                                                                         *)
(* Left out: several commands waiting at once (each would be this, with a  *)
(* context of its own), polling mode, command statuses other than OK, and  *)
(* how the poll finds the error (the buffer of docs/HCA.md §2.1,           *)
(* CatastrophicErrorPropertyTest).                                         *)
(***************************************************************************)
EXTENDS Naturals, Sequences

CONSTANTS
    NumCmds     \* commands the driver issues, one after another

Results == {"ok", "timeout", "answered", "woken"}

VARIABLES
    drv,        \* the driver: idle (between commands), posting (waiting for go), waiting (for its EQE)
    issued,     \* commands the driver has begun
    results,    \* results[i]: how command i returned
    errState,   \* the driver's error state (MLX4_DEVICE_STATE_INTERNAL_ERROR)
    resetting,  \* the error state has reset the device and the restart is still to come
    go,         \* the HCR's go bit: the device holds a command
    held,       \* the command the device holds: <<index, generation>>
    hung,       \* the firmware answers nothing
    hangs,      \* hangs so far (at most one)
    gen,        \* the device's generation: resets so far
    eqes,       \* CMD EQEs posted and not yet handled: <<index, generation>>
    postedInError, \* a command reached the device while the driver was in its error state
    catas       \* catastrophic errors found so far (at most one)

vars == <<drv, issued, results, errState, resetting, go, held, hung, hangs, gen, eqes, postedInError, catas>>

\* A restart after each timeout, and one after the catastrophic error.
MaxGen == NumCmds + 1

TypeOK ==
    /\ drv \in {"idle", "posting", "waiting"}
    /\ issued \in 0..NumCmds
    /\ results \in Seq(Results)
    /\ errState \in BOOLEAN
    /\ resetting \in BOOLEAN
    /\ go \in BOOLEAN
    /\ held \in (0..NumCmds) \X (0..MaxGen)
    /\ hung \in BOOLEAN
    /\ hangs \in 0..1
    /\ gen \in 0..MaxGen
    /\ eqes \subseteq (1..NumCmds) \X (0..MaxGen)
    /\ postedInError \in BOOLEAN
    /\ catas \in 0..1

Init ==
    /\ drv = "idle"
    /\ issued = 0
    /\ results = <<>>
    /\ errState = FALSE
    /\ resetting = FALSE
    /\ go = FALSE
    /\ held = <<0, 0>>
    /\ hung = FALSE
    /\ hangs = 0
    /\ gen = 0
    /\ eqes = {}
    /\ postedInError = FALSE
    /\ catas = 0

(* The checks a mutant replaces. *)
\* mlx4_cmd_wait: the CMD EQE completes the command whose token it carries, of this device.
TokenMatches(e) == e = <<issued, gen>>
\* mlx4_cmd: in the error state a command is answered without reaching the device.
AnsweredInErrorState == errState
\* mlx4_cmd_wait, mlx4_cmd_post: a wait may end in its timeout.
MayTimeOut == TRUE
\* mlx4_cmd_reset_flow: a timeout enters the error state.
ResetFlow == TRUE
\* mlx4_enter_error_state: a catastrophic error resets the device too.
CatasResets == TRUE

Finish(r) ==
    /\ drv' = "idle"
    /\ results' = Append(results, r)

(* mlx4_cmd: in the error state a command returns at once (mlx4_internal_err_ret_value). *)
Issue ==
    /\ drv = "idle" /\ issued < NumCmds
    /\ issued' = issued + 1
    /\ IF AnsweredInErrorState
       THEN /\ results' = Append(results, "answered")
            /\ UNCHANGED drv
       ELSE /\ drv' = "posting"
            /\ UNCHANGED results
    /\ UNCHANGED <<errState, resetting, go, held, hung, hangs, gen, eqes, postedInError, catas>>

(* mlx4_cmd_post: the HCR is written once go is clear (the reset flow clears a stuck one). *)
Post ==
    /\ drv = "posting" /\ ~go
    /\ postedInError' = (postedInError \/ errState)
    /\ go' = TRUE
    /\ held' = <<issued, gen>>
    /\ drv' = "waiting"
    /\ UNCHANGED <<issued, results, errState, resetting, hung, hangs, gen, eqes, catas>>

(* A wait for go, or for the EQE, runs out: the reset flow. *)
TimeOut ==
    /\ drv = "waiting" \/ (drv = "posting" /\ go)
    /\ MayTimeOut
    /\ Finish("timeout")
    /\ errState' = ResetFlow
    /\ resetting' = ResetFlow
    /\ UNCHANGED <<issued, go, held, hung, hangs, gen, eqes, postedInError, catas>>

Deliver(e) ==
    /\ e \in eqes
    /\ eqes' = eqes \ {e}
    /\ IF drv = "waiting" /\ TokenMatches(e)
       THEN Finish("ok")
       ELSE UNCHANGED <<drv, results>>      \* a token no command waits under is ignored
    /\ UNCHANGED <<issued, errState, resetting, go, held, hung, hangs, gen, postedInError, catas>>

DeviceFinish ==
    /\ go /\ ~hung
    /\ go' = FALSE
    /\ eqes' = eqes \cup {held}
    /\ UNCHANGED <<drv, issued, results, errState, resetting, held, hung, hangs, gen, postedInError, catas>>

Hang ==
    /\ hangs = 0
    /\ hung' = TRUE
    /\ hangs' = 1
    /\ UNCHANGED <<drv, issued, results, errState, resetting, go, held, gen, eqes, postedInError, catas>>

(* The error state resets the device, and the driver probes it again: a new EQ, commands again. *)
ResetAndRestart ==
    /\ resetting /\ gen < MaxGen
    /\ gen' = gen + 1
    /\ go' = FALSE
    /\ hung' = FALSE
    /\ eqes' = {}
    /\ resetting' = FALSE
    /\ errState' = FALSE
    /\ UNCHANGED <<drv, issued, results, held, hangs, postedInError, catas>>

(* The health poll finds a catastrophic error: the error state and its reset, as a timeout's;  *)
(* a command waiting for its EQE returns at once. A post is not interrupted: it follows its   *)
(* issue at once unless another command holds go, which one command at a time never does but *)
(* after a timeout, in the error state already.                                               *)
CatasError ==
    /\ catas = 0 /\ ~errState /\ drv # "posting"
    /\ catas' = 1
    /\ errState' = TRUE
    /\ resetting' = CatasResets
    /\ IF drv = "waiting" THEN Finish("woken") ELSE UNCHANGED <<drv, results>>
    /\ UNCHANGED <<issued, go, held, hung, hangs, gen, eqes, postedInError>>

Next ==
    \/ Issue \/ Post \/ TimeOut \/ DeviceFinish \/ Hang \/ ResetAndRestart \/ CatasError
    \/ \E e \in eqes : Deliver(e)

(* The device and the driver's own steps are fair; the driver need not issue more commands. *)
Fairness ==
    /\ WF_vars(Post)
    /\ WF_vars(TimeOut)
    /\ WF_vars(DeviceFinish)
    /\ WF_vars(ResetAndRestart)
    /\ \A e \in (1..NumCmds) \X (0..MaxGen) : WF_vars(Deliver(e))

Spec == Init /\ [][Next]_vars /\ Fairness

(* No command reaches the device while the driver is in its error state. *)
NoPostInErrorState == ~postedInError

(* Every command the driver begins returns, whatever the firmware does. *)
EveryCommandReturns == (drv \in {"posting", "waiting"}) ~> (drv = "idle")

(* A hang that holds a command does not last: the command's timeout and the reset flow clear it. *)
RecoversFromAHang == (hung /\ go) ~> ~hung
=============================================================================
