// libibverbs/verbs.c and cmd.c: struct ibv_pd and the verbs that take a PD
package org.ibmodel.verbs;

import org.ibmodel.uverbs.abi.IbUserVerbs.AhAttr;
import org.ibmodel.uverbs.abi.IbUserVerbs.CreateAh;
import org.ibmodel.uverbs.abi.IbUserVerbs.CreateAhResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.CreateQp;
import org.ibmodel.uverbs.abi.IbUserVerbs.CreateQpResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.CreateSrq;
import org.ibmodel.uverbs.abi.IbUserVerbs.CreateSrqResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.DeallocPd;
import org.ibmodel.uverbs.abi.IbUserVerbs.ExCreateQp;
import org.ibmodel.uverbs.abi.IbUserVerbs.ExCreateQpResp;
import org.ibmodel.uverbs.abi.IbUserVerbs.RegMr;
import org.ibmodel.uverbs.abi.IbUserVerbs.RegMrResp;

/** A protection domain: a handle in the context's file. */
public final class IbvPd {
    private final IbvContext ctx;
    private final int handle;

    IbvPd(IbvContext ctx, int handle) {
        this.ctx = ctx;
        this.handle = handle;
    }

    public IbvContext context() {
        return ctx;
    }

    public int handle() {
        return handle;
    }

    /** ibv_dealloc_pd: DEALLOC_PD. Returns 0 or errno (EBUSY while objects use the PD). */
    public int dealloc() {
        return ctx.execute(IbUserVerbsCmd.DEALLOC_PD, new DeallocPd().pdHandle(handle), 0);
    }

    /**
     * ibv_reg_mr: REG_MR over [addr, addr+length) of the process's memory with hca_va = addr
     * (ibv_reg_mr registers at the buffer's own address).
     */
    public IbvMr regMr(long addr, long length, int access) {
        // ibv_cmd_reg_mr: on demand over the whole address space (length SIZE_MAX) is implicit
        // ODP, which takes no address; one given is refused before any write().
        if ((access & IbvAccessFlags.ON_DEMAND) != 0 && length == -1L && addr != 0) {
            return ctx.ibv().failNull(IbvContext.EINVAL);
        }
        int ret = ctx.execute(IbUserVerbsCmd.REG_MR, new RegMr().response(ctx.resp()).start(addr).length(length)
                .hcaVa(addr).pdHandle(handle).accessFlags(access), RegMrResp.SIZE);
        if (ret != 0) {
            return null;
        }
        RegMrResp r = new RegMrResp(ctx.response(RegMrResp.SIZE), 0);
        return new IbvMr(this, r.mrHandle(), r.lkey(), r.rkey(), addr, length);
    }

    /**
     * ibv_create_qp: CREATE_QP (ibv_cmd_create_qp): the PD, both CQs, the SRQ if any, the asked
     * sizes, sq_sig_all and the type; the response's sizes are written back to {@code attr.cap}.
     */
    public IbvQp createQp(IbvQpInitAttr attr) {
        if (attr.sendCq == null || attr.recvCq == null) {
            return ctx.ibv().failNull(IbvContext.EINVAL);
        }
        // ibv_cmd_create_qp_ex2: a flag the library does not know is refused before any write().
        if ((attr.createFlags & ~IbvQpInitAttr.CREATE_QP_EX2_SUP_CREATE_FLAGS) != 0) {
            return ctx.ibv().failNull(IbvContext.EINVAL);
        }
        IbvQp qp = new IbvQp(this, attr);
        long uh = ctx.register(qp);
        if (attr.createFlags != 0) {
            return createQpEx(qp, uh, attr);
        }
        CreateQp c = new CreateQp().response(ctx.resp()).userHandle(uh).pdHandle(handle)
                .sendCqHandle(attr.sendCq.handle()).recvCqHandle(attr.recvCq.handle())
                .maxSendWr(attr.cap.maxSendWr).maxRecvWr(attr.cap.maxRecvWr).maxSendSge(attr.cap.maxSendSge)
                .maxRecvSge(attr.cap.maxRecvSge).maxInlineData(attr.cap.maxInlineData)
                .sqSigAll(attr.sqSigAll ? 1 : 0).qpType(attr.qpType);
        if (attr.srq != null) {
            c.isSrq(1).srqHandle(attr.srq.handle());
        }
        if (ctx.execute(IbUserVerbsCmd.CREATE_QP, c, CreateQpResp.SIZE) != 0) {
            ctx.unregister(uh);
            return null;
        }
        return created(qp, uh, attr, new CreateQpResp(ctx.response(CreateQpResp.SIZE), 0));
    }

