// The IBTA transport of the simulated HCA (IBA ch. 9), staged as drivers/infiniband/sw/rxe is:
// rxe_req.c (Requester), rxe_resp.c (Responder), rxe_comp.c (Completer), rxe_recv.c (ReceiveDemux)
package org.ibmodel.sim.device;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.sim.fabric.FabricPort;
import org.ibmodel.sim.fabric.Link;
import org.ibmodel.sim.fabric.PacketSink;
import org.ibmodel.sim.wire.Bth;
import org.ibmodel.sim.wire.Crcs;
import org.ibmodel.sim.wire.Grh;
import org.ibmodel.sim.wire.Lrh;
import org.ibmodel.sim.wire.Opcode;
import org.ibmodel.sim.wire.Packet;
import org.ibmodel.sim.wire.PacketBuilder;
import org.ibmodel.sim.sched.Scheduler;

/**
 * The transport stage set of one HCA. Fetched send WQEs go to the {@link Requester}; packets
 * from the fabric go through the {@link ReceiveDemux} to the {@link Responder} (requests) or
 * the {@link Completer} (responses). The stages share only the per-QP {@link TransportQp}.
 * Timers run on the world's {@link Scheduler}; nothing here reads a clock or a random source.
 */
public final class Transport implements TransportStage {
    /** Why a received packet was dropped; each reason is counted. */
    public enum Drop {
        /** Packet.parse refused it: length, CRC, header (the reason is in {@link #malformed()}). */
        MALFORMED,
        DLID_MISMATCH,
        NO_SUCH_QP,
        QP_STATE,
        TRANSPORT_MISMATCH,
        PKEY_MISMATCH,
        QKEY_MISMATCH,
        /** UD or UC: no receive WQE posted. */
        NO_RECV_WQE,
        /**
         * UC: a packet of a message dropped, one of whose packets was lost or which a check
         * refused (its length, key or opcode, the QP's access).
         */
        PARTIAL_MESSAGE,
        OUT_OF_SEQUENCE,
        DUPLICATE,
        /** A response no outstanding request expects (late, duplicated, or after a retry). */
        STALE_RESPONSE,
        /** UD: a message longer than the receive buffer. */
        LENGTH,
        /** A GRH whose DGID is not the receiving port's GID. */
        DGID_MISMATCH,
        /** On VL15 but not for QP0, or for QP0 but not on VL15 (IBA 7.6.5, 13.5.1). */
        VL15_MISMATCH,
        /** SLID 0xFFFF, the permissive LID, on a packet for a QP other than QP0 (IBA 9.6.1.4.1). */
        SLID_PERMISSIVE,
        /** An SMP at or from the permissive LID that is not directed-route (qib_ud_rcv, hfi1_ud_rcv). */
        PERMISSIVE_NOT_DIRECTED_ROUTE,
        /** For a multicast LID but no GRH, not a UD SEND, or DestQP not 0xFFFFFF (HCA.md §3.11). */
        MULTICAST_INVALID,
        /** For a multicast group no entry of the table names. */
        MULTICAST_NO_GROUP,
        /** For QP0 or QP1 but not a MAD: a UD SEND Only of 256 bytes (IBA 13.5.3.1). */
        MAD_INVALID,
        /**
         * RC or UC: not by the QP's path, the SLID not its DLID, another port, a GRH it does not
         * expect or from another GID (IBA 9.6.1.5); or, with MigReq for an armed QP, not by its
         * alternate path (HCA.md §5.10).
         */
        PATH_MISMATCH,
        /**
         * The receiving port's state does not take the packet (IBA 7.2): a DOWN port takes none,
         * one in INIT only subnet management packets (VL15).
         */
        PORT_STATE
    }

    /**
     * One packet the transport sent: what a capture should decode it as; {@code syndrome} is the
     * AETH's (IBA 9.3.5) for a packet that has one, else -1. {@code timeNs} is when the device
     * handed it to its port, {@code wireNs} when its first bit goes onto the wire, later while the
     * port's wire is still busy with the packets before it.
     */
    public record Sent(long timeNs, long wireNs, int opcode, int psn, int destQp, int slid, int dlid, int syndrome) {
        /** What bytes {@code packet} (LRH onwards) would be logged as, handed over at {@code timeNs}. */
        public static Sent of(long timeNs, byte[] packet) {
            return of(timeNs, timeNs, packet);
        }

