package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast ICRC (the JDK's CRC32 behind the masked header) and VCRC (slicing by eight) against
 * their byte-at-a-time definitions, over every length up to a few hundred bytes, local and
 * global packets, at odd offsets.
 */
class CrcEquivalenceTest {
    private static final long SEED = 0x1C2C_5EEDL;

    @Test
    void shouldMatchBytewiseDefinitionAtEveryLength() {
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] buf = new byte[600];
        Icrc.Calculator reused = new Icrc.Calculator();
        for (int length = 0; length <= 520; length++) {
            for (int lnh : new int[] {Lrh.LNH_IBA_LOCAL, Lrh.LNH_IBA_GLOBAL}) {
                random.nextBytes(buf);
                int offset = length % 7;
                if (length > Lrh.SL_LNH_OFFSET) {
                    buf[offset + Lrh.SL_LNH_OFFSET] = (byte) ((buf[offset + Lrh.SL_LNH_OFFSET] & ~0x03) | lnh);
                }
                byte[] before = buf.clone();
                assertEquals(Icrc.computeBytewise(buf, offset, length), Icrc.compute(buf, offset, length),
                        "ICRC seed=" + SEED + " length=" + length + " lnh=" + lnh);
                assertEquals(Icrc.computeBytewise(buf, offset, length), reused.compute(buf, offset, length),
                        "ICRC, one calculator for every length, seed=" + SEED + " length=" + length + " lnh=" + lnh);
                assertArrayEquals(before, buf, "the ICRC leaves the packet as it found it, length=" + length);
                assertEquals(Vcrc.computeBytewise(buf, offset, length), Vcrc.compute(buf, offset, length),
                        "VCRC seed=" + SEED + " length=" + length + " lnh=" + lnh);
            }
        }
    }
}