    /** The granted sizes written back to {@code attr.cap}, and the QP given its handle and QPN. */
    private static IbvQp created(IbvQp qp, long uh, IbvQpInitAttr attr, CreateQpResp r) {
        attr.cap.maxSendWr = r.maxSendWr();
        attr.cap.maxRecvWr = r.maxRecvWr();
        attr.cap.maxSendSge = r.maxSendSge();
        attr.cap.maxRecvSge = r.maxRecvSge();
        attr.cap.maxInlineData = r.maxInlineData();
        qp.created(r.qpHandle(), r.qpn(), uh);
        return qp;
    }

    /**
     * ibv_create_qp_ex with create flags: EX_CREATE_QP (ibv_cmd_create_qp_ex2 over write(), as
     * libmlx4 sends it when create flags are asked for), the base of its response as CREATE_QP's.
     */
    private IbvQp createQpEx(IbvQp qp, long uh, IbvQpInitAttr attr) {
        ExCreateQp c = new ExCreateQp().userHandle(uh).pdHandle(handle)
                .sendCqHandle(attr.sendCq.handle()).recvCqHandle(attr.recvCq.handle())
                .maxSendWr(attr.cap.maxSendWr).maxRecvWr(attr.cap.maxRecvWr).maxSendSge(attr.cap.maxSendSge)
                .maxRecvSge(attr.cap.maxRecvSge).maxInlineData(attr.cap.maxInlineData)
                .sqSigAll(attr.sqSigAll ? 1 : 0).qpType(attr.qpType).createFlags(attr.createFlags);
        if (attr.srq != null) {
            c.isSrq(1).srqHandle(attr.srq.handle());
        }
        if (ctx.executeEx(IbUserVerbsCmd.EX_CREATE_QP, c, ExCreateQpResp.SIZE) != 0) {
            ctx.unregister(uh);
            return null;
        }
        return created(qp, uh, attr, new ExCreateQpResp(ctx.response(ExCreateQpResp.SIZE), 0).base());
    }

    /** ibv_create_srq: CREATE_SRQ (ibv_cmd_create_srq); the granted sizes come back in {@code attr}. */
    public IbvSrq createSrq(Object srqContext, IbvSrqAttr attr) {
        IbvSrq srq = new IbvSrq(this, srqContext);
        long uh = ctx.register(srq);
        if (ctx.execute(IbUserVerbsCmd.CREATE_SRQ, new CreateSrq().response(ctx.resp()).userHandle(uh)
                .pdHandle(handle).maxWr(attr.maxWr).maxSge(attr.maxSge).srqLimit(attr.srqLimit),
                CreateSrqResp.SIZE) != 0) {
            ctx.unregister(uh);
            return null;
        }
        CreateSrqResp r = new CreateSrqResp(ctx.response(CreateSrqResp.SIZE), 0);
        attr.maxWr = r.maxWr();
        attr.maxSge = r.maxSge();
        srq.created(r.srqHandle(), uh);
        return srq;
    }

    /** ibv_create_ah: CREATE_AH with the address vector as struct ib_uverbs_ah_attr. */
    public IbvAh createAh(IbvAhAttr attr) {
        CreateAh c = new CreateAh().response(ctx.resp()).pdHandle(handle);
        AhAttr a = c.attr();
        a.dlid(attr.dlid).sl(attr.sl).srcPathBits(attr.srcPathBits).staticRate(attr.staticRate)
                .portNum(attr.portNum).isGlobal(attr.isGlobal ? 1 : 0);
        if (attr.isGlobal) {
            a.dgid(attr.dgid).flowLabel(attr.flowLabel).sgidIndex(attr.sgidIndex).hopLimit(attr.hopLimit)
                    .trafficClass(attr.trafficClass);
        }
        if (ctx.execute(IbUserVerbsCmd.CREATE_AH, c, CreateAhResp.SIZE) != 0) {
            return null;
        }
        return new IbvAh(this, new CreateAhResp(ctx.response(CreateAhResp.SIZE), 0).ahHandle());
    }

    @Override
    public String toString() {
        return "ibv_pd handle=" + handle;
    }
}
