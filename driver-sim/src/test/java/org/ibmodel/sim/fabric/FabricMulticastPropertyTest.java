package org.ibmodel.sim.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
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
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(200)
                .withReporter(new SeedReporter("FabricMulticastPropertyTest", seed))
                .forAll(cases())
                .checkAssert(FabricMulticastPropertyTest::check);
    }

    static void check(Case c) {
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
            if (onepiece && attached(sender)) {
                for (FabricPort m : members) {
                    if (m != sender && attached(m)) {
                        assertTrue(received.containsKey(m.name()), "missed " + m.name() + " in " + what);
                    }
                }
            }
        }
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
