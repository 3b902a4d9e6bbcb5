// kernel/trace/trace_output.c prints an event's body with its TP_printk format; this reads it back.
package org.ibmodel.traces;

import java.util.ArrayList;
import java.util.List;

/**
 * One TP_printk format, compiled into literals and conversions. {@link #format} prints values the
 * way the kernel's vsnprintf does for the conversions tracepoints use; {@link #parse} reads them
 * back. Whitespace in the format matches any run of whitespace, so a record joined back from
 * mail-wrapped lines or padded by trace-cmd still reads.
 *
 * <p>Conversions: {@code %d %u %ld %lu %lld %llu} (decimal), {@code %x %02x %08x %llx %016llx}
 * (hexadecimal), {@code %s}, {@code %p}, {@code %pISpc}, {@code %pI6c} (a string token).
 */
public final class PrintFormat {
    enum Kind { DEC, HEX, STR }

    private final String text;
    private final String[] literals;
    private final Kind[] kinds;
    private final int[] widths;

    private PrintFormat(String text, List<String> literals, List<Kind> kinds, List<Integer> widths) {
        this.text = text;
        this.literals = literals.toArray(new String[0]);
        this.kinds = kinds.toArray(new Kind[0]);
        this.widths = widths.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Compiles a printk format string. */
    public static PrintFormat of(String fmt) {
        List<String> lits = new ArrayList<>();
        List<Kind> kinds = new ArrayList<>();
        List<Integer> widths = new ArrayList<>();
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
            int width = 0;
            while (Character.isDigit(fmt.charAt(i))) {
                width = width * 10 + (fmt.charAt(i++) - '0');
            }
            while (fmt.charAt(i) == 'l' || fmt.charAt(i) == 'h') {
                i++;
            }
            char conv = fmt.charAt(i++);
            Kind k = switch (conv) {
                case 'd', 'u', 'i' -> Kind.DEC;
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
        }
        lits.add(lit.toString());
        return new PrintFormat(fmt, lits, kinds, widths);
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
                case DEC -> sb.append(((Long) v).longValue());
                case HEX -> {
                    String h = Long.toHexString((Long) v);
                    for (int pad = widths[k] - h.length(); pad > 0; pad--) {
                        sb.append('0');
                    }
                    sb.append(h);
                }
                case STR -> sb.append((String) v);
            }
        }
        sb.append(literals[kinds.length]);
    }

    /**
     * Reads values from {@code s[from, to)}; null when the text does not have this format. Leading
     * and trailing whitespace is ignored.
     */
    public Object[] parse(String s, int from, int to) {
        Object[] out = new Object[kinds.length];
        int p = skipWs(s, from, to);
        p = matchLiteral(s, p, to, literals[0]);
        for (int k = 0; k < kinds.length && p >= 0; k++) {
            String next = literals[k + 1];
            switch (kinds[k]) {
                case DEC -> {
                    int start = p;
                    boolean neg = p < to && s.charAt(p) == '-';
                    if (neg) {
                        p++;
                    }
                    long v = 0;
                    int digits = p;
                    while (p < to && s.charAt(p) >= '0' && s.charAt(p) <= '9') {
                        v = v * 10 + (s.charAt(p++) - '0');
                    }
                    if (p == digits) {
                        return null;
                    }
                    out[k] = neg ? -v : v;
                    if (p - start > 20) {
                        return null;
                    }
                }
                case HEX -> {
                    long v = 0;
                    int digits = p;
                    while (p < to) {
                        int d = Character.digit(s.charAt(p), 16);
                        if (d < 0) {
                            break;
                        }
                        v = (v << 4) | d;
                        p++;
                    }
                    if (p == digits || p - digits > 16) {
                        return null;
                    }
                    out[k] = v;
                }
                case STR -> {
                    int end = stringEnd(s, p, to, next);
                    if (end < 0) {
                        return null;
                    }
                    out[k] = s.substring(p, end);
                    p = end;
                }
            }
            if (p >= 0) {
                p = matchLiteral(s, p, to, next);
            }
        }
        if (p < 0 || skipWs(s, p, to) != to) {
            return null;
        }
        return out;
    }

    /** Where a string conversion ends: the rest, the next whitespace, or the next literal. */
    private static int stringEnd(String s, int p, int to, String next) {
        if (next.isEmpty()) {
            int e = to;
            while (e > p && isWs(s.charAt(e - 1))) {
                e--;
            }
            return e;
        }
        if (isWs(next.charAt(0))) {
            int e = p;
            while (e < to && !isWs(s.charAt(e))) {
                e++;
            }
            return e;
        }
        int cut = 0;
        while (cut < next.length() && !isWs(next.charAt(cut))) {
            cut++;
        }
        int e = s.indexOf(next.substring(0, cut), p);
        return e < 0 || e > to ? -1 : e;
    }

    private static int matchLiteral(String s, int p, int to, String lit) {
        if (p < 0) {
            return -1;
        }
        // Fast path: the text has the literal exactly, as ftrace printed it.
        if (s.startsWith(lit, p) && p + lit.length() <= to) {
            return p + lit.length();
        }
        int i = 0;
        while (i < lit.length()) {
            char c = lit.charAt(i);
            if (isWs(c)) {
                while (i < lit.length() && isWs(lit.charAt(i))) {
                    i++;
                }
                if (p < to && !isWs(s.charAt(p))) {
                    return -1;
                }
                p = skipWs(s, p, to);
                continue;
            }
            if (p >= to || s.charAt(p) != c) {
                return -1;
            }
            p++;
            i++;
        }
        return p;
    }

    static int skipWs(String s, int p, int to) {
        while (p < to && isWs(s.charAt(p))) {
            p++;
        }
        return p;
    }

    static boolean isWs(char c) {
        return c == ' ' || c == '\t';
    }
}
