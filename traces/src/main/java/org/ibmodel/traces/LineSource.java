package org.ibmodel.traces;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Lines from a byte stream with bounded memory: a line longer than {@link #maxLine} bytes keeps
 * its first {@code maxLine} bytes and the rest is skipped (its full length is reported). Bytes
 * are decoded as UTF-8 only when a line has non-ASCII bytes.
 */
final class LineSource {
    private final InputStream in;
    private final int maxLine;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private byte[] line;
    private int lineLen;
    private long fullLength;
    private boolean control;
    private boolean eof;

    LineSource(InputStream in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
        this.line = new byte[256];
    }

    /** The next line without its terminator, or null at the end. */
    String next() throws IOException {
        if (eof && pos >= limit) {
            return null;
        }
        lineLen = 0;
        fullLength = 0;
        control = false;
        boolean high = false;
        boolean any = false;
        while (true) {
            if (pos >= limit) {
                if (!fill()) {
                    if (!any) {
                        return null;
                    }
                    break;
                }
            }
            any = true;
            int start = pos;
            int i = pos;
            int end = limit;
            byte[] b = buf;
            // One pass: find the newline and note non-ASCII and control bytes on the way.
            int odd = 0;
            while (i < end) {
                int c = b[i];
                if (c == '\n') {
                    break;
                }
                if (c < 0x20) {
                    odd |= c < 0 ? 1 : (c != '\t' && c != '\r' ? 2 : 0);
                }
                i++;
            }
            boolean newline = i < end;
            high |= (odd & 1) != 0;
            control |= (odd & 2) != 0;
            append(b, start, i);
            pos = newline ? i + 1 : i;
            if (newline) {
                break;
            }
        }
        int n = lineLen;
        if (n > 0 && line[n - 1] == '\r') {
            n--;
        }
        return new String(line, 0, n, high ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
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

    /** Whether the last line holds control characters other than tab and CR (binary data). */
    boolean control() {
        return control;
    }
}
