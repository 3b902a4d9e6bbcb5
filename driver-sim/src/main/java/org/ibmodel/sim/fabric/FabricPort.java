package org.ibmodel.sim.fabric;

import java.util.Objects;
import org.ibmodel.sim.wire.Crcs;

/**
 * One end of a link: a port of an HCA or of a switch. Switch port 0 is the switch's own
 * management port (the switch model of IBA chapter 18); it has no cable and is reached only
 * through the forwarding table, or by the permissive LID.
 */
public final class FabricPort {
    /** IB_MTU_256 and IB_MTU_4096 (include/rdma/ib_verbs.h enum ib_mtu): 256 << (code - 1) bytes. */
    public static final int MTU_256 = 1;
    public static final int MTU_4096 = 5;

    private final String node;
    private final int portNum;
    private final Switch owner;
    private final PacketPool pool;
    private PacketSink sink;
    private Link link;
    private int lid;
    private int lmc;
    private long droppedNoLink;
    private boolean enabled = true;
    private final int mtuCap;

    FabricPort(String node, int portNum, Switch owner, PacketSink sink, PacketPool pool, int mtuCap) {
        this.node = Objects.requireNonNull(node, "node");
        this.portNum = portNum;
        this.owner = owner;
        this.pool = Objects.requireNonNull(pool, "pool");
        this.sink = sink;
        this.mtuCap = checkMtuCap(name(), mtuCap);
    }

    /** {@code mtuCap}, if it is an IB MTU code (1 to 5); else an exception naming {@code who}. */
    static int checkMtuCap(String who, int mtuCap) {
        if (mtuCap < MTU_256 || mtuCap > MTU_4096) {
            throw new IllegalArgumentException(who + ": MTUCap " + mtuCap + " is not an IB MTU code 1..5");
        }
        return mtuCap;
    }

    /** The bytes of payload an IB MTU code allows. */
    public static int mtuBytes(int code) {
        return 256 << (code - 1);
    }

    /** PortInfo:MTUCap (IBA 14.2.5.6), an IB MTU code: the largest MTU the port supports. */
    public int mtuCap() {
        return mtuCap;
    }

    /**
     * PortInfo:NeighborMTU: the MTU the port sends with, the smaller of its own MTUCap and its
     * peer's, as the subnet manager sets it (OpenSM's osm_physp_calc_link_mtu); its own MTUCap
     * with no cable.
     */
    public int neighborMtu() {
        return link == null ? mtuCap : link.mtu();
    }

    /** The name of the HCA or switch this port belongs to. */
    public String node() {
        return node;
    }

    public int portNum() {
        return portNum;
    }

    /** {@code node/port}, unique within a fabric. */
    public String name() {
        return node + "/" + portNum;
    }

    public boolean isSwitchPort() {
        return owner != null;
    }

    /** The switch this port belongs to, or null for an HCA port. */
    public Switch owner() {
        return owner;
    }

    /** The link plugged into this port, or null. */
    public Link link() {
        return link;
    }

    /**
     * When a packet sent now would start onto the wire: now, or later while the packets before it
     * are still being clocked out; {@code now} with no link.
     */
    public long wireFreeAt(long now) {
        if (link == null) {
            return now;
        }
        return link.busyUntil(link.from(Link.Direction.A_TO_B) == this ? Link.Direction.A_TO_B : Link.Direction.B_TO_A);
    }

    /** The port at the far end of the link, or null when nothing is plugged in. */
    public FabricPort peer() {
        return link == null ? null : link.peerOf(this);
    }

    /** The LID the fabric assigned, 0 if none; with an LMC, the base of its range. */
    public int lid() {
        return lid;
    }

    /** The port's LID mask control: it answers to 2^lmc LIDs from {@link #lid()} (IBA 7.11.1). */
    public int lmc() {
        return lmc;
    }

    /** The port drives its link: a switch port always, an HCA port while its device has it open. */
    public boolean enabled() {
        return enabled;
    }

    /**
     * The port starts or stops driving its link. A link is up only while both its ports drive it,
     * so a port that stops takes it down for its peer too, and one that starts brings it up if
     * the cable and the peer allow (IBA 14.2.5.6: a Disabled port does not train).
     */
    public void enable(boolean on) {
        if (on == enabled) {
            return;
        }
        enabled = on;
        if (link != null) {
            link.retrain();
        }
    }

    /** Packets sent with no cable plugged in: lost like on an unplugged port. */
    public long droppedNoLink() {
        return droppedNoLink;
    }

    /** Puts a copy of {@code packet} on the wire: the caller keeps the array. */
    public void send(byte[] packet) {
        byte[] copy = pool.take(packet.length);
        System.arraycopy(packet, 0, copy, 0, packet.length);
        xmit(copy);
    }

    /**
     * Puts {@code packet}, taken from {@link #pool()}, on the wire and gives up the array: the
     * fabric passes it on, and gives it back to the pool when it is lost on the way.
     */
    public void xmit(byte[] packet) {
        xmit(packet, Crcs.State.UNVERIFIED);
    }

    /**
     * {@link #xmit(byte[])} with what is known of the packet's CRCs: an HCA sends them
     * {@link Crcs.State#PENDING}, and the fabric writes them wherever something could see or
     * change the bytes ({@link Crcs}); a packet from anywhere else is
     * {@link Crcs.State#UNVERIFIED}. Returns false when the packet could not leave: no cable, or
     * the link is down.
     */
    public boolean xmit(byte[] packet, Crcs.State crcs) {
        if (link == null) {
            droppedNoLink++;
            pool.give(packet);
            return false;
        }
        return link.transmit(this, packet, crcs);
    }

    /** The link lost {@code packet} before its first bit left this port ({@link PacketSink#unsent}). */
    void unsent(byte[] packet) {
        if (sink != null) {
            sink.unsent(this, packet);
        }
    }

    /** Where the packets sent through this port come from and go back to. */
    public PacketPool pool() {
        return pool;
    }

    void attach(Link l) {
        this.link = l;
    }

    void lid(int lid, int lmc) {
        this.lid = lid;
        this.lmc = lmc;
    }

    void sink(PacketSink s) {
        this.sink = s;
    }

    PacketSink sink() {
        return sink;
    }

    void deliver(byte[] packet, Crcs.State crcs) {
        sink.receive(this, packet, crcs);
    }

    void linkStateChanged(Link.State state) {
        if (sink != null) {
            sink.linkStateChanged(this, state);
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
