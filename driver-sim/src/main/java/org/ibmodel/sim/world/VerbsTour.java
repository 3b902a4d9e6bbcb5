package org.ibmodel.sim.world;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.IbClient;
import org.ibmodel.core.IbCore;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.Pd;
import org.ibmodel.core.PollContext;
import org.ibmodel.core.PortAttr;
import org.ibmodel.core.PostResult;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.Result;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Tracer;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.sw.mem.MemDevice;
import org.ibmodel.traces.TraceSink;

import static org.ibmodel.core.QpAttrMask.ACCESS_FLAGS;
import static org.ibmodel.core.QpAttrMask.AV;
import static org.ibmodel.core.QpAttrMask.DEST_QPN;
import static org.ibmodel.core.QpAttrMask.MAX_DEST_RD_ATOMIC;
import static org.ibmodel.core.QpAttrMask.MAX_QP_RD_ATOMIC;
import static org.ibmodel.core.QpAttrMask.MIN_RNR_TIMER;
import static org.ibmodel.core.QpAttrMask.PATH_MTU;
import static org.ibmodel.core.QpAttrMask.PKEY_INDEX;
import static org.ibmodel.core.QpAttrMask.PORT;
import static org.ibmodel.core.QpAttrMask.RETRY_CNT;
import static org.ibmodel.core.QpAttrMask.RNR_RETRY;
import static org.ibmodel.core.QpAttrMask.RQ_PSN;
import static org.ibmodel.core.QpAttrMask.SQ_PSN;
import static org.ibmodel.core.QpAttrMask.STATE;
import static org.ibmodel.core.QpAttrMask.TIMEOUT;

/**
 * A narrated walk through the kernel verbs on one host: a device registers, a client attaches,
 * a PD, CQs, MRs and two RC QPs connected to each other are made, moved RESET->INIT->RTR->RTS,
 * used for SEND, RDMA WRITE, RDMA READ and an atomic, drained and torn down. Every call goes
 * through ib_core exactly as a kernel ULP's would.
 */
public final class VerbsTour {
    private static final int BUF = 4096;

    private final Narrator n;
    private final Kernel kernel = new Kernel("host0");
    private final IbCore core = new IbCore(kernel);
    private final HostMemory memory = new HostMemory();
    private final List<Wc> reaped = new ArrayList<>();
    private int completions;

    public VerbsTour(Narrator narrator) {
        this.n = narrator;
    }

    /**
     * A tour whose kernel fires its rdma_core tracepoints into {@code sink}, stamped with virtual
     * time: each event one microsecond after the one before, from second 100.
     */
    public VerbsTour(Narrator narrator, TraceSink sink) {
        this(narrator);
        core.tracer(new Tracer(kernel, sink, Tracer.steppingClock(100_000_000_000L, 1_000L)).task("ibmodel-demo", 1000));
    }

