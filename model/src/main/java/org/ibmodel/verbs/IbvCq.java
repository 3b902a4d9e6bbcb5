// libibverbs/verbs.h: struct ibv_cq, ibv_modify_cq; cmd.c ibv_cmd_poll_cq, ibv_cmd_req_notify_cq,
// ibv_cmd_resize_cq, ibv_cmd_destroy_cq, ibv_cmd_modify_cq; verbs.c ibv_ack_cq_events
package org.ibmodel.verbs;

import org.ibmodel.uverbs.abi.IbUserVerbs.DestroyCq;
import org.ibmodel.uverbs.abi.IbUserVerbs.DestroyCqResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.ExModifyCq;
import org.ibmodel.uverbs.abi.IbUserVerbs.PollCq;
import org.ibmodel.uverbs.abi.IbUserVerbs.PollCqResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.ReqNotifyCq;
import org.ibmodel.uverbs.abi.IbUserVerbs.ResizeCq;
import org.ibmodel.uverbs.abi.IbUserVerbs.ResizeCqResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.Wc;

/** A completion queue. */
public final class IbvCq {
    /** The most completions one POLL_CQ response fits in the context's response area. */
    static final int MAX_POLL = (IbvContext.RESP_BYTES - PollCqResp.SIZE) / Wc.SIZE;
    /** enum ibv_cq_attr_mask: IBV_CQ_ATTR_MODERATE and the first value past the known ones. */
    public static final int ATTR_MODERATE = 1;
    static final int ATTR_RESERVED = 2;

    private final IbvContext ctx;
    private final Object cqContext;
    private final IbvCompChannel channel;
    private int handle;
    private int cqe;
    private long userHandle;
    int compEventsCompleted;
    int asyncEventsCompleted;

    IbvCq(IbvContext ctx, Object cqContext, IbvCompChannel channel) {
        this.ctx = ctx;
        this.cqContext = cqContext;
        this.channel = channel;
    }

    void created(int handle, int cqe, long userHandle) {
        this.handle = handle;
        this.cqe = cqe;
        this.userHandle = userHandle;
        if (channel != null) {
            channel.refcnt++;
        }
    }

    public IbvContext context() {
        return ctx;
    }

    public Object cqContext() {
        return cqContext;
    }

    public IbvCompChannel channel() {
        return channel;
    }

    public int handle() {
        return handle;
    }

    /** The number of entries the kernel gave (at least what was asked). */
    public int cqe() {
        return cqe;
    }

    /**
     * ibv_poll_cq: POLL_CQ for up to {@code ne} completions (at most {@link #MAX_POLL} per
     * call), copied from struct ib_uverbs_wc into {@code wc}. Returns the count, or -1 with
     * errno set, as ibv_cmd_poll_cq.
     */
    public int poll(int ne, IbvWc[] wc) {
        int n = Math.min(Math.min(ne, wc.length), MAX_POLL);
        if (n < 0) {
            // ibv_cmd_poll_cq mallocs sizeof *resp + ne * sizeof(struct ib_uverbs_wc): a negative
            // size, which malloc refuses.
            ctx.ibv().fail(org.ibmodel.kernel.Errno.ENOMEM.number());
            return -1;
        }
        int size = PollCqResp.SIZE + n * Wc.SIZE;
        if (ctx.execute(IbUserVerbsCmd.POLL_CQ, new PollCq().response(ctx.resp()).cqHandle(handle).ne(n), size) != 0) {
            return -1;
        }
        byte[] b = ctx.response(size);
        int count = new PollCqResp(b, 0).count();
        for (int i = 0; i < count; i++) {
            Wc k = new Wc(b, PollCqResp.SIZE + i * Wc.SIZE);
            IbvWc w = wc[i] != null ? wc[i] : (wc[i] = new IbvWc());
            w.wrId = k.wrId();
            w.status = IbvWcStatus.ofValue(k.status());
            w.opcode = k.opcode();
            w.vendorErr = k.vendorErr();
            w.byteLen = k.byteLen();
            // ibv_cmd_poll_cq copies the ex union as it is; imm_data reads it as the __be32.
            w.immData = k.immData();
            w.qpNum = k.qpNum();
            w.srcQp = k.srcQp();
            w.wcFlags = k.wcFlags();
            w.pkeyIndex = k.pkeyIndex();
            w.slid = k.slid();
            w.sl = k.sl();
            w.dlidPathBits = k.dlidPathBits();
        }
        return count;
    }

