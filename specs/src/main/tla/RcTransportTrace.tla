------------------------- MODULE RcTransportTrace --------------------------
(***************************************************************************)
(* Trace validation of RcTransport: is a recorded run of the Java model's  *)
(* RC transport a behaviour of the spec?  The approach of Kuppe, Cirstea   *)
(* and Merz, "Validating Traces of Distributed Programs Against TLA+       *)
(* Specifications" (2024), as in tlaplus/Examples                          *)
(* ewd998/EWD998ChanTrace.tla: one predicate per logged event, each the    *)
(* spec action of the same name constrained by the event's fields.         *)
(* org.ibmodel.specs.trace.TraceValidator walks the trace in order with    *)
(* TLC's FastTool, binding e to one NDJSON line at a time, and reports the *)
(* first line no predicate matches.  The recorder is                       *)
(* org.ibmodel.sim.conform.RcTransportRecorder, fed by the transport's     *)
(* observer hooks (org.ibmodel.sim.device.TransportObserver).              *)
(*                                                                         *)
(* Refinement mapping.  One RC QP sends single-packet SENDs to its peer.   *)
(*  - PSNs are the wire's: the validator sets PsnMod = 2^24 and StartPsn   *)
(*    to the QP's IB_QP_SQ_PSN (= the peer's IB_QP_RQ_PSN), so e.psn is    *)
(*    the BTH PSN unchanged and wrapping at 2^24 is the spec's.            *)
(*  - WRs are numbered 1, 2, ... in posting order (e.wr); NumWr is the     *)
(*    number posted, Window the requester's (Requester.WINDOW), MaxRetry   *)
(*    and MaxRnrRetry the QP's retry_cnt and rnr_retry.                    *)
(*  - ChanCap is far above any run, so a reply is never lost to a full     *)
(*    channel: every loss is an explicit ChanLose event.                   *)
(*  - The model's channels are the two directions of the fabric path.  A   *)
(*    packet that never reaches the responder or the completer (dropped,   *)
(*    corrupted, lost in a link flap, refused by the receiving HCA) is a   *)
(*    ChanLose event, logged when a later packet of the same direction is  *)
(*    received: a path delivers in order, so the packets ahead of it in    *)
(*    the channel were lost.                                               *)
(*  - A retransmission is a ReqSend after a go-back (e.retry only says so).*)
(*  - The completer's retirements of one step are listed in e.done (spec   *)
(*    statuses) and e.wrs (their WR numbers): they must be exactly what    *)
(*    the spec's step appends to compl, in order.                          *)
(*  - After a WR fails the QP enters ERR and the model flushes the rest in *)
(*    order (QpTable.error): one CompFlush event each.                     *)
(* Every spec action is an event: there are no hidden steps.              *)
(***************************************************************************)
EXTENDS RcTransport

\* What this step appends to compl: e.done, for WRs numbered on from Una.
Retires(e) ==
    /\ compl' = compl \o e.done
    /\ e.wrs = [i \in 1..Len(e.done) |-> Len(compl) + i]

\* The requester transmits WR e.wr with PSN e.psn (first time or after a go-back).
IsReqSend(e) ==
    /\ sendNext = e.wr
    /\ Psn(sendNext) = e.psn
    /\ ReqSend

\* The responder takes the oldest request; e.executed: it was executed; e.reply:
\* the response it queued ("NONE" for none) with PSN e.replyPsn.
IsRespRecv(e) ==
    /\ reqChan # <<>>
    /\ Head(reqChan).psn = e.psn
    /\ RespRecv
    /\ Len(executed') = Len(executed) + (IF e.executed THEN 1 ELSE 0)
    /\ IF e.reply = "NONE"
          THEN ackChan' = ackChan
          ELSE /\ Len(ackChan') = Len(ackChan) + 1
               /\ ackChan'[Len(ackChan')].type = e.reply
               /\ ackChan'[Len(ackChan')].psn = e.replyPsn

\* The responder's user posts a receive WR.
IsRespPostRecv(e) == RespPostRecv

\* The completer takes the oldest response, of type e.type and PSN e.psn.
IsCompRecv(e) ==
    /\ ackChan # <<>>
    /\ Head(ackChan).type = e.type
    /\ Head(ackChan).psn = e.psn
    /\ CompRecv
    /\ Retires(e)

\* The local ACK timer fired.
IsCompTimeout(e) == CompTimeout /\ Retires(e)

\* WR e.wr completes with WR_FLUSH_ERR.
IsCompFlush(e) == Len(compl) + 1 = e.wr /\ CompFlush

\* The oldest packet of a channel was lost.
IsChanLoseReq(e) ==
    /\ reqChan # <<>>
    /\ Head(reqChan).psn = e.psn
    /\ ChanLoseReq
    /\ reqChan' = Tail(reqChan)

IsChanLoseAck(e) ==
    /\ ackChan # <<>>
    /\ Head(ackChan).type = e.type
    /\ Head(ackChan).psn = e.psn
    /\ ChanLoseAck
    /\ ackChan' = Tail(ackChan)

\* A packet of a channel, the e.at-th oldest, was duplicated in place.
IsChanDupReq(e) ==
    /\ e.at \in DOMAIN reqChan
    /\ reqChan[e.at].psn = e.psn
    /\ ChanDupReq
    /\ reqChan' = Double(reqChan, e.at)

IsChanDupAck(e) ==
    /\ e.at \in DOMAIN ackChan
    /\ ackChan[e.at].psn = e.psn
    /\ ChanDupAck
    /\ ackChan' = Double(ackChan, e.at)

\* No hidden steps: the validator's HcaRun and flush closures have nothing to take.
HcaStep == FALSE
HcaFlush == FALSE
HcaRunSeen(e) == FALSE

\* The validator keeps one state per TraceView value: here the whole state.
TraceView == vars
=============================================================================
