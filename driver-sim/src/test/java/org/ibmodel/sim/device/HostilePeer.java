// A peer whose RC or UC QP is properly connected to the victim's but that sends sequences a
// correct HCA never would: IBA 9.7 (RC), 9.8 (UC); drivers/infiniband/sw/rxe/rxe_resp.c and
// rxe_comp.c face the same peers in software
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
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
import org.ibmodel.core.Srq;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.sim.fabric.FabricPort;
import org.ibmodel.sim.wire.Opcode;
import org.ibmodel.sim.wire.PacketBuilder;
import org.ibmodel.sim.world.Host;
import org.ibmodel.sim.world.World;

/**
 * Host 0 is the victim: one QP of the given type connected to host 1's LID and to
 * {@link #PEER_QPN}, which no QP of host 1 has, so the victim's packets reach no QP there. The
 * test plays host 1's QP by writing packets straight onto host 1's cable; what the victim sends
 * back is in its transport's sent log. The victim's memory is one region, remotely readable,
 * writable and atomic, with path MTU 1024.
 */
final class HostilePeer implements AutoCloseable {
    static final int VICTIM = 0;
    static final int PEER = 1;
    static final int PEER_QPN = 0x00ab_cdef;
    /** The PSN the victim's responder expects first and the one its requester starts at. */
    static final int RQ_PSN = 0x5000;
    static final int SQ_PSN = 0x7000;
    static final int MTU = 1024;
    static final int REGION = 256 << 10;

    final World world;
    final Host victim;
    final IbDevice dev;
    final Pd pd;
    final Cq cq;
    final Qp qp;
    /** The SRQ the victim's QP takes its receives from, or null. */
    final Srq srq;
    final long base;
    final Mr mr;
    private final FabricPort cable;
    private final PacketBuilder builder = new PacketBuilder();

    HostilePeer(QpType type) {
        this(type, q -> {
        });
    }

    /** {@code rtr} may change the victim's RTR attributes before they are applied. */
    HostilePeer(QpType type, Consumer<QpAttr> rtr) {
        this(type, rtr, false);
    }

    /** With {@code onSrq} the victim's QP takes its receives from an SRQ of its PD, {@link #srq}. */
    HostilePeer(QpType type, Consumer<QpAttr> rtr, boolean onSrq) {
        this(type, rtr, onSrq, r -> {
        });
    }

    /** {@code rts} may change the victim's RTS attributes (timeout, retry counts) before they are applied. */
    HostilePeer(QpType type, Consumer<QpAttr> rtr, boolean onSrq, Consumer<QpAttr> rts) {
        world = World.of(0x4057_11e, 2);
        world.transport(VICTIM).logSent(true);
        victim = world.host(VICTIM);
        dev = victim.driver(0).device();
        pd = Pd.alloc(dev).get();
        cq = Cq.create(dev, null, null, new CqInitAttr(256, 0)).get();
        base = victim.memory().alloc(REGION);
        victim.memory().write(base, TransportPair.pattern(1, REGION));
        mr = Mr.reg(pd, base, REGION, base, AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE
                | AccessFlags.REMOTE_READ | AccessFlags.REMOTE_ATOMIC).get();
        srq = onSrq ? Srq.create(pd, null, new SrqAttr(16, 4, 0)).get() : null;
        QpInitAttr attr = QpInitAttr.of(type, cq, cq, new QpCap(16, onSrq ? 0 : 16, 4, onSrq ? 0 : 4, 0));
        attr.srq = srq;
        qp = Qp.create(pd, attr).get();
        connect(qp, PEER_QPN, type, rtr, rts);
        cable = world.fabric().portOfLid(world.lid(PEER));
    }

    /**
     * Another QP of the victim's, of the same type, on the same PD, CQ and SRQ (if any), connected to
     * the peer's QP {@code peerQpn}: packets for it go through {@link #put(Qp, Opcode, int, Consumer)}.
     */
    Qp secondQp(QpType type, int peerQpn) {
        QpInitAttr attr = QpInitAttr.of(type, cq, cq, new QpCap(16, srq != null ? 0 : 16, 4, srq != null ? 0 : 4, 0));
        attr.srq = srq;
        Qp q = Qp.create(pd, attr).get();
        connect(q, peerQpn, type, r -> {
        }, r -> {
        });
        return q;
    }

