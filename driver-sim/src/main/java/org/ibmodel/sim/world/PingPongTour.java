package org.ibmodel.sim.world;

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

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.CqNotifyFlags;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.Pd;
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
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.device.Transport;
import org.ibmodel.sim.wire.Opcode;
import org.ibmodel.sim.wire.OpcodeTable;
import org.ibmodel.traces.TraceSink;

/**
 * Two hosts through one switch, as ibv_rc_pingpong runs them: each side makes a PD, a CQ, an MR
 * and an RC QP through the kernel verbs on the HCA driver, the two exchange LID, QPN and PSN out
 * of band, connect, and then run SENDs, an RDMA WRITE, an RDMA READ and an atomic. Each
 * operation is narrated from the verb to the packets on the wire and the completion polled.
 */
public final class PingPongTour {
    private static final int BUF = 64 * 1024;
    private static final long TARGET = 32 * 1024;
    private static final Mtu MTU = Mtu.MTU_1024;

    private final Narrator n;
    private final long seed;
    private final Path pcap;
    private final TraceSink traceSink;
    private World world;
    private final List<Side> sides = new ArrayList<>();
    /** What happened during one operation, to be told in time order. */
    private final List<Moment> timeline = new ArrayList<>();

    private record Moment(long timeNs, String what) {
    }
    private int completions;

    /** One end of the connection. */
    private final class Side {
        final String name;
        final int index;
        final Host host;
        final IbDevice dev;
        final Pd pd;
        final Cq cq;
        final Mr mr;
        final Qp qp;
        final long buf;
        final int psn;

        Side(int index, int psn) {
            this.index = index;
            this.host = world.host(index);
            this.name = host.name();
            this.dev = host.driver(0).device();
            this.psn = psn;
            pd = get(Pd.alloc(dev), "ib_alloc_pd");
            cq = get(Cq.create(dev, c -> timeline.add(new Moment(world.scheduler().now(), String.format(
                    "%s: completion interrupt, comp_handler runs in %s", name, host.kernel().context()))),
                    null, new CqInitAttr(64, 0)), "ib_create_cq");
            check(cq.reqNotify(CqNotifyFlags.NEXT_COMP), "ib_req_notify_cq");
            buf = host.memory().alloc(BUF);
            mr = get(Mr.reg(pd, buf, BUF, buf, AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE
                    | AccessFlags.REMOTE_READ | AccessFlags.REMOTE_ATOMIC), "ib_reg_mr");
            qp = get(Qp.create(pd, QpInitAttr.of(QpType.RC, cq, cq, QpCap.of(16, 16, 1))), "ib_create_qp");
            sides.add(this);
        }

        int lid() {
            return world.lid(index);
        }

        Sge sge(long offset, int len) {
            return new Sge(buf + offset, len, mr.lkey());
        }
    }

    public PingPongTour(Narrator narrator, long seed, Path pcap, TraceSink traceSink) {
        this.n = narrator;
        this.seed = seed;
        this.pcap = pcap;
        this.traceSink = traceSink;
    }

    /** Runs the tour; returns the number of objects left allocated on both hosts. */
    public int run() {
        world = World.of(seed, 2);
        try {
            return tour();
        } finally {
            world.close();
        }
    }

