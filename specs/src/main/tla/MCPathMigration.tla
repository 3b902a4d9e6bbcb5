-------------------------- MODULE MCPathMigration --------------------------
(* Finite values for PathMigration are set in the cfg file. *)
EXTENDS PathMigration
=============================================================================
