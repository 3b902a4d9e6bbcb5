package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.IbEventHandler;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.Pd;
import org.ibmodel.core.PollContext;
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
import org.ibmodel.core.SigType;
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.core.Wc;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.sim.world.Host;
import org.ibmodel.sim.world.World;

/**
 * Two hosts of a {@link World}, each with a PD, a CQ, a registered 4 MiB buffer and one QP of
 * the same type, connected to each other as ibv_rc_pingpong does (QPN, LID and PSN exchanged
 * out of band). Everything goes through ib_core verbs and the real driver.
 */
final class TransportPair implements AutoCloseable {
    static final int BUF = 4 << 20;
    /** Offset in each buffer where remote operations land. */
    static final long TARGET = 2 << 20;
    static final int QKEY = 0x1111_2222;

    /** Connection parameters; the defaults are those of ibv_rc_pingpong but a short timeout. */
    record Conn(Mtu mtu, int psnA, int psnB, int timeout, int retryCnt, int rnrRetry, int minRnrTimer,
            int pkeyIndexA, int maxDestRdAtomicB, boolean grh, int port, int maxInline, int staticRate) {
        Conn(Mtu mtu, int psnA, int psnB, int timeout, int retryCnt, int rnrRetry, int minRnrTimer) {
            this(mtu, psnA, psnB, timeout, retryCnt, rnrRetry, minRnrTimer, 0, MAX_RD_ATOMIC, false, 1, 0, 0);
        }

        static Conn standard(Mtu mtu) {
            return new Conn(mtu, 0x100, 0x200, 10, 7, 7, 1);
        }

        Conn psns(int a, int b) {
            return new Conn(mtu, a, b, timeout, retryCnt, rnrRetry, minRnrTimer, pkeyIndexA, maxDestRdAtomicB,
                    grh, port, maxInline, staticRate);
        }

        Conn retries(int retry, int rnr) {
            return new Conn(mtu, psnA, psnB, timeout, retry, rnr, minRnrTimer, pkeyIndexA, maxDestRdAtomicB,
                    grh, port, maxInline, staticRate);
        }

        Conn pkeyIndexA(int index) {
            return new Conn(mtu, psnA, psnB, timeout, retryCnt, rnrRetry, minRnrTimer, index, maxDestRdAtomicB,
                    grh, port, maxInline, staticRate);
        }

        /** Host b's responder resources (max_dest_rd_atomic); host a keeps {@link #MAX_RD_ATOMIC}. */
        Conn maxDestRdAtomicB(int n) {
            return new Conn(mtu, psnA, psnB, timeout, retryCnt, rnrRetry, minRnrTimer, pkeyIndexA, n,
                    grh, port, maxInline, staticRate);
        }

        /** Both address paths carry a GRH to the peer port's GID 0. */
        Conn withGrh() {
            return new Conn(mtu, psnA, psnB, timeout, retryCnt, rnrRetry, minRnrTimer, pkeyIndexA, maxDestRdAtomicB,
                    true, port, maxInline, staticRate);
        }

        /** Both QPs created for {@code n} bytes of inline data (QpCap max_inline_data). */
        Conn maxInline(int n) {
            return new Conn(mtu, psnA, psnB, timeout, retryCnt, rnrRetry, minRnrTimer, pkeyIndexA, maxDestRdAtomicB,
                    grh, port, n, staticRate);
        }

        /** Both address paths name static rate {@code code} (an ib_rate value, docs/HCA.md §5.9). */
        Conn staticRate(int code) {
            return new Conn(mtu, psnA, psnB, timeout, retryCnt, rnrRetry, minRnrTimer, pkeyIndexA, maxDestRdAtomicB,
                    grh, port, maxInline, code);
        }

        /** Both QPs on HCA port {@code p}, addressed to the peer's port {@code p}. */
        Conn onPort(int p) {
            return new Conn(mtu, psnA, psnB, timeout, retryCnt, rnrRetry, minRnrTimer, pkeyIndexA, maxDestRdAtomicB,
                    grh, p, maxInline, staticRate);
        }
    }

