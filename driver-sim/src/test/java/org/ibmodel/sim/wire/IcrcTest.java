package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link Icrc} against a CRC written here from the spec's description, not from the
 * production code: IBA 7.8.1 polynomial 0x04C11DB7, register preset to ones, the bits of each
 * byte entering in transmission order (bit 0 first), the remainder complemented and sent
 * highest-order coefficient first; variant fields set to ones before the computation.
 */
class IcrcTest {

    /** Bit-serial CRC-32, shift register drawn MSB = x^31; returns the 4 bytes as transmitted. */
    static byte[] oracleWireBytes(byte[] data) {
        int reg = 0xFFFF_FFFF;
        for (byte b : data) {
            for (int i = 0; i < 8; i++) {
                int in = (b >> i) & 1;
                boolean feedback = ((reg >>> 31) ^ in) != 0;
                reg <<= 1;
                if (feedback) {
                    reg ^= 0x04C1_1DB7;
                }
            }
        }
        reg = ~reg;
        // x^31 is sent first; each byte goes bit 0 first, so byte 0 holds x^31 in bit 0.
        byte[] wire = new byte[4];
        for (int k = 0; k < 32; k++) {
            int coefficient = (reg >>> (31 - k)) & 1;
            wire[k / 8] |= (byte) (coefficient << (k % 8));
        }
        return wire;
    }

    /** The raw register after feeding {@code data} from all ones, in the same MSB = x^31 drawing. */
    static int oracleRegister(byte[] data) {
        int reg = 0xFFFF_FFFF;
        for (byte b : data) {
            for (int i = 0; i < 8; i++) {
                boolean feedback = ((reg >>> 31) ^ ((b >> i) & 1)) != 0;
                reg <<= 1;
                if (feedback) {
                    reg ^= 0x04C1_1DB7;
                }
            }
        }
        return reg;
    }

    /** The bytes the ICRC covers, variant fields forced to ones (IBA 7.8.1), written out by hand. */
    static byte[] invariantView(byte[] pkt) {
        byte[] v = Arrays.copyOf(pkt, pkt.length - 2 - 4);
        boolean global = (v[1] & 0x03) == 3;
        if (!global) {
            v[0] |= (byte) 0xF0;                 // LRH:VL
            v[8 + 4] = (byte) 0xFF;              // BTH:Resv8a
        } else {
            Arrays.fill(v, 0, 8, (byte) 0xFF);   // the whole LRH
            v[8] |= 0x0F;                        // GRH:TClass high nibble
            v[9] = (byte) 0xFF;                  // GRH:TClass low nibble, FlowLabel
            v[10] = (byte) 0xFF;                 // GRH:FlowLabel
            v[11] = (byte) 0xFF;                 // GRH:FlowLabel
            v[8 + 7] = (byte) 0xFF;              // GRH:HopLmt
            v[8 + 40 + 4] = (byte) 0xFF;         // BTH:Resv8a
        }
        return v;
    }

    private static byte[] storedIcrc(byte[] pkt) {
        return Arrays.copyOfRange(pkt, pkt.length - 6, pkt.length - 2);
    }

    @Test
    void oracleShouldGiveTheStandardCrc32CheckValue() {
        byte[] w = oracleWireBytes("123456789".getBytes(StandardCharsets.US_ASCII));
        // CRC-32 (IEEE 802.3) of "123456789" is 0xCBF43926, sent least significant byte first
        assertArrayEquals(new byte[] {0x26, 0x39, (byte) 0xF4, (byte) 0xCB}, w);
    }

