package org.ibmodel.sim.conform;

import java.util.List;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Pd;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.core.Wc;

/** A driver that passes every verb to another; the deliberately broken drivers override one. */
abstract class ForwardingDriver implements DeviceOps {
    protected final DeviceOps d;

    ForwardingDriver(DeviceOps d) {
        this.d = d;
    }

    @Override
    public int allocPd(Pd pd) {
        return d.allocPd(pd);
    }

    @Override
    public int deallocPd(Pd pd) {
        return d.deallocPd(pd);
    }

    @Override
    public int createCq(Cq cq, CqInitAttr attr) {
        return d.createCq(cq, attr);
    }

    @Override
    public int destroyCq(Cq cq) {
        return d.destroyCq(cq);
    }

    @Override
    public int resizeCq(Cq cq, int cqe) {
        return d.resizeCq(cq, cqe);
    }

    @Override
    public int pollCq(Cq cq, int numEntries, Wc[] wc) {
        return d.pollCq(cq, numEntries, wc);
    }

    @Override
    public int reqNotifyCq(Cq cq, int flags) {
        return d.reqNotifyCq(cq, flags);
    }

    @Override
    public int createQp(Qp qp, QpInitAttr attr) {
        return d.createQp(qp, attr);
    }

    @Override
    public int modifyQp(Qp qp, QpAttr attr, int mask, QpState cur, QpState next) {
        return d.modifyQp(qp, attr, mask, cur, next);
    }

    @Override
    public int destroyQp(Qp qp) {
        return d.destroyQp(qp);
    }

    @Override
    public PostResult postSend(Qp qp, List<SendWr> wrs) {
        return d.postSend(qp, wrs);
    }

    @Override
    public PostResult postRecv(Qp qp, List<RecvWr> wrs) {
        return d.postRecv(qp, wrs);
    }

    @Override
    public int createSrq(Srq srq, SrqAttr attr) {
        return d.createSrq(srq, attr);
    }

    @Override
    public int modifySrq(Srq srq, SrqAttr attr, int mask) {
        return d.modifySrq(srq, attr, mask);
    }

    @Override
    public int destroySrq(Srq srq) {
        return d.destroySrq(srq);
    }

    @Override
    public PostResult postSrqRecv(Srq srq, List<RecvWr> wrs) {
        return d.postSrqRecv(srq, wrs);
    }

    @Override
    public int getDmaMr(Mr mr, int access) {
        return d.getDmaMr(mr, access);
    }

    @Override
    public int regMr(Mr mr, long start, long length, long iova, int access) {
        return d.regMr(mr, start, length, iova, access);
    }

    @Override
    public int deregMr(Mr mr) {
        return d.deregMr(mr);
    }

    @Override
    public int createAh(Ah ah, AhAttr attr) {
        return d.createAh(ah, attr);
    }

    @Override
    public int destroyAh(Ah ah) {
        return d.destroyAh(ah);
    }
}