    /** Runs the tour; returns the number of objects left allocated (0 when all is well). */
    public int run() {
        n.step("Boot: kernel %s, ib_core, and the in-memory RDMA device", kernel.name());
        IbDevice dev = MemDevice.create(core, "mem0", memory, 1);
        check(core.registerDevice(dev), "ib_register_device");
        kernel.runPending();
        PortAttr pa = dev.port(1).query();
        n.say("ib_register_device(mem0) = 0; port 1 %s, LID %d, active MTU %d, P_Key[0] 0x%04x",
                pa.state.kernelName(), pa.lid, pa.activeMtu.bytes(), dev.port(1).pkey(0));

        IbClient client = new IbClient() {
            @Override
            public String name() {
                return "tour";
            }

            @Override
            public int add(IbDevice d) {
                n.say("client 'tour': add(%s) called by ib_core", d.name());
                return 0;
            }

            @Override
            public void remove(IbDevice d, Object data) {
                n.say("client 'tour': remove(%s) called by ib_core", d.name());
            }
        };
        n.step("ib_register_client: ib_core calls add() for every registered device");
        check(core.registerClient(client), "ib_register_client");

        n.step("ib_alloc_pd, and two CQs from ib_alloc_cq polled in softirq context (IB_POLL_SOFTIRQ)");
        Pd pd = get(Pd.alloc(dev), "ib_alloc_pd");
        Cq sendCq = get(Cq.alloc(dev, 64, 0, PollContext.SOFTIRQ), "ib_alloc_cq");
        Cq recvCq = get(Cq.alloc(dev, 64, 0, PollContext.SOFTIRQ), "ib_alloc_cq");
        n.say("pd local_dma_lkey 0x%x; send CQ %d entries, recv CQ %d entries, both armed with IB_CQ_NEXT_COMP",
                pd.localDmaLkey(), sendCq.cqe(), recvCq.cqe());

        n.step("ib_reg_user_mr: a send buffer (local access) and a target buffer (remote read/write/atomic)");
        long src = memory.alloc(BUF);
        long dst = memory.alloc(BUF);
        Mr srcMr = get(Mr.reg(pd, src, BUF, src, AccessFlags.LOCAL_WRITE), "ib_reg_user_mr");
        int remote = AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE | AccessFlags.REMOTE_READ
                | AccessFlags.REMOTE_ATOMIC;
        Mr dstMr = get(Mr.reg(pd, dst, BUF, dst, remote), "ib_reg_user_mr");
        n.say("(the verb a driver uses for memory a process gave it; a kernel ULP mostly sends from the PD's "
                + "local_dma_lkey, and gives remote access by ib_alloc_mr, ib_map_mr_sg and an IB_WR_REG_MR)");
        n.say("%s", srcMr);
        n.say("%s", dstMr);
        Result<Mr> bad = Mr.reg(pd, dst, BUF, dst, AccessFlags.REMOTE_WRITE);
        n.say("remote write without local write: %s (ib_check_mr_access: the HCA writes for the remote peer)",
                bad.errno());

        n.step("ib_create_qp: two RC QPs on the same device, to be connected to each other");
        QpInitAttr init = QpInitAttr.of(QpType.RC, sendCq, recvCq, QpCap.of(16, 16, 2));
        Qp a = get(Qp.create(pd, init), "ib_create_qp");
        Qp b = get(Qp.create(pd, init), "ib_create_qp");
        n.say("QP A qpn 0x%x, QP B qpn 0x%x, both %s", a.qpNum(), b.qpNum(), a.state().kernelName());

        n.step("ib_modify_qp RESET -> INIT -> RTR -> RTS; each mask is what qp_state_table requires for RC");
        connect(a, b.qpNum(), 0x1000, 0x2000, remote);
        connect(b, a.qpNum(), 0x2000, 0x1000, remote);

        n.step("SEND: post a receive on B, a signaled SEND on A, let the device run, reap completions");
        byte[] msg = "hello, InfiniBand".getBytes(StandardCharsets.US_ASCII);
        memory.write(src, msg);
        n.say("(each WR below has a wr_cqe, whose done() __ib_process_cq calls, and a wr_id to name it by here: "
                + "in the kernel's ib_recv_wr, ib_send_wr and ib_wc the two are one union, so a ULP sets only "
                + "the wr_cqe)");
        postRecv(b, 100, new Sge(dst, BUF, dstMr.lkey()));
        postSend(a, new SendWr().wrId(1).opcode(WrOpcode.SEND).sendFlags(SendFlags.SIGNALED)
                .sgList(new Sge(src, msg.length, srcMr.lkey())).wrCqe(this::reap));
        settle();
        n.say("B's buffer now holds \"%s\"", new String(memory.read(dst, msg.length), StandardCharsets.US_ASCII));

        n.step("RDMA WRITE from A into B's buffer at offset 64 with B's rkey, then RDMA READ it back");
        byte[] payload = "written by RDMA".getBytes(StandardCharsets.US_ASCII);
        memory.write(src + 512, payload);
        postSend(a, new SendWr().wrId(2).opcode(WrOpcode.RDMA_WRITE).sendFlags(SendFlags.SIGNALED)
                .sgList(new Sge(src + 512, payload.length, srcMr.lkey()))
                .remoteAddr(dst + 64).rkey(dstMr.rkey()).wrCqe(this::reap));
        postSend(a, new SendWr().wrId(3).opcode(WrOpcode.RDMA_READ).sendFlags(SendFlags.SIGNALED)
                .sgList(new Sge(src + 1024, payload.length, srcMr.lkey()))
                .remoteAddr(dst + 64).rkey(dstMr.rkey()).wrCqe(this::reap));
        settle();
        n.say("read back: \"%s\"", new String(memory.read(src + 1024, payload.length), StandardCharsets.US_ASCII));

        n.step("ATOMIC FETCH_AND_ADD 5 on an 8-byte counter in B's buffer (holds 37)");
        memory.writeLong(dst + 2048, 37);
        postSend(a, new SendWr().wrId(4).opcode(WrOpcode.ATOMIC_FETCH_AND_ADD).sendFlags(SendFlags.SIGNALED)
                .sgList(new Sge(src + 2048, 8, srcMr.lkey())).remoteAddr(dst + 2048).rkey(dstMr.rkey())
                .compareAdd(5).wrCqe(this::reap));
        settle();
        n.say("original value returned to A: %d; counter now %d", memory.readLong(src + 2048),
                memory.readLong(dst + 2048));

        n.step("A wrong rkey: the responder refuses, both QPs go to ERR (IBA 9.9.3.1)");
        postSend(a, new SendWr().wrId(5).opcode(WrOpcode.RDMA_WRITE).sendFlags(SendFlags.SIGNALED)
                .sgList(new Sge(src, 8, srcMr.lkey())).remoteAddr(dst).rkey(dstMr.rkey() ^ 0x100).wrCqe(this::reap));
        settle();
        n.say("QP A %s, QP B %s", a.state().kernelName(), b.state().kernelName());

        n.step("ib_drain_qp on both QPs: outstanding receives are flushed with IB_WC_WR_FLUSH_ERR");
        postRecvQuiet(b, 101, new Sge(dst, 64, dstMr.lkey()));
        a.drain();
        b.drain();
        for (Wc wc : reaped) {
            n.say("  %s", wc);
        }
        reaped.clear();
        n.say("drain returned: every WR posted before it has completed");

        n.step("Tear down in dependency order; ib_core refuses what is still in use");
        n.say("ib_destroy_cq while QPs use it: %s", Errno.ofNumber(sendCq.destroy()));
        check(a.destroy(), "ib_destroy_qp");
        check(b.destroy(), "ib_destroy_qp");
        check(srcMr.dereg(), "ib_dereg_mr");
        check(dstMr.dereg(), "ib_dereg_mr");
        sendCq.freeCq();
        recvCq.freeCq();
        check(pd.dealloc(), "ib_dealloc_pd");
        core.unregisterClient(client);
        int leaked = dev.liveTotal();
        core.unregisterDevice(dev);
        kernel.runPending();

        n.blank();
        n.always("summary: %d work completions reaped, %d objects left allocated (%s), no kernel rule broken",
                completions, leaked, dev.liveSummary());
        n.flush();
        return leaked;
    }

