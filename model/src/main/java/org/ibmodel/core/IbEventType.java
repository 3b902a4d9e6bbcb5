// include/rdma/ib_verbs.h: enum ib_event_type; messages from drivers/infiniband/core/verbs.c
package org.ibmodel.core;

/** Asynchronous event types with the kernel's values (ordinal) and ib_event_msg text. */
public enum IbEventType {
    CQ_ERR("CQ error", Scope.CQ),
    QP_FATAL("QP fatal error", Scope.QP),
    QP_REQ_ERR("QP request error", Scope.QP),
    QP_ACCESS_ERR("QP access error", Scope.QP),
    COMM_EST("communication established", Scope.QP),
    SQ_DRAINED("send queue drained", Scope.QP),
    PATH_MIG("path migration successful", Scope.QP),
    PATH_MIG_ERR("path migration error", Scope.QP),
    DEVICE_FATAL("device fatal error", Scope.DEVICE),
    PORT_ACTIVE("port active", Scope.PORT),
    PORT_ERR("port error", Scope.PORT),
    LID_CHANGE("LID change", Scope.PORT),
    PKEY_CHANGE("P_key change", Scope.PORT),
    SM_CHANGE("SM change", Scope.PORT),
    SRQ_ERR("SRQ error", Scope.SRQ),
    SRQ_LIMIT_REACHED("SRQ limit reached", Scope.SRQ),
    QP_LAST_WQE_REACHED("last WQE reached", Scope.QP),
    CLIENT_REREGISTER("client reregister", Scope.PORT),
    GID_CHANGE("GID changed", Scope.PORT);

    /** What the event's element names: the union ib_event.element. */
    public enum Scope { CQ, QP, SRQ, PORT, DEVICE }

    private final String message;
    private final Scope scope;

    IbEventType(String message, Scope scope) {
        this.message = message;
        this.scope = scope;
    }

    /** ib_event_msg() */
    public String message() {
        return message;
    }

    public Scope scope() {
        return scope;
    }

    public String kernelName() {
        return "IB_EVENT_" + name();
    }
}
