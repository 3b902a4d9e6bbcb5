// A simulated subnet: hosts with one HCA each behind one switch or a fat tree of switches, set up
// statically as an SM would (IBA 14.4: LIDs, forwarding tables, ports to ACTIVE), with optional
// packet capture
package org.ibmodel.sim.world;

import org.ibmodel.sim.sched.Scheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.report.PcapWriter;
import org.ibmodel.sim.device.DevCaps;
import org.ibmodel.sim.device.Hca;
import org.ibmodel.sim.device.HcaPort;
import org.ibmodel.sim.device.Transport;
import org.ibmodel.sim.fabric.Fabric;
import org.ibmodel.sim.fabric.FabricPort;
import org.ibmodel.sim.fabric.Link;
import org.ibmodel.sim.fabric.LinkSpeed;
import org.ibmodel.sim.fabric.LinkWidth;
import org.ibmodel.sim.fabric.Switch;

/**
 * N hosts, each with one HCA of one or two ports running the {@link Transport}, cabled as the
 * {@link Topology} says: to one switch, or to the leaves of a fat tree. Port 1 of host i gets
 * LID {@code FIRST_LID + i}, port 2 {@code FIRST_LID + n + i}, or with an LMC the 2^LMC LIDs from
 * that shifted left by LMC; the switches take the LIDs from {@link #SWITCH_LID}, or from just
 * after the hosts' when those reach it. The forwarding tables are computed (min-hop, the LIDs
 * shared among equal paths, {@link Fabric#computeForwardingTables()}) and every port is made
 * ACTIVE by SET_PORT, the first host acting as subnet manager. Everything runs on one
 * {@link Scheduler} from one seed.
 */
public final class World implements AutoCloseable {
    public static final int FIRST_LID = 1;
    /** The first switch's LID, unless the hosts' LIDs reach it. */
    public static final int SWITCH_LID = 0x100;
    /** Cable length of every link from a host to its switch, metres. */
    public static final double CABLE_METRES = 2.0;
    /**
     * The PortInfo:SubnetTimeOut the subnet manager gives every port: OpenSM's default
     * (OSM_DEFAULT_SUBNET_TIMEOUT, opensm/osm_base.h), 4.096 µs × 2^18, about a second.
     */
    public static final int SUBNET_TIMEOUT = 18;
    /** Cable length of every link between a leaf and a spine, metres: the switches share racks. */
    public static final double TRUNK_METRES = 10.0;
    /** Ports of the largest switch: LFT entries are one byte and 0xFF names no port (IBA 14.2.5.10). */
    static final int MAX_SWITCH_PORTS = 254;

    private final int lmc;
    private final int hostCount;
    private final int portsPerHca;
    private final Topology topology;
    private final Scheduler scheduler;
    private final Fabric fabric;
    private final List<Host> hosts = new ArrayList<>();
    private final List<Transport> transports = new ArrayList<>();
    /** Per host, the cable of each port (index port - 1). */
    private final List<Link[]> links = new ArrayList<>();
    private PcapWriter pcap;
    private final List<Transport.Sent> captured = new ArrayList<>();
    private boolean logCapture;
    /** The agent at each switch's management port, in {@link Fabric#switches()} order. */
    private final List<SwitchAgent> agents = new ArrayList<>();
    /** Hosts whose kernel has queued deferred work since it last ran, by index. */
    private final BitSet pending = new BitSet();

    private World(long seed, int n, int lmc, int ports, Topology topology) {
        this(seed, n, lmc, ports, topology, LinkWidth.WIDTH_4X, LinkSpeed.EDR, UnaryOperator.identity(),
                FabricPort.MTU_4096, null);
    }

