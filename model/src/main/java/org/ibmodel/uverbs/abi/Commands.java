// include/uapi/rdma/ib_user_verbs.h: encoders for the legacy commands, as userspace builds them
package org.ibmodel.uverbs.abi;

import org.ibmodel.uverbs.UverbsApi;
import org.ibmodel.uverbs.abi.IbUserVerbs.*;

/**
 * The bytes of one write() per legacy command, with out_words sized to the response struct.
 * What rdma-core's execute_cmd_write would send, built only from the ABI structs.
 */
public final class Commands {
    private Commands() {
    }

    public static byte[] getContext(long resp) {
        return Command.write(UverbsApi.GET_CONTEXT, new GetContext().response(resp), GetContextResp.SIZE);
    }

    public static byte[] queryDevice(long resp) {
        return Command.write(UverbsApi.QUERY_DEVICE, new QueryDevice().response(resp), QueryDeviceResp.SIZE);
    }

    public static byte[] queryPort(long resp, int port) {
        return Command.write(UverbsApi.QUERY_PORT, new QueryPort().response(resp).portNum(port), QueryPortResp.SIZE);
    }

    public static byte[] allocPd(long resp) {
        return Command.write(UverbsApi.ALLOC_PD, new AllocPd().response(resp), AllocPdResp.SIZE);
    }

    public static byte[] deallocPd(int pd) {
        return Command.write(UverbsApi.DEALLOC_PD, new DeallocPd().pdHandle(pd), 0);
    }

    public static byte[] createAh(long resp, int pd, int port, int dlid) {
        CreateAh c = new CreateAh().response(resp).pdHandle(pd);
        c.attr().portNum(port).dlid(dlid);
        return Command.write(UverbsApi.CREATE_AH, c, CreateAhResp.SIZE);
    }

    public static byte[] destroyAh(int ah) {
        return Command.write(UverbsApi.DESTROY_AH, new DestroyAh().ahHandle(ah), 0);
    }

    public static byte[] regMr(long resp, int pd, long start, long length, long hcaVa, int access) {
        return Command.write(UverbsApi.REG_MR, new RegMr().response(resp).pdHandle(pd).start(start).length(length)
                .hcaVa(hcaVa).accessFlags(access), RegMrResp.SIZE);
    }

    public static byte[] deregMr(int mr) {
        return Command.write(UverbsApi.DEREG_MR, new DeregMr().mrHandle(mr), 0);
    }

    public static byte[] createCompChannel(long resp) {
        return Command.write(UverbsApi.CREATE_COMP_CHANNEL, new CreateCompChannel().response(resp),
                CreateCompChannelResp.SIZE);
    }

    public static byte[] createCq(long resp, long userHandle, int cqe, int compChannel) {
        return Command.write(UverbsApi.CREATE_CQ, new CreateCq().response(resp).userHandle(userHandle).cqe(cqe)
                .compChannel(compChannel), CreateCqResp.SIZE);
    }

    public static byte[] resizeCq(long resp, int cq, int cqe) {
        return Command.write(UverbsApi.RESIZE_CQ, new ResizeCq().response(resp).cqHandle(cq).cqe(cqe),
                ResizeCqResp.SIZE);
    }

    public static byte[] destroyCq(long resp, int cq) {
        return Command.write(UverbsApi.DESTROY_CQ, new DestroyCq().response(resp).cqHandle(cq), DestroyCqResp.SIZE);
    }

    public static byte[] pollCq(long resp, int cq, int ne) {
        return Command.write(UverbsApi.POLL_CQ, new PollCq().response(resp).cqHandle(cq).ne(ne),
                PollCqResp.SIZE + ne * Wc.SIZE);
    }

    public static byte[] reqNotifyCq(int cq, boolean solicitedOnly) {
        return Command.write(UverbsApi.REQ_NOTIFY_CQ, new ReqNotifyCq().cqHandle(cq).solicitedOnly(solicitedOnly ? 1 : 0), 0);
    }

    /** CREATE_QP; {@code srq} < 0 for none. */
    public static byte[] createQp(long resp, long userHandle, int pd, int sendCq, int recvCq, int srq, int qpType,
            int maxWr, int maxSge) {
        CreateQp c = new CreateQp().response(resp).userHandle(userHandle).pdHandle(pd).sendCqHandle(sendCq)
                .recvCqHandle(recvCq).qpType(qpType).maxSendWr(maxWr).maxRecvWr(srq >= 0 ? 0 : maxWr)
                .maxSendSge(maxSge).maxRecvSge(srq >= 0 ? 0 : maxSge).sqSigAll(1);
        if (srq >= 0) {
            c.isSrq(1).srqHandle(srq);
        }
        return Command.write(UverbsApi.CREATE_QP, c, CreateQpResp.SIZE);
    }

