package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

/** Packets of every opcode with distinct, recognisable field values, built with the production builder. */
final class WireFixture {
    static final int MAX_FRAME = 8192 + 64;

    private WireFixture() {
    }

    /** A number unique to (opcode, routing) that every field value is derived from. */
    static int key(Opcode op, boolean global) {
        return op.ordinal() + (global ? 100 : 0);
    }

    static int payloadLength(Opcode op, boolean global) {
        return op.hasPayload() ? (key(op, global) * 5) % 11 : 0;
    }

    static byte[] payload(Opcode op, boolean global) {
        int k = key(op, global);
        byte[] p = new byte[payloadLength(op, global)];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i * 31 + k);
        }
        return p;
    }

    static int psn(Opcode op, boolean global) {
        return (0xFF_FFF0 + key(op, global)) & Bth.PSN_MASK;
    }

    static int destQp(Opcode op, boolean global) {
        return 0x100 + key(op, global) * 0x1111;
    }

    /** Builds the packet for (op, global) into a fresh buffer of exactly its length. */
    static byte[] packet(Opcode op, boolean global) {
        byte[] buf = new byte[MAX_FRAME];
        int len = build(new PacketBuilder().wrap(buf, 0), op, global);
        return Arrays.copyOf(buf, len);
    }

    static int build(PacketBuilder b, Opcode op, boolean global) {
        return fill(b, op, global).finish();
    }

    /** Begins the packet for (op, global) and fills its headers and payload, for the caller to finish. */
    static PacketBuilder fill(PacketBuilder b, Opcode op, boolean global) {
        int k = key(op, global);
        b.begin(op, global);
        b.lrh().vl(k % 8).sl(k % 16).dlid(0x100 + k).slid(0x200 + k);
        if (global) {
            b.grh().tClass(k).flowLabel(0x12345 ^ k).hopLmt(64)
                .sgid(0xFE80_0000_0000_0000L, 0x0002_C903_0000_1000L + k)
                .dgid(0xFE80_0000_0000_0000L, 0x0002_C903_0000_2000L + k);
        }
        b.bth().se(k % 2 == 0).migReq(true).pKey(0xFFFF).destQp(destQp(op, global)).ackReq(k % 3 == 0)
            .psn(psn(op, global));
        if (op.hasDeth()) {
            b.deth().qKey(0x1111_0000 + k).srcQp(0x20 + k);
        }
        if (op.hasReth()) {
            b.reth().va(0x7F00_0000_1000L + k * 0x100L).rKey(0x1000 + k).dmaLen(4096 + k);
        }
        if (op.hasAtomicEth()) {
            b.atomicEth().va(0x7F00_0000_2000L + k * 8L).rKey(0x2000 + k).swapAddData(0x1111_2222_3333_4444L + k)
                .compareData(0x5555_6666_7777_8888L + k);
        }
        if (op.hasAeth()) {
            b.aeth().ack(Aeth.CREDIT_INVALID).msn(k);
        }
        if (op.hasAtomicAckEth()) {
            b.atomicAckEth().origRemData(0x9999_AAAA_BBBB_CCCCL + k);
        }
        if (op.hasImmDt()) {
            b.immDt().immDt(0xCAFE_0000 + k);
        }
        if (op.hasIeth()) {
            b.ieth().rKey(0xBEEF_0000 + k);
        }
        byte[] payload = payload(op, global);
        return b.payload(payload, 0, payload.length);
    }

    /** Asserts every field the builder wrote, read back through the parsed view. */
    static void assertFields(Packet p, Opcode op, boolean global) {
        int k = key(op, global);
        String at = op + (global ? " global" : " local");
        assertEquals(op, p.opcode(), at);
        assertEquals(k % 8, p.lrh().vl(), at);
        assertEquals(0, p.lrh().lver(), at);
        assertEquals(k % 16, p.lrh().sl(), at);
        assertEquals(global ? Lrh.LNH_IBA_GLOBAL : Lrh.LNH_IBA_LOCAL, p.lrh().lnh(), at);
        assertEquals(0x100 + k, p.lrh().dlid(), at);
        assertEquals(0x200 + k, p.lrh().slid(), at);
        assertEquals((p.length() - Vcrc.LENGTH) / 4, p.lrh().pktLen(), at);
        assertEquals(global, p.hasGrh(), at);
        if (global) {
            assertEquals(6, p.grh().ipVer(), at);
            assertEquals(k, p.grh().tClass(), at);
            assertEquals(0x12345 ^ k, p.grh().flowLabel(), at);
            assertEquals(0x1B, p.grh().nxtHdr(), at);
            assertEquals(64, p.grh().hopLmt(), at);
            assertEquals(p.length() - Lrh.HEADER_LENGTH - Grh.HEADER_LENGTH - Vcrc.LENGTH, p.grh().payLen(), at);
            assertEquals(0xFE80_0000_0000_0000L, p.grh().sgidPrefix(), at);
            assertEquals(0x0002_C903_0000_1000L + k, p.grh().sgidInterfaceId(), at);
            assertEquals(0xFE80_0000_0000_0000L, p.grh().dgidPrefix(), at);
            assertEquals(0x0002_C903_0000_2000L + k, p.grh().dgidInterfaceId(), at);
        }
        assertEquals(op.value(), p.bth().opCode(), at);
        assertEquals(k % 2 == 0, p.bth().se(), at);
        assertEquals(true, p.bth().migReq(), at);
        assertEquals(PacketBuilder.padCount(payloadLength(op, global)), p.bth().padCnt(), at);
        assertEquals(0, p.bth().tVer(), at);
        assertEquals(0xFFFF, p.bth().pKey(), at);
        assertEquals(0, p.bth().resv8a(), at);
        assertEquals(destQp(op, global), p.bth().destQp(), at);
        assertEquals(k % 3 == 0, p.bth().ackReq(), at);
        assertEquals(psn(op, global), p.bth().psn(), at);
        if (op.hasDeth()) {
            assertEquals(0x1111_0000 + k, p.deth().qKey(), at);
            assertEquals(0x20 + k, p.deth().srcQp(), at);
        }
        if (op.hasReth()) {
            assertEquals(0x7F00_0000_1000L + k * 0x100L, p.reth().va(), at);
            assertEquals(0x1000 + k, p.reth().rKey(), at);
            assertEquals(4096 + k, p.reth().dmaLen(), at);
        }
        if (op.hasAtomicEth()) {
            assertEquals(0x7F00_0000_2000L + k * 8L, p.atomicEth().va(), at);
            assertEquals(0x2000 + k, p.atomicEth().rKey(), at);
            assertEquals(0x1111_2222_3333_4444L + k, p.atomicEth().swapAddData(), at);
            assertEquals(0x5555_6666_7777_8888L + k, p.atomicEth().compareData(), at);
        }
        if (op.hasAeth()) {
            assertEquals(Aeth.Type.ACK, p.aeth().type(), at);
            assertEquals(Aeth.CREDIT_INVALID, p.aeth().value(), at);
            assertEquals(k, p.aeth().msn(), at);
        }
        if (op.hasAtomicAckEth()) {
            assertEquals(0x9999_AAAA_BBBB_CCCCL + k, p.atomicAckEth().origRemData(), at);
        }
        if (op.hasImmDt()) {
            assertEquals(0xCAFE_0000 + k, p.immDt().immDt(), at);
        }
        if (op.hasIeth()) {
            assertEquals(0xBEEF_0000 + k, p.ieth().rKey(), at);
        }
        byte[] expected = payload(op, global);
        assertEquals(expected.length, p.payloadLength(), at);
        byte[] actual = new byte[p.payloadLength()];
        p.copyPayload(actual, 0);
        assertArrayEquals(expected, actual, at);
    }

    /** Recomputes ICRC and VCRC after a test has changed header bytes on purpose. */
    static void recrc(byte[] pkt) {
        int icrcAt = pkt.length - Vcrc.LENGTH - Icrc.LENGTH;
        Icrc.put(pkt, icrcAt, Icrc.compute(pkt, 0, icrcAt));
        revcrc(pkt);
    }

    /** Recomputes only the VCRC, as the next switch on the path would. */
    static void revcrc(byte[] pkt) {
        int vcrcAt = pkt.length - Vcrc.LENGTH;
        Vcrc.put(pkt, vcrcAt, Vcrc.compute(pkt, 0, vcrcAt));
    }
}