        /** As {@link #of(long, byte[])}, starting onto the wire at {@code wireNs}. */
        public static Sent of(long timeNs, long wireNs, byte[] packet) {
            org.ibmodel.sim.wire.Lrh lrh = new org.ibmodel.sim.wire.Lrh().wrap(packet, 0);
            boolean global = lrh.lnh() == org.ibmodel.sim.wire.Lrh.LNH_IBA_GLOBAL;
            int bthAt = org.ibmodel.sim.wire.Lrh.HEADER_LENGTH + (global ? org.ibmodel.sim.wire.Grh.HEADER_LENGTH : 0);
            org.ibmodel.sim.wire.Bth bth = new org.ibmodel.sim.wire.Bth().wrap(packet, bthAt);
            org.ibmodel.sim.wire.Opcode op = org.ibmodel.sim.wire.OpcodeTable.lookup(bth.opCode());
            int aethAt = bthAt + org.ibmodel.sim.wire.Bth.HEADER_LENGTH;
            int syndrome = op != null && op.hasAeth() && packet.length > aethAt ? packet[aethAt] & 0xff : -1;
            return new Sent(timeNs, wireNs, bth.opCode(), bth.psn(), bth.destQp(), lrh.slid(), lrh.dlid(),
                    syndrome);
        }

        /** This record without its wait for the wire, as {@link #of(long, byte[])} makes it at hand-over. */
        public Sent handedOver() {
            return new Sent(timeNs, timeNs, opcode, psn, destQp, slid, dlid, syndrome);
        }
    }

    private static final int PAGE = HostMemory.PAGE_SIZE;

    private final Scheduler scheduler;
    private final String name;
    private final Map<Drop, Long> drops = new EnumMap<>(Drop.class);
    private final Map<String, Long> malformed = new TreeMap<>();
    private final List<Sent> sentLog = new ArrayList<>();
    private final PacketBuilder builder = new PacketBuilder();
    /** Where a packet is built when its port has no cable: it goes nowhere. */
    private final byte[] frame = new byte[PacketBuilder.MAX_PKTLEN_BYTES + 64];
    /** The array the packet begun is built in. */
    private byte[] building;
    private FabricPort[] ports = new FabricPort[0];
    private Firmware firmware;
    private Dma dma;
    private Requester requester;
    private Responder responder;
    private Completer completer;
    private ReceiveDemux demux;
    private boolean logSent;
    private long packetsSent;
    private TransportObserver observer;
    /** Views over a packet sent, for what its headers tell the observer. */
    private final Lrh sentLrh = new Lrh();
    private final Bth sentBth = new Bth();
    private TransportPolicy policy = TransportPolicy.CORRECT;

    public Transport(Scheduler scheduler, String name) {
        this.scheduler = scheduler;
        this.name = name;
    }

    /** Connects the stages to the HCA whose firmware owns the contexts. */
    public void bind(Hca hca) {
        this.firmware = hca.firmware();
        this.dma = new Dma(hca.hostMemory());
        this.requester = new Requester(this);
        this.completer = new Completer(this);
        this.responder = new Responder(this);
        this.demux = new ReceiveDemux(this);
        this.ports = new FabricPort[firmware.caps().numPorts() + 1];
    }

    /** What the fabric delivers packets of HCA port {@code port} to. */
    public PacketSink sink(int port) {
        return new PacketSink() {
            @Override
            public void receive(FabricPort fp, byte[] packet) {
                receive(fp, packet, Crcs.State.UNVERIFIED);
            }

            @Override
            public void receive(FabricPort fp, byte[] packet, Crcs.State crcs) {
                // IBA 7.2: what the port takes depends on its state, a field kept with it.
                HcaPort p = firmware.port(port);
                if (p.receives(onVl15(packet))) {
                    p.received(packet.length, isMulticast(packet));
                    demux.receive(port, packet, crcs);
                } else {
                    count(Drop.PORT_STATE);
                }
                // The receive path keeps nothing of the packet (see ReceiveDemux).
                fp.pool().give(packet);
            }

            @Override
            public void unsent(FabricPort fp, byte[] packet) {
                firmware.port(port).unsent(packet.length, isMulticast(packet));
            }

            @Override
            public void linkStateChanged(FabricPort fp, Link.State state) {
                firmware.port(port).link(state == Link.State.UP);
            }
        };
    }

    /**
     * The fabric port HCA port {@code port} sends on. Once it is cabled, the HCA port takes the
     * state, width and speed of its link.
     */
    public void attach(int port, FabricPort fabricPort) {
        ports[port] = fabricPort;
        // A port the device has not opened does not drive the link it is plugged into.
        fabricPort.enable(firmware.port(port).opened());
        cable(port);
    }

    public String name() {
        return name;
    }

    /** Records every packet sent in {@link #sentLog()} (off by default: it grows without bound). */
    public void logSent(boolean on) {
        logSent = on;
    }