    private int tour() {
        if (pcap != null) {
            world.capture(pcap);
        }
        for (int i = 0; i < 2; i++) {
            world.transport(i).logSent(true);
        }
        if (traceSink != null) {
            Host h0 = world.host(0);
            h0.core().tracer(new Tracer(h0.kernel(), traceSink, () -> world.scheduler().now()).task("ibmodel-demo", 1000));
        }
        n.step("Boot (seed %d): two hosts, each with an HCA, through one 4X EDR switch", seed);
        for (int i = 0; i < 2; i++) {
            IbDevice dev = world.host(i).driver(0).device();
            n.say("%s: driver probed %s (firmware commands QUERY_FW, QUERY_DEV_CAP, INIT_HCA, INIT_PORT), "
                    + "port 1 %s, LID %d", world.host(i).name(), dev.name(), dev.port(1).state().kernelName(),
                    dev.port(1).lid());
        }

        n.step("Each side: ib_alloc_pd, ib_create_cq (armed), ib_reg_mr of a %d KiB buffer, ib_create_qp RC",
                BUF / 1024);
        SplittableRandom psns = world.scheduler().fork("demo psn");
        Side a = new Side(0, psns.nextInt(1 << 24));
        Side b = new Side(1, psns.nextInt(1 << 24));
        for (Side s : new Side[] {a, b}) {
            n.say("%s  local address:  LID 0x%04x, QPN 0x%06x, PSN 0x%06x, rkey 0x%08x", s.name, s.lid(),
                    s.qp.qpNum(), s.psn, s.mr.rkey());
        }

        n.step("Exchange addresses out of band and connect: RESET -> INIT -> RTR -> RTS on both sides");
        connect(a, b);
        connect(b, a);

        n.step("SEND \"ping\" from %s to %s", a.name, b.name);
        postRecv(b, 100, b.sge(0, 256));
        send(a, new SendWr().wrId(1).opcode(WrOpcode.SEND).sendFlags(SendFlags.SIGNALED)
                .sgList(write(a, 0, "ping")));
        n.say("%s received \"%s\"", b.name, text(b, 0, 4));

        n.step("SEND \"pong\" back from %s to %s", b.name, a.name);
        postRecv(a, 200, a.sge(0, 256));
        send(b, new SendWr().wrId(2).opcode(WrOpcode.SEND).sendFlags(SendFlags.SIGNALED)
                .sgList(write(b, 512, "pong")));
        n.say("%s received \"%s\"", a.name, text(a, 0, 4));

        byte[] big = new byte[3 * MTU.bytes() + 100];
        new SplittableRandom(seed).nextBytes(big);
        n.step("RDMA WRITE of %d bytes into %s's buffer (path MTU %d: a FIRST, MIDDLEs and a LAST packet)",
                big.length, b.name, MTU.bytes());
        a.host.memory().write(a.buf + 1024, big);
        send(a, new SendWr().wrId(3).opcode(WrOpcode.RDMA_WRITE).sendFlags(SendFlags.SIGNALED)
                .sgList(a.sge(1024, big.length)).remoteAddr(b.buf + TARGET).rkey(b.mr.rkey()));
        boolean same = java.util.Arrays.equals(big, b.host.memory().read(b.buf + TARGET, big.length));
        n.say("%s's memory %s the %d bytes written", b.name, same ? "holds exactly" : "DIFFERS from", big.length);

        n.step("RDMA READ of the same %d bytes back into %s", big.length, a.name);
        send(a, new SendWr().wrId(4).opcode(WrOpcode.RDMA_READ).sendFlags(SendFlags.SIGNALED)
                .sgList(a.sge(8192, big.length)).remoteAddr(b.buf + TARGET).rkey(b.mr.rkey()));
        boolean back = java.util.Arrays.equals(big, a.host.memory().read(a.buf + 8192, big.length));
        n.say("read back %s", back ? "matches byte for byte" : "DIFFERS");

        n.step("ATOMIC FETCH_AND_ADD 5 on a counter in %s's memory that holds 37", b.name);
        b.host.memory().writeLong(b.buf + 16, 37);
        send(a, new SendWr().wrId(5).opcode(WrOpcode.ATOMIC_FETCH_AND_ADD).sendFlags(SendFlags.SIGNALED)
                .sgList(a.sge(24, 8)).remoteAddr(b.buf + 16).rkey(b.mr.rkey()).compareAdd(5));
        n.say("original value returned to %s: %d; counter now %d", a.name, a.host.memory().readLong(a.buf + 24),
                b.host.memory().readLong(b.buf + 16));

        n.step("Tear down both sides");
        for (Side s : new Side[] {a, b}) {
            check(s.qp.destroy(), "ib_destroy_qp");
            check(s.mr.dereg(), "ib_dereg_mr");
            check(s.cq.destroy(), "ib_destroy_cq");
            check(s.pd.dealloc(), "ib_dealloc_pd");
        }
        world.settle();
        int leaked = a.dev.liveTotal() + b.dev.liveTotal();
        long packets = world.transport(0).packetsSent() + world.transport(1).packetsSent();
        n.blank();
        n.always("summary: seed %d, %d packets, %d work completions, %.3f us of virtual time, %d objects left allocated%s",
                seed, packets, completions, world.scheduler().now() / 1000.0, leaked,
                pcap == null ? "" : ", capture in " + pcap);
        n.flush();
        return leaked + (same && back ? 0 : 1);
    }

