package org.ibmodel.sim.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.ibmodel.sim.device.SeedReporter;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Multicast groups on the random fabrics of {@link FabricRoutingPropertyTest}, some members
 * chosen at random: a packet one member sends to the group's MLID reaches no port twice, never
 * comes back to the sender, reaches no port outside the group, and, when every member's switch
 * is in one connected piece of the fabric, reaches every other member.
 */
class FabricMulticastPropertyTest {
    private static final long DEFAULT_SEED = 0x3c_a57L;
    private static final SeedReporter REPORTER = SeedReporter.of("FabricMulticastPropertyTest", DEFAULT_SEED);
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 200) * 2;
    private static final int MLID = 0xC123;

    record Case(FabricRoutingPropertyTest.Shape shape, int memberPercent, long pick) {
    }

    private static Gen<Case> cases() {
        Gen<FabricRoutingPropertyTest.Shape> shapes = integers().between(1, 6).zip(integers().between(1, 10),
                integers().between(0, 14), integers().between(0, 30), (s, h, t, d) -> new int[] {s, h, t, d})
                .zip(longs().all(), (a, seed) -> new FabricRoutingPropertyTest.Shape(a[0], a[1], a[2], a[3], seed));
        return shapes.zip(integers().between(10, 100), longs().all(), Case::new);
    }

    @Test
    void shouldReachEveryOtherMemberOnceAndNoOneElse() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        int[] replicated = {0};
        int[] roundALoop = {0};
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(200)
                .withReporter(new SeedReporter("FabricMulticastPropertyTest", seed))
                .forAll(cases())
                .checkAssert(c -> {
                    boolean[] seen = check(c);
                    replicated[0] += seen[0] ? 1 : 0;
                    roundALoop[0] += seen[1] ? 1 : 0;
                });
        // The scenarios must reach what the property is about, or it holds for nothing: a packet
        // a switch sent out by more than one port, and one that went from switch to switch where
        // the trunks close a loop (parallel cables too), which the tree must leave open.
        REPORTER.assertReached(replicated[0], EXAMPLES / 14, "of " + EXAMPLES + " runs replicated a packet");
        REPORTER.assertReached(roundALoop[0], EXAMPLES / 16,
                "of " + EXAMPLES + " runs crossed a trunk of a fabric with a loop");
    }

    /**
     * One case; whether a send reached two members or more (a switch replicated it), and whether
     * one reached a member on another switch while the trunks that are up close a loop.
     */
    static boolean[] check(Case c) {
        Map<String, List<Integer>> received = new HashMap<>();
        Fabric fabric = FabricRoutingPropertyTest.build(c.shape(),
                (port, packet) -> received.computeIfAbsent(port.name(), k -> new ArrayList<>()).add(TestPackets.seq(packet)));
        fabric.computeForwardingTables();
        SplittableRandom r = new SplittableRandom(c.pick());
        List<FabricPort> members = new ArrayList<>();
        for (FabricPort p : fabric.endpointPorts()) {
            if (r.nextInt(100) < c.memberPercent()) {
                members.add(p);
            }
        }
        fabric.setMulticastGroup(MLID, members);
        Set<String> names = new HashSet<>();
        members.forEach(m -> names.add(m.name()));
        boolean onepiece = onePiece(fabric, members);
        boolean loop = loop(fabric);
        boolean[] seen = new boolean[2];
        for (int i = 0; i < members.size(); i++) {
            FabricPort sender = members.get(i);
            received.clear();
            sender.send(TestPackets.packet(MLID, sender.lid(), i, 66));
            fabric.scheduler().runUntilIdle(10_000);
            String what = c + ", sender " + sender.name() + ", members " + names + ": " + received;
            received.forEach((port, seqs) -> {
                assertTrue(names.contains(port), "outside the group: " + port + " in " + what);
                assertEquals(1, seqs.size(), "once: " + port + " in " + what);
            });
            assertTrue(!received.containsKey(sender.name()), "back to the sender in " + what);
            seen[0] |= received.size() >= 2;
            for (FabricPort m : members) {
                seen[1] |= loop && received.containsKey(m.name()) && m.peer().owner() != sender.peer().owner();
            }
            if (onepiece && attached(sender)) {
                for (FabricPort m : members) {
                    if (m != sender && attached(m)) {
                        assertTrue(received.containsKey(m.name()), "missed " + m.name() + " in " + what);
                    }
                }
            }
        }
        return seen;
    }

    // Whether the trunks that are up close a loop: one joins two switches already joined.
    private static boolean loop(Fabric fabric) {
        List<Switch> switches = fabric.switches();
        int[] root = new int[switches.size()];
        Arrays.setAll(root, i -> i);
        for (Link link : fabric.links()) {
            if (link.state() != Link.State.UP || !link.a().isSwitchPort() || !link.b().isSwitchPort()) {
                continue;
            }
            int a = root(root, link.a().owner().index());
            int b = root(root, link.b().owner().index());
            if (a == b) {
                return true;
            }
            root[a] = b;
        }
        return false;
    }

    private static int root(int[] root, int i) {
        while (root[i] != i) {
            i = root[i];
        }
        return i;
    }

    private static boolean attached(FabricPort hca) {
        return hca.link() != null && hca.link().state() == Link.State.UP && hca.peer().isSwitchPort();
    }

    // Whether the switches of all attached members are connected over trunks that are up.
    private static boolean onePiece(Fabric fabric, List<FabricPort> members) {
        List<Switch> homes = new ArrayList<>();
        for (FabricPort m : members) {
            if (attached(m)) {
                homes.add(m.peer().owner());
            }
        }
        if (homes.isEmpty()) {
            return true;
        }
        Set<Switch> seen = new HashSet<>();
        List<Switch> todo = new ArrayList<>(List.of(homes.get(0)));
        while (!todo.isEmpty()) {
            Switch sw = todo.remove(todo.size() - 1);
            if (!seen.add(sw)) {
                continue;
            }
            for (int p = 1; p <= sw.numPorts(); p++) {
                Link link = sw.port(p).link();
                if (link != null && link.state() == Link.State.UP) {
                    FabricPort peer = link.peerOf(sw.port(p));
                    if (peer.isSwitchPort()) {
                        todo.add(peer.owner());
                    }
                }
            }
        }
        return seen.containsAll(homes);
    }
}
