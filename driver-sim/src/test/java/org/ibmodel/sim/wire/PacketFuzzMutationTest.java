package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.ibmodel.sim.wire.PacketFuzzTest.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@link PacketFuzzTest} catches the bugs it exists for: each test runs one of its checks over a
 * parser with a deliberate bug and requires the check to fail, naming what that bug did.
 */
class PacketFuzzMutationTest {
    private static final Parser REAL = PacketFuzzTest.PARSE_INTO;

    /** Reads the opcode where the LNH puts the BTH before the length says the BTH is there. */
    private static final Parser READS_BEFORE_LENGTH_CHECK = (view, f, crcs) -> {
        int bth = Lrh.HEADER_LENGTH + (new Lrh().wrap(f, 0).lnh() == Lrh.LNH_IBA_GLOBAL ? Grh.HEADER_LENGTH : 0);
        new Bth().wrap(f, bth).opCode();
        return REAL.parse(view, f, crcs);
    };

    /** Drops a packet whose pad does not fit without saying why. */
    private static final Parser FORGETS_BAD_PAD = (view, f, crcs) -> {
        ParseResult r = REAL.parse(view, f, crcs);
        return r.dropReason() == DropReason.BAD_PAD ? new ParseResult.Dropped(null, "pad") : r;
    };

    /** Takes PktLen's word for the length: bytes past it are ignored, not refused. */
    private static final Parser IGNORES_BYTES_PAST_PKT_LEN = (view, f, crcs) -> {
        int len = f.length;
        if (len >= Lrh.HEADER_LENGTH) {
            len = Math.min(len, new Lrh().wrap(f, 0).pktLen() * 4 + Vcrc.LENGTH);
        }
        return view.parseInto(f, 0, len, crcs);
    };

    /** Calls a frame too short for its opcode's headers a bad length. */
    private static final Parser SHORT_AS_BAD_LENGTH = (view, f, crcs) -> {
        ParseResult r = REAL.parse(view, f, crcs);
        return r.dropReason() == DropReason.SHORT_HEADERS ? new ParseResult.Dropped(DropReason.BAD_LENGTH, "short") : r;
    };

    @Test
    void shouldReportAParseThatThrowsWithTheSeedAndTheFrame() {
        String m = failure(() -> PacketFuzzTest.answerForgedFrames(READS_BEFORE_LENGTH_CHECK));
        assertTrue(m.contains("seed " + PacketFuzzTest.SEED) && m.contains("ArrayIndexOutOfBoundsException"), m);
        // The frame named is one the broken parser throws on and the real one answers.
        byte[] f = frame(m);
        Crcs.State crcs = crcs(m);
        assertThrows(ArrayIndexOutOfBoundsException.class,
                () -> READS_BEFORE_LENGTH_CHECK.parse(Packet.reusable(), f, crcs));
        REAL.parse(Packet.reusable(), f, crcs);
    }

    @Test
    void shouldReportADropWithoutAReasonWithTheSeedAndTheFrame() {
        String m = failure(() -> PacketFuzzTest.answerForgedFrames(FORGETS_BAD_PAD));
        assertTrue(m.contains("seed " + PacketFuzzTest.SEED) && m.contains("dropped without a reason"), m);
        assertEquals(DropReason.BAD_PAD, REAL.parse(Packet.reusable(), frame(m), crcs(m)).dropReason(), m);
    }

    @Test
    void shouldFindAParseThatAcceptsAStretchedPacket() {
        String m = failure(() -> PacketFuzzTest.dropCutOrStretchedPackets(IGNORES_BYTES_PAST_PKT_LEN));
        Matcher cut = Pattern.compile("stretched to (\\d+) of (\\d+) bytes, crcs=\\w+: parsed valid").matcher(m);
        assertTrue(cut.find() && Integer.parseInt(cut.group(1)) > Integer.parseInt(cut.group(2)), m);
    }

    @Test
    void shouldFindAParseThatMisnamesAPacketShortOfItsHeaders() {
        String m = failure(() -> PacketFuzzTest.dropCutPacketsWhosePktLenAgrees(SHORT_AS_BAD_LENGTH));
        assertTrue(m.contains("short of its opcode's headers") && m.contains("but was: <BAD_LENGTH>"), m);
    }

    private static String failure(Executable check) {
        return assertThrows(AssertionError.class, check, "the broken parser went unnoticed").getMessage();
    }

    /** The bytes a failure names after {@code frame=}. */
    private static byte[] frame(String failure) {
        return HexFormat.of().parseHex(find("frame=([0-9a-f]+)", failure));
    }

    /** The CRC state a failure names after {@code crcs=}. */
    private static Crcs.State crcs(String failure) {
        return Crcs.State.valueOf(find("crcs=([A-Z]+)", failure));
    }

    private static String find(String regex, String failure) {
        Matcher m = Pattern.compile(regex).matcher(failure);
        assertTrue(m.find(), "no " + regex + " in: " + failure);
        return m.group(1);
    }
}
