// include/rdma/ib_verbs.h: struct ib_event
package org.ibmodel.core;

/** An asynchronous event; exactly one of the element fields is set, per the type's scope. */
public record IbEvent(IbDevice device, IbEventType event, Cq cq, Qp qp, Srq srq, int portNum) {

    public static IbEvent port(IbDevice device, IbEventType type, int portNum) {
        return new IbEvent(device, type, null, null, null, portNum);
    }

    public static IbEvent device(IbDevice device, IbEventType type) {
        return new IbEvent(device, type, null, null, null, 0);
    }

    public static IbEvent cq(Cq cq, IbEventType type) {
        return new IbEvent(cq.device(), type, cq, null, null, 0);
    }

    public static IbEvent qp(Qp qp, IbEventType type) {
        return new IbEvent(qp.device(), type, null, qp, null, 0);
    }

    public static IbEvent srq(Srq srq, IbEventType type) {
        return new IbEvent(srq.device(), type, null, null, srq, 0);
    }

    @Override
    public String toString() {
        String element = switch (event.scope()) {
            case CQ -> "cq";
            case QP -> "qp 0x" + Integer.toHexString(qp.qpNum());
            case SRQ -> "srq";
            case PORT -> "port " + portNum;
            case DEVICE -> "device";
        };
        return device.name() + ": " + event.kernelName() + " (" + event.message() + ") on " + element;
    }
}
