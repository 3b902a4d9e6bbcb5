package org.ibmodel.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.ibmodel.sim.fabric.Link;
import org.ibmodel.sim.device.Transport;
import org.ibmodel.sim.fabric.PacketTap;
import org.ibmodel.sim.wire.Aeth;
import org.ibmodel.sim.wire.Bth;
import org.ibmodel.sim.wire.Grh;
import org.ibmodel.sim.wire.Lrh;
import org.ibmodel.sim.wire.Opcode;
import org.ibmodel.sim.wire.OpcodeTable;
import org.ibmodel.sim.world.Narrator;

/**
 * A narrated run as one self-contained HTML page: each step's text as the terminal shows it and,
 * above it, a ladder diagram of the packets that crossed a link during the step, one arrow per
 * link crossing from the moment its first bit leaves to the moment its last bit arrives. No
 * script, no external file; the page is well-formed XML, and the same run writes the same bytes.
 */
public final class HtmlReport implements Narrator.Listener, PacketTap {
    /** One link crossing: when it started and ended, between which nodes, and what it carried. */
    public record Frame(int step, long startNs, long endNs, String from, String to, String label, String detail,
            boolean response, boolean lost) {
    }

    private record Step(int number, String title, List<String> lines) {
    }

    private static final int ROW = 24;
    private static final int SLANT = 12;
    private static final int LEFT = 100;
    private static final int COLUMN = 300;
    private static final int TOP = 28;

    private final String title;
    private final List<Step> steps = new ArrayList<>();
    private final List<Frame> frames = new ArrayList<>();
    private final List<String> summary = new ArrayList<>();
    /** Every packet a host put on a cable, by its headers; and whether each one's latest copy was a resend. */
    private final Set<String> sent = new java.util.HashSet<>();
    private final java.util.Map<String, Boolean> resent = new java.util.HashMap<>();

    public HtmlReport(String title) {
        this.title = title;
        steps.add(new Step(0, "", new ArrayList<>()));
    }

    @Override
    public void step(int number, String stepTitle) {
        steps.add(new Step(number, stepTitle, new ArrayList<>()));
    }

    @Override
    public void say(String line) {
        steps.get(steps.size() - 1).lines.add(line);
    }

    @Override
    public void always(String line) {
        summary.add(line);
    }

    @Override
    public void onPacket(long timeNs, Link link, Link.Direction direction, byte[] packet) {
        // The tap sees the last bit arrive; the first left a serialization and a cable earlier.
        long start = timeNs - link.serializationNs(packet.length) - link.propagationNs();
        add(start, timeNs, link, direction, packet, false);
    }

    @Override
    public void onLost(long timeNs, Link link, Link.Direction direction, byte[] packet) {
        add(timeNs, timeNs + link.serializationNs(packet.length) + link.propagationNs(), link, direction, packet, true);
    }

    private void add(long start, long end, Link link, Link.Direction direction, byte[] packet, boolean lost) {
        String label = packet.length + " B";
        String detail = label;
        boolean response = false;
        boolean global = packet.length > 1 && (packet[1] & 3) == Lrh.LNH_IBA_GLOBAL;
        if (packet.length >= Lrh.HEADER_LENGTH + (global ? Grh.HEADER_LENGTH : 0) + Bth.HEADER_LENGTH) {
            // What its sender's log would say of it (the same headers, the AETH's syndrome).
            Transport.Sent h = Transport.Sent.of(0, packet);
            Opcode op = OpcodeTable.lookup(h.opcode());
            response = op != null && op.isResponse();
            String name = op == null ? String.format("opcode 0x%02x", h.opcode()) : op.ibtaName();
            String nak = h.syndrome() < 0 ? "" : Aeth.nakText(h.syndrome());
            name = nak.isEmpty() ? name : name + " (" + nak + ")";
            label = String.format("%s  psn 0x%06x", name, h.psn());
            detail = String.format("%s %s, LID %d to %d, psn 0x%06x, dest qp 0x%06x, %d bytes",
                    op == null ? "" : op.transport(), name, h.slid(), h.dlid(), h.psn(), h.destQp(), packet.length);
            // A packet its sender put on the wire before (a retransmission, a duplicate ACK) says
            // so on every hop; its first hop leaves a host, where sending it again shows.
            String key = h.slid() + "/" + h.dlid() + "/" + h.opcode() + "/" + h.psn() + "/" + h.destQp();
            boolean again;
            if (op != null && op.transport() != org.ibmodel.sim.wire.Transport.RC) {
                // Only RC sends again; a UD answer may carry its request's LIDs, PSN and QP (a DR SMP's).
                again = false;
            } else if (hostNumber(link.from(direction).node()) >= 0) {
                again = !sent.add(key);
                resent.put(key, again);
            } else {
                again = resent.getOrDefault(key, false);
            }
            if (again) {
                label += "  (again)";
                detail += ", sent before";
            }
        }
        frames.add(new Frame(steps.size() - 1, start, end, link.from(direction).node(), link.to(direction).node(),
                lost ? label + "  (lost)" : label, lost ? detail + ", lost on the way" : detail, response, lost));
    }

