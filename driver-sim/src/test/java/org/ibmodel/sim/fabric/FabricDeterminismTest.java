package org.ibmodel.sim.fabric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import org.ibmodel.sim.sched.Scheduler;
import org.ibmodel.sim.wire.Vcrc;
import org.junit.jupiter.api.Test;

/**
 * Whole worlds: two switches, six hosts, random traffic, loss, bit flips and a flapping
 * inter-switch cable, all from one seed. Invariants are checked after every event:
 * <ul>
 *   <li>LinkConservation: per link direction, sent = delivered + dropped by fault + dropped by
 *       link down + in flight.</li>
 *   <li>FlowOrder: per (source, destination), intact packets arrive in the order sent.</li>
 *   <li>CorruptionDetected: every packet that passes its checksum is the packet sent.</li>
 * </ul>
 */
class FabricDeterminismTest {

    private static final int HOSTS = 6;
    private static final int PACKETS = 3000;
    private static final long[] SEEDS = {0x5EED0001L, 0x5EED0002L};

    /**
     * Packets here end in a CRC-32 of what precedes it, standing in for the ICRC, then the VCRC
     * the switch ports check (IBA 7.8).
     */
    private static byte[] packet(int dlid, int slid, int seq, int length) {
        byte[] p = TestPackets.packet(dlid, slid, seq, length);
        int at = length - Vcrc.LENGTH - 4;
        CRC32 crc = new CRC32();
        crc.update(p, 0, at);
        int v = (int) crc.getValue();
        for (int i = 0; i < 4; i++) {
            p[at + i] = (byte) (v >>> (24 - 8 * i));
        }
        Vcrc.put(p, length - Vcrc.LENGTH, Vcrc.compute(p, 0, length - Vcrc.LENGTH));
        return p;
    }

    private static boolean crcOk(byte[] p) {
        if (Vcrc.compute(p, 0, p.length - Vcrc.LENGTH) != Vcrc.get(p, p.length - Vcrc.LENGTH)) {
            return false;
        }
        int at = p.length - Vcrc.LENGTH - 4;
        CRC32 crc = new CRC32();
        crc.update(p, 0, at);
        int v = (int) crc.getValue();
        for (int i = 0; i < 4; i++) {
            if (p[at + i] != (byte) (v >>> (24 - 8 * i))) {
                return false;
            }
        }
        return true;
    }

