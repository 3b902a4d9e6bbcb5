// drivers/infiniband/core/uverbs_cmd.c (uverbs_def_write_intf: every legacy command with its
// request and response structs) and drivers/infiniband/core/rdma_core.h (uapi_get_method)
package org.ibmodel.uverbs;

import static org.ibmodel.uverbs.abi.IbUserVerbs.*;

import org.ibmodel.core.DeviceOps;
import org.ibmodel.kernel.Errno;

/**
 * The command tables as data, legacy and extended: command number -> struct sizes and handler.
 * Of the extended commands EX_QUERY_DEVICE, EX_CREATE_CQ, EX_CREATE_QP, EX_MODIFY_QP and EX_MODIFY_CQ (on a
 * device with modify_cq) are here. Commands the table lists without a handler here (MODIFY_AH,
 * memory windows, XRC, rereg) are the kernel's "not supported" method for a device without those
 * ops: verify_hdr with a request size of 0, then -EOPNOTSUPP. ATTACH_MCAST and DETACH_MCAST need
 * the device's attach_mcast and detach_mcast (UAPI_DEF_METHOD_NEEDS_FN): on a device without them
 * they are that method too.
 */
public final class UverbsApi {
    // include/uapi/rdma/ib_user_verbs.h: enum { IB_USER_VERBS_CMD_GET_CONTEXT, ... }
    public static final int GET_CONTEXT = 0;
    public static final int QUERY_DEVICE = 1;
    public static final int QUERY_PORT = 2;
    public static final int ALLOC_PD = 3;
    public static final int DEALLOC_PD = 4;
    public static final int CREATE_AH = 5;
    public static final int MODIFY_AH = 6;
    public static final int QUERY_AH = 7;
    public static final int DESTROY_AH = 8;
    public static final int REG_MR = 9;
    public static final int REG_SMR = 10;
    public static final int REREG_MR = 11;
    public static final int QUERY_MR = 12;
    public static final int DEREG_MR = 13;
    public static final int ALLOC_MW = 14;
    public static final int BIND_MW = 15;
    public static final int DEALLOC_MW = 16;
    public static final int CREATE_COMP_CHANNEL = 17;
    public static final int CREATE_CQ = 18;
    public static final int RESIZE_CQ = 19;
    public static final int DESTROY_CQ = 20;
    public static final int POLL_CQ = 21;
    public static final int PEEK_CQ = 22;
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
    public static final int OPEN_XRCD = 37;
    public static final int CLOSE_XRCD = 38;
    public static final int CREATE_XSRQ = 39;
    public static final int OPEN_QP = 40;

    // enum { IB_USER_VERBS_EX_CMD_... }: the extended commands, four numbered as their legacy
    // counterparts, the rest from IB_USER_VERBS_CMD_THRESHOLD (50) on; EX_MODIFY_CQ is the last.
    public static final int EX_QUERY_DEVICE = QUERY_DEVICE;
    public static final int EX_CREATE_QP = CREATE_QP;
    public static final int EX_MODIFY_QP = MODIFY_QP;
    public static final int EX_CREATE_CQ = CREATE_CQ;
    public static final int EX_MODIFY_CQ = 57;

    /** IB_USER_VERBS_CMD_COMMAND_MASK */
    public static final int COMMAND_MASK = 0xff;
    /** IB_USER_VERBS_CMD_FLAG_EXTENDED, the top bit of the command word. */
    public static final int FLAG_EXTENDED = 0x8000_0000;

    private static final WriteMethod[] WRITE = new WriteMethod[OPEN_QP + 1];
    private static final WriteMethod[] WRITE_EX = new WriteMethod[EX_MODIFY_CQ + 1];
    /** ib_uverbs_notsupp; declared before the tables are filled with it. */
    private static final WriteMethod.Handler NOTSUPP = b -> Errno.EOPNOTSUPP.negative();

    private static void def(int cmd, String name, int req, int resp, boolean udata, WriteMethod.Handler h) {
        WRITE[cmd] = new WriteMethod(cmd, name, req, resp, udata, h);
    }