    private void connect(Qp qp, int peerQpn, QpType type, Consumer<QpAttr> rtrChange, Consumer<QpAttr> rtsChange) {
        QpAttr init = new QpAttr().state(QpState.INIT);
        init.portNum = 1;
        init.qpAccessFlags = AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE
                | (type == QpType.RC ? AccessFlags.REMOTE_READ | AccessFlags.REMOTE_ATOMIC : 0);
        assertEquals(0, qp.modify(init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.PORT,
                QpAttrMask.ACCESS_FLAGS)));
        QpAttr rtr = new QpAttr().state(QpState.RTR).pathMtu(Mtu.MTU_1024);
        rtr.ahAttr = AhAttr.lid(1, world.lid(PEER));
        rtr.destQpNum = peerQpn;
        rtr.rqPsn = RQ_PSN;
        rtr.maxDestRdAtomic = 4;
        rtr.minRnrTimer = 1;
        rtrChange.accept(rtr);
        QpAttr rts = new QpAttr().state(QpState.RTS);
        rts.sqPsn = SQ_PSN;
        if (type == QpType.RC) {
            assertEquals(0, qp.modify(rtr, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV, QpAttrMask.PATH_MTU,
                    QpAttrMask.DEST_QPN, QpAttrMask.RQ_PSN, QpAttrMask.MAX_DEST_RD_ATOMIC,
                    QpAttrMask.MIN_RNR_TIMER)));
            // About 4.3 s: the victim's own retries stay out of a test's few milliseconds.
            rts.timeout = 20;
            rts.retryCnt = 7;
            rts.rnrRetry = 7;
            rts.maxRdAtomic = 4;
            rtsChange.accept(rts);
            assertEquals(0, qp.modify(rts, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN, QpAttrMask.TIMEOUT,
                    QpAttrMask.RETRY_CNT, QpAttrMask.RNR_RETRY, QpAttrMask.MAX_QP_RD_ATOMIC)));
        } else {
            assertEquals(0, qp.modify(rtr, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV, QpAttrMask.PATH_MTU,
                    QpAttrMask.DEST_QPN, QpAttrMask.RQ_PSN)));
            assertEquals(0, qp.modify(rts, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN)));
        }
    }

    /** What a packet of the peer's carries beyond LRH and BTH; fill what the opcode has. */
    static final class Fields {
        /** BTH:AckReq; null sets it as Linux's requesters do, on the last packet of a request. */
        Boolean ackReq;
        long va;
        int rkey;
        int dmaLen;
        long swapAdd;
        long compare;
        int syndrome;
        int msn;
        long orig;
        int imm;
        byte[] payload = new byte[0];
        /** Changes the packet's bytes after its headers are built, before its CRCs are. */
        Consumer<byte[]> raw = b -> {
        };
    }

    /** Puts one packet of the peer's QP on the cable and lets the world run 2 µs. */
    void send(Opcode op, int psn, Consumer<Fields> fill) {
        put(op, psn, fill);
        run(2_000);
    }

    /** Lets the world run {@code ns} nanoseconds. */
    void run(long ns) {
        world.runUntil(world.scheduler().now() + ns);
    }

    /** Builds one packet of the peer's QP to the victim's and puts it on the cable, right after the last. */
    void put(Opcode op, int psn, Consumer<Fields> fill) {
        put(qp, op, psn, fill);
    }

    /** As {@link #put(Opcode, int, Consumer)}, to the victim's QP {@code to}. */
    void put(Qp to, Opcode op, int psn, Consumer<Fields> fill) {
        Fields f = new Fields();
        fill.accept(f);
        byte[] buf = new byte[PacketBuilder.frameLength(op, false, f.payload.length)];
        builder.wrap(buf, 0).begin(op, false);
        builder.lrh().vl(0).dlid(world.lid(VICTIM)).slid(world.lid(PEER));
        builder.bth().pKey(0xffff).destQp(to.qpNum()).psn(psn & Psn.MASK)
                .ackReq(f.ackReq != null ? f.ackReq : op.isEnd() && op.isRequest());
        if (op.hasReth()) {
            builder.reth().va(f.va).rKey(f.rkey).dmaLen(f.dmaLen);
        }
        if (op.hasAtomicEth()) {
            builder.atomicEth().va(f.va).rKey(f.rkey).swapAddData(f.swapAdd).compareData(f.compare);
        }
        if (op.hasAeth()) {
            builder.aeth().syndrome(f.syndrome).msn(f.msn);
        }
        if (op.hasAtomicAckEth()) {
            builder.atomicAckEth().origRemData(f.orig);
        }
        if (op.hasImmDt()) {
            builder.immDt().immDt(f.imm);
        }
        if (f.payload.length > 0) {
            System.arraycopy(f.payload, 0, buf, builder.payloadRoom(f.payload.length), f.payload.length);
        }
        f.raw.accept(buf);
        builder.finish();
        cable.send(buf);
    }

    void send(Opcode op, int psn) {
        send(op, psn, f -> {
        });
    }

    /** The victim's packets since the last call: opcode, PSN, syndrome. */
    List<Transport.Sent> sent() {
        List<Transport.Sent> all = world.transport(VICTIM).sentLog();
        List<Transport.Sent> out = new ArrayList<>(all.subList(seen, all.size()));
        seen = all.size();
        return out;
    }

    private int seen;

    List<Wc> poll() {
        return TransportPair.pollAll(cq);
    }

    /** The victim QP's transport state, for a test that must stand in for traffic too long to send. */
    TransportQp transportQp() {
        Transport t = world.transport(VICTIM);
        return t.qp(t.firmware().qp(qp.qpNum()));
    }

    /** After the world settles the QP is still in RTS, and one receive completed whole: {@code byteLen} bytes. */
    void assertOneReceive(int byteLen) {
        world.settle();
        assertEquals(QpState.RTS, state());
        List<Wc> wcs = poll();
        assertEquals(1, wcs.size(), wcs.toString());
        assertEquals(WcStatus.SUCCESS, wcs.get(0).status, wcs.toString());
        assertEquals(byteLen, wcs.get(0).byteLen, wcs.toString());
    }

    QpState state() {
        QpAttr a = new QpAttr();
        assertEquals(0, qp.query(a));
        return a.qpState;
    }

    @Override
    public void close() {
        world.close();
    }
}
