// mm/mmap.c (mmap/munmap of anonymous memory), mm/gup.c (pin_user_pages),
// arch/x86/lib/usercopy (copy_from_user / copy_to_user): a process's user address space
package org.ibmodel.mm;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The user half of one process's address space: a page table from user page numbers to pages
 * of {@link HostMemory}, so a device reaches pinned user pages by DMA exactly where the process
 * sees them. Pages are mapped anonymous and zeroed by {@link #mmap}; copies from and to user
 * memory fail with -EFAULT (returned as a negative number) anywhere nothing is mapped.
 *
 * <p>Pinning counts references per host page, as pin_user_pages raises the page refcount: a
 * pinned page survives {@link #munmap} (the MR still reaches it) and the count must be back to
 * zero once every region over it is deregistered. pinned_vm counts the pages of every region
 * registered, a page in two regions twice, against the process's RLIMIT_MEMLOCK.
 */
public final class UserAddressSpace {
    /** -EFAULT */
    public static final int EFAULT = -14;
    /** -EINVAL */
    public static final int EINVAL = -22;
    /** -ENOMEM */
    public static final int ENOMEM = -12;
    /** -EPERM */
    public static final int EPERM = -1;
    /**
     * vm.mmap_min_addr as x86 kernels set it (CONFIG_DEFAULT_MMAP_MIN_ADDR 65536): a process
     * without CAP_SYS_RAWIO maps nothing below it (security/commoncap.c cap_mmap_addr).
     */
    public static final long MMAP_MIN_ADDR = 65536;
    /** x86-64 TASK_SIZE_MAX with 4-level paging: user addresses lie below it. */
    public static final long TASK_SIZE = 0x7fff_ffff_f000L;

    private final HostMemory memory;
    private final int maxPages;
    /** user page number -> host page address */
    private final TreeMap<Long, Long> pageTable = new TreeMap<>();
    /** host page address -> pin count */
    private final Map<Long, Integer> pins = new HashMap<>();
    /** mm_struct.pinned_vm: pages long-term pinned on the process's behalf, in pages. */
    private long pinnedVm;

    /**
     * @param maxPages the most pages the process may map at once (RLIMIT_AS in pages); mmap
     *                 beyond it fails with -ENOMEM
     */
    public UserAddressSpace(HostMemory memory, int maxPages) {
        this.memory = memory;
        this.maxPages = maxPages;
    }

    public HostMemory memory() {
        return memory;
    }

    /**
     * mmap(addr, len, PROT_READ|PROT_WRITE, MAP_FIXED|MAP_ANONYMOUS|MAP_PRIVATE): zeroed pages
     * replace whatever was mapped there. Returns {@code addr}, or -EINVAL for an unaligned
     * address or empty length, -ENOMEM outside the user range or over the page limit, -EPERM
     * below {@link #MMAP_MIN_ADDR}.
     */
    public long mmap(long addr, long len) {
        if ((addr & (HostMemory.PAGE_SIZE - 1)) != 0 || len <= 0) {
            return EINVAL;
        }
        long end = addr + len;
        if (addr < 0 || end < addr || end > TASK_SIZE) {
            return ENOMEM;
        }
        if (addr < MMAP_MIN_ADDR) {
            return EPERM;
        }
        long first = addr >>> HostMemory.PAGE_SHIFT;
        long last = (end - 1) >>> HostMemory.PAGE_SHIFT;
        long fresh = 0;
        for (long p = first; p <= last; p++) {
            if (!pageTable.containsKey(p)) {
                fresh++;
            }
        }
        if (pageTable.size() + fresh > maxPages) {
            return ENOMEM;
        }
        for (long p = first; p <= last; p++) {
            pageTable.put(p, memory.alloc(HostMemory.PAGE_SIZE));
        }
        return addr;
    }

    /** munmap: the pages go; pinned host pages stay reachable by the regions that pin them. */
    public int munmap(long addr, long len) {
        if ((addr & (HostMemory.PAGE_SIZE - 1)) != 0 || len <= 0 || addr + len < addr) {
            return EINVAL;
        }
        long first = addr >>> HostMemory.PAGE_SHIFT;
        long last = (addr + len - 1) >>> HostMemory.PAGE_SHIFT;
        pageTable.subMap(first, true, last, true).clear();
        return 0;
    }

    /** Whether every byte of [addr, addr+len) is mapped (access_ok plus a present page). */
    public boolean isMapped(long addr, long len) {
        if (len == 0) {
            return true;
        }
        if (len < 0 || addr < 0 || addr + len < addr || addr + len > TASK_SIZE
                || len > ((long) pageTable.size() + 1) << HostMemory.PAGE_SHIFT) {
            return false;
        }
        for (long p = addr >>> HostMemory.PAGE_SHIFT; p <= (addr + len - 1) >>> HostMemory.PAGE_SHIFT; p++) {
            if (!pageTable.containsKey(p)) {
                return false;
            }
        }
        return true;
    }

    /** copy_from_user: 0, or -EFAULT with nothing copied when any byte is unmapped. */
    public int copyFromUser(byte[] dst, int off, long addr, int len) {
        if (!isMapped(addr, len)) {
            return EFAULT;
        }
        for (int done = 0; done < len; ) {
            long a = addr + done;
            int n = chunk(a, len - done);
            memory.read(hostAddr(a), dst, off + done, n);
            done += n;
        }
        return 0;
    }

    /** copy_to_user: 0, or -EFAULT with nothing copied when any byte is unmapped. */
    public int copyToUser(long addr, byte[] src, int off, int len) {
        if (!isMapped(addr, len)) {
            return EFAULT;
        }
        for (int done = 0; done < len; ) {
            long a = addr + done;
            int n = chunk(a, len - done);
            memory.write(hostAddr(a), src, off + done, n);
            done += n;
        }
        return 0;
    }

    /** clear_user */
    public int clearUser(long addr, int len) {
        return copyToUser(addr, new byte[len], 0, len);
    }

    /**
     * pin_user_pages: the host pages behind every page of [addr, addr+len), each pinned once;
     * null (the caller returns -EFAULT) with nothing pinned when a page is not mapped.
     */
    public long[] pin(long addr, long len) {
        if (len <= 0 || !isMapped(addr, len)) {
            return null;
        }
        long first = addr >>> HostMemory.PAGE_SHIFT;
        long last = (addr + len - 1) >>> HostMemory.PAGE_SHIFT;
        long[] pages = new long[(int) (last - first + 1)];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = pageTable.get(first + i);
            pins.merge(pages[i], 1, Integer::sum);
        }
        return pages;
    }

    /** unpin_user_pages */
    public void unpin(long[] pages) {
        for (long p : pages) {
            Integer n = pins.get(p);
            if (n == null) {
                throw new IllegalStateException(String.format("unpin of host page 0x%x, which is not pinned", p));
            }
            if (n == 1) {
                pins.remove(p);
            } else {
                pins.put(p, n - 1);
            }
        }
    }

    /** How many pins are held over all pages; zero when no region holds user memory. */
    public int pinCount() {
        int n = 0;
        for (int v : pins.values()) {
            n += v;
        }
        return n;
    }

    /** mm_struct.pinned_vm: what the regions of this process charge against RLIMIT_MEMLOCK. */
    public long pinnedVm() {
        return pinnedVm;
    }

    /**
     * atomic64_add_return on pinned_vm: the count after {@code npages} more. The charge is per
     * region, not per page: ib_umem_get (drivers/infiniband/core/umem.c) adds all of a region's
     * pages whether or not another region pins them already, so a page in two regions counts twice.
     */
    public long pinnedVmAdd(long npages) {
        pinnedVm += npages;
        return pinnedVm;
    }

    /** atomic64_sub on pinned_vm; taking back more than was charged is a bug of the caller. */
    public void pinnedVmSub(long npages) {
        if (Long.compareUnsigned(npages, pinnedVm) > 0) {
            throw new IllegalStateException("pinned_vm of " + pinnedVm + " pages less " + npages);
        }
        pinnedVm -= npages;
    }

    public int mappedPages() {
        return pageTable.size();
    }

    private long hostAddr(long a) {
        return pageTable.get(a >>> HostMemory.PAGE_SHIFT) + (a & (HostMemory.PAGE_SIZE - 1));
    }

    private static int chunk(long a, int remaining) {
        return (int) Math.min(remaining, HostMemory.PAGE_SIZE - (a & (HostMemory.PAGE_SIZE - 1)));
    }
}