    static {
        def(GET_CONTEXT, "GET_CONTEXT", GetContext.SIZE, GetContextResp.SIZE, true, UverbsCmd::getContext);
        def(QUERY_DEVICE, "QUERY_DEVICE", QueryDevice.SIZE, QueryDeviceResp.SIZE, false, UverbsCmd::queryDevice);
        def(QUERY_PORT, "QUERY_PORT", QueryPort.SIZE, QueryPortResp.SIZE, false, UverbsCmd::queryPort);
        def(ALLOC_PD, "ALLOC_PD", AllocPd.SIZE, AllocPdResp.SIZE, true, UverbsCmd::allocPd);
        def(DEALLOC_PD, "DEALLOC_PD", DeallocPd.SIZE, 0, false, UverbsCmd::deallocPd);
        def(CREATE_AH, "CREATE_AH", CreateAh.SIZE, CreateAhResp.SIZE, true, UverbsCmd::createAh);
        def(DESTROY_AH, "DESTROY_AH", DestroyAh.SIZE, 0, false, UverbsCmd::destroyAh);
        def(REG_MR, "REG_MR", RegMr.SIZE, RegMrResp.SIZE, true, UverbsCmd::regMr);
        def(DEREG_MR, "DEREG_MR", DeregMr.SIZE, 0, false, UverbsCmd::deregMr);
        def(CREATE_COMP_CHANNEL, "CREATE_COMP_CHANNEL", CreateCompChannel.SIZE, CreateCompChannelResp.SIZE, false,
                UverbsCmd::createCompChannel);
        def(CREATE_CQ, "CREATE_CQ", CreateCq.SIZE, CreateCqResp.SIZE, true, UverbsCmd::createCq);
        def(RESIZE_CQ, "RESIZE_CQ", ResizeCq.SIZE, ResizeCqResp.SIZE, true, UverbsCmd::resizeCq);
        def(DESTROY_CQ, "DESTROY_CQ", DestroyCq.SIZE, DestroyCqResp.SIZE, false, UverbsCmd::destroyCq);
        def(POLL_CQ, "POLL_CQ", PollCq.SIZE, PollCqResp.SIZE, false, UverbsCmd::pollCq);
        def(REQ_NOTIFY_CQ, "REQ_NOTIFY_CQ", ReqNotifyCq.SIZE, 0, false, UverbsCmd::reqNotifyCq);
        def(CREATE_QP, "CREATE_QP", CreateQp.SIZE, CreateQpResp.SIZE, true, UverbsCmd::createQp);
        def(QUERY_QP, "QUERY_QP", QueryQp.SIZE, QueryQpResp.SIZE, false, UverbsCmd::queryQp);
        // UAPI_DEF_WRITE_I: the legacy MODIFY_QP carries no driver data, unlike MODIFY_SRQ.
        def(MODIFY_QP, "MODIFY_QP", ModifyQp.SIZE, 0, false, UverbsCmd::modifyQp);
        def(DESTROY_QP, "DESTROY_QP", DestroyQp.SIZE, DestroyQpResp.SIZE, false, UverbsCmd::destroyQp);
        def(POST_SEND, "POST_SEND", PostSend.SIZE, PostSendResp.SIZE, false, UverbsCmd::postSend);
        def(POST_RECV, "POST_RECV", PostRecv.SIZE, PostRecvResp.SIZE, false, UverbsCmd::postRecv);
        def(CREATE_SRQ, "CREATE_SRQ", CreateSrq.SIZE, CreateSrqResp.SIZE, true, UverbsCmd::createSrq);
        def(MODIFY_SRQ, "MODIFY_SRQ", ModifySrq.SIZE, 0, true, UverbsCmd::modifySrq);
        def(QUERY_SRQ, "QUERY_SRQ", QuerySrq.SIZE, QuerySrqResp.SIZE, false, UverbsCmd::querySrq);
        def(DESTROY_SRQ, "DESTROY_SRQ", DestroySrq.SIZE, DestroySrqResp.SIZE, false, UverbsCmd::destroySrq);
        def(POST_SRQ_RECV, "POST_SRQ_RECV", PostSrqRecv.SIZE, PostSrqRecvResp.SIZE, false, UverbsCmd::postSrqRecv);
        WRITE[ATTACH_MCAST] = new WriteMethod(ATTACH_MCAST, "ATTACH_MCAST", AttachMcast.SIZE, 0, false,
                UverbsCmd::attachMcast, DeviceOps::hasMulticast);
        WRITE[DETACH_MCAST] = new WriteMethod(DETACH_MCAST, "DETACH_MCAST", DetachMcast.SIZE, 0, false,
                UverbsCmd::detachMcast, DeviceOps::hasMulticast);
        for (int i = 0; i < WRITE.length; i++) {
            if (WRITE[i] == null) {
                WRITE[i] = notSupported(i);
            }
        }
        // UAPI_DEF_WRITE_IO_EX declares the request up to reserved and the response up to
        // response_length; uapi_create_write keeps neither size for an extended method, so no
        // write is refused for either (UverbsFile.verifyHdrEx).
        WRITE_EX[EX_QUERY_DEVICE] = new WriteMethod(EX_QUERY_DEVICE, "EX_QUERY_DEVICE", ExQueryDevice.SIZE,
                ExQueryDeviceResp.MIN_SIZE, false, UverbsCmd::exQueryDevice, ops -> true, true);
        WRITE_EX[EX_CREATE_QP] = new WriteMethod(EX_CREATE_QP, "EX_CREATE_QP", ExCreateQp.MIN_SIZE,
                ExCreateQpResp.SIZE, false, UverbsCmd::exCreateQp, ops -> true, true);
        WRITE_EX[EX_MODIFY_QP] = new WriteMethod(EX_MODIFY_QP, "EX_MODIFY_QP", ModifyQp.SIZE,
                ExModifyQpResp.SIZE, false, UverbsCmd::exModifyQp, ops -> true, true);
        WRITE_EX[EX_MODIFY_CQ] = new WriteMethod(EX_MODIFY_CQ, "EX_MODIFY_CQ", ExModifyCq.SIZE, 0, false,
                UverbsCmd::exModifyCq, DeviceOps::hasModifyCq, true);
        WRITE_EX[EX_CREATE_CQ] = new WriteMethod(EX_CREATE_CQ, "EX_CREATE_CQ", ExCreateCq.SIZE,
                ExCreateCqResp.SIZE, false, UverbsCmd::exCreateCq, ops -> true, true);
        // The kernel's other extended methods (flows, WQs and RSS tables) are not in the model:
        // the notsupp method.
        for (int i = 0; i < WRITE_EX.length; i++) {
            if (WRITE_EX[i] == null) {
                WRITE_EX[i] = notSupported(i);
            }
        }
    }

