// drivers/infiniband/hw/mthca/mthca_mcg.c: the multicast group table, kept through READ_MGM,
// WRITE_MGM and MGID_HASH (docs/HCA.md §3.11)
package org.ibmodel.hca;

import java.util.Arrays;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.kernel.Mutex;

/**
 * attach_mcast and detach_mcast. A group's entry is the MGM slot of its MGID's hash, or an AMGM
 * entry chained from it; an entry holds eight QPs, kept packed from the first word. One mutex
 * (mcg_table.mutex) makes each attach or detach one read-modify-write of the chain.
 */
final class HcaMcg {
    private final Cmd cmd;
    private final Mutex mutex;
    private final Bitmap amgm;
    private final int numMcg;

    /**
     * Where a GID's entry is: {@code index} -1 when the chain has none ({@code entry} is then
     * its last one and {@code prev} that one's index), else the entry holding the GID or the
     * empty MGM slot of its hash; {@code prev} -1 when {@code index} is the MGM slot.
     */
    private record Found(int err, int prev, int index, byte[] entry) {
    }

    HcaMcg(Cmd cmd, Kernel kernel, int hashSize, int numMcg) {
        this.cmd = cmd;
        this.mutex = new Mutex(kernel, "mcg_table.mutex");
        this.amgm = new Bitmap("amgm", hashSize, numMcg - hashSize);
        this.numMcg = numMcg;
    }

    /** AMGM entries holding a group. */
    int amgmInUse() {
        return amgm.used();
    }

    int attach(int qpn, boolean blockLoopback, byte[] gid) {
        return mutex.with(() -> {
            Found f = find(gid);
            if (f.err() != 0) {
                return f.err();
            }
            byte[] entry;
            int index;
            boolean link = f.index() == -1;
            if (!link) {
                index = f.index();
                entry = f.entry();
                if (zeroMgid(entry)) {
                    setMgid(entry, gid);
                }
            } else {
                index = amgm.alloc();
                if (index == -1) {
                    return Errno.ENOMEM.negative();
                }
                entry = new byte[Hw.Mgm.SIZE];
                setMgid(entry, gid);
            }
            int i = 0;
            for (; i < Hw.Mgm.QPS; i++) {
                if (Hw.Mgm.QP_VALID.isSet(entry, 4 * i) && Hw.Mgm.QP.getInt(entry, 4 * i) == qpn) {
                    // Already a member: nothing to write (mthca_multicast_attach says so and returns 0).
                    return 0;
                }
                if (!Hw.Mgm.QP_VALID.isSet(entry, 4 * i)) {
                    Hw.Mgm.QP_VALID.set(entry, 4 * i, 1);
                    Hw.Mgm.QP_BLOCK_LOOPBACK.set(entry, 4 * i, blockLoopback ? 1 : 0);
                    Hw.Mgm.QP.set(entry, 4 * i, qpn);
                    break;
                }
            }
            int ret = i == Hw.Mgm.QPS ? Errno.ENOMEM.negative() : cmd.in(CmdOp.WRITE_MGM, index, 0, entry);
            if (ret == 0 && link) {
                // The new AMGM entry goes at the end of its hash chain.
                byte[] last = f.entry();
                Hw.Mgm.NEXT_GID_INDEX.set(last, 0, index);
                ret = cmd.in(CmdOp.WRITE_MGM, f.prev(), 0, last);
            }
            if (ret != 0 && link) {
                amgm.free(index);
            }
            return ret;
        });
    }

