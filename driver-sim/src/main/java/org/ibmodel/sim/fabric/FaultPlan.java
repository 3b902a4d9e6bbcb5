package org.ibmodel.sim.fabric;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.ibmodel.sim.sched.Scheduler;

/**
 * What goes wrong on the wires of one fabric: per-packet loss and bit flips, fabric-wide or per
 * link, and link state changes at chosen virtual times.
 *
 * <p>Each link draws from its own stream, {@code Scheduler.fork("fault " + link name)}, so
 * giving one link a fault rate never changes what another link's packets see. A corrupted packet
 * has exactly one bit flipped anywhere from the LRH to the VCRC, which the receiver's ICRC/VCRC
 * check (IBA 7.8) is there to catch.
 */
public final class FaultPlan {

    /** What happens to one packet. */
    enum Verdict {
        PASS,
        DROP,
        CORRUPT
    }

    /** Probabilities for one link; NaN means "use the fabric-wide value". */
    private static final class Rates {
        double drop = Double.NaN;
        double corrupt = Double.NaN;
    }

    private final Scheduler scheduler;
    // Keyed by identity and only looked up, never iterated, so its order cannot leak into a run.
    private final Map<Link, Rates> perLink = new IdentityHashMap<>();
    private final Map<Link, SplittableRandom> streams = new IdentityHashMap<>();
    private double drop;
    private double corrupt;
    /** The bit {@link #judge} drew to flip, in the packet it last found CORRUPT. */
    private int corruptBit;
    /** Which packets an endpoint sends are lost; null when none is to be. */
    private java.util.function.Predicate<byte[]> lose;
    /** {@link #lose} takes one packet only, then asks no more. */
    private boolean loseOnce;

    FaultPlan(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** Loss probability for every link without its own. */
    public FaultPlan dropProbability(double p) {
        this.drop = checkProbability(p);
        return this;
    }

    /** Bit-flip probability for every link without its own. */
    public FaultPlan corruptProbability(double p) {
        this.corrupt = checkProbability(p);
        return this;
    }

    /**
     * Loses, on its first cable, the first packet a host's HCA sends from now on for which
     * {@code which} holds, and nothing after it: a packet a test or a demo picks by its headers
     * (the one RDMA WRITE Middle, the first ACK). {@code which} sees each packet an HCA sends
     * until it holds once, and must neither change nor keep the array.
     */
    public FaultPlan loseFirst(java.util.function.Predicate<byte[]> which) {
        this.lose = Objects.requireNonNull(which, "which");
        this.loseOnce = true;
        return this;
    }

    /**
     * As {@link #loseFirst}, but every packet a host's HCA sends from now on for which
     * {@code which} holds is lost, and {@code which} sees every one of them.
     */
    public FaultPlan loseEach(java.util.function.Predicate<byte[]> which) {
        this.lose = Objects.requireNonNull(which, "which");
        this.loseOnce = false;
        return this;
    }

    /** Loss probability of {@code link}, overriding the fabric-wide one. */
    public FaultPlan dropProbability(Link link, double p) {
        rates(link).drop = checkProbability(p);
        return this;
    }

    /** Bit-flip probability of {@code link}, overriding the fabric-wide one. */
    public FaultPlan corruptProbability(Link link, double p) {
        rates(link).corrupt = checkProbability(p);
        return this;
    }

    public double dropProbability(Link link) {
        Rates r = perLink.get(link);
        return r == null || Double.isNaN(r.drop) ? drop : r.drop;
    }

    public double corruptProbability(Link link) {
        Rates r = perLink.get(link);
        return r == null || Double.isNaN(r.corrupt) ? corrupt : r.corrupt;
    }

    /** Pulls {@code link}'s cable at virtual time {@code atNs}: the link goes down. */
    public Scheduler.Handle linkDown(Link link, long atNs) {
        return at(link, atNs, Link.State.DOWN);
    }

    /**
     * Plugs {@code link}'s cable back at virtual time {@code atNs}: the link comes up if both its
     * ports drive it ({@link Link#state()}).
     */
    public Scheduler.Handle linkUp(Link link, long atNs) {
        return at(link, atNs, Link.State.UP);
    }

    /** Down at {@code atNs}, up again {@code durationNs} later: a reseated cable. */
    public void flap(Link link, long atNs, long durationNs) {
        if (durationNs < 0) {
            throw new IllegalArgumentException("flap of " + link.name() + " for " + durationNs
                    + "ns");
        }
        linkDown(link, atNs);
        linkUp(link, Math.addExact(atNs, durationNs));
    }

    private Scheduler.Handle at(Link link, long atNs, Link.State state) {
        Objects.requireNonNull(link, "link");
        return scheduler.scheduleAt(atNs, "link " + state + " " + link.name(),
                () -> link.changeState(state));
    }

    /**
     * Decides one packet's fate, {@code fromEndpoint} when an HCA sent it onto {@code link} (not
     * a switch); for a packet to corrupt it also draws the bit, which
     * {@link #corrupt} then flips. Draws happen in a fixed order (loss, then corruption, then
     * which bit) and only for non-zero rates, so a fault-free link draws nothing.
     */
    Verdict judge(Link link, byte[] packet, boolean fromEndpoint) {
        if (lose != null && fromEndpoint && lose.test(packet)) {
            if (loseOnce) {
                lose = null;
            }
            return Verdict.DROP;
        }
        // A fabric without faults, the usual case, needs no per-link lookup.
        if (drop == 0 && corrupt == 0 && perLink.isEmpty()) {
            return Verdict.PASS;
        }
        double pDrop = dropProbability(link);
        double pCorrupt = corruptProbability(link);
        if (pDrop == 0 && pCorrupt == 0) {
            return Verdict.PASS;
        }
        SplittableRandom rnd = streams.computeIfAbsent(link,
                l -> scheduler.fork("fault " + l.name()));
        if (pDrop > 0 && rnd.nextDouble() < pDrop) {
            return Verdict.DROP;
        }
        if (pCorrupt > 0 && rnd.nextDouble() < pCorrupt) {
            corruptBit = rnd.nextInt(packet.length * 8);
            return Verdict.CORRUPT;
        }
        return Verdict.PASS;
    }

    /** Flips the bit drawn for the packet {@link #judge} last found CORRUPT. */
    void corrupt(byte[] packet) {
        packet[corruptBit >>> 3] ^= (byte) (0x80 >>> (corruptBit & 7));
    }

    private Rates rates(Link link) {
        return perLink.computeIfAbsent(Objects.requireNonNull(link, "link"), l -> new Rates());
    }

    private static double checkProbability(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability " + p + " not in [0, 1]");
        }
        return p;
    }
}