    /** Tells {@code o} each RC transport step (null, the default: nobody; nothing else changes). */
    public void observer(TransportObserver o) {
        observer = o;
    }

    TransportObserver observer() {
        return observer;
    }

    /** Mutation tests only: replaces the transport's own decisions with {@code p}. */
    void policy(TransportPolicy p) {
        policy = p;
        firmware.policy(p);
    }

    TransportPolicy policy() {
        return policy;
    }

    public List<Sent> sentLog() {
        return List.copyOf(sentLog);
    }

    public long packetsSent() {
        return packetsSent;
    }

    public long dropped(Drop d) {
        return drops.getOrDefault(d, 0L);
    }

    public Map<Drop, Long> drops() {
        return Map.copyOf(drops);
    }

    /** Malformed packets by Packet.parse drop reason. */
    public Map<String, Long> malformed() {
        return Map.copyOf(malformed);
    }

    // ---- TransportStage ---------------------------------------------------------------------

    @Override
    public void submit(QpContext qp, SendWqe wqe) {
        TransportQp t = qp(qp);
        t.pending.add(wqe);
        requester.run(t);
    }

    @Override
    public void drop(QpContext qp) {
        TransportQp t = qp.transportQp;
        qp.transportQp = null;
        if (t != null) {
            t.dropped = true;
            t.cancelTimers();
            // Responses the rate still held die with the QP; their buffers go back to the pool.
            for (TransportQp.Held h; (h = t.heldResponses.poll()) != null; ) {
                ports[h.port()].pool().give(h.packet());
            }
        }
    }

    @Override
    public void dropSends(QpContext qp) {
        TransportQp t = qp.transportQp;
        if (t == null) {
            return;
        }
        t.cancelRequesterTimers();
        t.rnrWait = false;
        // The local error that led here halted the requester; SQERR2RTS starts it afresh.
        t.requesterHalted = false;
        while (!t.inflight.isEmpty()) {
            t.recycle(t.inflight.removeFirst());
        }
        t.pending.clear();
        t.cursor = 0;
        t.cursorPsn = t.nextPsn;
    }

    @Override
    public int recvInProgress(QpContext qp) {
        TransportQp t = qp.transportQp;
        return t == null ? -1 : t.recvWqe;
    }

    @Override
    public int inProgress(QpContext qp) {
        TransportQp t = qp.transportQp;
        return t == null ? 0 : t.inflight.size();
    }

    /** HCA.md §2.1: the ports stop driving their links, which go down and lose what is on them. */
    @Override
    public void halt() {
        for (int p = 1; p < ports.length; p++) {
            drive(p, false);
        }
    }

    /** The port stops driving its link: the link goes down, for the peer too (§3.7). */
    @Override
    public void portDisabled(int port) {
        drive(port, false);
    }

    /** §2.2, §3.7: an opened port drives its link, which trains if the cable and the peer let it. */
    @Override
    public void portEnabled(int port) {
        drive(port, true);
    }

    private void drive(int port, boolean on) {
        if (port < ports.length && ports[port] != null) {
            ports[port].enable(on);
        }
    }

    /**
     * §2.2, §3.7: the HCA port takes the state, width and speed of the link plugged into it, when
     * it is attached and when the device makes it anew. A link the port cannot run at is a wiring
     * mistake: the model's link has one width and speed for both ends, which the port must support.
     */
    @Override
    public void cable(int port) {
        FabricPort fp = port < ports.length ? ports[port] : null;
        Link l = fp == null ? null : fp.link();
        if (l == null) {
            return;
        }
        if (!HcaPort.supports(l.width(), l.speed())) {
            throw new IllegalArgumentException(name + " port " + port + " cannot run link " + l + ": "
                    + HcaPort.SUPPORTED);
        }
        firmware.port(port).cable(l.state() == Link.State.UP, l.width(), l.speed(), fp.neighborMtu());
    }

    @Override
    public void resume(QpContext qp) {
        TransportQp t = qp.transportQp;
        if (t != null) {
            requester.run(t);
        }
    }

    @Override
    public void answered(QpContext qp, QpTransition t, boolean sqdEvent, boolean optpar, Status status) {
        if (observer != null) {
            observer.qpCommand(this, qp.qpn(), t.name(), sqdEvent, optpar, status);
        }
    }

    @Override
    public void pathCommand(QpContext qp) {
        pathMigration(qp, "command");
    }

