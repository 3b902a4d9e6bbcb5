package org.ibmodel.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code ibmodel demo --html DIR}: the narrated run as one page, with the packets drawn. */
class DemoHtmlTest {
    @TempDir
    Path dir;

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setExpandEntityReferences(false);
        return f.newDocumentBuilder().parse(file.toFile());
    }

    private static List<Element> byClass(Document d, String tag, String cls) {
        List<Element> out = new ArrayList<>();
        NodeList all = d.getElementsByTagName(tag);
        for (int i = 0; i < all.getLength(); i++) {
            Element e = (Element) all.item(i);
            if (cls.equals(e.getAttribute("class"))) {
                out.add(e);
            }
        }
        return out;
    }

    /** The records of a pcap file (24-byte file header; each record a 16-byte header and its bytes). */
    private static int pcapRecords(Path pcap) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
        int records = 0;
        for (int at = 24; at < b.limit(); records++) {
            at += 16 + b.getInt(at + 8);
        }
        return records;
    }

    @Test
    void shouldDrawEveryLinkCrossingTheCaptureHolds() throws Exception {
        Path html = dir.resolve("report");
        Path pcap = dir.resolve("demo.pcap");
        CliRun run = CliRun.of("demo", "--quiet", "--html", html.toString(), "--pcap", pcap.toString());
        assertEquals(0, run.exit(), run.err());
        Document d = parse(html.resolve("index.html"));
        List<Element> frames = byClass(d, "g", "frame");
        assertEquals(pcapRecords(pcap), frames.size(), "one arrow per record of the capture");
        assertEquals(9, d.getElementsByTagName("section").getLength(), "a section per step");
        assertTrue(d.getElementsByTagName("title").item(0).getTextContent().contains("seed 1"));
        // Step 6 is the RDMA WRITE: its ladder goes h0 -> sw0 -> h1 and back with an ACK.
        Element write = null;
        NodeList sections = d.getElementsByTagName("section");
        for (int i = 0; i < sections.getLength(); i++) {
            if (((Element) sections.item(i)).getAttribute("id").equals("step-6")) {
                write = (Element) sections.item(i);
            }
        }
        assertTrue(write != null, "a section for step 6");
        String text = write.getTextContent();
        assertTrue(text.contains("RDMA WRITE First  psn"), text);
        assertTrue(text.contains("h0-hca0 -> sw0"), text);
        assertTrue(text.contains("sw0 -> h1-hca0"), text);
        assertTrue(text.contains("RC Acknowledge, LID 2 to 1"), text);
        assertTrue(text.contains("ibv_post_send(RDMA_WRITE, 3172 bytes"), "the narration follows: " + text);
        // Arrows point from the sender's lifeline to the receiver's, never backwards in time.
        NodeList lines = write.getElementsByTagName("line");
        int arrows = 0;
        for (int i = 0; i < lines.getLength(); i++) {
            Element l = (Element) lines.item(i);
            if (!l.getAttribute("class").equals("life")) {
                arrows++;
                assertTrue(Integer.parseInt(l.getAttribute("y2")) > Integer.parseInt(l.getAttribute("y1")));
            }
        }
        assertEquals(10, arrows, "four WRITE packets and an ACK, two links each");
        assertTrue(!d.getDocumentElement().getTextContent().contains("(again)"), "nothing is resent on a clean run");
    }

    @Test
    void shouldCrossOutALostPacketAndNameTheNak() throws Exception {
        Path html = dir.resolve("lost");
        Path pcap = dir.resolve("lost.pcap");
        CliRun run = CliRun.of("demo", "--quiet", "--lose", "RDMA WRITE Middle", "--html", html.toString(), "--pcap",
                pcap.toString());
        assertEquals(0, run.exit(), run.err());
        Document d = parse(html.resolve("index.html"));
        List<Element> lost = byClass(d, "g", "frame lost");
        assertEquals(1, lost.size(), "the one lost packet");
        assertTrue(lost.get(0).getTextContent().contains("RDMA WRITE Middle"), lost.get(0).getTextContent());
        assertTrue(lost.get(0).getTextContent().contains("lost on the way"), lost.get(0).getTextContent());
        assertEquals(pcapRecords(pcap), byClass(d, "g", "frame").size(), "every crossing that arrived, as before");
        assertTrue(d.getDocumentElement().getTextContent().contains("Acknowledge (NAK psn sequence error)"));
        String lostLabel = lost.get(0).getTextContent();
        String psn = lostLabel.substring(lostLabel.indexOf("psn 0x"), lostLabel.indexOf("psn 0x") + 12);
        long again = byClass(d, "g", "frame").stream().map(Element::getTextContent)
                .filter(t -> t.contains("RDMA WRITE Middle  " + psn + "  (again)")).count();
        assertEquals(2, again, "the resent packet, on both its cables, says it was sent before");
        assertTrue(d.getDocumentElement().getTextContent().contains("1 packet lost"), "the step's tally");
        assertEquals(1, byClass(d, "span", "lost").size(), "the narration's line of the loss stands out");
    }

    /** A directed-route SMP's answer has its request's LIDs, PSN and QP, yet is no resend. */
    @Test
    void shouldMarkNoMadAnswerAsSentAgain() throws Exception {
        Path html = dir.resolve("mads");
        CliRun run = CliRun.of("demo", "--quiet", "--mads", "--html", html.toString());
        assertEquals(0, run.exit(), run.err());
        List<String> mads = byClass(parse(html.resolve("index.html")), "g", "frame").stream()
                .map(Element::getTextContent).filter(t -> t.contains("UD SEND Only")).toList();
        assertEquals(12, mads.size(), "six MADs, each on two cables: " + mads);
        assertTrue(mads.stream().noneMatch(t -> t.contains("(again)")), mads.toString());
    }

    @Test
    void shouldWriteTheSamePageForTheSameSeed() throws IOException {
        assertEquals(0, CliRun.of("demo", "--quiet", "--seed", "7", "--html", dir.resolve("a").toString()).exit());
        assertEquals(0, CliRun.of("demo", "--quiet", "--seed", "7", "--html", dir.resolve("b").toString()).exit());
        assertArrayEquals(Files.readAllBytes(dir.resolve("a/index.html")),
                Files.readAllBytes(dir.resolve("b/index.html")));
    }

    @Test
    void shouldWriteTheStepsOfTheSingleHostWalkWithoutAWire() throws Exception {
        Path html = dir.resolve("single");
        CliRun run = CliRun.of("demo", "--single-host", "--quiet", "--html", html.toString());
        assertEquals(0, run.exit(), run.err());
        Document d = parse(html.resolve("index.html"));
        assertEquals(0, d.getElementsByTagName("svg").getLength(), "no fabric, no packets");
        assertTrue(d.getElementsByTagName("section").getLength() > 5);
        assertTrue(d.getDocumentElement().getTextContent().contains("ib_destroy_cq while QPs use it: EBUSY"));
    }

    /** Every output is made before the run: one that cannot be is one line, exit 2, nothing run. */
    @Test
    void shouldRefuseACaptureOrTraceThatCannotBeWrittenBeforeRunning() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        for (String option : new String[] {"--pcap", "--trace"}) {
            CliRun run = CliRun.of("demo", "--quiet", option, file.resolve("out").toString());
            assertEquals(2, run.exit(), option);
            assertEquals(1, run.err().lines().count(), run.err());
            assertTrue(run.err().contains(option) && run.err().contains("cannot write it"), run.err());
            assertEquals("", run.out(), option + ": nothing ran");
        }
    }

    @Test
    void shouldRefuseAFileForADirectory() throws IOException {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        CliRun run = CliRun.of("demo", "--quiet", "--html", file.toString());
        assertEquals(2, run.exit());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("not a directory"), run.err());
        assertEquals("", run.out(), "nothing ran");
        CliRun under = CliRun.of("demo", "--quiet", "--html", file.resolve("sub").toString());
        assertEquals(2, under.exit(), "a directory under a file cannot be made");
        assertEquals(1, under.err().lines().count(), under.err());
        assertTrue(under.err().contains("cannot make the directory"), under.err());
        assertEquals("", under.out(), "nothing ran");
    }
}
