package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Checks {@link Vcrc} against a CRC written here from the spec's description: IBA 7.8.2
 * polynomial x^16 + x^12 + x^3 + x + 1 (0x100B), register preset to ones, bits entering bit 0 of
 * each byte first, remainder complemented, highest-order coefficient sent first; covering LRH
 * through ICRC with nothing masked.
 */
class VcrcTest {

    /** Bit-serial CRC-16 with the register drawn MSB = x^15; returns the 2 bytes as transmitted. */
    static byte[] oracleWireBytes(int poly, byte[] data) {
        int reg = 0xFFFF;
        for (byte b : data) {
            for (int i = 0; i < 8; i++) {
                boolean feedback = (((reg >>> 15) & 1) ^ ((b >> i) & 1)) != 0;
                reg = (reg << 1) & 0xFFFF;
                if (feedback) {
                    reg ^= poly;
                }
            }
        }
        reg = ~reg & 0xFFFF;
        byte[] wire = new byte[2];
        for (int k = 0; k < 16; k++) {
            int coefficient = (reg >>> (15 - k)) & 1;
            wire[k / 8] |= (byte) (coefficient << (k % 8));
        }
        return wire;
    }

    @Test
    void oracleShouldGiveTheX25CheckValueWithTheCcittPolynomial() {
        // Same construction with 0x1021 is CRC-16/X-25, whose check value for "123456789" is 0x906E.
        byte[] w = oracleWireBytes(0x1021, "123456789".getBytes(StandardCharsets.US_ASCII));

        assertArrayEquals(new byte[] {0x6E, (byte) 0x90}, w);
    }

    @Test
    void shouldMatchTheIndependentComputationForEveryOpcode() {
        for (Opcode op : Opcode.values()) {
            for (boolean global : new boolean[] {false, true}) {
                byte[] pkt = WireFixture.packet(op, global);
                byte[] covered = Arrays.copyOf(pkt, pkt.length - 2);

                assertArrayEquals(oracleWireBytes(0x100B, covered), Arrays.copyOfRange(pkt, pkt.length - 2, pkt.length),
                    op + " global=" + global);
            }
        }
    }

    @Test
    void shouldMatchTheIndependentComputationOnRandomBytes() {
        Random rnd = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            byte[] data = new byte[rnd.nextInt(200)];
            rnd.nextBytes(data);
            byte[] out = new byte[2];
            Vcrc.put(out, 0, Vcrc.compute(data, 0, data.length));

            assertArrayEquals(oracleWireBytes(0x100B, data), out, "case " + i);
        }
    }

    @Test
    void shouldLeaveOneResidueOverEveryPacketWithItsVcrc() {
        // With the CRC appended in transmission order, the CRC of the whole is the same constant.
        Integer residue = null;
        for (Opcode op : Opcode.values()) {
            byte[] pkt = WireFixture.packet(op, op.ordinal() % 2 == 0);
            int r = Vcrc.compute(pkt, 0, pkt.length);
            if (residue == null) {
                residue = r;
            }
            assertEquals(residue.intValue(), r, op.name());
        }
    }

    @Test
    void shouldCoverVariantFieldsToo() {
        byte[] pkt = WireFixture.packet(Opcode.RC_SEND_ONLY, false);
        int before = Vcrc.compute(pkt, 0, pkt.length - 2);
        new Lrh().wrap(pkt, 0).vl(9);

        assertEquals(false, before == Vcrc.compute(pkt, 0, pkt.length - 2), "VL is covered by the VCRC");
    }
}
