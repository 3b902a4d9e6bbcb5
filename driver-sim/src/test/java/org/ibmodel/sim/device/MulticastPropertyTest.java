// Random attach, detach and send sequences against a plain model of group membership: the
// driver's MGM chains (hca.HcaMcg, docs/HCA.md §3.11) under every order of change
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ibmodel.core.Wc;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;

/**
 * Three hosts on one switch, every host in every group's MLID; host 0 sends and each host has
 * two UD QPs more, so host 0's get their copies through the HCA's loopback. Steps: a QP
 * attaches to a group, detaches from it, or host 0 sends to the group. Four of the six groups'
 * MGIDs share one hash slot and two another, so the steps build, cut and re-link AMGM chains.
 * After every step the return code is the model's (0 for an attach, -EINVAL for detaching what
 * is not attached; a ninth QP's -ENOMEM cannot happen, there are only six) and after a send
 * exactly the attached QPs have one completion.
 */
class MulticastPropertyTest {
    private static final long DEFAULT_SEED = 0x6d_c457L;
    private static final SeedReporter REPORTER = SeedReporter.of("MulticastPropertyTest", DEFAULT_SEED);
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 200);
    private static final int QKEY = 0x1234_5678;
    /** Low words of the MGIDs: 0x01, 0x81, 0x101, 0x181 share a slot of the 128; 0x02 and 0x82 another. */
    private static final int[] LOWS = {0x01, 0x81, 0x101, 0x181, 0x02, 0x82};
    private static final int QPS = 6;

    @Test
    void shouldDeliverToExactlyTheAttachedQpsWhateverTheOrderOfChanges() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        int[] chained = {0};
        int[] relinked = {0};
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(100)
                .withReporter(new SeedReporter("MulticastPropertyTest", seed))
                .forAll(lists().of(integers().between(0, 3 * QPS * LOWS.length - 1)).ofSizeBetween(1, 40))
                .checkAssert(steps -> {
                    boolean[] seen = check(steps);
                    chained[0] += seen[0] ? 1 : 0;
                    relinked[0] += seen[1] ? 1 : 0;
                });
        // The scenarios must reach what the property is about, or it holds for nothing: a send to a
        // group that shares its hash slot on a host with another (an MGM with an AMGM behind it),
        // and a send into a slot whose chain a detach had cut.
        REPORTER.assertReached(chained[0], EXAMPLES / 4, "of " + EXAMPLES + " runs sent along a chain");
        REPORTER.assertReached(relinked[0], EXAMPLES / 20, "of " + EXAMPLES + " runs sent along a chain cut");
    }

    /**
     * One scenario; whether a send went to a group sharing its slot on a host with another, and
     * whether one went into a slot after a detach took a group out of a chain there.
     */
    static boolean[] check(List<Integer> steps) {
        try (World w = World.of(1, 3)) {
            for (int g = 0; g < LOWS.length; g++) {
                w.joinMulticast(mlid(g), 0, 1, 2);
            }
            MulticastTest.Node sender = new MulticastTest.Node(w, 0, QKEY);
            List<MulticastTest.Node> qps = new ArrayList<>();
            for (int q = 0; q < QPS; q++) {
                MulticastTest.Node n = new MulticastTest.Node(w, q % 3, QKEY);
                n.postRecvs(8);
                qps.add(n);
            }
            Set<Long> attached = new HashSet<>();
            int[] posted = new int[QPS];
            java.util.Arrays.fill(posted, 8);
            int sent = 0;
            boolean[] seen = new boolean[2];
            boolean[] cut = new boolean[2];
            for (int i = 0; i < steps.size(); i++) {
                int s = steps.get(i);
                int op = s % 3;
                int q = s / 3 % QPS;
                int g = s / 3 / QPS;
                String at = "step " + i + " of " + steps;
                MulticastTest.Node n = qps.get(q);
                if (op == 0) {
                    assertEquals(0, n.qp.attachMcast(MulticastTest.mgid(LOWS[g]), mlid(g)), at);
                    attached.add(key(q, g));
                } else if (op == 1) {
                    int want = attached.remove(key(q, g)) ? 0 : Errno.EINVAL.negative();
                    assertEquals(want, n.qp.detachMcast(MulticastTest.mgid(LOWS[g]), mlid(g)), at);
                    Set<Integer> left = groups(attached, q % 3);
                    cut[slot(g)] |= want == 0 && !left.contains(g) && left.stream().anyMatch(o -> slot(o) == slot(g));
                } else {
                    assertChains(w, attached, at);
                    seen[1] |= cut[slot(g)];
                    for (int host = 0; host <= 2; host++) {
                        Set<Integer> there = groups(attached, host);
                        seen[0] |= there.contains(g) && there.stream().anyMatch(o -> o != g && slot(o) == slot(g));
                    }
                    sender.sendToGroup(MulticastTest.mgid(LOWS[g]), mlid(g), TransportPair.pattern(sent++, 32));
                    w.settle();
                    sender.poll();
                    for (int k = 0; k < QPS; k++) {
                        List<Wc> got = qps.get(k).poll();
                        int expected = attached.contains(key(k, g)) ? 1 : 0;
                        assertEquals(expected, got.size(), at + ": QP " + k + " and group " + g + ", " + got);
                        posted[k] -= got.size();
                        if (posted[k] == 0) {
                            qps.get(k).postRecvs(8);
                            posted[k] = 8;
                        }
                    }
                }
            }
            return seen;
        }
    }

    /** The groups with a QP of {@code host} attached; QP q is on host q % 3. */
    private static Set<Integer> groups(Set<Long> attached, int host) {
        Set<Integer> out = new HashSet<>();
        for (long k : attached) {
            if ((int) (k >>> 32) % 3 == host) {
                out.add((int) k);
            }
        }
        return out;
    }

    /** The hash slot of a group: groups 0-3 share one, 4-5 another. */
    private static int slot(int group) {
        return group < 4 ? 0 : 1;
    }

    /**
     * Each host's driver holds an AMGM entry for every group with members there beyond
     * the first group of its hash slot (groups 0-3 share one slot, 4-5 another).
     */
    private static void assertChains(World w, Set<Long> attached, String at) {
        for (int host = 0; host <= 2; host++) {
            Set<Integer> groups = groups(attached, host);
            int slots = (groups.stream().anyMatch(g -> g < 4) ? 1 : 0) + (groups.stream().anyMatch(g -> g >= 4) ? 1 : 0);
            assertEquals(groups.size() - slots, w.host(host).driver(0).live().get("amgm"),
                    at + ": AMGM entries on host " + host + " for groups " + groups);
        }
    }

    private static int mlid(int group) {
        return 0xC010 + group;
    }

    private static long key(int qp, int group) {
        return (long) qp << 32 | group;
    }
}
