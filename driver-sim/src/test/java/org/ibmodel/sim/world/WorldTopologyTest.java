package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.PortState;
import org.ibmodel.kernel.Work;
import org.ibmodel.sim.fabric.FabricPort;
import org.ibmodel.sim.fabric.Link;
import org.ibmodel.sim.fabric.Switch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a {@link World} cables its hosts and routes its LIDs: one switch as before, or a two-level
 * fat tree whose forwarding tables reach every LID by a shortest path and share the spines.
 */
class WorldTopologyTest {

    @Test
    void shouldKeepTheOneSwitchWorldAsItWas() {
        try (World w = World.of(3, 3)) {
            List<Switch> switches = w.fabric().switches();
            assertEquals(1, switches.size());
            Switch sw = switches.get(0);
            assertEquals("sw0", sw.name());
            assertEquals(4, sw.numPorts(), "one port per host and a spare");
            assertEquals(World.SWITCH_LID, sw.port(0).lid());
            for (int i = 0; i < 3; i++) {
                assertEquals(i + 1, w.lid(i));
                assertEquals(sw.port(i + 1), w.link(i).peerOf(w.fabric().portOfLid(w.lid(i))));
            }
        }
    }

    @Test
    void shouldRunWorkAnyHostQueuedWhenSettlingOrRunningOn() {
        try (World w = World.fatTree(3, 40, 8, 2)) {
            List<String> ran = new ArrayList<>();
            for (int h : new int[] {33, 7}) {
                w.host(h).kernel().systemWq().queueWork(new Work("w" + h, () -> ran.add("h" + h)));
            }
            w.settle();
            assertEquals(List.of("h7", "h33"), ran, "in host order, as asking every host would");
            w.host(12).kernel().raiseSoftirq("s", () -> ran.add("h12"));
            w.link(0).changeState(Link.State.DOWN);
            w.runUntil(w.scheduler().now() + 1_000);
            assertEquals(List.of("h7", "h33", "h12"), ran);
        }
    }

    @Test
    void shouldCableAFatTreeAndGiveTheSwitchesTheLidsAfterTheHosts() {
        try (World w = World.fatTree(5, 10, 4, 2)) {
            List<String> names = new ArrayList<>();
            for (Switch sw : w.fabric().switches()) {
                names.add(sw.name() + ":" + sw.numPorts() + "@" + Integer.toHexString(sw.port(0).lid()));
            }
            assertEquals(List.of("leaf0:6@100", "leaf1:6@101", "leaf2:6@102", "spine0:3@103",
                    "spine1:3@104"), names);
            for (int i = 0; i < 10; i++) {
                FabricPort hca = w.fabric().portOfLid(w.lid(i));
                FabricPort peer = w.link(i).peerOf(hca);
                assertEquals("leaf" + i / 4, peer.owner().name(), "host " + i);
                assertEquals(i % 4 + 1, peer.portNum(), "host " + i);
                assertEquals(PortState.ACTIVE, w.host(i).driver(0).device().port(1).state(), "host " + i);
            }
            for (int l = 0; l < 3; l++) {
                Switch leaf = w.fabric().switches().get(l);
                for (int k = 0; k < 2; k++) {
                    FabricPort up = leaf.port(4 + k + 1);
                    FabricPort spinePort = up.link().peerOf(up);
                    assertEquals("spine" + k, spinePort.owner().name());
                    assertEquals(l + 1, spinePort.portNum());
                }
            }
        }
    }

    @Test
    void shouldReachEveryLidFromEveryLeafByAShortestPath() {
        try (World w = World.of(5, 11, 1, 2, Topology.fatTree(3, 3))) {
            List<Switch> switches = w.fabric().switches();
            List<Integer> lids = allLids(w);
            for (Switch from : switches) {
                for (int lid : lids) {
                    FabricPort target = w.fabric().portOfLid(lid);
                    List<String> path = walk(from, lid);
                    Switch last = target.isSwitchPort() ? target.owner() : target.peer().owner();
                    // A leaf and a spine are neighbours; two leaves or two spines are two links apart.
                    int expected = from == last ? 1 : isSpine(from) != isSpine(last) ? 2 : 3;
                    assertEquals(expected, path.size(), "from " + from.name() + " to LID " + lid + ": " + path);
                }
            }
        }
    }

    @Test
    void shouldShareTheSpinesAmongTheLidsOfTheOtherLeaves() {
        try (World w = World.fatTree(5, 16, 4, 4)) {
            for (int l = 0; l < 4; l++) {
                Switch leaf = w.fabric().switches().get(l);
                Map<Integer, Integer> perUplink = new TreeMap<>();
                for (int lid : allLids(w)) {
                    int port = leaf.route(lid);
                    if (port > 4 && !w.fabric().portOfLid(lid).isSwitchPort()) {
                        perUplink.merge(port, 1, Integer::sum);
                    }
                }
                // The 12 hosts on other leaves share the uplinks, 3 each; the switches' LIDs, which
                // OpenSM leaves out of the count (port_profile_switch_nodes off), are not shared.
                assertEquals(4, perUplink.size(), "leaf" + l + " uses every spine: " + perUplink);
                int min = perUplink.values().stream().min(Integer::compare).orElseThrow();
                int max = perUplink.values().stream().max(Integer::compare).orElseThrow();
                assertTrue(max - min <= 1, "leaf" + l + " shares its uplinks evenly: " + perUplink);
            }
        }
    }

