// drivers/infiniband/core/uverbs_cmd.c: the handlers of the legacy write() commands
package org.ibmodel.uverbs;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.CqNotifyFlags;
import org.ibmodel.core.DeviceAttr;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.IbEvent;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.Pd;
import org.ibmodel.core.PortAttr;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.Result;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.SigType;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcFlags;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.OpenFile;
import org.ibmodel.kernel.Task;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.mm.UserAddressSpace;
import org.ibmodel.uverbs.abi.IbUserVerbs;
import org.ibmodel.uverbs.abi.IbUserVerbs.*;

/**
 * One handler per legacy command, in the order of the kernel file. Each one parses its struct,
 * resolves handles in the calling file only, calls ib_core, and writes its response; a handler
 * that creates an object leaves it in {@link Bundle#uobject}, which the write path commits on
 * success and aborts (destroying it again) on any error, the response copy's -EFAULT included.
 */
final class UverbsCmd {
    /** IB_USER_LEGACY_LAST_QP_ATTR_MASK: the legacy MODIFY_QP takes masks up to IB_QP_DEST_QPN. */
    static final int LEGACY_LAST_QP_ATTR_MASK = QpAttrMask.DEST_QPN.bit();
    /** IB_LINK_LAYER_INFINIBAND */
    static final int LINK_LAYER_INFINIBAND = 1;

    private UverbsCmd() {
    }

    private static int[] e() {
        return new int[1];
    }

    /**
     * ib_uverbs_get_ucontext_file: every command but GET_CONTEXT needs the file's context:
     * -EIO once the device was taken away (disassociated), -EINVAL before GET_CONTEXT.
     */
    private static int ucontext(Bundle b) {
        if (b.file.device().disassociated()) {
            return Errno.EIO.negative();
        }
        return b.file.hasContext() ? 0 : Errno.EINVAL.negative();
    }

    private static IbDevice dev(Bundle b) {
        return b.file.ibDevice();
    }

    static int getContext(Bundle b) {
        int[] err = e();
        b.request(GetContext.SIZE, err);
        if (err[0] != 0) {
            return err[0];
        }
        // ib_alloc_ucontext: -EIO once the device is gone.
        if (b.file.device().disassociated()) {
            return Errno.EIO.negative();
        }
        UObject u = b.file.allocFd(UObjectType.ASYNC_EVENT, b.task);
        b.uobject = u;
        UverbsEventFile f = new UverbsEventFile(b.file, u, false);
        u.object = f;
        // The response goes out before ib_init_ucontext looks at the file: a second GET_CONTEXT
        // writes the fd it then gives back, and a faulting response leaves no context behind.
        int ret = b.response(new GetContextResp().asyncFd(u.id()).numCompVectors(b.file.device().numCompVectors())
                .toBytes());
        if (ret != 0) {
            return ret;
        }
        // ib_init_ucontext: a file has one context, and the driver's alloc_ucontext may refuse it.
        if (b.file.hasContext()) {
            return Errno.EINVAL.negative();
        }
        ret = dev(b).ops().allocUcontext();
        if (ret != 0) {
            return ret;
        }
        b.file.setContext();
        // ib_uverbs_init_async_event_file
        b.file.asyncFile(f);
        f.registerPortEvents();
        return 0;
    }

    static int queryDevice(Bundle b) {
        // ib_uverbs_query_device: the context first, then the request.
        int ctxErr = ucontext(b);
        if (ctxErr != 0) {
            return ctxErr;
        }
        int[] err = e();
        b.request(QueryDevice.SIZE, err);
        if (err[0] != 0) {
            return err[0];
        }
        return b.response(deviceFields(dev(b)).toBytes());
    }

    /**
     * copy_query_dev_fields; ib_core's model has no EE, RDD, MW or raw QP limits, which report 0
     * (none), and the response has no masked atomics or fast registration.
     */
    private static QueryDeviceResp deviceFields(IbDevice d) {
        DeviceAttr a = d.attr();
        return new QueryDeviceResp()
                .fwVer(a.fwVer).nodeGuid(d.nodeGuid()).sysImageGuid(a.sysImageGuid)
                .maxMrSize(a.maxMrSize).pageSizeCap(a.pageSizeCap)
                .vendorId(a.vendorId).vendorPartId(a.vendorPartId).hwVer(a.hwVer)
                .maxQp(a.maxQp).maxQpWr(a.maxQpWr).deviceCapFlags((int) a.deviceCapFlags)
                .maxSge(Math.min(a.maxSendSge, a.maxRecvSge)).maxSgeRd(a.maxSgeRd)
                .maxCq(a.maxCq).maxCqe(a.maxCqe).maxMr(a.maxMr).maxPd(a.maxPd)
                .maxQpRdAtom(a.maxQpRdAtom).maxQpInitRdAtom(a.maxQpInitRdAtom).maxResRdAtom(a.maxResRdAtom)
                .atomicCap(a.atomicCap)
                .maxAh(a.maxAh).maxSrq(a.maxSrq).maxSrqWr(a.maxSrqWr).maxSrqSge(a.maxSrqSge)
                .maxPkeys(a.maxPkeys).localCaAckDelay(a.localCaAckDelay).physPortCnt(d.numPorts())
                .maxMcastGrp(a.maxMcastGrp).maxMcastQpAttach(a.maxMcastQpAttach)
                .maxTotalMcastQpAttach(a.maxTotalMcastQpAttach);
    }

