// drivers/net/ethernet/mellanox/mlx4/alloc.c mlx4_bitmap_alloc: round-robin, so a freed number
// is not handed out again at once
package org.ibmodel.hca;

import java.util.BitSet;

/** An allocator of object numbers in [first, first + count). */
final class Bitmap {
    private final String name;
    private final int first;
    private final int count;
    private final BitSet used = new BitSet();
    private int last = -1;

    Bitmap(String name, int first, int count) {
        this.name = name;
        this.first = first;
        this.count = count;
    }

    /** A free number, or -1 when all are taken. */
    int alloc() {
        for (int i = 1; i <= count; i++) {
            int n = (last + i) % count;
            if (!used.get(n)) {
                used.set(n);
                last = n;
                return first + n;
            }
        }
        return -1;
    }

    void free(int number) {
        int n = number - first;
        if (n < 0 || n >= count || !used.get(n)) {
            throw new IllegalStateException(name + ": free of " + number + ", which is not allocated");
        }
        used.clear(n);
    }

    int used() {
        return used.cardinality();
    }

    @Override
    public String toString() {
        return name + "{" + used() + "/" + count + "}";
    }
}
