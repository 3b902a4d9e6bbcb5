package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random, truncated and forged frames through {@link Packet#parseInto} under every
 * {@link Crcs.State}: whatever the bytes, the answer is a packet or a {@link DropReason}, never an
 * exception. Frames are forged with a PktLen, LNH and (for global ones) GRH that agree with their
 * length, so that the checks past the link layer run too, with and without the CRC checks.
 * {@link PacketFuzzMutationTest} runs the same checks over broken parsers.
 */
class PacketFuzzTest {
    static final long SEED = 0x1B_F022L;

    /** The step under test: a frame, whole, into a view. */
    @FunctionalInterface
    interface Parser {
        ParseResult parse(Packet view, byte[] frame, Crcs.State crcs);
    }

    static final Parser PARSE_INTO = (view, frame, crcs) -> view.parseInto(frame, 0, frame.length, crcs);

    /** Parses {@code frame} and fails with the seed and the bytes if anything is thrown. */
    private static ParseResult parse(Parser parser, Packet view, byte[] frame, Crcs.State crcs, String what) {
        try {
            ParseResult r = parser.parse(view, frame, crcs);
            if (r.isValid()) {
                // Every accessor of a valid packet must work too.
                Packet p = r.packet();
                assertTrue(p.payloadLength() >= 0 && p.payloadOffset() + p.payloadLength() <= frame.length, what);
                p.copyPayload(new byte[p.payloadLength()], 0);
                assertNotNull(p.toString());
            } else {
                assertNotNull(r.dropReason(), what + ": dropped without a reason");
                assertNotNull(r.toString());
            }
            return r;
        } catch (RuntimeException | AssertionError e) {
            fail("seed " + SEED + " " + what + " crcs=" + crcs + " frame=" + hex(frame) + ": " + e, e);
            return null;
        }
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(2 * b.length);
        for (byte x : b) {
            sb.append(String.format("%02x", x & 0xFF));
        }
        return sb.toString();
    }

    /** Makes a random frame's PktLen, LNH and GRH agree with its length; CRCs left random. */
    private static void forgeRouting(byte[] f, Random rnd) {
        Lrh lrh = new Lrh().wrap(f, 0).lver(0).lnh(rnd.nextBoolean() ? Lrh.LNH_IBA_GLOBAL : Lrh.LNH_IBA_LOCAL);
        lrh.pktLen((f.length - Vcrc.LENGTH) / 4);
        if (lrh.lnh() == Lrh.LNH_IBA_GLOBAL && f.length >= Packet.MIN_LENGTH + Grh.HEADER_LENGTH) {
            new Grh().wrap(f, Lrh.HEADER_LENGTH).ipVer(Grh.IPVER_IBA).nxtHdr(Grh.NXTHDR_IBA_TRANSPORT)
                .payLen(f.length - Lrh.HEADER_LENGTH - Grh.HEADER_LENGTH - Vcrc.LENGTH);
        }
        if (rnd.nextInt(4) != 0) {
            int bth = Lrh.HEADER_LENGTH + (lrh.lnh() == Lrh.LNH_IBA_GLOBAL ? Grh.HEADER_LENGTH : 0);
            if (bth + Bth.HEADER_LENGTH <= f.length) {
                Opcode[] ops = Opcode.values();
                new Bth().wrap(f, bth).opCode(ops[rnd.nextInt(ops.length)].value()).tVer(0);
            }
        }
    }

    @Test
    void shouldAnswerEveryForgedFrameWithAPacketOrADropReason() {
        answerForgedFrames(PARSE_INTO);
    }

    @Test
    void shouldDropEveryCutOrStretchedPacketUnderEveryCrcState() {
        dropCutOrStretchedPackets(PARSE_INTO);
    }

    @Test
    void shouldDropCutPacketsWhosePktLenWasMadeToAgree() {
        dropCutPacketsWhosePktLenAgrees(PARSE_INTO);
    }

    static void answerForgedFrames(Parser parser) {
        Random rnd = new Random(SEED);
        Packet view = Packet.reusable();
        int valid = 0;
        for (int i = 0; i < 20_000; i++) {
            int words = 6 + rnd.nextInt(40);
            byte[] f = new byte[4 * words + Vcrc.LENGTH];
            rnd.nextBytes(f);
            forgeRouting(f, rnd);
            Crcs.State crcs = Crcs.State.of(rnd.nextInt(Crcs.State.values().length));
            if (crcs == Crcs.State.UNVERIFIED && rnd.nextBoolean()) {
                WireFixture.recrc(f);
            }
            if (parse(parser, view, f, crcs, "case " + i).isValid()) {
                valid++;
            }
        }
        assertTrue(valid > 0, "seed " + SEED + ": no forged frame got past the checks");
    }

    static void dropCutOrStretchedPackets(Parser parser) {
        Packet view = Packet.reusable();
        for (Opcode op : Opcode.values()) {
            for (boolean global : new boolean[] {false, true}) {
                byte[] pkt = WireFixture.packet(op, global);
                for (Crcs.State crcs : Crcs.State.values()) {
                    for (int len = 0; len < pkt.length + 9; len++) {
                        if (len == pkt.length) {
                            continue;
                        }
                        byte[] f = Arrays.copyOf(pkt, len);
                        String what = op + " global=" + global + " cut or stretched to " + len + " of " + pkt.length
                                + " bytes";
                        assertFalse(parse(parser, view, f, crcs, what).isValid(), what + ", crcs=" + crcs
                                + ": parsed valid");
                    }
                    assertTrue(parse(parser, view, pkt.clone(), crcs, op + " whole").isValid(), op + " " + crcs);
                }
            }
        }
    }

    static void dropCutPacketsWhosePktLenAgrees(Parser parser) {
        // A frame cut at a word boundary and given a matching PktLen (and PayLen) and fresh CRCs
        // passes the link layer; what is left must still be refused for its opcode's sake.
        Packet view = Packet.reusable();
        for (Opcode op : Opcode.values()) {
            for (boolean global : new boolean[] {false, true}) {
                byte[] pkt = WireFixture.packet(op, global);
                int bth = Lrh.HEADER_LENGTH + (global ? Grh.HEADER_LENGTH : 0);
                int minimum = bth + op.headerLength() + Icrc.LENGTH + Vcrc.LENGTH;
                for (int len = Packet.MIN_LENGTH; len < pkt.length; len += 4) {
                    byte[] f = Arrays.copyOf(pkt, len);
                    new Lrh().wrap(f, 0).pktLen((len - Vcrc.LENGTH) / 4);
                    if (global && len >= bth + Bth.HEADER_LENGTH + Icrc.LENGTH + Vcrc.LENGTH) {
                        new Grh().wrap(f, Lrh.HEADER_LENGTH).payLen(len - bth - Vcrc.LENGTH);
                    }
                    WireFixture.recrc(f);
                    String what = op + " global=" + global + " len=" + len;
                    ParseResult r = parse(parser, view, f, Crcs.State.UNVERIFIED, what);
                    if (len < minimum) {
                        assertEquals(DropReason.SHORT_HEADERS, r.dropReason(), what + ", short of its opcode's headers");
                    } else {
                        // Shorter payload, same PadCnt: valid only if the pad still fits.
                        assertTrue(r.isValid() || r.dropReason() == DropReason.BAD_PAD, r.toString());
                    }
                }
            }
        }
    }
}
