package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Packets whose CRCs are written later: the same bytes in the end, and checks that know it. */
class CrcsTest {

    /** The packet for (op, global) built with its CRCs left out, over CRC bytes of 0xA5. */
    private static byte[] withoutCrcs(Opcode op, boolean global) {
        byte[] buf = new byte[WireFixture.MAX_FRAME];
        Arrays.fill(buf, (byte) 0xA5);
        int len = WireFixture.fill(new PacketBuilder().wrap(buf, 0), op, global).finishWithoutCrcs();
        return Arrays.copyOf(buf, len);
    }

    private static int crcStart(byte[] packet) {
        return packet.length - Vcrc.LENGTH - Icrc.LENGTH;
    }

    @Test
    void shouldLeaveOnlyTheCrcBytesAndWriteThemAsFinishWould() {
        Crcs crcs = new Crcs();
        for (Opcode op : Opcode.values()) {
            for (boolean global : new boolean[] {false, true}) {
                byte[] finished = WireFixture.packet(op, global);
                byte[] pending = withoutCrcs(op, global);
                int crcAt = crcStart(finished);
                assertEquals(finished.length, pending.length, op + " global=" + global);
                assertArrayEquals(Arrays.copyOf(finished, crcAt), Arrays.copyOf(pending, crcAt),
                        op + " global=" + global + ": only the CRCs may differ");
                for (int i = crcAt; i < pending.length; i++) {
                    assertEquals((byte) 0xA5, pending[i], op + ": CRC byte " + i + " was written");
                }
                crcs.write(pending);
                assertArrayEquals(finished, pending, op + " global=" + global);
            }
        }
    }

    @Test
    void shouldWriteTheCrcsOfAPacketInTheMiddleOfABuffer() {
        byte[] finished = WireFixture.packet(Opcode.RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE, true);
        byte[] buf = new byte[finished.length + 20];
        System.arraycopy(finished, 0, buf, 7, finished.length);
        Arrays.fill(buf, 7 + crcStart(finished), 7 + finished.length, (byte) 0);

        new Crcs().write(buf, 7, finished.length);

        assertArrayEquals(finished, Arrays.copyOfRange(buf, 7, 7 + finished.length));
        assertEquals(0, buf[6]);
        assertEquals(0, buf[7 + finished.length]);
    }

    @Test
    void shouldSkipOnlyTheCrcChecksOfAPacketWhoseCrcsArePending() {
        byte[] pending = withoutCrcs(Opcode.RC_SEND_ONLY, false);
        assertEquals(DropReason.BAD_VCRC, Packet.parse(pending, 0, pending.length).dropReason(),
                "with its CRCs unwritten the packet fails the ordinary checks");

        Packet view = Packet.reusable();
        assertTrue(view.parseInto(pending, 0, pending.length, Crcs.State.PENDING).isValid());
        assertEquals(Opcode.RC_SEND_ONLY, view.opcode());

        // Everything else is still checked: LVer 1.
        byte[] badLver = pending.clone();
        badLver[Lrh.VL_LVER_OFFSET] |= 0x01;
        assertEquals(DropReason.BAD_LVER, view.parseInto(badLver, 0, badLver.length, Crcs.State.PENDING).dropReason());
        byte[] shortened = Arrays.copyOf(pending, pending.length - 4);
        assertEquals(DropReason.BAD_LENGTH,
                view.parseInto(shortened, 0, shortened.length, Crcs.State.PENDING).dropReason());
    }

    @Test
    void shouldCheckOnlyTheCrcsOfBytesThatMayHaveChanged() {
        byte[] packet = WireFixture.packet(Opcode.RC_SEND_ONLY, false);
        packet[packet.length - 1] ^= 1;
        Packet view = Packet.reusable();

        assertEquals(DropReason.BAD_VCRC, view.parseInto(packet, 0, packet.length, Crcs.State.UNVERIFIED).dropReason());
        assertTrue(view.parseInto(packet, 0, packet.length, Crcs.State.INTACT).isValid(),
                "INTACT says nothing changed the bytes: the checks are not made");
        assertEquals(Vcrc.get(packet, packet.length - Vcrc.LENGTH), view.vcrc(), "and the CRCs are not rewritten");
    }

    @Test
    void shouldWriteThePendingCrcsWhenTheViewIsAskedForThem() {
        byte[] finished = WireFixture.packet(Opcode.UD_SEND_ONLY, true);
        byte[] pending = withoutCrcs(Opcode.UD_SEND_ONLY, true);
        Packet view = Packet.reusable();
        view.parseInto(pending, 0, pending.length, Crcs.State.PENDING);

        assertEquals(Icrc.get(finished, crcStart(finished)), view.icrc());
        assertEquals(Vcrc.get(finished, finished.length - Vcrc.LENGTH), view.vcrc());
        assertArrayEquals(finished, pending, "the CRCs are written into the packet");
        // Printed as the wire carries them, first byte first, as tshark shows the two fields.
        int at = crcStart(finished);
        String icrcBytes = String.format("0x%02x%02x%02x%02x", finished[at], finished[at + 1], finished[at + 2],
                finished[at + 3]);
        String vcrcBytes = String.format("0x%02x%02x", finished[finished.length - 2], finished[finished.length - 1]);
        assertTrue(view.toString().endsWith(" ICRC=" + icrcBytes + " VCRC=" + vcrcBytes), view.toString());
        // Each accessor writes them by itself: the VCRC asked for first.
        byte[] other = withoutCrcs(Opcode.UD_SEND_ONLY, true);
        Packet first = Packet.reusable();
        first.parseInto(other, 0, other.length, Crcs.State.PENDING);
        assertEquals(Vcrc.get(finished, finished.length - Vcrc.LENGTH), first.vcrc(), "the VCRC asked for first");
        assertArrayEquals(finished, other);

        // A later ordinary parse of the same view checks again.
        pending[20] ^= 1;
        assertEquals(DropReason.BAD_VCRC, view.parseInto(pending, 0, pending.length).dropReason());
    }
}
