package org.ibmodel.sim.fabric;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.ibmodel.sim.sched.Scheduler;

/**
 * One subnet: switches, HCA ports, the links between them, the LIDs of the ports and the
 * forwarding tables that route them. It plays the part of the subnet manager's routing engine
 * (shortest paths, like OpenSM's default min-hop) without its MADs: tables are written directly.
 *
 * <p>Everything runs on the world's {@link Scheduler}; nothing here reads a clock or draws a
 * random number except through it.
 */
public final class Fabric {

    /** Port-to-port latency of a switch when none is given; EDR switch ASICs are near 100 ns. */
    public static final long DEFAULT_SWITCH_LATENCY_NS = 100;

    private static final int UNREACHED = -1;

    private final Scheduler scheduler;
    private final FaultPlan faults;
    private final Taps taps = new Taps();
    private final PacketPool pool = new PacketPool();
    // node name -> true for a switch, false for an HCA (which may add several ports)
    private final Map<String, Boolean> nodes = new HashMap<>();
    private final Map<String, FabricPort> endpointByName = new HashMap<>();
    private final List<Switch> switches = new ArrayList<>();
    private final List<FabricPort> endpoints = new ArrayList<>();
    private final List<Link> links = new ArrayList<>();
    // Sorted so routing visits LIDs in one order on every run.
    private final TreeMap<Integer, FabricPort> lids = new TreeMap<>();

