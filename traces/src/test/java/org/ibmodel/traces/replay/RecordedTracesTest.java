package org.ibmodel.traces.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.ibmodel.traces.Unparsed;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays every trace recorded from a real kernel (traces/recorded/, made by traces/record/):
 * every record parses, no rule is broken, and each file has events.
 */
class RecordedTracesTest {
    /** Lines of a recording that may stay unparsed, by file, with why. None today. */
    private static final Map<String, List<Integer>> JUSTIFIED_UNPARSED = Map.of();

    static Path recordedDir() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve("traces").resolve("recorded");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static List<Path> recordings() throws IOException {
        Path dir = recordedDir();
        assertNotNull(dir, "no traces/recorded above " + System.getProperty("user.dir"));
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".trace")).sorted().collect(Collectors.toList());
        }
    }

    private static ReplayReport replay(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return new Replay().run(in);
        }
    }

    @Test
    void shouldHaveRecordings() throws IOException {
        assertFalse(recordings().isEmpty(), "no .trace files in " + recordedDir());
    }

    /**
     * The recordings come from a 6.1 kernel, whose cm_id_attach prints cm.id=0 (cma.c adds the id
     * to restrack after attaching it): every id the trace saw attached still counts as made there,
     * none as adopted, and only ids the recording really left behind stay live: ib_srpt's listening
     * id in srp.trace.
     */
    @TestFactory
    Stream<DynamicTest> everyRecordedCmIdIsMadeByItsAttach() throws IOException {
        return recordings().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            ReplayReport r = replay(p);
            String name = p.getFileName().toString();
            ObjectCounts c = r.objects().get(ObjectKind.CM_ID);
            assertEquals(0, c.adopted(), name + ": " + c);
            assertEquals(name.equals("srp.trace") ? 1 : 0, c.live(), name + ": " + c);
            assertEquals(c.created() - c.live(), c.destroyed(), name + ": " + c);
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyRecordingReplaysCleanly() throws IOException {
        return recordings().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            ReplayReport r = replay(p);
            String name = p.getFileName().toString();
            List<Integer> allowed = JUSTIFIED_UNPARSED.getOrDefault(name, List.of());
            List<Unparsed> unexpected = r.unparsed().stream().filter(u -> !allowed.contains(u.line()))
                    .collect(Collectors.toList());
            assertEquals(List.of(), unexpected, name + ": unparsed lines");
            assertEquals(r.unparsed().size(), r.unparsedTotal(), name);
            assertEquals(List.of(), r.violations(), name + ": violations");
            assertEquals(0, r.violationsTotal(), name);
            assertTrue(r.events() > 0, name + ": no events");
            assertEquals(r.events(), r.eventCounts().values().stream().mapToLong(Long::longValue).sum(), name);
        }));
    }
}
