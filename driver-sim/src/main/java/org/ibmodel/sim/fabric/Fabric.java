package org.ibmodel.sim.fabric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
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
    // MLID -> its member HCA ports, kept so that every sweep builds the trees again.
    private final TreeMap<Integer, List<FabricPort>> groups = new TreeMap<>();

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
        return addSwitch(name, numPorts, latencyNs, FabricPort.MTU_4096);
    }

    /**
     * A switch whose ports have MTUCap {@code mtuCap}, an IB MTU code (1 for 256 bytes to 5 for
     * 4096): an older switch, which carries no longer packets, on the same fabric.
     */
    public Switch addSwitch(String name, int numPorts, long latencyNs, int mtuCap) {
        FabricPort.checkMtuCap("switch " + name, mtuCap);
        claimNode(name, true);
        Switch sw = new Switch(scheduler, pool, name, numPorts, latencyNs, switches.size(), mtuCap);
        switches.add(sw);
        return sw;
    }

    /** Port {@code portNum} of HCA {@code node}; packets arriving on it go to {@code sink}. */
    public FabricPort addEndpointPort(String node, int portNum, PacketSink sink) {
        return addEndpointPort(node, portNum, sink, FabricPort.MTU_4096);
    }

    /**
     * {@link #addEndpointPort(String, int, PacketSink)} of a port whose MTUCap is {@code mtuCap},
     * an IB MTU code (1 for 256 bytes to 5 for 4096), as its HCA reports it.
     */
    public FabricPort addEndpointPort(String node, int portNum, PacketSink sink, int mtuCap) {
        Objects.requireNonNull(sink, "sink");
        // HCA ports are numbered from 1; port numbers are one byte (IBA 14.2.5.6 LocalPortNum).
        if (portNum < 1 || portNum > 254) {
            throw new IllegalArgumentException("HCA " + node + ": port " + portNum);
        }
        String key = node + "/" + portNum;
        FabricPort.checkMtuCap(key, mtuCap);
        if (endpointByName.containsKey(key)) {
            throw new IllegalArgumentException("port " + key + " already exists");
        }
        claimNode(node, false);
        FabricPort port = new FabricPort(node, portNum, null, sink, pool, mtuCap);
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
     * Rewrites every switch's LFT, as OpenSM's min-hop engine does: the ports in LID order, first
     * the base LID of every port, then every port's LID at offset 1, and so on up to 2^LMC - 1
     * (osm_ucast_mgr.c ucast_mgr_process_tbl). For each LID a breadth-first search from its port
     * over the links that are up gives each switch its hop count; of a switch's ports whose
     * neighbour is one hop closer, it forwards on the one that carries the fewest LIDs so far
     * (osm_switch_recommend_path's least-paths choice, counting the LIDs of end ports and not of
     * switches, as OpenSM does with port_profile_switch_nodes off, its default). A tie goes to
     * the lowest-numbered port, and for a LID past a port's base to the first from the port
     * after the one its LID before took (ucast_mgr_process_port's start_from). So parallel
     * cables and the spines of a fat tree share the base LIDs, and the 2^LMC LIDs of one port
     * take different paths. Left out: OpenSM's preference, under LMC, for a remote system not
     * yet used by the port's other LIDs. Switches that cannot reach a LID get no entry for it.
     * Returns the number of entries written.
     */
    public int computeForwardingTables() {
        int n = switches.size();
        Trunks trunks = trunks();
        int[][] trunkPorts = trunks.ports();
        int[][] trunkPeers = trunks.peers();
        int[][] dist = trunks.dist();
        for (Switch sw : switches) {
            sw.clearRoutes();
        }
        // Per switch and port, the LIDs routed through it so far.
        int[][] paths = new int[n][];
        for (Switch sw : switches) {
            paths[sw.index()] = new int[sw.numPorts() + 1];
        }
        int entries = 0;
        int perPort = 1;
        for (FabricPort p : lids.values()) {
            perPort = Math.max(perPort, 1 << p.lmc());
        }
        for (int offset = 0; offset < perPort; offset++) {
            for (Map.Entry<Integer, FabricPort> e : lids.entrySet()) {
                FabricPort target = e.getValue();
                if (e.getKey() == target.lid() + offset) {
                    entries += route(e.getKey(), target, offset, trunkPorts, trunkPeers, dist, paths);
                }
            }
        }
        for (Switch sw : switches) {
            sw.clearMulticastRoutes();
        }
        for (Map.Entry<Integer, List<FabricPort>> g : groups.entrySet()) {
            writeMulticastTree(g.getKey(), g.getValue(), trunks);
        }
        return entries;
    }

    /** One LID's entry in every switch that reaches it (computeForwardingTables); the entries written. */
    private int route(int lid, FabricPort target, int offset, int[][] trunkPorts, int[][] trunkPeers, int[][] dist,
            int[][] paths) {
        // The switch the LID is on or cabled to: every other switch routes towards it.
        Switch home;
        if (target.isSwitchPort()) {
            home = target.owner();
            home.route(lid, 0);
        } else {
            Link link = target.link();
            if (link == null || link.state() != Link.State.UP || !target.peer().isSwitchPort()) {
                return 0;
            }
            FabricPort peer = target.peer();
            home = peer.owner();
            home.route(lid, peer.portNum());
        }
        int entries = 1;
        int to = home.index();
        for (Switch sw : switches) {
            int d = dist[sw.index()][to];
            if (sw == home || d == UNREACHED) {
                continue;
            }
            // Every switch one hop closer to the home switch is one hop closer to the LID.
            int[] ports = trunkPorts[sw.index()];
            int[] peers = trunkPeers[sw.index()];
            int[] counts = paths[sw.index()];
            // Ports in turn from start_from, wrapping: the first with the fewest LIDs wins.
            int startFrom = offset == 0 ? 0 : sw.route(lid - 1) + 1;
            int first = 0;
            while (first < ports.length && ports[first] < startFrom) {
                first++;
            }
            int best = Switch.NO_ROUTE;
            for (int j = 0; j < ports.length; j++) {
                int k = (first + j) % ports.length;
                int p = ports[k];
                if (dist[peers[k]][to] == d - 1 && (best == Switch.NO_ROUTE || counts[p] < counts[best])) {
                    best = p;
                }
            }
            sw.route(lid, best);
            // osm_ucast_mgr.c: a switch's LID is left out of the count (port_profile_switch_nodes off).
            if (!target.isSwitchPort()) {
                counts[best]++;
            }
            entries++;
        }
        return entries;
    }

    /**
     * Per switch, its ports cabled to a switch over a link that is up, in port order, the switch
     * at the other end of each, and the hops between every two switches.
     */
    private record Trunks(int[][] ports, int[][] peers, int[][] dist) {
    }

    private Trunks trunks() {
        int n = switches.size();
        int[][] trunkPorts = new int[n][];
        int[][] trunkPeers = new int[n][];
        for (Switch sw : switches) {
            int[] ports = new int[sw.numPorts()];
            int[] peers = new int[sw.numPorts()];
            int k = 0;
            for (int p = 1; p <= sw.numPorts(); p++) {
                Switch next = neighbour(sw.port(p));
                if (next != null) {
                    ports[k] = p;
                    peers[k++] = next.index();
                }
            }
            trunkPorts[sw.index()] = Arrays.copyOf(ports, k);
            trunkPeers[sw.index()] = Arrays.copyOf(peers, k);
        }
        return new Trunks(trunkPorts, trunkPeers, switchDistances(trunkPeers));
    }

    /**
     * Makes the HCA ports {@code members} the multicast group of {@code mlid} and writes its MFT
     * entries, as the SM does when ports join a group (IBA 15.2.5.17 MCMemberRecord, without
     * the SA's MADs). A port sends to the group only as a member: a send-only join is a
     * membership too. No members removes the group. {@link #computeForwardingTables()} builds
     * every group's tree again over the links then up.
     */
    public void setMulticastGroup(int mlid, List<FabricPort> members) {
        if (mlid < Switch.FIRST_MULTICAST_LID || mlid > Switch.LAST_MULTICAST_LID) {
            throw new IllegalArgumentException(String.format("LID %#x is not a multicast LID", mlid));
        }
        for (FabricPort m : members) {
            checkOurs(m);
            if (m.isSwitchPort()) {
                throw new IllegalArgumentException(m + ": only HCA ports join multicast groups");
            }
        }
        if (members.isEmpty()) {
            groups.remove(mlid);
        } else {
            groups.put(mlid, List.copyOf(members));
        }
        writeMulticastTree(mlid, members, trunks());
    }

    /** The members of {@code mlid}'s group, none if it has no group. */
    public List<FabricPort> multicastGroup(int mlid) {
        return groups.getOrDefault(mlid, List.of());
    }

    /**
     * One group's tree, in outline as OpenSM builds it (osm_mcast_mgr.c): rooted at the switch
     * that reaches the most member switches and, of those, whose farthest member switch is
     * nearest (the lowest-numbered on a tie), each switch joined
     * to the tree by its breadth-first parent (the lowest port on a tie), and only the branches
     * that lead to members kept. Every member's switch sends to the member; a packet from any
     * member then reaches every other exactly once, the tree having no cycle. Members whose link
     * is down, or that the root cannot reach, are left out until a sweep finds them.
     */
    private void writeMulticastTree(int mlid, List<FabricPort> members, Trunks trunks) {
        int n = switches.size();
        List<TreeSet<Integer>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new TreeSet<>());
        }
        List<int[]> attached = new ArrayList<>();
        for (FabricPort m : members) {
            Link link = m.link();
            if (link != null && link.state() == Link.State.UP && m.peer().isSwitchPort()) {
                attached.add(new int[] {m.peer().owner().index(), m.peer().portNum()});
            }
        }
        // The root reaches the most member switches, then has the nearest farthest one.
        int root = -1;
        long rootCost = Long.MAX_VALUE;
        for (int r = 0; r < n && !attached.isEmpty(); r++) {
            int unreached = 0;
            int farthest = 0;
            for (int[] a : attached) {
                int d = trunks.dist()[r][a[0]];
                if (d == UNREACHED) {
                    unreached++;
                } else {
                    farthest = Math.max(farthest, d);
                }
            }
            long cost = (long) unreached << 32 | farthest;
            if (cost < rootCost) {
                root = r;
                rootCost = cost;
            }
        }
        if (root >= 0) {
            // Breadth first from the root: each switch's port towards its parent, and the parent's port towards it.
            int[] upPort = new int[n];
            int[] downPort = new int[n];
            int[] parent = new int[n];
            Arrays.fill(parent, UNREACHED);
            parent[root] = root;
            int[] queue = new int[n];
            int head = 0;
            int tail = 0;
            queue[tail++] = root;
            while (head < tail) {
                int at = queue[head++];
                int[] ports = trunks.ports()[at];
                int[] peers = trunks.peers()[at];
                for (int k = 0; k < ports.length; k++) {
                    int next = peers[k];
                    if (parent[next] == UNREACHED) {
                        parent[next] = at;
                        downPort[next] = ports[k];
                        upPort[next] = backPort(switches.get(at), ports[k]);
                        queue[tail++] = next;
                    }
                }
            }
            for (int[] a : attached) {
                if (parent[a[0]] == UNREACHED) {
                    continue;
                }
                out.get(a[0]).add(a[1]);
                for (int x = a[0]; x != root; x = parent[x]) {
                    out.get(x).add(upPort[x]);
                    out.get(parent[x]).add(downPort[x]);
                }
            }
        }
        for (Switch sw : switches) {
            sw.setMulticastRoute(mlid, out.get(sw.index()).stream().mapToInt(Integer::intValue).toArray());
        }
    }

    // The port at the far end of switch port `port`'s trunk, on the neighbouring switch.
    private static int backPort(Switch sw, int port) {
        FabricPort here = sw.port(port);
        return here.link().peerOf(here).portNum();
    }

    // Hops between every two switches over the trunks, breadth first from each; UNREACHED if none.
    private static int[][] switchDistances(int[][] trunkPeers) {
        int n = trunkPeers.length;
        int[][] dist = new int[n][n];
        int[] queue = new int[n];
        for (int from = 0; from < n; from++) {
            int[] d = dist[from];
            Arrays.fill(d, UNREACHED);
            d[from] = 0;
            int head = 0;
            int tail = 0;
            queue[tail++] = from;
            while (head < tail) {
                int at = queue[head++];
                for (int next : trunkPeers[at]) {
                    if (d[next] == UNREACHED) {
                        d[next] = d[at] + 1;
                        queue[tail++] = next;
                    }
                }
            }
        }
        return dist;
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
