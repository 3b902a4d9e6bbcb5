// the process's anonymous mmap() memory that libibverbs and its callers allocate from
package org.ibmodel.verbs;

import org.ibmodel.mm.UserAddressSpace;

/**
 * Page-granular allocation of user memory for one process: each allocation is a fresh
 * mmap of whole pages in a window high in the user range, placed where nothing is mapped yet
 * (the kernel's choice for an mmap without MAP_FIXED), so it never covers the caller's own
 * mappings. Memory is never given back: the model's processes are short-lived.
 */
final class UserHeap {
    static final long PAGE_SIZE = 4096;
    /** Where the search for free pages starts (just below the x86-64 mmap base). */
    static final long BASE = 0x7f00_0000_0000L;

    private final UserAddressSpace mm;
    private long next = BASE;

    UserHeap(UserAddressSpace mm) {
        this.mm = mm;
    }

    /** Zeroed user memory of at least {@code len} bytes, page-aligned; or -errno from mmap. */
    long alloc(long len) {
        long size = (len + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        long addr = next;
        while (!isFree(addr, size)) {
            addr += PAGE_SIZE;
            if (addr + size > UserAddressSpace.TASK_SIZE) {
                return UserAddressSpace.ENOMEM;
            }
        }
        long r = mm.mmap(addr, size);
        if (r < 0) {
            return r;
        }
        next = addr + size;
        return addr;
    }

    private boolean isFree(long addr, long size) {
        for (long a = addr; a < addr + size; a += PAGE_SIZE) {
            if (mm.isMapped(a, 1)) {
                return false;
            }
        }
        return true;
    }
}
