package org.ibmodel.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PcapWriterTest {

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void shouldWriteAGlobalHeaderWithLinkTypeErf() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PcapWriter(out).close();

        assertArrayEquals(bytes(
            0xD4, 0xC3, 0xB2, 0xA1,   // magic, little-endian file, microsecond record times
            0x02, 0x00, 0x04, 0x00,   // version 2.4
            0, 0, 0, 0,               // thiszone
            0, 0, 0, 0,               // sigfigs
            0xFF, 0xFF, 0x00, 0x00,   // snaplen 65535
            0xC5, 0x00, 0x00, 0x00),  // network 197 = LINKTYPE_ERF
            out.toByteArray());
    }

    @Test
    void shouldWrapEachPacketInAnErfInfinibandRecord() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] packet = new byte[30];
        Arrays.fill(packet, (byte) 0x5A);
        try (PcapWriter w = new PcapWriter(out)) {
            w.write(1_500_000_000L, packet, 0, packet.length); // 1.5 s of virtual time
        }
        byte[] file = out.toByteArray();
        byte[] record = Arrays.copyOfRange(file, PcapWriter.GLOBAL_HEADER_LENGTH,
            PcapWriter.GLOBAL_HEADER_LENGTH + PcapWriter.RECORD_HEADER_LENGTH + PcapWriter.ERF_HEADER_LENGTH);

        assertArrayEquals(bytes(
            1, 0, 0, 0,                       // pcap ts_sec = 1
            0x20, 0xA1, 0x07, 0x00,           // pcap ts_usec = 500000
            46, 0, 0, 0,                      // incl_len = 16 + 30
            46, 0, 0, 0,                      // orig_len
            0x00, 0x00, 0x00, 0x80,           // ERF ts fraction 0.5 = 0x80000000, little-endian
            0x01, 0x00, 0x00, 0x00,           // ERF ts seconds = 1
            21,                               // type: InfiniBand
            0x04,                             // flags: varying record length
            0x00, 46,                         // rlen big-endian = 16 + 30
            0x00, 0x00,                       // lctr
            0x00, 30),                        // wlen big-endian = 30
            record);
        assertArrayEquals(packet, Arrays.copyOfRange(file, file.length - 30, file.length));
        assertEquals(24 + 16 + 16 + 30, file.length);
    }

    @Test
    void shouldKeepWholeNanosecondsInTheErfFraction() {
        assertEquals(0L, PcapWriter.erfTimestamp(0));
        assertEquals(5L << 32, PcapWriter.erfTimestamp(5_000_000_000L));
        long ts = PcapWriter.erfTimestamp(123_456_789L);
        // Wireshark's conversion back: fraction * 10^9 / 2^32, rounded
        long frac = ts & 0xFFFF_FFFFL;
        assertEquals(123_456_789L, (frac * 1_000_000_000L + (1L << 31)) >>> 32);
    }

    @Test
    void shouldWriteNoPartOfARecordWhosePacketRangeIsOutsideItsArray() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(out)) {
            assertThrows(IndexOutOfBoundsException.class, () -> w.write(0, new byte[26], 4, 26));
            assertThrows(IndexOutOfBoundsException.class, () -> w.write(0, new byte[26], -1, 26));
            assertEquals(0, w.records());
            w.write(0, new byte[26], 0, 26);
        }
        // Only the global header and the one good record: a reader stays in step.
        assertEquals(PcapWriter.GLOBAL_HEADER_LENGTH + PcapWriter.RECORD_HEADER_LENGTH
            + PcapWriter.ERF_HEADER_LENGTH + 26, out.size());
    }

    @Test
    void shouldRefuseTimesAndLengthsTheFormatCannotHold() throws IOException {
        try (PcapWriter w = new PcapWriter(new ByteArrayOutputStream())) {
            assertThrows(IllegalArgumentException.class, () -> w.write(-1, new byte[26], 0, 26));
            assertThrows(IllegalArgumentException.class, () -> w.write(0, new byte[70_000], 0, 70_000));
            assertEquals(0, w.records());
        }
    }
}
