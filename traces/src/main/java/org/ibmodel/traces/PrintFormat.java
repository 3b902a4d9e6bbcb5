// kernel/trace/trace_output.c prints an event's body with its TP_printk format; this reads it back.
package org.ibmodel.traces;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One TP_printk format, compiled into literals and conversions. {@link #format} prints values the
 * way the kernel's vsnprintf does for the conversions tracepoints use; {@link #parse} reads them
 * back. Whitespace in the format matches any run of whitespace, so a record joined back from
 * mail-wrapped lines or padded by trace-cmd still reads.
 *
 * <p>Conversions: {@code %d %u %ld %lu %lld %llu} (decimal), {@code %x %02x %08x %llx %016llx}
 * (hexadecimal), {@code %s}, {@code %p}, {@code %pISpc}, {@code %pI6c} (a string token), and
 * {@code %*ph} (a buffer as hex bytes, two digits each, one space between them; the value is that
 * text, so the byte count that {@code *} takes from the arguments is not a value). As in
 * lib/vsprintf.c, a number is printed as its conversion's type holds it: an int for {@code %d},
 * an unsigned int for {@code %u} and {@code %x} ({@code h}: short, {@code hh}: char), a 64-bit
 * long with {@code l} or {@code ll} (the kernels traced are LP64). Reading takes only what such a
 * conversion can print: no sign on an unsigned one, no value beyond its type.
 */
public final class PrintFormat {
    enum Kind { DEC, UDEC, HEX, STR, BYTES }

    /** The largest unsigned 64-bit value divided by ten: one more decimal digit would overflow past it. */
    private static final long U64_TENTH = 0x1999999999999999L;

    private final String text;
    private final char[][] literals;
    /** The literals as bytes, for reading ASCII text where it was read (every format here is ASCII). */
    private final byte[][] asciiLiterals;
    /** How long each literal's first word is: a string conversion before it ends where that word starts. */
    private final int[] cuts;
    private final Kind[] kinds;
    private final int[] widths;
    /** The bits of each number's type: 8, 16, 32 or 64. */
    private final int[] bits;
    /**
     * For a decimal conversion the largest value it prints (unsigned), for a hexadecimal one the most
     * digits; {@code negMax} the largest magnitude of a negative value a signed one prints.
     */
    private final long[] max;
    private final long[] negMax;

    private PrintFormat(String text, List<String> literals, List<Kind> kinds, List<Integer> widths,
            List<Integer> bits) {
        this.text = text;
        this.literals = new char[literals.size()][];
        this.cuts = new int[literals.size()];
        this.asciiLiterals = new byte[literals.size()][];
        for (int k = 0; k < literals.size(); k++) {
            char[] lit = literals.get(k).toCharArray();
            int cut = 0;
            while (cut < lit.length && !isWs(lit[cut])) {
                cut++;
            }
            this.literals[k] = lit;
            this.asciiLiterals[k] = literals.get(k).getBytes(StandardCharsets.ISO_8859_1);
            this.cuts[k] = cut;
        }
        this.kinds = kinds.toArray(new Kind[0]);
        this.widths = widths.stream().mapToInt(Integer::intValue).toArray();
        this.bits = bits.stream().mapToInt(Integer::intValue).toArray();
        this.max = new long[this.kinds.length];
        this.negMax = new long[this.kinds.length];
        for (int k = 0; k < this.kinds.length; k++) {
            int b = this.bits[k];
            if (this.kinds[k] == Kind.DEC) {
                max[k] = (1L << (b - 1)) - 1;
                negMax[k] = 1L << (b - 1);
            } else if (this.kinds[k] == Kind.UDEC) {
                max[k] = b == 64 ? -1L : (1L << b) - 1;
            } else if (this.kinds[k] == Kind.HEX) {
                // The most hexadecimal digits the type prints, or the width if zero-padded wider.
                max[k] = Math.max(b / 4, this.widths[k]);
            }
        }
    }

    /** Compiles a printk format string. */
    public static PrintFormat of(String fmt) {
        List<String> lits = new ArrayList<>();
        List<Kind> kinds = new ArrayList<>();
        List<Integer> widths = new ArrayList<>();
        List<Integer> bits = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < fmt.length()) {
            char c = fmt.charAt(i++);
            if (c != '%') {
                lit.append(c);
                continue;
            }
            if (fmt.charAt(i) == '%') {
                lit.append('%');
                i++;
                continue;
            }
            if (fmt.startsWith("*ph", i)) {
                // lib/vsprintf.c hex_string; the C/D/N suffixes (other separators) are not used here.
                i += 3;
                if (i < fmt.length() && Character.isLetterOrDigit(fmt.charAt(i))) {
                    throw new IllegalArgumentException("conversion %*ph" + fmt.charAt(i) + " in \"" + fmt + "\"");
                }
                lits.add(lit.toString());
                lit.setLength(0);
                kinds.add(Kind.BYTES);
                widths.add(0);
                bits.add(8);
                continue;
            }
            int width = 0;
            while (Character.isDigit(fmt.charAt(i))) {
                width = width * 10 + (fmt.charAt(i++) - '0');
            }
            int longs = 0;
            int shorts = 0;
            while (fmt.charAt(i) == 'l' || fmt.charAt(i) == 'h') {
                if (fmt.charAt(i++) == 'l') {
                    longs++;
                } else {
                    shorts++;
                }
            }
            char conv = fmt.charAt(i++);
            Kind k = switch (conv) {
                case 'd', 'i' -> Kind.DEC;
                case 'u' -> Kind.UDEC;
                case 'x' -> Kind.HEX;
                case 's' -> Kind.STR;
                case 'p' -> {
                    while (i < fmt.length() && Character.isLetterOrDigit(fmt.charAt(i))) {
                        i++;
                    }
                    yield Kind.STR;
                }
                default -> throw new IllegalArgumentException("conversion %" + conv + " in \"" + fmt + "\"");
            };
            lits.add(lit.toString());
            lit.setLength(0);
            kinds.add(k);
            widths.add(width);
            bits.add(longs > 0 ? 64 : shorts == 1 ? 16 : shorts > 1 ? 8 : 32);
        }
        lits.add(lit.toString());
        return new PrintFormat(fmt, lits, kinds, widths, bits);
    }

    /** The number of values the format prints. */
    public int arity() {
        return kinds.length;
    }

    @Override
    public String toString() {
        return text;
    }

    /** Appends the values as the kernel prints them: Long for numbers, String for strings. */
    public void format(StringBuilder sb, Object[] values) {
        if (values.length != kinds.length) {
            throw new IllegalArgumentException(values.length + " values for \"" + text + "\"");
        }
        for (int k = 0; k < kinds.length; k++) {
            sb.append(literals[k]);
            Object v = values[k];
            switch (kinds[k]) {
                case DEC -> {
                    int shift = 64 - bits[k];
                    sb.append((Long) v << shift >> shift);
                }
                case UDEC -> sb.append(Long.toUnsignedString(truncate((Long) v, bits[k])));
                case HEX -> {
                    String h = Long.toHexString(truncate((Long) v, bits[k]));
                    for (int pad = widths[k] - h.length(); pad > 0; pad--) {
                        sb.append('0');
                    }
                    sb.append(h);
                }
                case STR, BYTES -> sb.append((String) v);
            }
        }
        sb.append(literals[kinds.length]);
    }

    /** {@code v} cut to its low {@code bits} bits, as a conversion to an unsigned type of that width cuts it. */
    private static long truncate(long v, int bits) {
        return bits == 64 ? v : v & ((1L << bits) - 1);
    }

    /**
     * The values one {@link #parse} read, by position: {@link #num} for a number, {@link #str}
     * for a string. A reader keeps one and reuses it for every record, so reading a body boxes
     * nothing; a record copies out what it keeps.
     */
    static final class Values {
        private long[] nums = new long[0];
        private String[] strs = new String[0];
        private PrintFormat format;

        void reset(PrintFormat f) {
            format = f;
            if (nums.length < f.kinds.length) {
                nums = new long[f.kinds.length];
                strs = new String[f.kinds.length];
            }
        }

        long num(int k) {
            return nums[k];
        }

        String str(int k) {
            return strs[k];
        }

        /** The values as {@link #format} takes them: Long for numbers, String for strings. */
        Object[] toArray() {
            Object[] out = new Object[format.kinds.length];
            for (int k = 0; k < out.length; k++) {
                Kind kind = format.kinds[k];
                out[k] = kind == Kind.STR || kind == Kind.BYTES ? (Object) strs[k] : (Object) nums[k];
            }
            return out;
        }
    }

    /**
     * Reads values from {@code s[from, to)}; null when the text does not have this format. Leading
     * and trailing whitespace is ignored.
     */
    public Object[] parse(String s, int from, int to) {
        Values out = new Values();
        return parse(s.toCharArray(), from, to, null, out) ? out.toArray() : null;
    }

    /**
     * Reads values from {@code s[from, to)} into {@code out} without copying the text: numbers
     * as longs, strings through {@code strings} (a new String each when null). False when the
     * text does not have this format; {@code out} then holds nothing meaningful.
     */
    boolean parse(char[] s, int from, int to, Interner strings, Values out) {
        out.reset(this);
        int p = skipWs(s, from, to);
        p = matchLiteral(s, p, to, literals[0]);
        for (int k = 0; k < kinds.length && p >= 0; k++) {
            char[] next = literals[k + 1];
            switch (kinds[k]) {
                case DEC, UDEC -> {
                    boolean neg = kinds[k] == Kind.DEC && p < to && s[p] == '-';
                    if (neg) {
                        p++;
                    }
                    long v = 0;
                    int digits = p;
                    while (p < to && s[p] >= '0' && s[p] <= '9') {
                        int d = s[p++] - '0';
                        if (Long.compareUnsigned(v, U64_TENTH) > 0 || v == U64_TENTH && d > 5) {
                            return false;
                        }
                        v = v * 10 + d;
                    }
                    if (p == digits || Long.compareUnsigned(v, neg ? negMax[k] : max[k]) > 0) {
                        return false;
                    }
                    out.nums[k] = neg ? -v : v;
                }
                case HEX -> {
                    long v = 0;
                    int digits = p;
                    while (p < to) {
                        int d = Character.digit(s[p], 16);
                        if (d < 0) {
                            break;
                        }
                        v = (v << 4) | d;
                        p++;
                    }
                    if (p == digits || p - digits > max[k]) {
                        return false;
                    }
                    out.nums[k] = v;
                }
                case STR -> {
                    int end = stringEnd(s, p, to, next, cuts[k + 1]);
                    if (end < 0) {
                        return false;
                    }
                    out.strs[k] = strings == null ? new String(s, p, end - p) : strings.intern(s, p, end);
                    p = end;
                }
                case BYTES -> {
                    int end = bytesEnd(s, p, to);
                    out.strs[k] = strings == null ? new String(s, p, end - p) : strings.intern(s, p, end);
                    p = end;
                }
            }
            if (p >= 0) {
                p = matchLiteral(s, p, to, next);
            }
        }
        return p >= 0 && skipWs(s, p, to) == to;
    }

    /**
     * {@link #parse(char[], int, int, Interner, Values)} on ASCII bytes, {@code s[from, to)}, one
     * character per byte: the same values, or false for the same text.
     */
    boolean parse(byte[] s, int from, int to, Interner strings, Values out) {
        out.reset(this);
        int p = skipWs(s, from, to);
        p = matchLiteral(s, p, to, asciiLiterals[0]);
        for (int k = 0; k < kinds.length && p >= 0; k++) {
            byte[] next = asciiLiterals[k + 1];
            switch (kinds[k]) {
                case DEC, UDEC -> {
                    boolean neg = kinds[k] == Kind.DEC && p < to && s[p] == '-';
                    if (neg) {
                        p++;
                    }
                    long v = 0;
                    int digits = p;
                    int c;
                    while (p < to && (c = s[p] - '0') >= 0 && c <= 9) {
                        if (Long.compareUnsigned(v, U64_TENTH) > 0 || v == U64_TENTH && c > 5) {
                            return false;
                        }
                        v = v * 10 + c;
                        p++;
                    }
                    if (p == digits || Long.compareUnsigned(v, neg ? negMax[k] : max[k]) > 0) {
                        return false;
                    }
                    out.nums[k] = neg ? -v : v;
                }
                case HEX -> {
                    long v = 0;
                    int digits = p;
                    int d;
                    while (p < to && (d = hexDigit(s[p])) >= 0) {
                        v = (v << 4) | d;
                        p++;
                    }
                    if (p == digits || p - digits > max[k]) {
                        return false;
                    }
                    out.nums[k] = v;
                }
                case STR -> {
                    int end = stringEnd(s, p, to, next, cuts[k + 1]);
                    if (end < 0) {
                        return false;
                    }
                    out.strs[k] = strings == null ? new String(s, p, end - p, StandardCharsets.ISO_8859_1)
                            : strings.intern(s, p, end);
                    p = end;
                }
                case BYTES -> {
                    int end = bytesEnd(s, p, to);
                    out.strs[k] = strings == null ? new String(s, p, end - p, StandardCharsets.ISO_8859_1)
                            : strings.intern(s, p, end);
                    p = end;
                }
            }
            if (p >= 0) {
                p = matchLiteral(s, p, to, next);
            }
        }
        return p >= 0 && skipWs(s, p, to) == to;
    }

    /**
     * Where the hex bytes {@code %*ph} printed at {@code s[p, to)} end: pairs of hex digits, one
     * space between pairs, none at all for a zero count. A pair is taken only when whitespace or
     * the end follows it, so a garbled byte ends the run and the literal after it then fails.
     */
    private static int bytesEnd(byte[] s, int p, int to) {
        int end = p;
        int q = p;
        while (q + 2 <= to && hexDigit(s[q]) >= 0 && hexDigit(s[q + 1]) >= 0 && (q + 2 == to || isWs(s[q + 2]))) {
            end = q + 2;
            if (q + 2 == to || s[q + 2] != ' ') {
                break;
            }
            q += 3;
        }
        return end;
    }

    /** {@link #bytesEnd(byte[], int, int)} on characters. */
    private static int bytesEnd(char[] s, int p, int to) {
        int end = p;
        int q = p;
        while (q + 2 <= to && Character.digit(s[q], 16) >= 0 && s[q] < 0x80 && Character.digit(s[q + 1], 16) >= 0
                && s[q + 1] < 0x80 && (q + 2 == to || isWs(s[q + 2]))) {
            end = q + 2;
            if (q + 2 == to || s[q + 2] != ' ') {
                break;
            }
            q += 3;
        }
        return end;
    }

    /** The value of an ASCII hexadecimal digit, or -1: what Character.digit(c, 16) gives for ASCII. */
    private static int hexDigit(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        int c = b | 0x20;
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }

    private static int stringEnd(byte[] s, int p, int to, byte[] next, int cut) {
        if (next.length == 0) {
            int e = to;
            while (e > p && isWs(s[e - 1])) {
                e--;
            }
            return e;
        }
        if (isWs(next[0])) {
            return Ascii.wsEnd(s, p, to);
        }
        for (int e = p; e + cut <= to; e++) {
            if (Ascii.equals(s, e, next, 0, cut)) {
                return e;
            }
        }
        return -1;
    }

    private static int matchLiteral(byte[] s, int p, int to, byte[] lit) {
        if (p < 0) {
            return -1;
        }
        int n = lit.length;
        if (p + n <= to && Ascii.equals(s, p, lit, 0, n)) {
            return p + n;
        }
        int i = 0;
        while (i < n) {
            byte c = lit[i];
            if (isWs(c)) {
                while (i < n && isWs(lit[i])) {
                    i++;
                }
                if (p < to && !isWs(s[p])) {
                    return -1;
                }
                p = skipWs(s, p, to);
                continue;
            }
            if (p >= to || s[p] != c) {
                return -1;
            }
            p++;
            i++;
        }
        return p;
    }

    static int skipWs(byte[] s, int p, int to) {
        while (p < to && isWs(s[p])) {
            p++;
        }
        return p;
    }

    static boolean isWs(byte c) {
        return c == ' ' || c == '\t';
    }

    /**
     * Where a string conversion ends: the rest, the next whitespace, or where the next literal's
     * first word ({@code next[0, cut)}) starts.
     */
    private static int stringEnd(char[] s, int p, int to, char[] next, int cut) {
        if (next.length == 0) {
            int e = to;
            while (e > p && isWs(s[e - 1])) {
                e--;
            }
            return e;
        }
        if (isWs(next[0])) {
            int e = p;
            while (e < to && !isWs(s[e])) {
                e++;
            }
            return e;
        }
        for (int e = p; e + cut <= to; e++) {
            if (regionMatches(s, e, next, cut)) {
                return e;
            }
        }
        return -1;
    }

    private static int matchLiteral(char[] s, int p, int to, char[] lit) {
        if (p < 0) {
            return -1;
        }
        // Fast path: the text has the literal exactly, as ftrace printed it.
        int n = lit.length;
        if (p + n <= to && regionMatches(s, p, lit, n)) {
            return p + n;
        }
        int i = 0;
        while (i < n) {
            char c = lit[i];
            if (isWs(c)) {
                while (i < n && isWs(lit[i])) {
                    i++;
                }
                if (p < to && !isWs(s[p])) {
                    return -1;
                }
                p = skipWs(s, p, to);
                continue;
            }
            if (p >= to || s[p] != c) {
                return -1;
            }
            p++;
            i++;
        }
        return p;
    }

    /** Whether {@code s[p, p + n)} is {@code lit[0, n)}. */
    private static boolean regionMatches(char[] s, int p, char[] lit, int n) {
        return Arrays.equals(s, p, p + n, lit, 0, n);
    }

    static int skipWs(char[] s, int p, int to) {
        while (p < to && isWs(s[p])) {
            p++;
        }
        return p;
    }

    static boolean isWs(char c) {
        return c == ' ' || c == '\t';
    }
}
