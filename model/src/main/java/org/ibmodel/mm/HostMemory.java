// mm/: a host's physical memory as the HCA sees it through DMA
package org.ibmodel.mm;

import java.util.HashMap;
import java.util.Map;

/**
 * The memory of one simulated host: sparse 4 KiB pages, allocated on demand by {@link #alloc}.
 * Buffers that verbs consumers register and post live here, and devices read and write them as
 * DMA would. Access to an address that was never allocated fails, like a DMA fault.
 */
public final class HostMemory {
    public static final int PAGE_SHIFT = 12;
    public static final int PAGE_SIZE = 1 << PAGE_SHIFT;
    private static final long BASE = 0x1_0000_0000L;

    private final Map<Long, byte[]> pages = new HashMap<>();
    private long next = BASE;

    /** kmalloc: a zeroed, page-aligned buffer of at least {@code len} bytes. */
    public long alloc(long len) {
        if (len <= 0) {
            throw new IllegalArgumentException("alloc of " + len + " bytes");
        }
        long addr = next;
        long pagesNeeded = (len + PAGE_SIZE - 1) >>> PAGE_SHIFT;
        for (long i = 0; i < pagesNeeded; i++) {
            pages.put((addr >>> PAGE_SHIFT) + i, new byte[PAGE_SIZE]);
        }
        // A guard page between allocations makes an overrun fault instead of reaching a neighbour.
        next += (pagesNeeded + 1) << PAGE_SHIFT;
        return addr;
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
            if (!pages.containsKey(p)) {
                return false;
            }
        }
        return true;
    }

    public void read(long addr, byte[] dst, int off, int len) {
        check(addr, len);
        int done = 0;
        while (done < len) {
            long a = addr + done;
            byte[] page = pages.get(a >>> PAGE_SHIFT);
            int po = (int) (a & (PAGE_SIZE - 1));
            int n = Math.min(len - done, PAGE_SIZE - po);
            System.arraycopy(page, po, dst, off + done, n);
            done += n;
        }
    }

    public void write(long addr, byte[] src, int off, int len) {
        check(addr, len);
        int done = 0;
        while (done < len) {
            long a = addr + done;
            byte[] page = pages.get(a >>> PAGE_SHIFT);
            int po = (int) (a & (PAGE_SIZE - 1));
            int n = Math.min(len - done, PAGE_SIZE - po);
            System.arraycopy(src, off + done, page, po, n);
            done += n;
        }
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
        byte[] b = read(addr, 8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    public void writeLong(long addr, long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        write(addr, b);
    }

    private void check(long addr, long len) {
        if (!isMapped(addr, len)) {
            throw new IllegalArgumentException(String.format(
                    "DMA to unmapped host memory [0x%x, +%d)", addr, len));
        }
    }
}
