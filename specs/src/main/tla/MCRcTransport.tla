--------------------------- MODULE MCRcTransport ---------------------------
(* Finite values for RcTransport are set in the cfg files. *)
EXTENDS RcTransport
=============================================================================