    private void connect(Qp qp, int destQpn, int sqPsn, int rqPsn, int access) {
        QpAttr attr = new QpAttr().state(QpState.INIT);
        attr.pkeyIndex = 0;
        attr.portNum = 1;
        attr.qpAccessFlags = access;
        modify(qp, attr, QpAttrMask.of(STATE, PKEY_INDEX, PORT, ACCESS_FLAGS));

        attr = new QpAttr().state(QpState.RTR).pathMtu(Mtu.MTU_1024);
        attr.ahAttr = AhAttr.lid(1, 1);
        attr.destQpNum = destQpn;
        attr.rqPsn = rqPsn;
        attr.maxDestRdAtomic = 1;
        attr.minRnrTimer = 12;
        int rtrMask = QpAttrMask.of(STATE, AV, PATH_MTU, DEST_QPN, RQ_PSN, MAX_DEST_RD_ATOMIC, MIN_RNR_TIMER);
        modify(qp, attr, rtrMask);

        attr = new QpAttr().state(QpState.RTS);
        attr.sqPsn = sqPsn;
        attr.timeout = 14;
        attr.retryCnt = 7;
        attr.rnrRetry = 7;
        attr.maxRdAtomic = 1;
        int rtsMask = QpAttrMask.of(STATE, TIMEOUT, RETRY_CNT, RNR_RETRY, SQ_PSN, MAX_QP_RD_ATOMIC);
        if (destQpn != 0 && qp.qpNum() < destQpn) {
            int without = rtsMask & ~SQ_PSN.bit();
            n.say("qpn 0x%x RTR->RTS without IB_QP_SQ_PSN: %s, QP still %s", qp.qpNum(),
                    Errno.ofNumber(qp.modify(attr, without)), qp.state().kernelName());
        }
        modify(qp, attr, rtsMask);
    }

    private void modify(Qp qp, QpAttr attr, int mask) {
        QpState from = qp.state();
        check(qp.modify(attr, mask), "ib_modify_qp");
        n.say("qpn 0x%x %s -> %s  mask %s", qp.qpNum(), from, qp.state(), QpAttrMask.format(mask));
    }

    private void postSend(Qp qp, SendWr wr) {
        PostResult r = qp.postSend(wr);
        check(r.ret(), "ib_post_send");
        n.say("ib_post_send(qpn 0x%x, %s) = 0", qp.qpNum(), wr);
    }

    private void postRecv(Qp qp, long wrId, Sge sge) {
        postRecvQuiet(qp, wrId, sge);
        n.say("ib_post_recv(qpn 0x%x, wr_id %d, %d bytes) = 0", qp.qpNum(), wrId, sge.length());
    }

    private void postRecvQuiet(Qp qp, long wrId, Sge sge) {
        PostResult r = qp.postRecv(new RecvWr(wrId, this::reap, List.of(sge)));
        check(r.ret(), "ib_post_recv");
    }

    /** Runs the deferred work: the device executes, interrupts fire, irq_poll reaps. */
    private void settle() {
        n.say("device runs the queued work; its interrupt schedules irq_poll, which calls wr_cqe->done:");
        kernel.runPending();
        for (Wc wc : reaped) {
            n.say("  %s", wc);
        }
        reaped.clear();
    }

    private void reap(Cq cq, Wc wc) {
        completions++;
        reaped.add(wc.copy());
    }

    private static void check(int ret, String verb) {
        if (ret != 0) {
            throw new IllegalStateException(verb + " failed: " + Errno.ofNumber(ret));
        }
    }

    private static <T> T get(Result<T> r, String verb) {
        if (r.isErr()) {
            throw new IllegalStateException(verb + " failed: " + r.errno());
        }
        return r.get();
    }
}
