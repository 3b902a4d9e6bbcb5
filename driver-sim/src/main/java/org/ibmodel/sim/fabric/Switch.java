package org.ibmodel.sim.fabric;

import java.util.Arrays;
import java.util.Objects;
import org.ibmodel.sim.sched.DelayLine;
import org.ibmodel.sim.sched.Scheduler;
import org.ibmodel.sim.wire.Crcs;
import org.ibmodel.sim.wire.Lrh;
import org.ibmodel.sim.wire.Packet;
import org.ibmodel.sim.wire.Vcrc;

/**
 * A switch with a linear forwarding table (IBA 18.2.4.3.2): the DLID of an arriving packet
 * indexes the table, the entry names the output port. A packet is forwarded a fixed switching
 * latency after its last bit arrived; one whose DLID has no entry is dropped and counted, and so
 * is one failing the VCRC its input port checks (IBA 7.8.2), so a bit flipped on the way in goes
 * no further. The VCRC is passed on as it came: with no VL remapping nothing it covers changes.
 * A packet for a multicast LID (0xC000..0xFFFE) is copied to every port of its multicast
 * forwarding table entry but the one it came in by. A packet for the permissive LID (0xFFFF), a
 * directed-route SMP, goes to the switch's own management port, port 0, whatever the LFT holds.
 * An output port sends no payload longer than its NeighborMTU, the smaller of its own and its
 * peer's MTUCap: such a packet is discarded there and counted (IBA 16.1.4.3).
 *
 * <p>The input port drops and counts as malformed, never forwarding it, a packet whose LVer is not
 * 0 or whose PktLen does not match the length received (IBA 7.7), as the HCA's receive path does
 * ({@code Packet.parse}). Both are checked after the VCRC, in the HCA's order: a bit flipped on
 * the way into LVer or PktLen is then counted as the link error it is, and what is counted
 * malformed was sent so.
 *
 * <p>Each external port counts what its performance agent reports ({@link SwitchPortCounters}):
 * what it took from its link and what it sent onto it, and why it dropped what it dropped. The
 * agents themselves sit behind port 0 ({@link #managementSink}); what they send leaves by
 * {@link #sendFromPort0}.
 *
 * <p>Left out: virtual lanes (SL-to-VL mapping and the checks of a packet's VL) and the hardware
 * limits on table size.
 */
public final class Switch {

    /** An LFT entry naming no port: the invalid port number 0xFF (IBA 14.2.5.10). */
    public static final int NO_ROUTE = 0xFF;

    /**
     * Highest unicast LID; 0xC000..0xFFFE are multicast and 0xFFFF is permissive (IBA chapter 4
     * addressing; OpenSM's IB_LID_UCAST_END_HO).
     */
    public static final int MAX_UNICAST_LID = 0xBFFF;
    /** The multicast LIDs, forwarded by the multicast forwarding table. */
    public static final int FIRST_MULTICAST_LID = 0xC000;
    public static final int LAST_MULTICAST_LID = 0xFFFE;
    /**
     * The permissive LID (include/rdma/ib_verbs.h IB_LID_PERMISSIVE): the DLID of a directed-route
     * SMP, which each switch on the path takes in at its management port, where its SMI moves the
     * SMP on by its hop pointer (drivers/infiniband/core/smi.c smi_handle_dr_smp_recv).
     */
    public static final int PERMISSIVE_LID = 0xFFFF;

    // The LFT is read and written in blocks of 64 entries (IBA 14.2.5.10 LinearForwardingTable).
    private static final int LFT_BLOCK = 64;
    /**
     * Crossbar tags carry the output port in their low 8 bits, the packet's CRC state above, and
     * from bit 16 the port it came in by.
     */
    private static final int PORT_BITS = 8;
    private static final int INGRESS_SHIFT = 16;
    /** The shortest packet a port takes: an LRH and a VCRC. */
    private static final int LRH_AND_VCRC = Lrh.HEADER_LENGTH + Vcrc.LENGTH;

