// drivers/infiniband/core/verbs.c: ib_get_dma_mr, ib_alloc_mr, ib_map_mr_sg, ib_sg_to_pages,
// ib_dereg_mr_user; include/rdma/ib_verbs.h ib_update_fast_reg_key; uverbs reg_user_mr path
package org.ibmodel.core;

import java.util.Arrays;
import org.ibmodel.kernel.Errno;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.traces.RdmaCore;

/** A memory region: a range of host memory the HCA may access with its lkey (and rkey). */
public final class Mr extends IbObject {
    /** include/rdma/ib_verbs.h: enum ib_mr_type, plus the user-registered kind. */
    public enum Type { MEM_REG, DMA, USER }

    private final Pd pd;
    private final Type type;
    // A MEM_REG region's mapping changes with each ib_map_mr_sg; the others' never do.
    private long iova;
    private long length;
    private final int access;
    /**
     * The host pages behind the region, in order, as ib_umem's scatterlist hands them to the
     * driver: page i backs [iova - pageOffset + i * PAGE_SIZE, ...). Empty for a DMA region.
     */
    private long[] pages;
    /** Where iova lies inside the first page (ib_umem_offset). */
    private int pageOffset;
    /** MEM_REG: the most pages one mapping may have (ib_alloc_mr's max_num_sg). */
    private int maxNumSg;
    private int lkey;
    private int rkey;

    private Mr(Pd pd, Type type, long iova, long length, int access, long[] pages, int pageOffset) {
        super(pd.device(), ResType.MR);
        this.pd = pd;
        this.type = type;
        this.iova = iova;
        this.length = length;
        this.access = access;
        this.pages = pages;
        this.pageOffset = pageOffset;
    }

    /** ib_get_dma_mr: a region over all of host memory. */
    public static Result<Mr> getDma(Pd pd, int access) {
        pd.checkLive("ib_get_dma_mr");
        int err = AccessFlags.checkMrAccess(access);
        if (err != 0) {
            return Result.err(err);
        }
        Mr mr = new Mr(pd, Type.DMA, 0, -1, access, new long[0], 0);
        int ret = pd.device().ops().getDmaMr(mr, access);
        return finish(pd, mr, ret);
    }

