// mm/: a host's physical memory as the HCA sees it through DMA
package org.ibmodel.mm;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The memory of one simulated host: sparse 4 KiB pages, allocated on demand by {@link #alloc}.
 * Buffers that verbs consumers register and post live here, and devices read and write them as
 * DMA would. Access to an address that was never allocated, or was freed, fails, like a DMA
 * fault: {@link #free} unmaps a buffer's pages for good (addresses are never handed out twice),
 * so a device still using a freed ring faults instead of reading what came after it.
 */
public final class HostMemory {
    public static final int PAGE_SHIFT = 12;
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    private static final long BASE = 0x1_0000_0000L;

    private static final long BASE_PAGE = BASE >>> PAGE_SHIFT;

    /**
     * The page table: entry i backs page BASE_PAGE + i, null for a guard page or one not yet
     * allocated. {@link #alloc} hands out addresses upwards from BASE, so a flat array indexed by
     * page number is exact and needs no boxing on the DMA path.
     */
    private byte[][] pages = new byte[64][];
    private long next = BASE;
    /** Pages of each buffer {@link #alloc} handed out and {@link #free} has not taken back, by address. */
    private final Map<Long, Long> live = new HashMap<>();
    private long livePages;
    /** Where each freed page's buffer was freed, for the report of a later access (as KASAN's). */
    private final Map<Long, String> freedAt = new HashMap<>();
    /** Frames of the caller a free records. */
    private static final int FREE_FRAMES = 3;
    private static final StackWalker WALKER = StackWalker.getInstance();

    /**
     * ib_umem_get's first check (drivers/infiniband/core/umem.c): whether [addr, addr+len) wraps
     * past 2^64, its end as it is or rounded up to a page.
     */
    public static boolean rangeWraps(long addr, long len) {
        long end = addr + len;
        long alignedEnd = (end + PAGE_SIZE - 1) & ~(long) (PAGE_SIZE - 1);
        return Long.compareUnsigned(end, addr) < 0 || Long.compareUnsigned(alignedEnd, end) < 0;
    }

    /**
     * ib_umem_num_pages: the pages [addr, addr+len) touches, from the page addr is in to the
     * page its end rounds up to, so a range straddling a boundary counts both; one page for an
     * empty range inside a page. For a range that does not wrap ({@link #rangeWraps}).
     */
    public static long pagesTouched(long addr, long len) {
        long mask = PAGE_SIZE - 1;
        return (((addr + len + mask) & ~mask) - (addr & ~mask)) >>> PAGE_SHIFT;
    }

    /** kmalloc: a zeroed, page-aligned buffer of at least {@code len} bytes. */
    public long alloc(long len) {
        if (len <= 0) {
            throw new IllegalArgumentException("alloc of " + len + " bytes");
        }
        long addr = next;
        long pagesNeeded = (len + PAGE_SIZE - 1) >>> PAGE_SHIFT;
        long last = (addr >>> PAGE_SHIFT) - BASE_PAGE + pagesNeeded;
        if (last >= Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("alloc of " + len + " bytes exceeds the page table");
        }
        if (last > pages.length) {
            pages = Arrays.copyOf(pages, (int) Math.max(last, Math.min(Integer.MAX_VALUE - 8, 2L * pages.length)));
        }
        for (long i = 0; i < pagesNeeded; i++) {
            pages[(int) ((addr >>> PAGE_SHIFT) - BASE_PAGE + i)] = new byte[PAGE_SIZE];
        }
        // A guard page between allocations makes an overrun fault instead of reaching a neighbour.
        next += (pagesNeeded + 1) << PAGE_SHIFT;
        live.put(addr, pagesNeeded);
        livePages += pagesNeeded;
        return addr;
    }

    /**
     * kfree / dma_free_coherent of a buffer {@link #alloc} returned: its pages are unmapped, and
     * any later access to them faults.
     *
     * @throws IllegalArgumentException for an address alloc did not return, or one already freed
     */
    public void free(long addr) {
        Long n = live.remove(addr);
        if (n == null) {
            throw new IllegalArgumentException(String.format("free of 0x%x, which is not an allocated buffer", addr));
        }
        String site = freeSite();
        for (long i = 0; i < n; i++) {
            pages[(int) ((addr >>> PAGE_SHIFT) - BASE_PAGE + i)] = null;
            freedAt.put((addr >>> PAGE_SHIFT) + i, site);
        }
        livePages -= n;
    }

    /** The free's caller, its caller and theirs, innermost first: "A.f(A.java:1) < B.g(B.java:2)". */
    private static String freeSite() {
        return WALKER.walk(frames -> frames
                .filter(f -> !f.getClassName().equals(HostMemory.class.getName()))
                .limit(FREE_FRAMES)
                .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "."
                        + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .reduce((a, b) -> a + " < " + b)
                .orElse("<unknown>"));
    }

    /** Bytes allocated and not freed, in whole pages. */
    public long allocatedBytes() {
        return livePages << PAGE_SHIFT;
    }

    /** Buffers allocated and not freed. */
    public int allocations() {
        return live.size();
    }

    /** Whether every byte of [addr, addr+len) is backed by a page. */
    public boolean isMapped(long addr, long len) {
        if (len == 0) {
            return true;
        }
        if (len < 0 || addr < 0 || addr + len < addr) {
            return false;
        }
        for (long p = addr >>> PAGE_SHIFT; p <= (addr + len - 1) >>> PAGE_SHIFT; p++) {
            if (page(p) == null) {
                return false;
            }
        }
        return true;
    }

    public void read(long addr, byte[] dst, int off, int len) {
        byte[] one = within(addr, len);
        if (one != null) {
            System.arraycopy(one, (int) (addr & (PAGE_SIZE - 1)), dst, off, len);
            return;
        }
        check(addr, len);
        int done = 0;
        while (done < len) {
            long a = addr + done;
            byte[] page = page(a >>> PAGE_SHIFT);
            int po = (int) (a & (PAGE_SIZE - 1));
            int n = Math.min(len - done, PAGE_SIZE - po);
            System.arraycopy(page, po, dst, off + done, n);
            done += n;
        }
    }

    public void write(long addr, byte[] src, int off, int len) {
        byte[] one = within(addr, len);
        if (one != null) {
            System.arraycopy(src, off, one, (int) (addr & (PAGE_SIZE - 1)), len);
            return;
        }
        check(addr, len);
        int done = 0;
        while (done < len) {
            long a = addr + done;
            byte[] page = page(a >>> PAGE_SHIFT);
            int po = (int) (a & (PAGE_SIZE - 1));
            int n = Math.min(len - done, PAGE_SIZE - po);
            System.arraycopy(src, off + done, page, po, n);
            done += n;
        }
    }

    /** {@link #read} that returns false, copying nothing, where it would fault. */
    public boolean tryRead(long addr, byte[] dst, int off, int len) {
        // The one-page case, a DMA's usual one, in one lookup.
        byte[] one = within(addr, len);
        if (one != null) {
            System.arraycopy(one, (int) (addr & (PAGE_SIZE - 1)), dst, off, len);
            return true;
        }
        if (!isMapped(addr, len)) {
            return false;
        }
        read(addr, dst, off, len);
        return true;
    }

    /** {@link #write} that returns false, changing nothing, where it would fault. */
    public boolean tryWrite(long addr, byte[] src, int off, int len) {
        byte[] one = within(addr, len);
        if (one != null) {
            System.arraycopy(src, off, one, (int) (addr & (PAGE_SIZE - 1)), len);
            return true;
        }
        if (!isMapped(addr, len)) {
            return false;
        }
        write(addr, src, off, len);
        return true;
    }

    public byte[] read(long addr, int len) {
        byte[] b = new byte[len];
        read(addr, b, 0, len);
        return b;
    }

    public void write(long addr, byte[] src) {
        write(addr, src, 0, src.length);
    }

    /** A little-endian 64-bit load, as the CPU sees an atomic operand in host memory. */
    public long readLong(long addr) {
        check(addr, 8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (byteAt(addr + i) & 0xff);
        }
        return v;
    }

    public void writeLong(long addr, long v) {
        check(addr, 8);
        for (int i = 0; i < 8; i++) {
            long a = addr + i;
            page(a >>> PAGE_SHIFT)[(int) (a & (PAGE_SIZE - 1))] = (byte) (v >>> (8 * i));
        }
    }

    private byte byteAt(long a) {
        return page(a >>> PAGE_SHIFT)[(int) (a & (PAGE_SIZE - 1))];
    }

    /**
     * The page holding all of [addr, addr+len) when the range is non-empty and inside one backed
     * page, the common case of a DMA access; null otherwise, and the caller checks page by page.
     */
    private byte[] within(long addr, int len) {
        if (len <= 0 || addr < 0 || (addr & (PAGE_SIZE - 1)) + len > PAGE_SIZE) {
            return null;
        }
        return page(addr >>> PAGE_SHIFT);
    }

    /** The page backing page number {@code p}, or null. */
    private byte[] page(long p) {
        long i = p - BASE_PAGE;
        return i >= 0 && i < pages.length ? pages[(int) i] : null;
    }

    private void check(long addr, long len) {
        if (!isMapped(addr, len)) {
            for (long p = addr >>> PAGE_SHIFT; len > 0 && p <= (addr + len - 1) >>> PAGE_SHIFT; p++) {
                String site = freedAt.get(p);
                if (site != null) {
                    throw new IllegalArgumentException(String.format(
                            "use after free: access to host memory [0x%x, +%d), freed at %s", addr, len, site));
                }
            }
            throw new IllegalArgumentException(String.format(
                    "access to host memory [0x%x, +%d) that was never allocated", addr, len));
        }
    }
}