    /**
     * A QP that sent or received already (a passive side receiving in RTR) has its transport state
     * from then; a later command's PSNs and retry counts reach it at once, as rxe_qp_from_attr and
     * rvt_modify_qp set req.psn, resp.psn, comp.retry_cnt and comp.rnr_retry at the modify.
     */
    @Override
    public void contextLoaded(QpContext ctx, QpTransition t, int optpar) {
        TransportQp q = ctx.transportQp;
        if (q == null || q.dropped) {
            return;
        }
        if (t.always().contains(Layout.QpCtx.SQ_PSN)) {
            q.sendFrom((int) ctx.get(Layout.QpCtx.SQ_PSN));
        }
        if (t.always().contains(Layout.QpCtx.RQ_PSN)) {
            q.expectedPsn = (int) ctx.get(Layout.QpCtx.RQ_PSN);
            q.ackPsn = q.expectedPsn;
        }
        if (Layout.Optpar.RETRY_CNT.extract(optpar) != 0) {
            q.retryLeft = ctx.retryCnt();
        }
        if (Layout.Optpar.RNR_RETRY.extract(optpar) != 0) {
            q.rnrLeft = ctx.rnrRetry();
        }
    }

    @Override
    public void sqDrainedPosted(QpContext qp) {
        if (observer != null) {
            observer.sqDrained(this, qp.qpn());
        }
    }

    // ---- shared by the stages -----------------------------------------------------------------

    Scheduler scheduler() {
        return scheduler;
    }

    Firmware firmware() {
        return firmware;
    }

    Requester requester() {
        return requester;
    }

    Completer completer() {
        return completer;
    }

    Responder responder() {
        return responder;
    }

    /** The transport state of a QP, created from its context on first use. */
    TransportQp qp(QpContext ctx) {
        // The firmware has one context per QPN for the device's lifetime, so the context can
        // hold the QP's transport state.
        TransportQp t = ctx.transportQp;
        if (t == null) {
            t = new TransportQp(ctx);
            ctx.transportQp = t;
        }
        return t;
    }

    /** The transport state of a live QP, or null when it was dropped meanwhile. */
    TransportQp live(TransportQp t) {
        // Equivalent to t.ctx.transportQp == t: a QP's state is made once and dropped once.
        return t.dropped ? null : t;
    }

    void count(Drop d) {
        drops.merge(d, 1L, Long::sum);
    }

    void countMalformed(String reason) {
        count(Drop.MALFORMED);
        malformed.merge(reason, 1L, Long::sum);
    }

    HcaPort port(TransportQp t) {
        return firmware.port(portNum(t));
    }

    int portNum(TransportQp t) {
        int p = t.ctx.port();
        return p < 1 || p >= ports.length ? 1 : p;
    }

    /** The QP's P_Key: the entry its pkey_index names in its port's table (IBA 10.9.2). */
    int pkey(TransportQp t) {
        return port(t).pkey(t.ctx.pkeyIndex());
    }

    /** IBA 10.9.3: keys match in their low 15 bits, and at least one is a full member. */
    static boolean pkeyMatches(int a, int b) {
        return (a & 0x7fff) == (b & 0x7fff) && (a & 0x7fff) != 0 && ((a | b) & 0x8000) != 0;
    }

    /** Path MTU in bytes; UD uses the port's active MTU, its NeighborMTU (ib_mtu 1..5 is 256..4096). */
    int mtu(TransportQp t) {
        int code = t.ctx.pathMtu();
        if (t.ctx.datagram() || code < 1 || code > 5) {
            return port(t).activeMtuBytes();
        }
        return FabricPort.mtuBytes(code);
    }

    /**
     * Starts a packet with LRH and BTH filled; a {@code global} one has room for a GRH, which
     * {@link #grh} fills.
     */
    PacketBuilder begin(TransportQp t, Opcode op, boolean global, int dlid, int sl, int srcPathBits, int destQp,
            int psn, int payloadLength) {
        HcaPort p = port(t);
        // Built straight into the array it travels in when the port is cabled: the length is
        // known from the opcode and the payload before the first byte is written.
        FabricPort fp = ports[portNum(t)];
        building = fp != null ? fp.pool().take(PacketBuilder.frameLength(op, global, payloadLength)) : frame;
        builder.wrap(building, 0).begin(op, global);
        builder.lrh().vl(0).sl(sl).dlid(dlid).slid(p.slid(srcPathBits));
        builder.bth().pKey(pkey(t)).destQp(destQp).psn(psn & Psn.MASK);
        return builder;
    }

