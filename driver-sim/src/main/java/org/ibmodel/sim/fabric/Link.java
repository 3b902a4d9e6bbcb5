package org.ibmodel.sim.fabric;

import java.util.Objects;
import org.ibmodel.sim.sched.DelayLine;
import org.ibmodel.sim.sched.Scheduler;
import org.ibmodel.sim.wire.Crcs;

/**
 * A cable between two ports. Each direction clocks out one packet at a time in the order it was
 * given them and delivers them in that order: IB links never reorder, and the transports'
 * PSN checks count on it.
 *
 * <p>A packet starts when the wire is free, {@code start = max(now, busyUntil)}, occupies it for
 * its serialization time, and arrives a propagation delay after its last bit left. The wire keeps
 * the time it frees exactly (whole nanoseconds and a remainder), so a burst of packets takes
 * exactly its bits' time, and only each arrival is rounded up to the nanosecond. Delivery is
 * store-and-forward: the receiver sees the packet when its last bit is in. Buffers are unbounded;
 * credit-based flow control (IBA 7.9) and virtual lanes are not modelled, which keeps the link
 * lossless and ordered as IB is.
 *
 * <p>A packet may cross with its CRCs pending ({@link Crcs}); the link writes them before it
 * flips a bit in the packet (which makes the packet {@link Crcs.State#UNVERIFIED}) or shows it
 * to a tap, so the damage is seen and the tap sees the bytes a real wire would carry.
 */
public final class Link {

    /** The two directions of a full-duplex link. */
    public enum Direction {
        A_TO_B,
        B_TO_A
    }

    /**
     * Physical link state: of the link as the ports see it ({@link #state()}), or of the cable
     * alone ({@link #cableState()}).
     */
    public enum State {
        UP,
        DOWN
    }

    // Roughly two thirds of c in copper and fibre.
    static final double PROPAGATION_NS_PER_METRE = 5.0;

    /** One direction: its own wire, queue of packets in flight and counters. */
    private final class Wire {
        final Direction dir;
        final FabricPort from;
        final FabricPort to;
        final String deliverLabel;
        /**
         * Packets sent and not yet arrived. A wire delivers in the order it sends (busyUntil only
         * grows and the delay is fixed), so one line serves every arrival.
         */
        final DelayLine<byte[]> inFlight;
        final LinkCounters counters = new LinkCounters();
        /** The wire is free from busyUntil + busyRem / den ns on; 0 <= busyRem < den. */
        long busyUntil;
        long busyRem;

        Wire(Direction dir, FabricPort from, FabricPort to) {
            this.dir = dir;
            this.from = from;
            this.to = to;
            this.deliverLabel = "deliver " + from.name() + "->" + to.name();
            this.inFlight = new DelayLine<>(scheduler, deliverLabel, (packet, tag) -> arrive(this, packet, Crcs.State.of(tag)));
        }
    }

    private final Scheduler scheduler;
    private final FaultPlan faults;
    private final Taps taps;
    private final Crcs writer = new Crcs();
    private final PacketPool pool;
    private final String name;
    private final FabricPort a;
    private final FabricPort b;
    private final LinkWidth width;
    private final LinkSpeed speed;
    private final long propagationNs;
    /** Both ends' NeighborMTU: the smaller of their MTUCaps (an IB MTU code). */
    private final int mtu;
    private final Wire aToB;
    private final Wire bToA;
    // Plugged in and whole (UP), or pulled (DOWN): what faults and tests change.
    private State cable = State.UP;
    // The link trained over it: the cable UP and neither end disabled.
    private State state;
    private long linkDowned;
    // Serialization times are nsNumerator / den ns. The quotient and remainder of the last length
    // sent: packets of one flow repeat their length, and a division costs more than the rest of
    // a transmit.
    private final long den;
    private int lastLength = -1;
    private long lastWholeNs;
    private long lastRem;

