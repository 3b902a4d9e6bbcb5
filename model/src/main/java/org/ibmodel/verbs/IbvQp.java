// libibverbs/verbs.h: struct ibv_qp; cmd.c ibv_cmd_modify_qp, ibv_cmd_query_qp,
// ibv_cmd_post_send, ibv_cmd_post_recv, ibv_cmd_destroy_qp
package org.ibmodel.verbs;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.kernel.Errno;
import org.ibmodel.uverbs.abi.IbUserVerbs.AttachMcast;
import org.ibmodel.uverbs.abi.IbUserVerbs.DestroyQp;
import org.ibmodel.uverbs.abi.IbUserVerbs.DestroyQpResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.DetachMcast;
import org.ibmodel.uverbs.abi.IbUserVerbs.ModifyQp;
import org.ibmodel.uverbs.abi.IbUserVerbs.PostRecv;
import org.ibmodel.uverbs.abi.IbUserVerbs.PostRecvResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.PostSend;
import org.ibmodel.uverbs.abi.IbUserVerbs.PostSendResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.QpDest;
import org.ibmodel.uverbs.abi.IbUserVerbs.QueryQp;
import org.ibmodel.uverbs.abi.IbUserVerbs.QueryQpResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.RecvWr;
import org.ibmodel.uverbs.abi.IbUserVerbs.SendWr;
import org.ibmodel.uverbs.abi.IbUserVerbs.Sge;

/** A queue pair. Its QPN comes from CREATE_QP (QUERY_QP does not report it). */
public final class IbvQp {
    private final IbvPd pd;
    // struct ibv_qp: what ibv_create_qp copies from the init attributes (create_qp_handle_resp_common),
    // so the caller may reuse them for another QP.
    private final Object qpContext;
    private final IbvCq sendCq;
    private final IbvCq recvCq;
    private final IbvSrq srq;
    private final int qpType;
    private int handle;
    private int qpNum;
    private long userHandle;
    private IbvQpState state = IbvQpState.RESET;
    int eventsCompleted;

    IbvQp(IbvPd pd, IbvQpInitAttr init) {
        this.pd = pd;
        this.qpContext = init.qpContext;
        this.sendCq = init.sendCq;
        this.recvCq = init.recvCq;
        this.srq = init.srq;
        this.qpType = init.qpType;
    }

    void created(int handle, int qpNum, long userHandle) {
        this.handle = handle;
        this.qpNum = qpNum;
        this.userHandle = userHandle;
    }

    public IbvPd pd() {
        return pd;
    }

    public IbvContext context() {
        return pd.context();
    }

    public Object qpContext() {
        return qpContext;
    }

    public int handle() {
        return handle;
    }

    /** qp_num */
    public int qpNum() {
        return qpNum;
    }

    /** The state as the library last set or queried it (struct ibv_qp.state). */
    public IbvQpState state() {
        return state;
    }

