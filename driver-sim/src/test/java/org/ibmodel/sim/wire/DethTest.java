package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DethTest {
    private final byte[] buf = new byte[2 + Deth.HEADER_LENGTH];
    private final Deth deth = new Deth().wrap(buf, 2);

    @Test
    void shouldRoundTripEveryField() {
        deth.qKey(0x8001_0000).srcQp(0xFFFFFF);

        assertEquals(0x8001_0000, deth.qKey());
        assertEquals(0xFFFFFF, deth.srcQp());
    }

    @Test
    void shouldLeaveTheReservedByteBetweenQKeyAndSrcQp() {
        deth.qKey(0x11223344).srcQp(0x556677);

        assertArrayEquals(new byte[] {0, 0, 0x11, 0x22, 0x33, 0x44, 0, 0x55, 0x66, 0x77}, buf);
    }

    @Test
    void shouldRefuseSrcQpWiderThan24Bits() {
        assertThrows(IllegalArgumentException.class, () -> deth.srcQp(0x1000000));
    }

    @Test
    void shouldPrintIbtaFieldNames() {
        assertTrue(deth.qKey(1).srcQp(2).toString().contains("Q_Key=0x00000001 SrcQP=0x000002"), deth.toString());
    }
}
