// docs/HCA.md §3.11: the multicast group table, as mthca_mcg.c and mlx4's mcg.c use it from the
// driver's side
package org.ibmodel.sim.device;

import java.util.Arrays;

/**
 * The multicast group table INIT_HCA sizes: {@code hashSize} MGM entries that MGID_HASH indexes,
 * then the AMGM entries their chains continue in. The driver writes every entry (WRITE_MGM); the
 * firmware checks only the index, and a chain that loops or leaves the table ends the lookup.
 */
final class McgTable {
    private final byte[][] entries;
    private final int hashSize;

    McgTable(int size, int hashSize) {
        this.entries = new byte[size][];
        this.hashSize = hashSize;
    }

    Status read(int index, byte[][] out) {
        if (index < 0 || index >= entries.length) {
            return Status.BAD_INDEX;
        }
        out[0] = entries[index] == null ? new byte[Layout.Mgm.SIZE] : entries[index].clone();
        return Status.OK;
    }

    Status write(int index, byte[] in) {
        if (index < 0 || index >= entries.length) {
            return Status.BAD_INDEX;
        }
        entries[index] = Arrays.copyOf(in, Layout.Mgm.SIZE);
        return Status.OK;
    }

    /** The exclusive or of the MGID's eight 16-bit words, modulo the MGM's size. */
    int hash(long prefix, long interfaceId) {
        long x = prefix ^ interfaceId;
        int folded = (int) (x ^ x >>> 16 ^ x >>> 32 ^ x >>> 48) & 0xffff;
        return folded % hashSize;
    }

    /** The entry holding {@code mgid}, or null: the chain from its hash, followed at most once round the table. */
    byte[] find(long prefix, long interfaceId) {
        int index = hash(prefix, interfaceId);
        for (int steps = 0; steps < entries.length; steps++) {
            byte[] e = entries[index];
            if (e == null) {
                return null;
            }
            if (Layout.Mgm.MGID_PREFIX.get(e, 0) == prefix && Layout.Mgm.MGID_INTERFACE_ID.get(e, 0) == interfaceId
                    && (prefix | interfaceId) != 0) {
                return e;
            }
            index = Layout.Mgm.NEXT_GID_INDEX.getInt(e, 0);
            if (index == 0 || index >= entries.length) {
                return null;
            }
        }
        return null;
    }

    /**
     * Groups the table holds: entries with an MGID that a lookup can reach, from an MGM slot
     * along its chain. An AMGM entry the driver unlinked keeps its bytes (mthca_mcg.c does not
     * clear it) but holds no group.
     */
    int live() {
        int n = 0;
        boolean[] seen = new boolean[entries.length];
        for (int slot = 0; slot < hashSize; slot++) {
            int index = slot;
            while (!seen[index] && entries[index] != null) {
                byte[] e = entries[index];
                seen[index] = true;
                if ((Layout.Mgm.MGID_PREFIX.get(e, 0) | Layout.Mgm.MGID_INTERFACE_ID.get(e, 0)) == 0) {
                    break;
                }
                n++;
                index = Layout.Mgm.NEXT_GID_INDEX.getInt(e, 0);
                if (index == 0 || index >= entries.length) {
                    break;
                }
            }
        }
        return n;
    }
}
