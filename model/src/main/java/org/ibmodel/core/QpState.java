// include/rdma/ib_verbs.h: enum ib_qp_state
package org.ibmodel.core;

/** QP states in the kernel's order; {@link #ordinal()} equals the kernel's value. */
public enum QpState {
    RESET, INIT, RTR, RTS, SQD, SQE, ERR;

    /** The kernel's enumerator name, e.g. {@code IB_QPS_RTS}. */
    public String kernelName() {
        return "IB_QPS_" + name();
    }

    public static QpState ofValue(int value) {
        QpState[] all = values();
        if (value < 0 || value >= all.length) {
            throw new IllegalArgumentException("no ib_qp_state " + value);
        }
        return all[value];
    }
}
