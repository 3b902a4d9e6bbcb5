package org.ibmodel.traces;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Lines from a byte stream with bounded memory: a line longer than {@link #maxLine} bytes keeps
 * its first {@code maxLine} bytes and the rest is skipped (its full length is reported), up to
 * {@link #maxScan} bytes: a stream with no newline in that many is no text, and the line ends
 * there ({@link #endless}), so that /dev/zero or a disk image is not read to its end. A line's
 * bytes are handed out where they are ({@link #bytes}: the read buffer when the whole line is in
 * it); they are decoded into one reused character buffer only when {@link #chars} asks, as UTF-8
 * when the line has non-ASCII bytes, otherwise one byte to one character.
 */
final class LineSource {
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long SPACES = 0x2020202020202020L;

    private final InputStream in;
    private final int maxLine;
    private final long maxScan;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private byte[] line;
    private int lineLen;
    private char[] chars;
    private int length;
    /** The last line's bytes, {@code [from, to)} of {@code bytes}, without the CR before the newline. */
    private byte[] bytes;
    private int from;
    private int to;
    private boolean high;
    private boolean decoded;
    private long fullLength;
    private boolean control;
    private boolean eof;
    private boolean endless;

    LineSource(InputStream in, int maxLine) {
        this(in, maxLine, Long.MAX_VALUE);
    }

    LineSource(InputStream in, int maxLine, long maxScan) {
        this.in = in;
        this.maxLine = maxLine;
        this.maxScan = maxScan;
        this.line = new byte[256];
        this.chars = new char[256];
    }

    /**
     * Reads the next line, without its terminator; false at the end. Its bytes and characters are
     * valid until the next call.
     */
    boolean advance() throws IOException {
        if (eof && pos >= limit) {
            return false;
        }
        lineLen = 0;
        fullLength = 0;
        control = false;
        endless = false;
        boolean high = false;
        boolean any = false;
        while (true) {
            if (pos >= limit) {
                if (!fill()) {
                    if (!any) {
                        return false;
                    }
                    break;
                }
            }
            any = true;
            int start = pos;
            int i = pos;
            int end = limit;
            byte[] b = buf;
            // One pass: find the newline and note non-ASCII and control bytes on the way; eight
            // bytes at a time while none of them is below 0x20 or above 0x7f (the common case).
            int odd = 0;
            while (true) {
                while (i + 8 <= end && plain((long) WORDS.get(b, i))) {
                    i += 8;
                }
                int stop = Math.min(i + 8, end);
                while (i < stop) {
                    int c = b[i];
                    if (c < 0x20) {
                        if (c == '\n') {
                            break;
                        }
                        odd |= c < 0 ? 1 : (c != '\t' && c != '\r' ? 2 : 0);
                    }
                    i++;
                }
                if (i < stop || i >= end) {
                    break;
                }
            }
            boolean newline = i < end;
            high |= (odd & 1) != 0;
            control |= (odd & 2) != 0;
            pos = newline ? i + 1 : i;
            if (newline && lineLen == 0 && fullLength == 0) {
                // The whole line is in the read buffer (the usual case): decode it from there.
                fullLength = i - start;
                found(b, start, (int) Math.min(fullLength, maxLine), high);
                return true;
            }
            append(b, start, i);
            if (newline) {
                break;
            }
            if (fullLength >= maxScan) {
                endless = true;
                break;
            }
        }
        found(line, 0, lineLen, high);
        return true;
    }

    /** The line is {@code b[from, from + n)}, less a CR before the newline; decoded when asked. */
    private void found(byte[] b, int from, int n, boolean high) {
        if (n > 0 && b[from + n - 1] == '\r') {
            n--;
        }
        this.bytes = b;
        this.from = from;
        this.to = from + n;
        this.high = high;
        this.decoded = false;
    }

    /** Decodes the line into {@link #chars}, once. */
    private void decode() {
        if (decoded) {
            return;
        }
        decoded = true;
        byte[] b = bytes;
        int n = to - from;
        if (high) {
            String s = new String(b, from, n, StandardCharsets.UTF_8);
            length = s.length();
            ensureChars(length);
            s.getChars(0, length, chars, 0);
        } else {
            ensureChars(n);
            // Widened through a short-lived Latin-1 String: String.getChars inflates with the
            // JDK's vectorized intrinsic, which a byte-to-char loop does not get from C2 in JDK 17;
            // measured 7 % less time per parsed record than the loop, the copy included.
            new String(b, from, n, StandardCharsets.ISO_8859_1).getChars(0, n, chars, 0);
            length = n;
        }
    }

    /** The last line's characters, {@code [0, length())}; the array is reused for the next line. */
    char[] chars() {
        decode();
        return chars;
    }

    /** The last line's length in characters. */
    int length() {
        decode();
        return length;
    }

    /** The array holding the last line's bytes, {@code [from(), to())}; the read buffer, reused. */
    byte[] bytes() {
        return bytes;
    }

    int from() {
        return from;
    }

    int to() {
        return to;
    }

    /** Whether the last line is all ASCII, so its bytes are its characters one for one. */
    boolean ascii() {
        return !high;
    }

    /**
     * Whether no byte of {@code w} is below 0x20 (newline, control) or above 0x7f (UTF-8): a byte
     * below 0x20 borrows into its top bit when 0x20 is taken from it, and only such a byte starts
     * a borrow, so the test is exact for the word.
     */
    private static boolean plain(long w) {
        return (((w - SPACES) | w) & HIGH_BITS) == 0;
    }

    private void ensureChars(int n) {
        if (n > chars.length) {
            chars = new char[Math.max(n, Math.min(maxLine, chars.length * 2))];
        }
    }

    private void append(byte[] b, int from, int to) {
        int n = to - from;
        fullLength += n;
        int room = maxLine - lineLen;
        int take = Math.min(n, room);
        if (take <= 0) {
            return;
        }
        if (lineLen + take > line.length) {
            byte[] bigger = new byte[Math.min(maxLine, Math.max(line.length * 2, lineLen + take))];
            System.arraycopy(line, 0, bigger, 0, lineLen);
            line = bigger;
        }
        System.arraycopy(b, from, line, lineLen, take);
        lineLen += take;
    }

    private boolean fill() throws IOException {
        if (eof) {
            return false;
        }
        int n = in.read(buf, 0, buf.length);
        if (n <= 0) {
            eof = true;
            pos = limit = 0;
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    /** The length in bytes of the last line, including any part beyond the bound. */
    long fullLength() {
        return fullLength;
    }

    boolean overlong() {
        return fullLength > maxLine;
    }

    /** Whether the last line ended at {@code maxScan} bytes without a newline; the rest is unread. */
    boolean endless() {
        return endless;
    }

    /** Whether the last line holds control characters other than tab and CR (binary data). */
    boolean control() {
        return control;
    }
}
