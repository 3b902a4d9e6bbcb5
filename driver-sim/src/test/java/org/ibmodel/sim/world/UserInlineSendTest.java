// Inline data of a process's work request comes from the process's memory: rdmavt and rxe copy it
// with copy_from_user when the QP belongs to a process (drivers/infiniband/sw/rxe/rxe_verbs.c
// init_send_wqe, drivers/infiniband/sw/rdmavt/qp.c), and mlx4's build_inline_wqe copies from a
// kernel address only for the kernel's own QPs (user QPs post from user space there)
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

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
import org.ibmodel.verbs.IbvWc;
import org.ibmodel.verbs.IbvWcStatus;
import org.ibmodel.verbs.IbvWrOpcode;
import org.junit.jupiter.api.Test;

/**
 * A process's SEND with IBV_SEND_INLINE names its data by user addresses: the kernel driver that
 * builds the WQE must copy them from the process's address space. Read as host addresses, they
 * would let the process send any page of its host to a peer, keys or not.
 */
class UserInlineSendTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 11);
    private static final int BUF = 4096;
    private static final byte[] SECRET = "the kernel's own bytes".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MINE = "the process's own bytes".getBytes(StandardCharsets.US_ASCII);

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
            IbvQpInitAttr init = new IbvQpInitAttr();
            init.sendCq = cq;
            init.recvCq = cq;
            init.cap = new IbvQpCap(4, 4, 1, 1);
            init.cap.maxInlineData = 64;
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

    /** What the peer's receive of one inline SEND from {@code addr} delivered, or null. */
    private static byte[] sendInline(Proc sender, Proc peer, long addr, int len, int[] ret) {
        IbvQp qp = sender.rcQp();
        IbvQp rq = peer.rcQp();
        connect(qp, rq, peer.lid());
        connect(rq, qp, sender.lid());
        assertEquals(0, peer.ibv.task().mm().copyToUser(peer.buf, new byte[BUF], 0, BUF));
        assertEquals(0, rq.postRecv(new IbvRecvWr(1, new IbvSge(peer.buf, BUF, peer.mr.lkey())), new IbvRecvWr[1]));
        // No key at all: inline data is the WQE's own and is checked against none.
        ret[0] = qp.postSend(new IbvSendWr(2, IbvWrOpcode.SEND,
                IbvWrOpcode.SEND_SIGNALED | IbvWrOpcode.SEND_INLINE, new IbvSge(addr, len, 0)), new IbvSendWr[1]);
        sender.poll();
        IbvWc got = peer.poll();
        byte[] in = null;
        if (got != null && got.status == IbvWcStatus.SUCCESS) {
            in = new byte[len];
            assertEquals(0, peer.ibv.task().mm().copyFromUser(in, 0, peer.buf, len));
        }
        assertEquals(0, qp.destroy());
        assertEquals(0, rq.destroy());
        while (sender.poll() != null || peer.poll() != null) {
            // flushed completions of the torn-down connection
        }
        return in;
    }

    @Test
    void shouldSendAProcesssInlineDataFromItsOwnMemory() {
        try (World w = World.of(SEED, 2)) {
            Proc sender = new Proc(w, 0);
            Proc peer = new Proc(w, 1);
            assertEquals(0, sender.ibv.task().mm().copyToUser(sender.buf, MINE, 0, MINE.length));
            int[] ret = {-1};
            byte[] in = sendInline(sender, peer, sender.buf, MINE.length, ret);
            assertEquals(0, ret[0], "ibv_post_send of inline data from the process's buffer");
            assertArrayEquals(MINE, in, "the peer got the process's bytes");
        }
    }

    @Test
    void shouldNotLetAProcessSendHostMemoryInline() {
        try (World w = World.of(SEED, 2)) {
            Proc attacker = new Proc(w, 0);
            Proc peer = new Proc(w, 1);
            long secret = w.host(0).memory().alloc(4096);
            w.host(0).memory().write(secret, SECRET);
            int[] ret = {0};
            byte[] in = sendInline(attacker, peer, secret, SECRET.length, ret);
            assertNotEquals(0, ret[0], String.format("ibv_post_send of inline data at host address %#x", secret));
            assertFalse(in != null && Arrays.equals(SECRET, in), "the peer holds the kernel's bytes");
        }
    }
}