    /** uverbs_uapi.c: a command the device cannot serve gets the notsupp method. */
    static WriteMethod notSupported(int command) {
        return new WriteMethod(command, "NOTSUPP", 0, 0, false, NOTSUPP);
    }

    private UverbsApi() {
    }

    /** The method for a command word, or the errno uapi_get_method gives. */
    record Lookup(WriteMethod method, int err) {
    }

    /**
     * uapi_get_method: bits outside the command byte and the extended flag are -EINVAL; numbers
     * past the legacy or the device's extended table, -EOPNOTSUPP.
     */
    static Lookup method(int command, DeviceOps ops) {
        if ((command & ~(FLAG_EXTENDED | COMMAND_MASK)) != 0) {
            return new Lookup(null, Errno.EINVAL.negative());
        }
        int idx = command & COMMAND_MASK;
        boolean ex = (command & FLAG_EXTENDED) != 0;
        // OPEN_QP, the table's last, needs XRC (UVERBS_OBJECT_XRCD's dealloc_xrcd), which no
        // device of the model has: uapi_finalize_disable trims it off the end, so it is past the
        // table, where OPEN_XRCD and CLOSE_XRCD before it stay as the notsupp method.
        if (idx >= (ex ? numWriteEx(ops) : OPEN_QP)) {
            return new Lookup(null, Errno.EOPNOTSUPP.negative());
        }
        return new Lookup(ex ? WRITE_EX[idx] : WRITE[idx], 0);
    }

    /**
     * uapi_finalize: the extended table ends after the last method the device serves, since
     * uapi_finalize_disable deleted the ones it does not first. A device without modify_cq (nor
     * flows or WQs, which the model leaves out) ends at EX_MODIFY_QP, as rxe's does; the HCA's,
     * like mlx4's, at EX_MODIFY_CQ.
     */
    static int numWriteEx(DeviceOps ops) {
        for (int i = WRITE_EX.length - 1; i >= 0; i--) {
            if (WRITE_EX[i].handler() != NOTSUPP && WRITE_EX[i].servedBy(ops)) {
                return i + 1;
            }
        }
        return 0;
    }

    /** The extended table's entry for a command number, for tools and tests. */
    public static WriteMethod entryEx(int command) {
        return command >= 0 && command < WRITE_EX.length ? WRITE_EX[command] : null;
    }

    /** The table entry for a command number, for tools and tests. */
    public static WriteMethod entry(int command) {
        return command >= 0 && command < WRITE.length ? WRITE[command] : null;
    }

    public static int size() {
        return WRITE.length;
    }
}
