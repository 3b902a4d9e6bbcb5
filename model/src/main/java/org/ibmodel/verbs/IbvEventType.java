// libibverbs/verbs.h: enum ibv_event_type
package org.ibmodel.verbs;

/** Async event types; {@link #ordinal()} is the ABI value, and the scope says what element names. */
public enum IbvEventType {
    CQ_ERR(Scope.CQ),
    QP_FATAL(Scope.QP),
    QP_REQ_ERR(Scope.QP),
    QP_ACCESS_ERR(Scope.QP),
    COMM_EST(Scope.QP),
    SQ_DRAINED(Scope.QP),
    PATH_MIG(Scope.QP),
    PATH_MIG_ERR(Scope.QP),
    DEVICE_FATAL(Scope.DEVICE),
    PORT_ACTIVE(Scope.PORT),
    PORT_ERR(Scope.PORT),
    LID_CHANGE(Scope.PORT),
    PKEY_CHANGE(Scope.PORT),
    SM_CHANGE(Scope.PORT),
    SRQ_ERR(Scope.SRQ),
    SRQ_LIMIT_REACHED(Scope.SRQ),
    QP_LAST_WQE_REACHED(Scope.QP),
    CLIENT_REREGISTER(Scope.PORT),
    GID_CHANGE(Scope.PORT);

    /** Which member of ibv_async_event.element the event carries (ibv_get_async_event). */
    public enum Scope {
        CQ, QP, SRQ, PORT, DEVICE
    }

    private final Scope scope;

    IbvEventType(Scope scope) {
        this.scope = scope;
    }

    public Scope scope() {
        return scope;
    }

    static IbvEventType ofValue(int v) {
        return v >= 0 && v < values().length ? values()[v] : null;
    }
}
