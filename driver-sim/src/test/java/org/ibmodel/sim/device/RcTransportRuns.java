// Seeded random runs of one RC connection under loss and link flaps, recorded for RcTransport.tla
package org.ibmodel.sim.device;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.SplittableRandom;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.conform.RcTransportRecorder;
import org.ibmodel.sim.fabric.PacketTap;
import org.ibmodel.specs.trace.SpecTrace;

/**
 * One scenario per seed, in RcTransport's terms: host 0's RC QP sends 1-6 single-packet SENDs to
 * host 1's, which has posted one receive per SEND (RcTransport's user posts at most NumWr). In
 * the RNR scenarios some SENDs go out before their receives are posted (the model's responder
 * holds back the sequence NAKs behind an RNR NAK, as hfi1 and qib do; RcTransport allows it).
 * The path drops 0-25 % of the packets on every link, sometimes corrupts them, and
 * host 1's cable may flap. Some runs have a small retry count, so some end in RETRY_EXC_ERR and
 * the flush behind it. The run is recorded by {@link RcTransportRecorder}.
 */
final class RcTransportRuns {
    /** ack_timeout 8: about 1 ms. */
    static final int TIMEOUT = 8;

    private RcTransportRuns() {
    }

    /**
     * One run: {@code n} SENDs from SQ PSN {@code psnA}; {@code early} receives posted before them
     * and the rest {@code lateNs} later; per-link drop and corrupt probabilities; a flap of host
     * 1's cable at {@code flapAtNs} for {@code flapNs} (0: none).
     */
    record Scenario(long worldSeed, int n, int psnA, int retry, int early, long lateNs, double drop, double corrupt,
            long flapAtNs, long flapNs, int[] sizes) {
        static Scenario of(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            boolean rnr = r.nextInt(5) == 0;
            int n = 1 + r.nextInt(6);
            // Half the runs start just below the wrap of the 24-bit PSN space.
            int psnA = r.nextBoolean() ? 0xFF_FFFF - r.nextInt(4) : r.nextInt(1 << 24);
            int retry = r.nextInt(4) == 0 ? 1 + r.nextInt(2) : 7;
            double drop = r.nextInt(25) / 100.0;
            double corrupt = r.nextInt(4) == 0 ? 0.05 : 0;
            boolean flap = r.nextInt(4) == 0;
            long flapAt = r.nextInt(50_000);
            long flapNs = flap ? 100_000 + r.nextInt(2_000_000) : 0;
            int early = rnr ? r.nextInt(n) : n;
            long late = 50_000 + r.nextInt(200_000);
            int[] sizes = new int[n];
            for (int i = 0; i < n; i++) {
                sizes[i] = r.nextInt(1025);
            }
            return new Scenario(r.nextLong(1L << 40), n, psnA, retry, early, late, drop, corrupt, flapAt, flapNs,
                    sizes);
        }
    }

    static SpecTrace record(long seed) {
        return record(seed, TransportPolicy.CORRECT);
    }

    /** The run of {@code seed} with the transports of both hosts deciding as {@code policy} does. */
    static SpecTrace record(long seed, TransportPolicy policy) {
        return record(Scenario.of(seed), policy, Map.of("seed", seed));
    }

    static SpecTrace record(Scenario s, TransportPolicy policy, Map<String, Object> extra) {
        return record(s, policy, extra, null);
    }

    /**
     * The run with {@code tap} (if not null) watching every link, which makes the links write
     * every packet's CRCs and the receivers check them (wire.Crcs). The header also gets what
     * the run's trace does not show: each transport's drops and the receive buffers' bytes.
     */
    static SpecTrace record(Scenario s, TransportPolicy policy, Map<String, Object> extra, PacketTap tap) {
        int rnrRetry = 6;
        TransportPair.Conn c = new TransportPair.Conn(Mtu.MTU_1024, s.psnA(), 0x7000, TIMEOUT, s.retry(), rnrRetry, 1);
        try (TransportPair p = new TransportPair(s.worldSeed(), QpType.RC, c)) {
            if (tap != null) {
                p.world.fabric().addTap(tap);
            }
            p.a.transport().policy(policy);
            p.b.transport().policy(policy);
            RcTransportRecorder rec = new RcTransportRecorder(p.a.transport(), p.a.qp.qpNum(), p.b.transport(),
                    p.b.qp.qpNum(), s.n(), s.psnA(), Requester.WINDOW, s.retry(), rnrRetry);
            for (int i = 0; i < s.early(); i++) {
                p.b.postRecv(1000 + i, TransportPair.TARGET + (long) i * 1024, 1024);
                rec.respPostRecv();
            }
            p.world.fabric().faults().dropProbability(s.drop()).corruptProbability(s.corrupt());
            long now = p.world.scheduler().now();
            if (s.flapNs() > 0) {
                p.world.fabric().faults().flap(p.world.link(1), now + s.flapAtNs(), s.flapNs());
            }
            for (int i = 0; i < s.n(); i++) {
                p.a.fill((long) i * 1024, TransportPair.pattern(i, s.sizes()[i]));
                p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.SEND)
                        .sgList(p.a.sge((long) i * 1024, s.sizes()[i])));
            }
            if (s.early() < s.n()) {
                // The rest of the receives come late: the RNR NAKs before them are retried.
                p.world.runUntil(now + s.lateNs());
                for (int i = s.early(); i < s.n(); i++) {
                    p.b.postRecv(1000 + i, TransportPair.TARGET + (long) i * 1024, 1024);
                    rec.respPostRecv();
                }
            }
            p.settle();
            Map<String, Object> h = new java.util.LinkedHashMap<>(extra);
            h.put("drop", String.valueOf(s.drop()));
            h.put("flapNs", s.flapNs());
            h.put("outcome", "drops A " + new TreeMap<>(p.a.transport().drops()) + ", B "
                    + new TreeMap<>(p.b.transport().drops()) + ", malformed at B "
                    + new TreeMap<>(p.b.transport().malformed()) + ", received bytes "
                    + Arrays.hashCode(p.b.read(TransportPair.TARGET, s.n() * 1024)));
            SpecTrace t = rec.trace(h);
            rec.detach();
            return t;
        }
    }
}
