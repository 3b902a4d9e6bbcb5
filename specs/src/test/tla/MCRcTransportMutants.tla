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
=============================================================================