    @Test
    void shouldSendTheLidsOfOnePortThroughDifferentSpinesWithAnLmc() {
        try (World w = World.of(5, 8, 2, 1, Topology.fatTree(4, 4))) {
            Switch leaf0 = w.fabric().switches().get(0);
            for (int i = 4; i < 8; i++) {
                List<Integer> uplinks = new ArrayList<>();
                for (int lid = w.lid(i); lid < w.lid(i) + 4; lid++) {
                    uplinks.add(leaf0.route(lid));
                }
                assertEquals(4, uplinks.stream().distinct().count(),
                        "host " + i + "'s four LIDs leave leaf0 by four spines: " + uplinks);
            }
        }
    }

    /** README.md, "A world of your own", call for call. */
    @Test
    void shouldRunTheReadmeExample(@TempDir Path dir) {
        try (World w = World.fatTree(42, 1024, 32, 8)) {
            w.capture(dir.resolve("out.pcap"));
            w.joinMulticast(0xC001, 0, 5, 900);
            IbDevice dev = w.host(5).driver(0).device();
            assertEquals(PortState.ACTIVE, dev.port(1).state());
            w.settle();
            w.link(900).changeState(Link.State.DOWN);
            w.sweep();
            Switch leaf0 = w.fabric().switches().get(0);
            assertEquals(Switch.NO_ROUTE, leaf0.route(w.lid(900)), "no route to a host whose cable is out");
            assertTrue(leaf0.route(w.lid(5)) != Switch.NO_ROUTE);
            assertEquals(3, w.fabric().multicastGroup(0xC001).size(), "the group keeps its members");
            int[] leaf28 = w.fabric().switches().get(900 / 32).multicastRoute(0xC001);
            assertTrue(Arrays.stream(leaf28).noneMatch(p -> p == 900 % 32 + 1),
                    "the tree leaves out the member whose cable is out: " + Arrays.toString(leaf28));
        }
    }

    @Test
    void shouldRefuseWhatNoSwitchOrLidSpaceHolds() {
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () -> World.of(1, 254));
        assertTrue(one.getMessage().contains("use a fat tree"), one.getMessage());
        assertThrows(IllegalArgumentException.class, () -> World.of(1, 10, 0, 2, Topology.fatTree(127, 1)),
                "a leaf of 2 × 127 host ports and an uplink");
        assertThrows(IllegalArgumentException.class, () -> World.fatTree(1, 255 * 2, 2, 1), "255 leaves on a spine");
        IllegalArgumentException lids = assertThrows(IllegalArgumentException.class,
                () -> World.of(1, 400, 7, 1, Topology.fatTree(20, 20)));
        assertTrue(lids.getMessage().contains("past the last unicast LID"), lids.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Topology.fatTree(0, 2));
        assertThrows(IllegalArgumentException.class, () -> Topology.fatTree(2, 0));
        assertThrows(IllegalArgumentException.class, () -> World.of(1, 0));
        try (World w = World.of(1, 2)) {
            assertThrows(IllegalArgumentException.class, () -> w.joinMulticast(0xC001, 0, 2), "no host 2");
            assertThrows(IllegalArgumentException.class, () -> w.joinMulticast(0xBFFF, 0, 1), "a unicast LID");
        }
    }

    private static boolean isSpine(Switch sw) {
        return sw.name().startsWith("spine");
    }

    private static List<Integer> allLids(World w) {
        List<Integer> lids = new ArrayList<>();
        for (int lid = 1; lid <= Switch.MAX_UNICAST_LID; lid++) {
            if (w.fabric().portOfLid(lid) != null) {
                lids.add(lid);
            }
        }
        return lids;
    }

    // The switches a packet for dlid visits from `from`, by the forwarding tables alone.
    private static List<String> walk(Switch from, int dlid) {
        List<String> path = new ArrayList<>();
        Switch at = from;
        while (true) {
            path.add(at.name());
            int port = at.route(dlid);
            assertTrue(port != Switch.NO_ROUTE, at.name() + " has no route to LID " + dlid);
            if (port == 0) {
                return path;
            }
            FabricPort out = at.port(port);
            FabricPort next = out.link().peerOf(out);
            if (!next.isSwitchPort()) {
                assertTrue(dlid >= next.lid() && dlid < next.lid() + (1 << next.lmc()),
                        at.name() + " port " + port + " leads to " + next + ", not LID " + dlid);
                return path;
            }
            assertTrue(path.size() < 8, "a loop towards LID " + dlid + ": " + path);
            at = next.owner();
        }
    }
}
