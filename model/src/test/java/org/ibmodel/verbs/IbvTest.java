// libibverbs/verbs.h: each verb of the library on uverbs over the in-memory device
package org.ibmodel.verbs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.PortAttr;
import org.ibmodel.core.ResType;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sw.mem.MemDevice;
import org.junit.jupiter.api.Test;

class IbvTest {
    final VerbsWorld world = new VerbsWorld();
    final Ibv ibv = world.process("p1");
    final IbvContext ctx = world.open(ibv);

    IbvQp loopbackQp(IbvPd pd, IbvCq cq) {
        IbvQpInitAttr init = VerbsWorld.rcInit(cq, 8);
        init.cap.maxSendSge = 2;
        IbvQp qp = pd.createQp(init);
        assertNotNull(qp);
        assertEquals(0, VerbsWorld.toInit(qp, 1));
        assertEquals(0, VerbsWorld.connect(qp, 1, 7, 1, qp.qpNum(), 7));
        return qp;
    }

    @Test
    void shouldListTheDeviceAndOpenItWithAnAsyncFd() {
        List<IbvDevice> list = ibv.getDeviceList(world.sysfs);
        assertEquals("mem0", list.get(0).getName());
        assertEquals(ctx.cmdFd() + 1, ctx.asyncFd());
        assertEquals(1, ctx.numCompVectors());
        assertEquals(2, ibv.task().files().size());
        assertEquals(0, ibv.closeDevice(ctx));
        assertTrue(ibv.task().files().isEmpty());
        assertTrue(world.host.uverbs0().openFiles().isEmpty());
    }

    @Test
    void shouldSkipASysfsEntryWithNoDeviceNode() {
        assertTrue(ibv.getDeviceList(List.of(new IbvDevice("uverbs1", "gone0", null))).isEmpty());
    }

    @Test
    void shouldQueryTheDeviceCaps() {
        IbvDeviceAttr a = new IbvDeviceAttr();
        assertEquals(0, ctx.queryDevice(a));
        assertEquals(world.host.device().attr().maxCqe, a.maxCqe);
        assertEquals(world.host.device().attr().maxQpWr, a.maxQpWr);
        assertEquals(1, a.physPortCnt);
        assertNotEquals(0L, a.nodeGuid);
    }

    @Test
    void shouldQueryThePort() {
        IbvPortAttr p = new IbvPortAttr();
        assertEquals(0, ctx.queryPort(1, p));
        assertEquals(1, p.lid);
        assertEquals(IbvPortAttr.PORT_ACTIVE, p.state);
    }

    /**
     * ib_uverbs_query_port asks ib_query_port, which asks the driver (drivers/infiniband/core/
     * device.c), and copies its counters into the response (copy_port_attr_to_resp).
     */
    @Test
    void shouldReportThePortCountersTheDriverReads() {
        VerbsWorld counting = new VerbsWorld(real -> new ForwardingDeviceOps(real) {
            @Override
            public int queryPort(int portNum, PortAttr out) {
                int ret = real.queryPort(portNum, out);
                out.badPkeyCntr = 3;
                out.qkeyViolCntr = 5;
                return ret;
            }
        });
        IbvContext c = counting.open(counting.process("p1"));
        IbvPortAttr p = new IbvPortAttr();
        assertEquals(0, c.queryPort(1, p));
        assertEquals(3, p.badPkeyCntr, "bad_pkey_cntr");
        assertEquals(5, p.qkeyViolCntr, "qkey_viol_cntr");
        assertEquals(1, p.lid);
    }

    @Test
    void shouldAllocAndDeallocAPd() {
        IbvPd pd = ctx.allocPd();
        assertNotNull(pd);
        assertEquals(1, world.host.device().liveCount(ResType.PD));
        assertEquals(0, pd.dealloc());
        assertEquals(0, world.host.device().liveCount(ResType.PD));
    }