    public Fabric(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.faults = new FaultPlan(scheduler);
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** The packet arrays every port of this fabric sends from. */
    public PacketPool pool() {
        return pool;
    }

    public FaultPlan faults() {
        return faults;
    }

    public Switch addSwitch(String name, int numPorts) {
        return addSwitch(name, numPorts, DEFAULT_SWITCH_LATENCY_NS);
    }

    public Switch addSwitch(String name, int numPorts, long latencyNs) {
        claimNode(name, true);
        Switch sw = new Switch(scheduler, pool, name, numPorts, latencyNs, switches.size());
        switches.add(sw);
        return sw;
    }

    /** Port {@code portNum} of HCA {@code node}; packets arriving on it go to {@code sink}. */
    public FabricPort addEndpointPort(String node, int portNum, PacketSink sink) {
        Objects.requireNonNull(sink, "sink");
        // HCA ports are numbered from 1; port numbers are one byte (IBA 14.2.5.6 LocalPortNum).
        if (portNum < 1 || portNum > 254) {
            throw new IllegalArgumentException("HCA " + node + ": port " + portNum);
        }
        String key = node + "/" + portNum;
        if (endpointByName.containsKey(key)) {
            throw new IllegalArgumentException("port " + key + " already exists");
        }
        claimNode(node, false);
        FabricPort port = new FabricPort(node, portNum, null, sink, pool);
        endpointByName.put(key, port);
        endpoints.add(port);
        return port;
    }

    /** A cable of {@code metres}, with a propagation delay of 5 ns per metre, rounded up. */
    public Link connect(FabricPort a, FabricPort b, LinkWidth width, LinkSpeed speed,
            double metres) {
        return connectWithLatency(a, b, width, speed, Link.propagationNs(metres));
    }

    /** A link with a fixed propagation delay. */
    public Link connectWithLatency(FabricPort a, FabricPort b, LinkWidth width, LinkSpeed speed,
            long propagationNs) {
        checkPluggable(a);
        checkPluggable(b);
        if (a == b) {
            throw new IllegalArgumentException("cannot connect " + a + " to itself");
        }
        Link link = new Link(scheduler, faults, taps, pool, a, b, width, speed, propagationNs);
        a.attach(link);
        b.attach(link);
        links.add(link);
        return link;
    }

    /**
     * Gives {@code port} a unicast LID. For a switch, assign the LID to its port 0, as the SM
     * assigns one LID to a switch's management port.
     */
    public void assignLid(FabricPort port, int lid) {
        assignLid(port, lid, 0);
    }

    /**
     * Gives an HCA port the 2^{@code lmc} LIDs from {@code lid}, which must be a multiple of
     * that (IBA 7.11.1: the low LMC bits of a DLID are the path bits); every one of them is
     * routed to the port. A switch's port 0 takes LMC 0.
     */
    public void assignLid(FabricPort port, int lid, int lmc) {
        checkOurs(port);
        if (lmc < 0 || lmc > 7) {
            throw new IllegalArgumentException("LMC " + lmc + " is not 0..7");
        }
        int count = 1 << lmc;
        if (lid < 1 || lid + count - 1 > Switch.MAX_UNICAST_LID) {
            throw new IllegalArgumentException(String.format("LIDs %#x..%#x are not unicast", lid, lid + count - 1));
        }
        if ((lid & (count - 1)) != 0) {
            throw new IllegalArgumentException(String.format("base LID %#x is not a multiple of 2^LMC = %d", lid, count));
        }
        if (port.isSwitchPort() && (port.portNum() != 0 || lmc != 0)) {
            throw new IllegalArgumentException(port + ": a switch has one LID, on port 0");
        }
        for (int l = lid; l < lid + count; l++) {
            FabricPort holder = lids.get(l);
            if (holder != null && holder != port) {
                throw new IllegalArgumentException(String.format("LID %#x already on %s", l, holder));
            }
        }
        for (int l = port.lid(); port.lid() != 0 && l < port.lid() + (1 << port.lmc()); l++) {
            lids.remove(l);
        }
        for (int l = lid; l < lid + count; l++) {
            lids.put(l, port);
        }
        port.lid(lid, lmc);
    }

    /** The port holding {@code lid}, or null. */
    public FabricPort portOfLid(int lid) {
        return lids.get(lid);
    }

    /**
     * Rewrites every switch's LFT: for each LID, a breadth-first search from its port over the
     * links that are up gives each switch its hop count; the switch forwards on its
     * lowest-numbered port whose neighbour is one hop closer. Switches that cannot reach a LID
     * get no entry for it. Returns the number of entries written.
     */
    public int computeForwardingTables() {
        for (Switch sw : switches) {
            sw.clearRoutes();
        }
        int[] hops = new int[switches.size()];
        ArrayDeque<Switch> frontier = new ArrayDeque<>();
        int entries = 0;
        for (Map.Entry<Integer, FabricPort> e : lids.entrySet()) {
            int lid = e.getKey();
            FabricPort target = e.getValue();
            Arrays.fill(hops, UNREACHED);
            if (target.isSwitchPort()) {
                Switch sw = target.owner();
                hops[sw.index()] = 0;
                sw.route(lid, 0);
                entries++;
                frontier.add(sw);
            } else {
                Link link = target.link();
                FabricPort peer = target.peer();
                if (link != null && link.state() == Link.State.UP && peer.isSwitchPort()) {
                    Switch sw = peer.owner();
                    hops[sw.index()] = 1;
                    sw.route(lid, peer.portNum());
                    entries++;
                    frontier.add(sw);
                }
            }
            // Breadth first, so each switch's hop count is its shortest distance to the LID.
            while (!frontier.isEmpty()) {
                Switch sw = frontier.poll();
                for (int p = 1; p <= sw.numPorts(); p++) {
                    Switch next = neighbour(sw.port(p));
                    if (next != null && hops[next.index()] == UNREACHED) {
                        hops[next.index()] = hops[sw.index()] + 1;
                        frontier.add(next);
                    }
                }
            }
            for (Switch sw : switches) {
                int h = hops[sw.index()];
                if (h == UNREACHED || sw.route(lid) != Switch.NO_ROUTE) {
                    continue;
                }
                for (int p = 1; p <= sw.numPorts(); p++) {
                    Switch next = neighbour(sw.port(p));
                    if (next != null && hops[next.index()] == h - 1) {
                        sw.route(lid, p);
                        entries++;
                        break;
                    }
                }
            }
        }
        return entries;
    }

    // The switch at the far end of an up link from a switch port, or null.
    private static Switch neighbour(FabricPort port) {
        Link link = port.link();
        if (link == null || link.state() != Link.State.UP) {
            return null;
        }
        FabricPort peer = link.peerOf(port);
        return peer.isSwitchPort() ? peer.owner() : null;
    }

    /** Adds a listener for every packet that crosses any link of this fabric. */
    public void addTap(PacketTap t) {
        taps.add(t);
    }

    public void removeTap(PacketTap t) {
        taps.remove(t);
    }

    /** Switches in the order they were added. */
    public List<Switch> switches() {
        return Collections.unmodifiableList(switches);
    }

    /** HCA ports in the order they were added. */
    public List<FabricPort> endpointPorts() {
        return Collections.unmodifiableList(endpoints);
    }

    /** Links in the order they were connected. */
    public List<Link> links() {
        return Collections.unmodifiableList(links);
    }

    private void claimNode(String name, boolean isSwitch) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("bad node name '" + name + "'");
        }
        Boolean was = nodes.putIfAbsent(name, isSwitch);
        if (was != null && (was || isSwitch)) {
            throw new IllegalArgumentException("node name '" + name + "' already used");
        }
    }

    private void checkPluggable(FabricPort port) {
        Objects.requireNonNull(port, "port");
        if (port.link() != null) {
            throw new IllegalArgumentException(port + " is already connected by "
                    + port.link().name());
        }
        if (port.isSwitchPort() && port.portNum() == 0) {
            throw new IllegalArgumentException(port + " is a management port and takes no cable");
        }
        checkOurs(port);
    }

    private void checkOurs(FabricPort port) {
        Objects.requireNonNull(port, "port");
        boolean ours = port.isSwitchPort()
                ? port.owner().index() < switches.size()
                        && switches.get(port.owner().index()) == port.owner()
                : endpointByName.get(port.name()) == port;
        if (!ours) {
            throw new IllegalArgumentException(port + " belongs to another fabric");
        }
    }
}
