package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.kernel.Errno;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.IbEventType;
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
import org.ibmodel.core.SigType;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.hca.HcaDriver;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.sim.world.Host;
import org.ibmodel.sim.world.World;

/**
 * One run of {@link VerbsLifecyclePropertyTest}: two hosts of a {@link World} whose ports share a
 * multicast group, each with a PD, three CQ slots, an SRQ that comes and goes, a registered buffer
 * and two more registrations of it that come and go; RC, UC and UD QPs created in pairs (one on
 * each host) and connected; and a list of commands decoded from integers. Every completion is
 * checked as it is polled against the {@link LifecycleLedger} of what was posted; the end of the
 * run tears everything down and checks that nothing was lost and nothing is left.
 */
final class VerbsLifecycle implements AutoCloseable {
    static final int BUF = 8 << 20;
    /** Bytes [0, SOURCE) of each buffer hold a fixed pattern that RDMA READs fetch; nothing writes there. */
    static final int SOURCE = 1 << 20;
    static final int MAX_PAIRS = 4;
    static final int MAX_SEND = 20_000;
    static final int MAX_UD = 1024;
    static final int GRH = 40;
    static final int QKEY = 0x1111_2222;
    /** The multicast group both hosts' ports join (IBA 4.1: C000-FFFE), and its MGID. */
    static final int MLID = 0xc001;
    static final byte[] MGID = {(byte) 0xff, 0x12, 0x40, 0x1b, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    /** The destination QPN of a multicast datagram (IBA 9.6.1.1, 0xFFFFFF). */
    static final int MCAST_QPN = 0xff_ffff;
    static final int CQE = 512;
    /** An lkey no memory region has. */
    static final int BAD_LKEY = 0xbad00;
    static final int SRQ_WR = 32;
    /** ack_timeout 10 (about 4 ms) and three retries: a QP whose peer is gone fails within 20 ms. */
    static final int TIMEOUT = 10;
    static final int RETRY = 3;
    /**
     * min_rnr_timer 14 (1.28 ms, IBA 9.7.5.2.8) and six RNR retries: a SEND waits about 8 ms for a
     * receive to be posted, long enough for later steps to post one, and still ends (never 7).
     */
    static final int MIN_RNR_TIMER = 14;
    static final int RNR_RETRY = 6;
    static final int ALL_ACCESS = AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE | AccessFlags.REMOTE_READ
            | AccessFlags.REMOTE_ATOMIC;
    private static final WrOpcode[] RC_OPS = {WrOpcode.SEND, WrOpcode.SEND_WITH_IMM, WrOpcode.RDMA_WRITE,
        WrOpcode.RDMA_WRITE_WITH_IMM, WrOpcode.RDMA_READ, WrOpcode.ATOMIC_CMP_AND_SWP, WrOpcode.ATOMIC_FETCH_AND_ADD};
    private static final WrOpcode[] UC_OPS = {WrOpcode.SEND, WrOpcode.SEND_WITH_IMM, WrOpcode.RDMA_WRITE,
        WrOpcode.RDMA_WRITE_WITH_IMM};
    private static final WrOpcode[] UD_OPS = {WrOpcode.SEND, WrOpcode.SEND_WITH_IMM};

    /** What a run reached, summed over runs for the coverage floors. */
    static final class Coverage {
        final Map<String, Integer> seen = new TreeMap<>();

        void hit(String what) {
            seen.merge(what, 1, Integer::sum);
        }

        int get(String what) {
            return seen.getOrDefault(what, 0);
        }
    }

    /**
     * Where a remote access is aimed: the main registration, an extra one, past the end of the
     * buffer, or across its end (starting inside, ending outside).
     */
    enum Target { MAIN, EXTRA, OUT_OF_RANGE, PAST_END }

    final class Side {
        final int index;
        final Host host;
        final IbDevice dev;
        final Pd pd;
        final Cq[] cqs = new Cq[3];
        /** The host's SRQ, null while destroyed. */
        Srq srq;
        /** SRQ limits armed, and SRQ_LIMIT_REACHED events heard, over the run. */
        int limitsArmed;
        int limitEvents;
        final Mr main;
        final Mr[] extra = new Mr[2];
        /** rkeys of registrations deregistered during the run. */
        final List<Integer> staleRkeys = new ArrayList<>();
        final long buf;
        long bump = SOURCE;
        Ah ah;
        /** The address handle of the multicast group, with the GRH that names its MGID. */
        Ah mcastAh;

        Side(int index) {
            this.index = index;
            host = world.host(index);
            dev = host.driver(0).device();
            pd = Pd.alloc(dev).get();
            for (int i = 0; i < 2; i++) {
                cqs[i] = Cq.create(dev, c -> { }, null, new CqInitAttr(CQE, 0)).get();
            }
            srq = newSrq().get();
            buf = host.memory().alloc(BUF);
            host.memory().write(buf, source(index, 0, SOURCE));
            main = Mr.reg(pd, buf, BUF, buf, ALL_ACCESS).get();
        }

        HostMemory memory() {
            return host.memory();
        }

        Result<Srq> newSrq() {
            return Srq.create(pd, e -> {
                assertEquals(IbEventType.SRQ_LIMIT_REACHED, e.event(), "an SRQ's event" + where());
                limitEvents++;
                coverage.hit("event SRQ_LIMIT_REACHED");
                note("event " + e.event() + " on h" + index + "'s SRQ");
            }, new SrqAttr(SRQ_WR, 1, 0));
        }

        /** A fresh 64-byte aligned slot of {@code len} bytes, or -1 when the buffer is used up. */
        long slot(int len) {
            long at = bump;
            if (at + len > BUF) {
                return -1;
            }
            bump = (at + len + 63) & ~63L;
            return at;
        }

        HwQpState hwState(Qp qp) {
            QpContext c = host.hca(0).firmware().qp(qp.qpNum());
            return c == null ? null : c.state();
        }
    }

    /** One QP of a pair. */
    final class Q {
        final String name;
        final Side side;
        final Qp qp;
        final QpType type;
        final boolean onSrq;
        Q peer;
        final Mtu mtu;
        /** Bumped by every reset and by the destroy: what a WR posted before can no longer expect. */
        int epoch;
        boolean destroyed;
        /** Times the device has been seen to take the QP into ERR or SQE. */
        int errorEntries;
        boolean inError;
        /** Entries into ERR alone, seen by {@link #sample}. */
        int errEntries;
        HwQpState lastSeen;
        /** Created with IB_SIGNAL_REQ_WR: only the WRs that ask complete when they succeed. */
        boolean selective;
        /** Attached to the multicast group now, and ever. */
        boolean attached;
        boolean everAttached;
        /** The QP's asynchronous events, in order. */
        final List<IbEventType> events;
        /** Receives completed with LOC_ACCESS_ERR: a refused access the receive reported. */
        int accessErrReceives;
        final Deque<Long> sq = new ArrayDeque<>();
        final Deque<Long> rq = new ArrayDeque<>();
        final int sqCap;
        final int rqCap;
        /**
         * After a send completion other than SUCCESS or WR_FLUSH_ERR, the WRs numbered below this
         * were posted before the QP was taken back to RTS and may only be flushed; 0 when none.
         */
        long flushBelow;
        /** The first WR number of each time the QP was taken from SQE back to RTS. */
        final List<Long> recoveries = new ArrayList<>();

        Q(String name, Side side, Qp qp, QpType type, boolean onSrq, Mtu mtu, List<IbEventType> events) {
            this.events = events;
            this.name = name;
            this.side = side;
            this.qp = qp;
            this.type = type;
            this.onSrq = onSrq;
            this.mtu = mtu;
            QpAttr a = new QpAttr();
            assertEquals(0, qp.query(a), name + " ib_query_qp");
            sqCap = a.cap.maxSendWr();
            rqCap = a.cap.maxRecvWr();
        }

        int maxSend() {
            return type == QpType.UD ? MAX_UD : MAX_SEND;
        }

        @Override
        public String toString() {
            return name + "(" + type + " qpn 0x" + Integer.toHexString(qp.qpNum()) + ")";
        }
    }

    /** A posted work request and what its completion must agree with. */
    record W(long id, Q q, Side srqSide, WrOpcode op, int size, long local, long remote, Target target,
            int remoteRkey, boolean rkeyLive, int peerEpoch, int errorMark, long compare, long swapAdd,
            int remoteQpn, boolean badLkey, boolean signaled) {
        boolean send() {
            return op != null;
        }

        /**
         * The remote key and address were good when the WR was posted, or are never looked at: an
         * RDMA READ or WRITE of no bytes has its R_Key checked by no one (rxe_resp.c check_rkey).
         */
        boolean remoteOk() {
            return target == Target.MAIN || target == Target.EXTRA && rkeyLive || size == 0 && !op.isAtomic();
        }
    }

    final World world;
    final Side[] sides = new Side[2];
    /** Hosts whose HCA has had a catastrophic error (at most one per run; the driver's reset is off). */
    final boolean[] dead = new boolean[2];
    final List<Q[]> pairs = new ArrayList<>();
    final Map<Qp, Q> byQp = new IdentityHashMap<>();
    /** What was posted and what became of it: every completion is checked against it. */
    final LifecycleLedger book = new LifecycleLedger(this);
    final Coverage coverage;
    final StringBuilder log = new StringBuilder();
    private final Map<String, Integer>[] baseline;
    private long nextId = 1;
    private int pairCount;

    @SuppressWarnings("unchecked")
    VerbsLifecycle(long worldSeed, UnaryOperator<DeviceOps> decorate, Coverage coverage) {
        this.world = World.of(worldSeed, 2, decorate);
        world.joinMulticast(MLID, 0, 1);
        this.coverage = coverage;
        baseline = new Map[2];
        for (int i = 0; i < 2; i++) {
            baseline[i] = resources(world.host(i));
        }
        for (int i = 0; i < 2; i++) {
            sides[i] = new Side(i);
            // HCA.md 2.1: with the reset off the driver stays in its error state until removed.
            world.host(i).driver(0).catasResetDisable(true);
        }
    }

    /** The driver of host {@code i} has found its HCA's catastrophic error and is in its error state. */
    boolean detected(int i) {
        return world.host(i).driver(0).internalError();
    }

    /** What the host holds: ib_core objects, the driver's tables, the device's contexts, DMA memory. */
    private static Map<String, Integer> resources(Host h) {
        Map<String, Integer> m = new TreeMap<>();
        m.put("ib_core objects", h.driver(0).device().liveTotal());
        h.driver(0).live().forEach((k, v) -> m.put("driver " + k, v));
        h.hca(0).firmware().live().forEach((k, v) -> m.put("device " + k, v));
        // The command mailbox pool grows with the commands in flight at once and keeps its pages.
        m.put("memory allocations", h.memory().allocations() - h.driver(0).mailboxPages());
        m.put("device multicast entries", h.hca(0).firmware().multicastEntries());
        return m;
    }

    /** The bytes a READ of [off, off + len) of host {@code index}'s source area returns. */
    static byte[] source(int index, long off, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            long at = off + i;
            b[i] = (byte) (index * 101 + at * 13 + (at >>> 9));
        }
        return b;
    }