    /**
     * IBA 8.3: the GRH of a packet begun global, from an address vector's GRH fields; the SGID is
     * entry {@code sgidIndex} of the port's GID table, PayLen follows when the packet is finished.
     */
    void grh(PacketBuilder b, TransportQp t, int sgidIndex, int hopLimit, int trafficClass, int flowLabel,
            long dgidPrefix, long dgidInterfaceId) {
        HcaPort p = port(t);
        b.grh().tClass(trafficClass).flowLabel(flowLabel).hopLmt(hopLimit)
                .sgid(p.gidPrefix(sgidIndex), p.gidInterfaceId(sgidIndex)).dgid(dgidPrefix, dgidInterfaceId);
    }

    /** Starts a packet to the QP's connected peer (RC and UC: the context's address path, §4.5). */
    PacketBuilder beginToPeer(TransportQp t, Opcode op, int psn, int payloadLength) {
        QpContext c = t.ctx;
        PacketBuilder b = begin(t, op, c.grh(), c.dlid(), c.sl(), c.srcPathBits(), c.remoteQpn(), psn, payloadLength);
        // §5.10: MigReq tells the peer this QP has migrated (qib_ruc.c, qib_make_ruc_header).
        b.bth().migReq(c.pmState() == Layout.QpCtx.PM_MIGRATED);
        if (c.grh()) {
            byte[] raw = c.raw();
            grh(b, t, Layout.QpCtx.SGID_INDEX.getInt(raw, 0), Layout.QpCtx.HOP_LIMIT.getInt(raw, 0),
                    Layout.QpCtx.TRAFFIC_CLASS.getInt(raw, 0), Layout.QpCtx.FLOW_LABEL.getInt(raw, 0),
                    Layout.QpCtx.DGID.high64(raw, 0), Layout.QpCtx.DGID.low64(raw, 0));
        }
        return b;
    }

    /**
     * Finishes the packet begun and puts it on the QP's port. Its CRCs are left for the fabric to
     * write where anything could see or change the bytes (wire.Crcs): an HCA computes them in
     * hardware at line rate, and a model that computed every one would spend a fifth of its time
     * on CRCs nobody reads.
     */
    int send(TransportQp t) {
        int len = builder.finishWithoutCrcs();
        byte[] packet = building;
        building = null;
        if (packet != frame && len != packet.length) {
            throw new IllegalStateException(name + ": packet of " + len + " bytes built in " + packet.length);
        }
        transmit(portNum(t), packet, len, t.qpn());
        return len;
    }

    private void transmit(int port, byte[] packet, int len, int sender) {
        packetsSent++;
        if (observer != null) {
            observer.sent(this, sender, port, migReq(packet));
        }
        if (logSent) {
            long now = scheduler.now();
            FabricPort fp = port < ports.length ? ports[port] : null;
            sentLog.add(Sent.of(now, fp == null ? now : fp.wireFreeAt(now), packet));
        }
        if (packet != frame) {
            boolean multicast = isMulticast(packet);
            HcaPort hp = firmware.port(port);
            // IBA 7.2: a port sends only what its state lets it; the rest it discards, as
            // qib_sdma_verbs_send (drivers/infiniband/hw/qib/qib_sdma.c) completes a request
            // whose link is not active without sending it: the QP goes on as if it had gone.
            if (!multicast && hp.ownsLid(dlid(packet))) {
                // Never on the link, so counted neither way, as a multicast copy (§3.12).
                if (hp.maySend(onVl15(packet))) {
                    loopBackUnicast(port, packet, sender);
                } else {
                    ports[port].pool().give(packet);
                }
                return;
            }
            // IBA 16.1.4.3: no payload longer than the port's NeighborMTU goes on the cable.
            if (Packet.exceedsMtu(packet, len, hp.activeMtuBytes())) {
                hp.tooLong();
                ports[port].pool().give(packet);
                return;
            }
            if (!hp.transmit(len, multicast, onVl15(packet))) {
                ports[port].pool().give(packet);
                return;
            }
            if (multicast) {
                loopBack(port, packet, sender);
            }
            ports[port].xmit(packet, Crcs.State.PENDING);
        }
    }

    private static int dlid(byte[] packet) {
        return (packet[2] & 0xff) << 8 | (packet[3] & 0xff);
    }

    /**
     * A packet for one of the port's own LIDs goes from its send side to its receive side inside
     * the HCA and never reaches the cable, as rxe (rxe_loopback), hfi1 (ud_loopback) and qib
     * (qib_ud_loopback) deliver it: at the same virtual time, as an event of its own.
     */
    private void loopBackUnicast(int port, byte[] packet, int sender) {
        scheduler.schedule(0, name + " loopback", () -> {
            demux.receive(port, packet, Crcs.State.PENDING, sender);
            ports[port].pool().give(packet);
        });
    }

