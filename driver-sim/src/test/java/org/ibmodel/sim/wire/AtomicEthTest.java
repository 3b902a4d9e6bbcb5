package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AtomicEthTest {
    private final byte[] buf = new byte[4 + AtomicEth.HEADER_LENGTH];
    private final AtomicEth eth = new AtomicEth().wrap(buf, 4);

    @Test
    void shouldRoundTripEveryField() {
        eth.va(0x1000_0000_0000_0008L).rKey(0xFFFF_FFFF).swapAddData(Long.MIN_VALUE).compareData(-1L);

        assertEquals(0x1000_0000_0000_0008L, eth.va());
        assertEquals(0xFFFF_FFFF, eth.rKey());
        assertEquals(Long.MIN_VALUE, eth.swapAddData());
        assertEquals(-1L, eth.compareData());
    }

    @Test
    void shouldPlaceFieldsAtIbaOffsets() {
        // IBA 9.3.4: VA 0, R_Key 8, SwapData/AddData 12, CompareData 20; 28 bytes
        eth.swapAddData(0x0102_0304_0506_0708L).compareData(0x1112_1314_1516_1718L);

        assertEquals(0x01, buf[4 + 12]);
        assertEquals(0x08, buf[4 + 19]);
        assertEquals(0x11, buf[4 + 20]);
        assertEquals(0x18, buf[4 + 27]);
        assertEquals(28, AtomicEth.HEADER_LENGTH);
    }

    @Test
    void shouldPrintIbtaFieldNames() {
        String s = eth.toString();

        assertTrue(s.contains("SwapData/AddData=") && s.contains("CompareData="), s);
    }
}