    /**
     * Hosts cabled to their switch by links of {@code width} and {@code speed}, ib_core seeing
     * each driver's ops through {@code decorate}; the switches' ports have MTUCap
     * {@code switchMtuCap} and host i's HCA ports {@code mtuCaps[i]}, or 4096 bytes when
     * {@code mtuCaps} is null.
     */
    private World(long seed, int n, int lmc, int ports, Topology topology, LinkWidth width, LinkSpeed speed,
            UnaryOperator<DeviceOps> decorate, int switchMtuCap, int[] mtuCaps) {
        if (lmc < 0 || lmc > 7) {
            throw new IllegalArgumentException("LMC " + lmc + " is not 0..7");
        }
        if (ports < 1 || ports > 2) {
            throw new IllegalArgumentException(ports + " ports per HCA: 1 or 2");
        }
        if (n < 1) {
            throw new IllegalArgumentException(n + " hosts: a world has at least one");
        }
        this.lmc = lmc;
        this.hostCount = n;
        this.portsPerHca = ports;
        this.topology = topology;
        int leaves = topology.leaves(n);
        int switchCount = topology.isFatTree() ? leaves + topology.spines() : 1;
        int hostLidEnd = (FIRST_LID + n * ports) << lmc;
        int firstSwitchLid = Math.max(SWITCH_LID, hostLidEnd);
        if (firstSwitchLid + switchCount - 1 > Switch.MAX_UNICAST_LID) {
            throw new IllegalArgumentException(n + " hosts with " + ports + " ports and LMC " + lmc + " and "
                    + switchCount + " switches need LIDs up to " + (firstSwitchLid + switchCount - 1)
                    + ", past the last unicast LID " + Switch.MAX_UNICAST_LID);
        }
        int hostPortsPerSwitch = topology.isFatTree() ? topology.hostsPerLeaf() * ports : n * ports;
        int switchPorts = topology.isFatTree() ? hostPortsPerSwitch + topology.spines() : hostPortsPerSwitch + 1;
        if (switchPorts > MAX_SWITCH_PORTS || leaves > MAX_SWITCH_PORTS) {
            throw new IllegalArgumentException(n + " hosts with " + ports + " ports on " + topology
                    + " need switches of " + Math.max(switchPorts, leaves) + " ports; a switch has at most "
                    + MAX_SWITCH_PORTS
                    + (topology.isFatTree() ? "" : ": use a fat tree"));
        }
        this.scheduler = new Scheduler(seed);
        this.fabric = new Fabric(scheduler);
        List<Switch> edge = new ArrayList<>();
        if (topology.isFatTree()) {
            for (int l = 0; l < leaves; l++) {
                edge.add(fabric.addSwitch("leaf" + l, switchPorts, Fabric.DEFAULT_SWITCH_LATENCY_NS, switchMtuCap));
            }
            for (int k = 0; k < topology.spines(); k++) {
                Switch spine = fabric.addSwitch("spine" + k, leaves, Fabric.DEFAULT_SWITCH_LATENCY_NS, switchMtuCap);
                for (int l = 0; l < leaves; l++) {
                    fabric.connect(edge.get(l).port(hostPortsPerSwitch + k + 1), spine.port(l + 1), LinkWidth.WIDTH_4X,
                            LinkSpeed.EDR, TRUNK_METRES);
                }
            }
        } else {
            edge.add(fabric.addSwitch("sw0", switchPorts, Fabric.DEFAULT_SWITCH_LATENCY_NS, switchMtuCap));
        }
        List<Switch> all = fabric.switches();
        for (int k = 0; k < all.size(); k++) {
            fabric.assignLid(all.get(k).port(0), firstSwitchLid + k);
            // A switch's node GUID is made from its LID as a host's is; the SM is host 0's port 1.
            agents.add(SwitchAgent.plug(all.get(k), Hosts.GUID_BASE | (long) (firstSwitchLid + k) << 16,
                    lid(0)));
        }
        int perSwitch = topology.isFatTree() ? topology.hostsPerLeaf() : n;
        for (int i = 0; i < n; i++) {
            String name = "h" + i;
            Host host = new Host(name, scheduler);
            int index = i;
            host.kernel().setOnQueued(() -> pending.set(index));
            Transport transport = new Transport(scheduler, name);
            long guid = Hosts.GUID_BASE | ((long) lid(i) << 16);
            DevCaps caps = DevCaps.standard(guid, ports);
            if (mtuCaps != null) {
                caps = caps.withMaxMtu(mtuCaps[i]);
            }
            Hca hca = host.plugHca(caps, transport);
            transport.bind(hca);
            int ret = host.loadDriver(hca, "hca0", decorate);
            if (ret != 0) {
                throw new IllegalStateException(name + ": HCA driver probe failed with " + ret);
            }
            Switch sw = edge.get(i / perSwitch);
            int local = i % perSwitch;
            Link[] cables = new Link[ports];
            for (int p = 1; p <= ports; p++) {
                FabricPort port = fabric.addEndpointPort(name + "-hca0", p, transport.sink(p), caps.maxMtu());
                // Port 1 of every host of a switch first, then port 2: switch port n + i + 1 for
                // host i's port 2 on one switch.
                cables[p - 1] = fabric.connect(port, sw.port((p - 1) * perSwitch + local + 1), width, speed,
                        CABLE_METRES);
                // Attached once cabled: the HCA port takes the link's width and speed.
                transport.attach(p, port);
                fabric.assignLid(port, lid(i, p), lmc);
            }
            links.add(cables);
            hosts.add(host);
            transports.add(transport);
        }
        fabric.computeForwardingTables();
        for (int i = 0; i < n; i++) {
            for (int p = 1; p <= ports; p++) {
                int ret = hosts.get(i).driver(0).setPort(p, lid(i, p), lmc, lid(0), 0, SUBNET_TIMEOUT);
                if (ret != 0) {
                    throw new IllegalStateException("h" + i + ": SET_PORT on port " + p + " failed with " + ret);
                }
            }
        }
        // Whatever a host queued before its hook was set runs too.
        pending.set(0, n);
        settle();
        clearPortStateChanges();
    }