    /**
     * §5.9: finishes a response (ACK, NAK, atomic ACK, RDMA READ response) and sends it when the
     * QP's static rate lets it, after the responses held before it and before any request. The
     * rate paces every packet the QP puts on the wire, its requests (Requester.sendPacket) and
     * its responses alike.
     */
    void sendResponse(TransportQp t) {
        long now = scheduler.now();
        if (building == frame || (t.heldResponses.isEmpty() && t.pacedUntil <= now)) {
            long gap = StaticRate.gapNs(t.ctx.staticRate(), send(t), port(t));
            if (gap > 0) {
                t.pacedUntil = now + gap;
            }
            return;
        }
        int len = builder.finishWithoutCrcs();
        byte[] packet = building;
        building = null;
        if (len != packet.length) {
            throw new IllegalStateException(name + ": packet of " + len + " bytes built in " + packet.length);
        }
        t.heldResponses.add(new TransportQp.Held(portNum(t), packet));
        if (t.responseTimer == null) {
            t.responseTimer = scheduler.event(name + " qp 0x" + Integer.toHexString(t.qpn()) + " static rate (responses)",
                    () -> releaseResponse(t));
        }
        if (!t.responseTimer.isPending()) {
            t.responseTimer.armAt(t.pacedUntil);
        }
    }

    /**
     * Sends the oldest held response if the rate allows it now, and waits for the rest; the
     * requester calls it too, as responses go before requests.
     */
    void releaseResponse(TransportQp t) {
        if (live(t) == null || t.heldResponses.isEmpty()) {
            return;
        }
        long now = scheduler.now();
        if (t.pacedUntil <= now) {
            TransportQp.Held h = t.heldResponses.poll();
            transmit(h.port(), h.packet(), h.packet().length, t.qpn());
            t.pacedUntil = now + StaticRate.gapNs(t.ctx.staticRate(), h.packet().length, firmware.port(h.port()));
        }
        if (!t.heldResponses.isEmpty()) {
            t.responseTimer.armAt(Math.max(now, t.pacedUntil));
        }
    }

    /** Whether a packet (LRH onwards) is on VL15, a subnet management packet's lane (IBA 7.6.5). */
    private static boolean onVl15(byte[] packet) {
        return packet.length > 0 && (packet[0] & 0xf0) >>> 4 == ReceiveDemux.VL15;
    }

    private static boolean isMulticast(byte[] packet) {
        if (packet.length < 4) {
            return false;
        }
        int dlid = dlid(packet);
        return dlid >= ReceiveDemux.FIRST_MULTICAST_LID && dlid <= ReceiveDemux.LAST_MULTICAST_LID;
    }

    /**
     * HCA.md §3.11: the HCA replicates a multicast packet it sends to the QPs of the same port
     * attached to the group, the sender's own among them (IPoIB drops those by their SLID and
     * source QP, ipoib_ib_handle_rx_wc). The copy is taken now and goes through the receive path
     * as an event of its own at the same virtual time, after the sending stage has returned.
     */
    private void loopBack(int port, byte[] packet, int sender) {
        byte[] copy = ports[port].pool().take(packet.length);
        System.arraycopy(packet, 0, copy, 0, packet.length);
        scheduler.schedule(0, name + " multicast loopback", () -> {
            demux.receive(port, copy, Crcs.State.PENDING, sender);
            ports[port].pool().give(copy);
        });
    }

    /** Gives up the packet begun: a DMA into it failed, and nothing is sent. */
    void discard(TransportQp t) {
        byte[] packet = building;
        building = null;
        if (packet != frame) {
            ports[portNum(t)].pool().give(packet);
        }
    }

    // ---- memory through keys (§4.1) ------------------------------------------------------------

    /** {@code len} bytes at {@code va} through {@code key}, or null on a protection error. */
    byte[] read(int key, int pd, long va, int len, Field access) {
        byte[] out = new byte[len];
        return len == 0 || copy(key, pd, va, out, 0, len, access, false) ? out : null;
    }

    /** Reads {@code len} bytes at {@code va} through {@code key} into {@code dst}; false on a protection error. */
    boolean read(int key, int pd, long va, byte[] dst, int off, int len, Field access) {
        return len == 0 || copy(key, pd, va, dst, off, len, access, false);
    }

    /** Whether {@code len} bytes at {@code va} may be reached through {@code key}: §4.1's checks, no data moved. */
    boolean reachable(int key, int pd, long va, int len, Field access) {
        return len == 0 || firmware.translate(key, pd, va, len, access) >= 0;
    }

    /** Writes {@code len} bytes of {@code src} at {@code va} through {@code key}; false on a protection error. */
    boolean write(int key, int pd, long va, byte[] src, int off, int len, Field access) {
        return len == 0 || copy(key, pd, va, src, off, len, access, true);
    }

