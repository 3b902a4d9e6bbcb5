package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LrhTest {
    private static final int AT = 3;

    private final byte[] buf = new byte[AT + Lrh.HEADER_LENGTH + 3];
    private final Lrh lrh = new Lrh().wrap(buf, AT);

    @Test
    void shouldRoundTripEveryField() {
        lrh.vl(0xF).lver(0x3).sl(0xA).lnh(Lrh.LNH_IBA_GLOBAL).dlid(0xBEEF).pktLen(0x5A5).slid(0xC0DE);

        assertEquals(0xF, lrh.vl());
        assertEquals(0x3, lrh.lver());
        assertEquals(0xA, lrh.sl());
        assertEquals(3, lrh.lnh());
        assertEquals(0xBEEF, lrh.dlid());
        assertEquals(0x5A5, lrh.pktLen());
        assertEquals(0xC0DE, lrh.slid());
    }

    @Test
    void shouldLayOutFieldsBigEndianAsIbaDrawsThem() {
        // IBA 7.7: VL|LVer, SL|Rsv2|LNH, DLID, Rsv5|PktLen, SLID
        lrh.vl(0xF).lver(0).sl(3).lnh(2).dlid(0x1234).pktLen(0x7FF).slid(0xABCD);

        byte[] expected = {0, 0, 0, (byte) 0xF0, 0x32, 0x12, 0x34, 0x07, (byte) 0xFF, (byte) 0xAB, (byte) 0xCD, 0, 0, 0};
        assertArrayEquals(expected, buf);
    }

    @Test
    void shouldKeepReservedBitsAndNeighbours() {
        Arrays.fill(buf, (byte) 0xFF);
        lrh.vl(0).lver(0).sl(0).lnh(0).dlid(0).pktLen(0).slid(0);

        assertEquals(0x0C, buf[AT + 1] & 0xFF, "Rsv2 untouched");
        assertEquals(0xF8, buf[AT + 4] & 0xFF, "Rsv5 untouched");
        assertEquals(0xFF, buf[AT - 1] & 0xFF);
        assertEquals(0xFF, buf[AT + Lrh.HEADER_LENGTH] & 0xFF);
    }

    @Test
    void shouldAcceptElevenBitPktLenAndRefuseTwelve() {
        assertEquals(0x7FF, lrh.pktLen(Lrh.PKTLEN_MAX).pktLen());
        assertThrows(IllegalArgumentException.class, () -> lrh.pktLen(0x800));
        assertThrows(IllegalArgumentException.class, () -> lrh.vl(16));
        assertThrows(IllegalArgumentException.class, () -> lrh.lnh(4));
        assertThrows(IllegalArgumentException.class, () -> lrh.dlid(0x10000));
        assertThrows(IllegalArgumentException.class, () -> lrh.slid(-1));
    }

    @Test
    void shouldPrintIbtaFieldNames() {
        String s = lrh.vl(1).lnh(2).dlid(5).pktLen(7).slid(9).toString();

        assertTrue(s.contains("VL=1") && s.contains("LNH=2") && s.contains("DLID=0x0005")
            && s.contains("PktLen=7") && s.contains("SLID=0x0009"), s);
    }
}
