package org.ibmodel.sim.fabric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PacketPoolTest {

    private final PacketPool pool = new PacketPool();

    @Test
    void shouldHandOutExactLengthsAndReuseWhatIsGivenBack() {
        byte[] a = pool.take(100);
        byte[] b = pool.take(100);
        assertEquals(100, a.length);
        assertNotSame(a, b);

        pool.give(a);
        assertSame(a, pool.take(100));
        assertEquals(200, pool.take(200).length, "another length has its own list");
        assertEquals(4, pool.taken());
        assertEquals(1, pool.reused());
    }

    @Test
    void shouldKeepNoMoreThanItsCapPerLength() {
        byte[][] held = new byte[PacketPool.PER_LENGTH + 10][];
        for (int i = 0; i < held.length; i++) {
            held[i] = pool.take(64);
        }
        for (byte[] b : held) {
            pool.give(b);
        }
        for (int i = 0; i < held.length; i++) {
            pool.take(64);
        }
        assertEquals(PacketPool.PER_LENGTH, pool.reused());
    }

    @Test
    void shouldNotKeepPacketsLongerThanItsLimit() {
        byte[] big = pool.take(PacketPool.MAX_LENGTH + 1);
        pool.give(big);
        assertNotSame(big, pool.take(PacketPool.MAX_LENGTH + 1));
        assertEquals(0, pool.reused());
    }

    @Test
    void shouldKeepNoMoreThanItsByteLimitOverAllLengths() {
        int length = PacketPool.MAX_LENGTH;
        int fit = (int) (PacketPool.MAX_BYTES / length);
        int lengths = fit / PacketPool.PER_LENGTH + 2;
        for (int l = 0; l < lengths; l++) {
            byte[][] held = new byte[PacketPool.PER_LENGTH][];
            for (int i = 0; i < held.length; i++) {
                held[i] = pool.take(length - l);
            }
            for (byte[] b : held) {
                pool.give(b);
            }
        }
        long kept = 0;
        for (int l = 0; l < lengths; l++) {
            kept += (long) pool.free(length - l) * (length - l);
        }
        assertTrue(kept <= PacketPool.MAX_BYTES, "kept " + kept + " bytes");
        assertTrue(kept > PacketPool.MAX_BYTES - length, "and filled up to the limit: " + kept);
    }
}