    /** max_rd_atomic of both sides, and max_dest_rd_atomic unless a connection says otherwise. */
    static final int MAX_RD_ATOMIC = 4;
    /** WRs of host b's SRQ unless a test asks for another size. */
    static final int SRQ_WR = 64;
    /** Entries of each side's CQ unless a test asks for fewer. */
    static final int CQE = 1024;
    /** Hop limit of the GRHs a {@link Conn#withGrh()} connection sends. */
    static final int HOP_LIMIT = 1;

    final World world;
    final Side a;
    final Side b;
    final QpType type;

    final class Side {
        final int index;
        final Host host;
        final IbDevice dev;
        final Pd pd;
        final Cq cq;
        final Qp qp;
        final Mr mr;
        final long buf;
        final Srq srq;
        /** Asynchronous events of this side's QPs and SRQ, in order. */
        final List<IbEventType> events = new ArrayList<>();
        private final IbEventHandler handler = e -> events.add(e.event());
        private final int maxInline;
        /** What the CQ's completion handler does (ib_create_cq's comp_handler); nothing unless set. */
        java.util.function.Consumer<Cq> onCompletion = c -> { };

        Side(int index, QpType type, boolean withSrq, int cqe, int maxInline) {
            this(index, type, withSrq ? SRQ_WR : 0, cqe, maxInline, null, SigType.ALL_WR);
        }

        /**
         * With an SRQ of {@code srqWr} WRs (0: none), {@code cap} for the QP's queues unless null,
         * and its send queue's signalling.
         */
        Side(int index, QpType type, int srqWr, int cqe, int maxInline, QpCap cap, SigType sig) {
            this(index, type, srqWr, cqe, maxInline, cap, sig, null);
        }

        /** With a CQ from ib_alloc_cq polled in {@code poll}'s context, or from ib_create_cq if null. */
        Side(int index, QpType type, int srqWr, int cqe, int maxInline, QpCap cap, SigType sig, PollContext poll) {
            this.index = index;
            host = world.host(index);
            dev = host.driver(0).device();
            pd = Pd.alloc(dev).get();
            cq = poll != null ? Cq.alloc(dev, cqe, 0, poll).get()
                    : Cq.create(dev, c -> onCompletion.accept(c), null, new CqInitAttr(cqe, 0)).get();
            this.maxInline = maxInline;
            srq = srqWr > 0 ? Srq.create(pd, handler, new SrqAttr(srqWr, 4, 0)).get() : null;
            qp = newQp(type, cap, sig);
            buf = host.memory().alloc(BUF);
            mr = Mr.reg(pd, buf, BUF, buf, AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE
                    | AccessFlags.REMOTE_READ | AccessFlags.REMOTE_ATOMIC).get();
        }

        /** A QP on this side's PD, CQ and SRQ (if any), reporting to {@link #events}. */
        Qp newQp(QpType type, QpCap cap, SigType sig) {
            // A QP on an SRQ has no receive queue to size (mlx4's set_rq_size refuses one).
            QpCap c = cap != null ? cap : srq != null ? new QpCap(512, 0, 4, 0, maxInline)
                    : new QpCap(512, 512, 4, 4, maxInline);
            QpInitAttr init = QpInitAttr.of(type, cq, cq, c);
            init.sqSigType = sig;
            init.srq = srq;
            init.eventHandler = handler;
            return Qp.create(pd, init).get();
        }

        HostMemory memory() {
            return host.memory();
        }

        Sge sge(long offset, int len) {
            return new Sge(buf + offset, len, mr.lkey());
        }

        void fill(long offset, byte[] data) {
            memory().write(buf + offset, data);
        }

        byte[] read(long offset, int len) {
            return memory().read(buf + offset, len);
        }

        void postRecv(long wrId, long offset, int len) {
            RecvWr wr = new RecvWr(wrId, sge(offset, len));
            assertTrue(srq != null ? srq.postRecv(wr).ok() : qp.postRecv(wr).ok(), "post_recv");
        }

