// Property: the device's path migration keeps the invariants specs/src/main/tla/PathMigration.tla
// checks, and RC stays exactly-once and in order through migrations (IBA 17.2.8; HCA.md §5.10)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.fabric.Link;
import org.junit.jupiter.api.Test;

/**
 * Generated scenarios on two hosts with two ports each, an RC connection on port 1: a world seed
 * and a list of steps, each one of: a SEND with immediate from a or from b (not run), running the
 * world for 1 µs to 40 ms, software loading the path it is not on as a QP's alternate and asking
 * for rearm, software asking a QP to migrate, and the loss of one host's cable to one port (at
 * most one loss a run, so the two hosts stay joined). After every step, while both QPs live:
 * <ul>
 * <li>{@code refusals}: rearm is refused (-EINVAL) exactly when the QP is armed, migrated exactly
 *     when it is in rearm (HCA.md §5.10), and a refusal changes nothing;
 * <li>{@code ArmedPeerCanFollow} and {@code MigratedAgree}, PathMigration.tla's invariants, on the
 *     QP contexts: where an armed QP would migrate its peer is, or has that alternate loaded and
 *     has not migrated away; two migrated QPs are on one port.
 * </ul>
 * At the end, the world settled: each side's receives are the other's SENDs in order with no
 * gap or repeat, at least as many as the sender saw succeed; every SEND completes, the successes
 * first.
 * Replay a failure with the seed it prints:
 * {@code mvn -B -pl driver-sim -am verify -Dtest=PathMigrationPropertyTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=SEED}.
 */
