package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BthTest {
    private static final int AT = 1;

    private final byte[] buf = new byte[AT + Bth.HEADER_LENGTH + 1];
    private final Bth bth = new Bth().wrap(buf, AT);

    @Test
    void shouldRoundTripEveryField() {
        bth.opCode(0x65).se(true).migReq(true).padCnt(3).tVer(0xF).pKey(0x8001).resv8a(0x5A)
            .destQp(0xABCDEF).ackReq(true).psn(0x123456);

        assertEquals(0x65, bth.opCode());
        assertTrue(bth.se());
        assertTrue(bth.migReq());
        assertEquals(3, bth.padCnt());
        assertEquals(0xF, bth.tVer());
        assertEquals(0x8001, bth.pKey());
        assertEquals(0x5A, bth.resv8a());
        assertEquals(0xABCDEF, bth.destQp());
        assertTrue(bth.ackReq());
        assertEquals(0x123456, bth.psn());

        bth.se(false).migReq(false).ackReq(false);
        assertFalse(bth.se());
        assertFalse(bth.migReq());
        assertFalse(bth.ackReq());
        assertEquals(3, bth.padCnt(), "flag bits share a byte with PadCnt");
    }

    @Test
    void shouldLayOutFieldsAsIbaDrawsThem() {
        // IBA 9.2: OpCode | SE M PadCnt TVer | P_Key | F B Resv6a | DestQP | A Resv7 | PSN
        bth.opCode(0x04).se(true).migReq(false).padCnt(2).tVer(0).pKey(0xFFFF).destQp(0x000012).ackReq(true).psn(0x000102);

        byte[] expected = {0, 0x04, (byte) 0xA0, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0x12, (byte) 0x80, 0, 0x01, 0x02, 0};
        assertArrayEquals(expected, buf);
    }

    @Test
    void shouldHoldTwentyFourBitPsnAndQpn() {
        assertEquals(0xFFFFFF, bth.psn(Bth.PSN_MASK).psn());
        assertEquals(0, bth.psn(0).psn());
        assertEquals(0xFFFFFF, bth.destQp(Bth.QPN_MASK).destQp());
        assertThrows(IllegalArgumentException.class, () -> bth.psn(0x1000000));
        assertThrows(IllegalArgumentException.class, () -> bth.destQp(0x1000000));
        assertThrows(IllegalArgumentException.class, () -> bth.psn(-1));
        assertThrows(IllegalArgumentException.class, () -> bth.padCnt(4));
    }

    @Test
    void shouldNotSpillIntoResv8aOrResv7() {
        Arrays.fill(buf, (byte) 0xFF);
        bth.destQp(0).psn(0).ackReq(false);

        assertEquals(0xFF, bth.resv8a());
        assertEquals(0x7F, buf[AT + Bth.ACKREQ_OFFSET] & 0xFF);
        assertEquals(0xFF, buf[AT + Bth.HEADER_LENGTH] & 0xFF);
    }

    @Test
    void shouldKeepFecnAndBecnInTheTopBitsOfTheByteBeforeDestQp() {
        // include/rdma/ib_hdrs.h IB_FECN_SHIFT 31, IB_BECN_SHIFT 30 of the BTH's second word;
        // drivers/infiniband/sw/rxe/rxe_hdr.h BTH_FECN_MASK, BTH_BECN_MASK, BTH_RESV6A_MASK.
        bth.destQp(0xFFFFFF).fecn(true);
        assertEquals(0x80, buf[AT + 4] & 0xFF);
        assertTrue(bth.fecn());
        assertFalse(bth.becn());

        bth.fecn(false).becn(true);
        assertEquals(0x40, buf[AT + 4] & 0xFF);
        assertTrue(bth.becn());
        assertFalse(bth.fecn());

        bth.resv6a(0x3F);
        assertEquals(0x7F, buf[AT + 4] & 0xFF, "Resv6a is the byte's low six bits");
        assertEquals(0x7F, bth.resv8a(), "the whole byte, as the ICRC masks it");
        assertEquals(0xFFFFFF, bth.destQp());
        assertThrows(IllegalArgumentException.class, () -> bth.resv6a(0x40));

        buf[AT + 4] = (byte) 0xC0;
        String s = bth.toString();
        assertTrue(s.contains(" F=1 B=1 Resv6a=0x00 "), s);
    }

    @Test
    void shouldPrintIbtaFieldNames() {
        String s = bth.opCode(0x11).destQp(0x12).psn(7).toString();

        assertTrue(s.contains("OpCode=0x11") && s.contains("DestQP=0x000012") && s.contains("PSN=0x000007")
            && s.contains("P_Key=") && s.contains("F=0 B=0 Resv6a="), s);
    }
}
