package org.ibmodel.core;

import java.util.List;

/**
 * Device ops that pass every call to another driver. Decorators extend it and override the calls
 * they observe (a recorder of runs for trace validation) or break on purpose (the drivers with
 * injected bugs that show a checker catches them).
 */
public class ForwardingDeviceOps implements DeviceOps {
    protected final DeviceOps real;

    public ForwardingDeviceOps(DeviceOps real) {
        this.real = real;
    }

    @Override
    public int queryPort(int portNum, PortAttr out) {
        return real.queryPort(portNum, out);
    }

    @Override
    public int allocPd(Pd pd) {
        return real.allocPd(pd);
    }

    @Override
    public int deallocPd(Pd pd) {
        return real.deallocPd(pd);
    }

    @Override
    public int createCq(Cq cq, CqInitAttr attr) {
        return real.createCq(cq, attr);
    }

    @Override
    public int destroyCq(Cq cq) {
        return real.destroyCq(cq);
    }

    @Override
    public int resizeCq(Cq cq, int cqe) {
        return real.resizeCq(cq, cqe);
    }

    @Override
    public int modifyCq(Cq cq, int cqCount, int cqPeriod) {
        return real.modifyCq(cq, cqCount, cqPeriod);
    }

    @Override
    public int pollCq(Cq cq, int numEntries, Wc[] wc) {
        return real.pollCq(cq, numEntries, wc);
    }

    @Override
    public int reqNotifyCq(Cq cq, int flags) {
        return real.reqNotifyCq(cq, flags);
    }

    @Override
    public int createQp(Qp qp, QpInitAttr attr) {
        return real.createQp(qp, attr);
    }

    @Override
    public int modifyQp(Qp qp, QpAttr attr, int mask, QpState cur, QpState next) {
        return real.modifyQp(qp, attr, mask, cur, next);
    }

    @Override
    public int queryQp(Qp qp, QpAttr out) {
        return real.queryQp(qp, out);
    }

    @Override
    public int destroyQp(Qp qp) {
        return real.destroyQp(qp);
    }

    @Override
    public PostResult postSend(Qp qp, List<SendWr> wrs) {
        return real.postSend(qp, wrs);
    }

    @Override
    public PostResult postRecv(Qp qp, List<RecvWr> wrs) {
        return real.postRecv(qp, wrs);
    }

    @Override
    public int createSrq(Srq srq, SrqAttr attr) {
        return real.createSrq(srq, attr);
    }

    @Override
    public int modifySrq(Srq srq, SrqAttr attr, int mask) {
        return real.modifySrq(srq, attr, mask);
    }

    @Override
    public int querySrq(Srq srq, SrqAttr out) {
        return real.querySrq(srq, out);
    }

    @Override
    public int destroySrq(Srq srq) {
        return real.destroySrq(srq);
    }

    @Override
    public PostResult postSrqRecv(Srq srq, List<RecvWr> wrs) {
        return real.postSrqRecv(srq, wrs);
    }

    @Override
    public int getDmaMr(Mr mr, int access) {
        return real.getDmaMr(mr, access);
    }

    @Override
    public int regMr(Mr mr, long start, long length, long iova, int access) {
        return real.regMr(mr, start, length, iova, access);
    }

    @Override
    public int deregMr(Mr mr) {
        return real.deregMr(mr);
    }

    @Override
    public int allocMr(Mr mr, int maxNumSg) {
        return real.allocMr(mr, maxNumSg);
    }

    @Override
    public int mapMrSg(Mr mr, long[] pages) {
        return real.mapMrSg(mr, pages);
    }

    @Override
    public int processMad(int flags, int portNum, Wc inWc, byte[] inMad, byte[] outMad) {
        return real.processMad(flags, portNum, inWc, inMad, outMad);
    }

    @Override
    public boolean hasProcessMad() {
        return real.hasProcessMad();
    }

    @Override
    public boolean hasMulticast() {
        return real.hasMulticast();
    }

    @Override
    public boolean hasModifyCq() {
        return real.hasModifyCq();
    }

    @Override
    public boolean hasDisassociateUcontext() {
        return real.hasDisassociateUcontext();
    }

    @Override
    public boolean hasDrain() {
        return real.hasDrain();
    }

    @Override
    public void drainSq(Qp qp) {
        real.drainSq(qp);
    }

    @Override
    public void drainRq(Qp qp) {
        real.drainRq(qp);
    }

    @Override
    public int attachMcast(Qp qp, byte[] gid, int lid) {
        return real.attachMcast(qp, gid, lid);
    }

    @Override
    public int detachMcast(Qp qp, byte[] gid, int lid) {
        return real.detachMcast(qp, gid, lid);
    }

    @Override
    public int createAh(Ah ah, AhAttr attr) {
        return real.createAh(ah, attr);
    }

    @Override
    public int destroyAh(Ah ah) {
        return real.destroyAh(ah);
    }
}