    /** The link crossings seen, in the order they ended. */
    public List<Frame> frames() {
        return List.copyOf(frames);
    }

    /** Writes {@code dir}/index.html, making {@code dir} if needed. */
    public Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        return writeFile(dir.resolve("index.html"));
    }

    /** Writes the page to {@code file}, whatever its name. */
    public Path writeFile(Path file) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(render());
        }
        return file;
    }

    String render() {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>")
                .append(esc(title)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;max-width:64em;margin:2em auto;padding:0 1em;color:#222}\n")
                .append("pre{background:#f6f6f4;padding:.6em;overflow-x:auto;font-size:12px;line-height:1.4}\n")
                .append("svg{display:block;margin:.5em 0}\n")
                .append("svg text{font-family:monospace;font-size:11px}\n")
                .append(".life{stroke:#bbb;stroke-dasharray:4 3}\n")
                .append(".req{stroke:#1f5fbf;fill:#1f5fbf}\n.resp{stroke:#2e7d3a;fill:#2e7d3a}\n")
                .append("text.req,text.resp{stroke:none}\n.time{fill:#777}\n.node{font-weight:bold}\n")
                .append(".lost{stroke:#c62828;stroke-width:2;fill:none}\n")
                .append("pre .lost{color:#c62828;font-weight:bold}\npre .nak{color:#b26a00}\npre .again{color:#6a1b9a}\n")
                .append("</style>\n</head>\n<body>\n<h1>").append(esc(title)).append("</h1>\n");
        for (String s : summary) {
            b.append("<p><code>").append(esc(s)).append("</code></p>\n");
        }
        long lost = frames.stream().filter(Frame::lost).count();
        b.append("<p>").append(frames.size() - lost).append(" link crossings").append(lost == 0 ? "" : ", " + lost
                + " packet" + (lost == 1 ? "" : "s") + " lost on the way (crossed out)").append("; blue: requests, ")
                .append("green: responses and acknowledgements. Time is the simulator's virtual time.</p>\n<ol>\n");
        for (Step s : steps) {
            if (s.number > 0) {
                b.append("<li><a href=\"#step-").append(s.number).append("\">").append(esc(s.title))
                        .append("</a></li>\n");
            }
        }
        b.append("</ol>\n");
        for (Step s : steps) {
            if (s.number == 0 && s.lines.isEmpty()) {
                continue;
            }
            b.append("<section id=\"step-").append(s.number).append("\">\n<h2>").append(s.number).append(". ")
                    .append(esc(s.title)).append("</h2>\n");
            tally(b, s.number);
            ladder(b, s.number);
            b.append("<pre>");
            for (String line : s.lines) {
                // What went wrong on the wire stands out: a loss, a NAK, a resend.
                String cls = line.contains("lost on the way") ? "lost" : line.contains("  NAK ")
                        || line.contains("  RNR NAK") ? "nak" : line.endsWith("(again)") ? "again" : null;
                b.append(cls == null ? esc(line) : "<span class=\"" + cls + "\">" + esc(line) + "</span>")
                        .append('\n');
            }
            b.append("</pre>\n</section>\n");
        }
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    /** A line on what the step put on the wire: crossings, and any lost or sent again. */
    private void tally(StringBuilder b, int step) {
        List<Frame> mine = frames.stream().filter(f -> f.step == step).toList();
        if (mine.isEmpty()) {
            return;
        }
        long lost = mine.stream().filter(Frame::lost).count();
        long again = mine.stream().filter(f -> f.label.contains("(again)")).count();
        b.append("<p>").append(mine.size() - lost).append(" link crossing").append(mine.size() - lost == 1 ? "" : "s");
        if (lost > 0) {
            b.append(", ").append(lost).append(" packet").append(lost == 1 ? "" : "s").append(" lost");
        }
        if (again > 0) {
            b.append(", ").append(again).append(" crossing").append(again == 1 ? "" : "s").append(" of packets sent again");
        }
        b.append(".</p>\n");
    }

    /** The step's link crossings as a ladder: a lifeline per node, an arrow per crossing. */
    private void ladder(StringBuilder b, int step) {
        // In the order the crossings began: a packet's hops follow each other down the page.
        List<Frame> mine = frames.stream().filter(f -> f.step == step)
                .sorted(java.util.Comparator.comparingLong(Frame::startNs)).toList();
        if (mine.isEmpty()) {
            return;
        }
        List<String> nodes = nodes(mine);
        int width = LEFT + COLUMN * (nodes.size() - 1) + 60;
        int height = TOP + ROW * mine.size() + 16;
        b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\">%n", width, height, width, height));
        b.append("<defs>");
        for (String cls : new String[] {"req", "resp"}) {
            b.append("<marker id=\"").append(cls).append('-').append(step).append("\" markerWidth=\"8\" ")
                    .append("markerHeight=\"8\" refX=\"7\" refY=\"4\" orient=\"auto\"><path class=\"").append(cls)
                    .append("\" d=\"M0,0 L8,4 L0,8 z\"/></marker>");
        }
        b.append("</defs>\n");
        for (int i = 0; i < nodes.size(); i++) {
            int x = LEFT + COLUMN * i;
            b.append(String.format(Locale.ROOT, "<text class=\"node\" x=\"%d\" y=\"14\" "
                    + "text-anchor=\"middle\">%s</text>"
                    + "<line class=\"life\" x1=\"%d\" y1=\"20\" x2=\"%d\" y2=\"%d\"/>%n", x, esc(nodes.get(i)), x, x,
                    height - 4));
        }
        for (int i = 0; i < mine.size(); i++) {
            Frame f = mine.get(i);
            int y = TOP + ROW * i + 10;
            int x1 = LEFT + COLUMN * nodes.indexOf(f.from);
            int x2 = LEFT + COLUMN * nodes.indexOf(f.to);
            String cls = f.response ? "resp" : "req";
            if (f.lost) {
                // Drawn dashed to half way, where the cable lost it, and crossed out there.
                int xm = (x1 + x2) / 2;
                int ym = y + SLANT / 2;
                b.append(String.format(Locale.ROOT, "<g class=\"frame lost\">"
                        + "<title>%s -&gt; %s, from %.3f us: %s</title>"
                        + "<text class=\"time\" x=\"4\" y=\"%d\">%.3f us</text>"
                        + "<line class=\"%s\" stroke-dasharray=\"5 3\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                        + "<path class=\"lost\" d=\"M%d,%d L%d,%d M%d,%d L%d,%d\"/>"
                        + "<text class=\"%s\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text></g>%n",
                        esc(f.from), esc(f.to), f.startNs / 1000.0, esc(f.detail), y + SLANT / 2, f.startNs / 1000.0,
                        cls, x1, y, xm, ym, xm - 5, ym - 5, xm + 5, ym + 5, xm - 5, ym + 5, xm + 5, ym - 5, cls,
                        (x1 + x2) / 2, y - 2, esc(f.label)));
                continue;
            }
            b.append(String.format(Locale.ROOT, "<g class=\"frame\"><title>%s -&gt; %s, %.3f to %.3f us: %s</title>"
                    + "<text class=\"time\" x=\"4\" y=\"%d\">%.3f us</text>"
                    + "<line class=\"%s\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" marker-end=\"url(#%s-%d)\"/>"
                    + "<text class=\"%s\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text></g>%n",
                    esc(f.from), esc(f.to), f.startNs / 1000.0, f.endNs / 1000.0, esc(f.detail), y + SLANT / 2,
                    f.startNs / 1000.0, cls, x1, y, x2, y + SLANT, cls, step, cls, (x1 + x2) / 2, y - 2, esc(f.label)));
        }
        b.append("</svg>\n");
    }

    /** A host's HCA port as the fabric names it: "h0-hca0". */
    private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile("h(\\d+)(-.*)?");

    private static int hostNumber(String node) {
        java.util.regex.Matcher m = HOST.matcher(node);
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Lifelines left to right: the first host, the switches, the other hosts, as the frames name them. */
    private static List<String> nodes(List<Frame> frames) {
        Set<String> seen = new LinkedHashSet<>();
        for (Frame f : frames) {
            seen.add(f.from);
            seen.add(f.to);
        }
        List<String> hosts = seen.stream().filter(n -> hostNumber(n) >= 0)
                .sorted(java.util.Comparator.comparingInt(HtmlReport::hostNumber).thenComparing(n -> n)).toList();
        List<String> others = seen.stream().filter(n -> hostNumber(n) < 0).sorted().toList();
        List<String> out = new ArrayList<>();
        if (!hosts.isEmpty()) {
            out.add(hosts.get(0));
        }
        out.addAll(others);
        out.addAll(hosts.subList(Math.min(1, hosts.size()), hosts.size()));
        return out;
    }

    private static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
