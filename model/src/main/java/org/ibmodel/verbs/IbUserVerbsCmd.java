// include/uapi/rdma/ib_user_verbs.h (enum ib_uverbs_write_cmds), as rdma-core copies it into
// kernel-headers/rdma/ib_user_verbs.h: the legacy command numbers this library writes
package org.ibmodel.verbs;

/** The command word of struct ib_uverbs_cmd_hdr for each legacy command the library uses. */
public final class IbUserVerbsCmd {
    public static final int GET_CONTEXT = 0;
    public static final int QUERY_DEVICE = 1;
    public static final int QUERY_PORT = 2;
    public static final int ALLOC_PD = 3;
    public static final int DEALLOC_PD = 4;
    public static final int CREATE_AH = 5;
    public static final int DESTROY_AH = 8;
    public static final int REG_MR = 9;
    public static final int DEREG_MR = 13;
    public static final int CREATE_COMP_CHANNEL = 17;
    public static final int CREATE_CQ = 18;
    public static final int RESIZE_CQ = 19;
    public static final int DESTROY_CQ = 20;
    public static final int POLL_CQ = 21;
    public static final int REQ_NOTIFY_CQ = 23;
    public static final int CREATE_QP = 24;
    public static final int QUERY_QP = 25;
    public static final int MODIFY_QP = 26;
    public static final int DESTROY_QP = 27;
    public static final int POST_SEND = 28;
    public static final int POST_RECV = 29;
    public static final int ATTACH_MCAST = 30;
    public static final int DETACH_MCAST = 31;
    public static final int CREATE_SRQ = 32;
    public static final int MODIFY_SRQ = 33;
    public static final int QUERY_SRQ = 34;
    public static final int DESTROY_SRQ = 35;
    public static final int POST_SRQ_RECV = 36;
    /** Extended commands (IB_USER_VERBS_CMD_FLAG_EXTENDED), numbered in the extended table. */
    public static final int EX_QUERY_DEVICE = 1;
    public static final int EX_CREATE_QP = 24;
    public static final int EX_MODIFY_CQ = 57;

    private IbUserVerbsCmd() {
    }
}
