package org.ibmodel.sim.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.wire.Vcrc;
import org.ibmodel.sim.world.Host;
import org.ibmodel.sim.world.World;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The simulated RC transport end to end, two hosts through one switch of a {@link World}, every
 * step through ib_core verbs, the HCA driver, the device's requester, responder and completer,
 * and the fabric: post, packets on the wire, ACK, and the CQEs of both sides polled.
 *
 * <ul>
 *   <li>{@link #send64} — 64-byte SENDs, {@link #BATCH} per invocation; the score is messages
 *       per second and, under {@code -prof gc}, {@code gc.alloc.rate.norm} is bytes per message.
 *   <li>{@link #write1MiB} — one signalled 1 MiB RDMA WRITE (256 packets at a 4096-byte MTU)
 *       per op, against {@link #arraycopy1MiB}, a {@code System.arraycopy} of the same size in
 *       the same run; the ratio of their scores is the simulator's share of memory bandwidth.
 *   <li>{@link #write1MiBTapped} — the same WRITE in a world with a tap on its links, as a run
 *       with a capture has: every packet's CRCs are then written by the first link and checked
 *       by the receiver, where without a tap they are left out (wire.Crcs).
 *   <li>{@link #copyFloor1MiB} — the two copies a 1 MiB WRITE cannot avoid, page by page
 *       through one packet buffer and nothing else: the most (b) could reach with every other
 *       cost of a packet at zero.
 *   <li>{@link #vcrc1MiB} — the 16-bit VCRC over the 256 packets of a 1 MiB WRITE, each in a
 *       buffer already in cache: one such pass is part of what the tap costs.
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class RcTransportBenchmark {
    /** SENDs per invocation of {@link #send64}; each is a signalled, separately ACKed message. */
    public static final int BATCH = 32;
    static final int MESSAGE = 64;
    static final int MIB = 1 << 20;
    static final int MTU = 4096;
    /** A RDMA WRITE middle packet's bytes under the VCRC: LRH 8, BTH 12, payload, ICRC 4. */
    static final int MIDDLE_FRAME = 8 + 12 + MTU + 4;
    /** Where a middle packet's payload starts: after LRH and BTH. */
    static final int MIDDLE_PAYLOAD = 8 + 12;
    static final int BUF = 4 << 20;
    static final long SEED = 0x5EED_BE4CL;

    private World world;
    private Side a;
    private Side b;
    private List<SendWr> sends;
    private List<RecvWr> recvs;
    private List<SendWr> write;
    private final Wc[] wc = new Wc[BATCH];
    private byte[] src;
    private byte[] dst;
    private byte[] frame;
    /** Two 1 MiB buffers as host memory holds them, one array per 4 KiB page. */
    private final byte[][] srcPages = new byte[MIB / MTU][MTU];
    private final byte[][] dstPages = new byte[MIB / MTU][MTU];

    /** One host's PD, CQ, registered buffer and RC QP, as ibv_rc_pingpong sets them up. */
    static final class Side {
        final Host host;
        final Cq cq;
        final Qp qp;
        final Mr mr;
        final long buf;

        Side(Host host) {
            this.host = host;
            IbDevice dev = host.driver(0).device();
            Pd pd = Pd.alloc(dev).get();
            cq = Cq.create(dev, null, null, new CqInitAttr(1024, 0)).get();
            qp = Qp.create(pd, QpInitAttr.of(QpType.RC, cq, cq, new QpCap(512, 512, 1, 1, 0))).get();
            buf = host.memory().alloc(BUF);
            mr = Mr.reg(pd, buf, BUF, buf, AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE
                    | AccessFlags.REMOTE_READ).get();
        }

        Sge sge(long offset, int len) {
            return new Sge(buf + offset, len, mr.lkey());
        }
    }

    @Setup
    public void setUp() {
        world = World.of(SEED, 2);
        a = new Side(world.host(0));
        b = new Side(world.host(1));
        connect(a, b, world.lid(1), 0x100, 0x200);
        connect(b, a, world.lid(0), 0x200, 0x100);
        List<SendWr> s = new ArrayList<>();
        List<RecvWr> r = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            s.add(SendWr.send(i, a.sge(0, MESSAGE)));
            r.add(new RecvWr(i, b.sge(0, MESSAGE)));
        }
        sends = List.copyOf(s);
        recvs = List.copyOf(r);
        write = List.of(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sendFlags(SendFlags.SIGNALED)
                .sgList(a.sge(0, MIB)).remoteAddr(b.buf + MIB).rkey(b.mr.rkey()));
        for (int i = 0; i < wc.length; i++) {
            wc[i] = new Wc();
        }
        src = new byte[MIB];
        dst = new byte[MIB];
        for (int i = 0; i < MIB; i++) {
            src[i] = (byte) (i * 7 + (i >>> 8));
        }
        frame = Arrays.copyOf(src, MIDDLE_FRAME);
        // Both paths work before anything is timed.
        send64();
        write1MiB();
    }

    private static void connect(Side me, Side peer, int peerLid, int mySq, int peerSq) {
        QpAttr init = new QpAttr().state(QpState.INIT);
        init.portNum = 1;
        init.pkeyIndex = 0;
        init.qpAccessFlags = AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE | AccessFlags.REMOTE_READ;
        check(me.qp.modify(init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.PORT,
                QpAttrMask.ACCESS_FLAGS)), "INIT");
        QpAttr rtr = new QpAttr().state(QpState.RTR).pathMtu(Mtu.MTU_4096);
        rtr.ahAttr = AhAttr.lid(1, peerLid);
        rtr.destQpNum = peer.qp.qpNum();
        rtr.rqPsn = peerSq;
        rtr.maxDestRdAtomic = 1;
        rtr.minRnrTimer = 1;
        check(me.qp.modify(rtr, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV, QpAttrMask.PATH_MTU,
                QpAttrMask.DEST_QPN, QpAttrMask.RQ_PSN, QpAttrMask.MAX_DEST_RD_ATOMIC, QpAttrMask.MIN_RNR_TIMER)),
                "RTR");
        QpAttr rts = new QpAttr().state(QpState.RTS);
        rts.sqPsn = mySq;
        rts.timeout = 14;
        rts.retryCnt = 7;
        rts.rnrRetry = 7;
        rts.maxRdAtomic = 1;
        check(me.qp.modify(rts, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN, QpAttrMask.TIMEOUT,
                QpAttrMask.RETRY_CNT, QpAttrMask.RNR_RETRY, QpAttrMask.MAX_QP_RD_ATOMIC)), "RTS");
    }

    private static void check(int ret, String what) {
        if (ret != 0) {
            throw new IllegalStateException("modify to " + what + " failed with " + ret);
        }
    }

    /** (a), (d): BATCH 64-byte SENDs from a to b, each received, ACKed and completed on both sides. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int send64() {
        if (!b.qp.postRecv(recvs).ok() || !a.qp.postSend(sends).ok()) {
            throw new IllegalStateException("post failed");
        }
        world.settle();
        return drain(a.cq, BATCH) + drain(b.cq, BATCH);
    }

    /** (b): one 1 MiB RDMA WRITE from a's buffer into b's, completed on a. */
    @Benchmark
    public int write1MiB() {
        if (!a.qp.postSend(write).ok()) {
            throw new IllegalStateException("post failed");
        }
        world.settle();
        return drain(a.cq, 1);
    }

    /** (c): the memory bandwidth the WRITE is measured against. */
    @Benchmark
    public byte[] arraycopy1MiB() {
        System.arraycopy(src, 0, dst, 0, MIB);
        return dst;
    }

    private int drain(Cq cq, int expected) {
        int got = 0;
        while (got < expected) {
            int n = cq.poll(Math.min(wc.length, expected - got), wc);
            if (n == 0) {
                throw new IllegalStateException("expected " + expected + " completions, got " + got);
            }
            for (int i = 0; i < n; i++) {
                if (wc[i].status != WcStatus.SUCCESS) {
                    throw new IllegalStateException("completion failed: " + wc[i]);
                }
            }
            got += n;
        }
        return got;
    }

    /**
     * The copy floor under (b): a WRITE's two copies per packet, a source page into a packet's
     * payload and the payload into a destination page, through one packet buffer as the pool
     * hands it out.
     */
    @Benchmark
    public byte[][] copyFloor1MiB() {
        for (int i = 0; i < MIB / MTU; i++) {
            System.arraycopy(srcPages[i], 0, frame, MIDDLE_PAYLOAD, MTU);
            System.arraycopy(frame, MIDDLE_PAYLOAD, dstPages[i], 0, MTU);
        }
        return dstPages;
    }

    /** The CRC floor under (b): one VCRC pass over a 1 MiB WRITE's packets, LRH through ICRC. */
    @Benchmark
    public int vcrc1MiB() {
        int sum = 0;
        for (int i = 0; i < MIB / MTU; i++) {
            sum += Vcrc.compute(frame, 0, frame.length);
        }
        return sum;
    }

    /** (b) with a tap on every link: the WRITE in a world of its own whose CRCs are all computed. */
    @State(Scope.Thread)
    public static class Tapped {
        private World world;
        private Side a;
        private List<SendWr> write;
        private final Wc[] wc = new Wc[1];
        private long tapped;

        @Setup
        public void setUp() {
            world = World.of(SEED, 2);
            world.fabric().addTap((timeNs, link, dir, packet) -> tapped += packet.length);
            a = new Side(world.host(0));
            Side b = new Side(world.host(1));
            connect(a, b, world.lid(1), 0x100, 0x200);
            connect(b, a, world.lid(0), 0x200, 0x100);
            write = List.of(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sendFlags(SendFlags.SIGNALED)
                    .sgList(a.sge(0, MIB)).remoteAddr(b.buf + MIB).rkey(b.mr.rkey()));
            wc[0] = new Wc();
        }

        @TearDown
        public void tearDown() {
            if (tapped == 0) {
                throw new IllegalStateException("the tap saw nothing");
            }
            world.close();
        }
    }

    /** (b) as a captured run pays it: {@link #write1MiB} with every CRC written and checked. */
    @Benchmark
    public int write1MiBTapped(Tapped t) {
        if (!t.a.qp.postSend(t.write).ok()) {
            throw new IllegalStateException("post failed");
        }
        t.world.settle();
        if (t.a.cq.poll(1, t.wc) != 1 || t.wc[0].status != WcStatus.SUCCESS) {
            throw new IllegalStateException("WRITE did not complete: " + t.wc[0]);
        }
        return 1;
    }

    @TearDown
    public void tearDown() {
        world.close();
    }
}