        void postSend(SendWr... wrs) {
            assertTrue(qp.postSend(wrs).ok(), "post_send");
        }

        List<Wc> poll() {
            return pollAll(cq);
        }

        HwQpState hwState() {
            return host.hca(0).firmware().qp(qp.qpNum()).state();
        }

        Transport transport() {
            return world.transport(index);
        }
    }

    TransportPair(long seed, QpType type, Conn conn) {
        this(seed, type, conn, (java.util.function.Consumer<TransportPair>) null);
    }

    /** {@code beforeConnect} runs once both sides exist, before any QP leaves RESET. */
    TransportPair(long seed, QpType type, Conn conn, java.util.function.Consumer<TransportPair> beforeConnect) {
        this(seed, type, conn, beforeConnect, false);
    }

    /** With {@code srqOnB} host b's QP receives from a shared receive queue. */
    TransportPair(long seed, QpType type, Conn conn, java.util.function.Consumer<TransportPair> beforeConnect,
            boolean srqOnB) {
        this(seed, type, conn, beforeConnect, srqOnB, 0);
    }

    /** With {@code lmc} every port answers to 2^lmc LIDs from the world's {@link World#lid(int)}. */
    TransportPair(long seed, QpType type, Conn conn, java.util.function.Consumer<TransportPair> beforeConnect,
            boolean srqOnB, int lmc) {
        this(seed, type, conn, beforeConnect, srqOnB, lmc, 1);
    }

    /** With {@code ports} (1 or 2) ports on every HCA, each cabled to the switch. */
    TransportPair(long seed, QpType type, Conn conn, java.util.function.Consumer<TransportPair> beforeConnect,
            boolean srqOnB, int lmc, int ports) {
        this(seed, type, conn, beforeConnect, srqOnB, lmc, ports, CQE, CQE);
    }

    /** With each side's CQ (which both its queues use) created for {@code cqeA} and {@code cqeB} entries. */
    TransportPair(long seed, QpType type, Conn conn, java.util.function.Consumer<TransportPair> beforeConnect,
            boolean srqOnB, int lmc, int ports, int cqeA, int cqeB) {
        this.world = World.of(seed, 2, lmc, ports);
        this.type = type;
        this.a = new Side(0, type, false, cqeA, conn.maxInline());
        this.b = new Side(1, type, srqOnB, cqeB, conn.maxInline());
        if (beforeConnect != null) {
            beforeConnect.accept(this);
        }
        connect(a, b, conn.psnA(), conn.psnB(), conn, true);
        connect(b, a, conn.psnB(), conn.psnA(), conn, true);
    }

    /** With host a's QP created for {@code capA} and {@code sigA} (IB_SIGNAL_REQ_WR: only WRs that ask complete). */
    TransportPair(long seed, QpType type, Conn conn, QpCap capA, SigType sigA) {
        this.world = World.of(seed, 2, 0, 1);
        this.type = type;
        this.a = new Side(0, type, 0, CQE, conn.maxInline(), capA, sigA);
        this.b = new Side(1, type, false, CQE, conn.maxInline());
        connect(a, b, conn.psnA(), conn.psnB(), conn, true);
        connect(b, a, conn.psnB(), conn.psnA(), conn, true);
    }

    /** With host a's CQ from ib_alloc_cq, polled in {@code pollA}'s context (ib_drain_qp needs one). */
    TransportPair(long seed, QpType type, Conn conn, PollContext pollA) {
        this.world = World.of(seed, 2, 0, 1);
        this.type = type;
        this.a = new Side(0, type, 0, CQE, conn.maxInline(), null, SigType.ALL_WR, pollA);
        this.b = new Side(1, type, false, CQE, conn.maxInline());
        connect(a, b, conn.psnA(), conn.psnB(), conn, true);
        connect(b, a, conn.psnB(), conn.psnA(), conn, true);
    }