    public static byte[] queryQp(long resp, int qp, int mask) {
        return Command.write(UverbsApi.QUERY_QP, new QueryQp().response(resp).qpHandle(qp).attrMask(mask),
                QueryQpResp.SIZE);
    }

    public static byte[] modifyQp(ModifyQp m) {
        return Command.write(UverbsApi.MODIFY_QP, m, 0);
    }

    public static byte[] destroyQp(long resp, int qp) {
        return Command.write(UverbsApi.DESTROY_QP, new DestroyQp().response(resp).qpHandle(qp), DestroyQpResp.SIZE);
    }

    /** POST_SEND of one SEND (or the given opcode) WR with one SGE. */
    public static byte[] postSend(long resp, int qp, long wrId, int opcode, long addr, int length, int lkey) {
        PostSend c = new PostSend().response(resp).qpHandle(qp).wrCount(1).sgeCount(1).wqeSize(SendWr.SIZE);
        SendWr w = new SendWr().wrId(wrId).numSge(1).opcode(opcode).sendFlags(2);
        Sge s = new Sge().addr(addr).length(length).lkey(lkey);
        return Command.write(UverbsApi.POST_SEND, Command.concat(c.toBytes(), w.toBytes(), s.toBytes()),
                PostSendResp.SIZE);
    }

    /** POST_RECV of one WR with one SGE. */
    public static byte[] postRecv(long resp, int qp, long wrId, long addr, int length, int lkey) {
        PostRecv c = new PostRecv().response(resp).qpHandle(qp).wrCount(1).sgeCount(1).wqeSize(RecvWr.SIZE);
        return Command.write(UverbsApi.POST_RECV, Command.concat(c.toBytes(), new RecvWr().wrId(wrId).numSge(1).toBytes(),
                new Sge().addr(addr).length(length).lkey(lkey).toBytes()), PostRecvResp.SIZE);
    }

    public static byte[] postSrqRecv(long resp, int srq, long wrId, long addr, int length, int lkey) {
        PostSrqRecv c = new PostSrqRecv().response(resp).srqHandle(srq).wrCount(1).sgeCount(1).wqeSize(RecvWr.SIZE);
        return Command.write(UverbsApi.POST_SRQ_RECV, Command.concat(c.toBytes(),
                new RecvWr().wrId(wrId).numSge(1).toBytes(), new Sge().addr(addr).length(length).lkey(lkey).toBytes()),
                PostSrqRecvResp.SIZE);
    }

    public static byte[] createSrq(long resp, long userHandle, int pd, int maxWr, int maxSge) {
        return Command.write(UverbsApi.CREATE_SRQ, new CreateSrq().response(resp).userHandle(userHandle).pdHandle(pd)
                .maxWr(maxWr).maxSge(maxSge), CreateSrqResp.SIZE);
    }

    public static byte[] modifySrq(int srq, int mask, int maxWr, int limit) {
        return Command.write(UverbsApi.MODIFY_SRQ, new ModifySrq().srqHandle(srq).attrMask(mask).maxWr(maxWr)
                .srqLimit(limit), 0);
    }

    public static byte[] querySrq(long resp, int srq) {
        return Command.write(UverbsApi.QUERY_SRQ, new QuerySrq().response(resp).srqHandle(srq), QuerySrqResp.SIZE);
    }

    public static byte[] destroySrq(long resp, int srq) {
        return Command.write(UverbsApi.DESTROY_SRQ, new DestroySrq().response(resp).srqHandle(srq),
                DestroySrqResp.SIZE);
    }

    public static byte[] attachMcast(int qp) {
        return Command.write(UverbsApi.ATTACH_MCAST, new AttachMcast().qpHandle(qp), 0);
    }

    public static byte[] attachMcast(int qp, byte[] gid, int mlid) {
        return Command.write(UverbsApi.ATTACH_MCAST, new AttachMcast().qpHandle(qp).gid(gid).mlid(mlid), 0);
    }

    public static byte[] detachMcast(int qp) {
        return Command.write(UverbsApi.DETACH_MCAST, new DetachMcast().qpHandle(qp), 0);
    }

    public static byte[] detachMcast(int qp, byte[] gid, int mlid) {
        return Command.write(UverbsApi.DETACH_MCAST, new DetachMcast().qpHandle(qp).gid(gid).mlid(mlid), 0);
    }
}
