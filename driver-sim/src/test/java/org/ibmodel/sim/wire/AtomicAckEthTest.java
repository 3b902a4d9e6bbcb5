package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AtomicAckEthTest {
    private final byte[] buf = new byte[1 + AtomicAckEth.HEADER_LENGTH];
    private final AtomicAckEth eth = new AtomicAckEth().wrap(buf, 1);

    @Test
    void shouldRoundTripOrigRemData() {
        assertEquals(0x8877_6655_4433_2211L, eth.origRemData(0x8877_6655_4433_2211L).origRemData());
        assertArrayEquals(new byte[] {0, (byte) 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, buf);
    }

    @Test
    void shouldPrintIbtaFieldName() {
        assertTrue(eth.origRemData(0x10).toString().contains("OrigRemData=0x10"), eth.toString());
    }
}