    private boolean copy(int key, int pd, long va, byte[] buf, int off, int len, Field access, boolean toMemory) {
        long first = firmware.translate(key, pd, va, len, access);
        if (first < 0) {
            return false;
        }
        // Page by page: consecutive virtual pages need not be consecutive in host memory. The
        // whole range passed the checks, so the first page's address is already known.
        int done = 0;
        while (done < len) {
            long at = va + done;
            int chunk = (int) Math.min(len - done, PAGE - (at & (PAGE - 1)));
            long pa = done == 0 ? first : firmware.translate(key, pd, at, chunk, access);
            if (pa < 0 || !(toMemory ? dma.tryWrite(pa, buf, off + done, chunk) : dma.tryRead(pa, buf, off + done, chunk))) {
                return false;
            }
            done += chunk;
        }
        return true;
    }

    void readHost(long addr, byte[] dst, int len) {
        dma.read(addr, dst, 0, len);
    }

    /**
     * The data segments of a WQE as they sit in its bytes, {@code [from, to)}: one
     * {@link Layout.Data} entry each, and an invalid lkey ends the list (§5.5). Read in place, so
     * the DMA path builds no list per message.
     */
    record Segments(byte[] wqe, int from, int to) {
        static final Segments NONE = new Segments(new byte[0], 0, 0);

        /** Offset of the segment after the one at {@code off}, or -1 at the end of the list. */
        int next(int off) {
            int n = off < 0 ? from : off + Layout.Data.SIZE;
            return n + Layout.Data.SIZE <= to && Layout.Data.LKEY.getInt(wqe, n) != Layout.Data.INVALID_LKEY ? n : -1;
        }

        long addr(int off) {
            return Layout.Data.ADDR.get(wqe, off);
        }

        int length(int off) {
            return Layout.Data.BYTE_COUNT.getInt(wqe, off);
        }

        int lkey(int off) {
            return Layout.Data.LKEY.getInt(wqe, off);
        }

        long total() {
            long n = 0;
            for (int off = next(-1); off >= 0; off = next(off)) {
                n += length(off);
            }
            return n;
        }
    }

    /**
     * Writes {@code len} bytes of {@code src} at byte {@code offset} of a scatter list, with
     * local write access. Returns 0, or the syndrome: LOCAL_LENGTH_ERR when the list is too
     * short, LOCAL_PROT_ERR when a key refuses.
     */
    Syndrome scatter(int pd, Segments sges, long offset, byte[] src, int off, int len) {
        long skip = offset;
        int left = len;
        int from = off;
        for (int s = sges.next(-1); s >= 0 && left > 0; s = sges.next(s)) {
            int length = sges.length(s);
            if (skip >= length) {
                skip -= length;
                continue;
            }
            int n = (int) Math.min(left, length - skip);
            if (!write(sges.lkey(s), pd, sges.addr(s) + skip, src, from, n, Layout.Mpt.LOCAL_WRITE)) {
                return Syndrome.LOCAL_PROT_ERR;
            }
            skip = 0;
            from += n;
            left -= n;
        }
        return left == 0 ? null : Syndrome.LOCAL_LENGTH_ERR;
    }

    // ---- completions and errors (§6, §7) ------------------------------------------------------

    CompletionQueue cq(TransportQp t, boolean send) {
        return firmware.cqs().cq(t.ctx.cqn(send));
    }

    /**
     * Writes a CQE of the QP's send or receive queue. False when its CQ is in error: the QP then
     * had a catastrophic error and is in ERR (QpTable.catastrophic), and the caller stops.
     */
    boolean postCqe(TransportQp t, boolean send, byte[] cqe, boolean solicited) {
        CompletionQueue cq = cq(t, send);
        if (cq == null || cq.post(cqe, solicited)) {
            return true;
        }
        firmware.qps().catastrophic(t.ctx);
        return false;
    }

    static byte[] errorCqe(int qpn, int wqe, boolean send, Syndrome s) {
        byte[] b = QpTable.flushCqe(qpn, wqe, send);
        Layout.Cqe.SYNDROME.set(b, 0, s.value());
        return b;
    }

    /** The QP enters ERR: what is outstanding is flushed in order (QpTable.error). */
    void error(TransportQp t) {
        firmware.qps().error(t.ctx);
    }

    /**
     * A send WQE completed in error: an RC QP enters ERR; a UD or UC QP enters SQE (IBA 10.3.1,
     * as mlx4's hardware does), its send queue flushed and its receive side going on.
     */
    void sendError(TransportQp t) {
        if (t.rc()) {
            error(t);
        } else {
            firmware.qps().sendQueueError(t.ctx);
        }
    }

