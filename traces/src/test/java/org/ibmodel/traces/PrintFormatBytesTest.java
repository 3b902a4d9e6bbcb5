package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A body read on its ASCII bytes must read as it does on its characters: the same values, or no
 * match for the same text. Checked on every body of the samples and recorded traces, against
 * every format, whole, cut at every length, and with each character replaced.
 */
class PrintFormatBytesTest {
    private static Set<String> bodies() throws IOException {
        Set<String> bodies = new LinkedHashSet<>();
        List<byte[]> texts = new ArrayList<>();
        for (String sample : List.of(Samples.FLAGS5, Samples.FLAGS4_LEGACY, Samples.NOIRQ_TGID, Samples.TRACE_CMD,
                Samples.MAIL)) {
            texts.add(Samples.text(sample).getBytes(StandardCharsets.UTF_8));
        }
        try (Stream<Path> s = Files.list(TraceReaderColumnsTest.recordedDir())) {
            for (Path p : (Iterable<Path>) s.filter(p -> p.toString().endsWith(".trace")).sorted()::iterator) {
                texts.add(Files.readAllBytes(p));
            }
        }
        for (byte[] text : texts) {
            for (TraceRecord r : TraceReaderColumnsTest.read(text, false).records()) {
                bodies.add(r.event().body());
            }
        }
        bodies.add("cm.id=7 src=192.0.2.1:40119 dst=192.0.2.2:7174 tos=0 ESTABLISHED (9/0)");
        bodies.add("  cq.id=5\trequested  16,   returned 3  ");
        return bodies;
    }

    private static void assertSameRead(PrintFormat f, String body) {
        char[] chars = body.toCharArray();
        byte[] bytes = (body + "        ").getBytes(StandardCharsets.ISO_8859_1);
        PrintFormat.Values c = new PrintFormat.Values();
        PrintFormat.Values b = new PrintFormat.Values();
        boolean byChars = f.parse(chars, 0, chars.length, null, c);
        boolean byBytes = f.parse(bytes, 0, chars.length, new Interner(), b);
        assertEquals(byChars, byBytes, f + " on \"" + body + "\"");
        if (byChars) {
            assertArrayEquals(c.toArray(), b.toArray(), f + " on \"" + body + "\"");
        }
    }

    @Test
    void shouldReadEveryBodyOnItsBytesAsOnItsCharacters() throws IOException {
        Set<String> bodies = bodies();
        assertFalse(bodies.isEmpty());
        Set<PrintFormat> formats = new LinkedHashSet<>();
        for (Tracepoint tp : Tracepoint.values()) {
            for (int v = 0; v < tp.variants(); v++) {
                formats.add(tp.format(v));
            }
        }
        String replacements = " \tgx0:";
        for (String body : bodies) {
            for (PrintFormat f : formats) {
                assertSameRead(f, body);
            }
            for (PrintFormat f : formats) {
                if (!f.parse(body.toCharArray(), 0, body.length(), null, new PrintFormat.Values())) {
                    continue;
                }
                for (int cut = 0; cut < body.length(); cut++) {
                    assertSameRead(f, body.substring(0, cut));
                }
                for (int k = 0; k < body.length(); k++) {
                    for (char r : replacements.toCharArray()) {
                        assertSameRead(f, body.substring(0, k) + r + body.substring(k + 1));
                    }
                }
            }
        }
    }
}
