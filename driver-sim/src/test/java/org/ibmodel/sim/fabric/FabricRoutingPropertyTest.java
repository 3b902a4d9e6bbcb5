package org.ibmodel.sim.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.ibmodel.sim.device.SeedReporter;
import org.ibmodel.sim.sched.Scheduler;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Random fabrics (switches cabled to each other at random, hosts with an LMC on random switch
 * ports or on none, some links down): every LFT {@link Fabric#computeForwardingTables()} writes
 * is the one the rule in its comment gives, restated here the plain way, one breadth-first
 * search over the ports per LID; and following the tables from any switch with an entry reaches
 * the LID without a loop.
 */
class FabricRoutingPropertyTest {
    private static final long DEFAULT_SEED = 0x1f7_0b1eL;
    private static final SeedReporter REPORTER = SeedReporter.of("FabricRoutingPropertyTest", DEFAULT_SEED);
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 200) * 2;
    private static final int UNREACHED = -1;

    /** Sizes to shrink towards, and the seed that places the cables within them. */
    record Shape(int switches, int hosts, int trunks, int downPercent, long seed) {
    }

    private static Gen<Shape> shapes() {
        return integers().between(1, 6).zip(integers().between(0, 10), integers().between(0, 14),
                integers().between(0, 40), (s, h, t, d) -> new int[] {s, h, t, d})
                .zip(longs().all(), (a, seed) -> new Shape(a[0], a[1], a[2], a[3], seed));
    }

    @Test
    void shouldWriteTheLeastPathsMinHopTables() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        int[] detour = {0};
        int[] spread = {0};
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(200)
                .withReporter(new SeedReporter("FabricRoutingPropertyTest", seed))
                .forAll(shapes())
                .checkAssert(shape -> {
                    boolean[] seen = check(shape);
                    detour[0] += seen[0] ? 1 : 0;
                    spread[0] += seen[1] ? 1 : 0;
                });
        // The scenarios must reach what the property is about, or it holds for nothing: a route
        // around a link that is down, longer than with every cable up, and the LIDs of one LMC
        // port sent out by different ports of a switch.
        REPORTER.assertReached(detour[0], EXAMPLES / 15, "of " + EXAMPLES + " runs routed around a link down");
        REPORTER.assertReached(spread[0], EXAMPLES / 8, "of " + EXAMPLES + " runs spread an LMC port's paths");
    }

    /**
     * One fabric; whether a switch reaches another over more hops than it would with every cable
     * up, and whether a switch routes two LIDs of one port by different ports.
     */
    static boolean[] check(Shape shape) {
        Fabric fabric = build(shape);
        fabric.computeForwardingTables();
        List<Switch> switches = fabric.switches();
        Map<Integer, int[]> expected = reference(fabric);
        for (Map.Entry<Integer, int[]> e : expected.entrySet()) {
            int lid = e.getKey();
            for (Switch sw : switches) {
                assertEquals(e.getValue()[sw.index()], sw.route(lid), shape + ": " + sw.name() + " LFT[" + lid + "]");
                if (sw.route(lid) != Switch.NO_ROUTE) {
                    assertEquals(fabric.portOfLid(lid), arrival(sw, lid, switches.size()),
                            shape + ": from " + sw.name() + " to LID " + lid);
                }
            }
        }
        for (int lid = 1; lid < 0x200; lid++) {
            if (!expected.containsKey(lid)) {
                for (Switch sw : switches) {
                    assertEquals(Switch.NO_ROUTE, sw.route(lid), shape + ": " + sw.name() + " routes free LID " + lid);
                }
            }
        }
        boolean[] seen = new boolean[2];
        int[][] up = hops(fabric, true);
        int[][] cabled = hops(fabric, false);
        for (int i = 0; i < up.length; i++) {
            for (int j = 0; j < up.length; j++) {
                seen[0] |= up[i][j] != UNREACHED && up[i][j] > cabled[i][j];
            }
        }
        for (FabricPort port : fabric.endpointPorts()) {
            for (int lid = port.lid() + 1; lid < port.lid() + (1 << port.lmc()); lid++) {
                for (Switch sw : switches) {
                    seen[1] |= expected.containsKey(lid) && sw.route(lid) != sw.route(port.lid());
                }
            }
        }
        return seen;
    }

    /** Hops between every two switches over the trunks that are up, or over every trunk unless {@code upOnly}. */
    private static int[][] hops(Fabric fabric, boolean upOnly) {
        List<Switch> switches = fabric.switches();
        int[][] hops = new int[switches.size()][switches.size()];
        for (Switch from : switches) {
            int[] d = hops[from.index()];
            Arrays.fill(d, UNREACHED);
            d[from.index()] = 0;
            ArrayDeque<Switch> queue = new ArrayDeque<>(List.of(from));
            while (!queue.isEmpty()) {
                Switch sw = queue.poll();
                for (int p = 1; p <= sw.numPorts(); p++) {
                    Link link = sw.port(p).link();
                    FabricPort peer = link == null ? null : link.peerOf(sw.port(p));
                    if (peer != null && peer.isSwitchPort() && (!upOnly || link.state() == Link.State.UP)
                            && d[peer.owner().index()] == UNREACHED) {
                        d[peer.owner().index()] = d[sw.index()] + 1;
                        queue.add(peer.owner());
                    }
                }
            }
        }
        return hops;
    }

    /** Switches of 2..8 ports; trunks between random free ports; hosts on random free ports. */
    static Fabric build(Shape shape) {
        return build(shape, (p, packet) -> { });
    }

    /** As {@link #build(Shape)}, every host port's packets going to {@code sink}. */
    static Fabric build(Shape shape, PacketSink sink) {
        SplittableRandom r = new SplittableRandom(shape.seed());
        Fabric fabric = new Fabric(new Scheduler(shape.seed()));
        List<FabricPort> free = new ArrayList<>();
        for (int s = 0; s < shape.switches(); s++) {
            Switch sw = fabric.addSwitch("sw" + s, r.nextInt(2, 9));
            fabric.assignLid(sw.port(0), 0x100 + s);
            for (int p = 1; p <= sw.numPorts(); p++) {
                free.add(sw.port(p));
            }
        }
        List<Link> links = new ArrayList<>();
        for (int t = 0; t < shape.trunks() && free.size() >= 2; t++) {
            FabricPort a = free.remove(r.nextInt(free.size()));
            FabricPort b = free.remove(r.nextInt(free.size()));
            if (a.owner() != b.owner()) {
                links.add(fabric.connect(a, b, LinkWidth.WIDTH_4X, LinkSpeed.EDR, 2.0));
            }
        }
        int lid = 4;
        for (int h = 0; h < shape.hosts(); h++) {
            int lmc = r.nextInt(3);
            FabricPort port = fabric.addEndpointPort("h" + h, 1, sink);
            lid = (lid + (1 << lmc) - 1) & -(1 << lmc);
            fabric.assignLid(port, lid, lmc);
            lid += 1 << lmc;
            if (!free.isEmpty() && r.nextInt(8) != 0) {
                links.add(fabric.connect(port, free.remove(r.nextInt(free.size())), LinkWidth.WIDTH_4X, LinkSpeed.EDR,
                        2.0));
            }
        }
        for (Link link : links) {
            if (r.nextInt(100) < shape.downPercent()) {
                link.changeState(Link.State.DOWN);
            }
        }
        return fabric;
    }

    /**
     * The rule, the long way: every port's base LID in LID order, then every port's LID at offset
     * 1, and so on (osm_ucast_mgr.c); per LID, every switch's hop count by a breadth-first search
     * over every port; a switch not holding the LID's own entry takes, among its ports whose
     * switch is one hop closer, the one with the fewest end ports' LIDs so far (switches' LIDs
     * are not counted), on a tie the first counting up from port 1, or for a LID past its port's
     * base from the port after the one the LID before it took, wrapping round.
     */
    static Map<Integer, int[]> reference(Fabric fabric) {
        List<Switch> switches = fabric.switches();
        int[][] counts = new int[switches.size()][];
        for (Switch sw : switches) {
            counts[sw.index()] = new int[sw.numPorts() + 1];
        }
        List<Integer> order = new java.util.ArrayList<>();
        for (int offset = 0; offset < 128; offset++) {
            for (int lid = 1; lid <= Switch.MAX_UNICAST_LID; lid++) {
                FabricPort target = fabric.portOfLid(lid);
                if (target != null && lid - target.lid() == offset) {
                    order.add(lid);
                }
            }
        }
        Map<Integer, int[]> tables = new TreeMap<>();
        for (int lid : order) {
            FabricPort target = fabric.portOfLid(lid);
            boolean base = lid == target.lid();
            int[] hops = new int[switches.size()];
            Arrays.fill(hops, UNREACHED);
            int[] lft = new int[switches.size()];
            Arrays.fill(lft, Switch.NO_ROUTE);
            ArrayDeque<Switch> queue = new ArrayDeque<>();
            if (target.isSwitchPort()) {
                hops[target.owner().index()] = 0;
                lft[target.owner().index()] = 0;
                queue.add(target.owner());
            } else if (target.link() != null && target.link().state() == Link.State.UP && target.peer().isSwitchPort()) {
                Switch home = target.peer().owner();
                hops[home.index()] = 1;
                lft[home.index()] = target.peer().portNum();
                queue.add(home);
            } else {
                continue;
            }
            while (!queue.isEmpty()) {
                Switch sw = queue.poll();
                for (int p = 1; p <= sw.numPorts(); p++) {
                    Switch next = switchBehind(sw.port(p));
                    if (next != null && hops[next.index()] == UNREACHED) {
                        hops[next.index()] = hops[sw.index()] + 1;
                        queue.add(next);
                    }
                }
            }
            for (Switch sw : switches) {
                int i = sw.index();
                if (hops[i] == UNREACHED || lft[i] != Switch.NO_ROUTE) {
                    continue;
                }
                int best = Switch.NO_ROUTE;
                int from = base || !tables.containsKey(lid - 1) ? 1 : tables.get(lid - 1)[i] + 1;
                for (int q = 0; q < sw.numPorts(); q++) {
                    int p = 1 + Math.floorMod(from - 1 + q, sw.numPorts());
                    Switch next = switchBehind(sw.port(p));
                    if (next != null && hops[next.index()] == hops[i] - 1
                            && (best == Switch.NO_ROUTE || counts[i][p] < counts[i][best])) {
                        best = p;
                    }
                }
                lft[i] = best;
                if (!target.isSwitchPort()) {
                    counts[i][best]++;
                }
            }
            tables.put(lid, lft);
        }
        return tables;
    }

    // Where a packet for `lid` ends, by the tables from `from`: a switch's port 0 or an HCA port;
    // null on a missing entry or after more switches than there are.
    private static FabricPort arrival(Switch from, int lid, int switches) {
        Switch at = from;
        for (int visited = 0; visited < switches; visited++) {
            int port = at.route(lid);
            if (port == Switch.NO_ROUTE) {
                return null;
            }
            if (port == 0) {
                return at.port(0);
            }
            FabricPort next = at.port(port).link().peerOf(at.port(port));
            if (!next.isSwitchPort()) {
                return next;
            }
            at = next.owner();
        }
        return null;
    }

    private static Switch switchBehind(FabricPort port) {
        Link link = port.link();
        if (link == null || link.state() != Link.State.UP) {
            return null;
        }
        FabricPort peer = link.peerOf(port);
        return peer.isSwitchPort() ? peer.owner() : null;
    }
}
