--------------------------- MODULE QpStateMachine ---------------------------
(***************************************************************************)
(* The life of one queue pair as ib_core and the HCA see it.               *)
(*                                                                         *)
(* Modelled:                                                               *)
(*  - the QP states and the legal modify transitions for RC, UC, UD, GSI   *)
(*    and SMI QPs, with the attributes each transition requires and the    *)
(*    ones it allows, held as data (Table below).  Source:                 *)
(*    drivers/infiniband/core/verbs.c qp_state_table; IBA 11.2.5.2 (Modify *)
(*    Queue Pair) and IBA 10.3.1 (QP state diagram).                       *)
(*  - ib_modify_qp_is_ok, including the IB_QP_CUR_STATE rule: asserting    *)
(*    the current state is only allowed from RTR, RTS, SQD and SQE         *)
(*    (verbs.c ib_modify_qp_is_ok).  IsModifyOk is the operator the Java   *)
(*    table (org.ibmodel.core.QpStateTable.isModifyOk) is checked against. *)
(*  - spontaneous transitions made by the HCA: to SQE when a send of an    *)
(*    unreliable QP (UD, UC, GSI, SMI) fails, to ERR when a send of an RC  *)
(*    QP fails or on a fatal QP error (IBA 10.3.1, 11.6.3).                *)
(*  - which posts are accepted in which state: ib_post_send from RTS on    *)
(*    (RESET, INIT and RTR refuse it with EINVAL), ib_post_recv everywhere *)
(*    but RESET; in ERR (and SQE for the send queue) accepted work         *)
(*    requests complete with WR_FLUSH_ERR (IBA 10.3.1, 11.4.1.1, 11.4.1.2; *)
(*    drivers/infiniband/sw/rxe/rxe_verbs.c post_send / post_recv).        *)
(*                                                                         *)
(* Left out: attribute values (only which attributes were given), the      *)
(* XRC and raw packet types (the Java table has them; they are checked     *)
(* there), path migration (PathMigration.tla), SQD draining (SqDrain.tla), *)
(* and what the work requests do: the queues are counters here;            *)
(* WorkQueues.tla models their contents.                                   *)
(* A modify that ib_modify_qp_is_ok refuses changes nothing and is not a   *)
(* step.                                                                   *)
(***************************************************************************)
EXTENDS Naturals, FiniteSets, TLC

CONSTANTS
    QpTypes,    \* the QP types a behaviour may create, a subset of AllQpTypes
    MaxWr       \* the most work requests a queue holds at once

AllQpTypes == {"RC", "UC", "UD", "GSI", "SMI"}
States == {"RESET", "INIT", "RTR", "RTS", "SQD", "SQE", "ERR"}

\* include/rdma/ib_verbs.h enum ib_qp_attr_mask, without the IB_QP_ prefix.
Attrs == {"STATE", "CUR_STATE", "EN_SQD_ASYNC_NOTIFY", "ACCESS_FLAGS",
          "PKEY_INDEX", "PORT", "QKEY", "AV", "PATH_MTU", "TIMEOUT",
          "RETRY_CNT", "RNR_RETRY", "RQ_PSN", "MAX_QP_RD_ATOMIC", "ALT_PATH",
          "MIN_RNR_TIMER", "SQ_PSN", "MAX_DEST_RD_ATOMIC", "PATH_MIG_STATE",
          "CAP", "DEST_QPN", "RATE_LIMIT"}

ASSUME QpTypes \subseteq AllQpTypes /\ QpTypes # {}
ASSUME MaxWr \in Nat \ {0}

VARIABLES
    qpType,     \* the QP's type, fixed by ib_create_qp
    state,      \* the QP state, enum ib_qp_state
    attrs,      \* the attributes given by modify calls since the QP was last in RESET
    sqLen,      \* send work requests accepted and not yet completed
    rqLen       \* receive work requests accepted and not yet completed

vars == <<qpType, state, attrs, sqLen, rqLen>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* The transition table, verbs.c qp_state_table: one cell per valid        *)
(* (current, next) pair, each with the required and the optional           *)
(* attributes per QP type.  A type with nothing listed in a valid cell may *)
(* make the move with IB_QP_STATE alone.                                   *)
(***************************************************************************)
None == [t \in AllQpTypes |-> {}]

\* The same attribute set for every type.
All(s) == [t \in AllQpTypes |-> s]

Cell(req, opt) == [req |-> req, opt |-> opt]

