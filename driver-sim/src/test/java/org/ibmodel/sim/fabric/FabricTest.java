package org.ibmodel.sim.fabric;

import static org.ibmodel.sim.fabric.TestPackets.packet;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.sim.fabric.TestPackets.Recorder;
import org.ibmodel.sim.sched.Scheduler;
import org.junit.jupiter.api.Test;

/**
 * Two switches joined by two cables, crossed so each switch has its lower-numbered port on a
 * different cable:
 * <pre>
 *   h1 --1[sw1]3 ------- 4[sw2]1-- h3
 *   h2 --2[   ]4 ------- 3[   ]2-- h4
 * </pre>
 * LIDs: h1..h4 = 1..4, sw1 = 0x10, sw2 = 0x11.
 */
class FabricTest {

    private final Scheduler scheduler = new Scheduler(7);
    private final Fabric fabric = new Fabric(scheduler);
    private final Switch sw1 = fabric.addSwitch("sw1", 4);
    private final Switch sw2 = fabric.addSwitch("sw2", 4);
    private final Recorder[] hosts = new Recorder[5];
    private final FabricPort[] ports = new FabricPort[5];
    private final Link upper;
    private final Link lower;

    FabricTest() {
        for (int h = 1; h <= 4; h++) {
            hosts[h] = new Recorder(scheduler);
            ports[h] = fabric.addEndpointPort("h" + h, 1, hosts[h]);
            Switch sw = h <= 2 ? sw1 : sw2;
            fabric.connect(ports[h], sw.port(h <= 2 ? h : h - 2), LinkWidth.WIDTH_4X,
                    LinkSpeed.EDR, 2.0);
            fabric.assignLid(ports[h], h);
        }
        upper = fabric.connect(sw1.port(3), sw2.port(4), LinkWidth.WIDTH_4X, LinkSpeed.EDR, 10);
        lower = fabric.connect(sw1.port(4), sw2.port(3), LinkWidth.WIDTH_4X, LinkSpeed.EDR, 10);
        fabric.assignLid(sw1.port(0), 0x10);
        fabric.assignLid(sw2.port(0), 0x11);
    }

    @Test
    void shouldComputeShortestPathLftsSharingTiesByLeastPaths() {
        assertEquals(12, fabric.computeForwardingTables());

        // sw1: hosts 1,2 direct; LIDs on sw2 take ports 3 and 4 in turn (fewest LIDs so far,
        // the lower port on a tie): LID 3 on 3, LID 4 on 4, sw2's LID 0x11 on 3 again
        assertEquals(List.of(1, 2, 3, 4, 0, 3), lft(sw1));
        // sw2: its two cables to sw1 are ports 3 (lower) and 4 (upper)
        assertEquals(List.of(3, 4, 1, 2, 3, 0), lft(sw2));
        assertEquals(0x11, sw1.linearFdbTop());
    }

    /**
     * OpenSM's least-paths choice counts the LIDs of end ports only (osm_ucast_mgr.c, with
     * port_profile_switch_nodes off, its default): a switch's LID routed first does not push the
     * hosts after it onto the other cable.
     */
    @Test
    void shouldNotCountSwitchLidsWhenSharingEqualPaths() {
        Fabric f = new Fabric(new Scheduler(7));
        Switch a = f.addSwitch("a", 4);
        Switch b = f.addSwitch("b", 4);
        f.connect(a.port(3), b.port(3), LinkWidth.WIDTH_4X, LinkSpeed.EDR, 10);
        f.connect(a.port(4), b.port(4), LinkWidth.WIDTH_4X, LinkSpeed.EDR, 10);
        f.assignLid(a.port(0), 1);
        f.assignLid(b.port(0), 2);
        for (int h = 1; h <= 2; h++) {
            FabricPort p = f.addEndpointPort("g" + h, 1, new Recorder(f.scheduler()));
            f.connect(p, b.port(h), LinkWidth.WIDTH_4X, LinkSpeed.EDR, 2.0);
            f.assignLid(p, 4 + h);
        }
        f.computeForwardingTables();
        assertEquals(3, a.route(2), "b's LID: the lower of two equal ports");
        assertEquals(List.of(3, 4), List.of(a.route(5), a.route(6)), "the hosts spread from port 3 on");
    }

    private static List<Integer> lft(Switch sw) {
        List<Integer> out = new ArrayList<>();
        for (int lid : new int[] {1, 2, 3, 4, 0x10, 0x11}) {
            out.add(sw.route(lid));
        }
        return out;
    }

