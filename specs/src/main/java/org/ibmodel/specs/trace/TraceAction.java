package org.ibmodel.specs.trace;

import java.util.List;
import java.util.Map;

/**
 * The events of a spec trace, one per spec action: each is named as the action of
 * specs/src/main/tla/QpStateMachine.tla and WorkQueues.tla it records (matched by the
 * predicate {@code Is<name>} of QpStateMachineTrace.tla and WorkQueuesTrace.tla), and lists the
 * fields a line must carry. The recorder is org.ibmodel.sim.conform.SpecRecorder. The events of
 * {@link #transport() RcTransport} are matched by RcTransportTrace.tla and recorded by
 * org.ibmodel.sim.conform.RcTransportRecorder; those of {@link #sqDrain() SqDrain} by
 * SqDrainTrace.tla and org.ibmodel.sim.conform.SqDrainRecorder; those of
 * {@link #hcaCommands() HcaCommands} by HcaCommandsTrace.tla and
 * org.ibmodel.sim.conform.HcaCommandsRecorder; those of
 * {@link #uverbsDisassociate() UverbsDisassociate} by UverbsDisassociateTrace.tla and
 * org.ibmodel.sim.conform.UverbsDisassociateRecorder; those of
 * {@link #pathMigration() PathMigration} by PathMigrationTrace.tla and
 * org.ibmodel.sim.conform.PathMigrationRecorder.
 */
public enum TraceAction {
    /** ib_create_cq: {@code cq} numbers the CQ within the trace, {@code depth} its entries. */
    CreateCq(Map.of("cq", Kind.INT, "depth", Kind.INT)),
    /** ib_create_qp: the spec's Init for this QP. */
    CreateQp(Map.of("qpn", Kind.INT, "type", Kind.STRING, "sendCq", Kind.INT, "recvCq", Kind.INT,
            "maxSendWr", Kind.INT, "maxRecvWr", Kind.INT)),
    /** ib_modify_qp as the driver applied it: UserModify(to, mask). */
    UserModify(Map.of("qpn", Kind.INT, "from", Kind.STRING, "to", Kind.STRING, "mask", Kind.LIST)),
    /** One WR accepted by ib_post_send; {@code wr} numbers WRs of the trace in posting order. */
    UserPostSend(Map.of("qpn", Kind.INT, "wr", Kind.INT, "wrId", Kind.INT, "signaled", Kind.BOOL)),
    /** One WR accepted by ib_post_recv. */
    UserPostRecv(Map.of("qpn", Kind.INT, "wr", Kind.INT, "wrId", Kind.INT)),
    /** One completion returned by ib_poll_cq. */
    UserPoll(Map.of("cq", Kind.INT, "qpn", Kind.INT, "wr", Kind.INT, "wrId", Kind.INT, "kind", Kind.STRING,
            "status", Kind.STRING)),
    /** ib_destroy_qp. */
    UserDestroy(Map.of("qpn", Kind.INT)),
    /**
     * The HCA ran (its softirq): any number of hidden Hca* steps, after which the live QPs were
     * in {@code states} (qpn → state) and the CQs in {@code cqErr} had raised IB_EVENT_CQ_ERR.
     */
    HcaRun(Map.of("states", Kind.OBJECT, "cqErr", Kind.LIST)),

    // ---- RcTransport: one RC QP's requester and completer, its peer's responder ----