    int detach(int qpn, byte[] gid) {
        return mutex.with(() -> {
            Found f = find(gid);
            if (f.err() != 0) {
                return f.err();
            }
            if (f.index() == -1 || zeroMgid(f.entry())) {
                return Errno.EINVAL.negative();
            }
            byte[] entry = f.entry();
            int loc = -1;
            int count = 0;
            for (; count < Hw.Mgm.QPS && Hw.Mgm.QP_VALID.isSet(entry, 4 * count); count++) {
                if (Hw.Mgm.QP.getInt(entry, 4 * count) == qpn) {
                    loc = count;
                }
            }
            if (loc == -1) {
                return Errno.EINVAL.negative();
            }
            // The last member takes the leaver's word, so the entry stays packed.
            int lastWord = Hw.Mgm.QP.offset() + 4 * (count - 1);
            System.arraycopy(entry, lastWord, entry, Hw.Mgm.QP.offset() + 4 * loc, 4);
            Arrays.fill(entry, lastWord, lastWord + 4, (byte) 0);
            if (count != 1) {
                return cmd.in(CmdOp.WRITE_MGM, f.index(), 0, entry);
            }
            // The group's last member left, so its entry goes. As in mthca_multicast_detach and
            // mlx4_qp_detach_common, the one write that unlinks it comes last: a command refused on
            // the way leaves the QP a member, and the verb can be tried again.
            int next = Hw.Mgm.NEXT_GID_INDEX.getInt(entry, 0);
            int ret;
            if (f.prev() == -1) {
                // The MGM slot empties: the next group of the chain moves in, or the slot is cleared.
                byte[] replacement = new byte[Hw.Mgm.SIZE];
                if (next != 0) {
                    ret = cmd.out(CmdOp.READ_MGM, next, replacement);
                    if (ret != 0) {
                        return ret;
                    }
                }
                ret = cmd.in(CmdOp.WRITE_MGM, f.index(), 0, replacement);
                if (ret == 0 && next != 0) {
                    amgm.free(next);
                }
                return ret;
            }
            // An AMGM entry emptied: its predecessor skips it.
            byte[] prev = new byte[Hw.Mgm.SIZE];
            ret = cmd.out(CmdOp.READ_MGM, f.prev(), prev);
            if (ret != 0) {
                return ret;
            }
            Hw.Mgm.NEXT_GID_INDEX.set(prev, 0, next);
            ret = cmd.in(CmdOp.WRITE_MGM, f.prev(), 0, prev);
            if (ret == 0) {
                amgm.free(f.index());
            }
            return ret;
        });
    }

    // find_mgm: hash the GID, then walk its chain.
    private Found find(byte[] gid) {
        long[] hash = new long[1];
        int ret = cmd.inImm(CmdOp.MGID_HASH, 0, gid, hash);
        if (ret != 0) {
            return new Found(ret, -1, -1, null);
        }
        int index = (int) hash[0];
        int prev = -1;
        // A chain visits each entry once at most; a longer one is a corrupt table.
        for (int steps = 0; steps < numMcg; steps++) {
            byte[] entry = new byte[Hw.Mgm.SIZE];
            ret = cmd.out(CmdOp.READ_MGM, index, entry);
            if (ret != 0) {
                return new Found(ret, -1, -1, null);
            }
            if (zeroMgid(entry)) {
                // Only the MGM slot may be empty; an empty AMGM entry in a chain is a corrupt table.
                return prev == -1 ? new Found(0, -1, index, entry) : new Found(Errno.EINVAL.negative(), -1, -1, null);
            }
            if (sameMgid(entry, gid)) {
                return new Found(0, prev, index, entry);
            }
            int next = Hw.Mgm.NEXT_GID_INDEX.getInt(entry, 0);
            if (next == 0) {
                return new Found(0, index, -1, entry);
            }
            prev = index;
            index = next;
        }
        return new Found(Errno.EINVAL.negative(), -1, -1, null);
    }

    private static boolean zeroMgid(byte[] entry) {
        return (Hw.Mgm.MGID_PREFIX.get(entry, 0) | Hw.Mgm.MGID_INTERFACE_ID.get(entry, 0)) == 0;
    }

    private static boolean sameMgid(byte[] entry, byte[] gid) {
        return Arrays.equals(entry, Hw.Mgm.MGID_PREFIX.offset(), Hw.Mgm.MGID_PREFIX.offset() + 16, gid, 0, 16);
    }

    private static void setMgid(byte[] entry, byte[] gid) {
        System.arraycopy(gid, 0, entry, Hw.Mgm.MGID_PREFIX.offset(), 16);
    }
}
