// docs/HCA.md §4.1, §4.2; the key layout of drivers/net/ethernet/mellanox/mlx4/mr.c key_to_hw_index
package org.ibmodel.sim.device;

/** The MPT (memory keys) and the MTT writes that fill their translation tables. */
final class MptTable {
    /** §4.2: entries in one WRITE_MTT mailbox. */
    static final int MTT_PER_MAILBOX = (Layout.MAILBOX_SIZE - Layout.WriteMtt.ENTRY.offset()) / 8;
    /** §4.1: an MTT is one 64-bit physical page address per page. */
    private static final Field MTT_ENTRY = new Field("mtt entry", 0, 63, 0);

    private final byte[][] mpts;
    /**
     * The fields the DMA path reads, decoded once by SW2HW_MPT: an MPT changes only through
     * SW2HW_MPT and HW2SW_MPT, so this is the entry as the device caches it.
     */
    private final Decoded[] decoded;

    private record Decoded(int key, int pd, byte[] entry, boolean physical, long start, long length, int logPageSize,
            long mttAddr) {
        static Decoded of(byte[] e) {
            return new Decoded(Layout.Mpt.KEY.getInt(e, 0), Layout.Mpt.PD.getInt(e, 0), e, Layout.Mpt.PHYSICAL.isSet(e, 0),
                    Layout.Mpt.START.get(e, 0), Layout.Mpt.LENGTH.get(e, 0), Layout.Mpt.LOG_PAGE_SIZE.getInt(e, 0),
                    Layout.Mpt.MTT_ADDR.get(e, 0));
        }
    }
    /** One MTT entry as read by {@link #translate}; the device is single-threaded. */
    private final byte[] mtt = new byte[8];
    private final Dma dma;
    private final DevCaps caps;
    private TransportPolicy policy;
    /*
     * The last MTT entry translate() read, like the HCA's own MTT cache: WRITE_MTT drops it (the
     * driver changes MTTs only through that command), and a new MPT is a new record, which misses.
     */
    private Decoded cachedMpt;
    private long cachedSlot;
    private long cachedPage;

    MptTable(int numMpt, Dma dma, DevCaps caps, TransportPolicy policy) {
        this.mpts = new byte[numMpt][];
        this.decoded = new Decoded[numMpt];
        this.dma = dma;
        this.caps = caps;
        this.policy = policy;
    }

    /** Mutation tests only: see {@link Transport#policy(TransportPolicy)}. */
    void policy(TransportPolicy p) {
        policy = p;
    }

    int live() {
        int n = 0;
        for (byte[] m : mpts) {
            n += m == null ? 0 : 1;
        }
        return n;
    }

    /** The entry of a valid MPT, or null. */
    byte[] entry(int index) {
        return index >= 0 && index < mpts.length && mpts[index] != null ? mpts[index].clone() : null;
    }

    Status sw2hw(int index, byte[] mailbox) {
        if (index < caps.firstMpt() || index >= mpts.length) {
            return Status.BAD_INDEX;
        }
        if (mpts[index] != null) {
            return Status.BAD_RES_STATE;
        }
        byte[] e = new byte[Layout.Mpt.SIZE];
        System.arraycopy(mailbox, Layout.CTX, e, 0, e.length);
        if ((Layout.Mpt.KEY.get(e, 0) >>> 8) != index || Layout.Mpt.PD.get(e, 0) >= caps.maxPd()) {
            return Status.BAD_PARAM;
        }
        boolean fastReg = Layout.Mpt.FAST_REG.isSet(e, 0);
        if (!fastReg && !Layout.Mpt.PHYSICAL.isSet(e, 0)) {
            int lps = Layout.Mpt.LOG_PAGE_SIZE.getInt(e, 0);
            long entries = Layout.Mpt.MTT_ENTRIES.get(e, 0);
            if (lps < 12 || !dma.mapped(Layout.Mpt.MTT_ADDR.get(e, 0), entries * 8)) {
                return Status.BAD_PARAM;
            }
        }
        Layout.Mpt.VALID.set(e, 0, 1);
        // A fast_reg entry starts with no registration: no access passes until FAST_REG.
        Layout.Mpt.FREE.set(e, 0, fastReg ? 1 : 0);
        mpts[index] = e;
        decoded[index] = fastReg ? null : Decoded.of(e);
        return Status.OK;
    }

    Status hw2sw(int index, byte[][] out) {
        if (index < 0 || index >= mpts.length) {
            return Status.BAD_INDEX;
        }
        if (mpts[index] == null) {
            return Status.BAD_RES_STATE;
        }
        out[0] = mpts[index];
        Layout.Mpt.VALID.set(out[0], 0, 0);
        mpts[index] = null;
        decoded[index] = null;
        return Status.OK;
    }

