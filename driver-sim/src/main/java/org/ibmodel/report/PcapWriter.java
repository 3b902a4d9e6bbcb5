// pcap with ERF records, as Mellanox ibdump writes them (ibdump.c) and Wireshark reads them
// (wiretap/pcap-common.c: pcap_read_erf_pseudoheader; epan/dissectors/packet-erf.c)
package org.ibmodel.report;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes InfiniBand packets to a classic pcap file with link type 197 (ERF), one record per
 * packet:
 *
 * <pre>
 *  pcap global header (24 bytes, little-endian)
 *    magic a1b2c3d4, version 2.4, thiszone 0, sigfigs 0, snaplen 65535, network 197
 *  per packet:
 *    pcap record header (16 bytes, little-endian): ts_sec, ts_usec, incl_len, orig_len = 16 + n
 *    ERF header (16 bytes):
 *      ts     8 bytes little-endian, 32.32 fixed point: seconds, then the binary fraction
 *      type   1 byte  21 = InfiniBand
 *      flags  1 byte  0x04 = varying record length (no padding to 8 bytes), interface 0
 *      rlen   2 bytes big-endian = 16 + n (record length, this header included)
 *      lctr   2 bytes big-endian = 0 (loss counter)
 *      wlen   2 bytes big-endian = n (wire length)
 *    the n packet bytes, LRH through VCRC
 * </pre>
 *
 * Wireshark takes the packet's length from wlen and its time from the ERF timestamp. Time is the
 * simulation's virtual time in nanoseconds, passed in by the caller; nothing here reads a clock.
 */
public final class PcapWriter implements Closeable {
    public static final int PCAP_MAGIC = 0xA1B2_C3D4;
    public static final int PCAP_VERSION_MAJOR = 2;
    public static final int PCAP_VERSION_MINOR = 4;
    public static final int SNAPLEN = 65535;
    public static final int LINKTYPE_ERF = 197;
    public static final int GLOBAL_HEADER_LENGTH = 24;
    public static final int RECORD_HEADER_LENGTH = 16;

    public static final int ERF_HEADER_LENGTH = 16;
    public static final int ERF_TYPE_INFINIBAND = 21;
    /** Bit 2: varying-length record, so rlen need not be a multiple of 8. */
    public static final int ERF_FLAG_VLEN = 0x04;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final OutputStream out;
    private final byte[] header = new byte[RECORD_HEADER_LENGTH + ERF_HEADER_LENGTH];
    private long records;

    /** Writes the global header at once; the stream is owned and closed by this writer. */
    public PcapWriter(OutputStream out) throws IOException {
        this.out = new BufferedOutputStream(out);
        byte[] g = new byte[GLOBAL_HEADER_LENGTH];
        putLe32(g, 0, PCAP_MAGIC);
        putLe16(g, 4, PCAP_VERSION_MAJOR);
        putLe16(g, 6, PCAP_VERSION_MINOR);
        putLe32(g, 8, 0);
        putLe32(g, 12, 0);
        putLe32(g, 16, SNAPLEN);
        putLe32(g, 20, LINKTYPE_ERF);
        this.out.write(g);
    }

    public static PcapWriter create(Path file) throws IOException {
        return new PcapWriter(Files.newOutputStream(file));
    }

    /**
     * Appends one packet seen at virtual time {@code nowNanos}. A time or length the format
     * cannot hold, or a range outside {@code packet}, is refused before anything is written.
     */
    public void write(long nowNanos, byte[] packet, int offset, int length) throws IOException {
        if (nowNanos < 0 || nowNanos / NANOS_PER_SECOND > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("record " + records + ": time " + nowNanos
                + " ns is outside the 32-bit seconds of pcap and ERF");
        }
        int rlen = ERF_HEADER_LENGTH + length;
        if (length < 0 || rlen > 0xFFFF || rlen > SNAPLEN) {
            throw new IllegalArgumentException("record " + records + ": packet of " + length
                + " bytes does not fit an ERF record");
        }
        // Checked before the first byte goes out: a half-written record would put every later
        // record out of step for a reader.
        Objects.checkFromIndexSize(offset, length, packet.length);
        long seconds = nowNanos / NANOS_PER_SECOND;
        long nanos = nowNanos % NANOS_PER_SECOND;

        putLe32(header, 0, (int) seconds);
        putLe32(header, 4, (int) (nanos / 1000));
        putLe32(header, 8, rlen);
        putLe32(header, 12, rlen);

        int e = RECORD_HEADER_LENGTH;
        long ts = erfTimestamp(nowNanos);
        putLe32(header, e, (int) ts);
        putLe32(header, e + 4, (int) (ts >>> 32));
        header[e + 8] = (byte) ERF_TYPE_INFINIBAND;
        header[e + 9] = (byte) ERF_FLAG_VLEN;
        putBe16(header, e + 10, rlen);
        putBe16(header, e + 12, 0);
        putBe16(header, e + 14, length);

        out.write(header);
        out.write(packet, offset, length);
        records++;
    }

    /** Records written so far. */
    public long records() {
        return records;
    }

    /**
     * ERF time: seconds in the high 32 bits, the fraction of a second in units of 2^-32 s in the
     * low 32 bits, rounded down. Wireshark converts back with rounding, so whole nanoseconds
     * survive the trip.
     */
    public static long erfTimestamp(long nowNanos) {
        long seconds = nowNanos / NANOS_PER_SECOND;
        long nanos = nowNanos % NANOS_PER_SECOND;
        return seconds << 32 | (nanos << 32) / NANOS_PER_SECOND;
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private static void putLe16(byte[] b, int i, int v) {
        b[i] = (byte) v;
        b[i + 1] = (byte) (v >>> 8);
    }

    private static void putLe32(byte[] b, int i, int v) {
        b[i] = (byte) v;
        b[i + 1] = (byte) (v >>> 8);
        b[i + 2] = (byte) (v >>> 16);
        b[i + 3] = (byte) (v >>> 24);
    }

    private static void putBe16(byte[] b, int i, int v) {
        b[i] = (byte) (v >>> 8);
        b[i + 1] = (byte) v;
    }
}
