// A switch's subnet management agent fed random SMPs (IBA 13.4, 14.2.5): docs/HCA.md §10's rules
// for the Sets it takes and the ones it refuses
package org.ibmodel.sim.world;

import static org.ibmodel.sim.device.MadGens.near;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.device.SeedReporter;
import org.ibmodel.sim.device.Sma;
import org.ibmodel.sim.fabric.Fabric;
import org.ibmodel.sim.fabric.FabricPort;
import org.ibmodel.sim.fabric.Link;
import org.ibmodel.sim.fabric.LinkSpeed;
import org.ibmodel.sim.fabric.LinkWidth;
import org.ibmodel.sim.fabric.PacketSink;
import org.ibmodel.sim.fabric.Switch;
import org.ibmodel.sim.sched.Scheduler;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Random SMPs, most of them near the values the agent tells apart, to a four-port switch (hosts
 * on ports 1 and 2, nothing on 3 and 4): the agent never throws; a Get, and any Set it refuses,
 * changes nothing of the switch (its LFT, the MFT of the block asked and of a group, the tables'
 * tops, PortStateChange, LifeTimeValue, port 0's P_Key, which ports drive their links); a Set it
 * takes is answered with what a Get then reads.
 */
class SwitchSmaPropertyTest {
    private static final long DEFAULT_SEED = 0x5_3a5e7L;
    private static final SeedReporter REPORTER = SeedReporter.of("SwitchSmaPropertyTest", DEFAULT_SEED);
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 200) * 5;
    private static final int PORTS = 4;
    private static final int SWITCH_LID = 0x100;
    private static final int GROUP = 0xC001;
    private static final int SET = 0x02;
    private static final int GET = 0x01;

    /** What answers an SMP as the switch's agent does: its GetResp, or null. */
    @FunctionalInterface
    interface Agent {
        byte[] answer(byte[] in, int inPort);
    }

    /** One SMP: its header values and a seed for the rest, data included. */
    record Call(int method, int attrId, long attrMod, int inPort, long fill) {
        byte[] mad() {
            byte[] m = new byte[Layout.Mad.SIZE];
            SplittableRandom r = new SplittableRandom(fill);
            r.nextBytes(m);
            Layout.Mad.BASE_VERSION.set(m, 0, 1);
            Layout.Mad.MGMT_CLASS.set(m, 0, Sma.CLASS_SUBN_LID_ROUTED);
            Layout.Mad.CLASS_VERSION.set(m, 0, 1);
            Layout.Mad.METHOD.set(m, 0, method);
            Layout.Mad.ATTR_ID.set(m, 0, attrId);
            Layout.Mad.ATTR_MOD.set(m, 0, attrMod);
            // Three Sets in four carry data a switch takes: ports that exist, states it knows.
            if ((fill & 3) != 0) {
                plausible(m, r);
            }
            return m;
        }

        private void plausible(byte[] m, SplittableRandom r) {
            int d = Layout.Mad.DATA;
            switch (attrId) {
                case 0x0019 -> {
                    for (int i = 0; i < 64; i++) {
                        m[d + i] = (byte) (r.nextInt(4) == 0 ? 0xff : r.nextInt(PORTS + 1));
                    }
                }
                case 0x001b -> {
                    for (int i = 0; i < 64; i++) {
                        m[d + i] = (byte) (i % 2 == 0 ? 0 : r.nextInt(1 << PORTS + 1));
                    }
                }
                case 0x0015 -> {
                    int[][] states = {{0, 3}, {0, 2}, {1, 0}, {0, 0}, {4, 0}, {1, 2}, {3, 2}, {2, 0}, {0, 1}};
                    int[] st = states[r.nextInt(states.length)];
                    Layout.SmpPortInfo.PORT_STATE.set(m, d, st[0]);
                    Layout.SmpPortInfo.PORT_PHYS_STATE.set(m, d, st[1]);
                }
                case 0x0012 -> {
                    SwitchSma.SwitchInfo.LINEAR_FDB_TOP.set(m, d, r.nextInt(4) == 0 ? 0xC000 : r.nextInt(0x200));
                    SwitchSma.SwitchInfo.MULTICAST_FDB_TOP.set(m, d, 0xBFFF + r.nextInt(0x100));
                }
                default -> {
                }
            }
        }
    }

    /** Modifiers an attribute's agent tells apart: mostly ones it takes, some at or past a limit. */
    private static long[] modifiers(int attr) {
        return switch (attr) {
            case 0x0015 -> new long[] {1, 2, 3, 4, 1, 2, 0, 5, 0x8000_0001L, 0x8000_0002L};
            case 0x0016 -> new long[] {0, 0, 0, 1, 1 << 16};
            case 0x0019 -> new long[] {0, 0, 1, 4, 767, 768};
            case 0x001b -> new long[] {0, 0, 1, 1L << 28, 0x1ff, 2L << 28, 1 << 9};
            default -> new long[] {0, 0, 0, 1};
        };
    }

    private static Gen<Call> calls() {
        Gen<Integer> method = near(95, new int[] {GET, SET, SET, SET, 0x81, 0x05}, 8);
        Gen<Integer> attr = near(95, new int[] {0x0010, 0x0011, 0x0012, 0x0015, 0x0016, 0x0019, 0x001b}, 16);
        Gen<Integer> inPort = integers().between(1, 2);
        Gen<long[]> head = method.zip(attr, inPort, (m, a, p) -> new long[] {m, a, p});
        return head.flatMap(h -> {
            long[] mods = modifiers((int) h[1]);
            Gen<Long> mod = integers().between(0, mods.length - 1).map(i -> mods[i])
                    .mix(longs().between(0, 0xffff_ffffL), 10);
            return mod.zip(longs().all(), (am, f) -> new Call((int) h[0], (int) h[1], am, (int) h[2], f));
        });
    }

    /** A four-port switch with hosts on ports 1 and 2, routes to both, its own LID and one group. */
    static Switch world() {
        Scheduler scheduler = new Scheduler(1);
        Fabric f = new Fabric(scheduler);
        Switch sw = f.addSwitch("sw0", PORTS);
        PacketSink drop = (port, packet) -> port.pool().give(packet);
        for (int h = 1; h <= 2; h++) {
            FabricPort port = f.addEndpointPort("h" + h, 1, drop);
            f.connect(port, sw.port(h), LinkWidth.WIDTH_4X, LinkSpeed.EDR, 1.0);
            sw.route(h, h);
        }
        f.assignLid(sw.port(0), SWITCH_LID);
        sw.route(SWITCH_LID, 0);
        sw.setMulticastRoute(GROUP, 1, 2);
        sw.clearPortStateChange();
        return sw;
    }

    /** The switch state an SMP could change, the MFT for the block {@code c} names and the group. */
    record State(long lft, long lftBlock, String mft, int lftTop, int mftTop, boolean psc, int lifeTime, int pkey,
            String links) {
        /** This state without what a Set of {@code attr} may change. */
        State untouchedBy(int attr) {
            return switch (attr) {
                case 0x0019 -> new State(lft, 0, mft, -2, mftTop, psc, lifeTime, pkey, links);
                case 0x001b -> new State(lft, lftBlock, "", lftTop, -2, psc, lifeTime, pkey, links);
                case 0x0016 -> new State(lft, lftBlock, mft, lftTop, mftTop, psc, lifeTime, 0, links);
                case 0x0012 -> new State(lft, lftBlock, mft, -2, -2, false, 0, pkey, links);
                case 0x0015 -> new State(lft, lftBlock, mft, lftTop, mftTop, false, lifeTime, pkey, "");
                default -> this;
            };
        }

        static State of(Switch sw, SwitchSma sma, Call c) {
            // The LFT outside the block an LFT Set names, and that block apart.
            long named = c.attrId() == 0x0019 ? c.attrMod() : -1;
            long lft = 0;
            long lftBlock = 0;
            for (int lid = 0; lid <= Switch.MAX_UNICAST_LID; lid++) {
                if (lid / 64 == named) {
                    lftBlock = lftBlock * 31 + sw.route(lid);
                } else {
                    lft = lft * 31 + sw.route(lid);
                }
            }
            StringBuilder mft = new StringBuilder(Arrays.toString(sw.multicastRoute(GROUP)));
            int first = Switch.FIRST_MULTICAST_LID + (int) (c.attrMod() & 0x1ff) * 32;
            for (int mlid = first; mlid < first + 32 && mlid <= Switch.LAST_MULTICAST_LID; mlid++) {
                mft.append(Arrays.toString(sw.multicastRoute(mlid)));
            }
            StringBuilder enabled = new StringBuilder();
            for (int p = 1; p <= PORTS; p++) {
                Link l = sw.port(p).link();
                enabled.append(sw.port(p).enabled()).append(l == null ? "-" : l.state())
                        .append(sw.counters(p).get(org.ibmodel.sim.fabric.SwitchPortCounters.Counter.LINK_DOWNED))
                        .append(' ');
            }
            byte[] si = sma.answer(get(0x0012, 0), 1);
            return new State(lft, lftBlock, mft.toString(), sw.linearFdbTop(), sw.multicastFdbTop(),
                    sw.portStateChange(),
                    SwitchSma.SwitchInfo.LIFE_TIME_VALUE.getInt(si, Layout.Mad.DATA), sma.managementPkey(),
                    enabled.toString());
        }
    }

    private static byte[] get(int attr, long mod) {
        return new Call(GET, attr, mod, 1, 1).mad();
    }

    /**
     * The property for one call on a fresh switch, asked through what {@code wrap} makes of its
     * agent; returns the low 15 bits of the answer's status, -1 for no answer.
     */
    static int check(Call c, BiFunction<Switch, SwitchSma, Agent> wrap) {
        Switch sw = world();
        SwitchSma sma = new SwitchSma(sw, 0x0002_c903_0001_0000L, 1);
        Agent agent = wrap.apply(sw, sma);
        State before = State.of(sw, sma, c);
        byte[] in = c.mad();
        byte[] out = agent.answer(in, c.inPort());
        int status = out == null ? -1 : Layout.Mad.STATUS.getInt(out, 0) & 0x7fff;
        State after = State.of(sw, sma, c);
        if (c.method() != SET || status != 0) {
            assertEquals(before, after, "a Get or a refused Set changed the switch: " + c + ", status " + status);
            return status;
        }
        // A Set taken is answered with the attribute as a Get now reads it, holds what it was
        // asked to write, and leaves the rest of the switch as it was.
        byte[] now = sma.answer(get(c.attrId(), c.attrMod()), c.inPort());
        assertEquals(0, Layout.Mad.STATUS.getInt(now, 0), "the Get after the Set: " + c);
        int end = Layout.Mad.DATA + Layout.Mad.DATA_SIZE;
        assertArrayEquals(Arrays.copyOfRange(now, Layout.Mad.DATA, end), Arrays.copyOfRange(out, Layout.Mad.DATA, end),
                "the Set's answer: " + c);
        assertWritten(c, in, out);
        assertEquals(before.untouchedBy(c.attrId()), after.untouchedBy(c.attrId()),
                "a Set changed what its attribute does not hold: " + c);
        return status;
    }

    /** What a taken Set of {@code c}'s attribute holds afterwards of what {@code in} asked. */
    private static void assertWritten(Call c, byte[] in, byte[] out) {
        int d = Layout.Mad.DATA;
        switch (c.attrId()) {
            case 0x0019 -> {
                for (int i = 0; i < 64; i++) {
                    int want = c.attrMod() == 0 && i == 0 ? 0xff : in[d + i] & 0xff;
                    assertEquals(want, out[d + i] & 0xff, "LFT entry " + i + ": " + c);
                }
            }
            case 0x001b -> {
                for (int j = 0; j < 32; j++) {
                    int mask = (in[d + 2 * j] & 0xff) << 8 | in[d + 2 * j + 1] & 0xff;
                    boolean permissive = (c.attrMod() & 0x1ff) == 0x1ff && j == 31;
                    int want = permissive ? 0 : (c.attrMod() >>> 28) == 0 ? mask & ~1 : mask;
                    int got = (out[d + 2 * j] & 0xff) << 8 | out[d + 2 * j + 1] & 0xff;
                    assertEquals(want, got, "MFT entry " + j + ": " + c);
                }
            }
            case 0x0016 -> assertEquals((in[d] & 0xff) << 8 | in[d + 1] & 0xff,
                    (out[d] & 0xff) << 8 | out[d + 1] & 0xff, "P_Key: " + c);
            case 0x0012 -> {
                assertEquals(SwitchSma.SwitchInfo.LINEAR_FDB_TOP.getInt(in, d),
                        SwitchSma.SwitchInfo.LINEAR_FDB_TOP.getInt(out, d), "LinearFDBTop: " + c);
                assertEquals(SwitchSma.SwitchInfo.MULTICAST_FDB_TOP.getInt(in, d),
                        SwitchSma.SwitchInfo.MULTICAST_FDB_TOP.getInt(out, d), "MulticastFDBTop: " + c);
                assertEquals(SwitchSma.SwitchInfo.LIFE_TIME_VALUE.getInt(in, d),
                        SwitchSma.SwitchInfo.LIFE_TIME_VALUE.getInt(out, d), "LifeTimeValue: " + c);
                if (SwitchSma.SwitchInfo.PORT_STATE_CHANGE.getInt(in, d) == 1) {
                    assertEquals(0, SwitchSma.SwitchInfo.PORT_STATE_CHANGE.getInt(out, d), "PortStateChange: " + c);
                }
            }
            case 0x0015 -> {
                if (Layout.SmpPortInfo.PORT_PHYS_STATE.getInt(in, d) == 3) {
                    assertEquals(3, Layout.SmpPortInfo.PORT_PHYS_STATE.getInt(out, d), "Disabled: " + c);
                }
            }
            default -> throw new AssertionError("a Set of an attribute the agent refuses was taken: " + c);
        }
    }

    /** The attributes whose Sets the agent takes, and how many of each a run took. */
    private static final int[] SET_ATTRS = {0x0012, 0x0015, 0x0016, 0x0019, 0x001b};

    private static int run(long seed, int examples, BiFunction<Switch, SwitchSma, Agent> wrap) {
        int[] taken = {0};
        int[] refused = {0};
        int[] perAttr = new int[SET_ATTRS.length];
        qt().withFixedSeed(seed)
                .withExamples(examples)
                .withShrinkCycles(100)
                .withReporter(new SeedReporter("SwitchSmaPropertyTest", seed))
                .forAll(calls())
                .checkAssert(c -> {
                    int status = check(c, wrap);
                    taken[0] += c.method() == SET && status == 0 ? 1 : 0;
                    refused[0] += c.method() == SET && status > 0 ? 1 : 0;
                    for (int i = 0; i < SET_ATTRS.length; i++) {
                        perAttr[i] += c.method() == SET && status == 0 && c.attrId() == SET_ATTRS[i] ? 1 : 0;
                    }
                });
        for (int i = 0; i < SET_ATTRS.length; i++) {
            REPORTER.assertReached(perAttr[i], examples / 200,
                    String.format("of %d SMPs a Set of attribute %#06x taken", examples, SET_ATTRS[i]));
        }
        return taken[0] * 100_000 + refused[0];
    }

    @Test
    void shouldChangeNothingOnAGetOrARefusedSetAndAnswerATakenOneAsAGetReadsIt() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        int counts = run(seed, EXAMPLES, (sw, sma) -> sma::answer);
        // Both kinds of Set must come up often, or the property holds for nothing.
        REPORTER.assertReached(counts / 100_000, EXAMPLES / 20, "of " + EXAMPLES + " SMPs a Set taken");
        REPORTER.assertReached(counts % 100_000, EXAMPLES / 10, "of " + EXAMPLES + " SMPs a Set refused");
    }

    /**
     * The property catches what it exists for: an agent that writes an LFT block's good entries
     * before it finds the bad one (then refuses the block) changes a switch it answered a refusal.
     */
    @Test
    void shouldCatchAnLftSetThatWritesBeforeItChecks() {
        BiFunction<Switch, SwitchSma, Agent> writesFirst = (sw, sma) -> (in, inPort) -> {
            if (Layout.Mad.METHOD.getInt(in, 0) == SET && Layout.Mad.ATTR_ID.getInt(in, 0) == 0x0019) {
                long block = Layout.Mad.ATTR_MOD.get(in, 0);
                for (int i = 0; i < 64 && block < 768; i++) {
                    int port = in[Layout.Mad.DATA + i] & 0xff;
                    int lid = (int) block * 64 + i;
                    if (lid > 0 && port <= PORTS) {
                        sw.route(lid, port);
                    }
                }
            }
            return sma.answer(in, inPort);
        };
        AssertionError e = assertThrows(AssertionError.class, () -> run(DEFAULT_SEED, EXAMPLES, writesFirst));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("refused Set changed the switch"),
                e.getMessage());
    }
}