    /** The requester transmits WR {@code wr} with PSN {@code psn}; {@code retry}: after a go-back. */
    ReqSend(Map.of("wr", Kind.INT, "psn", Kind.INT, "retry", Kind.BOOL)),
    /**
     * The responder took the request with PSN {@code psn}: executed or not, and the response it
     * queued ({@code reply} ACK, NAK_SEQ, RNR_NAK or NONE, at {@code replyPsn}).
     */
    RespRecv(Map.of("psn", Kind.INT, "executed", Kind.BOOL, "reply", Kind.STRING, "replyPsn", Kind.INT)),
    /** The responder's user posted a receive WR. */
    RespPostRecv(Map.of()),
    /**
     * The completer took a response ({@code type}, {@code psn}) and retired the WRs {@code wrs}
     * with the statuses {@code done}.
     */
    CompRecv(Map.of("type", Kind.STRING, "psn", Kind.INT, "done", Kind.LIST, "wrs", Kind.LIST)),
    /** The local ACK timer fired; the retirements as in CompRecv. */
    CompTimeout(Map.of("done", Kind.LIST, "wrs", Kind.LIST)),
    /** WR {@code wr} completed with WR_FLUSH_ERR after an earlier one failed. */
    CompFlush(Map.of("wr", Kind.INT)),
    /** The oldest request in flight, with PSN {@code psn}, was lost. */
    ChanLoseReq(Map.of("psn", Kind.INT)),
    /** The oldest response in flight was lost. */
    ChanLoseAck(Map.of("type", Kind.STRING, "psn", Kind.INT)),
    /** The {@code at}-th oldest request in flight was duplicated. */
    ChanDupReq(Map.of("at", Kind.INT, "psn", Kind.INT)),
    /** The {@code at}-th oldest response in flight was duplicated. */
    ChanDupAck(Map.of("at", Kind.INT, "psn", Kind.INT)),

    // ---- SqDrain: one RC QP's send queue through RTS, SQD and back ----

    /** The QP's user posted a send WR. */
    Post(Map.of()),
    /** The requester sent the first packet of WQE {@code wr} (WQEs numbered in posting order). */
    Begin(Map.of("wr", Kind.INT)),
    /** The completer retired WQE {@code wr} with success, posting {@code drained} SQ_DRAINED events. */
    Complete(Map.of("wr", Kind.INT, "drained", Kind.INT)),
    /** RTS2SQD_QP succeeded, asking for the event or not, posting {@code drained} SQ_DRAINED events. */
    ToSqd(Map.of("notify", Kind.BOOL, "drained", Kind.INT)),
    /** SQD2SQD_QP or SQD2RTS_QP succeeded ({@code to} SQD or RTS), changing attributes or not. */
    LeaveSqd(Map.of("to", Kind.STRING, "change", Kind.BOOL)),
    /** SQD2SQD_QP or SQD2RTS_QP was refused with BAD_QP_STATE. */
    RefuseLeaveSqd(Map.of("to", Kind.STRING)),
    /** 2ERR_QP succeeded, or a WQE completed in error. */
    ToErr(Map.of()),
    /** An SQ_DRAINED event posted in no step that may post one. */
    SqDrained(Map.of()),

    // ---- HcaCommands: the HCA driver's command interface in event mode ----

    /** The driver begins command {@code op}; {@code answered}: in its error state, without the device. */
    CmdIssue(Map.of("op", Kind.STRING, "answered", Kind.BOOL)),
    /** The HCR was written with go set for command {@code cmd} (numbered from 1) after {@code gen} restarts. */
    CmdPost(Map.of("cmd", Kind.INT, "gen", Kind.INT)),
    /** The driver's wait for go, or for the CMD EQE, ran out. */
    CmdTimeOut(Map.of()),
    /** The device cleared go for command {@code cmd} of generation {@code gen} and posted its CMD EQE. */
    CmdDeviceFinish(Map.of("cmd", Kind.INT, "gen", Kind.INT)),
    /** The firmware stopped answering commands. */
    CmdHang(Map.of()),
    /** The CMD EQE of command {@code cmd}, {@code gen} reached the driver; {@code completed} its command. */
    CmdDeliver(Map.of("cmd", Kind.INT, "gen", Kind.INT, "completed", Kind.BOOL)),
    /** The driver leaves its error state to probe the reset device again. */
    CmdResetAndRestart(Map.of()),
    /** The driver's health poll found a catastrophic error: its error state, a waiting command woken. */
    CmdCatas(Map.of()),

    // ---- UverbsDisassociate: uverbs files over a device that goes away ----

