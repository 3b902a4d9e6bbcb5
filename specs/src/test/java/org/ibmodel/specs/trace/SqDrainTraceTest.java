// SqDrainTrace.tla on hand-written traces: a drain with its event, a refusal while draining, and
// the three ways a device could leave the spec (specs/src/main/tla/SqDrain.tla)
package org.ibmodel.specs.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;

class SqDrainTraceTest {
    private static final String HEADER = "{\"trace\":\"ibmodel-spec\",\"specs\":[\"SqDrain\"]}\n";

    /**
     * Two WRs begun, RTS2SQD asking for the event, SQD2RTS refused while they are in progress,
     * the event with the second's completion, SQD2SQD changing attributes, back to RTS, a third WR.
     */
    static final String GOOD = HEADER + """
            {"seq":1,"ev":"Post"}
            {"seq":2,"ev":"Post"}
            {"seq":3,"ev":"Begin","wr":1}
            {"seq":4,"ev":"Begin","wr":2}
            {"seq":5,"ev":"ToSqd","notify":true,"drained":0}
            {"seq":6,"ev":"Post"}
            {"seq":7,"ev":"RefuseLeaveSqd","to":"RTS"}
            {"seq":8,"ev":"Complete","wr":1,"drained":0}
            {"seq":9,"ev":"Complete","wr":2,"drained":1}
            {"seq":10,"ev":"LeaveSqd","to":"SQD","change":true}
            {"seq":11,"ev":"LeaveSqd","to":"RTS","change":false}
            {"seq":12,"ev":"Begin","wr":3}
            {"seq":13,"ev":"ToSqd","notify":false,"drained":0}
            {"seq":14,"ev":"ToErr"}
            """;

    @Test
    void shouldAcceptADrainWithItsEvent() {
        TraceAsserts.assertAccepted(GOOD);
    }

    @Test
    void shouldRejectAWqeBegunInSqd() {
        String bad = GOOD.replace("{\"seq\":7,\"ev\":\"RefuseLeaveSqd\",\"to\":\"RTS\"}",
                "{\"seq\":7,\"ev\":\"Begin\",\"wr\":3}");
        assertMismatch(bad, 7, "Begin");
    }

    @Test
    void shouldRejectLeavingWhileDraining() {
        String bad = GOOD.replace("{\"seq\":7,\"ev\":\"RefuseLeaveSqd\",\"to\":\"RTS\"}",
                "{\"seq\":7,\"ev\":\"LeaveSqd\",\"to\":\"RTS\",\"change\":false}");
        assertMismatch(bad, 7, "LeaveSqd");
    }

    @Test
    void shouldRejectARefusalOnceDrained() {
        String bad = GOOD.replace("{\"seq\":10,\"ev\":\"LeaveSqd\",\"to\":\"SQD\",\"change\":true}",
                "{\"seq\":10,\"ev\":\"RefuseLeaveSqd\",\"to\":\"SQD\"}");
        assertMismatch(bad, 10, "RefuseLeaveSqd");
    }

    @Test
    void shouldRejectTheLastCompletionWithoutItsEvent() {
        assertMismatch(GOOD.replace("\"wr\":2,\"drained\":1", "\"wr\":2,\"drained\":0"), 9, "Complete");
    }

    @Test
    void shouldRejectAnEventBeforeTheLastCompletion() {
        assertMismatch(GOOD.replace("\"wr\":1,\"drained\":0", "\"wr\":1,\"drained\":1"), 8, "Complete");
    }

    @Test
    void shouldRejectCompletionsOutOfOrder() {
        assertMismatch(GOOD.replace("\"ev\":\"Complete\",\"wr\":1,", "\"ev\":\"Complete\",\"wr\":2,"), 8, "Complete");
    }

    @Test
    void shouldRejectAnEventOutsideTheStepsThatPostOne() {
        String bad = GOOD.replace("{\"seq\":12,\"ev\":\"Begin\",\"wr\":3}", "{\"seq\":12,\"ev\":\"SqDrained\"}");
        assertMismatch(bad, 12, "SqDrained");
    }

    @Test
    void shouldRejectAnEventOfAnotherSpecAtItsLine() {
        String bad = GOOD.replace("{\"seq\":6,\"ev\":\"Post\"}", "{\"seq\":6,\"ev\":\"ReqSend\",\"wr\":3,\"psn\":0,"
                + "\"retry\":false}");
        assertMismatch(bad, 6, "ReqSend");
        TraceValidator.Mismatch m = TraceValidator.validate(SpecTrace.parse("bad.ndjson", bad)).mismatch();
        assertEquals(7, m.line());
        assertEquals("an event of SqDrain", m.expected());
    }

    @Test
    void shouldRejectAnEventOfSqDrainInATraceOfTheVerbsSpecs() {
        String bad = TraceValidatorTest.GOOD.replace("{\"seq\":12,\"ev\":\"UserDestroy\",\"qpn\":64}",
                "{\"seq\":12,\"ev\":\"ToErr\"}");
        TraceValidator.Mismatch m = TraceValidator.validate(SpecTrace.parse("bad.ndjson", bad)).mismatch();
        assertNotNull(m);
        assertEquals(12, m.seq(), m.toString());
        assertEquals("ToErr", m.event());
    }

    private static void assertMismatch(String trace, long seq, String event) {
        TraceAsserts.assertMismatch("SqDrain", trace, seq, event);
    }
}