class PathMigrationPropertyTest {
    private static final long DEFAULT_SEED = 0x17_28;
    private static final SeedReporter REPORTER = SeedReporter.of("PathMigrationPropertyTest", DEFAULT_SEED);
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 200);
    private static final int LEN = 512;
    private static final int RECEIVES = 64;
    /** Send WR ids start here; receive WR ids are the slot numbers below it. */
    private static final long SEND_WRID = 1000;
    private static final long[] RUN_NS = {1_000, 10_000, 100_000, 5_000_000, 40_000_000};
    /** enum ib_mig_state */
    private static final int MIGRATED = 0;
    private static final int REARM = 1;

    /** One step: kind 0 SEND from a, 1 SEND from b, 2 run, 3 rearm, 4 migrate, 5 cable lost. */
    record Step(int kind, int arg) {
        @Override
        public String toString() {
            return switch (kind) {
                case 0 -> "send(a)";
                case 1 -> "send(b)";
                case 2 -> "run(" + RUN_NS[arg % RUN_NS.length] + "ns)";
                case 3 -> "rearm(" + side(arg) + ")";
                case 4 -> "migrate(" + side(arg) + ")";
                default -> "down(" + side(arg) + " port " + (arg / 2 % 2 + 1) + ")";
            };
        }

        private static String side(int arg) {
            return arg % 2 == 0 ? "a" : "b";
        }
    }

    @Test
    void shouldKeepTheSpecsInvariantsAndDeliverExactlyOnce() {
        int[] armed = {0};
        int[] migrated = {0};
        check(TransportPolicy.CORRECT, EXAMPLES, seen -> {
            armed[0] += seen[0] > 0 ? 1 : 0;
            migrated[0] += seen[1] > 0 ? 1 : 0;
        });
        // The scenarios must reach what the property is about, or it holds for nothing.
        REPORTER.assertReached(armed[0], EXAMPLES / 10, "of " + EXAMPLES + " runs armed a QP");
        REPORTER.assertReached(migrated[0], EXAMPLES / 20, "of " + EXAMPLES + " runs migrated an armed QP");
    }

    /**
     * A device that migrates on exhausted retries from REARM as well as ARMED (a path it was never
     * told is usable: IBA 17.2.8 allows it only from ARMED) breaks the property. The runs that
     * reach it are rare (a QP out of retries while re-armed), so the mutant gets four times the
     * runs: with 200 only, seed 43 has none.
     */
    @Test
    void shouldCatchAMigrationFromRearm() {
        TransportPolicy fromRearm = new TransportPolicy() {
            @Override
            public boolean migratesOnExhaustion(int pmState) {
                return pmState == Layout.QpCtx.PM_ARMED || pmState == Layout.QpCtx.PM_REARM;
            }
        };
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> check(fromRearm, 4 * EXAMPLES, seen -> { }));
        assertTrue(e.getMessage().contains("-Dibmodel.seed="), e.getMessage());
        // A QP that migrated from REARM went where its peer did not follow: two migrated QPs on
        // different ports (MigratedAgree) or, if the peer is armed, an armed QP whose migration
        // would not find it (ArmedPeerCanFollow). Which one a run meets first depends on the
        // seed (seed 90001 meets the second).
        assertTrue(e.getMessage().contains("MigratedAgree") || e.getMessage().contains("ArmedPeerCanFollow"),
                e.getMessage());
    }

    private static void check(TransportPolicy policy, int examples, java.util.function.Consumer<int[]> seen) {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        qt().withFixedSeed(seed)
                .withExamples(examples)
                .withShrinkCycles(30)
                .withReporter(new SeedReporter("PathMigrationPropertyTest", seed))
                .forAll(longs().between(0, 1L << 40),
                        lists().of(integers().between(0, 6 * 20 - 1).map(v -> new Step(v % 6, v / 6)))
                                .ofSizeBetween(1, 24))
                .checkAssert((worldSeed, steps) -> seen.accept(run(worldSeed, steps, policy)));
    }

    /** The path state of one QP as its context holds it. */
    record Paths(int pm, int port, int altPort, HwQpState state) {
        boolean live() {
            return state == HwQpState.RTS || state == HwQpState.SQD;
        }
    }

    private static Paths paths(TransportPair.Side s) {
        QpContext c = s.host.hca(0).firmware().qp(s.qp.qpNum());
        return new Paths((int) c.get(Layout.QpCtx.PM_STATE), (int) c.get(Layout.QpCtx.PORT),
                (int) c.get(Layout.QpCtx.ALT_PORT), c.state());
    }

    /** One scenario; how many steps left a QP armed, and how many migrations an armed QP made. */
    static int[] run(long worldSeed, List<Step> steps, TransportPolicy policy) {
        TransportPair.Conn conn = TransportPair.Conn.standard(Mtu.MTU_1024);
        try (TransportPair p = new TransportPair(worldSeed, QpType.RC, conn, null, false, 0, 2)) {
            p.a.transport().policy(policy);
            p.b.transport().policy(policy);
            int[] seen = new int[2];
            Paths[] last = {paths(p.a), paths(p.b)};
            int[] sent = new int[2];
            boolean lost = false;
            for (TransportPair.Side s : List.of(p.a, p.b)) {
                for (int i = 0; i < RECEIVES; i++) {
                    s.postRecv(i, TransportPair.TARGET + (long) i * LEN, LEN);
                }
            }
            List<Step> done = new ArrayList<>();
            for (Step step : steps) {
                done.add(step);
                String at = "after " + done;
                TransportPair.Side me = step.arg() % 2 == 0 ? p.a : p.b;
                switch (step.kind()) {
                    case 0, 1 -> {
                        TransportPair.Side from = step.kind() == 0 ? p.a : p.b;
                        int n = sent[step.kind()];
                        if (n < RECEIVES && paths(from).live()) {
                            from.postSend(new SendWr().wrId(SEND_WRID + n).opcode(WrOpcode.SEND_WITH_IMM).immData(n)
                                    .sgList(from.sge(0, LEN)));
                            sent[step.kind()]++;
                        }
                    }
                    case 2 -> p.world.runUntil(p.world.scheduler().now() + RUN_NS[step.arg() % RUN_NS.length]);
                    case 3 -> rearm(p, me, at);
                    case 4 -> migrate(me, at);
                    default -> {
                        if (!lost) {
                            lost = true;
                            p.world.link(me.index, step.arg() / 2 % 2 + 1).changeState(Link.State.DOWN);
                        }
                    }
                }
                checkInvariants(p, at);
                Paths[] now = {paths(p.a), paths(p.b)};
                for (int i = 0; i < 2; i++) {
                    seen[0] += now[i].pm() == Layout.QpCtx.PM_ARMED ? 1 : 0;
                    seen[1] += last[i].pm() == Layout.QpCtx.PM_ARMED && now[i].pm() == Layout.QpCtx.PM_MIGRATED
                            && now[i].port() != last[i].port() ? 1 : 0;
                }
                last = now;
            }
            p.settle();
            String at = "at the end of " + steps;
            List<Wc> wa = p.a.poll();
            List<Wc> wb = p.b.poll();
            exactlyOnceInOrder(wa, wb, sent[0], at + ", a to b");
            exactlyOnceInOrder(wb, wa, sent[1], at + ", b to a");
            return seen;
        }
    }

    private static void rearm(TransportPair p, TransportPair.Side me, String at) {
        Paths before = paths(me);
        if (!before.live() || before.state() != HwQpState.RTS) {
            return;
        }
        TransportPair.Side peer = me == p.a ? p.b : p.a;
        int port = 3 - before.port();
        QpAttr a = new QpAttr().state(QpState.RTS);
        a.altAhAttr = new AhAttr(p.world.lid(peer.index, port), 0, 0, 0, port, null);
        a.altPortNum = port;
        a.altTimeout = 10;
        a.pathMigState = REARM;
        long received = received(me);
        int ret = me.qp.modify(a, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.ALT_PATH, QpAttrMask.PATH_MIG_STATE));
        boolean armed = before.pm() == Layout.QpCtx.PM_ARMED;
        assertEquals(armed ? Errno.EINVAL.negative() : 0, ret, at + ": rearm from pm_state " + before.pm());
        if (armed && received(me) == received) {
            assertEquals(before, paths(me), at + ": a refused rearm changes nothing");
        }
    }

    private static void migrate(TransportPair.Side me, String at) {
        Paths before = paths(me);
        if (!before.live() || before.state() != HwQpState.RTS) {
            return;
        }
        QpAttr a = new QpAttr().state(QpState.RTS);
        a.pathMigState = MIGRATED;
        long received = received(me);
        int ret = me.qp.modify(a, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PATH_MIG_STATE));
        boolean rearm = before.pm() == Layout.QpCtx.PM_REARM;
        assertEquals(rearm ? Errno.EINVAL.negative() : 0, ret, at + ": migrate from pm_state " + before.pm());
        Paths after = paths(me);
        if (rearm && received(me) == received) {
            assertEquals(before, after, at + ": a refused migration changes nothing");
        } else if (before.pm() == Layout.QpCtx.PM_ARMED) {
            assertEquals(before.altPort(), after.port(), at + ": migrated onto the alternate path");
        }
    }

    /**
     * Packets the side's HCA received: a command sleeps until its completion interrupt, and a
     * packet arriving meanwhile may change the context (a rearmed QP arms) whatever the command
     * did, so "changes nothing" is checked only when none came.
     */
    private static long received(TransportPair.Side me) {
        Firmware fw = me.host.hca(0).firmware();
        long n = 0;
        for (int port = 1; port <= fw.caps().numPorts(); port++) {
            n += fw.port(port).rcvPackets();
        }
        return n;
    }

    /** PathMigration.tla's ArmedPeerCanFollow and MigratedAgree, while both QPs live. */
    private static void checkInvariants(TransportPair p, String at) {
        Paths a = paths(p.a);
        Paths b = paths(p.b);
        if (!a.live() || !b.live()) {
            return;
        }
        canFollow(a, b, at + ": a armed, b");
        canFollow(b, a, at + ": b armed, a");
        if (a.pm() == Layout.QpCtx.PM_MIGRATED && b.pm() == Layout.QpCtx.PM_MIGRATED) {
            assertEquals(a.port(), b.port(), at + ": MigratedAgree " + a + " " + b);
        }
    }

    private static void canFollow(Paths q, Paths peer, String at) {
        if (q.pm() != Layout.QpCtx.PM_ARMED) {
            return;
        }
        boolean ok = peer.port() == q.altPort()
                || peer.pm() != Layout.QpCtx.PM_MIGRATED && peer.altPort() == q.altPort();
        assertTrue(ok, at + ": ArmedPeerCanFollow " + q + " " + peer);
    }

    /**
     * The receiver's successful receives are the sender's SENDs 0, 1, ... in order, at least those
     * the sender saw succeed; every SEND completed, the successes first.
     */
    private static void exactlyOnceInOrder(List<Wc> fromCq, List<Wc> toCq, int sent, String at) {
        List<Wc> sends = fromCq.stream().filter(wc -> wc.wrId >= SEND_WRID).toList();
        List<Wc> recvs = toCq.stream().filter(wc -> wc.wrId < SEND_WRID && wc.status == WcStatus.SUCCESS).toList();
        assertEquals(sent, sends.size(), at + ": every SEND completes " + sends);
        int ok = 0;
        while (ok < sends.size() && sends.get(ok).status == WcStatus.SUCCESS) {
            ok++;
        }
        for (int i = ok; i < sends.size(); i++) {
            assertTrue(sends.get(i).status != WcStatus.SUCCESS, at + ": successes first " + sends);
        }
        for (int i = 0; i < recvs.size(); i++) {
            assertEquals(i, recvs.get(i).immData, at + ": receive " + i + " of " + recvs.size());
            assertEquals(LEN, recvs.get(i).byteLen, at + ": length of receive " + i);
        }
        assertTrue(recvs.size() >= ok && recvs.size() <= sent,
                at + ": " + recvs.size() + " received, " + ok + " acknowledged, " + sent + " sent");
    }
}