    /**
     * ibv_modify_qp: MODIFY_QP with the fields the mask names, as copy_modify_qp_fields fills
     * struct ib_uverbs_modify_qp (the rest zero); the kernel checks which fields the transition
     * needs. A bit from IBV_QP_RATE_LIMIT on only the extended command carries: EOPNOTSUPP with
     * nothing written (ibv_cmd_modify_qp). Returns 0 or errno.
     */
    public int modify(IbvQpAttr attr, int attrMask) {
        if ((attrMask & ~(IbvQpAttrMask.RATE_LIMIT - 1)) != 0) {
            return context().ibv().fail(Errno.EOPNOTSUPP.number());
        }
        ModifyQp m = new ModifyQp().qpHandle(handle).attrMask(attrMask);
        if (has(attrMask, IbvQpAttrMask.STATE)) {
            m.qpState(attr.qpState.ordinal());
        }
        if (has(attrMask, IbvQpAttrMask.CUR_STATE)) {
            m.curQpState(attr.curQpState.ordinal());
        }
        if (has(attrMask, IbvQpAttrMask.EN_SQD_ASYNC_NOTIFY)) {
            m.enSqdAsyncNotify(attr.enSqdAsyncNotify ? 1 : 0);
        }
        if (has(attrMask, IbvQpAttrMask.ACCESS_FLAGS)) {
            m.qpAccessFlags(attr.qpAccessFlags);
        }
        if (has(attrMask, IbvQpAttrMask.PKEY_INDEX)) {
            m.pkeyIndex(attr.pkeyIndex);
        }
        if (has(attrMask, IbvQpAttrMask.PORT)) {
            m.portNum(attr.portNum);
        }
        if (has(attrMask, IbvQpAttrMask.QKEY)) {
            m.qkey(attr.qkey);
        }
        if (has(attrMask, IbvQpAttrMask.AV)) {
            dest(m.dest(), attr.ahAttr);
        }
        if (has(attrMask, IbvQpAttrMask.PATH_MTU)) {
            m.pathMtu(attr.pathMtu);
        }
        if (has(attrMask, IbvQpAttrMask.TIMEOUT)) {
            m.timeout(attr.timeout);
        }
        if (has(attrMask, IbvQpAttrMask.RETRY_CNT)) {
            m.retryCnt(attr.retryCnt);
        }
        if (has(attrMask, IbvQpAttrMask.RNR_RETRY)) {
            m.rnrRetry(attr.rnrRetry);
        }
        if (has(attrMask, IbvQpAttrMask.RQ_PSN)) {
            m.rqPsn(attr.rqPsn);
        }
        if (has(attrMask, IbvQpAttrMask.MAX_QP_RD_ATOMIC)) {
            m.maxRdAtomic(attr.maxRdAtomic);
        }
        if (has(attrMask, IbvQpAttrMask.ALT_PATH)) {
            m.altPkeyIndex(attr.altPkeyIndex).altPortNum(attr.altPortNum).altTimeout(attr.altTimeout);
            dest(m.altDest(), attr.altAhAttr);
        }
        if (has(attrMask, IbvQpAttrMask.MIN_RNR_TIMER)) {
            m.minRnrTimer(attr.minRnrTimer);
        }
        if (has(attrMask, IbvQpAttrMask.SQ_PSN)) {
            m.sqPsn(attr.sqPsn);
        }
        if (has(attrMask, IbvQpAttrMask.MAX_DEST_RD_ATOMIC)) {
            m.maxDestRdAtomic(attr.maxDestRdAtomic);
        }
        if (has(attrMask, IbvQpAttrMask.PATH_MIG_STATE)) {
            m.pathMigState(attr.pathMigState);
        }
        if (has(attrMask, IbvQpAttrMask.DEST_QPN)) {
            m.destQpNum(attr.destQpNum);
        }
        int ret = context().execute(IbUserVerbsCmd.MODIFY_QP, m, 0);
        if (ret == 0 && has(attrMask, IbvQpAttrMask.STATE)) {
            state = attr.qpState;
        }
        return ret;
    }

    private static boolean has(int mask, int bit) {
        return (mask & bit) != 0;
    }

    private static void dest(QpDest d, IbvAhAttr a) {
        d.dlid(a.dlid).sl(a.sl).srcPathBits(a.srcPathBits).staticRate(a.staticRate).portNum(a.portNum)
                .isGlobal(a.isGlobal ? 1 : 0).dgid(a.dgid).flowLabel(a.flowLabel).sgidIndex(a.sgidIndex)
                .hopLimit(a.hopLimit).trafficClass(a.trafficClass);
    }

    private static void dest(IbvAhAttr a, QpDest d) {
        a.dgid = d.dgid();
        a.flowLabel = d.flowLabel();
        a.dlid = d.dlid();
        a.sgidIndex = d.sgidIndex();
        a.hopLimit = d.hopLimit();
        a.trafficClass = d.trafficClass();
        a.sl = d.sl();
        a.srcPathBits = d.srcPathBits();
        a.staticRate = d.staticRate();
        a.isGlobal = d.isGlobal() != 0;
        a.portNum = d.portNum();
    }

