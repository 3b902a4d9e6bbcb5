// Completions and events end to end: doorbell, CQE by owner bit, EQE, MSI-X, HARDIRQ handler,
// ib_core upcall (docs/HCA.md §6-§9)
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.CqNotifyFlags;
import org.ibmodel.core.Cqe;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.PollContext;
import org.ibmodel.core.Port;
import org.ibmodel.core.PortAttr;
import org.ibmodel.core.PortState;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.ExecContext;
import org.ibmodel.sim.device.HwQpState;
import org.junit.jupiter.api.Test;
import org.ibmodel.sim.world.World;

class HcaEventTest {
    private final HcaHost h = new HcaHost();
    private final List<ExecContext> upcalls = new ArrayList<>();

    private Sge sge() {
        return new Sge(0x1_0000_1000L, 8, h.pd.localDmaLkey());
    }

    @Test
    void shouldFlushPostedWqesAsWrFlushErrInOrderAcrossTheRingWrap() {
        Cq cq = h.cq(3);
        assertEquals(3, cq.cqe(), "a ring of 4 CQEs");
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        HcaHost.toRts(qp);
        assertTrue(qp.postRecv(new RecvWr(100, sge())).ok());
        assertTrue(qp.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sgList(sge()),
                new SendWr().wrId(2).opcode(WrOpcode.SEND).sgList(sge())).ok());
        HcaHost.toErr(qp);
        List<Wc> wcs = HcaHost.poll(cq);
        assertEquals(List.of(1L, 2L, 100L), wcs.stream().map(w -> w.wrId).toList());
        for (Wc wc : wcs) {
            assertEquals(WcStatus.WR_FLUSH_ERR, wc.status);
            assertEquals(qp, wc.qp);
        }
        assertEquals(WcOpcode.RDMA_WRITE, wcs.get(0).opcode);
        assertEquals(WcOpcode.RECV, wcs.get(2).opcode);
        // In ERR every post is flushed at once; five rounds of three go twice round the CQ
        // ring and past the end of the 4-entry SQ.
        long id = 10;
        for (int round = 0; round < 5; round++) {
            List<Long> expect = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                expect.add(id);
                assertTrue(qp.postSend(new SendWr().wrId(id++).opcode(WrOpcode.SEND).sgList(sge())).ok());
            }
            assertEquals(expect, HcaHost.poll(cq).stream().map(w -> w.wrId).toList(), "round " + round);
        }
    }

    @Test
    void shouldDropTheCqesOfADestroyedQpAndKeepTheOthers() {
        Cq cq = h.cq(16);
        Qp a = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        Qp b = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        HcaHost.toRts(a);
        HcaHost.toRts(b);
        a.postSend(SendWr.send(1, sge()));
        b.postSend(SendWr.send(2, sge()));
        a.postSend(SendWr.send(3, sge()));
        HcaHost.toErr(a);
        HcaHost.toErr(b);
        assertEquals(0, a.destroy());
        assertEquals(List.of(2L), HcaHost.poll(cq).stream().map(w -> w.wrId).toList());
    }

    @Test
    void shouldReachTheCompHandlerInHardirqThroughEqeAndMsix() {
        Cq cq = Cq.create(h.dev, c -> upcalls.add(h.kernel.context()), null, new CqInitAttr(8, 0)).get();
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        HcaHost.toRts(qp);
        assertEquals(0, cq.reqNotify(CqNotifyFlags.NEXT_COMP));
        long irqs = h.hca.interrupts();
        qp.postSend(SendWr.send(1, sge()), SendWr.send(2, sge()));
        HcaHost.toErr(qp);
        h.settle();
        assertEquals(List.of(ExecContext.HARDIRQ), upcalls, "one upcall per arm");
        assertEquals(irqs + 2, h.hca.interrupts(), "the completion's and 2ERR_QP's command completion");
        assertEquals(2, HcaHost.poll(cq).size());

        // A completion between the last poll and the arm is not missed (§8): the arm raises the
        // event at once, and the driver says 0 to IB_CQ_REPORT_MISSED_EVENTS, as mlx4_ib_arm_cq.
        qp.postSend(SendWr.send(3, sge()));
        assertEquals(0, cq.reqNotify(CqNotifyFlags.NEXT_COMP | CqNotifyFlags.REPORT_MISSED_EVENTS));
        h.settle();
        assertEquals(2, upcalls.size(), "the event for the completion the arm found");
    }

    /**
     * __ib_create_cq keeps a NULL comp_handler and mlx4_ib_cq_comp calls it unchecked: a CQ made
     * without one, armed, oopses at its first completion event. Unarmed, it is polled as usual.
     */
    @Test
    void shouldOopsAtTheEventOfAnArmedCqThatHasNoCompletionHandler() {
        Cq cq = Cq.create(h.dev, null, null, new CqInitAttr(8, 0)).get();
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        HcaHost.toRts(qp);
        qp.postSend(SendWr.send(1, sge()));
        HcaHost.toErr(qp);
        h.settle();
        assertEquals(1, HcaHost.poll(cq).size(), "never armed: polled as usual");

        assertEquals(0, cq.reqNotify(CqNotifyFlags.NEXT_COMP));
        qp.postSend(SendWr.send(2, sge()));
        org.ibmodel.kernel.KernelBug bug = org.junit.jupiter.api.Assertions.assertThrows(
                org.ibmodel.kernel.KernelBug.class, h::settle);
        assertEquals(org.ibmodel.kernel.KernelBug.NULL_POINTER, bug.rule(), bug.getMessage());
    }

    /**
     * ib_req_notify_cq passes any flags on; mlx4_ib_arm_cq arms for the next completion unless
     * they are exactly IB_CQ_SOLICITED, so flags with no arm bit, or both, arm and are no error.
     */
    @Test
    void shouldArmForTheNextCompletionWithoutAnArmBit() {
        Cq cq = Cq.create(h.dev, c -> upcalls.add(h.kernel.context()), null, new CqInitAttr(8, 0)).get();
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        HcaHost.toRts(qp);
        assertEquals(0, cq.reqNotify(CqNotifyFlags.REPORT_MISSED_EVENTS));
        qp.postSend(SendWr.send(1, sge()));
        HcaHost.toErr(qp);
        h.settle();
        assertEquals(List.of(ExecContext.HARDIRQ), upcalls, "armed for any completion");
        assertEquals(1, HcaHost.poll(cq).size());

        assertEquals(0, cq.reqNotify(CqNotifyFlags.SOLICITED_MASK));
        Qp other = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        HcaHost.toRts(other);
        other.postSend(SendWr.send(2, sge()));
        HcaHost.toErr(other);
        h.settle();
        assertEquals(2, upcalls.size(), "both arm bits arm too");
    }

    @Test
    void shouldRaiseCqErrOnOverrun() {
        HcaHost.Events ev = h.new Events();
        Cq cq = Cq.create(h.dev, null, ev, new CqInitAttr(1, 0)).get();
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        HcaHost.toRts(qp);
        qp.postSend(SendWr.send(1, sge()), SendWr.send(2, sge()), SendWr.send(3, sge()));
        HcaHost.toErr(qp);
        h.settle();
        assertEquals(List.of(IbEventType.CQ_ERR), ev.types());
        assertEquals(cq, ev.events.get(0).cq());
        assertEquals(List.of(ExecContext.HARDIRQ), ev.contexts);
        // mlx4_eq_int's warning, with the syndrome.
        String line = String.format("%s: CQ overrun on CQN %06x", h.hca.slot(), ((HcaCq) cq.drv()).cqn());
        assertTrue(h.kernel.dmesg().contains(line), h.kernel.dmesg().toString());
    }

    @Test
    void shouldBringThePortUpThroughSetPortAndDeliverPortActive() {
        HcaHost down = new HcaHost(0);
        assertEquals(PortState.INIT, down.dev.port(1).state());
        HcaHost.Events ev = down.new Events();
        down.dev.registerEventHandler(ev);
        assertEquals(0, down.drv.setPort(1, 0x21, 0, 0x1, 0, World.SUBNET_TIMEOUT));
        down.settle();
        assertEquals(PortState.ACTIVE, down.dev.port(1).state());
        assertEquals(0x21, down.dev.port(1).lid());
        assertTrue(ev.types().contains(IbEventType.PORT_ACTIVE), ev.types().toString());
        assertTrue(ev.types().contains(IbEventType.LID_CHANGE));
        assertEquals(ExecContext.PROCESS, ev.contexts.get(0));

        assertEquals(0, down.drv.closePort(1));
        down.settle();
        assertEquals(PortState.DOWN, down.dev.port(1).state());
        assertEquals(IbEventType.PORT_ERR, ev.types().get(ev.types().size() - 1));
    }

    @Test
    void shouldReadANewPkeyTableIntoIbCoreThroughMadIfc() {
        HcaHost.Events ev = h.new Events();
        h.dev.registerEventHandler(ev);
        int[] table = new int[34];
        table[0] = 0x7fff;
        table[1] = 0x8001;
        table[2] = 0x0002;
        table[33] = 0x8033;
        assertEquals(0, h.drv.setPkeys(1, table));
        h.settle();
        Port port = h.dev.port(1);
        assertEquals(0x7fff, port.pkey(0));
        assertEquals(0x8033, port.pkey(33), "an entry of the second P_KeyTable block");
        assertEquals(0x8001, port.pkey(1));
        assertEquals(0x0002, port.pkey(2));
        assertEquals(0, port.pkey(3));
        assertEquals(2, port.findPkey(0x8002), "the limited-member entry, there being no full one");
        assertTrue(ev.types().contains(IbEventType.PKEY_CHANGE), ev.types().toString());
        assertEquals(HcaHost.LID, port.lid(), "the addresses stay as they were");
        assertEquals(PortState.ACTIVE, port.state());

        assertEquals(0, h.drv.setPkeys(1, new int[] {0xffff}));
        h.settle();
        assertEquals(0xffff, port.pkey(0));
        assertEquals(0, port.pkey(1));
        assertEquals(0, port.pkey(33));
        assertEquals(Errno.EINVAL.negative(), h.drv.setPkeys(2, new int[] {0xffff}));
        assertEquals(Errno.EINVAL.negative(), h.drv.setPkeys(1, new int[port.pkeyTableLength() + 1]));
    }

    @Test
    void shouldReadANewPortGidIntoIbCoreThroughMadIfc() {
        HcaHost.Events ev = h.new Events();
        h.dev.registerEventHandler(ev);
        long prefix = 0xfe80_0000_0000_00abL;
        long guid = 0x0002_c903_00ab_cdefL;
        assertEquals(0, h.drv.setGid(1, prefix, guid));
        h.settle();
        Port port = h.dev.port(1);
        assertArrayEquals(Port.gid(prefix, guid), port.gid(0));
        assertArrayEquals(Port.gid(prefix, 0), port.gid(1), "an unassigned entry is the new prefix alone");
        // drivers/infiniband/core/cache.c ib_cache_event_task: the GID cache is updated, and
        // IB_EVENT_GID_CHANGE reaches no client of an InfiniBand port
        assertEquals(List.of(), ev.types());
        assertEquals(HcaHost.LID, port.lid());
        assertEquals(Errno.EINVAL.negative(), h.drv.setGid(0, prefix, guid));
    }

    @Test
    void shouldRaiseLidChangeWhenAnActivePortIsGivenANewLid() {
        HcaHost.Events ev = h.new Events();
        h.dev.registerEventHandler(ev);
        assertEquals(0, h.drv.setPort(1, 0x42, 1, 0x7, 3, World.SUBNET_TIMEOUT));
        h.settle();
        PortAttr a = h.dev.port(1).query();
        assertEquals(0x42, a.lid);
        assertEquals(1, a.lmc);
        assertEquals(0x7, a.smLid);
        assertEquals(3, a.smSl);
        assertEquals(List.of(IbEventType.LID_CHANGE), ev.types(),
                "the port stayed ACTIVE, so no PORT_CHANGE EQE; an SM change is no event (mlx4 update_sm_ah)");
    }

    @Test
    void shouldFollowTheSubnetManagerOfTheWorldReaddressingAnActivePort() {
        HcaHost.Events ev = h.new Events();
        h.dev.registerEventHandler(ev);
        h.fw.port(1).smSet(0x31, 0, 0x2, 0);
        h.settle();
        assertEquals(0x31, h.dev.port(1).lid());
        assertEquals(0x2, h.dev.port(1).query().smLid);
        assertEquals(List.of(IbEventType.LID_CHANGE), ev.types(),
                "the port stayed ACTIVE: PORT_MNG_CHG, not PORT_CHANGE, tells the driver");
    }

    @Test
    void shouldFollowTheSubnetManagerOfTheWorld() {
        HcaHost.Events ev = h.new Events();
        h.dev.registerEventHandler(ev);
        h.fw.port(1).link(false);
        h.settle();
        assertEquals(List.of(IbEventType.PORT_ERR), ev.types());
        h.fw.port(1).link(true);
        h.fw.port(1).smSet(0x30, 0, 0x2, 0);
        h.settle();
        assertEquals(0x30, h.dev.port(1).lid());
        assertEquals(PortState.ACTIVE, h.dev.port(1).state());
        assertTrue(ev.types().contains(IbEventType.PORT_ACTIVE));
    }

    @Test
    void shouldRaiseSrqLimitReachedWhenTheResponderTakesBelowTheLimit() {
        List<IbEventType> events = new ArrayList<>();
        Srq srq = Srq.create(h.pd, e -> events.add(e.event()), new SrqAttr(8, 1, 0)).get();
        for (int i = 0; i < 4; i++) {
            assertTrue(srq.postRecv(new RecvWr(i, sge())).ok());
        }
        assertEquals(0, srq.modify(new SrqAttr(0, 0, 3), SrqAttr.LIMIT));
        org.ibmodel.sim.device.SrqContext dev = h.fw.srq(((HcaSrq) srq.drv()).srqn());
        assertEquals(4, dev.posted());
        dev.take();
        dev.take();
        h.settle();
        assertEquals(List.of(IbEventType.SRQ_LIMIT_REACHED), events);
        assertEquals(0, srq.srqLimit());
    }

    // drivers/infiniband/hw/mlx4/srq.c: mlx4_ib_query_srq reads limit_watermark back with
    // QUERY_SRQ (mlx4/srq.c mlx4_srq_query): a limit the device fired and disarmed reads 0 at once
    @Test
    void shouldQueryTheLimitTheDeviceHoldsOnceItFiredBeforeTheEventIsHandled() {
        List<IbEventType> events = new ArrayList<>();
        Srq srq = Srq.create(h.pd, e -> events.add(e.event()), new SrqAttr(8, 1, 0)).get();
        for (int i = 0; i < 4; i++) {
            assertTrue(srq.postRecv(new RecvWr(i, sge())).ok());
        }
        assertEquals(0, srq.modify(new SrqAttr(0, 0, 3), SrqAttr.LIMIT));
        SrqAttr armed = new SrqAttr(0, 0, 0);
        assertEquals(0, srq.query(armed));
        assertEquals(3, armed.srqLimit);
        assertEquals(15, armed.maxWr, "mlx4: msrq.max - 1, the ring of 16 less the WQE kept free");
        assertEquals(1, armed.maxSge);
        org.ibmodel.sim.device.SrqContext dev = h.fw.srq(((HcaSrq) srq.drv()).srqn());
        dev.take();
        dev.take();
        assertTrue(events.isEmpty(), "the SRQ_LIMIT EQE is not handled yet");

        SrqAttr fired = new SrqAttr(0, 0, 0);
        assertEquals(0, srq.query(fired));

        assertEquals(0, fired.srqLimit, "the device disarmed");
        h.settle();
        assertEquals(List.of(IbEventType.SRQ_LIMIT_REACHED), events);
    }

    /** An RC QP in RTS on {@code srq}, its events into {@code events}. */
    private Qp rtsQpOnSrq(Cq cq, Srq srq, List<IbEventType> events) {
        QpInitAttr init = QpInitAttr.of(QpType.RC, cq, cq, QpCap.of(4, 0, 1));
        init.srq = srq;
        init.eventHandler = e -> events.add(e.event());
        Qp qp = Qp.create(h.pd, init).get();
        HcaHost.toRts(qp);
        return qp;
    }

    @Test
    void shouldReportLastWqeReachedForAQpOnAnSrq() {
        List<IbEventType> events = new ArrayList<>();
        Qp qp = rtsQpOnSrq(h.cq(8), Srq.create(h.pd, null, new SrqAttr(8, 1, 0)).get(), events);
        HcaHost.toErr(qp);
        h.settle();
        assertEquals(List.of(IbEventType.QP_LAST_WQE_REACHED), events);
        // ERR to ERR (as ib_drain_qp does to a QP already in error) reports nothing again.
        HcaHost.toErr(qp);
        h.settle();
        assertEquals(List.of(IbEventType.QP_LAST_WQE_REACHED), events, "once");
    }

    /**
     * mlx4_ib_qp_event (drivers/infiniband/hw/mlx4/qp.c, Linux 6.6 on) queues a QP's event on an
     * ordered workqueue: the handler runs in process context and may sleep (here ib_query_qp,
     * which waits for its command), and the QP is not freed before it has run.
     */
    @Test
    void shouldCallTheQpEventHandlerInProcessContextBeforeTheQpIsFreed() {
        List<ExecContext> where = new ArrayList<>();
        boolean[] destroyed = {false};
        QpInitAttr init = QpInitAttr.of(QpType.RC, h.cq(8), h.cq(8), QpCap.of(4, 0, 1));
        init.srq = Srq.create(h.pd, null, new SrqAttr(8, 1, 0)).get();
        init.eventHandler = e -> {
            where.add(h.kernel.context());
            assertTrue(!destroyed[0], "the handler ran after destroy returned");
            QpAttr now = new QpAttr();
            assertEquals(0, e.qp().query(now), "ib_query_qp sleeps: legal here");
            assertEquals(QpState.ERR, now.qpState);
        };
        Qp qp = Qp.create(h.pd, init).get();
        HcaHost.toRts(qp);
        HcaHost.toErr(qp);
        assertEquals(0, qp.destroy());
        destroyed[0] = true;
        h.settle();
        assertEquals(List.of(ExecContext.PROCESS), where, "QP_LAST_WQE_REACHED, once");
    }

    /**
     * ib_drain_qp of a QP on an SRQ (drivers/infiniband/core/verbs.c __ib_drain_srq, Linux 6.11
     * on): after the send queue, the QP in ERR, it waits for IB_EVENT_QP_LAST_WQE_REACHED, which
     * ib_core's own QP event handler notes before the ULP's hears it, then reaps the receive CQ
     * directly, so the receives the QP had taken have completed when it returns.
     */
    @Test
    void shouldDrainAQpOnAnSrqUntilItsLastWqeIsReached() {
        List<IbEventType> events = new ArrayList<>();
        Cq cq = Cq.alloc(h.dev, 16, 0, PollContext.SOFTIRQ).get();
        Srq srq = Srq.create(h.pd, null, new SrqAttr(8, 1, 0)).get();
        Qp qp = rtsQpOnSrq(cq, srq, events);
        org.ibmodel.traces.TraceBuffer buffer = new org.ibmodel.traces.TraceBuffer(64);
        h.dev.core().tracer(new org.ibmodel.core.Tracer(h.kernel, buffer,
                org.ibmodel.core.Tracer.steppingClock(0, 1_000L)));
        qp.drain();
        h.dev.core().tracer(null);
        assertEquals(List.of(IbEventType.QP_LAST_WQE_REACHED), events, "heard before the drain returned");
        // The send queue's drain ends with cq_drain_complete; the SRQ's reaps the CQ directly
        // after it (ib_process_cq_direct: cq_process, then a poll that finds nothing left).
        List<String> names = buffer.records().stream().map(r -> r.event().name()).toList();
        int sq = names.indexOf("cq_drain_complete");
        assertTrue(sq >= 0, "" + names);
        assertEquals(List.of("cq_process", "cq_poll"), names.subList(sq + 1, names.size()), "" + names);
        // A second drain finds the QP in ERR already: no new Last WQE Reached comes, and the wait
        // runs out its 60 s (wait_for_completion_timeout), as it does on Linux.
        long before = h.scheduler.now();
        qp.drain();
        assertTrue(h.scheduler.now() - before >= 60_000_000_000L, "waited " + (h.scheduler.now() - before) + " ns");
        assertEquals(List.of(IbEventType.QP_LAST_WQE_REACHED), events, "no second event");
        assertEquals(0, qp.destroy());
        assertEquals(0, srq.destroy());
        cq.freeCq();
    }

    @Test
    void shouldResizeTheCqKeepingWhatWasNotPolled() {
        Cq cq = h.cq(4);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        HcaHost.toRts(qp);
        qp.postSend(SendWr.send(1, sge()), SendWr.send(2, sge()), SendWr.send(3, sge()));
        HcaHost.toErr(qp);
        Wc[] one = {new Wc()};
        assertEquals(1, cq.poll(1, one));
        long commands = h.fw.commands();
        assertEquals(0, cq.resize(6), "the size it has (8 entries)");
        assertEquals(commands, h.fw.commands(), "mlx4_ib_resize_cq issues no command for it");
        assertEquals(Errno.EINVAL.negative(), cq.resize(1), "2 entries cannot hold 2 completions and the empty slot");
        assertEquals(0, cq.resize(30));
        assertEquals(31, cq.cqe());
        assertEquals(List.of(2L, 3L), HcaHost.poll(cq).stream().map(w -> w.wrId).toList());
    }

    @Test
    void shouldResetAQpDiscardingItsWorkAndReuseIt() {
        Cq cq = h.cq(8);
        Qp qp = h.qp(QpType.RC, cq, QpCap.of(4, 4, 1));
        HcaHost.toRts(qp);
        qp.postSend(SendWr.send(1, sge()));
        HcaHost.toErr(qp);
        assertEquals(0, qp.modify(new QpAttr().state(QpState.RESET), QpAttrMask.STATE.bit()));
        assertEquals(HwQpState.RESET, h.fw.qp(qp.qpNum()).state());
        assertTrue(HcaHost.poll(cq).isEmpty(), "the flush CQE of a reset QP is cleaned away");
        HcaHost.toRts(qp);
        qp.postSend(SendWr.send(7, sge()));
        HcaHost.toErr(qp);
        assertEquals(List.of(7L), HcaHost.poll(cq).stream().map(w -> w.wrId).toList());
    }

    /**
     * A second kernel verb path: ib_alloc_cq in softirq context and ib_drain_qp. The drain
     * sleeps in wait_for_completion while the world delivers the flush: CQE, EQE, MSI-X,
     * irq_poll, wr_cqe->done.
     */
    @Test
    void shouldDrainAQpOnAnAllocatedCqThroughTheWholeStack() {
        Cq cq = Cq.alloc(h.dev, 16, 0, PollContext.SOFTIRQ).get();
        Qp qp = Qp.create(h.pd, QpInitAttr.of(QpType.RC, cq, cq, QpCap.of(8, 8, 1))).get();
        HcaHost.toRts(qp);
        List<Long> done = new ArrayList<>();
        List<ExecContext> where = new ArrayList<>();
        Cqe record = (c, wc) -> {
            done.add(wc.wrId);
            where.add(h.kernel.context());
            assertEquals(WcStatus.WR_FLUSH_ERR, wc.status);
        };
        for (int i = 0; i < 3; i++) {
            assertTrue(qp.postRecv(new RecvWr(100 + i, record, List.of(sge()))).ok());
            assertTrue(qp.postSend(new SendWr().wrId(i).wrCqe(record).opcode(WrOpcode.SEND).sgList(sge())).ok());
        }
        qp.drain();
        assertEquals(QpState.ERR, qp.state());
        assertEquals(List.of(0L, 1L, 2L, 100L, 101L, 102L), done);
        assertTrue(where.stream().allMatch(c -> c == ExecContext.SOFTIRQ));
        assertEquals(0, qp.destroy());
        cq.freeCq();
    }

    /**
     * mlx4_eq_int writes the consumer index, unarmed, every MLX4_NUM_SPARE_EQE EQEs: a completion
     * handler that re-arms with a CQE still unpolled gets its next EQE at once, within the same
     * interrupt, and a thousand of them, more than the EQ holds, are all delivered.
     */
    @Test
    void shouldKeepTheEqFromFillingWhileTheHandlerRuns() {
        int rounds = 1000;
        int[] calls = new int[1];
        Cq[] self = new Cq[1];
        self[0] = Cq.create(h.dev, c -> {
            if (++calls[0] < rounds) {
                self[0].reqNotify(CqNotifyFlags.NEXT_COMP);
            }
        }, null, new CqInitAttr(8, 0)).get();
        Qp qp = h.qp(QpType.RC, self[0], QpCap.of(4, 4, 1));
        HcaHost.toRts(qp);
        HcaHost.toErr(qp);
        assertEquals(0, self[0].reqNotify(CqNotifyFlags.NEXT_COMP));
        long irqs = h.hca.interrupts();
        assertTrue(qp.postSend(SendWr.send(1, sge())).ok());
        h.settle();
        assertEquals(rounds, calls[0], "one upcall per arm, none lost to a full EQ");
        assertTrue(h.hca.interrupts() - irqs < 10, "in a few interrupts");
        assertEquals(1, HcaHost.poll(self[0]).size());
    }
}