    /** Runs one world to idle and returns its delivery log. */
    static byte[] runWorld(long seed) {
        Scheduler s = new Scheduler(seed);
        Fabric f = new Fabric(s);
        StringBuilder log = new StringBuilder();
        Switch sw1 = f.addSwitch("sw1", 8);
        Switch sw2 = f.addSwitch("sw2", 8);
        FabricPort[] hosts = new FabricPort[HOSTS + 1];
        Map<Long, Integer> lastSeqOfFlow = new HashMap<>();
        Map<Long, byte[]> sent = new HashMap<>();
        int[] badCrc = new int[1];
        for (int h = 1; h <= HOSTS; h++) {
            int lid = h;
            String name = "h" + h;
            hosts[h] = f.addEndpointPort(name, 1, (port, p) -> {
                boolean ok = crcOk(p);
                int seq = TestPackets.seq(p);
                log.append(s.now()).append(" rx ").append(name).append(" seq=").append(seq)
                        .append(ok ? "" : " BAD-CRC").append('\n');
                if (!ok) {
                    badCrc[0]++;
                    return;
                }
                int slid = (p[6] & 0xff) << 8 | (p[7] & 0xff);
                check(seed, s, "CorruptionDetected",
                        Arrays.equals(p, sent.get(flowKey(slid, seq))),
                        () -> name + " accepted a changed packet, seq " + seq + " from " + slid);
                check(seed, s, "FlowOrder", Switch.dlid(p) == lid,
                        () -> "packet for LID " + Switch.dlid(p) + " reached " + name);
                Integer before = lastSeqOfFlow.put((long) slid << 16 | lid, seq);
                check(seed, s, "FlowOrder", before == null || before < seq,
                        () -> "flow " + slid + "->" + lid + " got seq " + seq + " after " + before);
            });
            Switch sw = h <= HOSTS / 2 ? sw1 : sw2;
            int port = h <= HOSTS / 2 ? h : h - HOSTS / 2;
            f.connect(hosts[h], sw.port(port), LinkWidth.WIDTH_4X, LinkSpeed.EDR, 3.0);
            f.assignLid(hosts[h], lid);
        }
        Link isl = f.connect(sw1.port(7), sw2.port(7), LinkWidth.WIDTH_4X, LinkSpeed.HDR, 20.0);
        f.connect(sw1.port(8), sw2.port(8), LinkWidth.WIDTH_1X, LinkSpeed.QDR, 20.0);
        f.assignLid(sw1.port(0), 0x100);
        f.assignLid(sw2.port(0), 0x101);
        f.computeForwardingTables();
        f.addTap((t, link, dir, p) -> {
            CRC32 crc = new CRC32();
            crc.update(p);
            log.append(t).append(' ').append(link.from(dir)).append("->").append(link.to(dir))
                    .append(" len=").append(p.length)
                    .append(" crc=").append(Long.toHexString(crc.getValue())).append('\n');
        });
        f.faults().dropProbability(0.01).corruptProbability(0.01);

        SplittableRandom chaos = s.fork("chaos");
        f.faults().flap(isl, chaos.nextLong(50_000, 150_000), chaos.nextLong(1_000, 20_000));

        SplittableRandom traffic = s.fork("traffic");
        int[] nextSeq = new int[HOSTS + 1];
        long t = 0;
        for (int i = 0; i < PACKETS; i++) {
            int src = 1 + traffic.nextInt(HOSTS);
            int dst = 1 + traffic.nextInt(HOSTS - 1);
            dst = dst >= src ? dst + 1 : dst;
            int seq = nextSeq[src]++;
            byte[] p = packet(dst, src, seq, 18 + 4 * traffic.nextInt(64));
            sent.put(flowKey(src, seq), p);
            FabricPort from = hosts[src];
            s.scheduleAt(t, "post h" + src, () -> from.send(p));
            t += traffic.nextLong(0, 200);
        }

        while (s.runNext()) {
            for (Link link : f.links()) {
                for (Link.Direction d : Link.Direction.values()) {
                    LinkCounters c = link.counters(d);
                    check(seed, s, "LinkConservation", c.packetsSent() == c.packetsDelivered()
                            + c.droppedByFault() + c.droppedLinkDown() + link.inFlight(d),
                            () -> link.name() + " " + d + " " + c);
                }
            }
        }
        long corrupted = f.links().stream().mapToLong(l -> l.counters().corrupted()).sum();
        long atSwitches = sw1.droppedBadVcrc() + sw2.droppedBadVcrc();
        // A switch drops what was flipped on the way in; what was flipped on the last hop reaches
        // the host, where the CRC finds it. A flipped packet can still be lost later on.
        assertTrue(atSwitches > 0 && badCrc[0] > 0 && atSwitches + badCrc[0] <= corrupted, String.format(
                "seed=%#x: %d dropped by switches and %d bad CRCs at hosts for %d flips", seed, atSwitches,
                badCrc[0], corrupted));
        log.append(String.format("sent=%d eventsRun=%d end=%dns%n", sent.size(), s.eventsRun(),
                s.now()));
        return log.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static long flowKey(int slid, int seq) {
        return (long) slid << 32 | (seq & 0xffffffffL);
    }

    private static void check(long seed, Scheduler s, String invariant, boolean holds,
            Supplier<String> detail) {
        if (!holds) {
            throw new AssertionError(String.format("invariant %s broken: seed=%#x t=%dns: %s",
                    invariant, seed, s.now(), detail.get()));
        }
    }

    @Test
    void shouldProduceByteIdenticalDeliveryLogsForSameSeed() {
        byte[] first = runWorld(SEEDS[0]);
        byte[] second = runWorld(SEEDS[0]);

        assertTrue(first.length > 100_000, "world too small: " + first.length + " bytes of log");
        assertArrayEquals(first, second, "seed=" + Long.toHexString(SEEDS[0]));
        assertFalse(Arrays.equals(first, runWorld(SEEDS[1])), "another seed, another run");
    }

    @Test
    void shouldRunWorldsInParallelThreadsWithoutSharingState() throws Exception {
        byte[][] expected = {runWorld(SEEDS[0]), runWorld(SEEDS[1])};
        int worlds = 8;
        ExecutorService pool = Executors.newFixedThreadPool(worlds);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<byte[]>> runs = new ArrayList<>();
            for (int i = 0; i < worlds; i++) {
                long seed = SEEDS[i % 2];
                runs.add(pool.submit(() -> {
                    start.await();
                    return runWorld(seed);
                }));
            }
            start.countDown();
            for (int i = 0; i < worlds; i++) {
                assertArrayEquals(expected[i % 2], runs.get(i).get(120, TimeUnit.SECONDS),
                        "world " + i + " seed=" + Long.toHexString(SEEDS[i % 2]));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
