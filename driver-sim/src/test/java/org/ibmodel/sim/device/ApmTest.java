// docs/HCA.md §5.10: automatic path migration (IBA 17.2.8), as drivers/infiniband/hw/qib/qib_rc.c
// (qib_restart_rc), qib_ruc.c (qib_ruc_check_hdr, qib_migrate_qp) and sw/rdmavt/qp.c (modify_qp)
// show it, driven here through ib_modify_qp on the HCA driver over a two-port fabric
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.IbEventType;
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
import org.ibmodel.sim.fabric.Switch;
import org.ibmodel.sim.wire.Bth;
import org.ibmodel.sim.wire.Grh;
import org.ibmodel.sim.wire.Lrh;
import org.ibmodel.sim.world.Topology;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An RC connection between two hosts with two ports each, port 1 the primary path and port 2 the
 * alternate: armed, it survives the loss of port 1's cable without a subnet manager.
 */
@ExtendWith(ReplayOnFailure.class)
class ApmTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 11);
    private static final int LEN = 20_000;
    /** enum ib_mig_state */
    private static final int MIGRATED = 0;
    private static final int REARM = 1;
    private static final int ARMED = 2;

    private static String at(String what) {
        return ReplayOnFailure.at("ApmTest", SEED, what);
    }

    /** One packet on a cable: the host port it left or reached, and its BTH MigReq bit. */
    record Seen(String link, int slid, boolean migReq) {
    }

    private static TransportPair pair(boolean grh) {
        TransportPair.Conn c = TransportPair.Conn.standard(Mtu.MTU_4096);
        return new TransportPair(SEED, QpType.RC, grh ? c.withGrh() : c, null, false, 0, 2);
    }

    private static List<Seen> tap(TransportPair p) {
        List<Seen> seen = new ArrayList<>();
        p.world.fabric().addTap((t, link, dir, packet) -> {
            Lrh lrh = new Lrh().wrap(packet, 0);
            int bthAt = Lrh.HEADER_LENGTH + (lrh.lnh() == Lrh.LNH_IBA_GLOBAL ? Grh.HEADER_LENGTH : 0);
            seen.add(new Seen(link.name(), lrh.slid(), new Bth().wrap(packet, bthAt).migReq()));
        });
        return seen;
    }

    /** The alternate path to {@code peer}: its port 2, from this side's port 2, as the primary is laid out. */
    private static QpAttr alternate(TransportPair p, TransportPair.Side peer, boolean grh) {
        QpAttr a = new QpAttr();
        a.altAhAttr = new AhAttr(p.world.lid(peer.index, 2), 0, 0, 0, 2, !grh ? null
                : new AhAttr.Grh(peer.dev.port(2).gid(0), 0, 0, TransportPair.HOP_LIMIT, 0));
        a.altPortNum = 2;
        a.altPkeyIndex = 0;
        a.altTimeout = 10;
        return a;
    }

    private static int rearm(TransportPair p, TransportPair.Side me, boolean grh) {
        QpAttr a = alternate(p, me == p.a ? p.b : p.a, grh).state(QpState.RTS);
        a.pathMigState = REARM;
        return me.qp.modify(a, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.ALT_PATH, QpAttrMask.PATH_MIG_STATE));
    }

    /** RTS to RTS asking for pm_state migrated: an armed QP migrates at once. */
    private static int migrateNow(TransportPair.Side s) {
        QpAttr m = new QpAttr().state(QpState.RTS);
        m.pathMigState = MIGRATED;
        return s.qp.modify(m, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PATH_MIG_STATE));
    }

    private static QpAttr query(TransportPair.Side s) {
        QpAttr q = new QpAttr();
        assertEquals(0, s.qp.query(q));
        return q;
    }

    /** A SEND from {@code from} to {@code to}; returns the sender's completion. */
    private static Wc send(TransportPair p, TransportPair.Side from, TransportPair.Side to, int tag, String where) {
        byte[] data = TransportPair.pattern(tag, LEN);
        from.fill(0, data);
        to.postRecv(tag, TransportPair.TARGET, LEN);
        from.postSend(new SendWr().wrId(tag).opcode(WrOpcode.SEND).sgList(from.sge(0, LEN)));
        p.settle();
        List<Wc> sent = from.poll();
        assertEquals(1, sent.size(), at(where + ": " + sent));
        if (sent.get(0).status == WcStatus.SUCCESS) {
            List<Wc> got = to.poll();
            assertEquals(1, got.size(), at(where + ": received once: " + got));
            assertArrayEquals(data, to.read(TransportPair.TARGET, LEN), at(where + ": bytes"));
        }
        return sent.get(0);
    }

    @Test
    void shouldMigrateToTheAlternatePathWhenThePrimaryCableDies() {
        for (boolean grh : new boolean[] {false, true}) {
            String g = grh ? "with GRH: " : "LID routed: ";
            try (TransportPair p = pair(grh)) {
                List<Seen> seen = tap(p);
                send(p, p.a, p.b, 1, g + "before");
                assertTrue(seen.stream().allMatch(Seen::migReq), at(g + "a migrated QP sends MigReq: " + seen));
                assertEquals(0, rearm(p, p.a, grh), at(g + "rearm a"));
                assertEquals(0, rearm(p, p.b, grh), at(g + "rearm b"));
                assertEquals(REARM, query(p.a).pathMigState, at(g + "a rearmed"));
                seen.clear();
                assertEquals(WcStatus.SUCCESS, send(p, p.a, p.b, 2, g + "arming").status, at(g + "arming"));
                assertTrue(seen.stream().noneMatch(Seen::migReq), at(g + "rearmed QPs send MigReq clear: " + seen));
                assertEquals(ARMED, query(p.a).pathMigState, at(g + "a armed by b's ACK"));
                assertEquals(ARMED, query(p.b).pathMigState, at(g + "b armed by a's SEND"));

                p.world.link(0, 1).changeState(Link.State.DOWN);
                seen.clear();
                Wc wc = send(p, p.a, p.b, 3, g + "primary down");
                assertEquals(WcStatus.SUCCESS, wc.status, at(g + "the SEND completes by the alternate path: " + wc));
                assertEquals(List.of(IbEventType.PATH_MIG), p.a.events, at(g + "a's events"));
                assertEquals(List.of(IbEventType.PATH_MIG), p.b.events, at(g + "b's events"));
                String cable2 = p.world.link(0, 2).name();
                assertTrue(seen.stream().anyMatch(s -> s.link().equals(cable2) && s.migReq()),
                        at(g + "MigReq set on a's port 2 after the migration: " + seen));
                for (TransportPair.Side s : List.of(p.a, p.b)) {
                    TransportPair.Side peer = s == p.a ? p.b : p.a;
                    QpAttr q = query(s);
                    assertEquals(MIGRATED, q.pathMigState, at(g + "migrated"));
                    assertEquals(2, q.portNum, at(g + "now on port 2"));
                    assertEquals(p.world.lid(peer.index, 2), q.ahAttr.dlid(), at(g + "the alternate is the primary"));
                    assertEquals(2, q.ahAttr.portNum(), at(g + "path's port"));
                    assertEquals(grh, q.ahAttr.grh() != null, at(g + "GRH as the alternate path had it"));
                }
                seen.clear();
                assertEquals(WcStatus.SUCCESS, send(p, p.b, p.a, 4, g + "b to a after").status, at(g + "b to a"));
                List<String> ports2 = List.of(cable2, p.world.link(1, 2).name());
                assertTrue(!seen.isEmpty() && seen.stream().allMatch(s -> s.migReq() && ports2.contains(s.link())),
                        at(g + "both on port 2, MigReq set: " + seen));
            }
        }
    }

    @Test
    void shouldSurviveATrunkFailureOfAFatTreeOnTheLmcsOtherPath() {
        // LMC 1: each port answers to two LIDs, which the least-paths routing sends over different
        // spines. Primary path: the base LIDs; alternate: base + 1, with src_path_bits 1. The
        // trunk the primary uses from a's leaf dies and no subnet manager sweeps.
        try (World w = World.of(SEED, 8, 1, 1, Topology.fatTree(4, 2));
                TransportPair p = new TransportPair(w, 0, 4, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_4096))) {
            Switch leafA = w.fabric().switches().get(0);
            Switch leafB = w.fabric().switches().get(1);
            int up = leafA.route(w.lid(4));
            assertTrue(leafA.route(w.lid(4) + 1) != up, at("b's two LIDs leave a's leaf by different spines"));
            Link trunk = leafA.port(up).link();
            String spine = trunk.peerOf(leafA.port(up)).node();
            assertEquals(spine, uplink(leafB, w.lid(0)), at("b's packets to a's base LID cross that spine"));
            assertTrue(!uplink(leafB, w.lid(0) + 1).equals(spine), at("a's LID + 1 comes back by the other"));
            for (TransportPair.Side s : List.of(p.a, p.b)) {
                TransportPair.Side peer = s == p.a ? p.b : p.a;
                QpAttr a = new QpAttr().state(QpState.RTS);
                a.altAhAttr = new AhAttr(w.lid(peer.index) + 1, 0, 1, 0, 1, null);
                a.altPortNum = 1;
                a.altTimeout = 10;
                a.pathMigState = REARM;
                assertEquals(0, s.qp.modify(a, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.ALT_PATH,
                        QpAttrMask.PATH_MIG_STATE)));
            }
            send(p, p.a, p.b, 1, "arming");
            assertEquals(ARMED, query(p.a).pathMigState);
            assertEquals(ARMED, query(p.b).pathMigState);
            trunk.changeState(Link.State.DOWN);
            assertEquals(WcStatus.SUCCESS, send(p, p.a, p.b, 2, "trunk down").status, at("migrated round the trunk"));
            assertEquals(WcStatus.SUCCESS, send(p, p.b, p.a, 3, "and back").status, at("b to a on the new path"));
            assertEquals(List.of(IbEventType.PATH_MIG), p.a.events);
            assertEquals(List.of(IbEventType.PATH_MIG), p.b.events);
            assertEquals(w.lid(4) + 1, query(p.a).ahAttr.dlid(), at("a now sends to b's LID + 1"));
            assertEquals(1, query(p.a).ahAttr.srcPathBits(), at("from its own LID + 1"));
        }
    }

    /** The switch a leaf sends {@code dlid} up to. */
    private static String uplink(Switch leaf, int dlid) {
        int port = leaf.route(dlid);
        return leaf.port(port).link().peerOf(leaf.port(port)).node();
    }

    @Test
    void shouldMigrateAUcConnectionOnRequestAndHaveThePeerFollow() {
        // UC has no ACKs and no retries: migration comes from software, and the peer follows the
        // first packet that carries MigReq by its alternate path.
        try (TransportPair p = new TransportPair(SEED, QpType.UC, TransportPair.Conn.standard(Mtu.MTU_2048),
                null, false, 0, 2)) {
            assertEquals(0, rearm(p, p.a, false));
            assertEquals(0, rearm(p, p.b, false));
            // Each side arms on a packet from the other with MigReq clear.
            assertEquals(WcStatus.SUCCESS, send(p, p.a, p.b, 1, "UC a to b").status);
            assertEquals(WcStatus.SUCCESS, send(p, p.b, p.a, 2, "UC b to a").status);
            assertEquals(ARMED, query(p.a).pathMigState, at("a armed"));
            assertEquals(ARMED, query(p.b).pathMigState, at("b armed"));
            assertEquals(0, migrateNow(p.a), at("software asks a to migrate"));
            p.world.link(0, 1).changeState(Link.State.DOWN);
            assertEquals(WcStatus.SUCCESS, send(p, p.a, p.b, 3, "UC after a migrated").status);
            assertEquals(List.of(IbEventType.PATH_MIG), p.b.events, at("b followed a's MigReq"));
            assertEquals(WcStatus.SUCCESS, send(p, p.b, p.a, 4, "UC b to a on port 2").status);
            assertEquals(2, query(p.b).portNum, at("b on port 2"));
        }
    }

    @Test
    void shouldFailWithRetryExceededWhenNotArmed() {
        // The same outage with an alternate path loaded but only one side re-armed: never armed.
        try (TransportPair p = pair(false)) {
            assertEquals(0, rearm(p, p.a, false));
            send(p, p.a, p.b, 1, "a rearmed, b migrated");
            assertEquals(REARM, query(p.a).pathMigState, at("b's MigReq keeps a in rearm"));
            p.world.link(0, 1).changeState(Link.State.DOWN);
            assertEquals(WcStatus.RETRY_EXC_ERR, send(p, p.a, p.b, 2, "primary down").status, at("no migration"));
            assertTrue(p.a.events.isEmpty(), at("no PATH_MIG: " + p.a.events));
        }
    }

    @Test
    void shouldMigrateAtOnceWhenSoftwareAsksAnArmedQp() {
        try (TransportPair p = pair(false)) {
            assertEquals(0, rearm(p, p.a, false));
            assertEquals(0, rearm(p, p.b, false));
            send(p, p.a, p.b, 1, "arming");
            assertEquals(0, migrateNow(p.a), at("software asks a to migrate"));
            p.settle();
            long port1 = p.world.link(0, 1).counters().packetsSent() + p.world.link(1, 1).counters().packetsSent();
            assertEquals(List.of(IbEventType.PATH_MIG), p.a.events, at("a migrated on request"));
            assertEquals(2, query(p.a).portNum, at("a on port 2"));
            assertTrue(p.b.events.isEmpty(), at("b has seen no MigReq yet"));
            // a's next packet carries MigReq by the alternate path: b follows.
            assertEquals(WcStatus.SUCCESS, send(p, p.a, p.b, 2, "after").status);
            assertEquals(List.of(IbEventType.PATH_MIG), p.b.events, at("b followed"));
            assertEquals(MIGRATED, query(p.b).pathMigState);
            long port1After = p.world.link(0, 1).counters().packetsSent() + p.world.link(1, 1).counters().packetsSent();
            assertEquals(port1, port1After, at("nothing used port 1 since"));
        }
    }

    /**
     * An alternate path of a's that b's alternate path does not match in one respect, or in two:
     * qib_ruc_check_hdr checks the GRH, then the P_Key, then the SLID and port, so a packet
     * wrong in its GRH and P_Key is a path mismatch, one wrong in its SLID and P_Key a P_Key
     * violation.
     */
    enum WrongPath {
        PORT, SLID, GRH, PKEY, GRH_AND_PKEY, SLID_AND_PKEY;

        boolean pkeyViolation() {
            return this == PKEY || this == SLID_AND_PKEY;
        }
    }

    @Test
    void shouldDropAMigrationThatDoesNotComeByTheAlternatePath() {
        for (WrongPath wrong : WrongPath.values()) {
            try (TransportPair p = pair(false)) {
                // b's alternate path: a's port 2, to b's port 2, no GRH, P_Key entry 0.
                QpAttr alt = alternate(p, p.b, false).state(QpState.RTS);
                switch (wrong) {
                    // From a's port 2 (the right SLID) to b's port 1.
                    case PORT -> alt.altAhAttr = new AhAttr(p.world.lid(1, 1), 0, 0, 0, 2, null);
                    // From a's port 1 (another SLID) to b's port 2.
                    case SLID -> {
                        alt.altAhAttr = new AhAttr(p.world.lid(1, 2), 0, 0, 0, 1, null);
                        alt.altPortNum = 1;
                    }
                    case GRH, GRH_AND_PKEY -> alt.altAhAttr = alternate(p, p.b, true).altAhAttr;
                    case SLID_AND_PKEY -> {
                        alt.altAhAttr = new AhAttr(p.world.lid(1, 2), 0, 0, 0, 1, null);
                        alt.altPortNum = 1;
                    }
                    case PKEY -> {
                    }
                    default -> throw new IllegalStateException(wrong.name());
                }
                // Entry 1 of a's port is 0x8001, a partition b's entry 0 (0xFFFF) does not match.
                if (wrong == WrongPath.PKEY || wrong == WrongPath.GRH_AND_PKEY || wrong == WrongPath.SLID_AND_PKEY) {
                    TransportPair.setPkey(p.a.host.hca(0).firmware().port(alt.altPortNum), 1, 0x8001);
                    alt.altPkeyIndex = 1;
                }
                alt.pathMigState = REARM;
                assertEquals(0, p.a.qp.modify(alt, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.ALT_PATH,
                        QpAttrMask.PATH_MIG_STATE)), at(wrong + ": rearm a"));
                assertEquals(0, rearm(p, p.b, false));
                send(p, p.a, p.b, 1, wrong + ": arming");
                assertEquals(ARMED, query(p.b).pathMigState, at(wrong + ": b armed"));
                assertEquals(0, migrateNow(p.a), at("software asks a to migrate"));
                assertEquals(WcStatus.RETRY_EXC_ERR, send(p, p.a, p.b, 2, wrong + ": wrong path").status,
                        at(wrong + ": b drops every MigReq packet that is not by its alternate path"));
                // A P_Key the alternate entry does not match is a P_Key violation of the port it
                // came by (qib_ruc_check_hdr's qib_bad_pkey), the rest a path mismatch.
                Transport.Drop why = wrong.pkeyViolation() ? Transport.Drop.PKEY_MISMATCH
                        : Transport.Drop.PATH_MISMATCH;
                assertTrue(p.b.transport().drops().getOrDefault(why, 0L) > 0,
                        at(wrong + ": counted: " + p.b.transport().drops()));
                assertEquals(wrong.pkeyViolation(), p.b.host.hca(0).firmware().port(2).pkeyViolations() > 0,
                        at(wrong + ": P_Key violations of b's port 2"));
                assertEquals(ARMED, query(p.b).pathMigState, at(wrong + ": b did not migrate"));
                assertTrue(p.b.events.isEmpty(), at(wrong + ": no PATH_MIG on b: " + p.b.events));
            }
        }
    }

    /**
     * qib_ruc_check_hdr takes an SGID under the alternate path's subnet prefix or the link-local
     * one (gid_ok), on the alternate path as on the primary: b's alternate path names a's port 2
     * by a site-local prefix, a sends from its fe80:: GID, and b migrates on a's first packet.
     */
    @Test
    void shouldTakeTheLinkLocalPrefixAsTheAlternatePathsGid() {
        try (TransportPair p = pair(true)) {
            assertEquals(0, rearm(p, p.a, true));
            byte[] site = p.a.dev.port(2).gid(0).clone();
            site[0] = (byte) 0xfe;
            site[1] = (byte) 0xc0;
            QpAttr alt = alternate(p, p.a, true).state(QpState.RTS);
            alt.altAhAttr = new AhAttr(p.world.lid(0, 2), 0, 0, 0, 2,
                    new AhAttr.Grh(site, 0, 0, TransportPair.HOP_LIMIT, 0));
            alt.pathMigState = REARM;
            assertEquals(0, p.b.qp.modify(alt, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.ALT_PATH,
                    QpAttrMask.PATH_MIG_STATE)), at("rearm b"));
            send(p, p.a, p.b, 1, "arming");
            assertEquals(ARMED, query(p.b).pathMigState, at("b armed"));
            assertEquals(0, migrateNow(p.a), at("software asks a to migrate"));
            p.a.fill(0, TransportPair.pattern(2, LEN));
            p.b.postRecv(2, TransportPair.TARGET, LEN);
            p.a.postSend(new SendWr().wrId(2).opcode(WrOpcode.SEND).sgList(p.a.sge(0, LEN)));
            p.settle();
            assertEquals(MIGRATED, query(p.b).pathMigState, at("b migrated: " + p.b.transport().drops()));
            assertEquals(List.of(IbEventType.PATH_MIG), p.b.events, at("b's events"));
            assertEquals(0L, p.b.transport().drops().getOrDefault(Transport.Drop.PATH_MISMATCH, 0L),
                    at("no path mismatch: " + p.b.transport().drops()));
        }
    }

    /** How b's address path disagrees with the path a's packets take. */
    enum Mismatch {
        SLID, PORT, GRH, SGID
    }

    @Test
    void shouldTakePacketsOnlyByTheQpsOwnPath() {
        // IBA 9.6.1.5: b's QP is given, in SQD, an address path a's packets do not come by.
        for (Mismatch m : Mismatch.values()) {
            try (TransportPair p = pair(m == Mismatch.SGID)) {
                assertEquals(WcStatus.SUCCESS, send(p, p.a, p.b, 1, m + ": before").status);
                assertEquals(0, p.b.qp.modify(new QpAttr().state(QpState.SQD), QpAttrMask.STATE.bit()));
                p.settle();
                QpAttr av = new QpAttr().state(QpState.SQD);
                int mask = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV);
                av.ahAttr = switch (m) {
                    // From b's port 1 to a's port 2: b expects a's port-2 LID as SLID.
                    case SLID -> new AhAttr(p.world.lid(0, 2), 0, 0, 0, 1, null);
                    // b's QP moves to port 2; a still sends to b's port 1.
                    case PORT -> new AhAttr(p.world.lid(0, 1), 0, 0, 0, 2, null);
                    case GRH -> new AhAttr(p.world.lid(0, 1), 0, 0, 0, 1,
                            new AhAttr.Grh(p.a.dev.port(1).gid(0), 0, 0, TransportPair.HOP_LIMIT, 0));
                    // Both send GRHs; b names a's port-2 GID, a's packets carry its port-1 GID.
                    case SGID -> new AhAttr(p.world.lid(0, 1), 0, 0, 0, 1,
                            new AhAttr.Grh(p.a.dev.port(2).gid(0), 0, 0, TransportPair.HOP_LIMIT, 0));
                };
                if (m == Mismatch.PORT) {
                    av.portNum = 2;
                    mask |= QpAttrMask.PORT.bit();
                }
                assertEquals(0, p.b.qp.modify(av, mask), at(m + ": SQD2SQD"));
                assertEquals(0, p.b.qp.modify(new QpAttr().state(QpState.RTS), QpAttrMask.STATE.bit()));
                long before = p.b.transport().drops().getOrDefault(Transport.Drop.PATH_MISMATCH, 0L);
                assertEquals(WcStatus.RETRY_EXC_ERR, send(p, p.a, p.b, 2, m + ": after").status,
                        at(m + ": b takes none of a's packets"));
                assertTrue(p.b.transport().drops().getOrDefault(Transport.Drop.PATH_MISMATCH, 0L) > before,
                        at(m + ": counted: " + p.b.transport().drops()));
                assertTrue(p.b.poll().isEmpty(), at(m + ": nothing received"));
            }
        }
    }

    @Test
    void shouldCountItsRetriesAgainOnTheNewPath() {
        try (TransportPair p = pair(false)) {
            assertEquals(0, rearm(p, p.a, false));
            assertEquals(0, rearm(p, p.b, false));
            send(p, p.a, p.b, 1, "arming");
            // Port 1 dies for good; port 2 is down until two ACK timeouts (4.194 ms each) after the
            // migration, which comes at the eighth (retry_cnt 7): the new path needs retries of its own.
            long now = p.world.scheduler().now();
            p.world.link(0, 1).changeState(Link.State.DOWN);
            p.world.link(0, 2).changeState(Link.State.DOWN);
            p.world.fabric().faults().linkUp(p.world.link(0, 2), now + 44_000_000L);
            Wc wc = send(p, p.a, p.b, 2, "after two losses on the new path");
            assertEquals(WcStatus.SUCCESS, wc.status, at("retries counted afresh on the new path: " + wc));
            assertEquals(List.of(IbEventType.PATH_MIG), p.a.events);
            assertTrue(p.world.scheduler().now() > now + 44_000_000L, at("completed only once port 2 was up"));
        }
    }

    @Test
    void shouldRefuseWhatThePathMigrationStateMachineForbids() {
        try (TransportPair p = pair(false)) {
            int mask = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PATH_MIG_STATE);
            QpAttr armed = new QpAttr().state(QpState.RTS);
            armed.pathMigState = ARMED;
            assertEquals(Errno.EINVAL.negative(), p.a.qp.modify(armed, mask), at("armed cannot be asked for"));
            QpAttr rearm = new QpAttr().state(QpState.RTS);
            rearm.pathMigState = REARM;
            assertEquals(Errno.EINVAL.negative(), p.a.qp.modify(rearm, mask), at("rearm without an alternate path"));
            QpAttr badPort = alternate(p, p.b, false).state(QpState.RTS);
            badPort.altPortNum = 3;
            assertEquals(Errno.EINVAL.negative(), p.a.qp.modify(badPort, QpAttrMask.of(QpAttrMask.STATE,
                    QpAttrMask.ALT_PATH)), at("no port 3"));
            assertEquals(MIGRATED, query(p.a).pathMigState, at("nothing changed"));
            // mlx4_ib_query_qp decodes the alternate path whatever was loaded: zeros, on port 1.
            assertEquals(new AhAttr(0, 0, 0, 0, 1, null), query(p.a).altAhAttr, at("no alternate path loaded"));
            assertEquals(1, query(p.a).altPortNum, at("no alternate path loaded"));

            assertEquals(0, rearm(p, p.a, false));
            QpAttr migrated = new QpAttr().state(QpState.RTS);
            migrated.pathMigState = MIGRATED;
            assertEquals(Errno.EINVAL.negative(), p.a.qp.modify(migrated, mask), at("migrated from rearm"));
            assertEquals(0, rearm(p, p.b, false));
            send(p, p.a, p.b, 1, "arming");
            assertEquals(Errno.EINVAL.negative(), p.a.qp.modify(rearm, mask), at("rearm from armed"));
            assertEquals(ARMED, query(p.a).pathMigState, at("still armed"));
            assertEquals(1, query(p.a).portNum, at("still on the primary path"));
            assertTrue(p.a.events.isEmpty(), at("no event: " + p.a.events));
            assertFalse(p.a.transport().drops().containsKey(Transport.Drop.PATH_MISMATCH));

            // In SQD: an alternate path may be loaded and a migration asked for; rearm only into RTS.
            assertEquals(0, p.a.qp.modify(new QpAttr().state(QpState.SQD), QpAttrMask.STATE.bit()));
            p.settle();
            int sqd = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PATH_MIG_STATE);
            QpAttr withGrh = alternate(p, p.b, true).state(QpState.SQD);
            assertEquals(0, p.a.qp.modify(withGrh, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.ALT_PATH)),
                    at("SQD2SQD loads an alternate path"));
            assertTrue(query(p.a).altAhAttr.grh() != null, at("the new alternate path has a GRH"));
            assertEquals(0, p.a.qp.modify(migrated.state(QpState.SQD), sqd), at("SQD2SQD migrates an armed QP"));
            p.settle();
            assertEquals(List.of(IbEventType.PATH_MIG), p.a.events, at("a migrated in SQD"));
            assertEquals(Errno.EINVAL.negative(), p.a.qp.modify(rearm.state(QpState.SQD), sqd),
                    at("rearm into SQD"));
            assertEquals(0, p.a.qp.modify(rearm.state(QpState.RTS), sqd), at("rearm into RTS"));
            assertEquals(REARM, query(p.a).pathMigState);
        }
    }
}