    /**
     * ibv_query_qp: QUERY_QP with the mask; {@code attr} gets the response and {@code initAttr}
     * (if given) the creation attributes with the current sizes, as ibv_cmd_query_qp fills both.
     * A bit from IBV_QP_RATE_LIMIT on is EOPNOTSUPP with nothing written, as for a modify.
     * Returns 0 or errno.
     */
    public int query(IbvQpAttr attr, int attrMask, IbvQpInitAttr initAttr) {
        if ((attrMask & ~(IbvQpAttrMask.RATE_LIMIT - 1)) != 0) {
            return context().ibv().fail(Errno.EOPNOTSUPP.number());
        }
        int ret = context().execute(IbUserVerbsCmd.QUERY_QP, new QueryQp().response(context().resp())
                .qpHandle(handle).attrMask(attrMask), QueryQpResp.SIZE);
        if (ret != 0) {
            return ret;
        }
        QueryQpResp r = new QueryQpResp(context().response(QueryQpResp.SIZE), 0);
        attr.qkey = r.qkey();
        attr.rqPsn = r.rqPsn();
        attr.sqPsn = r.sqPsn();
        attr.destQpNum = r.destQpNum();
        attr.qpAccessFlags = r.qpAccessFlags();
        attr.pkeyIndex = r.pkeyIndex();
        attr.altPkeyIndex = r.altPkeyIndex();
        attr.qpState = IbvQpState.ofValue(r.qpState());
        attr.curQpState = IbvQpState.ofValue(r.curQpState());
        attr.pathMtu = r.pathMtu();
        attr.pathMigState = r.pathMigState();
        attr.sqDraining = r.sqDraining() != 0;
        attr.maxRdAtomic = r.maxRdAtomic();
        attr.maxDestRdAtomic = r.maxDestRdAtomic();
        attr.minRnrTimer = r.minRnrTimer();
        attr.portNum = r.portNum();
        attr.timeout = r.timeout();
        attr.retryCnt = r.retryCnt();
        attr.rnrRetry = r.rnrRetry();
        attr.altPortNum = r.altPortNum();
        attr.altTimeout = r.altTimeout();
        attr.cap = new IbvQpCap(r.maxSendWr(), r.maxRecvWr(), r.maxSendSge(), r.maxRecvSge());
        attr.cap.maxInlineData = r.maxInlineData();
        dest(attr.ahAttr, r.dest());
        dest(attr.altAhAttr, r.altDest());
        // ibv_query_qp: ibv_qp's state is taken only when the mask asked for it.
        if (has(attrMask, IbvQpAttrMask.STATE) && attr.qpState != null) {
            state = attr.qpState;
        }
        if (initAttr != null) {
            initAttr.qpContext = qpContext;
            initAttr.sendCq = sendCq;
            initAttr.recvCq = recvCq;
            initAttr.srq = srq;
            initAttr.qpType = qpType;
            // ibv_cmd_query_qp fills attr->cap and init_attr->cap each.
            initAttr.cap = new IbvQpCap(attr.cap.maxSendWr, attr.cap.maxRecvWr, attr.cap.maxSendSge,
                    attr.cap.maxRecvSge);
            initAttr.cap.maxInlineData = attr.cap.maxInlineData;
            initAttr.sqSigAll = r.sqSigAll() != 0;
        }
        return 0;
    }

    /**
     * ibv_post_send: one POST_SEND carrying every request of the chain as struct
     * ib_uverbs_send_wr, then all their SGEs. On failure {@code badWr[0]} is the request the
     * kernel's bad_wr names (or the first, when it names none). Returns 0 or errno.
     */
    public int postSend(IbvSendWr wr, IbvSendWr[] badWr) {
        List<IbvSendWr> wrs = new ArrayList<>();
        List<IbvSge> sges = new ArrayList<>();
        for (IbvSendWr w = wr; w != null; w = w.next) {
            wrs.add(w);
            sges.addAll(w.sgList);
        }
        PostSend c = new PostSend().response(context().resp()).qpHandle(handle).wrCount(wrs.size())
                .sgeCount(sges.size()).wqeSize(SendWr.SIZE);
        byte[] body = new byte[PostSend.SIZE + wrs.size() * SendWr.SIZE + sges.size() * Sge.SIZE];
        System.arraycopy(c.toBytes(), 0, body, 0, PostSend.SIZE);
        for (int i = 0; i < wrs.size(); i++) {
            IbvSendWr w = wrs.get(i);
            SendWr k = new SendWr(body, PostSend.SIZE + i * SendWr.SIZE).wrId(w.wrId).numSge(w.sgList.size())
                    .opcode(w.opcode).sendFlags(w.sendFlags);
            if (w.opcode == IbvWrOpcode.SEND_WITH_INV) {
                k.invalidateRkey(w.immData);
            } else {
                k.immData(w.immData);
            }
            if (qpType == IbvQpType.UD) {
                k.ah(w.ah == null ? 0 : w.ah.handle()).remoteQpn(w.remoteQpn).remoteQkey(w.remoteQkey);
            } else if (IbvWrOpcode.isRdma(w.opcode)) {
                k.remoteAddr(w.remoteAddr).rkey(w.rkey);
            } else if (IbvWrOpcode.isAtomic(w.opcode)) {
                k.remoteAddr(w.remoteAddr).compareAdd(w.compareAdd).swap(w.swap).atomicRkey(w.rkey);
            }
        }
        sges(body, PostSend.SIZE + wrs.size() * SendWr.SIZE, sges);
        int ret = context().execute(IbUserVerbsCmd.POST_SEND, body, PostSendResp.SIZE);
        int bad = new PostSendResp(context().response(PostSendResp.SIZE), 0).badWr();
        badWr(wrs, bad, ret, badWr);
        return ret;
    }

    /** ibv_post_recv: one POST_RECV with the chain as struct ib_uverbs_recv_wr and their SGEs. */
    public int postRecv(IbvRecvWr wr, IbvRecvWr[] badWr) {
        List<IbvRecvWr> wrs = chain(wr);
        byte[] head = new PostRecv().response(context().resp()).qpHandle(handle).wrCount(wrs.size())
                .sgeCount(sgeCount(wrs)).wqeSize(RecvWr.SIZE).toBytes();
        return postRecv(context(), IbUserVerbsCmd.POST_RECV, head, wrs, badWr);
    }

