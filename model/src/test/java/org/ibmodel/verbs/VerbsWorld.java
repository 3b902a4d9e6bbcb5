// The world tests run the library in: one host with an in-memory device, processes on it
package org.ibmodel.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.function.UnaryOperator;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.kernel.Task;
import org.ibmodel.sw.mem.MemDevice;
import org.ibmodel.uverbs.UverbsHost;

/**
 * A host with uverbs over MemDevice, and what sysfs would list for it. Only tests reach into
 * the host (to run deferred kernel work and count objects); the library sees the processes.
 */
final class VerbsWorld {
    final UverbsHost host;
    final List<IbvDevice> sysfs;

    VerbsWorld() {
        this(UnaryOperator.identity());
    }

    /** A host whose device ops go through {@code wrap}: a mutation test breaks the device there. */
    VerbsWorld(UnaryOperator<DeviceOps> wrap) {
        host = new UverbsHost((core, mem) -> MemDevice.create(core, "mem0", mem, 1, wrap));
        sysfs = List.of(new IbvDevice("uverbs0", host.device().name(), host.uverbs0()::open));
    }

    Ibv process(String name) {
        return new Ibv(host.spawn(name));
    }

    IbvContext open(Ibv ibv) {
        List<IbvDevice> list = ibv.getDeviceList(sysfs);
        assertEquals(1, list.size());
        IbvContext ctx = ibv.openDevice(list.get(0));
        assertNotNull(ctx, "ibv_open_device errno " + ibv.errno());
        return ctx;
    }

    /** Interrupts, softirqs and work items run, as when a syscall returns. */
    void run() {
        host.run();
    }

    int liveObjects() {
        return host.device().liveTotal();
    }

    String liveSummary() {
        return host.device().liveSummary();
    }

    static Task task(Ibv ibv) {
        return ibv.task();
    }

    /** rc_pingpong's modify to INIT: pkey index 0, the port, no remote access. */
    static int toInit(IbvQp qp, int port) {
        IbvQpAttr a = new IbvQpAttr();
        a.qpState = IbvQpState.INIT;
        a.pkeyIndex = 0;
        a.portNum = port;
        a.qpAccessFlags = 0;
        return qp.modify(a, IbvQpAttrMask.STATE | IbvQpAttrMask.PKEY_INDEX | IbvQpAttrMask.PORT
                | IbvQpAttrMask.ACCESS_FLAGS);
    }

    /** rc_pingpong's pp_connect_ctx: RTR towards the remote LID/QPN/PSN, then RTS with our PSN. */
    static int connect(IbvQp qp, int port, int myPsn, int dlid, int dqpn, int dpsn) {
        IbvQpAttr a = new IbvQpAttr();
        a.qpState = IbvQpState.RTR;
        a.pathMtu = IbvQpType.MTU_1024;
        a.destQpNum = dqpn;
        a.rqPsn = dpsn;
        a.maxDestRdAtomic = 1;
        a.minRnrTimer = 12;
        a.ahAttr.dlid = dlid;
        a.ahAttr.sl = 0;
        a.ahAttr.portNum = port;
        int ret = qp.modify(a, IbvQpAttrMask.STATE | IbvQpAttrMask.AV | IbvQpAttrMask.PATH_MTU
                | IbvQpAttrMask.DEST_QPN | IbvQpAttrMask.RQ_PSN | IbvQpAttrMask.MAX_DEST_RD_ATOMIC
                | IbvQpAttrMask.MIN_RNR_TIMER);
        if (ret != 0) {
            return ret;
        }
        IbvQpAttr s = new IbvQpAttr();
        s.qpState = IbvQpState.RTS;
        s.timeout = 14;
        s.retryCnt = 7;
        s.rnrRetry = 7;
        s.sqPsn = myPsn;
        s.maxRdAtomic = 1;
        return qp.modify(s, IbvQpAttrMask.STATE | IbvQpAttrMask.TIMEOUT | IbvQpAttrMask.RETRY_CNT
                | IbvQpAttrMask.RNR_RETRY | IbvQpAttrMask.SQ_PSN | IbvQpAttrMask.MAX_QP_RD_ATOMIC);
    }

    static IbvQpInitAttr rcInit(IbvCq cq, int depth) {
        IbvQpInitAttr init = new IbvQpInitAttr();
        init.sendCq = cq;
        init.recvCq = cq;
        init.cap = new IbvQpCap(depth, depth, 1, 1);
        init.qpType = IbvQpType.RC;
        return init;
    }

    static void poke(Ibv ibv, long addr, byte[] data) {
        assertEquals(0, ibv.task().mm().copyToUser(addr, data, 0, data.length));
    }

    static byte[] peek(Ibv ibv, long addr, int len) {
        byte[] b = new byte[len];
        assertEquals(0, ibv.task().mm().copyFromUser(b, 0, addr, len));
        return b;
    }
}
