package org.ibmodel.traces.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.ibmodel.traces.Samples;
import org.junit.jupiter.api.Test;

class ReplayReportTest {
    @Test
    void shouldPrintTheDesignJsonContract() throws IOException {
        ReplayReport r = new Replay().run(Samples.open(Samples.MAIL));
        String json = r.toJson();
        assertTrue(json.startsWith("{\"lines\":149,\"events\":65,\"event_counts\":{"), json);
        assertTrue(json.contains("\"cq_poll\":4"), json);
        assertTrue(json.contains("\"unparsed\":[{\"line\":1,\"text\":\"Hi all,\"},{\"line\":3,"), json);
        assertTrue(json.contains("\"objects\":{\"mr\":{\"created\":2,\"destroyed\":2,\"live\":0,\"adopted\":0},"
                + "\"cq\":{\"created\":2,\"destroyed\":2,\"live\":0,\"adopted\":0},"
                + "\"qp\":{\"created\":2,\"destroyed\":2,\"live\":0,\"adopted\":0},"
                + "\"cm_id\":{\"created\":3,\"destroyed\":3,\"live\":0,\"adopted\":0}}"), json);
        assertTrue(json.endsWith(",\"violations\":[]}"), json);
    }

    @Test
    void shouldEscapeViolationMessagesAndKeepTheirLines() throws IOException {
        String trace = "  rping-1  [000] ..... 1.000001: cq_free: cq.id=4\n"
                + "  rping-1  [000] ..... 1.000002: cq_poll: cq.id=4 requested 16, returned 0\n"
                + "\"quoted\" junk\n";
        ReplayReport r = new Replay().run(new ByteArrayInputStream(trace.getBytes(StandardCharsets.UTF_8)));
        String json = r.toJson();
        assertTrue(json.contains("{\"line\":3,\"text\":\"\\\"quoted\\\" junk\"}"), json);
        assertTrue(json.contains("\"violations\":[{\"line\":2,\"rule\":\"use_after_free\",\"message\":\"cq_poll on cq.id=4"),
                json);
        assertEquals(1, r.objects().get(ObjectKind.CQ).adopted());
        assertTrue(r.toText("t").contains("line 2: use_after_free: cq_poll on cq.id=4"));
    }
}
