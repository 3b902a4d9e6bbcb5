// include/rdma/ib_mad.h: struct ib_mad_reg_req
package org.ibmodel.core.mad;

import java.util.BitSet;

/**
 * What an agent asks to receive: requests of one management class and class version, with any
 * of {@code methods} (0 to 127); for a class of the vendor range 0x30-0x4F, those of one OUI.
 */
public record MadRegReq(int mgmtClass, int classVersion, BitSet methods, int oui) {
    /** IB_MGMT_MAX_METHODS. */
    public static final int MAX_METHODS = 128;

    public static MadRegReq of(int mgmtClass, int classVersion, int... methods) {
        BitSet set = new BitSet(MAX_METHODS);
        for (int m : methods) {
            set.set(m);
        }
        return new MadRegReq(mgmtClass, classVersion, set, 0);
    }
}
