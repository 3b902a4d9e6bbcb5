// A user process on a World host set up as libibverbs' rc_pingpong sets up its own
// (libibverbs/examples/rc_pingpong.c pp_init_ctx, pp_connect_ctx, pp_get_port_info)
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import org.ibmodel.kernel.Task;
import org.ibmodel.mm.UserAddressSpace;
import org.ibmodel.uverbs.Uverbs;
import org.ibmodel.uverbs.UverbsDevice;
import org.ibmodel.uverbs.UverbsHost;
import org.ibmodel.verbs.Ibv;
import org.ibmodel.verbs.IbvAccessFlags;
import org.ibmodel.verbs.IbvAh;
import org.ibmodel.verbs.IbvAhAttr;
import org.ibmodel.verbs.IbvContext;
import org.ibmodel.verbs.IbvCq;
import org.ibmodel.verbs.IbvDevice;
import org.ibmodel.verbs.IbvMr;
import org.ibmodel.verbs.IbvPd;
import org.ibmodel.verbs.IbvPortAttr;
import org.ibmodel.verbs.IbvQp;
import org.ibmodel.verbs.IbvQpAttr;
import org.ibmodel.verbs.IbvQpAttrMask;
import org.ibmodel.verbs.IbvQpCap;
import org.ibmodel.verbs.IbvQpInitAttr;
import org.ibmodel.verbs.IbvQpState;
import org.ibmodel.verbs.IbvQpType;
import org.ibmodel.verbs.IbvSrq;
import org.ibmodel.verbs.IbvWc;

/**
 * One process's uverbs0, PD, buffer, region over it (IBV_ACCESS_LOCAL_WRITE) and CQ of 16
 * entries, as rc_pingpong's pp_init_ctx makes them; its RC QPs are made one at a time, so a test
 * can tear a connection down and build another on the same objects.
 */
class UserProcess {
    final World world;
    final int index;
    final Ibv ibv;
    final IbvContext ctx;
    final IbvPd pd;
    final long buf;
    final IbvMr mr;
    final IbvCq cq;

    /** A process {@code p<index>} on host {@code index}, whose uverbs client it loads first. */
    UserProcess(World world, int index, int bufLen) {
        this(world, index, uverbs(world, index), "p" + index, bufLen);
    }

    /**
     * A process {@code comm} through a uverbs client already loaded, for a test that opens the
     * host's device again through the same client, as after a device reset.
     */
    UserProcess(World world, int index, Uverbs uv, String comm, int bufLen) {
        this.world = world;
        this.index = index;
        Host host = world.host(index);
        ibv = new Ibv(new Task(comm, new UserAddressSpace(host.memory(), UverbsHost.MAX_PAGES)));
        ctx = openDevice(ibv, uv);
        // The tests ask what is queued at a moment, as a program with a poll() loop does: an
        // empty async fd says EAGAIN instead of letting the world run until something comes.
        assertEquals(0, ctx.setNonblocking());
        pd = ctx.allocPd();
        buf = ibv.alloc(bufLen);
        mr = pd.regMr(buf, bufLen, IbvAccessFlags.LOCAL_WRITE);
        cq = ctx.createCq(16, this, null, 0);
    }

    /**
     * ibv_create_ah for a multicast group on port 1: its MLID, and its MGID in a GRH of hop limit
     * 1, as a datagram to the group is addressed.
     */
    IbvAh groupAh(byte[] mgid, int mlid) {
        IbvAhAttr g = new IbvAhAttr();
        g.dlid = mlid;
        g.isGlobal = true;
        g.dgid = mgid.clone();
        g.hopLimit = 1;
        g.portNum = 1;
        IbvAh ah = pd.createAh(g);
        assertNotNull(ah, "ibv_create_ah");
        return ah;
    }

    /** The uverbs client of a host, loaded once: /dev/infiniband/uverbsN appear. */
    static Uverbs uverbs(World world, int index) {
        Uverbs uv = new Uverbs();
        world.host(index).core().registerClient(uv);
        world.host(index).settle();
        return uv;
    }

    /** ibv_get_device_list, then ibv_open_device of its one entry, uverbs0; null if the open failed. */
    static IbvContext openDevice(Ibv ibv, Uverbs uv) {
        UverbsDevice dev = uv.device("uverbs0");
        return ibv.openDevice(ibv.getDeviceList(List.of(new IbvDevice(dev.name(), dev.ibDevice().name(),
                dev::open))).get(0));
    }

