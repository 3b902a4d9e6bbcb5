------------------------ MODULE MCRcTransportMutants ------------------------
(***************************************************************************)
(* Broken variants of RcTransport, substituted by the mutant cfg files.    *)
(***************************************************************************)
EXTENDS MCRcTransport

\* The responder takes a duplicate PSN as a new request: violates ExactlyOnceInOrder.
MutAcceptsDuplicate(p) == p = ePsn \/ IsDuplicate(p)

\* The completer takes an ACK to cover one WR more than it names: violates AckMeansExecuted.
MutAckIndexOneTooFar(a) ==
    IF PsnToIndex(a) + 1 < sentMax THEN PsnToIndex(a) + 1 ELSE PsnToIndex(a)

\* A retry does not use up the counter: violates AllWrsComplete.
MutRetryLeftNoDecrement(r) == r

\* The completer goes on taking responses once the QP has failed, where it should drop them
\* and only flush: a late ACK completes the WRs behind the failed one with SUCCESS. Violates
\* ErrorThenFlush.
MutCompRecvAfterError ==
    /\ ackChan # <<>>
    /\ ackChan' = Tail(ackChan)
    /\ LET m == Head(ackChan)
       IN IF ~Matches(m.psn)
             THEN UNCHANGED <<sendNext, retry, rnrRetry, startedRetry, compl>>
          ELSE IF m.type = "ACK" THEN CompAck(m)
          ELSE IF m.type = "NAK_SEQ" THEN CompNak(m, retry, MaxRetry, "RETRY_EXC_ERR")
          ELSE CompNak(m, rnrRetry, MaxRnrRetry, "RNR_RETRY_EXC_ERR")
    /\ UNCHANGED <<sentMax, reqChan, ePsn, nakSent, recvPosted, executed>>
=============================================================================
