// libibverbs/verbs.h: enum ibv_qp_state
package org.ibmodel.verbs;

/** The QP states in the order of enum ibv_qp_state; {@link #ordinal()} is the ABI value. */
public enum IbvQpState {
    RESET, INIT, RTR, RTS, SQD, SQE, ERR;

    static IbvQpState ofValue(int v) {
        return v >= 0 && v < values().length ? values()[v] : null;
    }
}
