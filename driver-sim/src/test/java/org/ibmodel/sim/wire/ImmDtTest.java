package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ImmDtTest {
    private final byte[] buf = new byte[2 + ImmDt.HEADER_LENGTH];
    private final ImmDt imm = new ImmDt().wrap(buf, 2);

    @Test
    void shouldRoundTripImmediateDataBigEndian() {
        assertEquals(0xA1B2_C3D4, imm.immDt(0xA1B2_C3D4).immDt());
        assertArrayEquals(new byte[] {0, 0, (byte) 0xA1, (byte) 0xB2, (byte) 0xC3, (byte) 0xD4}, buf);
    }

    @Test
    void shouldPrintIbtaFieldName() {
        assertTrue(imm.immDt(0x1234).toString().contains("ImmDt=0x00001234"), imm.toString());
    }
}