    @Test
    void shouldForwardAcrossTwoSwitches() {
        fabric.computeForwardingTables();
        List<String> crossings = new ArrayList<>();
        fabric.addTap((t, link, dir, p) -> crossings.add(t + " " + link.from(dir) + "->"
                + link.to(dir) + " seq=" + TestPackets.seq(p)));

        ports[1].send(packet(3, 1, 100, 1002));
        ports[4].send(packet(2, 4, 200, 1002));
        scheduler.runUntilIdle(100);

        assertEquals(List.of(100), hosts[3].seqs());
        assertEquals(List.of(200), hosts[2].seqs());
        // per hop: 81 ns wire (80.16 rounded up) + cable (10 ns for 2 m, 50 ns for 10 m), 100 ns in each switch
        long expected = (81 + 10) + 100 + (81 + 50) + 100 + (81 + 10);
        assertEquals(List.of(expected), hosts[3].times);
        assertEquals(List.of(
                "91 h1/1->sw1/1 seq=100",
                "91 h4/1->sw2/2 seq=200",
                "322 sw1/3->sw2/4 seq=100",
                "322 sw2/4->sw1/3 seq=200",
                "513 sw2/1->h3/1 seq=100",
                "513 sw1/2->h2/1 seq=200"), crossings);
        // LID 3 and LID 2 are each the first LID of their switch to take a cable: both the upper
        assertEquals(1, upper.counters(Link.Direction.A_TO_B).packetsDelivered());
        assertEquals(1, upper.counters(Link.Direction.B_TO_A).packetsDelivered());
        assertEquals(0, lower.counters(Link.Direction.B_TO_A).packetsDelivered());
    }

    @Test
    void shouldRouteAroundDownLinkAfterRecompute() {
        upper.changeState(Link.State.DOWN);
        fabric.computeForwardingTables();

        assertEquals(List.of(1, 2, 4, 4, 0, 4), lft(sw1));
        ports[1].send(packet(3, 1, 1, 258));
        scheduler.runUntilIdle(100);
        assertEquals(List.of(1), hosts[3].seqs());

        lower.changeState(Link.State.DOWN);
        fabric.computeForwardingTables();
        assertEquals(List.of(1, 2, Switch.NO_ROUTE, Switch.NO_ROUTE, 0, Switch.NO_ROUTE),
                lft(sw1));
    }

    @Test
    void shouldLeaveUnpluggedHostWithoutRoute() {
        FabricPort loose = fabric.addEndpointPort("h9", 1, hosts[1]);
        fabric.assignLid(loose, 9);

        fabric.computeForwardingTables();

        assertEquals(Switch.NO_ROUTE, sw1.route(9));
        assertEquals(Switch.NO_ROUTE, sw2.route(9));
        assertEquals(loose, fabric.portOfLid(9));
        assertEquals(9, loose.lid());
    }

    /**
     * Two HCAs cabled back to back, no switch between them (as two hosts of ibv_rc_pingpong
     * often are): no switch routes their LIDs, and each gets the other's packets over the cable.
     */
    @Test
    void shouldRouteNoSwitchToHcasCabledBackToBack() {
        Recorder r8 = new Recorder(scheduler);
        Recorder r9 = new Recorder(scheduler);
        FabricPort a = fabric.addEndpointPort("h8", 1, r8);
        FabricPort b = fabric.addEndpointPort("h9", 1, r9);
        fabric.connect(a, b, LinkWidth.WIDTH_4X, LinkSpeed.EDR, 1.0);
        fabric.assignLid(a, 8);
        fabric.assignLid(b, 9);

        assertEquals(12, fabric.computeForwardingTables(), "the switched fabric's entries only");
        for (int lid : new int[] {8, 9}) {
            assertEquals(Switch.NO_ROUTE, sw1.route(lid));
            assertEquals(Switch.NO_ROUTE, sw2.route(lid));
        }
        a.send(packet(9, 8, 1, 66));
        b.send(packet(8, 9, 2, 66));
        scheduler.runUntilIdle(100);
        assertEquals(List.of(1), r9.seqs());
        assertEquals(List.of(2), r8.seqs());
    }

    @Test
    void shouldRejectDuplicateLidsAndNames() {
        assertThrows(IllegalArgumentException.class, () -> fabric.assignLid(ports[2], 1));
        assertThrows(IllegalArgumentException.class, () -> fabric.assignLid(sw1.port(1), 0x20));
        assertThrows(IllegalArgumentException.class, () -> fabric.assignLid(ports[2], 0xC000));
        assertThrows(IllegalArgumentException.class, () -> fabric.addSwitch("h1", 4));
        assertThrows(IllegalArgumentException.class, () -> fabric.addEndpointPort("sw1", 1,
                hosts[1]));
        assertThrows(IllegalArgumentException.class, () -> fabric.addEndpointPort("h1", 1,
                hosts[1]));
        FabricPort second = fabric.addEndpointPort("h1", 2, hosts[1]);
        assertEquals("h1/2", second.name());
    }

    @Test
    void shouldMoveLidWhenReassigned() {
        fabric.assignLid(ports[1], 0x40);

        assertNull(fabric.portOfLid(1));
        assertEquals(ports[1], fabric.portOfLid(0x40));
    }