    /**
     * What the SM's SubnSet(SwitchInfo) does at the end of a sweep (OpenSM's
     * ib_switch_info_clear_state_change): the port changes it has seen are no longer news.
     */
    private void clearPortStateChanges() {
        for (Switch sw : fabric.switches()) {
            sw.clearPortStateChange();
        }
    }

    /** {@code n} hosts through one switch, everything derived from {@code seed}. */
    public static World of(long seed, int n) {
        return new World(seed, n, 0, 1, Topology.ONE_SWITCH);
    }

    /** As {@link #of(long, int)}, every HCA port answering to 2^{@code lmc} LIDs (IBA 7.11.1). */
    public static World of(long seed, int n, int lmc) {
        return new World(seed, n, lmc, 1, Topology.ONE_SWITCH);
    }

    /** As {@link #of(long, int, int)} with {@code ports} (1 or 2) ports per HCA, each cabled to the switch. */
    public static World of(long seed, int n, int lmc, int ports) {
        return new World(seed, n, lmc, ports, Topology.ONE_SWITCH);
    }

    /**
     * {@code n} single-port hosts through one switch, each cabled by a link of {@code width} and
     * {@code speed}, which its HCA port reports and runs at.
     */
    public static World of(long seed, int n, LinkWidth width, LinkSpeed speed) {
        return new World(seed, n, 0, 1, Topology.ONE_SWITCH, Objects.requireNonNull(width, "width"),
                Objects.requireNonNull(speed, "speed"), UnaryOperator.identity(), FabricPort.MTU_4096, null);
    }

    /**
     * As {@link #of(long, int)}, ib_core seeing every host's driver through {@code decorate}: how
     * a checker's own tests put a deliberately broken driver under it.
     */
    public static World of(long seed, int n, UnaryOperator<DeviceOps> decorate) {
        return new World(seed, n, 0, 1, Topology.ONE_SWITCH, LinkWidth.WIDTH_4X, LinkSpeed.EDR,
                Objects.requireNonNull(decorate, "decorate"), FabricPort.MTU_4096, null);
    }

    /**
     * Single-port hosts through one switch, one for each of {@code mtuCaps}: the switch's ports
     * have MTUCap {@code switchMtuCap} and host i's HCA port {@code mtuCaps[i]}, IB MTU codes (1
     * for 256 bytes to 5 for 4096). Each link runs at the smaller MTU of its two ends, which both
     * report as their NeighborMTU, the HCA's port as its active MTU.
     */
    public static World withMtuCaps(long seed, int switchMtuCap, int... mtuCaps) {
        return new World(seed, mtuCaps.length, 0, 1, Topology.ONE_SWITCH, LinkWidth.WIDTH_4X, LinkSpeed.EDR,
                UnaryOperator.identity(), switchMtuCap, mtuCaps.clone());
    }

    /** As {@link #of(long, int, int, int)}, the hosts cabled as {@code topology} says. */
    public static World of(long seed, int n, int lmc, int ports, Topology topology) {
        return new World(seed, n, lmc, ports, Objects.requireNonNull(topology, "topology"));
    }

