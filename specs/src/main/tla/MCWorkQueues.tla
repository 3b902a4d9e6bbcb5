--------------------------- MODULE MCWorkQueues ---------------------------
(* Finite values for WorkQueues. *)
EXTENDS WorkQueues

MCQPs == {"q1", "q2"}
MCOneQp == {"q1"}
=============================================================================
