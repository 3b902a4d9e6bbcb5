// drivers/infiniband/core/uverbs_cmd.c, rdma_core.c, verbs.c: the kernel's errno, seen through
// the library the way libibverbs returns it
package org.ibmodel.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.ibmodel.core.ResType;
import org.ibmodel.kernel.Errno;
import org.junit.jupiter.api.Test;

class IbvErrnoTest {
    final VerbsWorld world = new VerbsWorld();
    final Ibv ibv = world.process("p1");
    final IbvContext ctx = world.open(ibv);
    final IbvPd pd = ctx.allocPd();
    final IbvCq cq = ctx.createCq(4, null, null, 0);

    static int e(Errno e) {
        return e.number();
    }

    @Test
    void shouldReturnEinvalForAModifyQpMissingARequiredAttribute() {
        IbvQp qp = pd.createQp(VerbsWorld.rcInit(cq, 4));
        IbvQpAttr a = new IbvQpAttr();
        a.qpState = IbvQpState.INIT;
        // verbs.c ib_modify_qp_is_ok: RESET->INIT of an RC QP needs PKEY_INDEX, PORT and ACCESS_FLAGS.
        assertEquals(e(Errno.EINVAL), qp.modify(a, IbvQpAttrMask.STATE | IbvQpAttrMask.PKEY_INDEX));
        assertEquals(e(Errno.EINVAL), ibv.errno());
        assertEquals(IbvQpState.RESET, qp.state());
        IbvQpAttr q = new IbvQpAttr();
        assertEquals(0, qp.query(q, IbvQpAttrMask.STATE, null));
        assertEquals(IbvQpState.RESET, q.qpState);
    }

    @Test
    void shouldReturnEinvalForATransitionNotInTheTable() {
        IbvQp qp = pd.createQp(VerbsWorld.rcInit(cq, 4));
        IbvQpAttr a = new IbvQpAttr();
        a.qpState = IbvQpState.RTS;
        assertEquals(e(Errno.EINVAL), qp.modify(a, IbvQpAttrMask.STATE));
    }

    @Test
    void shouldReturnEinvalForAModifyToAPortThatDoesNotExist() {
        IbvQp qp = pd.createQp(VerbsWorld.rcInit(cq, 4));
        // uverbs_cmd.c modify_qp: rdma_is_port_valid before ib_core sees the request.
        assertEquals(e(Errno.EINVAL), VerbsWorld.toInit(qp, 9));
    }

    @Test
    void shouldReturnEbusyForDestroyingACqAQpUses() {
        IbvQp qp = pd.createQp(VerbsWorld.rcInit(cq, 4));
        assertEquals(e(Errno.EBUSY), cq.destroy());
        assertEquals(e(Errno.EBUSY), ibv.errno());
        assertEquals(e(Errno.EBUSY), pd.dealloc());
        assertEquals(1, world.host.device().liveCount(ResType.CQ));
        assertEquals(0, qp.destroy());
        assertEquals(0, cq.destroy());
        assertEquals(0, pd.dealloc());
    }

    @Test
    void shouldReturnNullWithEinvalForSizesAboveTheDeviceCaps() {
        IbvDeviceAttr d = new IbvDeviceAttr();
        assertEquals(0, ctx.queryDevice(d));
        assertNull(ctx.createCq(d.maxCqe + 1, null, null, 0));
        assertEquals(e(Errno.EINVAL), ibv.errno());
        IbvQpInitAttr init = VerbsWorld.rcInit(cq, d.maxQpWr + 1);
        assertNull(pd.createQp(init));
        assertEquals(e(Errno.EINVAL), ibv.errno());
        assertNull(pd.createSrq(null, new IbvSrqAttr(d.maxSrqWr + 1, 1, 0)));
        assertEquals(e(Errno.EINVAL), ibv.errno());
        assertEquals(0, world.host.device().liveCount(ResType.QP));
    }