    private final Scheduler scheduler;
    private final String name;
    private final FabricPort[] ports;
    private final long latencyNs;
    private final DelayLine<byte[]> crossbar;
    private final int index;
    private byte[] lft = new byte[0];
    /**
     * The MFT (IBA 14.2.5.12 MulticastForwardingTable): per MLID from 0xC000, one bit per port
     * (bit p of word p / 64); null where the MLID has no entry.
     */
    private long[][] mft = new long[0][];
    private final PacketPool pool;
    private final Lrh lrh = new Lrh();
    private long forwarded;
    /** The tops of the LFT and the MFT an SM wrote (SwitchInfo), -1 until one does. */
    private int lftTop = -1;
    private int mftTop = -1;
    /** SwitchInfo:PortStateChange: a port's link went up or down since the SM last cleared it. */
    private boolean portStateChange;
    /** A SubnSet(PortInfo) is taking a port's link down: no PortStateChange for that. */
    private boolean downBySubnSet;
    private long droppedNoRoute;
    private long droppedAtPort0;
    private long droppedMalformed;
    private long droppedBadVcrc;
    /** Per port, what its performance agent reports (IBA 16.1.3.5); port 0's stay 0. */
    private final SwitchPortCounters[] counters;

    Switch(Scheduler scheduler, PacketPool pool, String name, int numPorts, long latencyNs, int index, int mtuCap) {
        // LFT entries are one byte and 0xFF is the invalid port (IBA 14.2.5.10).
        if (numPorts < 1 || numPorts > 254) {
            throw new IllegalArgumentException("switch " + name + ": " + numPorts + " ports");
        }
        if (latencyNs < 0) {
            throw new IllegalArgumentException("switch " + name + ": latency " + latencyNs);
        }
        this.scheduler = scheduler;
        this.name = Objects.requireNonNull(name, "name");
        this.latencyNs = latencyNs;
        this.index = index;
        this.pool = pool;
        // Every packet takes the same latency through, so packets leave in the order they came.
        this.crossbar = new DelayLine<>(scheduler, "forward " + name, this::forward);
        this.ports = new FabricPort[numPorts + 1];
        this.counters = new SwitchPortCounters[numPorts + 1];
        for (int p = 0; p <= numPorts; p++) {
            counters[p] = new SwitchPortCounters();
        }
        ports[0] = new FabricPort(name, 0, this, null, pool, mtuCap);
        for (int p = 1; p <= numPorts; p++) {
            ports[p] = new FabricPort(name, p, this, new PortSink(), pool, mtuCap);
        }
    }

    /**
     * The DLID of a packet: bits 16..31 of the LRH, big-endian bytes 2..3 (IBA 7.7).
     * <pre>
     *  0                   1                   2                   3
     *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     * +-------+-------+-------+---+---+-------------------------------+
     * |  VL   | LVer  |  SL   |Rsv|LNH|             DLID              |
     * +-------+-------+-------+---+---+-------------------------------+
     * </pre>
     * Returns -1 for a packet too short to hold one.
     */
    public static int dlid(byte[] packet) {
        if (packet.length < 4) {
            return -1;
        }
        return (packet[2] & 0xff) << 8 | (packet[3] & 0xff);
    }

    public String name() {
        return name;
    }

    /** Number of external ports; they are numbered 1..numPorts. */
    public int numPorts() {
        return ports.length - 1;
    }

    /** Port {@code p}; port 0 is the management port. */
    public FabricPort port(int p) {
        if (p < 0 || p >= ports.length) {
            throw new IllegalArgumentException("switch " + name + " has no port " + p);
        }
        return ports[p];
    }

    // Position in the fabric's switch list, for array-indexed routing state.
    int index() {
        return index;
    }

    public long latencyNs() {
        return latencyNs;
    }

    /** Where packets the LFT sends to port 0 go; null drops them. */
    public void managementSink(PacketSink sink) {
        ports[0].sink(sink);
    }

    /** Sets the LFT entry for {@code dlid}. */
    public void route(int dlid, int port) {
        checkUnicast(dlid);
        if (port != NO_ROUTE && (port < 0 || port >= ports.length)) {
            throw new IllegalArgumentException("switch " + name + ": LFT[" + dlid + "] = port "
                    + port + ", switch has ports 0.." + numPorts());
        }
        if (dlid >= lft.length) {
            int blocks = dlid / LFT_BLOCK + 1;
            int old = lft.length;
            lft = Arrays.copyOf(lft, blocks * LFT_BLOCK);
            Arrays.fill(lft, old, lft.length, (byte) NO_ROUTE);
        }
        lft[dlid] = (byte) port;
    }

