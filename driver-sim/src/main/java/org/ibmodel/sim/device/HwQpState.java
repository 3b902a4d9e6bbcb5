// docs/HCA.md §4.5: the state field holds an ib_qp_state value (include/rdma/ib_verbs.h)
package org.ibmodel.sim.device;

/** The device's own QP states; the ordinal is the value in the QP context. */
public enum HwQpState {
    RESET, INIT, RTR, RTS, SQD, SQE, ERR;

    /** States in which the device fetches and executes send WQEs. */
    public boolean sends() {
        return this == RTS;
    }
}
