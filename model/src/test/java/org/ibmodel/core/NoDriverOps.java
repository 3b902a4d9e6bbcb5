package org.ibmodel.core;

import java.util.List;

/** Device ops for tests of rules that live in ib_core alone: any call into the driver fails the test. */
final class NoDriverOps implements DeviceOps {
    private static AssertionError called(String op) {
        return new AssertionError("driver called: " + op);
    }

    @Override
    public int queryPort(int portNum, PortAttr out) {
        throw called("queryPort");
    }

    @Override
    public int allocPd(Pd pd) {
        throw called("allocPd");
    }

    @Override
    public int deallocPd(Pd pd) {
        throw called("deallocPd");
    }

    @Override
    public int createCq(Cq cq, CqInitAttr attr) {
        throw called("createCq");
    }

    @Override
    public int destroyCq(Cq cq) {
        throw called("destroyCq");
    }

    @Override
    public int resizeCq(Cq cq, int cqe) {
        throw called("resizeCq");
    }

    @Override
    public int pollCq(Cq cq, int numEntries, Wc[] wc) {
        throw called("pollCq");
    }

    @Override
    public int reqNotifyCq(Cq cq, int flags) {
        throw called("reqNotifyCq");
    }

    @Override
    public int createQp(Qp qp, QpInitAttr attr) {
        throw called("createQp");
    }

    @Override
    public int modifyQp(Qp qp, QpAttr attr, int mask, QpState cur, QpState next) {
        throw called("modifyQp");
    }

    @Override
    public int destroyQp(Qp qp) {
        throw called("destroyQp");
    }

    @Override
    public PostResult postSend(Qp qp, List<SendWr> wrs) {
        throw called("postSend");
    }

    @Override
    public PostResult postRecv(Qp qp, List<RecvWr> wrs) {
        throw called("postRecv");
    }

    @Override
    public int createSrq(Srq srq, SrqAttr attr) {
        throw called("createSrq");
    }

    @Override
    public int modifySrq(Srq srq, SrqAttr attr, int mask) {
        throw called("modifySrq");
    }

    @Override
    public int destroySrq(Srq srq) {
        throw called("destroySrq");
    }

    @Override
    public PostResult postSrqRecv(Srq srq, List<RecvWr> wrs) {
        throw called("postSrqRecv");
    }

    @Override
    public int getDmaMr(Mr mr, int access) {
        throw called("getDmaMr");
    }

    @Override
    public int regMr(Mr mr, long start, long length, long iova, int access) {
        throw called("regMr");
    }

    @Override
    public int deregMr(Mr mr) {
        throw called("deregMr");
    }

    @Override
    public int createAh(Ah ah, AhAttr attr) {
        throw called("createAh");
    }

    @Override
    public int destroyAh(Ah ah) {
        throw called("destroyAh");
    }
}
