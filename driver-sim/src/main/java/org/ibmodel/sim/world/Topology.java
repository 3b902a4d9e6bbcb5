// How a World cables its hosts: every HCA port to one switch, or a two-level fat tree
package org.ibmodel.sim.world;

/**
 * How a {@link World} cables its hosts.
 *
 * <ul>
 *   <li>{@link #ONE_SWITCH}: every HCA port to one switch, as a small cluster or a test bench is
 *       built; one switch has at most 254 ports (its LFT entries are one byte, 0xFF meaning
 *       none), so this holds up to 253 single-port hosts.
 *   <li>{@link #fatTree(int, int)}: a two-level fat tree (a folded Clos network), as larger
 *       clusters are built: the hosts in groups of {@code hostsPerLeaf} on leaf switches, every
 *       port of a host on its group's leaf, and each leaf with one cable to each of
 *       {@code spines} spine switches. A leaf has {@code hostsPerLeaf × ports + spines} ports
 *       and a spine one per leaf. With as many spines as hosts per leaf no leaf is
 *       oversubscribed; with fewer, hosts share the leaf's uplinks.
 * </ul>
 */
public record Topology(int hostsPerLeaf, int spines) {

    /** Every HCA port cabled to one switch. */
    public static final Topology ONE_SWITCH = new Topology(0, 0);

    public Topology {
        boolean one = hostsPerLeaf == 0 && spines == 0;
        if (!one && (hostsPerLeaf < 1 || spines < 1)) {
            throw new IllegalArgumentException("a fat tree needs at least one host per leaf and one spine, not "
                    + hostsPerLeaf + " and " + spines);
        }
    }

    /** Leaves of {@code hostsPerLeaf} hosts, each cabled once to each of {@code spines} spines. */
    public static Topology fatTree(int hostsPerLeaf, int spines) {
        return new Topology(hostsPerLeaf, spines);
    }

    public boolean isFatTree() {
        return spines > 0;
    }

    /** Leaf switches for {@code hosts} hosts: the last leaf may have free ports. */
    public int leaves(int hosts) {
        return isFatTree() ? (hosts + hostsPerLeaf - 1) / hostsPerLeaf : 0;
    }

    @Override
    public String toString() {
        return isFatTree() ? "fat tree of " + hostsPerLeaf + " hosts per leaf, " + spines + " spines" : "one switch";
    }
}
