// Conformance of the simulated HCA's automatic path migration to specs/src/main/tla/PathMigration.tla:
// seeded runs on two-port HCAs, recorded and validated with TLC, and the spec's mutant
// MigrateWhenRearmed made in the device's Java, rejected at the event it produces
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.conform.PathMigrationRecorder;
import org.ibmodel.sim.fabric.Link;
import org.ibmodel.specs.trace.SpecEvent;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.sim.conform.SeededRuns;
import org.ibmodel.specs.trace.TraceAction;
import org.junit.jupiter.api.Test;

/**
 * One scenario per seed on an RC pair through port 1 of two two-port HCAs: 4-30 steps, each a
 * SEND from either side, the world running 1 µs to 40 ms, software loading the other port's path
 * as a QP's alternate and asking for rearm, software asking a QP to migrate, or, once, both
 * cables of one path going down at once. The QPs are recorded by {@link PathMigrationRecorder}
 * and the traces validated against PathMigration. Replay one run:
 * {@code -Dtest=PathMigrationConformanceTest -Dibmodel.seed=SEED}.
 */
class PathMigrationConformanceTest {
    /** Seeded runs per build: {@code -Dibmodel.apmRuns=N} for more. */
    private static final int RUNS = Integer.getInteger("ibmodel.apmRuns", 60);
    private static final long[] RUN_NS = {1_000, 10_000, 100_000, 5_000_000, 40_000_000};
    private static final int LEN = 256;
    private static final int RECEIVES = 64;
    /** enum ib_mig_state */
    private static final int MIGRATED = 0;
    private static final int REARM = 1;

    @Test
    void shouldValidateEverySeededRunAgainstPathMigration() {
        SeededRuns runs = SeededRuns.validated("PathMigrationConformanceTest", RUNS,
                seed -> record(seed, TransportPolicy.CORRECT));
        if (runs.replay()) {
            return;
        }
        // What the runs must have exercised for the check to mean something.
        runs.assertSeen("a QP armed by its peer's packet", e -> e.action() == TraceAction.ApmReceive
                && e.str("pm").equals("ARMED"));
        runs.assertSeen("a QP following its peer's migration", e -> e.action() == TraceAction.ApmReceive
                && e.bool("mig") && e.str("pm").equals("MIGRATED"));
        runs.assertSeen("a migration on exhausted retries", e -> e.action() == TraceAction.ApmExhaust);
        runs.assertSeen("a migration asked for", e -> e.action() == TraceAction.ApmMigrateNow);
        runs.assertSeen("a failed path", e -> e.action() == TraceAction.ApmFailPath);
        runs.assertSeen("a packet by port 2", e -> e.action() == TraceAction.ApmSend && e.num("k") == 2);
    }

    /** PathMigration.tla's MigrateWhenRearmed: a QP in REARM migrates when its retries run out. */
    private static final TransportPolicy MIGRATES_WHEN_REARMED = new TransportPolicy() {
        @Override
        public boolean migratesOnExhaustion(int pmState) {
            return pmState == Layout.QpCtx.PM_ARMED || pmState == Layout.QpCtx.PM_REARM;
        }
    };

    @Test
    void shouldRejectAMigrationFromRearm() {
        SeededRuns.assertRejectedAtTheBug(300, seed -> record(seed, MIGRATES_WHEN_REARMED),
                PathMigrationConformanceTest::firstExhaustInRearm, TraceAction.ApmExhaust);
    }

    /** The seq of the first ApmExhaust of a QP the trace says is in REARM, or 0. */
    private static long firstExhaustInRearm(SpecTrace t) {
        Map<String, String> pm = new LinkedHashMap<>(Map.of("A", "MIGRATED", "B", "MIGRATED"));
        for (SpecEvent e : t.events()) {
            switch (e.action()) {
                case ApmRearm -> pm.put(e.str("q"), "REARM");
                case ApmMigrateNow -> pm.put(e.str("q"), "MIGRATED");
                case ApmReceive -> pm.put(e.str("q"), e.str("pm"));
                case ApmExhaust -> {
                    if (pm.get(e.str("q")).equals("REARM")) {
                        return e.seq();
                    }
                    pm.put(e.str("q"), "MIGRATED");
                }
                default -> {
                }
            }
        }
        return 0;
    }