    private void connect(Side s, Side peer) {
        QpAttr attr = new QpAttr().state(QpState.INIT);
        attr.pkeyIndex = 0;
        attr.portNum = 1;
        attr.qpAccessFlags = AccessFlags.REMOTE_WRITE | AccessFlags.REMOTE_READ | AccessFlags.REMOTE_ATOMIC;
        modify(s, attr, QpAttrMask.of(STATE, PKEY_INDEX, PORT, ACCESS_FLAGS));

        attr = new QpAttr().state(QpState.RTR).pathMtu(MTU);
        attr.ahAttr = AhAttr.lid(1, peer.lid());
        attr.destQpNum = peer.qp.qpNum();
        attr.rqPsn = peer.psn;
        attr.maxDestRdAtomic = 1;
        attr.minRnrTimer = 12;
        modify(s, attr, QpAttrMask.of(STATE, AV, PATH_MTU, DEST_QPN, RQ_PSN, MAX_DEST_RD_ATOMIC, MIN_RNR_TIMER));

        attr = new QpAttr().state(QpState.RTS);
        attr.sqPsn = s.psn;
        attr.timeout = 14;
        attr.retryCnt = 7;
        attr.rnrRetry = 7;
        attr.maxRdAtomic = 1;
        modify(s, attr, QpAttrMask.of(STATE, TIMEOUT, RETRY_CNT, RNR_RETRY, SQ_PSN, MAX_QP_RD_ATOMIC));
    }

    private void modify(Side s, QpAttr attr, int mask) {
        QpState from = s.qp.state();
        check(s.qp.modify(attr, mask), "ib_modify_qp");
        n.say("%s qpn 0x%x %s -> %s  mask %s", s.name, s.qp.qpNum(), from, s.qp.state(), QpAttrMask.format(mask));
    }

    private Sge write(Side s, long offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        s.host.memory().write(s.buf + offset, bytes);
        return s.sge(offset, bytes.length);
    }

    private static String text(Side s, long offset, int len) {
        return new String(s.host.memory().read(s.buf + offset, len), StandardCharsets.US_ASCII);
    }

    private void postRecv(Side s, long wrId, Sge sge) {
        PostResult r = s.qp.postRecv(new RecvWr(wrId, sge));
        check(r.ret(), "ib_post_recv");
        n.say("%s: ib_post_recv(wr_id %d, %d bytes): receive WQE written, RECV doorbell", s.name, wrId, sge.length());
    }

    /** Posts on {@code s}, runs the world, and narrates the packets and completions. */
    private void send(Side s, SendWr wr) {
        int mark0 = world.transport(0).sentLog().size();
        int mark1 = world.transport(1).sentLog().size();
        PostResult r = s.qp.postSend(wr);
        check(r.ret(), "ib_post_send");
        n.say("%s: ib_post_send(%s): send WQE written to the SQ in host memory, SEND doorbell rung",
                s.name, wr.opcode().kernelName());
        timeline.clear();
        world.settle();
        List<Moment> moments = new ArrayList<>(timeline);
        for (int i = 0; i < 2; i++) {
            Transport t = world.transport(i);
            for (Transport.Sent p : t.sentLog().subList(i == 0 ? mark0 : mark1, t.sentLog().size())) {
                Opcode op = OpcodeTable.lookup(p.opcode());
                moments.add(new Moment(p.timeNs(), String.format("wire LID %d -> %d  %-28s psn 0x%06x  dest qp 0x%06x",
                        p.slid(), p.dlid(), op == null ? String.format("opcode 0x%02x", p.opcode()) : op.ibtaName(),
                        p.psn(), p.destQp())));
            }
        }
        // Stable: packets sent in one burst keep their order.
        moments.sort((x, y) -> Long.compare(x.timeNs(), y.timeNs()));
        for (Moment m : moments) {
            n.say("  t=%8.3f us  %s", m.timeNs() / 1000.0, m.what());
        }
        pollBoth();
    }

    /** Reaps both CQs as the pingpong loop does, and re-arms them. */
    private void pollBoth() {
        Wc[] wcs = new Wc[8];
        for (Side side : sides) {
            int got;
            while ((got = side.cq.poll(wcs.length, wcs)) > 0) {
                for (int k = 0; k < got; k++) {
                    completions++;
                    n.say("  %s: ib_poll_cq -> %s", side.name, wcs[k]);
                    if (wcs[k].status != WcStatus.SUCCESS) {
                        throw new IllegalStateException(side.name + ": unexpected " + wcs[k]);
                    }
                }
            }
            check(side.cq.reqNotify(CqNotifyFlags.NEXT_COMP), "ib_req_notify_cq");
        }
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
