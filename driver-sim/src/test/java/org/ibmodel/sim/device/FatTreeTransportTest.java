package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.fabric.Link;
import org.ibmodel.sim.fabric.Switch;
import org.ibmodel.sim.wire.Bth;
import org.ibmodel.sim.wire.Grh;
import org.ibmodel.sim.wire.Lrh;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * RC between hosts of a fat tree: every packet crosses the leaf, a spine and the other leaf, and
 * a world of more than a thousand hosts, past one switch and past LID 0x100, carries it as a
 * world of two does.
 */
@ExtendWith(ReplayOnFailure.class)
class FatTreeTransportTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 7);
    private static final int LEN = 40_000;

    private static String at(String what) {
        return ReplayOnFailure.at("FatTreeTransportTest", SEED, what);
    }

    @Test
    void shouldCarryRcAcrossASpineAndWithinALeaf() {
        try (World w = World.fatTree(SEED, 12, 4, 2)) {
            Map<String, List<String>> hops = tapHops(w);
            // Host 1 is on leaf0, host 10 on leaf2, host 3 on leaf0 again.
            try (TransportPair far = new TransportPair(w, 1, 10, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_4096))) {
                exchange(far, "across the spines");
                Set<List<String>> paths = pathsOf(hops, far, far.b);
                assertEquals(1, paths.size(), at("one path for one DLID: " + paths));
                List<String> path = paths.iterator().next();
                assertEquals(List.of("h1-hca0", "leaf0", path.get(2), "leaf2"), path, at("a → b"));
                assertTrue(path.get(2).startsWith("spine"), at("through a spine: " + path));
                List<String> back = pathsOf(hops, far, far.a).iterator().next();
                assertEquals(List.of("h10-hca0", "leaf2", back.get(2), "leaf0"), back, at("b → a"));
            }
            hops.clear();
            try (TransportPair near = new TransportPair(w, 1, 3, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024))) {
                exchange(near, "within a leaf");
                assertEquals(Set.of(List.of("h1-hca0", "leaf0")), pathsOf(hops, near, near.b), at("a → b"));
            }
        }
    }

    @Test
    void shouldCarryRcBetweenTheEndsOfAWorldOfMoreThanAThousandHosts() {
        // 35 leaves of 32 hosts (the last with 12) and 8 spines: LIDs 1..1100, the switches' after.
        try (World w = World.fatTree(SEED, 1100, 32, 8)) {
            assertEquals(43, w.fabric().switches().size());
            assertEquals(1100, w.lid(1099));
            assertEquals(1101, w.fabric().switches().get(0).port(0).lid(), "the first switch's LID follows the hosts'");
            Map<String, List<String>> hops = tapHops(w);
            try (TransportPair p = new TransportPair(w, 0, 1099, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_4096))) {
                exchange(p, "h0 to h1099");
                List<String> path = pathsOf(hops, p, p.b).iterator().next();
                assertEquals(List.of("h0-hca0", "leaf0", path.get(2), "leaf34"), path, at("a → b"));
            }
        }
    }

    @Test
    void shouldMoveOffAFailedTrunkAtTheSubnetManagersSweep() {
        for (boolean sweep : new boolean[] {true, false}) {
            try (World w = World.fatTree(SEED, 8, 4, 2);
                    TransportPair p = new TransportPair(w, 0, 4, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_4096))) {
                Switch leaf0 = w.fabric().switches().get(0);
                int up = leaf0.route(w.lid(4));
                Link trunk = leaf0.port(up).link();
                trunk.changeState(Link.State.DOWN);
                byte[] data = TransportPair.pattern(9, LEN);
                p.a.fill(0, data);
                p.b.postRecv(1, TransportPair.TARGET, LEN);
                p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, LEN)));
                // Two local ACK timeouts (4.096 us × 2^10 each) with every packet lost on the trunk.
                w.runUntil(w.scheduler().now() + 9_000_000);
                assertTrue(p.a.poll().isEmpty(), at("nothing completes over the dead trunk"));
                if (sweep) {
                    w.sweep();
                    assertTrue(leaf0.route(w.lid(4)) != up, at("the sweep routes around port " + up));
                }
                p.settle();
                List<Wc> wcs = p.a.poll();
                assertEquals(1, wcs.size(), at("sweep " + sweep + ": " + wcs));
                if (sweep) {
                    assertEquals(WcStatus.SUCCESS, wcs.get(0).status, at("after the sweep: " + wcs));
                    assertEquals(1, p.b.poll().size(), at("the SEND arrives once"));
                    assertArrayEquals(data, p.b.read(TransportPair.TARGET, LEN), at("after the sweep"));
                } else {
                    assertEquals(WcStatus.RETRY_EXC_ERR, wcs.get(0).status, at("without a sweep: " + wcs));
                }
            }
        }
    }

    // A SEND, a WRITE and a READ of LEN bytes each way they go; every byte checked.
    private static void exchange(TransportPair p, String where) {
        byte[] data = TransportPair.pattern(3, LEN);
        p.a.fill(0, data);
        p.b.postRecv(1, TransportPair.TARGET, LEN);
        p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, LEN)));
        p.settle();
        List<Wc> recv = p.b.poll();
        assertEquals(1, recv.size(), at(where + ": " + recv));
        assertEquals(WcStatus.SUCCESS, recv.get(0).status, at(where + ": " + recv));
        assertArrayEquals(data, p.b.read(TransportPair.TARGET, LEN), at(where + ": SEND"));
        byte[] other = TransportPair.pattern(4, LEN);
        p.a.fill(0, other);
        p.a.postSend(new SendWr().wrId(2).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, LEN))
                .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()),
                new SendWr().wrId(3).opcode(WrOpcode.RDMA_READ).sgList(p.a.sge(TransportPair.TARGET, LEN))
                .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()));
        p.settle();
        List<Wc> wcs = p.a.poll();
        assertEquals(3, wcs.size(), at(where + ": " + wcs));
        for (Wc wc : wcs) {
            assertEquals(WcStatus.SUCCESS, wc.status, at(where + ": " + wc));
        }
        assertArrayEquals(other, p.b.read(TransportPair.TARGET, LEN), at(where + ": WRITE"));
        assertArrayEquals(other, p.a.read(TransportPair.TARGET, LEN), at(where + ": READ"));
    }

    // Per packet (DLID, destination QP, PSN, opcode), the nodes it left, in order.
    private static Map<String, List<String>> tapHops(World w) {
        Map<String, List<String>> hops = new LinkedHashMap<>();
        w.fabric().addTap((t, link, dir, packet) -> {
            Lrh lrh = new Lrh().wrap(packet, 0);
            int bthAt = Lrh.HEADER_LENGTH + (lrh.lnh() == Lrh.LNH_IBA_GLOBAL ? Grh.HEADER_LENGTH : 0);
            Bth bth = new Bth().wrap(packet, bthAt);
            String key = lrh.dlid() + "/" + bth.destQp() + "/" + bth.psn() + "/" + bth.opCode();
            hops.computeIfAbsent(key, k -> new ArrayList<>()).add(link.from(dir).node());
        });
        return hops;
    }

    // The distinct paths of the packets to one side's QP (a retransmission takes the same path).
    private static Set<List<String>> pathsOf(Map<String, List<String>> hops, TransportPair p, TransportPair.Side to) {
        String prefix = p.world.lid(to.index) + "/" + to.qp.qpNum() + "/";
        Set<List<String>> paths = new LinkedHashSet<>();
        hops.forEach((key, nodes) -> {
            if (key.startsWith(prefix)) {
                paths.add(List.copyOf(new LinkedHashSet<>(nodes)));
            }
        });
        assertTrue(!paths.isEmpty(), at("no packet to " + prefix));
        return paths;
    }
}