    /** With host b's QP on an SRQ of {@code srqWrB} WRs. */
    TransportPair(long seed, QpType type, Conn conn, int srqWrB) {
        this.world = World.of(seed, 2, 0, 1);
        this.type = type;
        this.a = new Side(0, type, false, CQE, conn.maxInline());
        this.b = new Side(1, type, srqWrB, CQE, conn.maxInline(), null, SigType.ALL_WR);
        connect(a, b, conn.psnA(), conn.psnB(), conn, true);
        connect(b, a, conn.psnB(), conn.psnA(), conn, true);
    }

    /** Hosts {@code ia} and {@code ib} of {@code world} as sides a and b, connected as above. */
    TransportPair(World world, int ia, int ib, QpType type, Conn conn) {
        this.world = world;
        this.type = type;
        this.a = new Side(ia, type, false, CQE, conn.maxInline());
        this.b = new Side(ib, type, false, CQE, conn.maxInline());
        connect(a, b, conn.psnA(), conn.psnB(), conn, true);
        connect(b, a, conn.psnB(), conn.psnA(), conn, true);
    }

    /**
     * Takes host b's QP back to RESET and connects it again as far as RTR only, as the passive
     * side of a CM connection whose RTU has not come: it receives but does not send.
     */
    void reconnectBToRtr(Conn c) {
        assertEquals(0, b.qp.modify(new QpAttr().state(QpState.RESET), QpAttrMask.STATE.bit()));
        connect(b, a, c.psnB(), c.psnA(), c, false);
    }

    /** SET_PORT on {@code port} with P_Key table entry {@code index} = {@code pkey}, as the SM would set it. */
    static void setPkey(HcaPort port, int index, int pkey) {
        byte[] mb = port.query();
        HcaPort.pkeyAt(mb, index, pkey);
        Layout.PortInfo.SET_PKEY.set(mb, 0, 1);
        port.set(mb);
    }

    /**
     * Takes host a's QP back to RESET and connects it again, to RTS, as {@code c} says, host b's
     * QP staying as it is: before any traffic, the two ends of one connection with different
     * path MTUs.
     */
    void reconnectA(Conn c) {
        assertEquals(0, a.qp.modify(new QpAttr().state(QpState.RESET), QpAttrMask.STATE.bit()));
        connect(a, b, c.psnA(), c.psnB(), c, true);
    }

    /** Takes both QPs back to RESET and connects them again, to RTS, as {@code c} says. */
    void reconnect(Conn c) {
        for (Side s : List.of(a, b)) {
            assertEquals(0, s.qp.modify(new QpAttr().state(QpState.RESET), QpAttrMask.STATE.bit()));
        }
        connect(a, b, c.psnA(), c.psnB(), c, true);
        connect(b, a, c.psnB(), c.psnA(), c, true);
    }

    /**
     * A second connection of the same type between the two sides: a new QP on each, on the side's
     * PD, CQ and SRQ, connected as the first; {@code [a's, b's]}.
     */
    Qp[] connectAnother(Conn c) {
        Qp qa = a.newQp(type, null, SigType.ALL_WR);
        Qp qb = b.newQp(type, null, SigType.ALL_WR);
        connect(a, qa, b, qb, c.psnA(), c.psnB(), c, true);
        connect(b, qb, a, qa, c.psnB(), c.psnA(), c, true);
        return new Qp[] {qa, qb};
    }

    private void connect(Side me, Side peer, int mySq, int peerSq, Conn c, boolean toRts) {
        connect(me, me.qp, peer, peer.qp, mySq, peerSq, c, toRts);
    }

