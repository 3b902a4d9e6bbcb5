---------------------- MODULE MCQpStateMachineMutants ----------------------
(***************************************************************************)
(* Broken variants of QpStateMachine.  Each mutant cfg substitutes one of  *)
(* these definitions for the spec's own; TLC must then report the named    *)
(* property as violated (specs/src/test/java/.../SpecMutationTest.java).   *)
(***************************************************************************)
EXTENDS MCQpStateMachine

\* RTR->RTS no longer requires IB_QP_SQ_PSN: violates ConfiguredForState.
MutReqRtrToRtsWithoutSqPsn(cur, next, type) ==
    LET r == Table[<<cur, next>>].req[type]
    IN IF <<cur, next>> = <<"RTR", "RTS">> THEN r \ {"SQ_PSN"} ELSE r

\* ib_post_send accepted in RTR: violates NoSendWorkBeforeRts.
MutPostSendAcceptedInRtr == {"RTR", "RTS", "SQD", "SQE", "ERR"}

\* ib_post_recv accepted in RESET: violates NoWorkInReset.
MutPostRecvAcceptedInReset == {"RESET", "INIT", "RTR", "RTS", "SQD", "SQE", "ERR"}

\* A send error moves the QP to SQE whatever its type: the error path does not tell reliable QPs
\* from unreliable ones, so a failed RC send leaves the QP in SQE (which SQE2RTS resumes)
\* instead of ERR with both queues flushed, as IBA 10.3.1 has it. Violates SqeOnlyUnreliable.
MutHcaSendErrorAlwaysSqe ==
    /\ state = "RTS"
    /\ sqLen > 0
    /\ sqLen' = sqLen - 1
    /\ state' = "SQE"
    /\ UNCHANGED <<qpType, attrs, rqLen>>
=============================================================================
