// docs/HCA.md §4.5 (a QP's primary and alternate path) and §5.2 (a UD WQE's address vector):
// the same fields in three places, as mthca keeps struct mthca_qp_path for both paths
package org.ibmodel.hca;

import org.ibmodel.core.AhAttr;

/** Where an address vector's fields sit in a context or a WQE, and how it is written and read back. */
record AddressPath(Field dlid, Field sl, Field staticRate, Field srcPathBits, Field grh, Field sgidIndex,
        Field hopLimit, Field trafficClass, Field flowLabel, Field dgid) {

    static final AddressPath PRIMARY = new AddressPath(Hw.QpCtx.DLID, Hw.QpCtx.SL, Hw.QpCtx.STATIC_RATE,
            Hw.QpCtx.SRC_PATH_BITS, Hw.QpCtx.GRH, Hw.QpCtx.SGID_INDEX, Hw.QpCtx.HOP_LIMIT, Hw.QpCtx.TRAFFIC_CLASS,
            Hw.QpCtx.FLOW_LABEL, Hw.QpCtx.DGID);
    static final AddressPath ALTERNATE = new AddressPath(Hw.QpCtx.ALT_DLID, Hw.QpCtx.ALT_SL,
            Hw.QpCtx.ALT_STATIC_RATE, Hw.QpCtx.ALT_SRC_PATH_BITS, Hw.QpCtx.ALT_GRH, Hw.QpCtx.ALT_SGID_INDEX,
            Hw.QpCtx.ALT_HOP_LIMIT, Hw.QpCtx.ALT_TRAFFIC_CLASS, Hw.QpCtx.ALT_FLOW_LABEL, Hw.QpCtx.ALT_DGID);
    static final AddressPath DATAGRAM = new AddressPath(Hw.Datagram.DLID, Hw.Datagram.SL, Hw.Datagram.STATIC_RATE,
            Hw.Datagram.SRC_PATH_BITS, Hw.Datagram.GRH, Hw.Datagram.SGID_INDEX, Hw.Datagram.HOP_LIMIT,
            Hw.Datagram.TRAFFIC_CLASS, Hw.Datagram.FLOW_LABEL, Hw.Datagram.DGID);

    /** Writes {@code av} at {@code base}; its static rate as the device takes it (§5.9). */
    void write(byte[] b, int base, AhAttr av) {
        dlid.set(b, base, av.dlid());
        sl.set(b, base, av.sl());
        srcPathBits.set(b, base, av.srcPathBits());
        staticRate.set(b, base, HcaDriver.staticRate(av.staticRate()));
        if (av.grh() != null) {
            grh.set(b, base, 1);
            sgidIndex.set(b, base, av.grh().sgidIndex());
            hopLimit.set(b, base, av.grh().hopLimit());
            trafficClass.set(b, base, av.grh().trafficClass());
            flowLabel.set(b, base, av.grh().flowLabel());
            dgid.bytes(b, base, av.grh().dgid());
        }
    }

    /** The address vector at {@code base}, on port {@code port} (mthca_query_qp's to_rdma_ah_attr). */
    AhAttr read(byte[] b, int base, int port) {
        AhAttr.Grh g = !grh.isSet(b, base) ? null
                : new AhAttr.Grh(dgid.bytes(b, base), flowLabel.getInt(b, base), sgidIndex.getInt(b, base),
                        hopLimit.getInt(b, base), trafficClass.getInt(b, base));
        return new AhAttr(dlid.getInt(b, base), sl.getInt(b, base), srcPathBits.getInt(b, base),
                staticRate.getInt(b, base), port, g);
    }
}
