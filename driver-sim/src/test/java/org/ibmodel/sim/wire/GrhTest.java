package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GrhTest {
    private static final int AT = 5;

    private final byte[] buf = new byte[AT + Grh.HEADER_LENGTH + 2];
    private final Grh grh = new Grh().wrap(buf, AT);

    @Test
    void shouldRoundTripEveryField() {
        grh.ipVer(6).tClass(0xA5).flowLabel(0xFFFFF).payLen(0xFFFF).nxtHdr(0x1B).hopLmt(0xFF)
            .sgid(0xFE80_0000_0000_0000L, 0x0002_C903_00AB_CDEFL)
            .dgid(0x8000_0000_0000_0001L, 0xFFFF_FFFF_FFFF_FFFFL);

        assertEquals(6, grh.ipVer());
        assertEquals(0xA5, grh.tClass());
        assertEquals(0xFFFFF, grh.flowLabel());
        assertEquals(0xFFFF, grh.payLen());
        assertEquals(0x1B, grh.nxtHdr());
        assertEquals(0xFF, grh.hopLmt());
        assertEquals(0xFE80_0000_0000_0000L, grh.sgidPrefix());
        assertEquals(0x0002_C903_00AB_CDEFL, grh.sgidInterfaceId());
        assertEquals(0x8000_0000_0000_0001L, grh.dgidPrefix());
        assertEquals(0xFFFF_FFFF_FFFF_FFFFL, grh.dgidInterfaceId());
    }

    @Test
    void shouldPackIpVerTClassFlowLabelIntoFirstWord() {
        grh.ipVer(6).tClass(0xAB).flowLabel(0xCDEF1);

        assertEquals(0x6A, buf[AT] & 0xFF);
        assertEquals(0xBC, buf[AT + 1] & 0xFF);
        assertEquals(0xDE, buf[AT + 2] & 0xFF);
        assertEquals(0xF1, buf[AT + 3] & 0xFF);
    }

    @Test
    void shouldNotDisturbNeighbouringFields() {
        Arrays.fill(buf, (byte) 0xFF);
        grh.tClass(0);

        assertEquals(0xF, grh.ipVer());
        assertEquals(0xFFFFF, grh.flowLabel());
        assertEquals(0xFF, buf[AT - 1] & 0xFF);
        assertEquals(0xFF, buf[AT + Grh.HEADER_LENGTH] & 0xFF);
    }

    @Test
    void shouldRefuseOversizedFields() {
        assertThrows(IllegalArgumentException.class, () -> grh.flowLabel(0x100000));
        assertThrows(IllegalArgumentException.class, () -> grh.tClass(0x100));
        assertThrows(IllegalArgumentException.class, () -> grh.payLen(0x10000));
    }

    @Test
    void shouldPrintGidsLikeIpv6() {
        grh.sgid(0xFE80_0000_0000_0000L, 0x0002_C903_0000_1234L);

        assertTrue(grh.toString().contains("SGID=fe80::2:c903:0:1234 DGID="), "as tshark prints it: " + grh);
        assertTrue(grh.toString().contains("HopLmt="), grh.toString());
    }

    /** RFC 5952 4.2: the longest run of zero groups, the first of equal ones, never a single one. */
    @Test
    void shouldCompressTheLongestRunOfZeroGroupsAsInetNtopDoes() {
        assertEquals("::", Grh.gid(0, 0));
        assertEquals("::1", Grh.gid(0, 1));
        assertEquals("1::", Grh.gid(0x0001_0000_0000_0000L, 0));
        assertEquals("ff12:401b:ffff::1", Grh.gid(0xFF12_401B_FFFF_0000L, 0x0000_0000_0000_0001L));
        assertEquals("1:0:1:1:1:1:1:1", Grh.gid(0x0001_0000_0001_0001L, 0x0001_0001_0001_0001L));
        assertEquals("1::1:0:0:1:1", Grh.gid(0x0001_0000_0000_0001L, 0x0000_0000_0001_0001L));
        assertEquals("1:0:0:1::1", Grh.gid(0x0001_0000_0000_0001L, 0x0000_0000_0000_0001L));
        assertEquals("fe80::2:c903:a:b", Grh.gid(0xFE80_0000_0000_0000L, 0x0002_C903_000A_000BL));
    }
}
