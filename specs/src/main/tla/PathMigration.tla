--------------------------- MODULE PathMigration ---------------------------
(***************************************************************************)
(* Automatic path migration of one RC connection (IBA 17.2.8): two QPs,    *)
(* A and B, joined by two paths, each QP with a primary and perhaps an     *)
(* alternate path and a path migration state.                              *)
(*                                                                         *)
(* Modelled (docs/HCA.md §5.10; drivers/infiniband/hw/qib/qib_ruc.c        *)
(* qib_ruc_check_hdr and qib_migrate_qp, qib_rc.c qib_restart_rc,          *)
(* drivers/infiniband/sw/rdmavt/qp.c rvt_modify_qp):                       *)
(*  - software loads an alternate path (the path it is not on) and asks    *)
(*    for REARM, from MIGRATED or REARM only; or asks an ARMED QP to       *)
(*    migrate at once;                                                     *)
(*  - every packet carries MigReq = (sender is MIGRATED), on the sender's  *)
(*    primary path; each path keeps its packets in order, the two paths    *)
(*    do not; a path may fail (once), and its packets are then lost;       *)
(*  - a receiving QP that is ARMED takes a packet with MigReq as the       *)
(*    peer's migration if it came by its alternate path (and migrates),    *)
(*    and drops it otherwise; any other packet must come by its primary    *)
(*    path (IBA 9.6.1.5: the SLID and port are checked) or is dropped; a   *)
(*    REARM QP becomes ARMED on a packet with MigReq clear;                *)
(*  - retries may run out at any time (any number of losses): an ARMED QP  *)
(*    migrates, any other fails the connection.                            *)
(*                                                                         *)
(* Left out: PSNs, ACKs and what the packets carry (RcTransport.tla); the  *)
(* CM's LAP exchange, which is taken to load both sides with the same      *)
(* alternate path; P_Keys and GRHs (part of the path check here).          *)
(***************************************************************************)
EXTENDS Naturals, Sequences

CONSTANTS
    ChanCap,    \* packets a path holds each way
    MaxRearm,   \* times each QP's software may load an alternate path
    MaxFail     \* paths that may fail (0 or 1: a second would cut A from B)

Qps == {"A", "B"}
Paths == {1, 2}
NoPath == 0
PmStates == {"MIGRATED", "REARM", "ARMED"}
Peer(q) == IF q = "A" THEN "B" ELSE "A"
Other(k) == 3 - k

Packet == [mig : BOOLEAN]

ASSUME ChanCap \in Nat \ {0} /\ MaxRearm \in Nat /\ MaxFail \in 0..1

VARIABLES
    pm,         \* pm[q]: the path migration state
    primary,    \* primary[q]: the path q sends on and accepts from
    alt,        \* alt[q]: its alternate path, or NoPath
    failed,     \* failed[q]: q's retries ran out unarmed: the connection is broken
    chan,       \* chan[q][k]: packets on path k to q, oldest first
    up,         \* up[k]: path k carries packets
    rearms,     \* rearms[q]: alternate paths q's software has loaded
    fails       \* paths that have failed

vars == <<pm, primary, alt, failed, chan, up, rearms, fails>>

TypeOK ==
    /\ pm \in [Qps -> PmStates]
    /\ primary \in [Qps -> Paths]
    /\ alt \in [Qps -> Paths \cup {NoPath}]
    /\ failed \in [Qps -> BOOLEAN]
    /\ chan \in [Qps -> [Paths -> Seq(Packet)]]
    /\ \A q \in Qps, k \in Paths : Len(chan[q][k]) <= ChanCap
    /\ up \in [Paths -> BOOLEAN]
    /\ rearms \in [Qps -> 0..MaxRearm]
    /\ fails \in 0..MaxFail

Init ==
    /\ pm = [q \in Qps |-> "MIGRATED"]
    /\ primary = [q \in Qps |-> 1]
    /\ alt = [q \in Qps |-> NoPath]
    /\ failed = [q \in Qps |-> FALSE]
    /\ chan = [q \in Qps |-> [k \in Paths |-> <<>>]]
    /\ up = [k \in Paths |-> TRUE]
    /\ rearms = [q \in Qps |-> 0]
    /\ fails = 0

Live(q) == ~failed[q] /\ ~failed[Peer(q)]

\* The alternate path becomes the primary one (qib_migrate_qp).
Migrated(q) ==
    /\ pm' = [pm EXCEPT ![q] = "MIGRATED"]
    /\ primary' = [primary EXCEPT ![q] = alt[q]]

-----------------------------------------------------------------------------
(* Hooks the mutants replace.                                              *)

\* Whether q accepts a packet without MigReq meaning migration, by path k.
ByPrimary(q, k) == k = primary[q]

\* Whether a QP in state s migrates when its retries run out.
MigratesOnExhaustion(s) == s = "ARMED"

-----------------------------------------------------------------------------
(* Software: ib_modify_qp with IB_QP_ALT_PATH and IB_QP_PATH_MIG_STATE.    *)

LoadAltAndRearm(q) ==
    /\ Live(q)
    /\ pm[q] \in {"MIGRATED", "REARM"}
    /\ rearms[q] < MaxRearm
    /\ alt' = [alt EXCEPT ![q] = Other(primary[q])]
    /\ pm' = [pm EXCEPT ![q] = "REARM"]
    /\ rearms' = [rearms EXCEPT ![q] = @ + 1]
    /\ UNCHANGED <<primary, failed, chan, up, fails>>

MigrateNow(q) ==
    /\ Live(q)
    /\ pm[q] = "ARMED"
    /\ Migrated(q)
    /\ UNCHANGED <<alt, failed, chan, up, rearms, fails>>

-----------------------------------------------------------------------------
(* The device.                                                             *)

Send(q) ==
    LET k == primary[q]
        to == Peer(q)
    IN /\ Live(q)
       /\ up[k]
       /\ Len(chan[to][k]) < ChanCap
       /\ chan' = [chan EXCEPT ![to][k] = Append(@, [mig |-> pm[q] = "MIGRATED"])]
       /\ UNCHANGED <<pm, primary, alt, failed, up, rearms, fails>>

Receive(q, k) ==
    LET p == Head(chan[q][k])
        rest == [chan EXCEPT ![q][k] = Tail(@)]
    IN /\ chan[q][k] # <<>>
       /\ chan' = rest
       /\ IF pm[q] = "ARMED" /\ p.mig
             THEN IF k = alt[q]
                     THEN /\ Migrated(q)
                          /\ UNCHANGED <<alt, failed, up, rearms, fails>>
                     ELSE UNCHANGED <<pm, primary, alt, failed, up, rearms, fails>>
             ELSE /\ IF ByPrimary(q, k) /\ pm[q] = "REARM" /\ ~p.mig
                        THEN pm' = [pm EXCEPT ![q] = "ARMED"]
                        ELSE UNCHANGED pm
                  /\ UNCHANGED <<primary, alt, failed, up, rearms, fails>>

\* Retries run out (the primary is dead, or unlucky losses): migrate, or fail.
Exhaust(q) ==
    /\ Live(q)
    /\ IF MigratesOnExhaustion(pm[q]) /\ alt[q] # NoPath
          THEN /\ Migrated(q)
               /\ UNCHANGED <<alt, failed, chan, up, rearms, fails>>
          ELSE /\ failed' = [failed EXCEPT ![q] = TRUE]
               /\ UNCHANGED <<pm, primary, alt, chan, up, rearms, fails>>

-----------------------------------------------------------------------------
(* The fabric.                                                             *)

FailPath(k) ==
    /\ up[k]
    /\ fails < MaxFail
    /\ up' = [up EXCEPT ![k] = FALSE]
    /\ fails' = fails + 1
    /\ chan' = [q \in Qps |-> [chan[q] EXCEPT ![k] = <<>>]]
    /\ UNCHANGED <<pm, primary, alt, failed, rearms>>

Next ==
    \/ \E q \in Qps :
        \/ LoadAltAndRearm(q) \/ MigrateNow(q) \/ Send(q) \/ Exhaust(q)
        \/ \E k \in Paths : Receive(q, k)
    \/ \E k \in Paths : FailPath(k)

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Properties.                                                             *)

\* Where an armed QP would migrate, its peer already is, or will follow: the peer has
\* loaded the same alternate path and has not migrated away since.
ArmedPeerCanFollow ==
    \A q \in Qps : pm[q] = "ARMED" =>
        \/ primary[Peer(q)] = alt[q]
        \/ pm[Peer(q)] # "MIGRATED" /\ alt[Peer(q)] = alt[q]

\* Two QPs that have both migrated send on one path: neither drops the other's packets.
MigratedAgree ==
    (pm["A"] = "MIGRATED" /\ pm["B"] = "MIGRATED") => primary["A"] = primary["B"]
=============================================================================