    /** ibv_req_notify_cq: REQ_NOTIFY_CQ. Returns 0 or errno. */
    public int reqNotify(boolean solicitedOnly) {
        return ctx.execute(IbUserVerbsCmd.REQ_NOTIFY_CQ,
                new ReqNotifyCq().cqHandle(handle).solicitedOnly(solicitedOnly ? 1 : 0), 0);
    }

    /**
     * ibv_modify_cq with IBV_CQ_ATTR_MODERATE: the completion event held back until
     * {@code cqCount} completions or {@code cqPeriod} µs (ibv_cmd_modify_cq, as libmlx4's
     * modify_cq calls it). {@code attrMask} from IBV_CQ_ATTR_RESERVED on is EINVAL before any
     * command. Returns 0 or errno.
     */
    public int modify(int attrMask, int cqCount, int cqPeriod) {
        if (Integer.compareUnsigned(attrMask, ATTR_RESERVED) >= 0) {
            return ctx.ibv().fail(IbvContext.EINVAL);
        }
        return ctx.executeExReq(IbUserVerbsCmd.EX_MODIFY_CQ, new ExModifyCq().cqHandle(handle).attrMask(attrMask)
                .cqCount(cqCount).cqPeriod(cqPeriod));
    }

    /**
     * ibv_resize_cq: RESIZE_CQ for at least {@code cqe} entries; on success {@link #cqe()} is what
     * the kernel's response says the CQ now has. The completions not yet polled stay. Returns 0 or
     * errno (EINVAL for a size the device cannot take or one too small for them).
     */
    public int resize(int cqe) {
        int ret = ctx.execute(IbUserVerbsCmd.RESIZE_CQ, new ResizeCq().response(ctx.resp()).cqHandle(handle).cqe(cqe),
                ResizeCqResp.SIZE);
        if (ret == 0) {
            this.cqe = new ResizeCqResp(ctx.response(ResizeCqResp.SIZE), 0).cqe();
        }
        return ret;
    }

    /** ibv_ack_cq_events: acknowledge {@code nevents} events got from the channel. */
    public void ackEvents(int nevents) {
        compEventsCompleted += nevents;
    }

    /**
     * ibv_destroy_cq: DESTROY_CQ, whose response says how many completion and async events the
     * kernel reported for the CQ; libibverbs then waits until all of them are acknowledged.
     * Returns 0 or errno (EBUSY while a QP uses the CQ).
     */
    public int destroy() {
        int ret = ctx.execute(IbUserVerbsCmd.DESTROY_CQ, new DestroyCq().response(ctx.resp()).cqHandle(handle),
                DestroyCqResp.SIZE);
        if (ret != 0) {
            return ret;
        }
        DestroyCqResp r = new DestroyCqResp(ctx.response(DestroyCqResp.SIZE), 0);
        ctx.unregister(userHandle);
        if (channel != null) {
            channel.refcnt--;
        }
        if (r.compEventsReported() != compEventsCompleted || r.asyncEventsReported() != asyncEventsCompleted) {
            throw new IllegalStateException("ibv_destroy_cq would wait forever: cq handle " + handle
                    + " has comp events reported=" + r.compEventsReported() + " acked=" + compEventsCompleted
                    + ", async reported=" + r.asyncEventsReported() + " acked=" + asyncEventsCompleted);
        }
        return 0;
    }

    @Override
    public String toString() {
        return "ibv_cq handle=" + handle + " cqe=" + cqe;
    }
}
