----------------------------- MODULE MCSqDrain -----------------------------
(* Finite values for SqDrain are set in the cfg file. *)
EXTENDS SqDrain
=============================================================================