    Link(Scheduler scheduler, FaultPlan faults, Taps taps, PacketPool pool, FabricPort a, FabricPort b,
            LinkWidth width, LinkSpeed speed, long propagationNs) {
        if (propagationNs < 0) {
            throw new IllegalArgumentException("negative propagation delay " + propagationNs);
        }
        this.scheduler = scheduler;
        this.faults = faults;
        this.taps = taps;
        this.pool = pool;
        this.a = a;
        this.b = b;
        this.width = Objects.requireNonNull(width, "width");
        this.speed = Objects.requireNonNull(speed, "speed");
        this.propagationNs = propagationNs;
        this.mtu = Math.min(a.mtuCap(), b.mtuCap());
        this.den = speed.nsDenominator(width);
        this.name = a.name() + "<->" + b.name();
        this.aToB = new Wire(Direction.A_TO_B, a, b);
        this.bToA = new Wire(Direction.B_TO_A, b, a);
        this.state = trained();
    }

    static long propagationNs(double metres) {
        if (!(metres >= 0)) {
            throw new IllegalArgumentException("cable length " + metres + " m");
        }
        return (long) Math.ceil(metres * PROPAGATION_NS_PER_METRE);
    }

    public String name() {
        return name;
    }

    public FabricPort a() {
        return a;
    }

    public FabricPort b() {
        return b;
    }

    public LinkWidth width() {
        return width;
    }

    public LinkSpeed speed() {
        return speed;
    }

    /** The MTU both ends send with, the smaller of their MTUCaps ({@link FabricPort#neighborMtu}). */
    public int mtu() {
        return mtu;
    }

    public long propagationNs() {
        return propagationNs;
    }

    /**
     * The link as both ports see it: UP only while the cable is and both ports drive it (an HCA
     * port the device has not opened, or has closed, does not; IBA 14.2.5.6, PortPhysicalState Disabled).
     */
    public State state() {
        return state;
    }

    /** The cable alone, whatever its ports do: what {@link #changeState} changes. */
    public State cableState() {
        return cable;
    }

    /** Times the link went from UP to DOWN (PortCounters LinkDownedCounter). */
    public long linkDowned() {
        return linkDowned;
    }

    public FabricPort from(Direction dir) {
        return wire(dir).from;
    }

    public FabricPort to(Direction dir) {
        return wire(dir).to;
    }

    /** The port at the other end from {@code port}. */
    public FabricPort peerOf(FabricPort port) {
        if (port == a) {
            return b;
        }
        if (port == b) {
            return a;
        }
        throw new IllegalArgumentException(port + " is not an end of " + name);
    }

    public LinkCounters counters(Direction dir) {
        return wire(dir).counters;
    }

    /** Both directions summed, as a fresh object. */
    public LinkCounters counters() {
        LinkCounters sum = new LinkCounters();
        sum.add(aToB.counters);
        sum.add(bToA.counters);
        return sum;
    }

    /** Packets on the wire in {@code dir}, sent and not yet arrived. */
    public int inFlight(Direction dir) {
        return wire(dir).inFlight.size();
    }

    /** Time the wire in {@code dir} is free for the next packet. */
    public long busyUntil(Direction dir) {
        Wire w = wire(dir);
        return Math.max(scheduler.now(), w.busyUntil + (w.busyRem > 0 ? 1 : 0));
    }

    /** Serialization time of {@code bytes} on this link. */
    public long serializationNs(int bytes) {
        return speed.serializationNs(bytes, width);
    }

    /**
     * Plugs the cable back ({@code UP}) or pulls it ({@code DOWN}). The link follows unless a
     * port keeps it down. Going DOWN loses every packet on the wire in both directions, as a
     * pulled cable would; going UP starts with empty wires. Returns false if the cable already
     * was in {@code next}.
     */
    public boolean changeState(State next) {
        Objects.requireNonNull(next, "next");
        if (next == cable) {
            return false;
        }
        cable = next;
        retrain();
        return true;
    }

    private State trained() {
        return cable == State.UP && a.enabled() && b.enabled() ? State.UP : State.DOWN;
    }