    /**
     * Registers [start, start+length) mapped at {@code iova}, as the reg_user_mr path does:
     * access checked first, then the range as ib_umem_get takes it. No size limit: max_mr_size
     * is reported, not checked, by ib_core (ib_reg_user_mr) and umem.c alike.
     */
    public static Result<Mr> reg(Pd pd, long start, long length, long iova, int access) {
        pd.checkLive("ib_reg_mr");
        pd.device().kernel().mightSleep();
        int err = AccessFlags.checkMrAccess(access);
        if (err != 0) {
            return Result.err(err);
        }
        // ib_umem_get (core/umem.c): a range that wraps, even once rounded up to a page, or of no
        // pages or more than a u32 counts, is -EINVAL; then pages not mapped fault.
        long npages = HostMemory.rangeWraps(start, length) ? 0 : HostMemory.pagesTouched(start, length);
        if (npages == 0 || Long.compareUnsigned(npages, 0xffff_ffffL) > 0) {
            return Result.err(Errno.EINVAL);
        }
        if (!pd.device().memory().isMapped(start, length)) {
            return Result.err(Errno.EFAULT);
        }
        int offset = (int) (start & (HostMemory.PAGE_SIZE - 1));
        long[] pages = new long[pageCount(offset, length)];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = (start - offset) + ((long) i << HostMemory.PAGE_SHIFT);
        }
        Mr mr = new Mr(pd, Type.USER, iova, length, access, pages, offset);
        int ret = pd.device().ops().regMr(mr, start, length, iova, access);
        return finish(pd, mr, ret);
    }

    /**
     * The reg_user_mr path for memory of a user process: {@code start} is a user virtual address
     * whose pages the caller has pinned (ib_umem_get), and {@code pages} are the host pages behind
     * them, one per page of [start, start+length). The driver maps {@code iova} onto those pages
     * (drivers/infiniband/core/umem.c; uverbs_cmd.c ib_uverbs_reg_mr).
     */
    public static Result<Mr> regUser(Pd pd, long start, long length, long iova, int access, long[] pages) {
        pd.checkLive("ib_reg_user_mr");
        pd.device().kernel().mightSleep();
        int err = AccessFlags.checkMrAccess(access);
        if (err != 0) {
            return Result.err(err);
        }
        // The caller's ib_umem_get checked the range; no size limit, as above, and no least one:
        // an empty region inside a page has its page from ib_umem_get and is registered.
        int offset = (int) (start & (HostMemory.PAGE_SIZE - 1));
        if (pages.length != pageCount(offset, length)) {
            throw new IllegalArgumentException(pages.length + " pages for " + length + " bytes at offset " + offset);
        }
        Mr mr = new Mr(pd, Type.USER, iova, length, access, pages.clone(), offset);
        int ret = pd.device().ops().regMr(mr, start, length, iova, access);
        return finish(pd, mr, ret);
    }

    /**
     * ib_alloc_mr(pd, IB_MR_TYPE_MEM_REG, max_num_sg): a key with no mapping, for IB_WR_REG_MR
     * after {@link #mapSg}. -EOPNOTSUPP from a device without it. {@code maxNumSg} is a u32 and
     * the driver's to check (core/verbs.c checks nothing): mlx4_ib_alloc_mr takes 0 to
     * MLX4_MAX_FAST_REG_PAGES.
     */
    public static Result<Mr> alloc(Pd pd, int maxNumSg) {
        pd.checkLive("ib_alloc_mr");
        Mr mr = new Mr(pd, Type.MEM_REG, 0, 0, 0, new long[0], 0);
        mr.maxNumSg = maxNumSg;
        Result<Mr> r = finish(pd, mr, pd.device().ops().allocMr(mr, maxNumSg));
        Tracer t = pd.device().core().tracer();
        if (t != null) {
            t.fire(new RdmaCore.MrAlloc(pd.resId(), r.isErr() ? 0 : r.get().resId(), "MEM_REG", maxNumSg,
                    r.isErr() ? -r.errno().number() : 0));
        }
        return r;
    }

    /** {@link #mapSg(long[], int[], int[])} with no sg_offset (a NULL sg_offset_p). */
    public int mapSg(long[] addrs, int[] lens) {
        return mapSg(addrs, lens, null);
    }

    /**
     * ib_map_mr_sg with a page size of one host page, through ib_sg_to_pages
     * (drivers/infiniband/core/verbs.c): maps the DMA ranges {@code addrs[i]}, {@code lens[i]},
     * the first from {@code sgOffset[0]} bytes in, onto the region, which then starts there. A
     * range after the first that does not start a page, or follows one that did not end on a
     * page, is taken into the last page when it continues the previous range exactly, and stops
     * the mapping at a gap. When the region's max_num_sg pages are used up the mapping stops
     * where the last page it could set begins: the region's length ends there, {@code sgOffset[0]}
     * says how far into its range (so a caller maps the rest from there), and the number of
     * whole ranges mapped is returned, or -ENOMEM when nothing at all could be mapped. After a
     * whole mapping {@code sgOffset[0]} is 0. -EINVAL for no ranges, or an offset beyond the
     * first range. {@code sgOffset} may be null, as sg_offset_p may be NULL; its value is
     * unsigned, as in the kernel.
     */
    public int mapSg(long[] addrs, int[] lens, int[] sgOffset) {
        checkLive("ib_map_mr_sg");
        long offset = sgOffset == null ? 0 : Integer.toUnsignedLong(sgOffset[0]);
        long startOffset = offset;
        if (type != Type.MEM_REG || addrs.length != lens.length || addrs.length == 0
                || offset > Integer.toUnsignedLong(lens[0])) {
            return Errno.EINVAL.negative();
        }
        long pageMask = ~(HostMemory.PAGE_SIZE - 1);
        long[] out = new long[maxNumSg];
        int n = 0;
        long total = 0;
        long lastEnd = 0;
        long lastPageOff = 0;
        int ret = 0;
        boolean pagesRanOut = false;
        int i;
        ranges:
        for (i = 0; i < addrs.length; i++) {
            long dma = addrs[i] + offset;
            long len = Integer.toUnsignedLong(lens[i]) - offset;
            long end = dma + len;
            long page = dma & pageMask;
            long prev = dma;
            // A later range not page-aligned on either side continues the last page, or is a gap.
            boolean inLastPage = i > 0 && (lastPageOff != 0 || page != dma);
            if (inLastPage && lastEnd != dma) {
                break;
            }
            do {
                if (!inLastPage) {
                    // mlx4_set_page: -ENOMEM once max_pages are set.
                    if (n == maxNumSg) {
                        // The kernel's arithmetic, unsigned and wrapping as it is there.
                        offset = (prev - addrs[i]) & 0xffff_ffffL;
                        total += prev - dma;
                        ret = i != 0 || offset != 0 ? i : Errno.ENOMEM.negative();
                        pagesRanOut = true;
                        break ranges;
                    }
                    out[n++] = page;
                    prev = page;
                }
                inLastPage = false;
                page += HostMemory.PAGE_SIZE;
            } while (page < end);
            total += len;
            lastEnd = end;
            lastPageOff = end & ~pageMask;
            offset = 0;
        }
        if (!pagesRanOut) {
            // Every range mapped, or a gap stopped the mapping at range i.
            ret = i;
            offset = 0;
        }
        if (sgOffset != null) {
            sgOffset[0] = (int) offset;
        }
        // ib_sg_to_pages sets iova and clears length before it maps a page, and mlx4_ib_map_mr_sg
        // clears npages: a mapping that fails leaves the region empty at its new start, never the
        // old mapping for a REG_MR to register.
        long[] p = ret < 0 ? new long[0] : Arrays.copyOf(out, n);
        int drv = device().ops().mapMrSg(this, p);
        if (drv < 0) {
            return drv;
        }
        iova = addrs[0] + startOffset;
        length = ret < 0 ? 0 : total;
        pages = p;
        pageOffset = (int) (iova & ~pageMask);
        return ret;
    }

    /** ib_update_fast_reg_key: the low eight bits of both keys become {@code newKey}'s. */
    public void updateFastRegKey(int newKey) {
        lkey = (lkey & 0xffffff00) | (newKey & 0xff);
        rkey = (rkey & 0xffffff00) | (newKey & 0xff);
    }

    /** MEM_REG: the most pages a mapping may have. */
    public int maxNumSg() {
        return maxNumSg;
    }

    private static int pageCount(int offset, long length) {
        return (int) ((offset + length + HostMemory.PAGE_SIZE - 1) >>> HostMemory.PAGE_SHIFT);
    }

    /** The host page addresses behind the region (what a driver writes into its MTT). */
    public long[] pages() {
        return pages.clone();
    }

    /**
     * The host address the HCA reaches for region address {@code addr}, which must be covered;
     * a DMA region maps every address to itself.
     */
    public long dmaAddr(long addr) {
        if (type == Type.DMA) {
            return addr;
        }
        if (!covers(addr, 1)) {
            throw new IllegalArgumentException(String.format("0x%x outside %s", addr, this));
        }
        long off = addr - iova + pageOffset;
        return pages[(int) (off >>> HostMemory.PAGE_SHIFT)] + (off & (HostMemory.PAGE_SIZE - 1));
    }

    private static Result<Mr> finish(Pd pd, Mr mr, int ret) {
        if (ret != 0) {
            return Result.err(ret);
        }
        pd.get();
        mr.live();
        return Result.of(mr);
    }

    /** Set by the driver when it creates the region. */
    public void assignKeys(int lkey, int rkey) {
        this.lkey = lkey;
        this.rkey = rkey;
    }

    public Pd pd() {
        return pd;
    }

    public Type type() {
        return type;
    }

    public long iova() {
        return iova;
    }

    /** Length in bytes; -1 for a DMA region, which covers everything. */
    public long length() {
        return length;
    }

    public int access() {
        return access;
    }

    public int lkey() {
        return lkey;
    }

    public int rkey() {
        return rkey;
    }

    /** Whether [addr, addr+len) lies inside the region. */
    public boolean covers(long addr, long len) {
        if (type == Type.DMA) {
            return true;
        }
        return addr >= iova && len >= 0 && addr + len <= iova + length && addr + len >= addr;
    }

    /** ib_dereg_mr */
    public int dereg() {
        checkLive("ib_dereg_mr");
        device().kernel().mightSleep();
        // ib_dereg_mr_user fires mr_dereg before the driver runs; mr_alloc is fired only by
        // ib_alloc_mr (user and DMA MRs are never traced).
        Tracer t = device().core().tracer();
        if (t != null) {
            t.fire(new RdmaCore.MrDereg(resId()));
        }
        int ret = device().ops().deregMr(this);
        if (ret != 0) {
            return ret;
        }
        pd.put();
        free();
        return 0;
    }

    @Override
    public String toString() {
        return String.format("mr{lkey=0x%x rkey=0x%x iova=0x%x len=%d access=%s}", lkey, rkey, iova,
                length, AccessFlags.format(access));
    }
}
