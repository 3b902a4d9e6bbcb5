// drivers/infiniband/core/restrack.c: rdma_restrack_add / rdma_restrack_del
package org.ibmodel.core;

import java.util.BitSet;
import java.util.EnumMap;
import java.util.Map;

/**
 * The ids a device's resource tracker gives its objects, one xarray per type: each id is
 * allocated with xa_alloc_cyclic from the type's {@code next_id}, starting at 0 (XA_FLAGS_ALLOC),
 * so an id comes back only after the allocator wraps past the limit and the id has been freed.
 * The tracepoints print these ids ({@code cq.id=}, {@code mr.id=}, {@code cm.id=}).
 */
final class Restrack {
    /** xa_limit_32b */
    static final long LIMIT_32B = 0xffffffffL;

    private final int max;
    private final Map<ResType, BitSet> used = new EnumMap<>(ResType.class);
    private final Map<ResType, Integer> next = new EnumMap<>(ResType.class);

    Restrack() {
        this(Integer.MAX_VALUE);
    }

    /** A tracker whose ids stay at or below {@code max} (the kernel's is {@link #LIMIT_32B}). */
    Restrack(int max) {
        this.max = max;
        for (ResType t : ResType.values()) {
            used.put(t, new BitSet());
            next.put(t, 0);
        }
    }

    /** xa_alloc_cyclic: the first free id from next_id up, wrapping to 0; -1 when all are taken. */
    int add(ResType type) {
        BitSet b = used.get(type);
        int id = b.nextClearBit(next.get(type));
        if (id > max || id < 0) {
            id = b.nextClearBit(0);
            if (id > max || id < 0) {
                return -1;
            }
        }
        b.set(id);
        next.put(type, id == max ? 0 : id + 1);
        return id;
    }

    void del(ResType type, int id) {
        if (id >= 0) {
            used.get(type).clear(id);
        }
    }
}