    @Test
    void shouldRegisterLibraryAndCallerMemory() {
        IbvPd pd = ctx.allocPd();
        long lib = ibv.alloc(8192);
        IbvMr a = pd.regMr(lib, 8192, IbvAccessFlags.LOCAL_WRITE | IbvAccessFlags.REMOTE_WRITE);
        assertNotNull(a);
        // Memory the caller maps itself works the same; the library's heap never covers it.
        assertEquals(0x20000L, ibv.task().mm().mmap(0x20000, 4096));
        IbvMr b = pd.regMr(0x20000, 4096, 0);
        assertNotNull(b);
        assertNotEquals(a.lkey(), b.lkey());
        assertEquals(3, ibv.task().mm().pinCount());
        assertEquals(0, a.dereg());
        assertEquals(0, b.dereg());
        assertEquals(0, ibv.task().mm().pinCount());
    }

    @Test
    void shouldCreateAndDestroyACompChannelAndCq() {
        IbvCompChannel ch = ctx.createCompChannel();
        assertNotNull(ch);
        IbvCq cq = ctx.createCq(10, "ctx", ch, 0);
        assertNotNull(cq);
        assertTrue(cq.cqe() >= 10);
        assertEquals(Errno.EBUSY.number(), ch.destroy());
        assertEquals(0, cq.destroy());
        assertEquals(0, ch.destroy());
        assertEquals(0, world.liveObjects(), world.liveSummary());
    }

    /**
     * ibv_destroy_comp_channel returns EBUSY without setting errno, and otherwise closes the fd
     * without looking at the result: an fd already closed still gives 0.
     */
    @Test
    void shouldDestroyACompChannelAsLibibverbsDoes() {
        IbvCompChannel ch = ctx.createCompChannel();
        IbvCq cq = ctx.createCq(10, "ctx", ch, 0);
        assertEquals(Errno.EBUSY.number(), ch.destroy());
        assertEquals(0, ibv.errno(), "errno untouched");
        assertEquals(0, cq.destroy());
        assertEquals(0, ibv.task().close(ch.fd()));
        assertEquals(0, ch.destroy(), "close's EBADF is not looked at");
    }

    /**
     * ibv_create_qp copies qp_context, the CQs, the SRQ and the type into the ibv_qp: one init
     * structure may make several QPs, and changing it later changes none of them.
     */
    @Test
    void shouldKeepWhatAQpWasCreatedWithWhenTheInitAttributesAreReused() {
        IbvPd pd = ctx.allocPd();
        IbvCq cq1 = ctx.createCq(8, null, null, 0);
        IbvCq cq2 = ctx.createCq(8, null, null, 0);
        IbvQpInitAttr init = VerbsWorld.rcInit(cq1, 8);
        init.qpContext = "first";
        IbvQp qp1 = pd.createQp(init);
        init.qpType = IbvQpType.UD;
        init.sendCq = cq2;
        init.recvCq = cq2;
        init.qpContext = "second";
        IbvQp qp2 = pd.createQp(init);
        assertNotNull(qp2);
        assertEquals("first", qp1.qpContext());
        IbvQpAttr attr = new IbvQpAttr();
        IbvQpInitAttr out = new IbvQpInitAttr();
        assertEquals(0, qp1.query(attr, IbvQpAttrMask.CAP, out));
        assertEquals(IbvQpType.RC, out.qpType);
        assertSame(cq1, out.sendCq);
        assertNotSame(attr.cap, out.cap, "attr.cap and init_attr.cap are each filled");
        assertEquals(attr.cap.maxSendWr, out.cap.maxSendWr);
    }

    /** ibv_cmd_poll_cq mallocs a response sized by ne: a negative ne fails there, ENOMEM. */
    @Test
    void shouldFailAPollOfANegativeCountAsItsAllocationDoes() {
        IbvCq cq = ctx.createCq(8, null, null, 0);
        assertEquals(-1, cq.poll(-1, new IbvWc[1]));
        assertEquals(Errno.ENOMEM.number(), ibv.errno());
    }