    static List<IbvRecvWr> chain(IbvRecvWr wr) {
        List<IbvRecvWr> wrs = new ArrayList<>();
        for (IbvRecvWr w = wr; w != null; w = w.next) {
            wrs.add(w);
        }
        return wrs;
    }

    static int sgeCount(List<IbvRecvWr> wrs) {
        int n = 0;
        for (IbvRecvWr w : wrs) {
            n += w.sgList.size();
        }
        return n;
    }

    /**
     * POST_RECV and POST_SRQ_RECV: the command struct {@code head}, the receive WRs as struct
     * ib_uverbs_recv_wr, then their SGEs (ibv_cmd_post_recv, ibv_cmd_post_srq_recv).
     */
    static int postRecv(IbvContext ctx, int command, byte[] head, List<IbvRecvWr> wrs, IbvRecvWr[] badWr) {
        List<IbvSge> sges = new ArrayList<>();
        for (IbvRecvWr w : wrs) {
            sges.addAll(w.sgList);
        }
        byte[] body = new byte[head.length + wrs.size() * RecvWr.SIZE + sges.size() * Sge.SIZE];
        System.arraycopy(head, 0, body, 0, head.length);
        for (int i = 0; i < wrs.size(); i++) {
            new RecvWr(body, head.length + i * RecvWr.SIZE).wrId(wrs.get(i).wrId).numSge(wrs.get(i).sgList.size());
        }
        sges(body, head.length + wrs.size() * RecvWr.SIZE, sges);
        // struct ib_uverbs_post_recv_resp and ib_uverbs_post_srq_recv_resp: one u32 bad_wr.
        int ret = ctx.execute(command, body, PostRecvResp.SIZE);
        int bad = new PostRecvResp(ctx.response(PostRecvResp.SIZE), 0).badWr();
        badWr(wrs, bad, ret, badWr);
        return ret;
    }

    private static void sges(byte[] body, int off, List<IbvSge> sges) {
        for (int i = 0; i < sges.size(); i++) {
            IbvSge s = sges.get(i);
            new Sge(body, off + i * Sge.SIZE).addr(s.addr()).length(s.length()).lkey(s.lkey());
        }
    }

    /**
     * resp.bad_wr counts from 1; 0 with an error means the whole chain (the first request). A
     * post that succeeds leaves {@code out} as it was (ibv_cmd_post_send writes *bad_wr only then).
     */
    private static <T> void badWr(List<T> wrs, int bad, int ret, T[] out) {
        if (out == null || out.length == 0) {
            return;
        }
        if (bad > 0 && bad <= wrs.size()) {
            out[0] = wrs.get(bad - 1);
        } else if (ret != 0 && !wrs.isEmpty()) {
            out[0] = wrs.get(0);
        }
    }

    /**
     * ibv_attach_mcast (libibverbs/cmd.c ibv_cmd_attach_mcast): ATTACH_MCAST of the QP to the
     * group of {@code gid} and {@code lid}; nothing comes back. Returns 0 or errno.
     */
    public int attachMcast(byte[] gid, int lid) {
        return context().execute(IbUserVerbsCmd.ATTACH_MCAST, new AttachMcast().gid(gid).qpHandle(handle).mlid(lid), 0);
    }

    /** ibv_detach_mcast: DETACH_MCAST, as {@link #attachMcast}. Returns 0 or errno. */
    public int detachMcast(byte[] gid, int lid) {
        return context().execute(IbUserVerbsCmd.DETACH_MCAST, new DetachMcast().gid(gid).qpHandle(handle).mlid(lid), 0);
    }

    /**
     * ibv_destroy_qp: DESTROY_QP; the response's events_reported must all be acknowledged
     * before libibverbs returns. Returns 0 or errno.
     */
    public int destroy() {
        int ret = context().execute(IbUserVerbsCmd.DESTROY_QP, new DestroyQp().response(context().resp())
                .qpHandle(handle), DestroyQpResp.SIZE);
        if (ret != 0) {
            return ret;
        }
        int reported = new DestroyQpResp(context().response(DestroyQpResp.SIZE), 0).eventsReported();
        context().unregister(userHandle);
        if (reported != eventsCompleted) {
            throw new IllegalStateException("ibv_destroy_qp would wait forever: qp_num 0x" + Integer.toHexString(qpNum)
                    + " has async events reported=" + reported + " acked=" + eventsCompleted);
        }
        return 0;
    }

    @Override
    public String toString() {
        return "ibv_qp qp_num=0x" + Integer.toHexString(qpNum) + " handle=" + handle + " " + state;
    }
}
