// include/rdma/ib_verbs.h: enum ib_cq_notify_flags
package org.ibmodel.core;

/** Flags of ib_req_notify_cq. */
public final class CqNotifyFlags {
    /** Arm for the next solicited (or error) completion. */
    public static final int SOLICITED = 1;
    /** Arm for the next completion of any kind. */
    public static final int NEXT_COMP = 1 << 1;
    public static final int SOLICITED_MASK = SOLICITED | NEXT_COMP;
    /** Ask for a positive return when completions may have been missed (the CQ is not empty). */
    public static final int REPORT_MISSED_EVENTS = 1 << 2;

    private CqNotifyFlags() {
    }
}