    /**
     * ibv_cmd_reg_mr refuses implicit ODP (ON_DEMAND over length SIZE_MAX) with an address before
     * any write(): EINVAL from the library, not the device's EOPNOTSUPP for ON_DEMAND.
     */
    @Test
    void shouldRefuseImplicitOdpWithAnAddressBeforeAnyCommand() {
        IbvPd pd = ctx.allocPd();
        long buf = ibv.alloc(4096);
        int mrs = world.host.device().liveCount(ResType.MR);
        assertNull(pd.regMr(buf, -1L, IbvAccessFlags.LOCAL_WRITE | IbvAccessFlags.ON_DEMAND));
        assertEquals(Errno.EINVAL.number(), ibv.errno());
        assertNull(pd.regMr(buf, 4096, IbvAccessFlags.LOCAL_WRITE | IbvAccessFlags.ON_DEMAND));
        assertEquals(Errno.EOPNOTSUPP.number(), ibv.errno(), "a bounded ODP region reaches the device");
        assertEquals(mrs, world.host.device().liveCount(ResType.MR));
    }

    /** ibv_cmd_post_recv writes *bad_wr only on failure: a successful post leaves it alone. */
    @Test
    void shouldLeaveBadWrAloneWhenAPostSucceeds() {
        IbvPd pd = ctx.allocPd();
        IbvCq cq = ctx.createCq(8, null, null, 0);
        IbvQp qp = pd.createQp(VerbsWorld.rcInit(cq, 8));
        assertEquals(0, VerbsWorld.toInit(qp, 1));
        IbvRecvWr wr = new IbvRecvWr();
        IbvRecvWr sentinel = new IbvRecvWr();
        IbvRecvWr[] bad = {sentinel};
        assertEquals(0, qp.postRecv(wr, bad));
        assertSame(sentinel, bad[0]);
    }

    @Test
    void shouldPostSendAndRecvAndPollCompletions() {
        IbvPd pd = ctx.allocPd();
        IbvCq cq = ctx.createCq(16, null, null, 0);
        IbvQp qp = loopbackQp(pd, cq);
        long buf = ibv.alloc(4096);
        IbvMr mr = pd.regMr(buf, 4096, IbvAccessFlags.LOCAL_WRITE);
        byte[] msg = "hello verbs".getBytes();
        VerbsWorld.poke(ibv, buf + 1000, msg);
        assertEquals(0, qp.postRecv(new IbvRecvWr(11, new IbvSge(buf + 2000, 64, mr.lkey())), null));
        // Two SGEs in one request, and a chain of two requests.
        IbvSendWr w1 = new IbvSendWr(21, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                new IbvSge(buf + 1000, 5, mr.lkey()), new IbvSge(buf + 1005, msg.length - 5, mr.lkey()));
        assertEquals(0, qp.postSend(w1, null));
        world.run();
        IbvWc[] wc = new IbvWc[4];
        assertEquals(2, cq.poll(4, wc));
        IbvWc send = wc[0].wrId == 21 ? wc[0] : wc[1];
        IbvWc recv = wc[0].wrId == 11 ? wc[0] : wc[1];
        assertEquals(IbvWcOpcode.SEND, send.opcode);
        assertEquals(IbvWcOpcode.RECV, recv.opcode);
        assertEquals(msg.length, recv.byteLen);
        assertEquals(IbvWcStatus.SUCCESS, recv.status);
        assertArrayEquals(msg, VerbsWorld.peek(ibv, buf + 2000, msg.length));
        assertEquals(0, cq.poll(4, wc));
    }