Table ==
     <<"RESET", "RESET">> :> Cell(None, None)
  @@ <<"RESET", "INIT">> :> Cell(
        [RC |-> {"PKEY_INDEX", "PORT", "ACCESS_FLAGS"},
         UC |-> {"PKEY_INDEX", "PORT", "ACCESS_FLAGS"},
         UD |-> {"PKEY_INDEX", "PORT", "QKEY"},
         GSI |-> {"PKEY_INDEX", "QKEY"},
         SMI |-> {"PKEY_INDEX", "QKEY"}],
        None)
  @@ <<"INIT", "RESET">> :> Cell(None, None)
  @@ <<"INIT", "ERR">> :> Cell(None, None)
  @@ <<"INIT", "INIT">> :> Cell(None,
        [RC |-> {"PKEY_INDEX", "PORT", "ACCESS_FLAGS"},
         UC |-> {"PKEY_INDEX", "PORT", "ACCESS_FLAGS"},
         UD |-> {"PKEY_INDEX", "PORT", "QKEY"},
         GSI |-> {"PKEY_INDEX", "QKEY"},
         SMI |-> {"PKEY_INDEX", "QKEY"}])
  @@ <<"INIT", "RTR">> :> Cell(
        [RC |-> {"AV", "PATH_MTU", "DEST_QPN", "RQ_PSN", "MAX_DEST_RD_ATOMIC",
                 "MIN_RNR_TIMER"},
         UC |-> {"AV", "PATH_MTU", "DEST_QPN", "RQ_PSN"},
         UD |-> {}, GSI |-> {}, SMI |-> {}],
        [RC |-> {"ALT_PATH", "ACCESS_FLAGS", "PKEY_INDEX"},
         UC |-> {"ALT_PATH", "ACCESS_FLAGS", "PKEY_INDEX"},
         UD |-> {"PKEY_INDEX", "QKEY"},
         GSI |-> {"PKEY_INDEX", "QKEY"},
         SMI |-> {"PKEY_INDEX", "QKEY"}])
  @@ <<"RTR", "RESET">> :> Cell(None, None)
  @@ <<"RTR", "ERR">> :> Cell(None, None)
  @@ <<"RTR", "RTS">> :> Cell(
        [RC |-> {"TIMEOUT", "RETRY_CNT", "RNR_RETRY", "SQ_PSN", "MAX_QP_RD_ATOMIC"},
         UC |-> {"SQ_PSN"}, UD |-> {"SQ_PSN"}, GSI |-> {"SQ_PSN"}, SMI |-> {"SQ_PSN"}],
        [RC |-> {"CUR_STATE", "ALT_PATH", "ACCESS_FLAGS", "MIN_RNR_TIMER",
                 "PATH_MIG_STATE"},
         UC |-> {"CUR_STATE", "ALT_PATH", "ACCESS_FLAGS", "PATH_MIG_STATE"},
         UD |-> {"CUR_STATE", "QKEY"},
         GSI |-> {"CUR_STATE", "QKEY"},
         SMI |-> {"CUR_STATE", "QKEY"}])
  @@ <<"RTS", "RESET">> :> Cell(None, None)
  @@ <<"RTS", "ERR">> :> Cell(None, None)
  @@ <<"RTS", "RTS">> :> Cell(None,
        [RC |-> {"CUR_STATE", "ACCESS_FLAGS", "ALT_PATH", "PATH_MIG_STATE",
                 "MIN_RNR_TIMER"},
         UC |-> {"CUR_STATE", "ACCESS_FLAGS", "ALT_PATH", "PATH_MIG_STATE"},
         UD |-> {"CUR_STATE", "QKEY"},
         GSI |-> {"CUR_STATE", "QKEY"},
         SMI |-> {"CUR_STATE", "QKEY"}])
  @@ <<"RTS", "SQD">> :> Cell(None, All({"EN_SQD_ASYNC_NOTIFY"}))
  @@ <<"SQD", "RESET">> :> Cell(None, None)
  @@ <<"SQD", "ERR">> :> Cell(None, None)
  @@ <<"SQD", "RTS">> :> Cell(None,
        [RC |-> {"CUR_STATE", "ALT_PATH", "ACCESS_FLAGS", "MIN_RNR_TIMER",
                 "PATH_MIG_STATE"},
         UC |-> {"CUR_STATE", "ALT_PATH", "ACCESS_FLAGS", "PATH_MIG_STATE"},
         UD |-> {"CUR_STATE", "QKEY"},
         GSI |-> {"CUR_STATE", "QKEY"},
         SMI |-> {"CUR_STATE", "QKEY"}])
  @@ <<"SQD", "SQD">> :> Cell(None,
        [RC |-> {"PORT", "AV", "TIMEOUT", "RETRY_CNT", "RNR_RETRY",
                 "MAX_QP_RD_ATOMIC", "MAX_DEST_RD_ATOMIC", "ALT_PATH",
                 "ACCESS_FLAGS", "PKEY_INDEX", "MIN_RNR_TIMER", "PATH_MIG_STATE"},
         UC |-> {"AV", "ALT_PATH", "ACCESS_FLAGS", "PKEY_INDEX", "PATH_MIG_STATE"},
         UD |-> {"PKEY_INDEX", "QKEY"},
         GSI |-> {"PKEY_INDEX", "QKEY"},
         SMI |-> {"PKEY_INDEX", "QKEY"}])
  @@ <<"SQE", "RESET">> :> Cell(None, None)
  @@ <<"SQE", "ERR">> :> Cell(None, None)
  @@ <<"SQE", "RTS">> :> Cell(None,
        [RC |-> {}, UC |-> {"CUR_STATE", "ACCESS_FLAGS"},
         UD |-> {"CUR_STATE", "QKEY"},
         GSI |-> {"CUR_STATE", "QKEY"},
         SMI |-> {"CUR_STATE", "QKEY"}])
  @@ <<"ERR", "RESET">> :> Cell(None, None)
  @@ <<"ERR", "ERR">> :> Cell(None, None)

