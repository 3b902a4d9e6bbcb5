// include/rdma/ib_verbs.h: struct rdma_ah_attr (IB type) and struct ib_global_route
package org.ibmodel.core;

/**
 * An address vector: where packets go. {@code grh} is null when no global route header is used
 * (on one subnet).
 */
public record AhAttr(int dlid, int sl, int srcPathBits, int staticRate, int portNum, Grh grh) {

    /** ib_global_route */
    public record Grh(byte[] dgid, int flowLabel, int sgidIndex, int hopLimit, int trafficClass) {
    }

    public static AhAttr lid(int portNum, int dlid) {
        return new AhAttr(dlid, 0, 0, 0, portNum, null);
    }
}
