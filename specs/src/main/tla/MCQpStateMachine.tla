------------------------- MODULE MCQpStateMachine -------------------------
(* Finite values for QpStateMachine: every type, at most two WRs per queue. *)
EXTENDS QpStateMachine

MCQpTypes == {"RC", "UC", "UD", "GSI", "SMI"}
MCMaxWr == 2
=============================================================================
