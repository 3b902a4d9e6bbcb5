// include/rdma/ib_verbs.h: enum ib_access_flags; rule from ib_check_mr_access in the same file
package org.ibmodel.core;

import org.ibmodel.kernel.Errno;

/** Memory and QP access flags with the kernel's values. */
public final class AccessFlags {
    public static final int LOCAL_WRITE = 1;
    public static final int REMOTE_WRITE = 1 << 1;
    public static final int REMOTE_READ = 1 << 2;
    public static final int REMOTE_ATOMIC = 1 << 3;
    public static final int MW_BIND = 1 << 4;
    public static final int ZERO_BASED = 1 << 5;
    public static final int ON_DEMAND = 1 << 6;
    public static final int HUGETLB = 1 << 7;
    public static final int FLUSH_GLOBAL = 1 << 8;
    public static final int FLUSH_PERSISTENT = 1 << 9;
    /** The optional range (IB_ACCESS_OPTIONAL): hints a device may ignore, relaxed ordering first. */
    public static final int RELAXED_ORDERING = 1 << 20;
    public static final int OPTIONAL = ((1 << 29) << 1) - 1 & ~(RELAXED_ORDERING - 1);

    /** IB_ACCESS_SUPPORTED: every flag up to FLUSH_PERSISTENT, and the optional range. */
    public static final int SUPPORTED = ((FLUSH_PERSISTENT << 1) - 1) | OPTIONAL;

    private AccessFlags() {
    }

    /**
     * ib_check_mr_access: remote write or remote atomic access requires local write (IBA
     * 10.6.3.1: the HCA writes into the region on the remote peer's behalf).
     *
     * @return 0 or a negative errno
     */
    public static int checkMrAccess(int flags) {
        if ((flags & (REMOTE_WRITE | REMOTE_ATOMIC)) != 0 && (flags & LOCAL_WRITE) == 0) {
            return Errno.EINVAL.negative();
        }
        if ((flags & ~SUPPORTED) != 0) {
            return Errno.EINVAL.negative();
        }
        // No device of the model pages on demand or has the FLUSH capabilities.
        if ((flags & (ON_DEMAND | FLUSH_GLOBAL | FLUSH_PERSISTENT)) != 0) {
            return Errno.EOPNOTSUPP.negative();
        }
        return 0;
    }

    public static String format(int flags) {
        StringBuilder sb = new StringBuilder();
        String[] names = {"LOCAL_WRITE", "REMOTE_WRITE", "REMOTE_READ", "REMOTE_ATOMIC", "MW_BIND",
            "ZERO_BASED", "ON_DEMAND"};
        for (int i = 0; i < names.length; i++) {
            if ((flags & (1 << i)) != 0) {
                sb.append(sb.length() > 0 ? " | " : "").append("IB_ACCESS_").append(names[i]);
            }
        }
        return sb.length() == 0 ? "0" : sb.toString();
    }
}
