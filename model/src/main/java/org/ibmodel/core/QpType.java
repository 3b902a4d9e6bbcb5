// include/rdma/ib_verbs.h: enum ib_qp_type
package org.ibmodel.core;

/**
 * QP types with the kernel's values. The model creates SMI, GSI, RC, UC and UD QPs; the XRC and
 * raw packet types exist so that the state table holds every row the kernel's does.
 */
public enum QpType {
    SMI(0, true),
    GSI(1, true),
    RC(2, true),
    UC(3, true),
    UD(4, true),
    RAW_PACKET(8, false),
    XRC_INI(9, false),
    XRC_TGT(10, false);

    private final int value;
    private final boolean supported;

    QpType(int value, boolean supported) {
        this.value = value;
        this.supported = supported;
    }

    /** The kernel's numeric value. */
    public int value() {
        return value;
    }

    /** Whether the model can create a QP of this type. */
    public boolean supported() {
        return supported;
    }

    /** Connected types carry a destination QPN and PSNs per connection. */
    public boolean connected() {
        return this == RC || this == UC || this == XRC_INI || this == XRC_TGT;
    }

    /** Datagram types address each send through an AH and check a Q_Key. */
    public boolean datagram() {
        return this == UD || this == GSI || this == SMI;
    }

    public String kernelName() {
        return "IB_QPT_" + name();
    }
}