IsValidCell(cur, next) == <<cur, next>> \in DOMAIN Table

\* The attributes a transition requires and allows (not IB_QP_STATE).
Req(cur, next, type) == Table[<<cur, next>>].req[type]
Opt(cur, next, type) == Table[<<cur, next>>].opt[type]

\* The states from which a caller may assert the current state.
CurStateAssertable == {"RTR", "RTS", "SQD", "SQE"}

(***************************************************************************)
(* verbs.c ib_modify_qp_is_ok.  cur is the state the caller asserts: the   *)
(* QP's own, or cur_qp_state when the mask carries IB_QP_CUR_STATE; the    *)
(* mask is a set of attribute names.                                       *)
(***************************************************************************)
IsModifyOk(cur, next, type, mask) ==
    /\ "CUR_STATE" \in mask => cur \in CurStateAssertable
    /\ IsValidCell(cur, next)
    /\ Req(cur, next, type) \subseteq mask
    /\ mask \subseteq Req(cur, next, type) \cup Opt(cur, next, type) \cup {"STATE"}

(***************************************************************************)
(* Posting, as data (IBA 11.4.1.1, 11.4.1.2; rxe_verbs.c): the states in   *)
(* which ib_post_send / ib_post_recv accept a work request.  Elsewhere the *)
(* call returns EINVAL and changes nothing, so it is not a step.           *)
(***************************************************************************)
PostSendAccepted == {"RTS", "SQD", "SQE", "ERR"}
PostRecvAccepted == {"INIT", "RTR", "RTS", "SQD", "SQE", "ERR"}

\* The unreliable types, whose send errors leave the QP in SQE (IBA 10.3.1).
SqeTypes == {"UD", "UC", "GSI", "SMI"}

-----------------------------------------------------------------------------
TypeOK ==
    /\ qpType \in QpTypes
    /\ state \in States
    /\ attrs \subseteq Attrs \ {"STATE", "CUR_STATE"}
    /\ sqLen \in 0..MaxWr
    /\ rqLen \in 0..MaxWr

Init ==
    /\ qpType \in QpTypes
    /\ state = "RESET"
    /\ attrs = {}
    /\ sqLen = 0
    /\ rqLen = 0

(***************************************************************************)
(* ib_modify_qp with a mask the table accepts: the required attributes,    *)
(* alone or with every optional one.  Moving to RESET drops both queues    *)
(* without completions (IBA 10.3.1).                                       *)
(***************************************************************************)
UserModify(next, mask) ==
    /\ IsModifyOk(state, next, qpType, mask)
    /\ state' = next
    /\ IF next = "RESET"
          THEN /\ attrs' = {}
               /\ sqLen' = 0
               /\ rqLen' = 0
          ELSE /\ attrs' = attrs \cup (mask \ {"STATE", "CUR_STATE"})
               /\ UNCHANGED <<sqLen, rqLen>>
    /\ UNCHANGED qpType

UserModifyAny ==
    \E next \in States :
        /\ IsValidCell(state, next)
        /\ \E mask \in {Req(state, next, qpType) \cup {"STATE"},
                        Req(state, next, qpType) \cup Opt(state, next, qpType) \cup {"STATE"}} :
               UserModify(next, mask)

UserPostSend ==
    /\ state \in PostSendAccepted
    /\ sqLen < MaxWr
    /\ sqLen' = sqLen + 1
    /\ UNCHANGED <<qpType, state, attrs, rqLen>>

UserPostRecv ==
    /\ state \in PostRecvAccepted
    /\ rqLen < MaxWr
    /\ rqLen' = rqLen + 1
    /\ UNCHANGED <<qpType, state, attrs, sqLen>>

\* The HCA executes the send queue only in RTS; SQD holds it (IBA 10.3.1).
HcaExecuteSend ==
    /\ state = "RTS"
    /\ sqLen > 0
    /\ sqLen' = sqLen - 1
    /\ UNCHANGED <<qpType, state, attrs, rqLen>>

\* A message arrives and consumes a receive WR; driven by the peer.
HcaExecuteRecv ==
    /\ state \in {"RTR", "RTS", "SQD", "SQE"}
    /\ rqLen > 0
    /\ rqLen' = rqLen - 1
    /\ UNCHANGED <<qpType, state, attrs, sqLen>>

\* A send fails: an unreliable QP moves to SQE, an RC QP to ERR.
HcaSendError ==
    /\ state = "RTS"
    /\ sqLen > 0
    /\ sqLen' = sqLen - 1
    /\ state' = IF qpType \in SqeTypes THEN "SQE" ELSE "ERR"
    /\ UNCHANGED <<qpType, attrs, rqLen>>

\* A fatal QP error (IB_EVENT_QP_FATAL) from any state the HCA owns.
HcaFatal ==
    /\ state \notin {"RESET", "ERR"}
    /\ state' = "ERR"
    /\ UNCHANGED <<qpType, attrs, sqLen, rqLen>>

\* Flushing: one WR completes with WR_FLUSH_ERR.
HcaFlushSend ==
    /\ state \in {"SQE", "ERR"}
    /\ sqLen > 0
    /\ sqLen' = sqLen - 1
    /\ UNCHANGED <<qpType, state, attrs, rqLen>>

HcaFlushRecv ==
    /\ state = "ERR"
    /\ rqLen > 0
    /\ rqLen' = rqLen - 1
    /\ UNCHANGED <<qpType, state, attrs, sqLen>>

Next ==
    \/ UserModifyAny
    \/ UserPostSend
    \/ UserPostRecv
    \/ HcaExecuteSend
    \/ HcaExecuteRecv
    \/ HcaSendError
    \/ HcaFatal
    \/ HcaFlushSend
    \/ HcaFlushRecv

\* Fairness on the HCA only: the user need not post or modify, the peer need not send.
Fairness ==
    /\ WF_vars(HcaExecuteSend)
    /\ WF_vars(HcaFlushSend)
    /\ WF_vars(HcaFlushRecv)

Spec == Init /\ [][Next]_vars /\ Fairness

-----------------------------------------------------------------------------
(***************************************************************************)
(* What a QP must have been told before it can receive and before it can   *)
(* send, stated per type apart from the table (IBA 11.2.5.2 and 9.7):      *)
(* every QP knows its partition; connected QPs their port, peer and PSNs;  *)
(* RC its retry policy; datagram QPs their Q_Key.                          *)
(***************************************************************************)
InitNeeds ==
    [RC |-> {"PKEY_INDEX", "PORT", "ACCESS_FLAGS"},
     UC |-> {"PKEY_INDEX", "PORT", "ACCESS_FLAGS"},
     UD |-> {"PKEY_INDEX", "PORT", "QKEY"},
     GSI |-> {"PKEY_INDEX", "QKEY"},
     SMI |-> {"PKEY_INDEX", "QKEY"}]

RecvNeeds ==
    [RC |-> {"AV", "PATH_MTU", "DEST_QPN", "RQ_PSN", "MIN_RNR_TIMER"},
     UC |-> {"AV", "PATH_MTU", "DEST_QPN", "RQ_PSN"},
     UD |-> {}, GSI |-> {}, SMI |-> {}]

SendNeeds ==
    [RC |-> {"SQ_PSN", "TIMEOUT", "RETRY_CNT", "RNR_RETRY"},
     UC |-> {"SQ_PSN"}, UD |-> {"SQ_PSN"}, GSI |-> {"SQ_PSN"}, SMI |-> {"SQ_PSN"}]

ConfiguredForState ==
    /\ state # "RESET" => InitNeeds[qpType] \subseteq attrs
    /\ state \in {"RTR", "RTS", "SQD", "SQE"} => RecvNeeds[qpType] \subseteq attrs
    /\ state \in {"RTS", "SQD", "SQE"} => SendNeeds[qpType] \subseteq attrs

\* No send work exists before the QP has reached RTS.
NoSendWorkBeforeRts == state \in {"RESET", "INIT", "RTR"} => sqLen = 0

\* A QP in RESET holds no work at all.
NoWorkInReset == state = "RESET" => rqLen = 0 /\ sqLen = 0

\* Only unreliable QPs ever enter SQE.
SqeOnlyUnreliable == state = "SQE" => qpType \in SqeTypes

THEOREM Spec => [](TypeOK /\ ConfiguredForState /\ NoSendWorkBeforeRts /\ NoWorkInReset)
=============================================================================