    /** {@code n} single-port hosts on a fat tree of leaves of {@code hostsPerLeaf} and {@code spines} spines. */
    public static World fatTree(long seed, int n, int hostsPerLeaf, int spines) {
        return of(seed, n, 0, 1, Topology.fatTree(hostsPerLeaf, spines));
    }

    public Topology topology() {
        return topology;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public Fabric fabric() {
        return fabric;
    }

    /** The agent at the management port of {@code sw}, one of this world's switches. */
    public SwitchAgent agent(Switch sw) {
        int k = fabric.switches().indexOf(sw);
        if (k < 0) {
            throw new IllegalArgumentException(sw + " is not a switch of this world");
        }
        return agents.get(k);
    }

    public Host host(int i) {
        return hosts.get(i);
    }

    public Transport transport(int i) {
        return transports.get(i);
    }

    /** The cable between port 1 of host {@code i} and its switch. */
    public Link link(int i) {
        return link(i, 1);
    }

    /** The cable between port {@code port} of host {@code i} and its switch. */
    public Link link(int i, int port) {
        return links.get(i)[port - 1];
    }

    /** Port 1 of host {@code i}: its LID, with an LMC the base of its range. */
    public int lid(int i) {
        return lid(i, 1);
    }

    /** The LID of port {@code port} of host {@code i}, with an LMC the base of its range. */
    public int lid(int i, int port) {
        if (port < 1 || port > portsPerHca) {
            throw new IllegalArgumentException("port " + port + ": the HCAs have ports 1.." + portsPerHca);
        }
        return (FIRST_LID + (port - 1) * hostCount + i) << lmc;
    }

    /**
     * Writes every packet that crosses a link to {@code file} as a pcap of ERF records (laid out
     * in {@link PcapWriter}), stamped with virtual time, and keeps what each record holds in
     * {@link #captured()}.
     */
    public void capture(Path file) {
        try {
            pcap = PcapWriter.create(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        logCapture = true;
        fabric.addTap((timeNs, link, direction, packet) -> {
            try {
                pcap.write(timeNs, packet, 0, packet.length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (logCapture && packet.length >= 20) {
                captured.add(Transport.Sent.of(timeNs, packet));
            }
        });
    }

    /** The packets written to the capture, in order. */
    public List<Transport.Sent> captured() {
        return List.copyOf(captured);
    }

    /**
     * Port 1 of each of {@code hostIndices} joins the multicast group of {@code mlid}, as the SA
     * records MCMemberRecord joins (IBA 15.2.5.17), and the switches' multicast forwarding tables
     * are written; the group's MGID is the hosts' own business (ib_attach_mcast). A port sends to
     * the group only as a member. Joining again replaces the member list; none removes the group.
     */
    public void joinMulticast(int mlid, int... hostIndices) {
        List<FabricPort> members = new ArrayList<>();
        for (int i : hostIndices) {
            if (i < 0 || i >= hostCount) {
                throw new IllegalArgumentException("host " + i + ": the world has hosts 0.." + (hostCount - 1));
            }
            members.add(fabric.portOfLid(lid(i)));
        }
        fabric.setMulticastGroup(mlid, members);
        for (Switch sw : fabric.switches()) {
            sw.multicastTopFromTable();
        }
    }

    /**
     * The subnet manager sets PortInfo:ClientReregister (IBA 14.2.5.6) on host {@code i}'s port
     * {@code port} and changes nothing else, as OpenSM does for a port it has found anew or when it
     * has taken the subnet over: the port's clients get IB_EVENT_CLIENT_REREGISTER and are to join
     * their multicast groups and register their services with the SA again. Delivered by
     * {@link #settle()}.
     */
    public void clientReregister(int i, int port) {
        if (i < 0 || i >= hostCount || port < 1 || port > portsPerHca) {
            throw new IllegalArgumentException("host " + i + " port " + port + ": the world has hosts 0.."
                    + (hostCount - 1) + " with ports 1.." + portsPerHca);
        }
        hosts.get(i).hca(0).firmware().port(port).smClientReregister();
    }

    /**
     * The subnet manager's sweep after links changed state (a heavy sweep of OpenSM, without its
     * MADs): the forwarding tables are computed again over the links that are up, so traffic
     * between two leaves moves off a trunk that failed, and an HCA port found in INIT (its
     * device was reset and probed again) gets its LID back, as OpenSM gives a known port GUID
     * its old LID, and goes ACTIVE. Such a port's master SM LID is no longer the SM's (a reset
     * clears it), so the same set asks its clients to register again, as OpenSM's
     * lid_mgr_set_physp_pi does (osm_lid_mgr.c): IB_EVENT_CLIENT_REREGISTER after LID_CHANGE.
     * A static subnet has no other trigger: until this is called,
     * packets routed over a dead link are lost and a reset port stays without a LID. The sweep
     * clears every switch's PortStateChange, as OpenSM's does. Returns the number of LFT entries
     * written.
     */
    public int sweep() {
        int written = fabric.computeForwardingTables();
        for (int i = 0; i < hostCount; i++) {
            Host host = hosts.get(i);
            for (int p = 1; p <= portsPerHca; p++) {
                HcaPort port = host.hca(0).firmware().port(p);
                if (port.state() == HcaPort.INIT && host.driver(0).device() != null) {
                    int ret = host.driver(0).setPort(p, lid(i, p), lmc, lid(0), 0, SUBNET_TIMEOUT,
                            port.smLid() != lid(0));
                    if (ret != 0) {
                        throw new IllegalStateException("h" + i + ": SET_PORT on port " + p + " failed with " + ret);
                    }
                }
            }
        }
        for (Switch sw : fabric.switches()) {
            // The sweep's tables are whole: their tops are their own, whatever an SM wrote before.
            sw.setFdbTops(-1, -1);
        }
        clearPortStateChanges();
        return written;
    }

    /** Runs the world and every kernel's deferred work until nothing is left. */
    public void settle() {
        settle(1_000_000);
    }

    /**
     * {@link #settle()}, taking the world for livelocked only after {@code maxEvents} events
     * without a pause (a megabyte at a 256-byte MTU under loss needs a few million).
     */
    public void settle(long maxEvents) {
        while (true) {
            boolean ran = runPendingWork();
            long events = scheduler.runUntilIdle(maxEvents);
            if (!ran && events == 0) {
                return;
            }
        }
    }

    /**
     * Runs until virtual time {@code timeNs}, kernels' deferred work included: work already queued
     * runs first, as a kworker would before the next event, not after it. The clock then reads
     * {@code timeNs}, as after {@link Scheduler#runUntil}, so steps of {@code now() + d} add up to
     * time passing even when nothing is due within them.
     */
    public void runUntil(long timeNs) {
        runPendingWork();
        long next;
        while ((next = scheduler.nextEventTime()) >= 0 && next <= timeNs) {
            scheduler.runNext();
            runPendingWork();
        }
        // Nothing is left at or before timeNs: this only moves the clock (a time already past
        // leaves it where it is).
        if (timeNs > scheduler.now()) {
            scheduler.runUntil(timeNs);
        }
    }

    /**
     * One step: the kernels' deferred work if any is queued, else the next event and the work it
     * queues. False when there was nothing to run. The clock moves only to an event that runs.
     */
    public boolean runNext() {
        return step(false);
    }

    /**
     * {@link #runNext()}, but only while something other than background timers is left: the
     * kernels' deferred work or a foreground event. False when only timers that no one waits for
     * (a driver's periodic poll) remain, which would otherwise run for ever.
     */
    public boolean runNextForeground() {
        return step(true);
    }

    private boolean step(boolean foregroundOnly) {
        if (runPendingWork()) {
            return true;
        }
        if (foregroundOnly && scheduler.pendingForeground() == 0 || !scheduler.runNext()) {
            return false;
        }
        runPendingWork();
        return true;
    }

    /**
     * The deferred work of every host that queued some, in host order: what asking every
     * kernel in turn would run, without asking the thousands that have none.
     */
    private boolean runPendingWork() {
        boolean ran = false;
        for (int i = pending.nextSetBit(0); i >= 0; i = pending.nextSetBit(i + 1)) {
            pending.clear(i);
            ran |= hosts.get(i).kernel().runPending();
        }
        return ran;
    }

    @Override
    public void close() {
        if (pcap != null) {
            try {
                pcap.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            pcap = null;
        }
    }
}