    // The one way the link's state changes, when the cable or an end's drive does: both ends are told.
    void retrain() {
        State next = trained();
        if (next == state) {
            return;
        }
        state = next;
        if (next == State.DOWN) {
            linkDowned++;
            flush(aToB);
            flush(bToA);
        }
        a.linkStateChanged(next);
        b.linkStateChanged(next);
    }

    private void flush(Wire w) {
        long now = scheduler.now();
        w.inFlight.clear((packet, tag, dueNs) -> {
            w.counters.droppedLinkDown++;
            // One still waiting behind others for the wire never left its port: the port counts
            // it discarded (PortXmitDiscards, IBA 16.1.3.5), not sent.
            if (dueNs - propagationNs - serializationNs(packet.length) > now) {
                w.from.unsent(packet);
            }
            pool.give(packet);
        });
        w.busyUntil = scheduler.now();
        w.busyRem = 0;
    }

    /**
     * Sends a packet the link takes over: it comes from {@link #pool} and goes back there or on.
     * {@code crcs}: what is known of its CRCs (the DelayLine tag carries it across). Returns false
     * when the link is down and the packet never left; one a fault loses still left.
     */
    boolean transmit(FabricPort from, byte[] packet, Crcs.State crcs) {
        Wire w = wireFrom(from);
        if (packet.length == 0) {
            throw new IllegalArgumentException(String.format(
                    "seed=%#x t=%dns: empty packet sent on %s", scheduler.seed(), scheduler.now(),
                    w.deliverLabel));
        }
        w.counters.packetsSent++;
        w.counters.bytesSent += packet.length;
        if (state == State.DOWN) {
            w.counters.droppedLinkDown++;
            pool.give(packet);
            return false;
        }
        long now = scheduler.now();
        if (now > w.busyUntil || now == w.busyUntil && w.busyRem == 0) {
            w.busyUntil = now;
            w.busyRem = 0;
        }
        long start = w.busyUntil + (w.busyRem > 0 ? 1 : 0);
        if (packet.length != lastLength) {
            long num = speed.nsNumerator(packet.length);
            lastWholeNs = num / den;
            lastRem = num % den;
            lastLength = packet.length;
        }
        long rem = w.busyRem + lastRem;
        w.busyUntil += lastWholeNs;
        if (rem >= den) {
            rem -= den;
            w.busyUntil++;
        }
        w.busyRem = rem;
        long lastBitOut = w.busyUntil + (rem > 0 ? 1 : 0);
        // A lost packet still used the wire: the loss happens on the way, not at the sender.
        switch (faults.judge(this, packet, !w.from.isSwitchPort())) {
            case DROP:
                w.counters.droppedByFault++;
                if (!taps.isEmpty()) {
                    taps.showLost(start, this, w.dir, packet);
                }
                pool.give(packet);
                return true;
            case CORRUPT:
                w.counters.corrupted++;
                // The CRCs must be the sent bytes' for the receiver to find the damage.
                writer.writePending(packet, crcs);
                faults.corrupt(packet);
                crcs = Crcs.State.UNVERIFIED;
                break;
            default:
                break;
        }
        w.inFlight.add(lastBitOut + propagationNs, packet, crcs.ordinal());
        return true;
    }

    private void arrive(Wire w, byte[] packet, Crcs.State crcs) {
        w.counters.packetsDelivered++;
        w.counters.bytesDelivered += packet.length;
        if (!taps.isEmpty()) {
            crcs = writer.writePending(packet, crcs);
            taps.show(scheduler.now(), this, w.dir, packet);
        }
        w.to.deliver(packet, crcs);
    }

    private Wire wire(Direction dir) {
        return dir == Direction.A_TO_B ? aToB : bToA;
    }

    private Wire wireFrom(FabricPort port) {
        if (port == a) {
            return aToB;
        }
        if (port == b) {
            return bToA;
        }
        throw new IllegalArgumentException(port + " is not an end of " + name);
    }

    @Override
    public String toString() {
        return name + " " + width + " " + speed + " " + state;
    }
}
