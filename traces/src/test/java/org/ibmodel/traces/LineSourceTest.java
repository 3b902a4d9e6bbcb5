package org.ibmodel.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineSourceTest {
    private static List<String> lines(byte[] text, int maxLine) throws IOException {
        LineSource src = new LineSource(new ByteArrayInputStream(text), maxLine);
        List<String> out = new ArrayList<>();
        while (src.advance()) {
            out.add(new String(src.chars(), 0, src.length()) + (src.control() ? "|control" : ""));
        }
        return out;
    }

    @Test
    void shouldDecodeUtf8LinesAndKeepAsciiLinesByteForCharacter() throws IOException {
        byte[] text = "  kwörker-5  [000] 1.000001: x: y\r\nplain ascii line of more than eight bytes\nlast"
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("  kwörker-5  [000] 1.000001: x: y", "plain ascii line of more than eight bytes", "last"),
                lines(text, 1024));
    }

    @Test
    void shouldFindTheNewlineAndControlBytesAtEveryOffsetOfAWord() throws IOException {
        for (int at = 0; at < 20; at++) {
            String head = "a".repeat(at);
            List<String> got = lines((head + "\n" + head + "\u0001b\n" + head + "\tc\n").getBytes(StandardCharsets.UTF_8),
                    1024);
            assertEquals(List.of(head, head + "\u0001b|control", head + "\tc"), got, "offset " + at);
        }
    }

    @Test
    void shouldReadALineAcrossBufferRefillsAndBoundIt() throws IOException {
        String longLine = "x".repeat(70_000);
        LineSource src = new LineSource(new ByteArrayInputStream((longLine + "\nnext\n").getBytes(StandardCharsets.UTF_8)),
                1000);
        assertTrue(src.advance());
        assertEquals(1000, src.length());
        assertEquals(70_000, src.fullLength());
        assertTrue(src.overlong());
        assertTrue(src.advance());
        assertEquals("next", new String(src.chars(), 0, src.length()));
        assertFalse(src.advance());
    }

    @Test
    void shouldBoundALineThatIsWhollyInTheReadBuffer() throws IOException {
        LineSource src = new LineSource(new ByteArrayInputStream(("y".repeat(2000) + "\r\nnext\r\n")
                .getBytes(StandardCharsets.UTF_8)), 1000);
        assertTrue(src.advance());
        assertEquals("y".repeat(1000), new String(src.chars(), 0, src.length()));
        assertEquals(2001, src.fullLength());
        assertTrue(src.overlong());
        assertTrue(src.advance());
        assertEquals("next", new String(src.chars(), 0, src.length()));
        assertFalse(src.advance());
    }

    @Test
    void shouldReadTheSameLinesWhateverTheStreamHandsOverPerRead() throws IOException {
        byte[] text = ("  kwörker-5  [000] 1.000001: x: y\r\nplain ascii line of more than eight bytes\n\n"
                + "a\u0001b\r\n" + "z".repeat(300) + "\nlast").getBytes(StandardCharsets.UTF_8);
        List<String> whole = lines(text, 200);
        for (int chunk = 1; chunk <= 9; chunk++) {
            int step = chunk;
            LineSource src = new LineSource(new ByteArrayInputStream(text) {
                @Override
                public synchronized int read(byte[] b, int off, int len) {
                    return super.read(b, off, Math.min(len, step));
                }
            }, 200);
            List<String> got = new ArrayList<>();
            while (src.advance()) {
                got.add(new String(src.chars(), 0, src.length()) + (src.control() ? "|control" : ""));
            }
            assertEquals(whole, got, "reads of " + chunk + " bytes");
        }
    }
}
