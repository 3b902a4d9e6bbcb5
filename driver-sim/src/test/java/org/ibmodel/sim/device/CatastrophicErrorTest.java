// docs/HCA.md §2.1: a catastrophic HCA error as mlx4 handles it (drivers/net/ethernet/mellanox/
// mlx4/catas.c, cmd.c mlx4_internal_err_ret_value; drivers/infiniband/hw/mlx4/main.c
// mlx4_ib_handle_catas_error, cq.c mlx4_ib_poll_sw_comp)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ibmodel.core.Cqe;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.PollContext;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.ResType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.hca.HcaDriver;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.fabric.Link;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With the reset after a catastrophic error disabled (mthca's catas_reset_disable; by default
 * the driver resets the device and probes it again, DeviceResetTest), the driver stays in its
 * error state. Host a's HCA fails while its RC QP has sends waiting on RNR NAKs (b posted no receive) and
 * receives posted: nothing is lost (each work request completes once, flushed, in order), nothing
 * leaks (every object can still be destroyed and the driver removed), and the peer sees the link
 * go down and its own work fail.
 */
@ExtendWith(ReplayOnFailure.class)
class CatastrophicErrorTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 17);
    private static final int LEN = 4096;

    private static String at(String what) {
        return ReplayOnFailure.at("CatastrophicErrorTest", SEED, what);
    }

    @Test
    void shouldFindTheErrorAtTheDriversNextPoll() {
        // The driver polls the buffer every 5 s from probe (mlx4's poll_catas): an error at 12 s
        // is found at the third poll, 15 s, and not before.
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            p.a.host.driver(0).catasResetDisable(true);
            List<IbEventType> deviceEvents = new ArrayList<>();
            p.a.dev.registerEventHandler(e -> deviceEvents.add(e.event()));
            long poll = HcaDriver.CATAS_POLL_NS;
            p.world.runUntil(12_000_000_000L);
            p.settle();
            assertTrue(deviceEvents.isEmpty(), at("two polls found nothing"));
            p.a.host.hca(0).catastrophicError(Layout.Catas.CAUSE_INTERNAL);
            p.world.runUntil(3 * poll - 1_000_000);
            assertTrue(deviceEvents.isEmpty(), at("not before the next poll"));
            p.world.runUntil(3 * poll + 1_000_000);
            assertEquals(List.of(IbEventType.DEVICE_FATAL), deviceEvents, at("found at the next poll"));
        }
    }

    @Test
    void shouldEnterTheErrorStateWhenATearDownCommandFindsTheDeviceBroken() {
        // mlx4_cmd_poll and mlx4_cmd_reset_flow: a failed 2RST_QP, HW2SW_CQ ... means the device
        // is gone; the driver does not wait for its poll, and the destroy succeeds.
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            p.a.host.driver(0).catasResetDisable(true);
            List<IbEventType> deviceEvents = new ArrayList<>();
            p.a.dev.registerEventHandler(e -> deviceEvents.add(e.event()));
            HcaDriver drv = p.a.host.driver(0);
            p.a.host.hca(0).catastrophicError(Layout.Catas.CAUSE_INTERNAL);
            assertEquals(0, p.a.qp.destroy(), at("2RST_QP answered INTERNAL_ERR counts as done"));
            assertTrue(drv.internalError(), at("and put the driver in its error state at once"));
            assertTrue(deviceEvents.isEmpty(), at("which a work item does"));
            p.settle();
            assertEquals(List.of(IbEventType.DEVICE_FATAL), deviceEvents, at("without waiting for the poll"));
            assertEquals(0, p.a.mr.dereg(), at("dereg MR"));
            assertEquals(0, p.a.cq.destroy(), at("destroy CQ"));
            assertEquals(0, p.a.pd.dealloc(), at("dealloc PD"));
            drv.remove();
            for (Map.Entry<String, Integer> e : drv.live().entrySet()) {
                assertEquals(0, e.getValue(), at("driver table " + e.getKey() + " empty"));
            }
        }
    }

    /**
     * mlx4_ib_drain_sq and mlx4_ib_drain_rq: a ULP tearing down after IB_EVENT_DEVICE_FATAL drains
     * its QP. The move to ERR fails with the device (-EIO), and the drain goes on where
     * __ib_drain_sq would warn and give up: the receive posted before completes flushed, each
     * marker is flushed too, and ib_drain_qp returns, for a CQ its consumer polls from a work
     * item as for one the drain polls itself. (The latter has no work outstanding when the
     * device fails: mlx4_ib_handle_catas_error would call its handler, ib_cq_completion_direct,
     * which warns of an unsolicited completion.)
     */
    @Test
    void shouldDrainAQpOnAFailedDevice() {
        for (PollContext poll : List.of(PollContext.WORKQUEUE, PollContext.DIRECT)) {
            try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024),
                    poll)) {
                p.a.host.driver(0).catasResetDisable(true);
                List<String> done = new ArrayList<>();
                Cqe recvDone = (cq, wc) -> done.add(wc.wrId + " " + wc.status);
                boolean work = poll != PollContext.DIRECT;
                if (work) {
                    assertTrue(p.a.qp.postRecv(new RecvWr(500, recvDone, List.of(p.a.sge(3L << 20, 64)))).ok());
                }
                p.a.host.hca(0).catastrophicError(Layout.Catas.CAUSE_INTERNAL);
                p.world.runUntil(p.world.scheduler().now() + HcaDriver.CATAS_POLL_NS + 1_000_000L);
                p.settle();
                assertTrue(p.a.host.driver(0).internalError(), at(poll + ": in the error state"));
                assertEquals(Errno.EIO.negative(), p.a.qp.modify(new QpAttr().state(QpState.ERR),
                        QpAttrMask.STATE.bit()), at(poll + ": no command reaches the device"));
                p.a.qp.drain();
                assertEquals(work ? List.of("500 WR_FLUSH_ERR") : List.of(), done,
                        at(poll + ": the receive, flushed, once"));
            }
        }
    }

    @Test
    void shouldFlushEveryWorkRequestOnceAndLetEverythingBeFreed() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
            p.a.host.driver(0).catasResetDisable(true);
            List<IbEventType> deviceEvents = new ArrayList<>();
            p.a.dev.registerEventHandler(e -> deviceEvents.add(e.event()));
            for (int i = 0; i < 3; i++) {
                p.a.postRecv(100 + i, TransportPair.TARGET + (long) i * LEN, LEN);
            }
            // b has no receive posted: the SENDs wait on RNR NAKs (rnr_retry 7 retries for ever),
            // and the WRITE behind them waits with them.
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, LEN)),
                    new SendWr().wrId(2).opcode(WrOpcode.SEND).sgList(p.a.sge(0, LEN)),
                    new SendWr().wrId(3).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, LEN))
                            .remoteAddr(p.b.buf).rkey(p.b.mr.rkey()));
            p.world.runUntil(p.world.scheduler().now() + 2_000_000);
            assertTrue(p.a.poll().isEmpty(), at("nothing completes before the error"));

            HcaDriver drv = p.a.host.driver(0);
            long upcalls = p.a.cq.upcalls();
            long interrupts = p.a.host.hca(0).interrupts();
            p.a.host.hca(0).catastrophicError(Layout.Catas.CAUSE_INTERNAL);
            assertEquals(interrupts, p.a.host.hca(0).interrupts(),
                    at("no EQE, so no interrupt, for the link the failure took down"));
            long failedAt = p.world.scheduler().now();
            long sent = p.a.transport().packetsSent();
            // Until the driver's next poll of the buffer (every 5 s) it does not know: a command
            // reaches the failed device and gets INTERNAL_ERR, a send is posted as usual.
            QpAttr rnr = new QpAttr().state(QpState.RTS);
            rnr.minRnrTimer = 3;
            assertEquals(Errno.EIO.negative(), p.a.qp.modify(rnr, QpAttrMask.of(QpAttrMask.STATE,
                    QpAttrMask.MIN_RNR_TIMER)), at("a command to the failed device"));
            p.a.postSend(new SendWr().wrId(4).opcode(WrOpcode.SEND).sgList(p.a.sge(0, LEN)));
            p.settle();
            assertTrue(deviceEvents.isEmpty() && !drv.internalError(), at("not found before the poll"));
            p.world.runUntil(failedAt + HcaDriver.CATAS_POLL_NS);
            p.settle();
            assertEquals(upcalls + 1, p.a.cq.upcalls(), at("the CQ's completion handler was called once"));
            assertEquals(List.of(IbEventType.DEVICE_FATAL), deviceEvents, at("ib_core heard it once"));
            assertTrue(drv.internalError(), at("the driver is in its error state"));
            assertEquals(Layout.Catas.CAUSE_INTERNAL, drv.catasCause(), at("it read the buffer"));
            assertEquals(Link.State.DOWN, p.world.link(0).state(), at("a's port stopped"));
            assertEquals(sent, p.a.transport().packetsSent(), at("the failed HCA sends nothing, retries included"));

            // Nothing lost: one completion per work request, flushed, sends first, each in order.
            List<Wc> wcs = p.a.poll();
            List<Long> ids = new ArrayList<>();
            for (Wc wc : wcs) {
                assertEquals(WcStatus.WR_FLUSH_ERR, wc.status, at("flushed: " + wc));
                assertEquals(p.a.qp, wc.qp, at("of a's QP"));
                ids.add(wc.wrId);
            }
            assertEquals(List.of(1L, 2L, 3L, 4L, 100L, 101L, 102L), ids, at("every WR once, in order"));
            assertTrue(p.a.poll().isEmpty(), at("and no more"));

            // Posting fails; tearing down succeeds (mlx4_internal_err_ret_value).
            PostResult send = p.a.qp.postSend(new SendWr().wrId(5).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 8)));
            assertEquals(Errno.EIO.negative(), send.ret(), at("post_send"));
            assertEquals(Errno.EIO.negative(), p.a.qp.postRecv(new RecvWr(5, p.a.sge(0, 8))).ret(), at("post_recv"));
            assertEquals(Errno.EIO.negative(), p.a.qp.modify(new QpAttr().state(QpState.ERR), QpAttrMask.STATE.bit()),
                    at("2ERR_QP does not reach the device"));
            assertEquals(0, p.a.qp.destroy(), at("destroy QP"));
            assertEquals(0, p.a.mr.dereg(), at("dereg MR"));
            assertEquals(0, p.a.cq.destroy(), at("destroy CQ"));
            assertEquals(0, p.a.pd.dealloc(), at("dealloc PD"));
            for (ResType t : ResType.values()) {
                assertEquals(0, p.a.dev.liveCount(t), at("no " + t + " left"));
            }
            for (Map.Entry<String, Integer> e : drv.live().entrySet()) {
                assertEquals(0, e.getValue(), at("driver table " + e.getKey() + " empty"));
            }
            drv.remove();

            // The peer: its port is up, a's is down, and its RDMA WRITE to a runs out of retries.
            p.b.postSend(new SendWr().wrId(9).opcode(WrOpcode.RDMA_WRITE).sgList(p.b.sge(0, 64))
                    .remoteAddr(p.a.buf).rkey(0x1234));
            p.settle();
            List<Wc> b = p.b.poll();
            assertEquals(WcStatus.RETRY_EXC_ERR, b.get(0).status, at("b's WRITE: " + b));
            assertFalse(p.b.host.driver(0).internalError(), at("b's HCA is well"));
        }
    }
}
