package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AethTest {
    private final byte[] buf = new byte[3 + Aeth.HEADER_LENGTH];
    private final Aeth aeth = new Aeth().wrap(buf, 3);

    @Test
    void shouldRoundTripSyndromeAndMsn() {
        aeth.syndrome(0xFF).msn(0xFFFFFF);

        assertEquals(0xFF, aeth.syndrome());
        assertEquals(0xFFFFFF, aeth.msn());
        assertThrows(IllegalArgumentException.class, () -> aeth.msn(0x1000000));
    }

    @Test
    void shouldEncodeSyndromesAsTheKernelDoes() {
        // include/rdma/ib_hdrs.h / rxe_hdr.h: ACK 0x00, RNR NAK 0x20, NAK 0x60 in the syndrome byte
        assertEquals(0x1F, Aeth.ackSyndrome(Aeth.CREDIT_INVALID));
        assertEquals(0x2E, Aeth.rnrNakSyndrome(14));
        assertEquals(0x60, Aeth.nakSyndrome(Aeth.NakCode.PSN_SEQUENCE_ERROR));
        assertEquals(0x61, Aeth.nakSyndrome(Aeth.NakCode.INVALID_REQUEST));
        assertEquals(0x62, Aeth.nakSyndrome(Aeth.NakCode.REMOTE_ACCESS_ERROR));
        assertEquals(0x63, Aeth.nakSyndrome(Aeth.NakCode.REMOTE_OPERATIONAL_ERROR));
        assertEquals(0x64, Aeth.nakSyndrome(Aeth.NakCode.INVALID_RD_REQUEST));
    }

    @Test
    void shouldDecodeAckWithCreditCount() {
        aeth.ack(10);

        assertEquals(Aeth.Type.ACK, aeth.type());
        assertEquals(10, aeth.value());
        // IBA 9.3.5 credit encoding: codes grow 1, 1.5, 2, 3, 4, 6, ... ; 31 means no credit information
        assertEquals(32, Aeth.credits(10));
        assertEquals(0, Aeth.credits(0));
        assertEquals(6, Aeth.credits(5));
        assertEquals(32768, Aeth.credits(30));
        assertEquals(-1, Aeth.credits(Aeth.CREDIT_INVALID));
    }

    @Test
    void shouldAdvertiseTheLargestCreditCodeTheReceiveWqesCover() {
        for (int available = -1; available <= 40000; available++) {
            int code = 0;
            while (code < Aeth.CREDIT_INVALID - 1 && Aeth.credits(code + 1) <= available) {
                code++;
            }
            assertEquals(code, Aeth.creditCode(available), "available " + available);
        }
        assertEquals(0, Aeth.creditCode(0));
        assertEquals(5, Aeth.creditCode(7), "6 credits for 7 WQEs");
        assertEquals(30, Aeth.creditCode(1 << 20), "32768 is the most a code grants");
    }

    @Test
    void shouldDecodeRnrNakWithTimerCode() {
        aeth.rnrNak(0);

        assertEquals(Aeth.Type.RNR_NAK, aeth.type());
        // RNR timer encoding (IBA 9.3.5, tabulated in drivers/infiniband/sw/rdmavt/qp.c): 0 = 655.36 ms, 1 = 0.01 ms, 14 = 1.28 ms, 31 = 491.52 ms
        assertEquals(655_360_000L, Aeth.rnrTimerNanos(aeth.value()));
        assertEquals(10_000L, Aeth.rnrTimerNanos(1));
        assertEquals(1_280_000L, Aeth.rnrTimerNanos(14));
        assertEquals(491_520_000L, Aeth.rnrTimerNanos(31));
    }

    @Test
    void shouldDecodeEveryNakCode() {
        for (Aeth.NakCode code : Aeth.NakCode.values()) {
            if (code == Aeth.NakCode.RESERVED) {
                continue;
            }
            aeth.nak(code);
            assertEquals(Aeth.Type.NAK, aeth.type(), code.name());
            assertEquals(code, Aeth.NakCode.ofValue(aeth.value()));
        }
        assertEquals(Aeth.NakCode.RESERVED, Aeth.NakCode.ofValue(5));
        assertEquals(Aeth.NakCode.RESERVED, Aeth.NakCode.ofValue(31));
        assertThrows(IllegalArgumentException.class, () -> aeth.nak(Aeth.NakCode.RESERVED));
    }

    @Test
    void shouldSeeTheReservedSyndromeType() {
        assertEquals(Aeth.Type.RESERVED, aeth.syndrome(0x40).type());
    }

    @Test
    void shouldTreatEverySyndromeWithItsTopBitSetAsReserved() {
        // The type is the syndrome's top three bits (include/rdma/ib_hdrs.h IB_AETH_NAK_SHIFT 29,
        // drivers/infiniband/sw/rxe/rxe_hdr.h AETH_TYPE_MASK 0xe0); bit 7 is 0 in every assigned one.
        for (int s = 0x80; s <= 0xFF; s++) {
            assertEquals(Aeth.Type.RESERVED, Aeth.typeOf(s), "syndrome 0x" + Integer.toHexString(s));
        }
        assertEquals(Aeth.Type.ACK, Aeth.typeOf(0x1F));
        assertEquals(Aeth.Type.NAK, Aeth.typeOf(0x7F));
        assertTrue(aeth.syndrome(0x80).toString().contains("(reserved)"), aeth.toString());
        assertEquals("reserved syndrome 0x9f", Aeth.nakText(0x9F));
    }

    @Test
    void shouldPrintTheDecodedSyndrome() {
        assertTrue(aeth.nak(Aeth.NakCode.REMOTE_ACCESS_ERROR).msn(3).toString()
            .contains("Syndrome=0x62 (NAK REMOTE_ACCESS_ERROR) MSN=0x000003"), aeth.toString());
        assertTrue(aeth.rnrNak(1).toString().contains("RNR NAK timer=10us"), aeth.toString());
        assertTrue(aeth.ack(31).toString().contains("ACK credits=invalid"), aeth.toString());
    }
}
