// docs/HCA.md §6.1; IBA 11.6.3.1 (Local Work Queue Catastrophic Error, SRQ catastrophic error);
// drivers/net/ethernet/mellanox/mlx4/eq.c (MLX4_EVENT_TYPE_CQ_ERROR and its syndrome)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;

/**
 * A driver that frees host memory the device still uses (the bug the device's faults exist to
 * show): each structure the device reaches by DMA, freed under it, fails the object it belongs
 * to with the error the hardware reports, and never the simulator.
 */
class DmaFaultTest {
    private static final int LEN = 1024;

    private static TransportPair pair(boolean srqOnB) {
        // Few retries, so the requester whose peer stopped answering gives up quickly.
        return new TransportPair(11, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024).retries(2, 2), null,
                srqOnB);
    }

    private static QpContext ctx(TransportPair.Side s) {
        return s.host.hca(0).firmware().qp(s.qp.qpNum());
    }

    private static List<String> dmesg(TransportPair.Side s) {
        return s.host.kernel().dmesg();
    }

    private static void send(TransportPair p, int id) {
        p.a.postSend(new SendWr().wrId(id).opcode(WrOpcode.SEND).sgList(p.a.sge(0, LEN)));
    }

    @Test
    void shouldStopACqWhoseRingIsGoneAndFailTheQpThatCompletesToIt() {
        try (TransportPair p = pair(false)) {
            p.b.postRecv(1, TransportPair.TARGET, LEN);
            int cqn = (int) ctx(p.b).get(Layout.QpCtx.RECV_CQN);
            long ring = Layout.CqCtx.BUFFER.get(p.b.host.hca(0).firmware().cqContext(cqn), 0);
            p.b.memory().free(ring);
            send(p, 7);
            p.settle();
            assertEquals(CompletionQueue.STATE_WRITE_FAIL,
                    Layout.CqCtx.STATE.getInt(p.b.host.hca(0).firmware().cqContext(cqn), 0));
            assertTrue(dmesg(p.b).stream().anyMatch(l -> l.endsWith(String.format("CQ access violation on CQN %06x",
                    cqn))), dmesg(p.b).toString());
            assertEquals(List.of(IbEventType.QP_FATAL), p.b.events, "the QP that could not complete");
            assertEquals(HwQpState.ERR, p.b.hwState());
            List<Wc> a = p.a.poll();
            assertEquals(1, a.size(), "" + a);
            assertEquals(WcStatus.RETRY_EXC_ERR, a.get(0).status, "a receive whose CQE was lost is not acknowledged");
        }
    }

    @Test
    void shouldFailTheQpWhoseReceiveQueueIsGone() {
        try (TransportPair p = pair(false)) {
            p.b.postRecv(1, TransportPair.TARGET, LEN);
            p.b.memory().free(ctx(p.b).get(Layout.QpCtx.RQ_ADDR));
            send(p, 7);
            p.settle();
            assertEquals(List.of(IbEventType.QP_FATAL), p.b.events);
            assertEquals(HwQpState.ERR, p.b.hwState());
            // The receive was flushed, its CQE written to a ring that is still there.
            List<Wc> b = p.b.poll();
            assertEquals(1, b.size(), "" + b);
            assertEquals(WcStatus.WR_FLUSH_ERR, b.get(0).status);
            // b answered nothing: a's SEND runs out of retries.
            List<Wc> a = p.a.poll();
            assertEquals(1, a.size(), "" + a);
            assertEquals(WcStatus.RETRY_EXC_ERR, a.get(0).status);
        }
    }

    @Test
    void shouldReportAnSrqWhoseDoorbellRecordIsGoneOnceAndFailEachQpThatNeedsIt() {
        try (TransportPair p = pair(true)) {
            p.b.postRecv(1, TransportPair.TARGET, LEN);
            SrqContext srq = p.b.host.hca(0).firmware().srq((int) ctx(p.b).get(Layout.QpCtx.SRQN));
            assertFalse(srq.inError());
            p.b.memory().free(Layout.SrqCtx.DB_RECORD.get(srq.context(), 0));
            send(p, 7);
            p.settle();
            assertTrue(srq.inError());
            // The SRQ's event, then the QP's (which reached the last WQE as it entered ERR).
            assertEquals(List.of(IbEventType.SRQ_ERR, IbEventType.QP_FATAL, IbEventType.QP_LAST_WQE_REACHED),
                    p.b.events);
            assertEquals(HwQpState.ERR, p.b.hwState());
        }
    }

    @Test
    void shouldFailTheQpWhoseSendQueueIsGoneAtItsNextFetch() {
        try (TransportPair p = pair(false)) {
            // A driver that freed the ring and still rings the doorbell for one more WQE, as a
            // post_send into a ring it reallocated without telling the device would.
            QpContext qp = ctx(p.a);
            p.a.memory().free(qp.get(Layout.QpCtx.SQ_ADDR));
            long db = qp.get(Layout.QpCtx.DB_RECORD) + SendQueue.DB_SQ_OFFSET;
            byte[] word = new byte[4];
            Field.putWord(word, 0, Field.word(p.a.memory().read(db, 4), 0) + 1);
            p.a.memory().write(db, word);
            Hca hca = p.a.host.hca(0);
            int cqn = (int) qp.get(Layout.QpCtx.SEND_CQN);
            int pi = Layout.CqCtx.PRODUCER_INDEX.getInt(hca.firmware().cqContext(cqn), 0);
            hca.writel(Hca.BAR2, Layout.Doorbell.SEND.offset(), Layout.Doorbell.SEND.insert(0, p.a.qp.qpNum()));
            p.settle();
            assertEquals(List.of(IbEventType.QP_FATAL), p.a.events);
            assertEquals(HwQpState.ERR, p.a.hwState());
            // (Not polled: the driver has no work request behind that WQE.)
            assertEquals(pi + 1, Layout.CqCtx.PRODUCER_INDEX.getInt(hca.firmware().cqContext(cqn), 0),
                    "the WQE the producer counter named is flushed");
        }
    }

    /**
     * A WRITE of a's first LEN bytes to b's TARGET, so that the device has read that page's MTT
     * entry, then b's driver frees the MR's translation table under it.
     */
    private static void writeThenFreeTheTranslationTable(TransportPair p) {
        p.a.postSend(new SendWr().wrId(2).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, LEN))
                .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()));
        p.settle();
        assertEquals(WcStatus.SUCCESS, p.a.poll().get(0).status);
        byte[] mpt = p.b.host.hca(0).firmware().mpt(p.b.mr.rkey() >>> 8);
        p.b.memory().free(Layout.Mpt.MTT_ADDR.get(mpt, 0));
    }

    @Test
    void shouldRefuseAccessThroughAnMrWhoseTranslationTableIsGone() {
        try (TransportPair p = pair(false)) {
            p.a.fill(0, TransportPair.pattern(3, LEN));
            writeThenFreeTheTranslationTable(p);
            // The next page's entry cannot be read: the WRITE lands nowhere, not on the page before.
            p.a.fill(0, TransportPair.pattern(4, LEN));
            p.a.postSend(new SendWr().wrId(3).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, LEN))
                    .remoteAddr(p.b.buf + TransportPair.TARGET + 4096).rkey(p.b.mr.rkey()));
            p.settle();
            List<Wc> a = p.a.poll();
            assertEquals(1, a.size(), "" + a);
            assertEquals(WcStatus.REM_ACCESS_ERR, a.get(0).status);
            assertArrayEquals(TransportPair.pattern(3, LEN), p.b.read(TransportPair.TARGET, LEN));
            assertArrayEquals(new byte[LEN], p.b.read(TransportPair.TARGET + 4096, LEN));
        }
    }

    @Test
    void shouldNakAReadWhoseNextPageCannotBeRead() {
        try (TransportPair p = pair(false)) {
            writeThenFreeTheTranslationTable(p);
            // The READ's first response comes from the page whose entry the device holds, its
            // second from the next page, whose entry it cannot read (rxe_resp.c read_reply: a
            // copy that fails is a remote access error, class C).
            p.a.postSend(new SendWr().wrId(3).opcode(WrOpcode.RDMA_READ).sgList(p.a.sge(0, 2 * LEN))
                    .remoteAddr(p.b.buf + TransportPair.TARGET + 4096 - LEN).rkey(p.b.mr.rkey()));
            p.settle();
            List<Wc> a = p.a.poll();
            assertEquals(1, a.size(), "" + a);
            assertEquals(WcStatus.REM_ACCESS_ERR, a.get(0).status);
            assertEquals(List.of(IbEventType.QP_ACCESS_ERR), p.b.events);
            assertEquals(HwQpState.ERR, p.b.hwState());
            // Told at once, not by a retried READ that reaches the bad page first.
            assertEquals(0L, p.b.transport().drops().getOrDefault(Transport.Drop.DUPLICATE, 0L));
        }
    }

    @Test
    void shouldStopACqWhoseDoorbellRecordIsGoneWhenItIsArmed() {
        try (TransportPair p = pair(false)) {
            Firmware fw = p.b.host.hca(0).firmware();
            int cqn = (int) ctx(p.b).get(Layout.QpCtx.RECV_CQN);
            p.b.memory().free(Layout.CqCtx.DB_RECORD.get(fw.cqContext(cqn), 0));
            // CQ_ARM makes the device read the consumer index, to raise the event at once if due.
            assertEquals(0, p.b.cq.reqNotify(org.ibmodel.core.CqNotifyFlags.NEXT_COMP));
            assertEquals(CompletionQueue.STATE_WRITE_FAIL, Layout.CqCtx.STATE.getInt(fw.cqContext(cqn), 0));
            p.settle();
            assertTrue(dmesg(p.b).stream().anyMatch(l -> l.endsWith(String.format("CQ access violation on CQN %06x",
                    cqn))), dmesg(p.b).toString());
        }
    }

    @Test
    void shouldLoseAndCountAnEqeForAnEqWhoseRingIsGone() {
        try (TransportPair p = pair(false)) {
            Firmware fw = p.b.host.hca(0).firmware();
            // The completion EQ of b's CQ: arm the CQ, so its next CQE raises a COMPLETION EQE.
            int cqn = (int) ctx(p.b).get(Layout.QpCtx.RECV_CQN);
            int eqn = Layout.CqCtx.COMP_EQN.getInt(fw.cqContext(cqn), 0);
            p.b.memory().free(Layout.EqCtx.BUFFER.get(fw.eqContext(eqn), 0));
            assertEquals(0, p.b.cq.reqNotify(org.ibmodel.core.CqNotifyFlags.NEXT_COMP));
            p.b.postRecv(1, TransportPair.TARGET, LEN);
            send(p, 7);
            p.settle();
            assertEquals(1, fw.eqFaults(eqn), "the COMPLETION EQE, lost");
            assertEquals(1, p.b.poll().size(), "the CQE itself was written");
            assertTrue(!p.b.host.driver(0).internalError(), "nothing else stopped");
        }
    }

    @Test
    void shouldFailTheQpWhoseDestroyTheDeviceRefusedWhenTrafficStillReachesIt() {
        try (TransportPair p = pair(false)) {
            // destroy_qp_common frees the rings even when 2RST_QP is refused (§3.2): the device
            // keeps a context in RTS whose receive queue is gone.
            int qpn = p.b.qp.qpNum();
            Firmware fw = p.b.host.hca(0).firmware();
            fw.injectStatus(Command.TO_RST_QP.opcode(), Status.BAD_RES_STATE);
            assertEquals(0, p.b.qp.destroy());
            assertEquals(HwQpState.RTS, fw.qp(qpn).state());
            send(p, 7);
            p.settle();
            assertEquals(HwQpState.ERR, fw.qp(qpn).state(), "a catastrophic error, the driver not told");
            List<Wc> a = p.a.poll();
            assertEquals(1, a.size(), "" + a);
            assertEquals(WcStatus.RETRY_EXC_ERR, a.get(0).status);
        }
    }

    /**
     * A QP the device kept after refusing its 2RST_QP still completes the SEND it had on the
     * wire, to a CQ the driver still has: the CQE names a QPN the driver no longer knows.
     * mlx4_ib_poll_one warns and fails the poll with -EINVAL, the CQE consumed.
     */
    @Test
    void shouldWarnOfACqeForAQpTheDriverNoLongerKnows() {
        // rnr_retry 7: the SEND waits for a receive for as long as it takes.
        try (TransportPair p = new TransportPair(11, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024)
                .retries(2, 7), null, false)) {
            int qpn = p.a.qp.qpNum();
            int cqn = (int) ctx(p.a).get(Layout.QpCtx.SEND_CQN);
            // No receive yet: the SEND waits out an RNR NAK while its QP is destroyed.
            p.a.postSend(new SendWr().wrId(7).opcode(WrOpcode.SEND).sgList(p.a.sge(0, LEN))
                    .sendFlags(org.ibmodel.core.SendFlags.SIGNALED));
            p.world.runUntil(p.world.scheduler().now() + 30_000);
            p.a.host.hca(0).firmware().injectStatus(Command.TO_RST_QP.opcode(), Status.BAD_RES_STATE);
            assertEquals(0, p.a.qp.destroy());
            p.b.postRecv(1, TransportPair.TARGET, LEN);
            p.settle();
            // mlx4_ib_poll_cq returns mlx4_ib_poll_one's error, not the count.
            assertEquals(org.ibmodel.kernel.Errno.EINVAL.negative(), p.a.cq.poll(4, new Wc[4]));
            assertEquals(List.of(), p.a.poll(), "the CQE was consumed");
            String warning = String.format("CQ %06x with entry for unknown QPN %06x", cqn, qpn);
            assertTrue(dmesg(p.a).stream().anyMatch(l -> l.endsWith(warning)), dmesg(p.a).toString());
        }
    }
}
