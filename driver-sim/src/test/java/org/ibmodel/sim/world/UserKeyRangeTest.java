// A key's range check must hold for every address and length: rdmavt's rvt_lkey_ok works from the
// offset into the region (drivers/infiniband/sw/rdmavt/mr.c), so no sum of a 64-bit address and a
// length wraps past the region's end; IBA 10.6.3.3 (an access outside the region is a protection error)
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.ibmodel.kernel.Task;
import org.ibmodel.mm.UserAddressSpace;
import org.ibmodel.uverbs.Uverbs;
import org.ibmodel.uverbs.UverbsDevice;
import org.ibmodel.uverbs.UverbsHost;
import org.ibmodel.verbs.Ibv;
import org.ibmodel.verbs.IbvAccessFlags;
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
import org.ibmodel.verbs.IbvRecvWr;
import org.ibmodel.verbs.IbvSendWr;
import org.ibmodel.verbs.IbvSge;
import org.ibmodel.verbs.IbvSrq;
import org.ibmodel.verbs.IbvSrqAttr;
import org.ibmodel.verbs.IbvWc;
import org.ibmodel.verbs.IbvWcStatus;
import org.ibmodel.verbs.IbvWrOpcode;
import org.junit.jupiter.api.Test;

/**
 * A process names an address in the last bytes below 2^63 with a length that carries the sum past
 * it, through the key of a region it did register: the access lies outside the region, so the
 * work request completes with IB_WC_LOC_PROT_ERR and the device goes on serving everyone else.
 */
class UserKeyRangeTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 11);
    private static final int BUF = 4096;
    private static final long WRAPPING = Long.MAX_VALUE - 7;
    private static final byte[] DATA = "after the bad one".getBytes(StandardCharsets.US_ASCII);

    private static final class Proc {
        final World world;
        final Ibv ibv;
        final IbvContext ctx;
        final IbvPd pd;
        final long buf;
        final IbvMr mr;
        final IbvCq cq;

        Proc(World world, int index) {
            this.world = world;
            Host host = world.host(index);
            Uverbs uv = new Uverbs();
            host.core().registerClient(uv);
            host.settle();
            UverbsDevice dev = uv.device("uverbs0");
            ibv = new Ibv(new Task("p" + index, new UserAddressSpace(host.memory(), UverbsHost.MAX_PAGES)));
            ctx = ibv.openDevice(ibv.getDeviceList(List.of(new IbvDevice(dev.name(), dev.ibDevice().name(),
                    dev::open))).get(0));
            pd = ctx.allocPd();
            buf = ibv.alloc(BUF);
            mr = pd.regMr(buf, BUF, IbvAccessFlags.LOCAL_WRITE);
            cq = ctx.createCq(16, this, null, 0);
        }

        int lid() {
            IbvPortAttr p = new IbvPortAttr();
            assertEquals(0, ctx.queryPort(1, p));
            return p.lid;
        }

        IbvQp rcQp() {
            return rcQp(null);
        }

        IbvQp rcQp(IbvSrq srq) {
            IbvQpInitAttr init = new IbvQpInitAttr();
            init.sendCq = cq;
            init.recvCq = cq;
            init.srq = srq;
            init.cap = new IbvQpCap(4, srq == null ? 4 : 0, 1, srq == null ? 1 : 0);
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

        IbvWc poll() {
            IbvWc[] wc = {new IbvWc()};
            world.settle();
            return cq.poll(1, wc) == 1 ? wc[0] : null;
        }
    }

    private static void connect(IbvQp qp, IbvQp peer, int peerLid) {
        IbvQpAttr a = new IbvQpAttr();
        a.qpState = IbvQpState.RTR;
        a.pathMtu = IbvQpType.MTU_1024;
        a.destQpNum = peer.qpNum();
        a.minRnrTimer = 12;
        a.ahAttr.dlid = peerLid;
        a.ahAttr.portNum = 1;
        assertEquals(0, qp.modify(a, IbvQpAttrMask.STATE | IbvQpAttrMask.AV | IbvQpAttrMask.PATH_MTU
                | IbvQpAttrMask.DEST_QPN | IbvQpAttrMask.RQ_PSN | IbvQpAttrMask.MAX_DEST_RD_ATOMIC
                | IbvQpAttrMask.MIN_RNR_TIMER));
        IbvQpAttr s = new IbvQpAttr();
        s.qpState = IbvQpState.RTS;
        s.timeout = 14;
        s.retryCnt = 7;
        s.rnrRetry = 7;
        assertEquals(0, qp.modify(s, IbvQpAttrMask.STATE | IbvQpAttrMask.TIMEOUT | IbvQpAttrMask.RETRY_CNT
                | IbvQpAttrMask.RNR_RETRY | IbvQpAttrMask.SQ_PSN | IbvQpAttrMask.MAX_QP_RD_ATOMIC));
    }

    @Test
    void shouldRefuseASendWhoseGatherWrapsPastTheRegion() {
        try (World w = World.of(SEED, 2)) {
            Proc sender = new Proc(w, 0);
            Proc peer = new Proc(w, 1);
            IbvQp qp = sender.rcQp();
            IbvQp rq = peer.rcQp();
            connect(qp, rq, peer.lid());
            connect(rq, qp, sender.lid());
            assertEquals(0, rq.postRecv(new IbvRecvWr(1, new IbvSge(peer.buf, BUF, peer.mr.lkey())),
                    new IbvRecvWr[1]));
            assertEquals(0, qp.postSend(new IbvSendWr(2, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                    new IbvSge(WRAPPING, 0x100, sender.mr.lkey())), new IbvSendWr[1]));
            IbvWc wc = sender.poll();
            assertNotNull(wc, "no completion (seed " + SEED + ")");
            assertEquals(IbvWcStatus.LOC_PROT_ERR, wc.status);
            assertNull(peer.poll(), "the peer received");
        }
    }

    @Test
    void shouldRefuseAReceiveWhoseScatterWrapsPastTheRegion() {
        try (World w = World.of(SEED, 2)) {
            Proc sender = new Proc(w, 0);
            Proc peer = new Proc(w, 1);
            IbvQp qp = sender.rcQp();
            IbvQp rq = peer.rcQp();
            connect(qp, rq, peer.lid());
            connect(rq, qp, sender.lid());
            assertEquals(0, rq.postRecv(new IbvRecvWr(1, new IbvSge(WRAPPING, 0x100, peer.mr.lkey())),
                    new IbvRecvWr[1]));
            assertEquals(0, sender.ibv.task().mm().copyToUser(sender.buf, DATA, 0, DATA.length));
            assertEquals(0, qp.postSend(new IbvSendWr(2, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                    new IbvSge(sender.buf, DATA.length, sender.mr.lkey())), new IbvSendWr[1]));
            sender.poll();
            IbvWc got = peer.poll();
            assertNotNull(got, "no receive completion (seed " + SEED + ")");
            assertEquals(IbvWcStatus.LOC_PROT_ERR, got.status);
        }
    }
}