    private void connect(Side me, Qp mine, Side peer, Qp theirs, int mySq, int peerSq, Conn c, boolean toRts) {
        QpAttr init = new QpAttr().state(QpState.INIT);
        init.portNum = c.port();
        init.pkeyIndex = me == a ? c.pkeyIndexA() : 0;
        if (type == QpType.UD) {
            init.qkey = QKEY;
            assertEquals(0, mine.modify(init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX,
                    QpAttrMask.PORT, QpAttrMask.QKEY)));
            assertEquals(0, mine.modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()));
            QpAttr rts = new QpAttr().state(QpState.RTS);
            rts.sqPsn = mySq;
            assertEquals(0, mine.modify(rts, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN)));
            return;
        }
        init.qpAccessFlags = AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE
                | (type == QpType.RC ? AccessFlags.REMOTE_READ | AccessFlags.REMOTE_ATOMIC : 0);
        assertEquals(0, mine.modify(init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX,
                QpAttrMask.PORT, QpAttrMask.ACCESS_FLAGS)));
        QpAttr rtr = new QpAttr().state(QpState.RTR).pathMtu(c.mtu());
        rtr.ahAttr = new AhAttr(world.lid(peer.index, c.port()), 0, 0, c.staticRate(), c.port(), !c.grh() ? null
                : new AhAttr.Grh(peer.dev.port(c.port()).gid(0), 0, 0, HOP_LIMIT, 0));
        rtr.destQpNum = theirs.qpNum();
        rtr.rqPsn = peerSq;
        rtr.maxDestRdAtomic = me == b ? c.maxDestRdAtomicB() : MAX_RD_ATOMIC;
        rtr.minRnrTimer = c.minRnrTimer();
        QpAttr rts = new QpAttr().state(QpState.RTS);
        rts.sqPsn = mySq;
        if (type == QpType.RC) {
            assertEquals(0, mine.modify(rtr, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV, QpAttrMask.PATH_MTU,
                    QpAttrMask.DEST_QPN, QpAttrMask.RQ_PSN, QpAttrMask.MAX_DEST_RD_ATOMIC,
                    QpAttrMask.MIN_RNR_TIMER)));
            if (!toRts) {
                return;
            }
            rts.timeout = c.timeout();
            rts.retryCnt = c.retryCnt();
            rts.rnrRetry = c.rnrRetry();
            rts.maxRdAtomic = MAX_RD_ATOMIC;
            assertEquals(0, mine.modify(rts, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN, QpAttrMask.TIMEOUT,
                    QpAttrMask.RETRY_CNT, QpAttrMask.RNR_RETRY, QpAttrMask.MAX_QP_RD_ATOMIC)));
        } else {
            assertEquals(0, mine.modify(rtr, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV, QpAttrMask.PATH_MTU,
                    QpAttrMask.DEST_QPN, QpAttrMask.RQ_PSN)));
            if (toRts) {
                assertEquals(0, mine.modify(rts, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN)));
            }
        }
    }

    void settle() {
        world.settle();
    }

    /** {@link #settle()} with a budget of {@code maxEvents} events before a livelock is called. */
    void settle(long maxEvents) {
        world.settle(maxEvents);
    }

    /**
     * A path between the two hosts that loses {@code percent} % of the packets: each of its two
     * links (host to switch, switch to host) drops its share, 1 - (1 - p)^(1/2).
     */
    void pathLoss(int percent) {
        world.fabric().faults().dropProbability(1 - Math.pow(1 - percent / 100.0, 0.5));
    }

    /** Every completion {@code cq} holds, in order, each copied out of the poll batch. */
    static List<Wc> pollAll(Cq cq) {
        List<Wc> out = new ArrayList<>();
        Wc[] batch = new Wc[16];
        int n;
        while ((n = cq.poll(batch.length, batch)) > 0) {
            for (int i = 0; i < n; i++) {
                out.add(batch[i].copy());
            }
        }
        return out;
    }

    /**
     * A repeatable pattern: byte i of message {@code tag} is a hash of both, so that no shift of
     * the data within a message (a packet's payload taken from the wrong offset) leaves it equal.
     */
    static byte[] pattern(int tag, int len) {
        byte[] b = new byte[len];
        long t = tag * 0x9E37_79B9_7F4A_7C15L;
        for (int i = 0; i < len; i++) {
            long x = (t + i) * 0xBF58_476D_1CE4_E5B9L;
            b[i] = (byte) (x ^ x >>> 31 ^ x >>> 47);
        }
        return b;
    }

    @Override
    public void close() {
        world.close();
    }
}