    // ---- the runs ---------------------------------------------------------------------------

    /** The run of {@code seed}, both devices deciding as {@code policy} does. */
    static SpecTrace record(long seed, TransportPolicy policy) {
        SplittableRandom r = new SplittableRandom(seed);
        TransportPair.Conn conn = TransportPair.Conn.standard(Mtu.MTU_1024);
        try (TransportPair p = new TransportPair(r.nextLong(1L << 40), QpType.RC, conn, null, false, 0, 2)) {
            p.a.transport().policy(policy);
            p.b.transport().policy(policy);
            for (TransportPair.Side s : List.of(p.a, p.b)) {
                for (int i = 0; i < RECEIVES; i++) {
                    s.postRecv(i, TransportPair.TARGET + (long) i * LEN, LEN);
                }
            }
            PathMigrationRecorder rec = new PathMigrationRecorder(p.a.transport(), p.a.qp.qpNum(),
                    p.b.transport(), p.b.qp.qpNum());
            int[] sent = new int[2];
            boolean failed = false;
            int steps = 4 + r.nextInt(27);
            for (int k = 0; k < steps; k++) {
                int kind = r.nextInt(12);
                TransportPair.Side me = r.nextBoolean() ? p.a : p.b;
                int i = me == p.a ? 0 : 1;
                if (kind < 4) {
                    if (sent[i] < RECEIVES && me.qp.state() == QpState.RTS) {
                        me.postSend(new SendWr().wrId(1000 + sent[i]).opcode(WrOpcode.SEND).sgList(me.sge(0, LEN)));
                        sent[i]++;
                    }
                } else if (kind < 7) {
                    p.world.runUntil(p.world.scheduler().now() + RUN_NS[r.nextInt(RUN_NS.length)]);
                } else if (kind < 9) {
                    rearm(p, me);
                } else if (kind < 11) {
                    migrate(me);
                } else if (!failed) {
                    failed = true;
                    int port = 1 + r.nextInt(2);
                    p.world.link(0, port).changeState(Link.State.DOWN);
                    p.world.link(1, port).changeState(Link.State.DOWN);
                    rec.failPath(port);
                }
            }
            p.settle();
            Map<String, Object> header = new LinkedHashMap<>();
            header.put("seed", seed);
            SpecTrace t = rec.trace(header);
            rec.detach();
            return t;
        }
    }

    /** ibv_modify_qp(RTS, ALT_PATH | PATH_MIG_STATE): the other port's path, rearmed; refused when armed. */
    private static void rearm(TransportPair p, TransportPair.Side me) {
        if (me.qp.state() != QpState.RTS) {
            return;
        }
        TransportPair.Side peer = me == p.a ? p.b : p.a;
        QpAttr q = new QpAttr();
        assertEquals(0, me.qp.query(q));
        int port = 3 - q.portNum;
        QpAttr a = new QpAttr().state(QpState.RTS);
        a.altAhAttr = new AhAttr(p.world.lid(peer.index, port), 0, 0, 0, port, null);
        a.altPortNum = port;
        a.altTimeout = 10;
        a.pathMigState = REARM;
        me.qp.modify(a, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.ALT_PATH, QpAttrMask.PATH_MIG_STATE));
    }

    /** ibv_modify_qp(RTS, PATH_MIG_STATE = MIGRATED): migrate now; refused from rearm. */
    private static void migrate(TransportPair.Side me) {
        if (me.qp.state() != QpState.RTS) {
            return;
        }
        QpAttr a = new QpAttr().state(QpState.RTS);
        a.pathMigState = MIGRATED;
        me.qp.modify(a, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PATH_MIG_STATE));
    }
}
