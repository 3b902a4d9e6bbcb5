--------------------------- MODULE MCHcaCommands ---------------------------
(* Finite values for HcaCommands are set in the cfg file. *)
EXTENDS HcaCommands
=============================================================================