    /** The LFT entry for {@code dlid}, {@link #NO_ROUTE} if none. */
    public int route(int dlid) {
        if (dlid < 0 || dlid >= lft.length) {
            return NO_ROUTE;
        }
        return lft[dlid] & 0xff;
    }

    /** Empties the LFT. */
    public void clearRoutes() {
        lft = new byte[0];
    }

    /**
     * Sets the MFT entry of {@code mlid}: the ports a packet for it leaves by, the one it came in
     * by excepted. No ports clears the entry. Port 0 is not a member: the model's switches join
     * no group themselves.
     */
    public void setMulticastRoute(int mlid, int... outPorts) {
        checkMulticast(mlid);
        int i = mlid - FIRST_MULTICAST_LID;
        if (outPorts.length == 0) {
            if (i < mft.length) {
                mft[i] = null;
            }
            return;
        }
        long[] mask = new long[(ports.length + 63) / 64];
        for (int p : outPorts) {
            if (p < 1 || p >= ports.length) {
                throw new IllegalArgumentException("switch " + name + ": MFT[" + Integer.toHexString(mlid)
                        + "] names port " + p + ", switch has ports 1.." + numPorts());
            }
            mask[p >>> 6] |= 1L << p;
        }
        if (i >= mft.length) {
            mft = Arrays.copyOf(mft, (i / LFT_BLOCK + 1) * LFT_BLOCK);
        }
        mft[i] = mask;
    }

    /** The ports of {@code mlid}'s MFT entry in ascending order, none if it has no entry. */
    public int[] multicastRoute(int mlid) {
        checkMulticast(mlid);
        int i = mlid - FIRST_MULTICAST_LID;
        long[] mask = i < mft.length ? mft[i] : null;
        if (mask == null) {
            return new int[0];
        }
        int[] out = new int[Long.bitCount(mask[0]) + (mask.length > 1 ? bitCount(mask, 1) : 0)];
        int k = 0;
        for (int p = 1; p < ports.length; p++) {
            if ((mask[p >>> 6] & 1L << p) != 0) {
                out[k++] = p;
            }
        }
        return out;
    }

    /** Empties the MFT. */
    public void clearMulticastRoutes() {
        mft = new long[0][];
    }

    private static int bitCount(long[] mask, int from) {
        int n = 0;
        for (int w = from; w < mask.length; w++) {
            n += Long.bitCount(mask[w]);
        }
        return n;
    }

    /**
     * SwitchInfo:MulticastFDBTop (IBA 14.2.5.4): what an SM last wrote, the switch relaying no
     * MLID above it; until one writes it, the highest MLID with an MFT entry, 0xBFFF (the last
     * unicast LID, no MLID) when there is none.
     */
    public int multicastFdbTop() {
        if (mftTop >= 0) {
            return mftTop;
        }
        for (int i = mft.length - 1; i >= 0; i--) {
            if (mft[i] != null) {
                return FIRST_MULTICAST_LID + i;
            }
        }
        return MAX_UNICAST_LID;
    }

    /**
     * SwitchInfo:LinearFDBTop (IBA 14.2.5.4): what an SM last wrote, the switch relaying no
     * unicast DLID above it (ibsim's switch_lookup counts such a packet a relay error); until one
     * writes it, the last LFT entry in use, -1 if none.
     */
    public int linearFdbTop() {
        if (lftTop >= 0) {
            return lftTop;
        }
        return lastRouted();
    }

    /**
     * An SM's SubnSet(SwitchInfo) writes the tops of both tables (OpenSM writes its highest LID
     * and the end of its last MFT block in use); a negative value leaves a top unset.
     */
    public void setFdbTops(int linearTop, int multicastTop) {
        if (linearTop > MAX_UNICAST_LID || multicastTop > LAST_MULTICAST_LID + 1) {
            throw new IllegalArgumentException(String.format("switch %s: tops %#x and %#x", name, linearTop,
                    multicastTop));
        }
        lftTop = linearTop;
        mftTop = multicastTop;
    }

    /**
     * The world's SM wrote the MFT anew (a join): its top is the table's own again, as OpenSM
     * writes MulticastFDBTop after it changes a group's tree.
     */
    public void multicastTopFromTable() {
        mftTop = -1;
    }

