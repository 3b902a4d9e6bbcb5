// include/rdma/ib_verbs.h: enum ib_port_state
package org.ibmodel.core;

/** Logical port states with the kernel's values (ordinal). */
public enum PortState {
    NOP, DOWN, INIT, ARMED, ACTIVE, ACTIVE_DEFER;

    public String kernelName() {
        return "IB_PORT_" + name();
    }
}
