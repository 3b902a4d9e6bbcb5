package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RethTest {
    private final byte[] buf = new byte[1 + Reth.HEADER_LENGTH];
    private final Reth reth = new Reth().wrap(buf, 1);

    @Test
    void shouldRoundTripEveryField() {
        reth.va(0xFFFF_FFFF_FFFF_FFF8L).rKey(0xDEAD_BEEF).dmaLen(0x8000_0000);

        assertEquals(0xFFFF_FFFF_FFFF_FFF8L, reth.va());
        assertEquals(0xDEAD_BEEF, reth.rKey());
        assertEquals(0x8000_0000, reth.dmaLen(), "DMALen up to 2^31 is a legal message length");
    }

    @Test
    void shouldLayOutVaRKeyDmaLenBigEndian() {
        reth.va(0x0102_0304_0506_0708L).rKey(0x090A_0B0C).dmaLen(0x0D0E_0F10);

        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, buf);
    }

    @Test
    void shouldPrintDmaLenUnsigned() {
        String s = reth.dmaLen(0x8000_0000).toString();

        assertTrue(s.contains("DMALen=2147483648") && s.contains("R_Key=") && s.contains("VA="), s);
    }
}