    /**
     * The device's reserved lkey covers all host memory for kernel QPs only (mlx5 sets rlky in
     * create_kernel_qp alone): a process naming it reads nothing, its SEND fails locally.
     */
    @Test
    void shouldRefuseTheReservedLkeyToAProcess() {
        byte[] secret = "kernel memory".getBytes();
        long kernelPage = world.host.memory().alloc(4096);
        world.host.memory().write(kernelPage, secret);
        IbvPd pd = ctx.allocPd();
        IbvCq cq = ctx.createCq(16, null, null, 0);
        IbvQp qp = loopbackQp(pd, cq);
        long buf = ibv.alloc(4096);
        IbvMr mr = pd.regMr(buf, 4096, IbvAccessFlags.LOCAL_WRITE);
        assertEquals(0, qp.postRecv(new IbvRecvWr(11, new IbvSge(buf, 64, mr.lkey())), null));
        assertEquals(0, qp.postSend(new IbvSendWr(21, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                new IbvSge(kernelPage, secret.length, MemDevice.LOCAL_DMA_LKEY)), null));
        world.run();
        IbvWc[] wc = new IbvWc[4];
        int n = cq.poll(4, wc);
        assertTrue(n >= 1, "the SEND completes");
        IbvWc send = wc[0].wrId == 21 ? wc[0] : wc[1];
        assertEquals(IbvWcStatus.LOC_PROT_ERR, send.status, send.toString());
        for (int i = 0; i < n; i++) {
            assertFalse(wc[i].wrId == 11 && wc[i].status == IbvWcStatus.SUCCESS, "the receive got the bytes");
        }
        assertFalse(Arrays.equals(secret, VerbsWorld.peek(ibv, buf, secret.length)));
    }

    @Test
    void shouldPostAChainOfSendRequestsInOneCommand() {
        IbvPd pd = ctx.allocPd();
        IbvCq cq = ctx.createCq(16, null, null, 0);
        IbvQp qp = loopbackQp(pd, cq);
        long buf = ibv.alloc(4096);
        IbvMr mr = pd.regMr(buf, 4096, IbvAccessFlags.LOCAL_WRITE);
        IbvRecvWr r1 = new IbvRecvWr(1, new IbvSge(buf, 64, mr.lkey()));
        r1.next = new IbvRecvWr(2, new IbvSge(buf + 64, 64, mr.lkey()));
        assertEquals(0, qp.postRecv(r1, null));
        IbvSendWr s1 = new IbvSendWr(3, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED, new IbvSge(buf + 512, 8, mr.lkey()));
        s1.next = new IbvSendWr(4, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED, new IbvSge(buf + 512, 8, mr.lkey()));
        assertEquals(0, qp.postSend(s1, null));
        world.run();
        assertEquals(4, cq.poll(8, new IbvWc[8]));
    }

    @Test
    void shouldDeliverACqEventWithTheCqAndItsContext() {
        IbvCompChannel ch = ctx.createCompChannel();
        IbvPd pd = ctx.allocPd();
        IbvCq cq = ctx.createCq(8, "my cq", ch, 0);
        IbvQp qp = loopbackQp(pd, cq);
        long buf = ibv.alloc(4096);
        IbvMr mr = pd.regMr(buf, 4096, IbvAccessFlags.LOCAL_WRITE);
        assertEquals(0, cq.reqNotify(false));
        assertEquals(0, ch.setNonblocking());
        assertNull(ch.getCqEvent());
        assertEquals(Errno.EAGAIN.number(), ibv.errno());
        assertEquals(0, qp.postRecv(new IbvRecvWr(1, new IbvSge(buf, 64, mr.lkey())), null));
        assertEquals(0, qp.postSend(new IbvSendWr(2, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                new IbvSge(buf + 100, 8, mr.lkey())), null));
        world.run();
        IbvCq got = ch.getCqEvent();
        assertSame(cq, got);
        assertEquals("my cq", got.cqContext());
        assertNull(ch.getCqEvent());
        cq.ackEvents(1);
        assertEquals(0, qp.destroy());
        assertEquals(0, cq.destroy());
    }