    /** An affiliated asynchronous event of the QP (IBA 11.6.3.1). */
    void event(TransportQp t, EventType type) {
        firmware.eqs().post(type, 0, t.qpn());
        if (type == EventType.SQ_DRAINED) {
            sqDrainedPosted(t.ctx);
        }
    }

    /** §5.10: the QP takes its alternate path, by {@code cause} (see TransportObserver), and says so. */
    void migrate(TransportQp t, String cause) {
        t.ctx.migrate();
        pathMigration(t.ctx, cause);
        event(t, EventType.PATH_MIG);
    }

    /** Tells the observer the QP's path migration state, changed by {@code cause}. */
    void pathMigration(QpContext qp, String cause) {
        if (observer != null) {
            int pm = qp.pmState();
            observer.pathMigration(this, qp.qpn(), pm == Layout.QpCtx.PM_MIGRATED ? "MIGRATED"
                    : pm == Layout.QpCtx.PM_REARM ? "REARM" : "ARMED", cause);
        }
    }

    /** The MigReq bit of a packet's BTH, after the LRH and a GRH if the LRH says one follows. */
    private boolean migReq(byte[] packet) {
        int bth = Lrh.HEADER_LENGTH
                + (sentLrh.wrap(packet, 0).lnh() == Lrh.LNH_IBA_GLOBAL ? Grh.HEADER_LENGTH : 0);
        return packet.length >= bth + Bth.HEADER_LENGTH && sentBth.wrap(packet, bth).migReq();
    }

    /**
     * IBA 9.6.1.5 (qib_ruc.c, qib_ruc_check_hdr): whether a packet for a connected QP came by its
     * path, the GRH half, which qib and hfi1 check before the P_Key. {@link #byPrimaryLid} is the
     * other half.
     */
    boolean byPrimaryGrh(TransportQp t, Packet p) {
        byte[] c = t.ctx.raw();
        return grhMatches(p, t.ctx.grh(), Layout.QpCtx.DGID.high64(c, 0), Layout.QpCtx.DGID.low64(c, 0));
    }

    /** The other half, checked after the P_Key: to the path's port, from the LID it names. */
    boolean byPrimaryLid(TransportQp t, int portNum, Packet p) {
        QpContext c = t.ctx;
        return c.port() == portNum && p.lrh().slid() == c.dlid();
    }

    /** §5.10: {@link #byPrimaryGrh} for the QP's alternate path. */
    boolean byAlternateGrh(TransportQp t, Packet p) {
        byte[] c = t.ctx.raw();
        return grhMatches(p, Layout.QpCtx.ALT_GRH.isSet(c, 0), Layout.QpCtx.ALT_DGID.high64(c, 0),
                Layout.QpCtx.ALT_DGID.low64(c, 0));
    }

    /** §5.10: {@link #byPrimaryLid} for the QP's alternate path. */
    boolean byAlternateLid(TransportQp t, int portNum, Packet p) {
        byte[] c = t.ctx.raw();
        return Layout.QpCtx.ALT_PORT.getInt(c, 0) == portNum && p.lrh().slid() == Layout.QpCtx.ALT_DLID.getInt(c, 0);
    }

    /**
     * A GRH exactly when the path asks for one, from the GID it names, under its subnet prefix or
     * the link-local one (qib_ruc.c gid_ok).
     */
    private static boolean grhMatches(Packet p, boolean grh, long dgidPrefix, long dgidInterfaceId) {
        if (p.hasGrh() != grh) {
            return false;
        }
        if (!grh) {
            return true;
        }
        long prefix = p.grh().sgidPrefix();
        return (prefix == dgidPrefix || prefix == HcaPort.DEFAULT_GID_PREFIX)
                && p.grh().sgidInterfaceId() == dgidInterfaceId;
    }

    /**
     * §5.10: the packet's P_Key matches the alternate path's entry of the alternate port's table;
     * false when no alternate port is loaded.
     */
    boolean alternatePkeyMatches(TransportQp t, Packet p) {
        byte[] c = t.ctx.raw();
        int altPort = Layout.QpCtx.ALT_PORT.getInt(c, 0);
        return altPort >= 1 && altPort <= firmware.caps().numPorts() && pkeyMatches(p.bth().pKey(),
                firmware.port(altPort).pkey(Layout.QpCtx.ALT_PKEY_INDEX.getInt(c, 0)));
    }

    @Override
    public String toString() {
        return "Transport[" + name + "]";
    }
}
