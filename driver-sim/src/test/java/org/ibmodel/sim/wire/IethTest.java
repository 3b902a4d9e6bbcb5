package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IethTest {
    private final byte[] buf = new byte[1 + Ieth.HEADER_LENGTH];
    private final Ieth ieth = new Ieth().wrap(buf, 1);

    @Test
    void shouldRoundTripRKeyBigEndian() {
        assertEquals(0x0000_5A5A, ieth.rKey(0x0000_5A5A).rKey());
        assertArrayEquals(new byte[] {0, 0, 0, 0x5A, 0x5A}, buf);
    }

    @Test
    void shouldPrintIbtaFieldName() {
        assertTrue(ieth.rKey(-1).toString().contains("R_Key=0xffffffff"), ieth.toString());
    }
}