    @Test
    void shouldRouteEveryLidOfAnLmcRangeAndMoveTheWholeRange() {
        fabric.assignLid(ports[3], 0x40, 2);
        assertEquals(0x40, ports[3].lid());
        assertEquals(2, ports[3].lmc());
        assertNull(fabric.portOfLid(3), "the old LID is free");
        fabric.computeForwardingTables();
        for (int lid = 0x40; lid < 0x44; lid++) {
            assertEquals(ports[3], fabric.portOfLid(lid));
            // Before them LID 4 took port 3 (sw2's own 0x11 is not counted); the range then
            // alternates from port 4: two paths.
            assertEquals(lid % 2 == 0 ? 4 : 3, sw1.route(lid), "sw1 towards h3, for LID " + lid);
            assertEquals(1, sw2.route(lid), "sw2 to h3 for LID " + lid);
        }
        assertEquals(Switch.NO_ROUTE, sw2.route(0x44), "one past the range");

        fabric.assignLid(ports[3], 0x48, 1);
        for (int lid = 0x40; lid < 0x44; lid++) {
            assertNull(fabric.portOfLid(lid), "LID " + lid + " moved away");
        }
        assertEquals(ports[3], fabric.portOfLid(0x49));
    }

    @Test
    void shouldRefuseAnLmcRangeThatIsMisalignedOverlapsOrSitsOnASwitch() {
        // Each refused for its own reason, not the first check that happens to fire.
        refused("base LID 0x42 is not a multiple of 2^LMC = 4", () -> fabric.assignLid(ports[3], 0x42, 2));
        refused("LIDs 0x0..0x1 are not unicast", () -> fabric.assignLid(ports[3], 0, 1));
        refused("LID 0x2 already on", () -> fabric.assignLid(ports[3], 2, 1));
        refused("LID 0x10 already on", () -> fabric.assignLid(ports[3], 0x10, 1));
        refused("a switch has one LID, on port 0", () -> fabric.assignLid(sw1.port(0), 0x20, 1));
        refused("LMC 8 is not 0..7", () -> fabric.assignLid(ports[3], 0x40, 8));
        refused("LIDs 0xbffe..0xc001 are not unicast", () -> fabric.assignLid(ports[3], 0xBFFE, 2));
        assertEquals(3, ports[3].lid(), "nothing changed");
        assertEquals(ports[3], fabric.portOfLid(3));
    }

    private static void refused(String why, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, why);
        assertTrue(e.getMessage().contains(why), "refused for '" + e.getMessage() + "', not '" + why + "'");
    }

    @Test
    void shouldRefusePortsOfAnotherFabric() {
        Fabric other = new Fabric(new Scheduler(1));
        FabricPort stranger = other.addEndpointPort("x", 1, hosts[1]);
        Switch otherSwitch = other.addSwitch("osw", 2);

        assertThrows(IllegalArgumentException.class,
                () -> fabric.connect(stranger, sw1.port(4), LinkWidth.WIDTH_1X, LinkSpeed.SDR, 1));
        FabricPort spare = fabric.addEndpointPort("h5", 1, hosts[1]);
        assertThrows(IllegalArgumentException.class,
                () -> fabric.connect(spare, otherSwitch.port(1), LinkWidth.WIDTH_1X,
                        LinkSpeed.SDR, 1));
        assertNull(spare.link());
        assertThrows(IllegalArgumentException.class, () -> fabric.assignLid(stranger, 0x50));
    }

    /**
     * osm_ucast_mgr.c routes every port's base LID before any port's second LID: with LMC 1 the
     * base LIDs of two hosts on one leaf leave the other leaf by different spines, and each
     * host's second LID by the spine its first did not take (start_from). Taking the LIDs in
     * plain order would put both base LIDs on the first spine.
     */
    @Test
    void shouldSpreadTheBaseLidsOverTheSpinesBeforeTheOthers() {
        Scheduler s = new Scheduler(1);
        Fabric f = new Fabric(s);
        Switch[] leaves = {f.addSwitch("leaf0", 4), f.addSwitch("leaf1", 4)};
        Switch[] spines = {f.addSwitch("spine0", 2), f.addSwitch("spine1", 2)};
        for (int l = 0; l < 2; l++) {
            for (int sp = 0; sp < 2; sp++) {
                f.connect(leaves[l].port(3 + sp), spines[sp].port(1 + l), LinkWidth.WIDTH_4X, LinkSpeed.EDR, 1);
            }
        }
        int lid = 2;
        for (Switch leaf : leaves) {
            for (int h = 1; h <= 2; h++) {
                FabricPort p = f.addEndpointPort(leaf.name() + "-h" + h, 1, new Recorder(s));
                f.connect(p, leaf.port(h), LinkWidth.WIDTH_4X, LinkSpeed.EDR, 1);
                f.assignLid(p, lid, 1);
                lid += 2;
            }
        }
        f.computeForwardingTables();
        Switch leaf1 = leaves[1];
        // leaf0's hosts have LIDs 2-3 and 4-5.
        assertEquals(List.of(3, 4, 4, 3), List.of(leaf1.route(2), leaf1.route(4), leaf1.route(3), leaf1.route(5)),
                "base LIDs 2 and 4 by spines 0 and 1, LIDs 3 and 5 by the other spine each");
    }
}
