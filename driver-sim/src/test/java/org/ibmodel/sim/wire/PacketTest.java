package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PacketTest {
    private static final long SEED = 0x1B_5EEDL;

    private static DropReason reason(byte[] pkt) {
        return Packet.parse(pkt, 0, pkt.length).dropReason();
    }

    @Test
    void shouldRoundTripEveryOpcodeLocalAndGlobal() {
        for (Opcode op : Opcode.values()) {
            for (boolean global : new boolean[] {false, true}) {
                byte[] pkt = WireFixture.packet(op, global);
                ParseResult r = Packet.parse(pkt, 0, pkt.length);

                assertTrue(r.isValid(), op + " global=" + global + ": " + r);
                WireFixture.assertFields(r.packet(), op, global);
            }
        }
    }

    @Test
    void shouldParseAPacketInTheMiddleOfABuffer() {
        byte[] pkt = WireFixture.packet(Opcode.RC_RDMA_WRITE_FIRST, true);
        byte[] buf = new byte[pkt.length + 37];
        Arrays.fill(buf, (byte) 0xEE);
        System.arraycopy(pkt, 0, buf, 17, pkt.length);

        ParseResult r = Packet.parse(buf, 17, pkt.length);

        assertTrue(r.isValid(), r.toString());
        WireFixture.assertFields(r.packet(), Opcode.RC_RDMA_WRITE_FIRST, true);
        assertEquals(17, r.packet().offset());
    }

    @Test
    void shouldDropEveryTruncation() {
        for (Opcode op : Opcode.values()) {
            for (boolean global : new boolean[] {false, true}) {
                byte[] pkt = WireFixture.packet(op, global);
                for (int len = 0; len < pkt.length; len++) {
                    ParseResult r = Packet.parse(pkt, 0, len);
                    assertFalse(r.isValid(), op + " cut to " + len);
                    if (len < Packet.MIN_LENGTH) {
                        assertEquals(DropReason.TOO_SHORT, r.dropReason(), op + " cut to " + len);
                    }
                }
            }
        }
    }

    @Test
    void shouldDropTruncationEvenWhenTheLinkCrcIsRight() {
        // A packet cut short and given a fresh VCRC (as a buggy switch might) still fails PktLen.
        byte[] pkt = WireFixture.packet(Opcode.RC_SEND_ONLY, false);
        byte[] cut = Arrays.copyOf(pkt, pkt.length - 4);
        WireFixture.revcrc(cut);

        assertEquals(DropReason.BAD_LENGTH, reason(cut));
    }

    @Test
    void shouldDropAPktLenThatDisagreesWithTheFrame() {
        byte[] pkt = WireFixture.packet(Opcode.RC_SEND_ONLY, false);
        Lrh lrh = new Lrh().wrap(pkt, 0);
        lrh.pktLen(lrh.pktLen() + 1);
        WireFixture.recrc(pkt);

        assertEquals(DropReason.BAD_LENGTH, reason(pkt));
    }

    @Test
    void shouldDropAPayLenThatDisagreesWithTheFrame() {
        byte[] pkt = WireFixture.packet(Opcode.UD_SEND_ONLY, true);
        Grh grh = new Grh().wrap(pkt, Lrh.HEADER_LENGTH);
        grh.payLen(grh.payLen() - 4);
        WireFixture.recrc(pkt);

        assertEquals(DropReason.BAD_HEADER_LENGTH, reason(pkt));
        assertFalse(DropReason.BAD_HEADER_LENGTH.portRcvError(), "a network header, not a PortRcvError");
    }

    @Test
    void shouldDropAnyFlippedBitOnTheVcrc() {
        for (boolean global : new boolean[] {false, true}) {
            byte[] pkt = WireFixture.packet(Opcode.RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE, global);
            for (int bit = 0; bit < pkt.length * 8; bit++) {
                pkt[bit / 8] ^= (byte) (1 << (bit % 8));
                assertEquals(DropReason.BAD_VCRC, reason(pkt), "bit " + bit + " global=" + global);
                pkt[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            assertEquals(null, reason(pkt));
        }
    }

    @Test
    void shouldDropAnyFlippedInvariantBitOnTheIcrcWhenTheVcrcWasRegenerated() {
        for (Opcode op : Opcode.values()) {
            for (boolean global : new boolean[] {false, true}) {
                byte[] pkt = WireFixture.packet(op, global);
                int bthAt = Lrh.HEADER_LENGTH + (global ? Grh.HEADER_LENGTH : 0);
                int end = pkt.length - Vcrc.LENGTH;
                for (int bit = bthAt * 8; bit < end * 8; bit++) {
                    if (bit / 8 == bthAt + Bth.RESV8A_OFFSET) {
                        continue;
                    }
                    byte[] bad = pkt.clone();
                    bad[bit / 8] ^= (byte) (1 << (bit % 8));
                    WireFixture.revcrc(bad);
                    assertEquals(DropReason.BAD_ICRC, reason(bad), op + " global=" + global + " bit " + bit);
                }
            }
        }
    }

    @Test
    void shouldDropFlippedInvariantLrhAndGrhBitsOnTheIcrc() {
        byte[] local = WireFixture.packet(Opcode.RC_SEND_FIRST, false);
        int[] localBytes = {1, 2, 3, 6, 7}; // SL|LNH byte, DLID, SLID: invariant in a local packet
        for (int at : localBytes) {
            byte[] bad = local.clone();
            bad[at] ^= (byte) 0x80;
            WireFixture.revcrc(bad);
            assertEquals(DropReason.BAD_ICRC, reason(bad), "LRH byte " + at);
        }
        byte[] global = WireFixture.packet(Opcode.RC_SEND_FIRST, true);
        for (int at = Lrh.HEADER_LENGTH + Grh.SGID_OFFSET; at < Lrh.HEADER_LENGTH + Grh.HEADER_LENGTH; at++) {
            byte[] bad = global.clone();
            bad[at] ^= 0x01;
            WireFixture.revcrc(bad);
            assertEquals(DropReason.BAD_ICRC, reason(bad), "GRH GID byte " + at);
        }
    }

    @Test
    void shouldAcceptChangesToVariantFieldsWhenTheVcrcWasRegenerated() {
        // IBA 7.8.1: what a switch or router may rewrite is outside the ICRC.
        byte[] local = WireFixture.packet(Opcode.RC_SEND_FIRST, false);
        new Lrh().wrap(local, 0).vl(15);
        new Bth().wrap(local, Lrh.HEADER_LENGTH).resv8a(0xA5);
        WireFixture.revcrc(local);
        assertTrue(Packet.parse(local, 0, local.length).isValid(), "local VL, Resv8a");

        byte[] global = WireFixture.packet(Opcode.RC_SEND_FIRST, true);
        new Lrh().wrap(global, 0).vl(3).sl(9).dlid(0xFFFF).slid(0x0001);
        new Grh().wrap(global, Lrh.HEADER_LENGTH).tClass(0xFF).flowLabel(0xABCDE).hopLmt(1);
        new Bth().wrap(global, Lrh.HEADER_LENGTH + Grh.HEADER_LENGTH).resv8a(0xFF);
        WireFixture.revcrc(global);
        assertTrue(Packet.parse(global, 0, global.length).isValid(), "global LRH, TClass, FlowLabel, HopLmt, Resv8a");
    }

    @Test
    void shouldNameEachHeaderFault() {
        byte[] pkt = WireFixture.packet(Opcode.RC_SEND_ONLY, false);
        byte[] b = pkt.clone();
        new Lrh().wrap(b, 0).lver(1);
        WireFixture.recrc(b);
        assertEquals(DropReason.BAD_LVER, reason(b));

        b = pkt.clone();
        new Lrh().wrap(b, 0).lnh(Lrh.LNH_RAW);
        WireFixture.recrc(b);
        assertEquals(DropReason.BAD_LNH, reason(b));

        // A wrong PktLen is a link-level fault (a PortRcvError) whatever the LNH says.
        b = pkt.clone();
        Lrh raw = new Lrh().wrap(b, 0).lnh(Lrh.LNH_RAW);
        raw.pktLen(raw.pktLen() + 1);
        WireFixture.recrc(b);
        assertEquals(DropReason.BAD_LENGTH, reason(b));
        assertTrue(DropReason.BAD_LENGTH.portRcvError());

        b = pkt.clone();
        new Bth().wrap(b, Lrh.HEADER_LENGTH).opCode(0x15);
        WireFixture.recrc(b);
        assertEquals(DropReason.UNKNOWN_OPCODE, reason(b));

        b = pkt.clone();
        new Bth().wrap(b, Lrh.HEADER_LENGTH).tVer(1);
        WireFixture.recrc(b);
        assertEquals(DropReason.BAD_TVER, reason(b));

        byte[] g = WireFixture.packet(Opcode.RC_SEND_ONLY, true);
        new Grh().wrap(g, Lrh.HEADER_LENGTH).nxtHdr(0x11);
        WireFixture.recrc(g);
        assertEquals(DropReason.BAD_GRH, reason(g));
    }

    @Test
    void shouldDropAPadCountLargerThanThePayload() {
        byte[] buf = new byte[64];
        int len = new PacketBuilder().wrap(buf, 0).begin(Opcode.RC_SEND_ONLY, false).payload(new byte[0], 0, 0).finish();
        byte[] pkt = Arrays.copyOf(buf, len);
        new Bth().wrap(pkt, Lrh.HEADER_LENGTH).padCnt(1);
        WireFixture.recrc(pkt);

        assertEquals(DropReason.BAD_PAD, reason(pkt));
    }

    @Test
    void shouldDropBytesAfterTheHeadersOfAnOpcodeWithoutPayload() {
        // An Acknowledge re-labelled from a SEND Only with 4 payload bytes: 4 bytes too many.
        byte[] buf = new byte[64];
        int len = new PacketBuilder().wrap(buf, 0).begin(Opcode.RC_SEND_ONLY_WITH_IMMEDIATE, false)
            .payload(new byte[4], 0, 4).finish();
        byte[] pkt = Arrays.copyOf(buf, len);
        new Bth().wrap(pkt, Lrh.HEADER_LENGTH).opCode(Opcode.RC_ACKNOWLEDGE.value());
        WireFixture.recrc(pkt);

        assertEquals(DropReason.BAD_HEADER_LENGTH, reason(pkt));
    }

    @Test
    void shouldDropAnOpcodeWhoseHeadersDoNotFit() {
        // SEND Only with no payload is 26 bytes; as CmpSwap it would need 28 more header bytes.
        byte[] buf = new byte[64];
        int len = new PacketBuilder().wrap(buf, 0).begin(Opcode.RC_SEND_ONLY, false).finish();
        byte[] pkt = Arrays.copyOf(buf, len);
        new Bth().wrap(pkt, Lrh.HEADER_LENGTH).opCode(Opcode.RC_COMPARE_SWAP.value());
        WireFixture.recrc(pkt);

        assertEquals(DropReason.SHORT_HEADERS, reason(pkt));
        assertFalse(DropReason.SHORT_HEADERS.portRcvError(), "a transport header, not a PortRcvError");
        // The detail counts from the BTH: its 12 bytes and the AtomicETH's 28, 12 present.
        ParseResult.Dropped local = (ParseResult.Dropped) Packet.parse(pkt, 0, pkt.length);
        assertEquals(Opcode.RC_COMPARE_SWAP + " needs 40 header bytes after the LRH, 12 present", local.detail());
        byte[] gbuf = new byte[128];
        len = new PacketBuilder().wrap(gbuf, 0).begin(Opcode.RC_SEND_ONLY, true).finish();
        byte[] global = Arrays.copyOf(gbuf, len);
        new Bth().wrap(global, Lrh.HEADER_LENGTH + Grh.HEADER_LENGTH).opCode(Opcode.RC_COMPARE_SWAP.value());
        WireFixture.recrc(global);
        assertEquals(Opcode.RC_COMPARE_SWAP + " needs 40 header bytes after the LRH/GRH, 12 present",
            ((ParseResult.Dropped) Packet.parse(global, 0, global.length)).detail());
    }

    @Test
    void shouldNeverThrowOnRandomBytes() {
        Random rnd = new Random(SEED);
        int valid = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] buf = new byte[rnd.nextInt(120)];
            rnd.nextBytes(buf);
            if (i % 2 == 1 && buf.length >= Packet.MIN_LENGTH) {
                WireFixture.revcrc(buf); // get past the link check to exercise the deeper ones
            }
            ParseResult r = Packet.parse(buf, 0, buf.length);
            if (r.isValid()) {
                valid++;
                r.packet().toString();
            }
        }
        assertTrue(valid < 10, "seed " + SEED + ": random bytes parsed as " + valid + " valid packets");
    }

    /**
     * Bits flipped in a valid packet of any opcode, CRCs made right again: the checks past the
     * CRCs see every header field broken. A packet flipped only past its headers is the same
     * packet; any other is dropped with a reason or parsed into parts that add up to its length.
     */
    @Test
    void shouldAnswerEveryCorruptedValidPacketConsistently() {
        Random rnd = new Random(SEED + 1);
        Opcode[] ops = Opcode.values();
        int payloadOnly = 0;
        int dropped = 0;
        for (int i = 0; i < 10_000; i++) {
            Opcode op = ops[rnd.nextInt(ops.length)];
            byte[] pkt = WireFixture.packet(op, rnd.nextBoolean());
            Packet clean = Packet.parse(pkt.clone(), 0, pkt.length).packet();
            int flips = 1 + rnd.nextInt(4);
            int first = pkt.length;
            for (int f = 0; f < flips; f++) {
                int at = rnd.nextInt(pkt.length - Vcrc.LENGTH - Icrc.LENGTH);
                pkt[at] ^= (byte) (1 << rnd.nextInt(8));
                first = Math.min(first, at);
            }
            WireFixture.recrc(pkt);
            ParseResult r = Packet.parse(pkt, 0, pkt.length);
            String what = "seed " + SEED + " case " + i + " " + op + " flipped from byte " + first + ": " + r;
            if (first >= clean.payloadOffset()) {
                payloadOnly++;
                assertTrue(r.isValid() && r.packet().opcode() == op, what);
                assertEquals(clean.payloadOffset(), r.packet().payloadOffset(), what);
                assertEquals(clean.payloadLength(), r.packet().payloadLength(), what);
            } else if (r.isValid()) {
                Packet p = r.packet();
                assertEquals(pkt.length, p.payloadOffset() + p.payloadLength() + p.padCnt() + Icrc.LENGTH
                        + Vcrc.LENGTH, what);
            } else {
                dropped++;
                assertNotNull(r.dropReason(), what);
            }
        }
        assertTrue(payloadOnly > 100 && dropped > 1000, "seed " + SEED + ": " + payloadOnly + " flipped past their"
                + " headers only, " + dropped + " dropped");
    }

    @Test
    void shouldRefuseHeaderAccessForHeadersTheOpcodeLacks() {
        byte[] pkt = WireFixture.packet(Opcode.RC_SEND_MIDDLE, false);
        Packet p = Packet.parse(pkt, 0, pkt.length).packet();

        IllegalStateException e = assertThrows(IllegalStateException.class, p::reth);
        assertTrue(e.getMessage().contains("RC_SEND_MIDDLE has no RETH"), e.getMessage());
        assertThrows(IllegalStateException.class, p::grh);
        assertThrows(IllegalStateException.class, () -> Packet.parse(pkt, 0, 3).packet());
    }

    @Test
    void shouldTreatAnOutOfRangeSliceAsACallerBug() {
        assertThrows(IndexOutOfBoundsException.class, () -> Packet.parse(new byte[10], 5, 6));
    }

    @Test
    void shouldDescribeItselfWithEveryHeader() {
        byte[] pkt = WireFixture.packet(Opcode.UD_SEND_ONLY_WITH_IMMEDIATE, true);
        String s = Packet.parse(pkt, 0, pkt.length).packet().toString();

        assertTrue(s.startsWith("IB_OPCODE_UD_SEND_ONLY_WITH_IMMEDIATE LRH[") && s.contains(" GRH[")
            && s.contains(" BTH[") && s.contains(" DETH[") && s.contains(" ImmDt[") && s.contains(" ICRC="), s);
    }
}
