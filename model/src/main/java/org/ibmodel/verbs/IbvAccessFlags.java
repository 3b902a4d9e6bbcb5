// libibverbs/verbs.h: enum ibv_access_flags
package org.ibmodel.verbs;

/** Access rights of a memory region or a QP. */
public final class IbvAccessFlags {
    public static final int LOCAL_WRITE = 1;
    public static final int REMOTE_WRITE = 1 << 1;
    public static final int REMOTE_READ = 1 << 2;
    public static final int REMOTE_ATOMIC = 1 << 3;
    public static final int MW_BIND = 1 << 4;
    /** IBV_ACCESS_ON_DEMAND: on-demand paging (the model's devices offer none). */
    public static final int ON_DEMAND = 1 << 6;

    private IbvAccessFlags() {
    }
}