    /** Index of the last LFT entry in use, -1 if empty. */
    private int lastRouted() {
        for (int i = lft.length - 1; i >= 0; i--) {
            if ((lft[i] & 0xff) != NO_ROUTE) {
                return i;
            }
        }
        return -1;
    }

    public long forwarded() {
        return forwarded;
    }

    /** DLID with no LFT entry, or one that routes it back out the port it came in by. */
    public long droppedNoRoute() {
        return droppedNoRoute;
    }

    /**
     * Packets for the switch itself (its LID routed to port 0, or the permissive LID) with no
     * management sink to take them: the model's switches have no SMA or PMA unless one is
     * plugged in. Not a relay error: the switch relayed them where they belong.
     */
    public long droppedAtPort0() {
        return droppedAtPort0;
    }

    /**
     * Too short to carry an LRH and a VCRC, or an LRH whose LVer is not 0 or whose PktLen does not
     * match the length received (IBA 7.7). Malformed data packets are part of what PortRcvErrors
     * counts (IBA 16.1.3.5).
     */
    public long droppedMalformed() {
        return droppedMalformed;
    }

    /**
     * Failing the VCRC the receiving port of every link checks (IBA 7.8.2): a bit flipped on the
     * way in. Part of what PortRcvErrors counts (include/rdma/ib_pma.h port_rcv_errors).
     */
    public long droppedBadVcrc() {
        return droppedBadVcrc;
    }

    /**
     * PortCounters:PortRcvErrors of port {@code p} (IBA 16.1.3.5): packets it took in and dropped
     * for a bad VCRC or a malformed LRH, its share of {@link #droppedBadVcrc()} and
     * {@link #droppedMalformed()}.
     */
    public long portRcvErrors(int p) {
        return saturated16(counters(p).get(SwitchPortCounters.Counter.RCV_ERRORS));
    }

    /** PortCounters' error counters are 16 bits wide and stop at their maximum (IBA 16.1.3.5). */
    private static long saturated16(long count) {
        return Math.min(count, 0xffff);
    }

    /**
     * PortCounters:PortRcvSwitchRelayErrors of port {@code p} (IBA 16.1.3.5): packets it took in
     * that the switch could not relay (no LFT or MFT entry, or a route back out that port), its
     * share of {@link #droppedNoRoute()}.
     */
    public long portRcvSwitchRelayErrors(int p) {
        return saturated16(counters(p).get(SwitchPortCounters.Counter.RCV_SWITCH_RELAY_ERRORS));
    }

    /**
     * PortCounters:PortXmitDiscards of port {@code p} (IBA 16.1.3.5): packets relayed to it that
     * it discarded because its link was down or it had no cable.
     */
    public long portXmitDiscards(int p) {
        return saturated16(counters(p).get(SwitchPortCounters.Counter.XMIT_DISCARDS));
    }

    /**
     * SwitchInfo:PortStateChange (IBA 14.2.5.4): set when the link of any of the switch's ports
     * goes down or comes up, which an SM's light sweep looks for (OpenSM's
     * ib_switch_info_get_state_change) before it sweeps the subnet again.
     */
    public boolean portStateChange() {
        return portStateChange;
    }

    /**
     * SubnSet(PortInfo) of port {@code p} with PortPhysicalState Disabled ({@code on} false) or
     * Polling (true): the port stops driving its link, which goes down, or drives it again, and
     * it trains if the cable and the peer let it (IBA 14.2.5.6).
     */
    public void setPortEnabled(int p, boolean on) {
        FabricPort port = port(p);
        if (p == 0) {
            throw new IllegalArgumentException(name + ": port 0 has no link");
        }
        downBySubnSet = !on;
        try {
            port.enable(on);
        } finally {
            downBySubnSet = false;
        }
    }

    /** The SM's SubnSet(SwitchInfo) with PortStateChange 1, which clears it. */
    public void clearPortStateChange() {
        portStateChange = false;
    }

    /**
     * Everything port {@code p} counts, its data and packet counters with the errors; port 0, the
     * management port, has no link and counts nothing.
     */
    public SwitchPortCounters counters(int p) {
        return counters[port(p).portNum()];
    }