    /**
     * ib_uverbs_ex_query_device: the context first, then the request, whose comp_mask and
     * reserved word must be 0 (-EINVAL); the legacy fields, device_cap_flags_ex (all 64 bits) and
     * the CQ moderation caps. The model's devices have no ODP, timestamps, RSS, WQs, raw packet
     * caps, tag matching or device memory, which report 0. response_length is the bytes filled:
     * the response, or as much of it as userspace gave room for (uverbs_response_length).
     */
    static int exQueryDevice(Bundle b) {
        int ctxErr = ucontext(b);
        if (ctxErr != 0) {
            return ctxErr;
        }
        int[] err = e();
        ExQueryDevice cmd = new ExQueryDevice(b.request(ExQueryDevice.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        if (cmd.compMask() != 0 || cmd.reserved() != 0) {
            return Errno.EINVAL.negative();
        }
        IbDevice d = dev(b);
        DeviceAttr a = d.attr();
        ExQueryDeviceResp r = new ExQueryDeviceResp().base(deviceFields(d)).deviceCapFlagsEx(a.deviceCapFlags)
                .maxCqModerationCount(a.maxCqModerationCount).maxCqModerationPeriod(a.maxCqModerationPeriod)
                .responseLength(Math.min(b.outLen(), ExQueryDeviceResp.SIZE));
        return b.response(r.toBytes());
    }

    static int queryPort(Bundle b) {
        // ib_uverbs_query_port: the context first, then the request.
        int ctxErr = ucontext(b);
        if (ctxErr != 0) {
            return ctxErr;
        }
        int[] err = e();
        QueryPort cmd = new QueryPort(b.request(QueryPort.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        IbDevice d = dev(b);
        PortAttr p = new PortAttr();
        int ret = d.queryPort(cmd.portNum(), p);
        if (ret != 0) {
            return ret;
        }
        // copy_port_attr_to_resp (drivers/infiniband/core/uverbs_std_types_device.c)
        QueryPortResp r = new QueryPortResp()
                .portCapFlags(p.portCapFlags).maxMsgSz(p.maxMsgSz)
                .badPkeyCntr(p.badPkeyCntr).qkeyViolCntr(p.qkeyViolCntr).gidTblLen(p.gidTblLen)
                .pkeyTblLen(p.pkeyTblLen).lid(p.lid).smLid(p.smLid).state(p.state.ordinal())
                .maxMtu(p.maxMtu.value()).activeMtu(p.activeMtu.value()).lmc(p.lmc)
                .maxVlNum(p.maxVlNum).smSl(p.smSl).subnetTimeout(p.subnetTimeout).initTypeReply(p.initTypeReply)
                .activeWidth(p.activeWidth).activeSpeed(p.activeSpeed).physState(p.physState)
                .linkLayer(LINK_LAYER_INFINIBAND);
        return b.response(r.toBytes());
    }

    static int allocPd(Bundle b) {
        int[] err = e();
        b.request(AllocPd.SIZE, err);
        if (err[0] != 0) {
            return err[0];
        }
        int ctxErr = ucontext(b);
        if (ctxErr != 0) {
            return ctxErr;
        }
        UObject u = b.file.allocIdr(UObjectType.PD);
        b.uobject = u;
        Result<Pd> r = Pd.allocUser(dev(b));
        if (r.isErr()) {
            return r.err();
        }
        u.object = r.get();
        return b.response(new AllocPdResp().pdHandle(u.id()).toBytes());
    }

    static int deallocPd(Bundle b) {
        int[] err = e();
        DeallocPd cmd = new DeallocPd(b.request(DeallocPd.SIZE, err), 0);
        return err[0] != 0 ? err[0] : b.file.lookupDestroy(UObjectType.PD, cmd.pdHandle(), null);
    }

    static int createAh(Bundle b) {
        int[] err = e();
        CreateAh cmd = new CreateAh(b.request(CreateAh.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        int ctxErr = ucontext(b);
        if (ctxErr != 0) {
            return ctxErr;
        }
        UObject u = b.file.allocIdr(UObjectType.AH);
        b.uobject = u;
        IbUserVerbs.AhAttr ua = cmd.attr();
        if (!dev(b).isPortValid(ua.portNum())) {
            return Errno.EINVAL.negative();
        }
        UObject pd = b.file.lookupRead(UObjectType.PD, cmd.pdHandle(), err);
        if (pd == null) {
            return err[0];
        }
        AhAttr.Grh grh = ua.isGlobal() != 0
                ? new AhAttr.Grh(ua.dgid(), ua.flowLabel(), ua.sgidIndex(), ua.hopLimit(), ua.trafficClass()) : null;
        AhAttr attr = new AhAttr(ua.dlid(), ua.sl(), ua.srcPathBits(), ua.staticRate(), ua.portNum(), grh);
        Result<Ah> r = Ah.create((Pd) pd.object, attr);
        if (r.isErr()) {
            return r.err();
        }
        u.object = r.get();
        u.userHandle = cmd.userHandle();
        return b.response(new CreateAhResp().ahHandle(u.id()).toBytes());
    }

    static int destroyAh(Bundle b) {
        int[] err = e();
        DestroyAh cmd = new DestroyAh(b.request(DestroyAh.SIZE, err), 0);
        return err[0] != 0 ? err[0] : b.file.lookupDestroy(UObjectType.AH, cmd.ahHandle(), null);
    }

    static int regMr(Bundle b) {
        int[] err = e();
        RegMr cmd = new RegMr(b.request(RegMr.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        long mask = HostMemory.PAGE_SIZE - 1;
        // The region starts at the same offset in a page in the process and on the HCA.
        if ((cmd.start() & mask) != (cmd.hcaVa() & mask)) {
            return Errno.EINVAL.negative();
        }
        int ctxErr = ucontext(b);
        if (ctxErr != 0) {
            return ctxErr;
        }
        UObject u = b.file.allocIdr(UObjectType.MR);
        b.uobject = u;
        int ret = AccessFlags.checkMrAccess(cmd.accessFlags());
        if (ret != 0) {
            return ret;
        }
        UObject pd = b.file.lookupRead(UObjectType.PD, cmd.pdHandle(), err);
        if (pd == null) {
            return err[0];
        }
        long start = cmd.start();
        long length = cmd.length();
        long[] pages = umemGet(b.task, start, length, err);
        if (pages == null) {
            return err[0];
        }
        Result<Mr> r = Mr.regUser((Pd) pd.object, start, length, cmd.hcaVa(), cmd.accessFlags(), pages);
        if (r.isErr()) {
            umemRelease(b.task.mm(), pages);
            return r.err();
        }
        Mr mr = r.get();
        u.object = mr;
        u.pinned = pages;
        u.pinnedMm = b.task.mm();
        return b.response(new RegMrResp().mrHandle(u.id()).lkey(mr.lkey()).rkey(mr.rkey()).toBytes());
    }

    /**
     * ib_umem_get (drivers/infiniband/core/umem.c): the host pages behind every page that
     * [addr, addr+size) touches, pinned and charged to the process's pinned_vm; null with the
     * errno in {@code err[0]} and nothing pinned or charged when it fails. A range that wraps,
     * even only once rounded up to a page, is -EINVAL; a process that may lock nothing at all
     * -EPERM (can_do_mlock, mm/mlock.c); no pages, or more than fit in 32 bits, -EINVAL; a
     * charge past RLIMIT_MEMLOCK without CAP_IPC_LOCK -ENOMEM; then pages not mapped -EFAULT.
     */
    static long[] umemGet(Task task, long addr, long size, int[] err) {
        if (HostMemory.rangeWraps(addr, size)) {
            err[0] = Errno.EINVAL.negative();
            return null;
        }
        if (task.rlimitMemlock() == 0 && !task.capable(Task.CAP_IPC_LOCK)) {
            err[0] = Errno.EPERM.negative();
            return null;
        }
        long npages = HostMemory.pagesTouched(addr, size);
        if (npages == 0 || Long.compareUnsigned(npages, 0xffff_ffffL) > 0) {
            err[0] = Errno.EINVAL.negative();
            return null;
        }
        // The pages are charged before they are pinned, and taken back at once past the limit.
        UserAddressSpace mm = task.mm();
        long lockLimit = task.rlimitMemlock() >>> HostMemory.PAGE_SHIFT;
        long newPinned = mm.pinnedVmAdd(npages);
        if (Long.compareUnsigned(newPinned, lockLimit) > 0 && !task.capable(Task.CAP_IPC_LOCK)) {
            mm.pinnedVmSub(npages);
            err[0] = Errno.ENOMEM.negative();
            return null;
        }
        long[] pages = mm.pin(addr & -HostMemory.PAGE_SIZE, npages << HostMemory.PAGE_SHIFT);
        if (pages == null) {
            mm.pinnedVmSub(npages);
            err[0] = Errno.EFAULT.negative();
            return null;
        }
        return pages;
    }

    /** ib_umem_release: the pages are unpinned and their charge leaves the mm that pinned them. */
    static void umemRelease(UserAddressSpace mm, long[] pages) {
        mm.unpin(pages);
        mm.pinnedVmSub(pages.length);
    }

    static int deregMr(Bundle b) {
        int[] err = e();
        DeregMr cmd = new DeregMr(b.request(DeregMr.SIZE, err), 0);
        return err[0] != 0 ? err[0] : b.file.lookupDestroy(UObjectType.MR, cmd.mrHandle(), null);
    }

    static int createCompChannel(Bundle b) {
        int[] err = e();
        b.request(CreateCompChannel.SIZE, err);
        if (err[0] != 0) {
            return err[0];
        }
        int ctxErr = ucontext(b);
        if (ctxErr != 0) {
            return ctxErr;
        }
        UObject u = b.file.allocFd(UObjectType.COMP_CHANNEL, b.task);
        b.uobject = u;
        u.object = new UverbsEventFile(b.file, u, true);
        return b.response(new CreateCompChannelResp().fd(u.id()).toBytes());
    }

    static int createCq(Bundle b) {
        int[] err = e();
        CreateCq cmd = new CreateCq(b.request(CreateCq.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        return createCq(b, cmd.userHandle(), cmd.cqe(), cmd.compVector(), cmd.compChannel(), 0, false);
    }

    /**
     * ib_uverbs_ex_create_cq: comp_mask and the reserved word must be 0; the flags go to the
     * driver with the rest.
     */
    static int exCreateCq(Bundle b) {
        int[] err = e();
        ExCreateCq cmd = new ExCreateCq(b.request(ExCreateCq.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        if (cmd.compMask() != 0 || cmd.reserved() != 0) {
            return Errno.EINVAL.negative();
        }
        return createCq(b, cmd.userHandle(), cmd.cqe(), cmd.compVector(), cmd.compChannel(), cmd.flags(), true);
    }

    /** create_cq (uverbs_cmd.c), which both commands end in. */
    private static int createCq(Bundle b, long userHandle, int cqe, int compVector, int compChannel, int flags,
            boolean ex) {
        // Against the device's num_comp_vectors, copied when uverbs added it.
        if (Integer.toUnsignedLong(compVector) >= b.file.device().numCompVectors()) {
            return Errno.EINVAL.negative();
        }
        int ctxErr = ucontext(b);
        if (ctxErr != 0) {
            return ctxErr;
        }
        UObject u = b.file.allocIdr(UObjectType.CQ);
        b.uobject = u;
        UverbsEventFile channel = null;
        if (compChannel >= 0) {
            // ib_uverbs_lookup_comp_file -> lookup_get_fd_uobject: the fd must be a completion
            // channel of this very file.
            OpenFile f = b.task.file(compChannel);
            if (!(f instanceof UverbsEventFile ef) || !ef.isCompChannel() || ef.ufile() != b.file
                    || !ef.uobject().live()) {
                return Errno.EBADF.negative();
            }
            channel = ef;
        }
        // The flags go to the driver, which answers them (rxe_create_cq, mlx4_ib_create_cq).
        final UverbsEventFile ch = channel;
        Result<Cq> r = Cq.createUser(dev(b), cq -> {
            if (ch != null) {
                ch.completion(u);
            }
        }, ev -> asyncEvent(u, ev), new CqInitAttr(cqe, compVector, flags));
        if (r.isErr()) {
            return r.err();
        }
        u.object = r.get();
        u.userHandle = userHandle;
        u.compChannel = channel;
        CreateCqResp base = new CreateCqResp().cqHandle(u.id()).cqe(r.get().cqe());
        return b.response(!ex ? base.toBytes() : new ExCreateCqResp().base(base)
                .responseLength(Math.min(b.outLen(), ExCreateCqResp.SIZE)).toBytes());
    }

    /** ib_uverbs_cq/qp/srq_event_handler -> ib_uverbs_async_handler with the user_handle. */
    private static void asyncEvent(UObject u, IbEvent ev) {
        UverbsEventFile af = u.file().asyncFile();
        if (af != null && u.live()) {
            af.async(u.userHandle, ev.event().ordinal(), u);
        }
    }

    static int resizeCq(Bundle b) {
        int[] err = e();
        ResizeCq cmd = new ResizeCq(b.request(ResizeCq.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        UObject u = b.file.lookupRead(UObjectType.CQ, cmd.cqHandle(), err);
        if (u == null) {
            return err[0];
        }
        Cq cq = (Cq) u.object;
        int ret = cq.resize(cmd.cqe());
        if (ret != 0) {
            return ret;
        }
        return b.response(new ResizeCqResp().cqe(cq.cqe()).toBytes());
    }

    static int destroyCq(Bundle b) {
        int[] err = e();
        DestroyCq cmd = new DestroyCq(b.request(DestroyCq.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        UObject[] out = new UObject[1];
        int ret = b.file.lookupDestroy(UObjectType.CQ, cmd.cqHandle(), out);
        if (ret != 0) {
            return ret;
        }
        return b.response(new DestroyCqResp().compEventsReported(out[0].compEventsReported)
                .asyncEventsReported(out[0].eventsReported).toBytes());
    }

    /**
     * ib_uverbs_poll_cq: one completion at a time, each copied to the user array after the
     * header as it is reaped; a fault loses the completion in hand, as in the kernel.
     */
    static int pollCq(Bundle b) {
        int[] err = e();
        PollCq cmd = new PollCq(b.request(PollCq.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        UObject u = b.file.lookupRead(UObjectType.CQ, cmd.cqHandle(), err);
        if (u == null) {
            return err[0];
        }
        Cq cq = (Cq) u.object;
        Wc[] one = {new Wc()};
        long ne = Integer.toUnsignedLong(cmd.ne());
        int count = 0;
        long data = b.response + PollCqResp.SIZE;
        while (count < ne) {
            int n = cq.poll(1, one);
            if (n < 0) {
                return n;
            }
            if (n == 0) {
                break;
            }
            if (b.copyToUser(data, wc(one[0]).toBytes()) != 0) {
                return Errno.EFAULT.negative();
            }
            data += IbUserVerbs.Wc.SIZE;
            count++;
        }
        if (b.copyToUser(b.response, new PollCqResp().count(count).toBytes()) != 0) {
            return Errno.EFAULT.negative();
        }
        return 0;
    }

    /** copy_wc_to_user */
    private static IbUserVerbs.Wc wc(Wc w) {
        IbUserVerbs.Wc k = new IbUserVerbs.Wc().wrId(w.wrId).status(w.status.value()).opcode(w.opcode.value())
                .vendorErr(w.vendorErr).byteLen(w.byteLen)
                .qpNum(w.qp == null ? 0 : w.qp.qpNum()).srcQp(w.srcQp).wcFlags(w.wcFlags)
                .pkeyIndex(w.pkeyIndex).slid(w.slid).sl(w.sl).dlidPathBits(w.dlidPathBits).portNum(w.portNum);
        // ex is a union: imm_data network order, invalidate_rkey host order.
        return (w.wcFlags & WcFlags.WITH_INVALIDATE) != 0 ? k.invalidateRkey(w.immData) : k.immData(w.immData);
    }

    static int reqNotifyCq(Bundle b) {
        int[] err = e();
        ReqNotifyCq cmd = new ReqNotifyCq(b.request(ReqNotifyCq.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        UObject u = b.file.lookupRead(UObjectType.CQ, cmd.cqHandle(), err);
        if (u == null) {
            return err[0];
        }
        // The return of ib_req_notify_cq is not passed on.
        ((Cq) u.object).reqNotify(cmd.solicitedOnly() != 0 ? CqNotifyFlags.SOLICITED : CqNotifyFlags.NEXT_COMP);
        return 0;
    }

    /**
     * ib_uverbs_ex_modify_cq: an attr_mask of 0 or a reserved word set is -EINVAL, a mask bit
     * past IB_CQ_MODERATE -EOPNOTSUPP, then the CQ's lookup (UverbsFile.lookupRead), then
     * rdma_set_cq_moderation's answer.
     */
    static int exModifyCq(Bundle b) {
        int[] err = e();
        ExModifyCq cmd = new ExModifyCq(b.request(ExModifyCq.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        if (cmd.attrMask() == 0 || cmd.reserved() != 0) {
            return Errno.EINVAL.negative();
        }
        if (Integer.compareUnsigned(cmd.attrMask(), ExModifyCq.ATTR_MODERATE) > 0) {
            return Errno.EOPNOTSUPP.negative();
        }
        UObject u = b.file.lookupRead(UObjectType.CQ, cmd.cqHandle(), err);
        if (u == null) {
            return err[0];
        }
        return ((Cq) u.object).setModeration(cmd.cqCount(), cmd.cqPeriod());
    }

    static int createQp(Bundle b) {
        int[] err = e();
        CreateQp cmd = new CreateQp(b.request(CreateQp.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        return createQp(b, new QpRequest(cmd.userHandle(), cmd.pdHandle(), cmd.sendCqHandle(), cmd.recvCqHandle(),
                cmd.srqHandle(), cmd.maxSendWr(), cmd.maxRecvWr(), cmd.maxSendSge(), cmd.maxRecvSge(),
                cmd.maxInlineData(), cmd.sqSigAll(), cmd.qpType(), cmd.isSrq(), 0, 0, 0), false);
    }

    /** IB_UVERBS_CREATE_QP_MASK_IND_TABLE: the QP receives through an RSS indirection table. */
    static final int CREATE_QP_MASK_IND_TABLE = 1;
    /** IB_QP_CREATE_SOURCE_QPN: the QP sends as another QPN (an IPoIB enhanced mode QP). */
    static final int CREATE_SOURCE_QPN = 1 << 10;
    /**
     * The create flags create_qp lets a process ask for (uverbs_cmd.c): BLOCK_MULTICAST_LOOPBACK,
     * CROSS_CHANNEL, MANAGED_SEND, MANAGED_RECV, SCATTER_FCS, CVLAN_STRIPPING, SOURCE_QPN and
     * PCI_WRITE_END_PADDING; the device then takes what it has.
     */
    static final int USER_CREATE_FLAGS = (1 << 1) | (1 << 2) | (1 << 3) | (1 << 4) | (1 << 8) | (1 << 9)
            | CREATE_SOURCE_QPN | (1 << 11);

    /**
     * ib_uverbs_ex_create_qp: comp_mask bits past IB_UVERBS_CREATE_QP_MASK_IND_TABLE and the
     * reserved byte are -EINVAL; then create_qp as for CREATE_QP, with the create flags, and the
     * extended response with its response_length.
     */
    static int exCreateQp(Bundle b) {
        int[] err = e();
        ExCreateQp cmd = new ExCreateQp(b.request(ExCreateQp.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        if ((cmd.compMask() & ~CREATE_QP_MASK_IND_TABLE) != 0 || cmd.reserved() != 0) {
            return Errno.EINVAL.negative();
        }
        return createQp(b, new QpRequest(cmd.userHandle(), cmd.pdHandle(), cmd.sendCqHandle(), cmd.recvCqHandle(),
                cmd.srqHandle(), cmd.maxSendWr(), cmd.maxRecvWr(), cmd.maxSendSge(), cmd.maxRecvSge(),
                cmd.maxInlineData(), cmd.sqSigAll(), cmd.qpType(), cmd.isSrq(), cmd.compMask(), cmd.createFlags(),
                cmd.sourceQpn()), true);
    }

    /** What create_qp takes: struct ib_uverbs_ex_create_qp, of which the legacy request fills part. */
    private record QpRequest(long userHandle, int pdHandle, int sendCqHandle, int recvCqHandle, int srqHandle,
            int maxSendWr, int maxRecvWr, int maxSendSge, int maxRecvSge, int maxInlineData, int sqSigAll,
            int qpType, int isSrq, int compMask, int createFlags, int sourceQpn) {
    }

    /** create_qp (uverbs_cmd.c): what CREATE_QP and EX_CREATE_QP share. */
    private static int createQp(Bundle b, QpRequest cmd, boolean ex) {
        int[] err = e();
        QpType type = qpType(cmd.qpType());
        // create_qp: userspace makes RC, UC, UD and XRC QPs; raw packet QPs need CAP_NET_RAW
        // (rdma_uattrs_has_raw_cap), and with it go on to the device, which makes none.
        if (type == QpType.RAW_PACKET && !b.task.capable(Task.CAP_NET_RAW)) {
            return Errno.EPERM.negative();
        }
        if (type == null || type == QpType.SMI || type == QpType.GSI) {
            return Errno.EINVAL.negative();
        }
        int ctxErr = ucontext(b);
        if (ctxErr != 0) {
            return ctxErr;
        }
        UObject u = b.file.allocIdr(UObjectType.QP);
        b.uobject = u;
        if ((cmd.compMask() & CREATE_QP_MASK_IND_TABLE) != 0) {
            // rwq_ind_tbl_handle names an RSS indirection table, and the model has none.
            return Errno.EINVAL.negative();
        }
        if (type == QpType.XRC_TGT) {
            // Its pd_handle names an XRC domain, and the model has none.
            return Errno.EINVAL.negative();
        }
        // create_qp: the SRQ, the receive CQ, the send CQ and the PD are looked up in that order,
        // and the first lookup to fail gives the command its error.
        UObject srq = null;
        if (cmd.isSrq() != 0) {
            srq = b.file.lookupRead(UObjectType.SRQ, cmd.srqHandle(), err);
            if (srq == null) {
                return err[0];
            }
        }
        UObject rcq = null;
        if (cmd.recvCqHandle() != cmd.sendCqHandle()) {
            rcq = b.file.lookupRead(UObjectType.CQ, cmd.recvCqHandle(), err);
            if (rcq == null) {
                return err[0];
            }
        }
        UObject scq = b.file.lookupRead(UObjectType.CQ, cmd.sendCqHandle(), err);
        if (scq == null) {
            return err[0];
        }
        rcq = rcq != null ? rcq : scq;
        UObject pd = b.file.lookupRead(UObjectType.PD, cmd.pdHandle(), err);
        if (pd == null) {
            return err[0];
        }
        if ((cmd.createFlags() & ~USER_CREATE_FLAGS) != 0) {
            return Errno.EINVAL.negative();
        }
        if ((cmd.createFlags() & CREATE_SOURCE_QPN) != 0 && !b.task.capable(Task.CAP_NET_RAW)) {
            return Errno.EPERM.negative();
        }
        QpInitAttr init = new QpInitAttr();
        init.eventHandler = ev -> asyncEvent(u, ev);
        init.sendCq = (Cq) scq.object;
        init.recvCq = (Cq) rcq.object;
        init.srq = srq == null ? null : (Srq) srq.object;
        init.qpType = type;
        init.sqSigType = cmd.sqSigAll() != 0 ? SigType.ALL_WR : SigType.REQ_WR;
        init.cap = new QpCap(cmd.maxSendWr(), cmd.maxRecvWr(), cmd.maxSendSge(), cmd.maxRecvSge(),
                cmd.maxInlineData());
        init.createFlags = cmd.createFlags();
        Result<Qp> r = Qp.create((Pd) pd.object, init);
        if (r.isErr()) {
            return r.err();
        }
        Qp qp = r.get();
        u.object = qp;
        u.userHandle = cmd.userHandle();
        QpCap c = qp.cap();
        CreateQpResp base = new CreateQpResp().qpHandle(u.id()).qpn(qp.qpNum()).maxSendWr(c.maxSendWr())
                .maxRecvWr(c.maxRecvWr()).maxSendSge(c.maxSendSge()).maxRecvSge(c.maxRecvSge())
                .maxInlineData(c.maxInlineData());
        return b.response(!ex ? base.toBytes() : new ExCreateQpResp().base(base)
                .responseLength(Math.min(b.outLen(), ExCreateQpResp.SIZE)).toBytes());
    }

    private static QpType qpType(int value) {
        for (QpType t : QpType.values()) {
            if (t.value() == value) {
                return t;
            }
        }
        return null;
    }

    static int queryQp(Bundle b) {
        int[] err = e();
        QueryQp cmd = new QueryQp(b.request(QueryQp.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        UObject u = b.file.lookupRead(UObjectType.QP, cmd.qpHandle(), err);
        if (u == null) {
            return err[0];
        }
        Qp qp = (Qp) u.object;
        QpAttr a = new QpAttr();
        int ret = qp.query(a);
        if (ret != 0) {
            return ret;
        }
        QueryQpResp r = new QueryQpResp();
        dest(r.dest(), a.ahAttr);
        dest(r.altDest(), a.altAhAttr);
        QpCap c = a.cap != null ? a.cap : qp.cap();
        r.maxSendWr(c.maxSendWr()).maxRecvWr(c.maxRecvWr()).maxSendSge(c.maxSendSge())
                .maxRecvSge(c.maxRecvSge()).maxInlineData(c.maxInlineData())
                .qkey(a.qkey).rqPsn(a.rqPsn).sqPsn(a.sqPsn).destQpNum(a.destQpNum)
                .qpAccessFlags(a.qpAccessFlags).pkeyIndex(a.pkeyIndex).altPkeyIndex(a.altPkeyIndex)
                .qpState(a.qpState.ordinal()).curQpState(a.curQpState.ordinal()).pathMtu(a.pathMtuValue)
                .pathMigState(a.pathMigState).sqDraining(a.sqDraining ? 1 : 0).maxRdAtomic(a.maxRdAtomic)
                .maxDestRdAtomic(a.maxDestRdAtomic).minRnrTimer(a.minRnrTimer).portNum(a.portNum)
                .timeout(a.timeout).retryCnt(a.retryCnt).rnrRetry(a.rnrRetry).altPortNum(a.altPortNum)
                .altTimeout(a.altTimeout).sqSigAll(qp.sigType() == SigType.ALL_WR ? 1 : 0);
        return b.response(r.toBytes());
    }

    /** copy_ah_attr_to_uverbs */
    private static void dest(QpDest d, AhAttr a) {
        if (a == null) {
            return;
        }
        d.dlid(a.dlid()).sl(a.sl()).srcPathBits(a.srcPathBits()).staticRate(a.staticRate()).portNum(a.portNum());
        if (a.grh() != null) {
            d.isGlobal(1).dgid(a.grh().dgid()).flowLabel(a.grh().flowLabel()).sgidIndex(a.grh().sgidIndex())
                    .hopLimit(a.grh().hopLimit()).trafficClass(a.grh().trafficClass());
        }
    }

    /** copy_ah_attr_from_uverbs */
    private static AhAttr ahAttr(QpDest d) {
        AhAttr.Grh grh = d.isGlobal() != 0
                ? new AhAttr.Grh(d.dgid(), d.flowLabel(), d.sgidIndex(), d.hopLimit(), d.trafficClass()) : null;
        return new AhAttr(d.dlid(), d.sl(), d.srcPathBits(), d.staticRate(), d.portNum(), grh);
    }

    static int modifyQp(Bundle b) {
        int[] err = e();
        ModifyQp cmd = new ModifyQp(b.request(ModifyQp.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        if ((cmd.attrMask() & ~((LEGACY_LAST_QP_ATTR_MASK << 1) - 1)) != 0) {
            return Errno.EOPNOTSUPP.negative();
        }
        return modifyQp(b, cmd, 0);
    }

    /**
     * ib_uverbs_ex_modify_qp: the legacy request with rate_limit after it; mask bits beyond the
     * standard ones but IB_QP_RATE_LIMIT are -EOPNOTSUPP; on success the response's
     * response_length (uverbs_response_length).
     */
    static int exModifyQp(Bundle b) {
        int[] err = e();
        ExModifyQp cmd = new ExModifyQp(b.request(ExModifyQp.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        if ((cmd.base().attrMask() & ~(QpAttrMask.STANDARD_BITS | QpAttrMask.RATE_LIMIT.bit())) != 0) {
            return Errno.EOPNOTSUPP.negative();
        }
        int ret = modifyQp(b, cmd.base(), cmd.rateLimit());
        if (ret != 0) {
            return ret;
        }
        return b.response(new ExModifyQpResp().responseLength(Math.min(b.outLen(), ExModifyQpResp.SIZE)).toBytes());
    }

    /** modify_qp (uverbs_cmd.c): what the legacy and the extended MODIFY_QP share. */
    private static int modifyQp(Bundle b, ModifyQp cmd, int rateLimit) {
        int[] err = e();
        int mask = cmd.attrMask();
        UObject u = b.file.lookupRead(UObjectType.QP, cmd.qpHandle(), err);
        if (u == null) {
            return err[0];
        }
        Qp qp = (Qp) u.object;
        IbDevice d = dev(b);
        // modify_qp: ports are checked before ib_core sees the request, an AV's against the QP's.
        if (QpAttrMask.PORT.isSet(mask) && !d.isPortValid(cmd.portNum())) {
            return Errno.EINVAL.negative();
        }
        int portNum = cmd.portNum();
        if (QpAttrMask.AV.isSet(mask)) {
            int avPort = cmd.dest().portNum();
            if (!d.isPortValid(avPort)) {
                return Errno.EINVAL.negative();
            }
            if (QpAttrMask.STATE.isSet(mask) && cmd.qpState() == QpState.RTR.ordinal()) {
                // INIT->RTR takes no IB_QP_PORT: the AV must name the port RST->INIT gave the QP.
                if (avPort != qp.portNum()) {
                    return Errno.EINVAL.negative();
                }
            } else if (QpAttrMask.PORT.isSet(mask)) {
                // SQD->SQD may move both; they must agree.
                if (portNum != avPort) {
                    return Errno.EINVAL.negative();
                }
            } else {
                // A new primary AV alone moves the QP to its port (path migration is not tracked).
                mask |= QpAttrMask.PORT.bit();
                portNum = avPort;
            }
        }
        if (QpAttrMask.ALT_PATH.isSet(mask) && (!d.isPortValid(cmd.altPortNum())
                || !d.isPortValid(cmd.altDest().portNum()) || cmd.altPortNum() != cmd.altDest().portNum())) {
            return Errno.EINVAL.negative();
        }
        if ((QpAttrMask.CUR_STATE.isSet(mask) && cmd.curQpState() > QpState.ERR.ordinal())
                || (QpAttrMask.STATE.isSet(mask) && cmd.qpState() > QpState.ERR.ordinal())) {
            return Errno.EINVAL.negative();
        }
        QpAttr a = new QpAttr();
        a.qpState = QpState.ofValue(cmd.qpState() > QpState.ERR.ordinal() ? 0 : cmd.qpState());
        a.curQpState = QpState.ofValue(cmd.curQpState() > QpState.ERR.ordinal() ? 0 : cmd.curQpState());
        a.pathMtuValue = cmd.pathMtu();
        Mtu mtu = Mtu.ofValue(cmd.pathMtu());
        if (mtu != null) {
            a.pathMtu = mtu;
        }
        a.pathMigState = cmd.pathMigState();
        // uverbs_cmd.c modify_qp: a controlled Q_Key (IBA 10.2.4, high bit set) needs privileged
        // Q_Keys enabled (rdma_nl_get_privileged_qkey, off here) or CAP_NET_RAW: otherwise a
        // process holding QP1's could reach every GSI QP.
        if (QpAttrMask.QKEY.isSet(mask) && (cmd.qkey() & Qp.QKEY_CONTROLLED) != 0
                && !b.task.capable(Task.CAP_NET_RAW)) {
            return Errno.EPERM.negative();
        }
        a.qkey = cmd.qkey();
        a.rqPsn = cmd.rqPsn();
        a.sqPsn = cmd.sqPsn();
        a.destQpNum = cmd.destQpNum();
        a.qpAccessFlags = cmd.qpAccessFlags();
        a.pkeyIndex = cmd.pkeyIndex();
        a.altPkeyIndex = cmd.altPkeyIndex();
        a.enSqdAsyncNotify = cmd.enSqdAsyncNotify() != 0;
        a.maxRdAtomic = cmd.maxRdAtomic();
        a.maxDestRdAtomic = cmd.maxDestRdAtomic();
        a.minRnrTimer = cmd.minRnrTimer();
        a.portNum = portNum;
        a.timeout = cmd.timeout();
        a.retryCnt = cmd.retryCnt();
        a.rnrRetry = cmd.rnrRetry();
        a.altPortNum = cmd.altPortNum();
        a.altTimeout = cmd.altTimeout();
        if (QpAttrMask.RATE_LIMIT.isSet(mask)) {
            a.rateLimit = rateLimit;
        }
        if (QpAttrMask.AV.isSet(mask)) {
            a.ahAttr = ahAttr(cmd.dest());
        }
        if (QpAttrMask.ALT_PATH.isSet(mask)) {
            a.altAhAttr = ahAttr(cmd.altDest());
        }
        return qp.modify(a, mask);
    }

    static int destroyQp(Bundle b) {
        int[] err = e();
        DestroyQp cmd = new DestroyQp(b.request(DestroyQp.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        UObject[] out = new UObject[1];
        int ret = b.file.lookupDestroy(UObjectType.QP, cmd.qpHandle(), out);
        if (ret != 0) {
            return ret;
        }
        return b.response(new DestroyQpResp().eventsReported(out[0].eventsReported).toBytes());
    }

    /**
     * The layout checks of a post command (uverbs_request_next_ptr / uverbs_request_finish):
     * the work requests and then the SGEs must lie inside the write (-ENOSPC) and whatever
     * follows them must be zero (-EOPNOTSUPP). Returns 0 or the errno.
     */
    private static int postLayout(Bundle b, int coreSize, int wqeSize, int wrCount, int sgeCount) {
        // size_mul: a product past the range saturates instead of wrapping.
        long wrBytes = sizeMul(Integer.toUnsignedLong(wqeSize), Integer.toUnsignedLong(wrCount));
        long sgBytes = Integer.toUnsignedLong(sgeCount) * Sge16.SIZE;
        long room = b.inLen() - coreSize;
        if (wrBytes > room || sgBytes > room - wrBytes) {
            return Errno.ENOSPC.negative();
        }
        long end = coreSize + wrBytes + sgBytes;
        byte[] rest = b.requestBytes((int) end, b.inLen() - (int) end);
        for (byte x : rest) {
            if (x != 0) {
                return Errno.EOPNOTSUPP.negative();
            }
        }
        return 0;
    }

    /**
     * The largest kmalloc: PAGE_SIZE << MAX_PAGE_ORDER on x86_64 (include/linux/slab.h,
     * KMALLOC_MAX_SIZE). Both post commands kmalloc one wqe_size buffer for reading each WR into
     * before any WR is read, so a larger wqe_size is -ENOMEM even when wr_count is 0.
     */
    static final long KMALLOC_MAX_SIZE = 4096L << 10;

    private static long sizeMul(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** struct ib_uverbs_sge, which the kernel reads as struct ib_sge. */
    private static final class Sge16 {
        static final int SIZE = IbUserVerbs.Sge.SIZE;
    }

    private static List<Sge> sges(Bundle b, int sgBase, int first, long n) {
        List<Sge> out = new ArrayList<>((int) n);
        for (int i = 0; i < n; i++) {
            IbUserVerbs.Sge s = new IbUserVerbs.Sge(b.requestBytes(sgBase + (first + i) * Sge16.SIZE, Sge16.SIZE), 0);
            out.add(new Sge(s.addr(), s.length(), s.lkey()));
        }
        return out;
    }

    private static int badWr(PostResult pr, int n) {
        return pr.ok() ? 0 : (pr.badWr() >= 0 ? pr.badWr() + 1 : n);
    }

    static int postSend(Bundle b) {
        int[] err = e();
        PostSend cmd = new PostSend(b.request(PostSend.SIZE, err), 0);
        // uverbs_request_start: input past the core struct is the WR array, not checked here.
        if (err[0] != 0 && err[0] != Errno.EOPNOTSUPP.negative()) {
            return err[0];
        }
        int ret = postLayout(b, PostSend.SIZE, cmd.wqeSize(), cmd.wrCount(), cmd.sgeCount());
        if (ret != 0) {
            return ret;
        }
        // Linux commit 1956f0a74ccf: after uverbs_request_finish, before anything reads a WR.
        if (Integer.toUnsignedLong(cmd.wqeSize()) < IbUserVerbs.SendWr.SIZE) {
            return Errno.EINVAL.negative();
        }
        if (Integer.toUnsignedLong(cmd.wqeSize()) > KMALLOC_MAX_SIZE) {
            return Errno.ENOMEM.negative();
        }
        UObject u = b.file.lookupRead(UObjectType.QP, cmd.qpHandle(), err);
        if (u == null) {
            return err[0];
        }
        Qp qp = (Qp) u.object;
        boolean ud = qp.type() == QpType.UD;
        int sgBase = PostSend.SIZE + cmd.wqeSize() * cmd.wrCount();
        long sgeCount = Integer.toUnsignedLong(cmd.sgeCount());
        List<SendWr> wrs = new ArrayList<>();
        int sgInd = 0;
        for (int i = 0; i < cmd.wrCount(); i++) {
            IbUserVerbs.SendWr w = new IbUserVerbs.SendWr(
                    b.requestBytes(PostSend.SIZE + i * cmd.wqeSize(), IbUserVerbs.SendWr.SIZE), 0);
            long numSge = Integer.toUnsignedLong(w.numSge());
            // ib_uverbs_post_send adds them as u32: a num_sge that wraps the sum passes, and
            // alloc_wr, once the opcode is known good, refuses so many SGEs (-ENOMEM); sge_count
            // is too small for any other num_sge to reach its limit.
            if (((numSge + sgInd) & 0xFFFF_FFFFL) > sgeCount) {
                return Errno.EINVAL.negative();
            }
            boolean unallocatable = numSge + sgInd > 0xFFFF_FFFFL;
            WrOpcode op = wrOpcode(w.opcode());
            SendWr wr = new SendWr().wrId(w.wrId()).sendFlags(w.sendFlags()).userMm(b.task.mm());
            if (ud) {
                if (op != WrOpcode.SEND && op != WrOpcode.SEND_WITH_IMM) {
                    return Errno.EINVAL.negative();
                }
                if (unallocatable) {
                    return Errno.ENOMEM.negative();
                }
                UObject ah = b.file.lookupRead(UObjectType.AH, w.ah(), err);
                if (ah == null) {
                    return err[0];
                }
                wr.ah((Ah) ah.object).remoteQpn(w.remoteQpn()).remoteQkey(w.remoteQkey());
            } else if (op == WrOpcode.RDMA_WRITE || op == WrOpcode.RDMA_WRITE_WITH_IMM || op == WrOpcode.RDMA_READ) {
                wr.remoteAddr(w.remoteAddr()).rkey(w.rkey());
            } else if (op == WrOpcode.ATOMIC_CMP_AND_SWP || op == WrOpcode.ATOMIC_FETCH_AND_ADD) {
                wr.remoteAddr(w.remoteAddr()).compareAdd(w.compareAdd()).swap(w.swap()).rkey(w.atomicRkey());
            } else if (op != WrOpcode.SEND && op != WrOpcode.SEND_WITH_IMM && op != WrOpcode.SEND_WITH_INV) {
                return Errno.EINVAL.negative();
            }
            if (unallocatable) {
                return Errno.ENOMEM.negative();
            }
            wr.opcode(op);
            // uverbs_cmd.c ib_uverbs_post_send: imm_data passed on as the __be32 it is,
            // invalidate_rkey as the __u32.
            if (op.hasImmediate()) {
                wr.immData(w.immData());
            } else if (op == WrOpcode.SEND_WITH_INV) {
                wr.invalidateRkey(w.invalidateRkey());
            }
            wr.sgList(sges(b, sgBase, sgInd, numSge));
            sgInd += (int) numSge;
            wrs.add(wr);
        }
        PostResult pr = qp.postSend(wrs);
        int ret2 = b.response(new PostSendResp().badWr(badWr(pr, wrs.size())).toBytes());
        return ret2 != 0 ? ret2 : pr.ret();
    }

    private static WrOpcode wrOpcode(int value) {
        for (WrOpcode o : WrOpcode.values()) {
            if (o.value() == value) {
                return o;
            }
        }
        return null;
    }

    /** ib_uverbs_unmarshall_recv; null with err[0] set on a malformed request. */
    private static List<RecvWr> unmarshallRecv(Bundle b, int coreSize, int wqeSize, int wrCount, int sgeCount,
            int[] err) {
        if (Integer.toUnsignedLong(wqeSize) < IbUserVerbs.RecvWr.SIZE) {
            err[0] = Errno.EINVAL.negative();
            return null;
        }
        int ret = postLayout(b, coreSize, wqeSize, wrCount, sgeCount);
        if (ret != 0) {
            err[0] = ret;
            return null;
        }
        if (Integer.toUnsignedLong(wqeSize) > KMALLOC_MAX_SIZE) {
            err[0] = Errno.ENOMEM.negative();
            return null;
        }
        int sgBase = coreSize + wqeSize * wrCount;
        List<RecvWr> wrs = new ArrayList<>();
        int sgInd = 0;
        for (int i = 0; i < wrCount; i++) {
            IbUserVerbs.RecvWr w = new IbUserVerbs.RecvWr(
                    b.requestBytes(coreSize + i * wqeSize, IbUserVerbs.RecvWr.SIZE), 0);
            long numSge = Integer.toUnsignedLong(w.numSge());
            if (numSge + sgInd > Integer.toUnsignedLong(sgeCount)) {
                err[0] = Errno.EINVAL.negative();
                return null;
            }
            wrs.add(new RecvWr(w.wrId(), null, sges(b, sgBase, sgInd, numSge)));
            sgInd += (int) numSge;
        }
        err[0] = 0;
        return wrs;
    }

    static int postRecv(Bundle b) {
        int[] err = e();
        PostRecv cmd = new PostRecv(b.request(PostRecv.SIZE, err), 0);
        if (err[0] != 0 && err[0] != Errno.EOPNOTSUPP.negative()) {
            return err[0];
        }
        List<RecvWr> wrs = unmarshallRecv(b, PostRecv.SIZE, cmd.wqeSize(), cmd.wrCount(), cmd.sgeCount(), err);
        if (wrs == null) {
            return err[0];
        }
        UObject u = b.file.lookupRead(UObjectType.QP, cmd.qpHandle(), err);
        if (u == null) {
            return err[0];
        }
        PostResult pr = ((Qp) u.object).postRecv(wrs);
        int ret2 = b.response(new PostRecvResp().badWr(badWr(pr, wrs.size())).toBytes());
        return ret2 != 0 ? ret2 : pr.ret();
    }

    /**
     * ib_uverbs_attach_mcast: the QP's lookup error (UverbsFile.lookupRead); an attachment the
     * QP already has is 0 without asking ib_core again; otherwise ib_attach_mcast's answer,
     * remembered on success so that closing the file can detach it.
     */
    static int attachMcast(Bundle b) {
        int[] err = e();
        AttachMcast cmd = new AttachMcast(b.request(AttachMcast.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        UObject u = b.file.lookupRead(UObjectType.QP, cmd.qpHandle(), err);
        if (u == null) {
            return err[0];
        }
        byte[] gid = cmd.gid();
        for (UObject.Mcast m : u.mcast) {
            if (m.is(gid, cmd.mlid())) {
                return 0;
            }
        }
        int ret = ((Qp) u.object).attachMcast(gid, cmd.mlid());
        if (ret == 0) {
            u.mcast.add(new UObject.Mcast(gid, cmd.mlid()));
        }
        return ret;
    }

    /**
     * ib_uverbs_detach_mcast: the QP's lookup error (UverbsFile.lookupRead), -EINVAL for an
     * attachment it does not have; otherwise the attachment is forgotten and ib_detach_mcast's answer returned.
     */
    static int detachMcast(Bundle b) {
        int[] err = e();
        DetachMcast cmd = new DetachMcast(b.request(DetachMcast.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        UObject u = b.file.lookupRead(UObjectType.QP, cmd.qpHandle(), err);
        if (u == null) {
            return err[0];
        }
        byte[] gid = cmd.gid();
        if (!u.mcast.removeIf(m -> m.is(gid, cmd.mlid()))) {
            return Errno.EINVAL.negative();
        }
        return ((Qp) u.object).detachMcast(gid, cmd.mlid());
    }

    static int createSrq(Bundle b) {
        int[] err = e();
        CreateSrq cmd = new CreateSrq(b.request(CreateSrq.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        int ctxErr = ucontext(b);
        if (ctxErr != 0) {
            return ctxErr;
        }
        UObject u = b.file.allocIdr(UObjectType.SRQ);
        b.uobject = u;
        UObject pd = b.file.lookupRead(UObjectType.PD, cmd.pdHandle(), err);
        if (pd == null) {
            return err[0];
        }
        Result<Srq> r = Srq.create((Pd) pd.object, ev -> asyncEvent(u, ev),
                new SrqAttr(cmd.maxWr(), cmd.maxSge(), cmd.srqLimit()));
        if (r.isErr()) {
            return r.err();
        }
        Srq srq = r.get();
        u.object = srq;
        u.userHandle = cmd.userHandle();
        return b.response(new CreateSrqResp().srqHandle(u.id()).maxWr(srq.maxWr()).maxSge(srq.maxSge()).toBytes());
    }

    static int modifySrq(Bundle b) {
        int[] err = e();
        ModifySrq cmd = new ModifySrq(b.request(ModifySrq.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        UObject u = b.file.lookupRead(UObjectType.SRQ, cmd.srqHandle(), err);
        if (u == null) {
            return err[0];
        }
        return ((Srq) u.object).modify(new SrqAttr(cmd.maxWr(), 0, cmd.srqLimit()), cmd.attrMask());
    }

    static int querySrq(Bundle b) {
        int[] err = e();
        QuerySrq cmd = new QuerySrq(b.request(QuerySrq.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        UObject u = b.file.lookupRead(UObjectType.SRQ, cmd.srqHandle(), err);
        if (u == null) {
            return err[0];
        }
        SrqAttr a = new SrqAttr(0, 0, 0);
        int ret = ((Srq) u.object).query(a);
        if (ret != 0) {
            return ret;
        }
        return b.response(new QuerySrqResp().maxWr(a.maxWr).maxSge(a.maxSge).srqLimit(a.srqLimit).toBytes());
    }

    static int destroySrq(Bundle b) {
        int[] err = e();
        DestroySrq cmd = new DestroySrq(b.request(DestroySrq.SIZE, err), 0);
        if (err[0] != 0) {
            return err[0];
        }
        UObject[] out = new UObject[1];
        int ret = b.file.lookupDestroy(UObjectType.SRQ, cmd.srqHandle(), out);
        if (ret != 0) {
            return ret;
        }
        return b.response(new DestroySrqResp().eventsReported(out[0].eventsReported).toBytes());
    }

    static int postSrqRecv(Bundle b) {
        int[] err = e();
        PostSrqRecv cmd = new PostSrqRecv(b.request(PostSrqRecv.SIZE, err), 0);
        if (err[0] != 0 && err[0] != Errno.EOPNOTSUPP.negative()) {
            return err[0];
        }
        List<RecvWr> wrs = unmarshallRecv(b, PostSrqRecv.SIZE, cmd.wqeSize(), cmd.wrCount(), cmd.sgeCount(), err);
        if (wrs == null) {
            return err[0];
        }
        UObject u = b.file.lookupRead(UObjectType.SRQ, cmd.srqHandle(), err);
        if (u == null) {
            return err[0];
        }
        PostResult pr = ((Srq) u.object).postRecv(wrs);
        int ret2 = b.response(new PostSrqRecvResp().badWr(badWr(pr, wrs.size())).toBytes());
        return ret2 != 0 ? ret2 : pr.ret();
    }
}
