package org.ibmodel.traces.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The replay's rules, each shown to catch the bug it exists for in every place a real recording
 * (traces/recorded/) offers one: every free of an object the trace saw made is doubled
 * ({@link Lifecycles#DOUBLE_FREE}), every allocation is doubled
 * ({@link Lifecycles#ID_REUSED_WHILE_LIVE}), every CQ poll is repeated after its CQ's free
 * ({@link Lifecycles#USE_AFTER_FREE}); each mutant must report exactly that rule at exactly the
 * line of the copy. A free of an MR the trace never saw registered (a user MR: its registration
 * has no tracepoint) may be the free of a new MR under the same id, so doubling it must report
 * nothing. Then each recording is damaged at random (lines deleted, doubled or swapped, bytes
 * changed, the file cut short): the replay must finish, count every line and name only lines
 * that exist. A failure names the recording, the mutation and, for damage, the seed.
 */
class RecordedTraceMutationTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 0x7ace_5eedL);
    private static final int DAMAGED = 60;

    private static final Pattern ALLOC = Pattern.compile(
            " (cq_alloc: cq\\.id=(\\d+) |mr_alloc: pd\\.id=\\d+ mr\\.id=(\\d+) .* rc=0$"
                    + "|cm_id_attach: cm\\.id=(\\d+) )");
    private static final Pattern FREE = Pattern.compile(
            " (cq_free: cq\\.id=(\\d+)|mr_dereg: mr\\.id=(\\d+)|cm_id_destroy: cm\\.id=(\\d+) )");
    private static final Pattern POLL = Pattern.compile(" cq_poll: cq\\.id=(\\d+) ");

    /** An object as the test names it: its kind's tag and id ("cq 3"). */
    private static String key(Matcher m) {
        String kind = m.group(1).startsWith("cq") ? "cq" : m.group(1).startsWith("mr") ? "mr" : "cm";
        for (int g = 2; g <= 4; g++) {
            if (m.group(g) != null) {
                return kind + " " + m.group(g);
            }
        }
        throw new AssertionError(m.group());
    }

    @TestFactory
    Stream<DynamicTest> everyRuleCatchesItsBugInEveryRecording() throws IOException {
        return RecordedTracesTest.recordings().stream().map(p -> DynamicTest.dynamicTest(
                p.getFileName().toString(), () -> mutate(p)));
    }

    @TestFactory
    Stream<DynamicTest> damageNeverStopsAReplay() throws IOException {
        return RecordedTracesTest.recordings().stream().map(p -> DynamicTest.dynamicTest(
                p.getFileName().toString(), () -> damage(p)));
    }

    private static void mutate(Path p) throws IOException {
        List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
        String name = p.getFileName().toString();
        assertEquals(List.of(), replay(lines).violations(), name + " replays cleanly");
        // Which objects the trace saw made, and where each was last made before a line.
        Map<String, Integer> madeAt = new HashMap<>();
        Map<String, Integer> lastPoll = new HashMap<>();
        int mutants = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher a = ALLOC.matcher(line);
            if (a.find()) {
                String k = key(a);
                madeAt.put(k, i);
                lastPoll.remove(k);
                if (!k.equals("cm 0")) {
                    expect(name, lines, i, "a doubled " + k + " allocation", Lifecycles.ID_REUSED_WHILE_LIVE);
                    mutants++;
                }
                continue;
            }
            Matcher poll = POLL.matcher(line);
            if (poll.find()) {
                lastPoll.put("cq " + poll.group(1), i);
                continue;
            }
            Matcher f = FREE.matcher(line);
            if (!f.find()) {
                continue;
            }
            String k = key(f);
            if (k.equals("cm 0")) {
                // rdma_cm numbers ids from 0 per device; the replay does not follow id 0 by number.
                continue;
            }
            if (madeAt.containsKey(k)) {
                expect(name, lines, i, "a doubled free of " + k, Lifecycles.DOUBLE_FREE);
                mutants++;
            } else if (k.startsWith("mr")) {
                expect(name, lines, i, "a doubled free of user " + k, null);
                mutants++;
            }
            Integer pollAt = lastPoll.get(k);
            if (pollAt != null) {
                List<String> m = new ArrayList<>(lines);
                m.add(i + 1, lines.get(pollAt));
                check(name, m, i + 2, "a poll of " + k + " after its free", Lifecycles.USE_AFTER_FREE);
                mutants++;
            }
            madeAt.remove(k);
        }
        assertTrue(mutants > 0 || lines.stream().noneMatch(l -> ALLOC.matcher(l).find() || FREE.matcher(l).find()),
                name + ": no mutant made although it has allocations or frees");
    }

    /** Line {@code i} doubled must give exactly {@code rule} at the copy (1-based {@code i + 2}); null: nothing. */
    private static void expect(String name, List<String> lines, int i, String what, String rule) {
        List<String> m = new ArrayList<>(lines);
        m.add(i + 1, lines.get(i));
        check(name, m, i + 2, what, rule);
    }

    private static void check(String name, List<String> mutant, int line, String what, String rule) {
        List<Violation> v = replay(mutant).violations();
        String where = name + ", " + what + " at line " + line + ": " + v;
        if (rule == null) {
            assertEquals(List.of(), v, where);
            return;
        }
        assertEquals(1, v.size(), where);
        assertEquals(rule, v.get(0).rule(), where);
        assertEquals(line, v.get(0).line(), where);
    }

    private static void damage(Path p) throws IOException {
        byte[] original = Files.readAllBytes(p);
        String name = p.getFileName().toString();
        for (int n = 0; n < DAMAGED; n++) {
            long seed = SEED ^ (name.hashCode() * 31L + n);
            SplittableRandom rnd = new SplittableRandom(seed);
            byte[] bytes = damaged(original, rnd);
            String what = name + " damaged with seed " + seed + " (replay: -Dibmodel.seed=" + SEED + ")";
            ReplayReport r;
            try {
                r = new Replay().run(new ByteArrayInputStream(bytes));
            } catch (IOException | RuntimeException e) {
                throw new AssertionError(what + ": the replay stopped with " + e, e);
            }
            int lines = lineCount(bytes);
            assertEquals(lines, r.lines(), what + ": lines counted");
            for (Violation v : r.violations()) {
                if (v.line() < 1 || v.line() > lines) {
                    fail(what + ": a violation at line " + v.line() + " of " + lines);
                }
            }
            r.unparsed().forEach(u -> assertTrue(u.line() >= 1 && u.line() <= lines,
                    what + ": unparsed line " + u.line() + " of " + lines));
        }
    }

    /** Lines as the reader counts them: one per newline, and one for text after the last. */
    private static int lineCount(byte[] b) {
        int n = 0;
        for (byte x : b) {
            n += x == '\n' ? 1 : 0;
        }
        return b.length > 0 && b[b.length - 1] != '\n' ? n + 1 : n;
    }

    private static byte[] damaged(byte[] original, SplittableRandom rnd) {
        List<byte[]> lines = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < original.length; i++) {
            if (original[i] == '\n') {
                lines.add(java.util.Arrays.copyOfRange(original, from, i));
                from = i + 1;
            }
        }
        int edits = 1 + rnd.nextInt(8);
        for (int e = 0; e < edits && !lines.isEmpty(); e++) {
            int at = rnd.nextInt(lines.size());
            switch (rnd.nextInt(5)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, lines.get(rnd.nextInt(lines.size())).clone());
                case 2 -> {
                    int other = rnd.nextInt(lines.size());
                    byte[] t = lines.get(at);
                    lines.set(at, lines.get(other));
                    lines.set(other, t);
                }
                case 3 -> {
                    byte[] l = lines.get(at).clone();
                    if (l.length > 0) {
                        l[rnd.nextInt(l.length)] = (byte) rnd.nextInt(256);
                        lines.set(at, l);
                    }
                }
                default -> {
                    byte[] l = lines.get(at);
                    lines.set(at, java.util.Arrays.copyOf(l, rnd.nextInt(l.length + 1)));
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] l : lines) {
            out.writeBytes(l);
            out.write('\n');
        }
        byte[] b = out.toByteArray();
        // Sometimes the file ends in the middle of a line.
        return rnd.nextInt(4) == 0 && b.length > 1 ? java.util.Arrays.copyOf(b, 1 + rnd.nextInt(b.length - 1)) : b;
    }

    private static ReplayReport replay(List<String> lines) {
        try {
            return new Replay().run(new ByteArrayInputStream((String.join("\n", lines) + "\n")
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