    /**
     * A switch port reads the DLID and checks the VCRC and the LRH of a packet whose bytes may have
     * changed on the way; it passes the packet on with its CRC state as it came ({@link Crcs}).
     */
    private final class PortSink implements PacketSink {
        @Override
        public void receive(FabricPort in, byte[] packet) {
            Switch.this.receive(in, packet, Crcs.State.UNVERIFIED);
        }

        @Override
        public void receive(FabricPort in, byte[] packet, Crcs.State crcs) {
            Switch.this.receive(in, packet, crcs);
        }

        @Override
        public void unsent(FabricPort out, byte[] packet) {
            counters[out.portNum()].unsent(packet.length, isMulticast(dlid(packet)));
        }

        // IBA 16.1.3.5 LinkDownedCounter: the link was up and went down. Either way a port's
        // state changed, which SwitchInfo:PortStateChange reports until the SM clears it.
        @Override
        public void linkStateChanged(FabricPort port, Link.State state) {
            if (state == Link.State.DOWN) {
                counters[port.portNum()].count(SwitchPortCounters.Counter.LINK_DOWNED);
            }
            // IBA 14.2.5.4: a PortState a SubnSet changed does not set it; the link state
            // machine's own changes, a link training after a Set enabled it included, do.
            if (state == Link.State.UP || !downBySubnSet) {
                portStateChange = true;
            }
        }
    }

    private static boolean isMulticast(int dlid) {
        return dlid >= FIRST_MULTICAST_LID && dlid <= LAST_MULTICAST_LID;
    }

    private void receive(FabricPort in, byte[] packet, Crcs.State crcs) {
        int dlid = dlid(packet);
        SwitchPortCounters c = counters[in.portNum()];
        c.received(packet.length, isMulticast(dlid));
        if (dlid < 0 || packet.length < LRH_AND_VCRC) {
            droppedMalformed++;
            c.count(SwitchPortCounters.Counter.RCV_ERRORS);
            in.pool().give(packet);
            return;
        }
        if (crcs == Crcs.State.UNVERIFIED
                && Vcrc.compute(packet, 0, packet.length - Vcrc.LENGTH) != Vcrc.get(packet, packet.length - Vcrc.LENGTH)) {
            droppedBadVcrc++;
            c.count(SwitchPortCounters.Counter.RCV_ERRORS);
            in.pool().give(packet);
            return;
        }
        // Checked whatever the CRC state: a pending VCRC vouches for the bytes, not for the sender.
        lrh.wrap(packet, 0);
        if (lrh.lver() != 0 || lrh.pktLen() * 4 + Vcrc.LENGTH != packet.length) {
            droppedMalformed++;
            c.count(SwitchPortCounters.Counter.RCV_ERRORS);
            in.pool().give(packet);
            return;
        }
        if (isMulticast(dlid)) {
            replicate(in, packet, dlid, crcs);
            return;
        }
        int out = dlid == PERMISSIVE_LID ? 0 : dlid > lftTop && lftTop >= 0 ? NO_ROUTE : route(dlid);
        // IBA 16.1.3.5 PortRcvSwitchRelayErrors: no route (or one above LinearFDBTop), or one back
        // out the port it came in by.
        if (out == NO_ROUTE || out == in.portNum()) {
            droppedNoRoute++;
            c.count(SwitchPortCounters.Counter.RCV_SWITCH_RELAY_ERRORS);
            in.pool().give(packet);
            return;
        }
        if (out == 0 && ports[0].sink() == null) {
            // Relayed to port 0, as it should be; no agent is there to take it (not a relay error).
            droppedAtPort0++;
            in.pool().give(packet);
            return;
        }
        crossbar.add(scheduler.now() + latencyNs, packet, tag(out, crcs, in.portNum()));
    }

    private static int tag(int out, Crcs.State crcs, int in) {
        return out | crcs.ordinal() << PORT_BITS | in << INGRESS_SHIFT;
    }

    /**
     * Sends a packet from the switch's management port, port 0, where its agents answer: the LFT
     * routes it like a packet that came in by a cable, after the same switching latency. The
     * packet comes from the fabric's pool and is given up; one whose DLID is not a unicast LID
     * routed out by a port, or is above an SM-written LinearFDBTop, is dropped and counted as
     * unroutable.
     */
    public void sendFromPort0(byte[] packet, Crcs.State crcs) {
        int dlid = dlid(packet);
        int out = dlid >= 1 && dlid <= MAX_UNICAST_LID && (lftTop < 0 || dlid <= lftTop) ? route(dlid) : NO_ROUTE;
        if (out == NO_ROUTE || out == 0) {
            droppedNoRoute++;
            pool.give(packet);
            return;
        }
        crossbar.add(scheduler.now() + latencyNs, packet, tag(out, crcs, 0));
    }

