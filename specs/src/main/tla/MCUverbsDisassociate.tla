------------------------ MODULE MCUverbsDisassociate ------------------------
(* Finite values for UverbsDisassociate are set in the cfg file. *)
EXTENDS UverbsDisassociate
=============================================================================