    /** The LID of port 1: pp_get_port_info. */
    int lid() {
        return lid(1);
    }

    int lid(int port) {
        IbvPortAttr p = new IbvPortAttr();
        assertEquals(0, ctx.queryPort(port, p));
        return p.lid;
    }

    /** An RC QP on the process's CQ with a receive queue of its own, in INIT on port 1. */
    IbvQp createRcQp() {
        return createRcQp(null, 0);
    }

    /**
     * An RC QP on the process's CQ, taking its receives from {@code srq} if not null, with room
     * for {@code maxInlineData} bytes of inline data, moved to INIT on port 1 as pp_init_ctx does.
     */
    IbvQp createRcQp(IbvSrq srq, int maxInlineData) {
        return createRcQp(cq, srq, maxInlineData);
    }

    /** {@link #createRcQp(IbvSrq, int)} on {@code on} instead of the process's CQ. */
    IbvQp createRcQp(IbvCq on, IbvSrq srq, int maxInlineData) {
        IbvQpInitAttr init = new IbvQpInitAttr();
        init.sendCq = on;
        init.recvCq = on;
        init.srq = srq;
        // On an SRQ the receives come from the SRQ: the QP asks for no receive queue of its own.
        init.cap = new IbvQpCap(4, srq == null ? 4 : 0, 1, srq == null ? 1 : 0);
        init.cap.maxInlineData = maxInlineData;
        init.qpType = IbvQpType.RC;
        IbvQp qp = pd.createQp(init);
        assertNotNull(qp, "ibv_create_qp");
        IbvQpAttr a = new IbvQpAttr();
        a.qpState = IbvQpState.INIT;
        a.portNum = 1;
        assertEquals(0, qp.modify(a, IbvQpAttrMask.STATE | IbvQpAttrMask.PKEY_INDEX | IbvQpAttrMask.PORT
                | IbvQpAttrMask.ACCESS_FLAGS));
        return qp;
    }

    /** One completion of the CQ once the world has settled, or null: ibv_poll_cq for one entry. */
    IbvWc pollCq() {
        IbvWc[] wc = {new IbvWc()};
        world.settle();
        return cq.poll(1, wc) == 1 ? wc[0] : null;
    }

    /**
     * INIT -> RTR towards {@code peer} at {@code dlid} through {@code port}, PSN 0: the first
     * ibv_modify_qp of pp_connect_ctx. Returns its status, so a test can expect a refusal.
     */
    static int toRtr(IbvQp qp, IbvQp peer, int dlid, int port) {
        IbvQpAttr a = new IbvQpAttr();
        a.qpState = IbvQpState.RTR;
        a.pathMtu = IbvQpType.MTU_1024;
        a.destQpNum = peer.qpNum();
        a.minRnrTimer = 12;
        a.ahAttr.dlid = dlid;
        a.ahAttr.portNum = port;
        return qp.modify(a, IbvQpAttrMask.STATE | IbvQpAttrMask.AV | IbvQpAttrMask.PATH_MTU
                | IbvQpAttrMask.DEST_QPN | IbvQpAttrMask.RQ_PSN | IbvQpAttrMask.MAX_DEST_RD_ATOMIC
                | IbvQpAttrMask.MIN_RNR_TIMER);
    }

    /** INIT -> RTR -> RTS towards {@code peer} on {@code peerLid}, port 1: rc_pingpong's pp_connect_ctx. */
    static void connect(IbvQp qp, IbvQp peer, int peerLid) {
        assertEquals(0, toRtr(qp, peer, peerLid, 1));
        IbvQpAttr s = new IbvQpAttr();
        s.qpState = IbvQpState.RTS;
        s.timeout = 14;
        s.retryCnt = 7;
        s.rnrRetry = 7;
        assertEquals(0, qp.modify(s, IbvQpAttrMask.STATE | IbvQpAttrMask.TIMEOUT | IbvQpAttrMask.RETRY_CNT
                | IbvQpAttrMask.RNR_RETRY | IbvQpAttrMask.SQ_PSN | IbvQpAttrMask.MAX_QP_RD_ATOMIC));
    }

    /** {@code qp} of {@code a} and {@code peerQp} of {@code b} each to the other: both sides' pp_connect_ctx. */
    static void connect(UserProcess a, IbvQp qp, UserProcess b, IbvQp peerQp) {
        connect(qp, peerQp, b.lid());
        connect(peerQp, qp, a.lid());
    }
}