    /** A create command of file {@code file} ("f1", ...) reserved handle {@code handle}. */
    UvBeginCreate(Map.of("file", Kind.STRING, "handle", Kind.INT)),
    /** The driver made the object of {@code file}'s create command. */
    UvDriverCreate(Map.of("file", Kind.STRING, "handle", Kind.INT)),
    /** The new object's handle was published. */
    UvCommit(Map.of("file", Kind.STRING, "handle", Kind.INT)),
    /** A destroy command freed {@code handle}; {@code remnant}: a remnant of removal. */
    UvDestroy(Map.of("file", Kind.STRING, "handle", Kind.INT, "remnant", Kind.BOOL)),
    /** The file was released. */
    UvClose(Map.of("file", Kind.STRING)),
    /** Removal cleared the device pointer. */
    UvClearDevice(Map.of()),
    /** Removal waited for the read sections begun before. */
    UvSynchronized(Map.of()),
    /** Removal destroyed {@code file}'s objects, {@code hw} hardware parts. */
    UvDestroyFile(Map.of("file", Kind.STRING, "hw", Kind.INT)),
    /** Removal is over. */
    UvRemoved(Map.of()),

    // ---- PathMigration: QPs "A" and "B", path k the ports k of both HCAs ----

    /** A packet of {@code q} left by port {@code k} with MigReq {@code mig}. */
    ApmSend(Map.of("q", Kind.STRING, "k", Kind.INT, "mig", Kind.BOOL)),
    /** A packet for {@code q} came in by port {@code k}; {@code pm} its migration state after. */
    ApmReceive(Map.of("q", Kind.STRING, "k", Kind.INT, "mig", Kind.BOOL, "pm", Kind.STRING)),
    /** A modify loaded {@code q}'s alternate path with REARM. */
    ApmRearm(Map.of("q", Kind.STRING)),
    /** A modify migrated armed {@code q} at once. */
    ApmMigrateNow(Map.of("q", Kind.STRING)),
    /** {@code q}'s retries ran out and it migrated. */
    ApmExhaust(Map.of("q", Kind.STRING)),
    /** Path {@code k} failed. */
    ApmFailPath(Map.of("k", Kind.INT));

    /** The JSON kinds of fields. */
    /**
     * A field's JSON type. STRING fields name things (a state, an opcode, a command, a side),
     * so they are names: a letter or underscore, then at most 63 letters, digits, underscores,
     * dots or dashes.
     */
    public enum Kind {
        INT, STRING, BOOL, LIST, OBJECT
    }

    private static final java.util.regex.Pattern NAME =
            java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");

    private final Map<String, Kind> fields;

    TraceAction(Map<String, Kind> fields) {
        this.fields = fields;
    }

    public Map<String, Kind> fields() {
        return fields;
    }

    /** Whether this is an event of RcTransport (those before it are QpStateMachine's and WorkQueues'). */
    public boolean transport() {
        return between(ReqSend, ChanDupAck);
    }

    /** Whether this is an event of SqDrain. */
    public boolean sqDrain() {
        return between(Post, SqDrained);
    }

    /** Whether this is an event of HcaCommands. */
    public boolean hcaCommands() {
        return between(CmdIssue, CmdCatas);
    }

    /** Whether this is an event of UverbsDisassociate. */
    public boolean uverbsDisassociate() {
        return between(UvBeginCreate, UvRemoved);
    }

    /** Whether this is an event of PathMigration. */
    public boolean pathMigration() {
        return between(ApmSend, ApmFailPath);
    }

    private boolean between(TraceAction first, TraceAction last) {
        return ordinal() >= first.ordinal() && ordinal() <= last.ordinal();
    }

    /** Whether a trace of {@code spec} (one of {@link SpecTrace#SPECS}) may hold this event. */
    public boolean of(String spec) {
        return switch (spec) {
            case "RcTransport" -> transport();
            case "SqDrain" -> sqDrain();
            case "HcaCommands" -> hcaCommands();
            case "UverbsDisassociate" -> uverbsDisassociate();
            case "PathMigration" -> pathMigration();
            default -> ordinal() < ReqSend.ordinal();
        };
    }

    /** Whether a verb of this kind flushes inside the call when the QP is in ERR or SQE. */
    public boolean userVerb() {
        return this == UserModify || this == UserPostSend || this == UserPostRecv;
    }

    static boolean matches(Kind k, Object v) {
        return switch (k) {
            case INT -> v instanceof Long;
            case STRING -> v instanceof String name && NAME.matcher(name).matches();
            case BOOL -> v instanceof Boolean;
            case LIST -> v instanceof List<?>;
            case OBJECT -> v instanceof Map<?, ?>;
        };
    }
}