    /**
     * §5.7 FAST_REG from the segment at {@code off}: false, changing nothing, unless its key
     * names a free fast_reg entry of {@code pd} and its pages cover the region.
     */
    boolean fastReg(int pd, byte[] seg, int off) {
        int key = Layout.FastReg.KEY.getInt(seg, off);
        byte[] e = fastRegEntry(key >>> 8, pd);
        if (e == null || !Layout.Mpt.FREE.isSet(e, 0)) {
            return false;
        }
        int lps = Layout.FastReg.LOG_PAGE_SIZE.getInt(seg, off);
        long count = Layout.FastReg.PAGE_COUNT.get(seg, off);
        long start = Layout.FastReg.START.get(seg, off);
        long length = Layout.FastReg.LENGTH.get(seg, off);
        long list = Layout.FastReg.PAGE_LIST.get(seg, off);
        if (lps < 12 || count > Layout.Mpt.MTT_ENTRIES.get(e, 0) || length < 0) {
            return false;
        }
        long page = 1L << lps;
        long needed = ((start & (page - 1)) + length + page - 1) >>> lps;
        if (needed > count || !dma.mapped(list, count * 8)) {
            return false;
        }
        Layout.Mpt.KEY.set(e, 0, Integer.toUnsignedLong(key));
        for (Field[] bit : new Field[][] {{Layout.Mpt.ATOMIC, Layout.FastReg.ATOMIC},
                {Layout.Mpt.REMOTE_WRITE, Layout.FastReg.REMOTE_WRITE}, {Layout.Mpt.REMOTE_READ, Layout.FastReg.REMOTE_READ},
                {Layout.Mpt.LOCAL_WRITE, Layout.FastReg.LOCAL_WRITE}}) {
            bit[0].set(e, 0, bit[1].get(seg, off));
        }
        Layout.Mpt.START.set(e, 0, start);
        Layout.Mpt.LENGTH.set(e, 0, length);
        // The MPT points at the page list the WQE names and reads it in place, as rxe keeps the
        // MR's own page list (HCA.md §5.7); mlx4's hardware copies the list into the MPT's MTT.
        Layout.Mpt.MTT_ADDR.set(e, 0, list);
        Layout.Mpt.LOG_PAGE_SIZE.set(e, 0, lps);
        Layout.Mpt.FREE.set(e, 0, 0);
        decoded[key >>> 8] = Decoded.of(e);
        cachedMpt = null;
        return true;
    }

    /**
     * LOCAL_INVAL, or a SEND with invalidate at the responder (§5.8): frees the fast_reg entry of
     * {@code pd} whose key is {@code key}, registered or already free (rxe_mr.c rxe_invalidate_mr
     * checks the key and the type, not the state); false, changing nothing, otherwise.
     */
    boolean invalidate(int key, int pd) {
        byte[] e = fastRegEntry(key >>> 8, pd);
        if (e == null || !policy.keyMatches(Layout.Mpt.KEY.getInt(e, 0), key)) {
            return false;
        }
        Layout.Mpt.FREE.set(e, 0, 1);
        decoded[key >>> 8] = null;
        cachedMpt = null;
        return true;
    }

    private byte[] fastRegEntry(int index, int pd) {
        byte[] e = index >= 0 && index < mpts.length ? mpts[index] : null;
        return e != null && Layout.Mpt.FAST_REG.isSet(e, 0) && Layout.Mpt.PD.getInt(e, 0) == pd ? e : null;
    }

    Status writeMtt(byte[] mailbox) {
        long addr = Layout.WriteMtt.MTT_ADDR.get(mailbox, 0);
        long count = Layout.WriteMtt.COUNT.get(mailbox, 0);
        if (count > MTT_PER_MAILBOX) {
            return Status.BAD_PARAM;
        }
        if (!dma.mapped(addr, count * 8)) {
            return Status.BAD_PARAM;
        }
        byte[] entries = new byte[(int) count * 8];
        System.arraycopy(mailbox, Layout.WriteMtt.ENTRY.offset(), entries, 0, entries.length);
        dma.write(addr, entries);
        cachedMpt = null;
        return Status.OK;
    }

    /**
     * The physical address of {@code va} through {@code key}, or -1 for a protection error
     * (§4.1: valid, same PD, inside the region, access bit set). {@code access} is one of the
     * MPT's access bit fields, or null for a local read, which every key allows.
     */
    long translate(int key, int pd, long va, long len, Field access) {
        int index = key >>> 8;
        Decoded d = index < decoded.length ? decoded[index] : null;
        if (d == null || !policy.keyMatches(d.key, key)) {
            return -1;
        }
        long start = d.start;
        // The access bits are read from the entry itself: any of its fields may be asked for.
        boolean accessBit = access == null || access.isSet(d.entry, 0);
        // As an offset into the region, unsigned: va + len may wrap past 2^63 or 2^64 and seem to
        // end inside it (rdmavt's rvt_lkey_ok likewise works from addr - base).
        boolean inRange = d.physical || len >= 0 && Long.compareUnsigned(va, start) >= 0
                && Long.compareUnsigned(len, d.length) <= 0 && Long.compareUnsigned(va - start, d.length - len) <= 0;
        if (!policy.keyAllows(d.pd == pd, accessBit, inRange)) {
            return -1;
        }
        if (d.physical) {
            return va;
        }
        int lps = d.logPageSize;
        long page = 1L << lps;
        long slot = (va - (start & ~(page - 1))) >>> lps;
        if (d != cachedMpt || slot != cachedSlot) {
            if (slot < Integer.toUnsignedLong(Layout.Mpt.MTT_ENTRIES.getInt(d.entry, 0))) {
                if (!dma.tryRead(d.mttAddr + slot * 8, mtt, 0, mtt.length)) {
                    // §6.1: a translation table the driver freed translates nothing.
                    return -1;
                }
            } else {
                // Past the table, which the range check keeps a translation from reaching: a
                // device that skipped it reads whatever lies there, or faults.
                dma.read(d.mttAddr + slot * 8, mtt, 0, mtt.length);
            }
            cachedPage = MTT_ENTRY.get(mtt, 0);
            cachedMpt = d;
            cachedSlot = slot;
        }
        return cachedPage + (va & (page - 1));
    }
}
