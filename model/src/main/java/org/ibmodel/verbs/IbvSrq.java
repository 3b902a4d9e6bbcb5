// libibverbs/verbs.h: struct ibv_srq; cmd.c ibv_cmd_post_srq_recv, ibv_cmd_modify_srq,
// ibv_cmd_query_srq, ibv_cmd_destroy_srq
package org.ibmodel.verbs;

import org.ibmodel.uverbs.abi.IbUserVerbs.DestroySrq;
import org.ibmodel.uverbs.abi.IbUserVerbs.DestroySrqResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.ModifySrq;
import org.ibmodel.uverbs.abi.IbUserVerbs.PostSrqRecv;
import org.ibmodel.uverbs.abi.IbUserVerbs.QuerySrq;
import org.ibmodel.uverbs.abi.IbUserVerbs.QuerySrqResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.RecvWr;

/** A shared receive queue. */
public final class IbvSrq {
    private final IbvPd pd;
    private final Object srqContext;
    private int handle;
    private long userHandle;
    int eventsCompleted;

    IbvSrq(IbvPd pd, Object srqContext) {
        this.pd = pd;
        this.srqContext = srqContext;
    }

    void created(int handle, long userHandle) {
        this.handle = handle;
        this.userHandle = userHandle;
    }

    public int handle() {
        return handle;
    }

    public Object srqContext() {
        return srqContext;
    }

    /** ibv_post_srq_recv: POST_SRQ_RECV. Returns 0 or errno, with {@code badWr[0]} on failure. */
    public int postRecv(IbvRecvWr wr, IbvRecvWr[] badWr) {
        java.util.List<IbvRecvWr> wrs = IbvQp.chain(wr);
        byte[] head = new PostSrqRecv().response(pd.context().resp()).srqHandle(handle).wrCount(wrs.size())
                .sgeCount(IbvQp.sgeCount(wrs)).wqeSize(RecvWr.SIZE).toBytes();
        return IbvQp.postRecv(pd.context(), IbUserVerbsCmd.POST_SRQ_RECV, head, wrs, badWr);
    }

    /**
     * ibv_modify_srq: MODIFY_SRQ with max_wr and srq_limit as {@code attr} has them and the
     * mask ({@link IbvSrqAttr#MAX_WR}, {@link IbvSrqAttr#LIMIT}); libmlx4 passes no driver data.
     * Returns 0 or errno.
     */
    public int modify(IbvSrqAttr attr, int attrMask) {
        return pd.context().execute(IbUserVerbsCmd.MODIFY_SRQ, new ModifySrq().srqHandle(handle).attrMask(attrMask)
                .maxWr(attr.maxWr).srqLimit(attr.srqLimit), 0);
    }

    /** ibv_query_srq: QUERY_SRQ; {@code attr} gets max_wr, max_sge and the limit. Returns 0 or errno. */
    public int query(IbvSrqAttr attr) {
        IbvContext ctx = pd.context();
        int ret = ctx.execute(IbUserVerbsCmd.QUERY_SRQ, new QuerySrq().response(ctx.resp()).srqHandle(handle),
                QuerySrqResp.SIZE);
        if (ret != 0) {
            return ret;
        }
        QuerySrqResp r = new QuerySrqResp(ctx.response(QuerySrqResp.SIZE), 0);
        attr.maxWr = r.maxWr();
        attr.maxSge = r.maxSge();
        attr.srqLimit = r.srqLimit();
        return 0;
    }

    /** ibv_destroy_srq: DESTROY_SRQ. Returns 0 or errno (EBUSY while a QP uses it). */
    public int destroy() {
        IbvContext ctx = pd.context();
        int ret = ctx.execute(IbUserVerbsCmd.DESTROY_SRQ, new DestroySrq().response(ctx.resp()).srqHandle(handle),
                DestroySrqResp.SIZE);
        if (ret != 0) {
            return ret;
        }
        int reported = new DestroySrqResp(ctx.response(DestroySrqResp.SIZE), 0).eventsReported();
        ctx.unregister(userHandle);
        if (reported != eventsCompleted) {
            throw new IllegalStateException("ibv_destroy_srq would wait forever: srq handle " + handle
                    + " has async events reported=" + reported + " acked=" + eventsCompleted);
        }
        return 0;
    }
}