    @Test
    void shouldCallAnUnackedCqEventABugAtDestroy() {
        IbvCompChannel ch = ctx.createCompChannel();
        IbvPd pd = ctx.allocPd();
        IbvCq cq = ctx.createCq(8, null, ch, 0);
        IbvQp qp = loopbackQp(pd, cq);
        long buf = ibv.alloc(4096);
        IbvMr mr = pd.regMr(buf, 4096, IbvAccessFlags.LOCAL_WRITE);
        assertEquals(0, cq.reqNotify(false));
        assertEquals(0, qp.postRecv(new IbvRecvWr(1, new IbvSge(buf, 64, mr.lkey())), null));
        assertEquals(0, qp.postSend(new IbvSendWr(2, IbvWrOpcode.SEND, 0, new IbvSge(buf + 100, 8, mr.lkey())), null));
        world.run();
        assertSame(cq, ch.getCqEvent());
        assertEquals(0, qp.destroy());
        // libibverbs would wait forever for the ack in ibv_destroy_cq.
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, cq::destroy);
        assertTrue(e.getMessage().contains("reported=1 acked=0"), e.getMessage());
    }

    @Test
    void shouldModifyAndQueryAQp() {
        IbvPd pd = ctx.allocPd();
        IbvCq cq = ctx.createCq(4, null, null, 0);
        IbvQpInitAttr init = VerbsWorld.rcInit(cq, 4);
        init.sqSigAll = true;
        IbvQp qp = pd.createQp(init);
        assertNotNull(qp);
        assertTrue(qp.qpNum() > 0);
        assertTrue(init.cap.maxSendWr >= 4);
        assertEquals(IbvQpState.RESET, qp.state());
        assertEquals(0, VerbsWorld.toInit(qp, 1));
        assertEquals(IbvQpState.INIT, qp.state());
        assertEquals(0, VerbsWorld.connect(qp, 1, 0x77, 1, 0x99, 0x55));
        IbvQpAttr a = new IbvQpAttr();
        IbvQpInitAttr ia = new IbvQpInitAttr();
        assertEquals(0, qp.query(a, IbvQpAttrMask.STATE | IbvQpAttrMask.AV | IbvQpAttrMask.SQ_PSN, ia));
        assertEquals(IbvQpState.RTS, a.qpState);
        assertEquals(0x77, a.sqPsn);
        assertEquals(0x55, a.rqPsn);
        assertEquals(0x99, a.destQpNum);
        assertEquals(IbvQpType.MTU_1024, a.pathMtu);
        assertEquals(1, a.ahAttr.dlid);
        assertEquals(14, a.timeout);
        assertTrue(ia.sqSigAll);
        assertSame(cq, ia.sendCq);
        assertEquals(0, qp.destroy());
    }

    @Test
    void shouldShareAnSrqBetweenQps() {
        IbvPd pd = ctx.allocPd();
        IbvCq cq = ctx.createCq(16, null, null, 0);
        IbvSrqAttr sa = new IbvSrqAttr(8, 1, 0);
        IbvSrq srq = pd.createSrq("srq", sa);
        assertNotNull(srq);
        assertTrue(sa.maxWr >= 8);
        IbvQpInitAttr init = VerbsWorld.rcInit(cq, 4);
        init.srq = srq;
        init.cap.maxRecvWr = 0;
        init.cap.maxRecvSge = 0;
        IbvQp qp = pd.createQp(init);
        assertNotNull(qp, "errno " + ibv.errno());
        assertEquals(0, VerbsWorld.toInit(qp, 1));
        assertEquals(0, VerbsWorld.connect(qp, 1, 1, 1, qp.qpNum(), 1));
        long buf = ibv.alloc(4096);
        IbvMr mr = pd.regMr(buf, 4096, IbvAccessFlags.LOCAL_WRITE);
        assertEquals(0, srq.postRecv(new IbvRecvWr(5, new IbvSge(buf, 64, mr.lkey())), null));
        assertEquals(0, qp.postSend(new IbvSendWr(6, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                new IbvSge(buf + 100, 8, mr.lkey())), null));
        world.run();
        IbvWc[] wc = new IbvWc[2];
        assertEquals(2, cq.poll(2, wc));
        assertTrue(wc[0].wrId == 5 || wc[1].wrId == 5);
        assertEquals(Errno.EBUSY.number(), srq.destroy());
        assertEquals(0, qp.destroy());
        assertEquals(0, srq.destroy());
    }

    @Test
    void shouldCreateAndDestroyAnAh() {
        IbvPd pd = ctx.allocPd();
        IbvAhAttr a = new IbvAhAttr();
        a.dlid = 1;
        a.portNum = 1;
        IbvAh ah = pd.createAh(a);
        assertNotNull(ah, "errno " + ibv.errno());
        assertEquals(1, world.host.device().liveCount(ResType.AH));
        assertEquals(Errno.EBUSY.number(), pd.dealloc());
        assertEquals(0, ah.destroy());
        assertEquals(0, pd.dealloc());
    }

    @Test
    void shouldReportCqOverrunAsAnAsyncEventOnTheCq() {
        IbvPd pd = ctx.allocPd();
        IbvCq cq = ctx.createCq(1, null, null, 0);
        IbvQp qp = loopbackQp(pd, cq);
        long buf = ibv.alloc(4096);
        IbvMr mr = pd.regMr(buf, 4096, IbvAccessFlags.LOCAL_WRITE);
        for (int i = 0; i <= cq.cqe(); i++) {
            assertEquals(0, qp.postSend(new IbvSendWr(i, IbvWrOpcode.RDMA_WRITE, IbvWrOpcode.SEND_SIGNALED,
                    new IbvSge(buf, 0, mr.lkey())), null));
        }
        world.run();
        IbvAsyncEvent ev = ctx.getAsyncEvent();
        assertNotNull(ev, "errno " + ibv.errno());
        assertEquals(IbvEventType.CQ_ERR, ev.eventType());
        assertSame(cq, ev.element());
        ctx.ackAsyncEvent(ev);
        assertEquals(0, qp.destroy());
        assertEquals(0, cq.destroy());
    }

    @Test
    void shouldReportLastWqeReachedOnAQpOfAnSrqMovedToErr() {
        IbvPd pd = ctx.allocPd();
        IbvCq cq = ctx.createCq(4, null, null, 0);
        IbvSrq srq = pd.createSrq(null, new IbvSrqAttr(4, 1, 0));
        IbvQpInitAttr init = VerbsWorld.rcInit(cq, 4);
        init.srq = srq;
        IbvQp qp = pd.createQp(init);
        assertEquals(0, VerbsWorld.toInit(qp, 1));
        IbvQpAttr err = new IbvQpAttr();
        err.qpState = IbvQpState.ERR;
        assertEquals(0, qp.modify(err, IbvQpAttrMask.STATE));
        world.run();
        IbvAsyncEvent ev = ctx.getAsyncEvent();
        assertNotNull(ev, "errno " + ibv.errno());
        assertEquals(IbvEventType.QP_LAST_WQE_REACHED, ev.eventType());
        assertSame(qp, ev.element());
        assertEquals(0, ctx.setNonblocking());
        assertNull(ctx.getAsyncEvent());
        assertEquals(Errno.EAGAIN.number(), ibv.errno());
        ctx.ackAsyncEvent(ev);
        assertEquals(0, qp.destroy());
        assertEquals(0, srq.destroy());
    }

    @Test
    void shouldReportPortEventsWithThePortNumber() {
        world.host.device().port(1).setLid(5, 0);
        world.host.device().dispatchEvent(org.ibmodel.core.IbEvent.port(world.host.device(),
                org.ibmodel.core.IbEventType.LID_CHANGE, 1));
        world.run();
        IbvAsyncEvent ev = ctx.getAsyncEvent();
        assertNotNull(ev);
        assertEquals(IbvEventType.LID_CHANGE, ev.eventType());
        assertEquals(1, ev.element());
        ctx.ackAsyncEvent(ev);
    }

    @Test
    void shouldLeaveNothingBehindWhenTheDeviceIsClosedWithObjectsLive() {
        IbvPd pd = ctx.allocPd();
        IbvCompChannel ch = ctx.createCompChannel();
        IbvCq cq = ctx.createCq(4, null, ch, 0);
        loopbackQp(pd, cq);
        pd.regMr(ibv.alloc(4096), 4096, IbvAccessFlags.LOCAL_WRITE);
        assertEquals(0, ibv.closeDevice(ctx));
        // The channel's fd is the process's to close; exiting closes it.
        assertEquals(1, ibv.task().files().size());
        ibv.task().exit();
        world.run();
        assertEquals(0, world.liveObjects(), world.liveSummary());
        assertEquals(0, ibv.task().mm().pinCount());
        assertTrue(ibv.task().files().isEmpty());
    }
}