    @Test
    void shouldReturnNullWithEfaultForAnMrOverUnmappedMemory() {
        assertNull(pd.regMr(0x5000_0000L, 4096, IbvAccessFlags.LOCAL_WRITE));
        assertEquals(e(Errno.EFAULT), ibv.errno());
        assertEquals(0, ibv.task().mm().pinCount());
    }

    @Test
    void shouldReturnEinvalAndNameTheBadWrForTooManySges() {
        IbvQp qp = pd.createQp(VerbsWorld.rcInit(cq, 4));
        long buf = ibv.alloc(4096);
        IbvMr mr = pd.regMr(buf, 4096, IbvAccessFlags.LOCAL_WRITE);
        IbvRecvWr ok = new IbvRecvWr(1, new IbvSge(buf, 8, mr.lkey()));
        ok.next = new IbvRecvWr(2, new IbvSge(buf, 8, mr.lkey()), new IbvSge(buf + 8, 8, mr.lkey()));
        IbvRecvWr[] bad = new IbvRecvWr[1];
        // rxe_post_recv: nothing can be posted in RESET; the first request is the bad one.
        assertEquals(e(Errno.EINVAL), qp.postRecv(ok, bad));
        assertSame(ok, bad[0]);
        assertEquals(0, VerbsWorld.toInit(qp, 1));
        // The QP has max_recv_sge 1: the second request is the one refused.
        assertEquals(e(Errno.EINVAL), qp.postRecv(ok, bad));
        assertSame(ok.next, bad[0]);
    }

    @Test
    void shouldReturnMinusOneWithEnoentForPollingADestroyedCq() {
        IbvCq other = ctx.createCq(4, null, null, 0);
        assertEquals(0, other.destroy());
        // The kernel's lookup of the freed handle fails with -ENOENT, passed on since Linux 6.15.
        assertEquals(-1, other.poll(1, new IbvWc[1]));
        assertEquals(e(Errno.ENOENT), ibv.errno());
        assertEquals(e(Errno.ENOENT), other.reqNotify(false));
    }

    @Test
    void shouldReturnEnoentForDeallocatingAPdTwice() {
        assertEquals(0, pd.dealloc());
        assertEquals(e(Errno.ENOENT), pd.dealloc());
    }

    @Test
    void shouldReturnEbadfForACompChannelOfAnotherContext() {
        IbvContext second = world.open(ibv);
        IbvCompChannel foreign = second.createCompChannel();
        assertNotNull(foreign);
        // uverbs_cmd.c create_cq: ib_uverbs_lookup_comp_file finds no channel of this file.
        assertNull(ctx.createCq(4, null, foreign, 0));
        assertEquals(e(Errno.EBADF), ibv.errno());
    }

    @Test
    void shouldReturnEinvalForQueryingAPortThatDoesNotExist() {
        assertEquals(e(Errno.EINVAL), ctx.queryPort(7, new IbvPortAttr()));
    }

    @Test
    void shouldReturnTheErrnoOfAFailedOpen() {
        IbvDevice gone = new IbvDevice("uverbs1", "gone0", t -> Errno.ENODEV.negative());
        assertNull(ibv.openDevice(gone));
        assertEquals(e(Errno.ENODEV), ibv.errno());
    }

    @Test
    void shouldReturnEagainFromEmptyNonblockingEventFiles() {
        IbvCompChannel ch = ctx.createCompChannel();
        assertEquals(0, ch.setNonblocking());
        assertEquals(0, ctx.setNonblocking());
        assertNull(ch.getCqEvent());
        assertEquals(e(Errno.EAGAIN), ibv.errno());
        assertNull(ctx.getAsyncEvent());
        assertEquals(e(Errno.EAGAIN), ibv.errno());
    }

    /** A blocking read of an empty event file on a kernel where nothing can ever queue an event. */
    @Test
    void shouldReturnEintrFromABlockingReadNothingCanEnd() {
        IbvCompChannel ch = ctx.createCompChannel();
        assertNull(ch.getCqEvent());
        assertEquals(e(Errno.EINTR), ibv.errno());
        assertNull(ctx.getAsyncEvent());
        assertEquals(e(Errno.EINTR), ibv.errno());
    }
}