    @Test
    void oracleShouldAgreeWithJavaUtilZipCrc32() {
        Random rnd = new Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] data = new byte[rnd.nextInt(300)];
            rnd.nextBytes(data);
            CRC32 crc = new CRC32();
            crc.update(data);
            int v = (int) crc.getValue();
            assertArrayEquals(new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)},
                oracleWireBytes(data));
        }
    }

    @Test
    void shouldMatchTheIndependentComputationForEveryOpcode() {
        for (Opcode op : Opcode.values()) {
            for (boolean global : new boolean[] {false, true}) {
                byte[] pkt = WireFixture.packet(op, global);

                assertArrayEquals(oracleWireBytes(invariantView(pkt)), storedIcrc(pkt), op + " global=" + global);
            }
        }
    }

    @Test
    void shouldMatchTheIndependentComputationOnRandomHeaders() {
        Random rnd = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            byte[] pkt = new byte[Packet.MIN_LENGTH + Grh.HEADER_LENGTH + rnd.nextInt(64)];
            rnd.nextBytes(pkt);
            int len = pkt.length - 6;
            int icrc = Icrc.compute(pkt, 0, len);
            Icrc.put(pkt, len, icrc);

            assertArrayEquals(oracleWireBytes(invariantView(pkt)), storedIcrc(pkt), "case " + i);
            assertEquals(icrc, Icrc.get(pkt, len));
        }
    }

    @Test
    void shouldLeaveTheEthernetResidueWhenRunOverItsOwnIcrc() {
        // Sent LSB first like the Ethernet FCS, a CRC-32 over data plus its CRC is 0x2144DF1C.
        for (boolean global : new boolean[] {false, true}) {
            byte[] pkt = WireFixture.packet(Opcode.RC_SEND_FIRST, global);
            CRC32 crc = new CRC32();
            crc.update(invariantView(pkt));
            crc.update(storedIcrc(pkt));
            assertEquals(0x2144_DF1CL, crc.getValue());
        }
    }

    @Test
    void shouldCoverAGlobalLrhAsTheEightBytesOfOnesRxeStartsFrom() {
        // drivers/infiniband/sw/rxe/rxe_icrc.c seeds crc32_le with 0xdebb20e3 in place of the LRH:
        // the reflected register after 8 bytes of ones.
        byte[] ones = new byte[8];
        Arrays.fill(ones, (byte) 0xFF);

        assertEquals(0xDEBB_20E3, Integer.reverse(oracleRegister(ones)));
    }

    @Test
    void shouldIgnoreEveryVariantField() {
        byte[] local = WireFixture.packet(Opcode.RC_RDMA_WRITE_FIRST, false);
        int before = Icrc.compute(local, 0, local.length - 6);
        new Lrh().wrap(local, 0).vl(0xF);
        new Bth().wrap(local, 8).resv8a(0x5A);
        assertEquals(before, Icrc.compute(local, 0, local.length - 6), "local: VL, Resv8a");

        byte[] global = WireFixture.packet(Opcode.RC_RDMA_WRITE_FIRST, true);
        before = Icrc.compute(global, 0, global.length - 6);
        new Lrh().wrap(global, 0).vl(1).sl(2).dlid(3).slid(4).pktLen(5);
        new Grh().wrap(global, 8).tClass(0x77).flowLabel(0x54321).hopLmt(9);
        new Bth().wrap(global, 48).resv8a(0x01);
        assertEquals(before, Icrc.compute(global, 0, global.length - 6), "global: LRH, TClass, FlowLabel, HopLmt, Resv8a");
    }

    @Test
    void shouldCoverEveryInvariantField() {
        byte[] local = WireFixture.packet(Opcode.RC_SEND_ONLY, false);
        int before = Icrc.compute(local, 0, local.length - 6);
        new Lrh().wrap(local, 0).sl(15);
        assertNotEquals(before, Icrc.compute(local, 0, local.length - 6), "local SL is invariant");

        byte[] global = WireFixture.packet(Opcode.RC_SEND_ONLY, true);
        before = Icrc.compute(global, 0, global.length - 6);
        new Grh().wrap(global, 8).ipVer(5);
        assertNotEquals(before, Icrc.compute(global, 0, global.length - 6), "global IPVer is invariant");
    }
}
