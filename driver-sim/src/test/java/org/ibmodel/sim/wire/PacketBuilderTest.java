package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PacketBuilderTest {
    private final byte[] buf = new byte[WireFixture.MAX_FRAME];
    private final PacketBuilder b = new PacketBuilder().wrap(buf, 0);

    @Test
    void shouldPadThePayloadToFourBytesAndCountThePad() {
        for (int n = 0; n <= 9; n++) {
            int len = b.begin(Opcode.RC_SEND_ONLY, false).payload(new byte[n], 0, n).finish();
            Bth bth = new Bth().wrap(buf, Lrh.HEADER_LENGTH);

            assertEquals((4 - n % 4) % 4, bth.padCnt(), "payload " + n);
            assertEquals(0, (len - Vcrc.LENGTH) % 4, "payload " + n);
            assertEquals(PacketBuilder.frameLength(Opcode.RC_SEND_ONLY, false, n), len, "payload " + n);
        }
    }

    @Test
    void shouldCountPktLenInWordsThroughTheIcrc() {
        // LRH 8 + BTH 12 + RETH 16 + payload 5 + pad 3 + ICRC 4 = 48 bytes = 12 words; VCRC not counted
        int len = b.begin(Opcode.RC_RDMA_WRITE_ONLY, false).payload(new byte[5], 0, 5).finish();

        assertEquals(50, len);
        assertEquals(12, new Lrh().wrap(buf, 0).pktLen());
    }

    @Test
    void shouldSetPayLenFromTheBthThroughTheIcrc() {
        int len = b.begin(Opcode.UD_SEND_ONLY, true).payload(new byte[8], 0, 8).finish();
        Grh grh = new Grh().wrap(buf, Lrh.HEADER_LENGTH);

        assertEquals(12 + 8 + 8 + 4, grh.payLen());
        assertEquals(8 + 40 + 12 + 8 + 8 + 4 + 2, len);
        assertEquals(Grh.IPVER_IBA, grh.ipVer());
        assertEquals(Grh.NXTHDR_IBA_TRANSPORT, grh.nxtHdr());
    }

    @Test
    void shouldZeroHeadersAndPadLeftFromAnEarlierPacket() {
        java.util.Arrays.fill(buf, (byte) 0xFF);
        int len = b.begin(Opcode.RC_SEND_ONLY, false).payload(new byte[] {1}, 0, 1).finish();

        assertTrue(Packet.parse(buf, 0, len).isValid());
        assertEquals(0, new Bth().wrap(buf, Lrh.HEADER_LENGTH).resv8a());
        assertEquals(0, buf[Lrh.HEADER_LENGTH + Bth.HEADER_LENGTH + 1]);
        assertEquals(0, buf[Lrh.HEADER_LENGTH + Bth.HEADER_LENGTH + 3]);
    }

    @Test
    void shouldBuildTheLargestPacketPktLenAllows() {
        int max = PacketBuilder.MAX_PKTLEN_BYTES - Lrh.HEADER_LENGTH - Bth.HEADER_LENGTH - Icrc.LENGTH;
        int len = b.begin(Opcode.RC_SEND_MIDDLE, false).payload(new byte[max], 0, max).finish();

        assertEquals(Lrh.PKTLEN_MAX, new Lrh().wrap(buf, 0).pktLen());
        assertTrue(Packet.parse(buf, 0, len).isValid());
        assertThrows(IllegalArgumentException.class,
            () -> b.begin(Opcode.RC_SEND_MIDDLE, false).payload(new byte[max + 1], 0, max + 1));
    }

    /**
     * What a port counts against its MTU from the headers' lengths alone is the payload the parse
     * finds, for every opcode, local and global, every pad count; a raw packet's is all after
     * its LRH.
     */
    @Test
    void shouldFindThePayloadLengthFromTheHeadersAlone() {
        for (Opcode op : Opcode.values()) {
            for (boolean global : new boolean[] {false, true}) {
                for (int n : op.hasPayload() ? new int[] {0, 1, 2, 3, 4, 255, 2048, 4096} : new int[] {0}) {
                    PacketBuilder builder = b.begin(op, global);
                    if (n > 0) {
                        builder.payload(new byte[n], 0, n);
                    }
                    int len = builder.finish();
                    ParseResult r = Packet.parse(buf, 0, len);
                    String what = op + (global ? " global" : " local") + ", payload " + n;
                    assertTrue(r.isValid(), what);
                    assertEquals(n, Packet.payloadLengthOf(buf, len), what);
                }
            }
        }
        new Lrh().wrap(buf, 0).lnh(Lrh.LNH_RAW);
        assertEquals(100 - Lrh.HEADER_LENGTH - Vcrc.LENGTH, Packet.payloadLengthOf(buf, 100), "raw");
    }

    @Test
    void shouldRefuseMisuse() {
        assertThrows(IllegalArgumentException.class,
            () -> b.begin(Opcode.RC_ACKNOWLEDGE, false).payload(new byte[1], 0, 1));
        assertThrows(IllegalStateException.class, () -> b.begin(Opcode.RC_ACKNOWLEDGE, false).reth());
        assertThrows(IllegalStateException.class, () -> b.begin(Opcode.RC_ACKNOWLEDGE, false).grh());
        assertThrows(IllegalStateException.class, () -> new PacketBuilder().wrap(buf, 0).finish());
        assertThrows(IllegalArgumentException.class,
            () -> new PacketBuilder().wrap(new byte[20], 0).begin(Opcode.RC_SEND_ONLY, false));
        assertThrows(IllegalArgumentException.class,
            () -> new PacketBuilder().wrap(new byte[30], 0).begin(Opcode.RC_SEND_ONLY, false).payload(new byte[8], 0, 8));
    }

    @Test
    void shouldWriteAtAnOffset() {
        int len = b.wrap(buf, 100).begin(Opcode.RC_ATOMIC_ACKNOWLEDGE, false).finish();

        ParseResult r = Packet.parse(buf, 100, len);
        assertTrue(r.isValid(), r.toString());
        assertEquals(8 + 12 + 4 + 8 + 4 + 2, len);
    }
}