    /** The payload of work request {@code id}: its id in the first eight bytes, then a pattern. */
    static byte[] payload(long id, int len) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = i < 8 ? (byte) (id >>> (8 * i)) : (byte) (id * 31 + i * 7 + (i >>> 8));
        }
        return b;
    }

    void note(String s) {
        log.append(String.format("%10.3f us  ", world.scheduler().now() / 1000.0)).append(s).append('\n');
    }

    String where() {
        return "\nsteps so far:\n" + log;
    }

    // ---- commands ----

    /** Runs command {@code c}. */
    void step(int c) {
        sample();
        int kind = c % 32;
        int arg = c / 32;
        // Weighted so that traffic mostly flows: a pair torn down at every other step carries nothing.
        switch (kind) {
            case 0, 1 -> createPair(arg);
            case 2, 3, 4, 5, 6, 7, 8, 9 -> postSend(arg);
            case 10, 11, 12, 13, 14 -> postRecv(arg);
            case 15 -> postSrqRecv(arg);
            case 16 -> srqLife(arg);
            case 17 -> modify(arg);
            case 18 -> multicast(arg);
            case 19 -> destroy(arg);
            case 20, 21, 22, 23, 24 -> run(arg);
            case 25, 26, 27, 28 -> poll(arg);
            case 29 -> registration(arg);
            default -> faultOrCq(arg);
        }
        sample();
    }

    private Q[] pair(int arg) {
        List<Q[]> live = new ArrayList<>();
        for (Q[] p : pairs) {
            if (!p[0].destroyed || !p[1].destroyed) {
                live.add(p);
            }
        }
        return live.isEmpty() ? null : live.get(arg % live.size());
    }

    private Q liveQ(int arg) {
        Q[] p = pair(arg);
        if (p == null) {
            return null;
        }
        Q q = p[(arg / 8) % 2];
        return q.destroyed ? q.peer : q;
    }

    void createPair(int arg) {
        long livePairs = pairs.stream().filter(p -> !p[0].destroyed || !p[1].destroyed).count();
        if (livePairs >= MAX_PAIRS || dead[0] || dead[1]) {
            return;
        }
        QpType type = new QpType[] {QpType.RC, QpType.RC, QpType.UC, QpType.UD}[arg % 4];
        Mtu mtu = new Mtu[] {Mtu.MTU_1024, Mtu.MTU_4096, Mtu.MTU_256, Mtu.MTU_2048}[(arg / 4) % 4];
        boolean srqB = type != QpType.UD && (arg / 16) % 3 == 0 && sides[1].srq != null;
        int cqA = (arg / 48) % 3;
        int cqB = (arg / 144) % 3;
        int id = pairCount++;
        boolean selective = (arg / 432) % 3 == 0;
        Q a = newQ("q" + id + "a", sides[0], type, false, cqA, mtu, selective);
        Q b = newQ("q" + id + "b", sides[1], type, srqB, cqB, mtu, selective);
        a.peer = b;
        b.peer = a;
        pairs.add(new Q[] {a, b});
        int psnA = (arg * 7919) & 0xff_ffff;
        int psnB = (arg * 104_729 + 12_345) & 0xff_ffff;
        connect(a, psnA, psnB);
        connect(b, psnB, psnA);
        note("create " + a + " and " + b + (srqB ? " on the SRQ" : "") + ", " + mtu);
        coverage.hit("pair " + type);
        if (type == QpType.UD && (arg / 1296) % 2 == 0) {
            // Half the UD pairs join the multicast group at once, as IPoIB's QP does.
            for (Q q : List.of(a, b)) {
                assertEquals(0, q.qp.attachMcast(MGID, MLID), "ib_attach_mcast " + q + where());
                q.attached = true;
                q.everAttached = true;
                coverage.hit("attach");
            }
        }
    }

    private Q newQ(String name, Side s, QpType type, boolean onSrq, int cqSlot, Mtu mtu, boolean selective) {
        Cq cq = s.cqs[cqSlot] != null ? s.cqs[cqSlot] : s.cqs[0];
        Cq rcq = s.cqs[(cqSlot + 1) % 3] != null ? s.cqs[(cqSlot + 1) % 3] : s.cqs[0];
        QpInitAttr init = QpInitAttr.of(type, cq, rcq, onSrq ? new QpCap(4, 0, 1, 0, 0) : new QpCap(4, 6, 1, 1, 0));
        init.srq = onSrq ? s.srq : null;
        init.sqSigType = selective ? SigType.REQ_WR : SigType.ALL_WR;
        List<IbEventType> events = new ArrayList<>();
        init.eventHandler = e -> {
            events.add(e.event());
            note("event " + e.event() + " on " + name);
        };
        Result<Qp> r = Qp.create(s.pd, init);
        assertTrue(!r.isErr(), name + ": ib_create_qp failed with " + (r.isErr() ? r.err() : 0));
        Q q = new Q(name, s, r.get(), type, onSrq, mtu, events);
        q.selective = selective;
        byQp.put(q.qp, q);
        return q;
    }

    private void connect(Q q, int mySq, int peerSq) {
        QpAttr init = new QpAttr().state(QpState.INIT);
        init.portNum = 1;
        init.pkeyIndex = 0;
        if (q.type == QpType.UD) {
            init.qkey = QKEY;
            expect0(q, modifyQp(q, init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.PORT,
                    QpAttrMask.QKEY)), "to INIT");
            expect0(q, modifyQp(q, new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()), "to RTR");
            QpAttr rts = new QpAttr().state(QpState.RTS);
            rts.sqPsn = mySq;
            toRts(q, modifyQp(q, rts, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN)));
            if (q.side.ah == null) {
                q.side.ah = Ah.create(q.side.pd, AhAttr.lid(1, world.lid(1 - q.side.index))).get();
                q.side.mcastAh = Ah.create(q.side.pd, new AhAttr(MLID, 0, 0, 0, 1, new AhAttr.Grh(MGID, 0, 0, 1, 0)))
                        .get();
            }
            return;
        }
        init.qpAccessFlags = AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE
                | (q.type == QpType.RC ? AccessFlags.REMOTE_READ | AccessFlags.REMOTE_ATOMIC : 0);
        expect0(q, modifyQp(q, init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.PORT,
                QpAttrMask.ACCESS_FLAGS)), "to INIT");
        QpAttr rtr = new QpAttr().state(QpState.RTR).pathMtu(q.mtu);
        rtr.ahAttr = AhAttr.lid(1, world.lid(1 - q.side.index));
        rtr.destQpNum = q.peer.qp.qpNum();
        rtr.rqPsn = peerSq;
        QpAttr rts = new QpAttr().state(QpState.RTS);
        rts.sqPsn = mySq;
        if (q.type == QpType.RC) {
            rtr.maxDestRdAtomic = 4;
            rtr.minRnrTimer = MIN_RNR_TIMER;
            expect0(q, modifyQp(q, rtr, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV, QpAttrMask.PATH_MTU,
                    QpAttrMask.DEST_QPN, QpAttrMask.RQ_PSN, QpAttrMask.MAX_DEST_RD_ATOMIC,
                    QpAttrMask.MIN_RNR_TIMER)), "to RTR");
            rts.timeout = TIMEOUT;
            rts.retryCnt = RETRY;
            rts.rnrRetry = RNR_RETRY;
            rts.maxRdAtomic = 4;
            toRts(q, modifyQp(q, rts, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN, QpAttrMask.TIMEOUT,
                    QpAttrMask.RETRY_CNT, QpAttrMask.RNR_RETRY, QpAttrMask.MAX_QP_RD_ATOMIC)));
        } else {
            expect0(q, modifyQp(q, rtr, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV, QpAttrMask.PATH_MTU,
                    QpAttrMask.DEST_QPN, QpAttrMask.RQ_PSN)), "to RTR");
            toRts(q, modifyQp(q, rts, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN)));
        }
    }

    /**
     * RTR to RTS. A QP receives in RTR, so the device may have taken it to ERR on its own (a receive
     * whose lkey no region has): then the device refuses the move and the QP stays there.
     */
    private void toRts(Q q, int ret) {
        if (ret != 0 && q.side.hwState(q.qp) == HwQpState.ERR) {
            assertEquals(Errno.EINVAL.negative(), ret, q + " to RTS from RTR, the device's ERR" + where());
            note(q + " entered ERR in RTR; RTR to RTS refused");
            coverage.hit("ERR in RTR");
            return;
        }
        expect0(q, ret, "to RTS");
    }

    private void expect0(Q q, int ret, String what) {
        assertEquals(0, ret, q + " " + what + " (now " + q.qp.state() + ", the device's " + q.side.hwState(q.qp)
                + ")" + where());
    }

    void postSend(int arg) {
        Q q = liveQ(arg);
        if (q == null) {
            return;
        }
        arg /= 16;
        int count = 1 + arg % 3;
        arg /= 3;
        List<SendWr> wrs = new ArrayList<>();
        List<W> ws = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            W w = buildSend(q, arg);
            if (w == null) {
                return;
            }
            ws.add(w);
            wrs.add(sendWr(q, w));
            arg = arg * 31 + 17;
        }
        QpState state = q.qp.state();
        int outstanding = q.sq.size();
        PostResult r = q.qp.postSend(wrs);
        int posted = r.ok() ? count : r.badWr();
        note("post_send " + q + " " + ws.stream().map(w -> w.op() + "#" + w.id() + "(" + w.size() + ", "
                + w.target() + ")").toList() + " -> " + r.ret() + (r.ok() ? "" : " bad_wr " + r.badWr()));
        boolean sends = state == QpState.RTS || state == QpState.SQD || state == QpState.SQE
                || state == QpState.ERR;
        if (detected(q.side.index)) {
            // HCA.md 2.1: in the driver's error state every post fails with -EIO.
            assertEquals(new PostResult(Errno.EIO.negative(), 0), r, "ib_post_send on " + q + ", HCA failed"
                    + where());
        } else if (!sends) {
            assertEquals(new PostResult(Errno.EINVAL.negative(), 0), r,
                    "ib_post_send on " + q + " in " + state + where());
        } else {
            checkRoom("ib_post_send", q, state, count, outstanding, q.sqCap, r);
        }
        for (int i = 0; i < posted; i++) {
            W w = ws.get(i);
            book.ledger.put(w.id(), w);
            q.sq.addLast(w.id());
            coverage.hit("posted " + q.type + " " + w.op() + (state == QpState.RTS ? "" : " in " + state));
        }
    }

    /**
     * A post of {@code count} WRs to a queue of {@code cap} with {@code outstanding} not yet
     * retired: all of them, or -ENOMEM with bad_wr at the first that finds no room (mlx4_wq_overflow).
     */
    private void checkRoom(String verb, Q q, QpState state, int count, int outstanding, int cap, PostResult r) {
        int room = Math.max(0, cap - outstanding);
        PostResult want = count <= room ? PostResult.OK : new PostResult(Errno.ENOMEM.negative(), room);
        assertEquals(want, r, verb + " of " + count + " on " + q + " in " + state + " with " + outstanding + " of "
                + cap + " outstanding" + where());
        if (!r.ok()) {
            coverage.hit(verb.substring(3) + " ENOMEM");
        }
    }

    private W buildSend(Q q, int arg) {
        WrOpcode[] ops = q.type == QpType.RC ? RC_OPS : q.type == QpType.UC ? UC_OPS : UD_OPS;
        WrOpcode op = ops[arg % ops.length];
        arg /= ops.length;
        Side me = q.side;
        Side peer = sides[1 - me.index];
        int size;
        if (op == WrOpcode.ATOMIC_CMP_AND_SWP || op == WrOpcode.ATOMIC_FETCH_AND_ADD) {
            size = 8;
        } else {
            int s = arg % 64;
            size = s < 4 ? s * 3 : s < 48 ? 8 + s * 61 : 8 + s * 311;
            size = Math.min(size, q.maxSend());
            if (op == WrOpcode.SEND || op == WrOpcode.SEND_WITH_IMM) {
                size = Math.max(size, size == 0 ? 0 : 8);
            }
        }
        arg /= 64;
        long id = nextId++;
        long local = me.slot(Math.max(size, 8));
        if (local < 0) {
            return null;
        }
        long remote = -1;
        Target target = Target.MAIN;
        int rkey = 0;
        boolean rkeyLive = false;
        long compare = 0;
        long swapAdd = 0;
        boolean rdma = op == WrOpcode.RDMA_WRITE || op == WrOpcode.RDMA_WRITE_WITH_IMM || op == WrOpcode.RDMA_READ
                || op == WrOpcode.ATOMIC_CMP_AND_SWP || op == WrOpcode.ATOMIC_FETCH_AND_ADD;
        if (rdma) {
            if (op == WrOpcode.RDMA_READ) {
                remote = (arg * 4099L) % (SOURCE - size);
            } else {
                remote = peer.slot(Math.max(size, 8));
                if (remote < 0) {
                    return null;
                }
            }
            int t = (arg / 7) % 8;
            target = t < 5 ? Target.MAIN : t < 7 ? Target.EXTRA
                    : size >= 2 && !op.isAtomic() && (arg / 56) % 2 == 0 ? Target.PAST_END : Target.OUT_OF_RANGE;
            rkey = peer.main.rkey();
            if (target == Target.EXTRA) {
                Mr x = peer.extra[t - 5];
                if (x != null) {
                    rkey = x.rkey();
                    rkeyLive = true;
                } else if (!peer.staleRkeys.isEmpty()) {
                    rkey = peer.staleRkeys.get(arg % peer.staleRkeys.size());
                } else {
                    target = Target.MAIN;
                }
            }
            if (op == WrOpcode.ATOMIC_CMP_AND_SWP || op == WrOpcode.ATOMIC_FETCH_AND_ADD) {
                long init = 0x1000_0000_0000L + id;
                peer.memory().writeLong(peer.buf + remote, init);
                compare = arg % 2 == 0 ? init : init + 1;
                swapAdd = 0x77_0000L + id;
            }
        }
        if (op != WrOpcode.RDMA_READ && op != WrOpcode.ATOMIC_CMP_AND_SWP && op != WrOpcode.ATOMIC_FETCH_AND_ADD) {
            me.memory().write(me.buf + local, payload(id, size));
        }
        int remoteQpn = q.type == QpType.UD ? udTarget(q, arg) : 0;
        // Now and then a gather list whose lkey no region has: a local protection error.
        boolean badLkey = size > 0 && !op.isAtomic() && op != WrOpcode.RDMA_READ && id % 13 == 5;
        return new W(id, q, null, op, size, local, remote, target, rkey, rkeyLive, q.peer.epoch, errorMark(q),
                compare, swapAdd, remoteQpn, badLkey, !q.selective || id % 3 != 0);
    }

    /** A UD send goes to the peer, another UD QP of the other host, the multicast group or no QP at all. */
    private int udTarget(Q q, int arg) {
        List<Q> uds = new ArrayList<>();
        for (Q[] p : pairs) {
            Q other = p[1 - q.side.index];
            if (other.type == QpType.UD && !other.destroyed) {
                uds.add(other);
            }
        }
        if (arg % 5 == 3) {
            return MCAST_QPN;
        }
        if (arg % 5 == 4 || uds.isEmpty()) {
            return 0xff_fff0;
        }
        return arg % 5 == 0 ? uds.get(arg % uds.size()).qp.qpNum() : q.peer.qp.qpNum();
    }

    /** Where the QP's errors stood when a WR was posted: entries into ERR or SQE so far, and whether in one. */
    static int errorMark(Q q) {
        return q.errorEntries * 2 + (q.inError ? 1 : 0);
    }

    private SendWr sendWr(Q q, W w) {
        SendWr wr = new SendWr().wrId(w.id()).opcode(w.op()).sendFlags(w.signaled() ? SendFlags.SIGNALED : 0);
        if (w.size() > 0 || w.op() == WrOpcode.ATOMIC_CMP_AND_SWP || w.op() == WrOpcode.ATOMIC_FETCH_AND_ADD) {
            wr.sgList(sge(q.side, w));
        }
        Side peer = sides[1 - q.side.index];
        if (w.remote() >= 0) {
            long addr = switch (w.target()) {
                case OUT_OF_RANGE -> peer.buf + BUF + w.remote();
                case PAST_END -> peer.buf + BUF - w.size() / 2;
                default -> peer.buf + w.remote();
            };
            wr.remoteAddr(addr).rkey(w.remoteRkey());
        }
        if (w.op() == WrOpcode.SEND_WITH_IMM || w.op() == WrOpcode.RDMA_WRITE_WITH_IMM) {
            wr.immData((int) w.id());
        }
        if (w.op() == WrOpcode.ATOMIC_CMP_AND_SWP) {
            wr.compareAdd(w.compare()).swap(w.swapAdd());
        } else if (w.op() == WrOpcode.ATOMIC_FETCH_AND_ADD) {
            wr.compareAdd(w.swapAdd());
        }
        if (q.type == QpType.UD) {
            wr.ah(w.remoteQpn() == MCAST_QPN ? q.side.mcastAh : q.side.ah).remoteQpn(w.remoteQpn())
                    .remoteQkey(QKEY);
        }
        return wr;
    }

    void postRecv(int arg) {
        Q q = liveQ(arg);
        if (q == null || q.onSrq) {
            return;
        }
        int count = 1 + (arg / 16) % 4;
        List<RecvWr> wrs = new ArrayList<>();
        List<W> ws = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            W w = buildRecv(q.side, q, q.maxSend() + (q.type == QpType.UD ? GRH : 0), nextId % 17 == 7);
            if (w == null) {
                return;
            }
            ws.add(w);
            wrs.add(new RecvWr(w.id(), sge(q.side, w)));
        }
        QpState state = q.qp.state();
        int outstanding = q.rq.size();
        PostResult r = q.qp.postRecv(wrs);
        note("post_recv " + q + " " + ws.stream().map(W::id).toList() + " -> " + r.ret());
        if (detected(q.side.index)) {
            assertEquals(new PostResult(Errno.EIO.negative(), 0), r, "ib_post_recv on " + q + ", HCA failed"
                    + where());
        } else if (state == QpState.RESET) {
            assertEquals(new PostResult(Errno.EINVAL.negative(), 0), r, "ib_post_recv on " + q + " in RESET"
                    + where());
        } else {
            checkRoom("ib_post_recv", q, state, count, outstanding, q.rqCap, r);
        }
        int posted = r.ok() ? count : r.badWr();
        for (int i = 0; i < posted; i++) {
            book.ledger.put(ws.get(i).id(), ws.get(i));
            q.rq.addLast(ws.get(i).id());
        }
    }

    private W buildRecv(Side s, Q q, int len, boolean badLkey) {
        long local = s.slot(len);
        if (local < 0) {
            return null;
        }
        return new W(nextId++, q, q == null ? s : null, null, len, local, -1, Target.MAIN, 0, false, 0,
                q == null ? 0 : errorMark(q), 0, 0, 0, badLkey, true);
    }

    /** The scatter/gather entry of {@code w}: its slot, under an lkey no region has if it asks for one. */
    private static Sge sge(Side s, W w) {
        return new Sge(s.buf + w.local(), w.size(), w.badLkey() ? BAD_LKEY : s.main.lkey());
    }

    void postSrqRecv(int arg) {
        Side s = sides[arg % 2];
        if (s.srq == null) {
            return;
        }
        int count = 1 + (arg / 2) % 4;
        List<RecvWr> wrs = new ArrayList<>();
        List<W> ws = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            W w = buildRecv(s, null, MAX_SEND, nextId % 17 == 7);
            if (w == null) {
                return;
            }
            ws.add(w);
            wrs.add(new RecvWr(w.id(), sge(s, w)));
        }
        boolean failed = detected(s.index);
        PostResult r = s.srq.postRecv(wrs);
        note("post_srq_recv h" + s.index + " " + ws.stream().map(W::id).toList() + " -> " + r.ret());
        if (failed) {
            assertEquals(new PostResult(Errno.EIO.negative(), 0), r, "ib_post_srq_recv, HCA failed" + where());
        }
        assertTrue(r.ok() || r.ret() == Errno.ENOMEM.negative() || failed, "ib_post_srq_recv: " + r + where());
        int posted = r.ok() ? count : r.badWr();
        for (int i = 0; i < posted; i++) {
            book.ledger.put(ws.get(i).id(), ws.get(i));
            book.srqOf.put(ws.get(i).id(), s.srq);
        }
    }

    /**
     * ib_modify_srq arming the limit, ib_destroy_srq (-EBUSY while a QP uses it, ib_core's use
     * count; its WRs go with it) or ib_create_srq; a failed HCA's driver answers the arming and
     * the creation with -EIO and the destruction with 0 (HW2SW_SRQ tears down).
     */
    void srqLife(int arg) {
        Side s = sides[arg % 2];
        int what = (arg / 2) % 3;
        if (s.srq == null) {
            Result<Srq> r = s.newSrq();
            note("create h" + s.index + "'s SRQ: " + (r.isErr() ? r.err() : 0));
            if (dead[s.index]) {
                assertTrue(r.isErr() && r.err() == Errno.EIO.negative(), "ib_create_srq on a failed HCA" + where());
            } else {
                s.srq = r.get();
            }
        } else if (what == 0) {
            int limit = 1 + (arg / 6) % 8;
            int ret = s.srq.modify(new SrqAttr(0, 0, limit), SrqAttr.LIMIT);
            note("arm h" + s.index + "'s SRQ limit at " + limit + ": " + ret);
            assertEquals(dead[s.index] ? Errno.EIO.negative() : 0, ret, "ib_modify_srq, IB_SRQ_LIMIT" + where());
            if (ret == 0) {
                s.limitsArmed++;
                coverage.hit("arm SRQ limit");
            }
        } else if (what == 1) {
            boolean used = byQp.values().stream().anyMatch(q -> !q.destroyed && q.qp.srq() == s.srq);
            int ret = s.srq.destroy();
            note("destroy h" + s.index + "'s SRQ: " + ret);
            assertEquals(used ? Errno.EBUSY.negative() : 0, ret, "ib_destroy_srq of an SRQ " + (used ? "" : "not ")
                    + "in use" + where());
            if (ret == 0) {
                s.srq = null;
            }
            coverage.hit("destroy SRQ" + (used ? " in use" : ""));
        }
    }

    /** ib_attach_mcast or ib_detach_mcast of a UD QP and the group both hosts' ports joined. */
    void multicast(int arg) {
        List<Q> uds = byQp.values().stream().filter(x -> x.type == QpType.UD && !x.destroyed).toList();
        if (uds.isEmpty()) {
            return;
        }
        Q q = uds.get(arg % uds.size());
        boolean knows = detected(q.side.index);
        int ret = q.attached ? q.qp.detachMcast(MGID, MLID) : q.qp.attachMcast(MGID, MLID);
        note((q.attached ? "detach " : "attach ") + q + ": " + ret);
        // A failed HCA answers the group table's commands INTERNAL_ERR (-EIO); once its driver
        // knows, a detach succeeds without it (mlx4_internal_err_ret_value), an attach fails.
        int want = !dead[q.side.index] || q.attached && knows ? 0 : Errno.EIO.negative();
        assertEquals(want, ret, (q.attached ? "ib_detach_mcast " : "ib_attach_mcast ") + q + where());
        if (ret == 0) {
            coverage.hit(q.attached ? "detach" : "attach");
            q.attached = !q.attached;
            q.everAttached |= q.attached;
        }
    }

    void modify(int arg) {
        Q q = liveQ(arg);
        if (q == null) {
            return;
        }
        int what = (arg / 16) % 4;
        if (dead[q.side.index] || dead[q.peer.side.index]) {
            modifyDead(q, what);
            return;
        }
        if (what == 2 && (arg / 128) % 4 != 0) {
            // Three moves to RTS in four go to a QP in SQE or SQD, if there is one.
            for (Q x : byQp.values()) {
                HwQpState h = x.destroyed ? null : x.side.hwState(x.qp);
                if (h == HwQpState.SQE || h == HwQpState.SQD) {
                    q = x;
                    break;
                }
            }
        }
        if (what == 2 && (arg / 64) % 4 != 0) {
            // As ipoib_qp_state_validate_work does before it takes a QP out of SQE: ib_query_qp, whose
            // answer (mlx4_ib_query_qp) is the device's state.
            QpAttr seen = new QpAttr();
            expect0(q, q.qp.query(seen), "ib_query_qp");
            note("query " + q + ": " + seen.qpState);
        }
        QpState before = q.qp.state();
        HwQpState hw = q.side.hwState(q.qp);
        // The device refuses a move from a state it is not in (the error it entered on its own).
        boolean agree = hw != null && hw.name().equals(before.name());
        int ret;
        String move;
        switch (what) {
            case 0 -> {
                move = "ERR";
                ret = modifyQp(q, new QpAttr().state(QpState.ERR), QpAttrMask.STATE.bit());
                // qp_state_table (drivers/infiniband/core/verbs.c): every state but RESET may go to ERR.
                assertEquals(before == QpState.RESET ? Errno.EINVAL.negative() : 0, ret, q + " to ERR from "
                        + before + where());
            }
            case 1 -> {
                move = "SQD";
                ret = modifyQp(q, new QpAttr().state(QpState.SQD), QpAttrMask.STATE.bit());
                if (before == QpState.RTS && agree) {
                    expect0(q, ret, "RTS to SQD");
                    if ((arg / 256) % 2 == 0) {
                        // Half the time straight back: refused while the send queue drains.
                        note("modify " + q + " SQD -> RTS");
                        toRts(q, QpState.SQD, HwQpState.SQD, true,
                                modifyQp(q, new QpAttr().state(QpState.RTS), QpAttrMask.STATE.bit()));
                    }
                } else if (before != QpState.SQD) {
                    assertEquals(Errno.EINVAL.negative(), ret, q + " to SQD from " + before + ", the device's "
                            + hw + where());
                }
            }
            case 2 -> {
                move = "RTS";
                ret = modifyQp(q, new QpAttr().state(QpState.RTS), QpAttrMask.STATE.bit());
                toRts(q, before, hw, agree, ret);
            }
            default -> {
                move = "RESET and reconnect";
                reconnect(q);
                ret = 0;
            }
        }
        note("modify " + q + " " + before + " (device " + hw + ") -> " + move + ": " + ret + ", now " + q.qp.state());
        if (ret == 0) {
            coverage.hit("modify to " + move + " from " + before);
        }
        if (ret == 0 && before == QpState.SQE) {
            // SQERR2RTS: what is posted from now on is sent again.
            q.recoveries.add(nextId);
            if (q.flushBelow == Long.MAX_VALUE) {
                q.flushBelow = nextId;
            }
        }
    }

    /**
     * The answer {@code ret} of a move of {@code q} to RTS from {@code before} (the device's
     * {@code hw}; {@code agree}: the two are the same state): 0 where ib_core's table and the
     * device allow it, else -EINVAL; from SQD also -EINVAL while the send queue drains (HCA.md
     * §4.5), which leaves the QP in SQD.
     */
    private void toRts(Q q, QpState before, HwQpState hw, boolean agree, int ret) {
        boolean legal = before == QpState.RTS || before == QpState.SQD || before == QpState.SQE;
        if (before == QpState.SQD && agree && ret == Errno.EINVAL.negative()) {
            assertEquals(QpState.SQD, q.qp.state(), q + ": a refused SQD2RTS changes nothing" + where());
            HwQpState now = q.side.hwState(q.qp);
            if (now == HwQpState.SQD) {
                coverage.hit("SQD2RTS refused while draining");
            } else {
                // While the commands ran, the device left SQD on its own (a peer's access error, say).
                assertTrue(now == HwQpState.ERR || now == HwQpState.SQE, q + ": SQD2RTS refused, the device's "
                        + now + where());
                coverage.hit("SQD2RTS refused, the device gone from SQD");
            }
        } else {
            assertEquals(legal && agree ? 0 : Errno.EINVAL.negative(), ret, q + " to RTS from " + before
                    + ", the device's " + hw + where());
            coverage.hit(ret == 0 && before == QpState.SQD ? "SQD2RTS" : "to RTS checked");
        }
    }

    /**
     * A move of a QP of a pair one of whose HCAs has failed (HCA.md 2.1): ib_core's table still
     * refuses what it refuses; past it, a failed HCA's driver answers -EIO, but 0 to 2RST_QP, a
     * tear-down command; a reset pair is not connected again.
     */
    private void modifyDead(Q q, int what) {
        QpState before = q.qp.state();
        boolean mine = dead[q.side.index];
        if (what == 3) {
            for (Q x : q.peer.destroyed ? List.of(q) : List.of(q, q.peer)) {
                if (x.qp.state() != QpState.RESET) {
                    expect0(x, modifyQp(x, new QpAttr().state(QpState.RESET), QpAttrMask.STATE.bit()), "to RESET");
                }
                resetLedger(x);
            }
            note("modify " + q + " and its peer to RESET, an HCA failed");
            coverage.hit("reset after a catastrophic error");
            return;
        }
        QpState to = new QpState[] {QpState.ERR, QpState.SQD, QpState.RTS}[what];
        int ret = modifyQp(q, new QpAttr().state(to), QpAttrMask.STATE.bit());
        note("modify " + q + " " + before + " -> " + to + ": " + ret + (mine ? ", its HCA failed" : ""));
        boolean legal = to == QpState.ERR ? before != QpState.RESET
                : to == QpState.SQD ? before == QpState.RTS || before == QpState.SQD
                : before == QpState.RTS || before == QpState.SQD || before == QpState.SQE;
        if (mine) {
            assertEquals(legal ? Errno.EIO.negative() : Errno.EINVAL.negative(), ret, q + " to " + to + " from "
                    + before + ", its HCA failed" + where());
        } else {
            assertTrue(ret == 0 || ret == Errno.EINVAL.negative(), q + " to " + to + ": " + ret + where());
        }
    }

    /**
     * Both QPs of {@code q}'s pair back to RESET and connected again, with new PSNs; if its peer is
     * gone, {@code q} alone to RESET, where it stays.
     */
    private void reconnect(Q q) {
        for (Q x : q.peer.destroyed ? List.of(q) : List.of(q, q.peer)) {
            expect0(x, modifyQp(x, new QpAttr().state(QpState.RESET), QpAttrMask.STATE.bit()), "to RESET");
            resetLedger(x);
        }
        if (q.peer.destroyed) {
            return;
        }
        int psnA = (int) (nextId * 7919) & 0xff_ffff;
        int psnB = (int) (nextId * 104_729 + 3) & 0xff_ffff;
        connect(q, psnA, psnB);
        connect(q.peer, psnB, psnA);
    }

    /** A reset or destroy: the QP's queues are emptied, its completions not yet reaped dropped. */
    private void resetLedger(Q q) {
        q.epoch++;
        q.sq.clear();
        q.rq.clear();
        q.flushBelow = 0;
        q.recoveries.clear();
        q.inError = false;
    }

    void destroy(int arg) {
        Q q = liveQ(arg);
        if (q == null) {
            return;
        }
        boolean busy = !q.sq.isEmpty() || !q.rq.isEmpty();
        int ret = q.qp.destroy();
        note("destroy " + q + (busy ? " with WRs outstanding" : "") + ": " + ret);
        if (q.attached) {
            // ib_attach_mcast holds the QP (core/verbs.c): -EBUSY until it is detached.
            assertEquals(Errno.EBUSY.negative(), ret, "ib_destroy_qp of an attached QP" + where());
            coverage.hit("destroy QP attached");
            return;
        }
        expect0(q, ret, "ib_destroy_qp");
        q.destroyed = true;
        resetLedger(q);
        coverage.hit("destroy QP" + (busy ? " with WRs outstanding" : ""));
    }

    void run(int arg) {
        long[] steps = {0, 2_000, 20_000, 200_000, 2_000_000, -1};
        long d = steps[arg % steps.length];
        if (d < 0) {
            world.settle();
            note("settle");
        } else if (d == 0) {
            world.runNext();
        } else {
            world.runUntil(world.scheduler().now() + d);
            note("run " + d / 1000 + " us");
        }
    }

    void poll(int arg) {
        Side s = sides[arg % 2];
        int slot = (arg / 2) % 3;
        Cq cq = s.cqs[slot];
        if (cq == null) {
            return;
        }
        int budget = 1 + (arg / 6) % 8;
        Wc[] wc = new Wc[budget];
        int n = cq.poll(budget, wc);
        for (int i = 0; i < n; i++) {
            book.reap(s, cq, wc[i]);
        }
    }

    void registration(int arg) {
        Side s = sides[arg % 2];
        int k = (arg / 2) % 2;
        Mr x = s.extra[k];
        if (x != null) {
            int rkey = x.rkey();
            assertEquals(0, x.dereg(), "ib_dereg_mr" + where());
            s.staleRkeys.add(rkey);
            s.extra[k] = null;
            note("dereg h" + s.index + " extra " + k + " rkey 0x" + Integer.toHexString(rkey));
            coverage.hit("dereg MR");
        } else if (dead[s.index]) {
            // SW2HW_MPT is no tear-down command: before the driver knows, the device answers
            // INTERNAL_ERR (-EIO); after, the driver does.
            Result<Mr> r = Mr.reg(s.pd, s.buf, BUF, s.buf, ALL_ACCESS);
            assertTrue(r.isErr() && r.err() == Errno.EIO.negative(), "ib_reg_mr on a failed HCA: " + r + where());
        } else {
            s.extra[k] = Mr.reg(s.pd, s.buf, BUF, s.buf, ALL_ACCESS).get();
            note("reg h" + s.index + " extra " + k + " rkey 0x" + Integer.toHexString(s.extra[k].rkey()));
        }
    }

    void faultOrCq(int arg) {
        int what = arg % 6;
        if (what == 4) {
            resizeCq(arg / 6);
            return;
        }
        if (what == 5) {
            if ((arg / 6) % 4 == 0 && !dead[0] && !dead[1]) {
                int h = (arg / 24) % 2;
                dead[h] = true;
                world.host(h).hca(0).catastrophicError(Layout.Catas.CAUSE_INTERNAL);
                note("catastrophic error of h" + h + "'s HCA");
                coverage.hit("catastrophic error");
            }
            return;
        }
        if (what == 0) {
            double p = new double[] {0, 0.02, 0.05}[(arg / 6) % 3];
            // Some of the damage is bit flips: the CRCs catch them and the packet is dropped.
            double corrupt = (arg / 18) % 2 == 0 ? 0 : 0.01;
            world.fabric().faults().dropProbability(p).corruptProbability(corrupt);
            note("loss " + p + ", corruption " + corrupt);
        } else if (what == 1) {
            long now = world.scheduler().now();
            world.fabric().faults().flap(world.link((arg / 4) % 2), now + 1_000, 50_000 + (arg % 7) * 200_000L);
            note("flap of h" + (arg / 4) % 2 + "'s cable");
        } else {
            Side s = sides[arg % 2];
            if (s.cqs[2] == null && dead[s.index]) {
                Result<Cq> r = Cq.create(s.dev, c -> { }, null, new CqInitAttr(CQE, 0));
                assertTrue(r.isErr() && r.err() == Errno.EIO.negative(), "ib_create_cq on a failed HCA: " + r
                        + where());
            } else if (s.cqs[2] == null) {
                s.cqs[2] = Cq.create(s.dev, c -> { }, null, new CqInitAttr(CQE, 0)).get();
                note("create CQ 2 on h" + s.index);
            } else {
                boolean used = false;
                for (Q q : byQp.values()) {
                    used |= !q.destroyed && (q.qp.sendCq() == s.cqs[2] || q.qp.recvCq() == s.cqs[2]);
                }
                int ret = s.cqs[2].destroy();
                note("destroy CQ 2 on h" + s.index + ": " + ret);
                assertEquals(used ? Errno.EBUSY.negative() : 0, ret, "ib_destroy_cq of a CQ "
                        + (used ? "" : "not ") + "in use" + where());
                if (ret == 0) {
                    s.cqs[2] = null;
                }
                coverage.hit("destroy CQ" + (used ? " in use" : ""));
            }
        }
    }

    /** ib_resize_cq with completions queued: none may be lost or repeated (the ledger checks). */
    private void resizeCq(int arg) {
        Side s = sides[arg % 2];
        Cq cq = s.cqs[(arg / 2) % 3];
        if (cq == null) {
            return;
        }
        // Never below what the QPs on one CQ can have outstanding (4 x (31 + 8) + an SRQ of 32).
        int size = new int[] {200, 256, 512, 1024}[(arg / 6) % 4];
        // mlx4_ib_resize_cq: the ring rounds up to a power of two above the size; the one it has
        // already needs no command, so it is done even on a failed HCA.
        boolean same = Integer.highestOneBit(size) * 2 == cq.cqe() + 1;
        int ret = cq.resize(size);
        note("resize a CQ of h" + s.index + " to " + size + ": " + ret);
        assertEquals(dead[s.index] && !same ? Errno.EIO.negative() : 0, ret, "ib_resize_cq to " + size + where());
        coverage.hit("resize CQ");
    }

    /**
     * ib_modify_qp, with a look at every QP's state before and after: a modify command takes
     * time, in which the device may take a QP to ERR that the move (a reset) then takes out again.
     */
    private int modifyQp(Q q, QpAttr attr, int mask) {
        sample();
        int ret = q.qp.modify(attr, mask);
        sample();
        return ret;
    }

    /** Notes every QP the device has taken into ERR or SQE since the last look. */
    private void sample() {
        for (Q q : byQp.values()) {
            if (q.destroyed || dead[q.side.index]) {
                continue;
            }
            HwQpState h = q.side.hwState(q.qp);
            if (h == HwQpState.ERR && q.lastSeen != HwQpState.ERR) {
                q.errEntries++;
            }
            q.lastSeen = h;
            boolean err = h == HwQpState.ERR || h == HwQpState.SQE;
            if (err && !q.inError) {
                q.errorEntries++;
            }
            q.inError = err;
        }
    }

    // ---- teardown ----

    /** Every QP to ERR, the world settled, every CQ reaped; then the ledger is checked and all destroyed. */
    void finish() {
        if (dead[0] || dead[1]) {
            // The driver's catas timer finds the error within its period (HCA.md 2.1).
            world.runUntil(world.scheduler().now() + HcaDriver.CATAS_POLL_NS + 1_000_000);
            assertTrue(detected(dead[0] ? 0 : 1), "the failed HCA's driver never noticed" + where());
        }
        // Liveness first: once nothing is left to happen, a QP the device has in RTS has finished
        // every send (sent, acknowledged or failed); only receives may wait.
        world.settle();
        note("teardown: settled");
        sample();
        reapAll();
        for (Q q : byQp.values()) {
            if (!q.destroyed && !dead[q.side.index] && q.side.hwState(q.qp) == HwQpState.RTS) {
                assertTrue(q.sq.stream().noneMatch(id -> book.ledger.get(id).signaled()), q
                        + " is in RTS with nothing left to happen, yet signalled sends among " + q.sq
                        + " never completed" + where());
            }
        }
        for (Q q : byQp.values()) {
            // A failed HCA's QPs need no move: its driver has flushed them already.
            if (!q.destroyed && !dead[q.side.index] && q.qp.state() != QpState.RESET) {
                expect0(q, modifyQp(q, new QpAttr().state(QpState.ERR), QpAttrMask.STATE.bit()), "to ERR");
            }
        }
        note("teardown: every QP to ERR");
        world.settle();
        sample();
        reapAll();
        for (Q q : byQp.values()) {
            if (!q.destroyed) {
                // What is left of the send queue completed, unsignalled, before the flush.
                while (!q.sq.isEmpty() && !book.ledger.get(q.sq.peekFirst()).signaled()) {
                    book.retire(q, book.ledger.get(q.sq.removeFirst()), sides[1 - q.side.index], "teardown");
                }
                assertTrue(q.sq.isEmpty() && q.rq.isEmpty(), q + " still has WRs after its flush: send "
                        + q.sq + " receive " + q.rq + where());
            }
        }
        book.checkEvents();
        for (W w : book.ledger.values()) {
            if (!w.send() || !book.done.containsKey(w.id()) || book.done.get(w.id()) != WcStatus.SUCCESS) {
                continue;
            }
            Q q = w.q();
            // An empty SEND without immediate carries nothing to know it by.
            boolean delivers = q.type == QpType.RC && (w.op() == WrOpcode.SEND && w.size() > 0
                    || w.op() == WrOpcode.SEND_WITH_IMM || w.op() == WrOpcode.RDMA_WRITE_WITH_IMM);
            // A failed HCA's driver reports every receive not yet polled as flushed (HCA.md 2.1).
            if (delivers && !q.peer.destroyed && q.peer.epoch == w.peerEpoch() && !dead[q.peer.side.index]) {
                assertTrue(book.received.contains(w.id()), "RC " + w.op() + " " + w.id() + " of " + q
                        + " completed successfully but " + q.peer + " never reported it" + where());
                coverage.hit("RC delivery checked");
            }
        }
        destroyAll();
    }

    private void reapAll() {
        for (Side s : sides) {
            for (Cq cq : s.cqs) {
                if (cq != null) {
                    Wc[] wc = new Wc[16];
                    int n;
                    while ((n = cq.poll(wc.length, wc)) > 0) {
                        for (int i = 0; i < n; i++) {
                            book.reap(s, cq, wc[i]);
                        }
                    }
                }
            }
        }
    }

    private void destroyAll() {
        for (Q q : byQp.values()) {
            if (!q.destroyed && q.attached) {
                // By now a failed HCA's driver knows, and a detach succeeds without the device.
                assertEquals(0, q.qp.detachMcast(MGID, MLID), "ib_detach_mcast " + q + where());
                q.attached = false;
            }
            if (!q.destroyed && !q.attached) {
                expect0(q, q.qp.destroy(), "ib_destroy_qp");
                q.destroyed = true;
            }
        }
        for (Side s : sides) {
            if (s.ah != null) {
                assertEquals(0, s.ah.destroy(), "rdma_destroy_ah");
                assertEquals(0, s.mcastAh.destroy(), "rdma_destroy_ah");
            }
            if (s.srq != null) {
                assertEquals(0, s.srq.destroy(), "ib_destroy_srq");
            }
            assertTrue(s.limitEvents <= s.limitsArmed, "h" + s.index + ": " + s.limitEvents
                    + " SRQ_LIMIT_REACHED for " + s.limitsArmed + " arms" + where());
            for (Cq cq : s.cqs) {
                if (cq != null) {
                    assertEquals(0, cq.destroy(), "ib_destroy_cq");
                }
            }
            for (Mr x : s.extra) {
                if (x != null) {
                    assertEquals(0, x.dereg(), "ib_dereg_mr");
                }
            }
            assertEquals(0, s.main.dereg(), "ib_dereg_mr");
            assertEquals(0, s.pd.dealloc(), "ib_dealloc_pd");
            s.memory().free(s.buf);
        }
        world.settle();
        for (int i = 0; i < 2; i++) {
            Map<String, Integer> want = new TreeMap<>(baseline[i]);
            Map<String, Integer> now = resources(world.host(i));
            if (dead[i]) {
                // A failed device hears no tear-down command: only the host's side must be clean.
                want.keySet().removeIf(k -> k.startsWith("device "));
                now.keySet().removeIf(k -> k.startsWith("device "));
            }
            assertEquals(want, now, "h" + i + " holds what it held before the run" + where());
        }
    }

    @Override
    public void close() {
        world.close();
    }
}
