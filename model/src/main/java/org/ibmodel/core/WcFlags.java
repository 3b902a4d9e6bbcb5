// include/rdma/ib_verbs.h: enum ib_wc_flags
package org.ibmodel.core;

/** Flags of a work completion. */
public final class WcFlags {
    public static final int GRH = 1;
    public static final int WITH_IMM = 1 << 1;
    public static final int WITH_INVALIDATE = 1 << 2;
    public static final int IP_CSUM_OK = 1 << 3;

    private WcFlags() {
    }
}