    /**
     * Sends a packet from port 0 out of port {@code out}, not by the LFT: a directed-route SMP
     * goes where its path says (IBA 14.2.2.2). The packet comes from the fabric's pool and is
     * given up; a port the switch does not have drops it as unroutable.
     */
    public void sendFromPort0(byte[] packet, Crcs.State crcs, int out) {
        if (out < 1 || out >= ports.length) {
            droppedNoRoute++;
            pool.give(packet);
            return;
        }
        crossbar.add(scheduler.now() + latencyNs, packet, tag(out, crcs, 0));
    }

    /**
     * A multicast packet leaves by every port of its MFT entry but the one it came in by (IBA
     * 18.2.4.3.3), each a copy in an array of its own; the one it came in goes to the first.
     * None left, and it is dropped as unroutable.
     */
    private void replicate(FabricPort in, byte[] packet, int mlid, Crcs.State crcs) {
        int i = mlid - FIRST_MULTICAST_LID;
        long[] mask = i < mft.length && (mftTop < 0 || mlid <= mftTop) ? mft[i] : null;
        byte[] original = packet;
        if (mask != null) {
            for (int p = 1; p < ports.length; p++) {
                if ((mask[p >>> 6] & 1L << p) == 0 || p == in.portNum()) {
                    continue;
                }
                byte[] copy = original;
                if (copy == null) {
                    copy = pool.take(packet.length);
                    System.arraycopy(packet, 0, copy, 0, packet.length);
                }
                original = null;
                crossbar.add(scheduler.now() + latencyNs, copy, tag(p, crcs, in.portNum()));
            }
        }
        if (original != null) {
            droppedNoRoute++;
            counters[in.portNum()].count(SwitchPortCounters.Counter.RCV_SWITCH_RELAY_ERRORS);
            in.pool().give(original);
        }
    }

    // The packet arrived in a pool array and leaves in the same one.
    private void forward(byte[] packet, int tag) {
        forwarded++;
        int out = tag & ((1 << PORT_BITS) - 1);
        Crcs.State crcs = Crcs.State.of((tag & (1 << INGRESS_SHIFT) - 1) >>> PORT_BITS);
        if (out == 0) {
            PacketSink agent = ports[0].sink();
            if (agent == null) {
                // The agent was unplugged while the packet crossed the switch.
                droppedAtPort0++;
                pool.give(packet);
                return;
            }
            agent.receiveAtManagementPort(ports[0], tag >>> INGRESS_SHIFT, packet, crcs);
            return;
        }
        int length = packet.length;
        // IBA 16.1.4.3 PortNeighborMTUDiscards: a payload longer than the MTU of the output port's
        // link is not sent (no packet of a QP's path MTU beyond it reaches the far end).
        FabricPort port = ports[out];
        int mtu = FabricPort.mtuBytes(port.neighborMtu());
        if (Packet.exceedsMtu(packet, length, mtu)) {
            counters[out].tooLong();
            pool.give(packet);
            return;
        }
        // Counted before the link may hand it back through unsent(), which takes it off again.
        boolean multicast = isMulticast(dlid(packet));
        counters[out].transmitted(length, multicast);
        if (!port.xmit(packet, crcs)) {
            // The port counts it; the link (or the port with no cable) counts it lost too.
            counters[out].unsent(length, multicast);
        }
    }

    private void checkMulticast(int mlid) {
        if (mlid < FIRST_MULTICAST_LID || mlid > LAST_MULTICAST_LID) {
            throw new IllegalArgumentException(String.format("switch %s: LID %#x is not a multicast LID", name, mlid));
        }
    }

    private void checkUnicast(int dlid) {
        if (dlid < 1 || dlid > MAX_UNICAST_LID) {
            throw new IllegalArgumentException(String.format(
                    "switch %s: LID %#x is not a unicast LID", name, dlid));
        }
    }

    @Override
    public String toString() {
        return "switch " + name + " (" + numPorts() + " ports)";
    }
}
