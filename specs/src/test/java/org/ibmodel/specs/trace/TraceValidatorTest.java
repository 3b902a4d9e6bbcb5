package org.ibmodel.specs.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TraceValidatorTest {
    private static final String HEADER = "{\"trace\":\"ibmodel-spec\",\"specs\":[\"QpStateMachine\",\"WorkQueues\"]}\n";

    /** An RC QP brought up, two sends (the first unsignaled), one receive, run, polled, destroyed. */
    static final String GOOD = HEADER + """
            {"seq":1,"ev":"CreateCq","cq":1,"depth":4}
            {"seq":2,"ev":"CreateQp","qpn":64,"type":"RC","sendCq":1,"recvCq":1,"maxSendWr":4,"maxRecvWr":4}
            {"seq":3,"ev":"UserModify","qpn":64,"from":"RESET","to":"INIT","mask":["STATE","PKEY_INDEX","PORT","ACCESS_FLAGS"]}
            {"seq":4,"ev":"UserPostRecv","qpn":64,"wr":1,"wrId":100}
            {"seq":5,"ev":"UserModify","qpn":64,"from":"INIT","to":"RTR","mask":["STATE","AV","PATH_MTU","DEST_QPN","RQ_PSN","MAX_DEST_RD_ATOMIC","MIN_RNR_TIMER"]}
            {"seq":6,"ev":"UserModify","qpn":64,"from":"RTR","to":"RTS","mask":["STATE","TIMEOUT","RETRY_CNT","RNR_RETRY","SQ_PSN","MAX_QP_RD_ATOMIC"]}
            {"seq":7,"ev":"UserPostSend","qpn":64,"wr":2,"wrId":101,"signaled":false}
            {"seq":8,"ev":"UserPostSend","qpn":64,"wr":3,"wrId":102,"signaled":true}
            {"seq":9,"ev":"HcaRun","states":{"64":"RTS"},"cqErr":[]}
            {"seq":10,"ev":"UserPoll","cq":1,"qpn":64,"wr":1,"wrId":100,"kind":"recv","status":"SUCCESS"}
            {"seq":11,"ev":"UserPoll","cq":1,"qpn":64,"wr":3,"wrId":102,"kind":"send","status":"SUCCESS"}
            {"seq":12,"ev":"UserDestroy","qpn":64}
            """;

    @Test
    void shouldAcceptARunOfBothSpecs() {
        TraceValidator.Verdict v = TraceValidator.validate(SpecTrace.parse("good.ndjson", GOOD));
        assertNull(v.mismatch(), () -> String.valueOf(v.mismatch()));
    }

    /** A byte-order mark before the header, as some editors save a file, is no part of it. */
    @Test
    void shouldReadATraceThatStartsWithAByteOrderMark() {
        TraceValidator.Verdict v = TraceValidator.validate(SpecTrace.parse("bom.ndjson", "\uFEFF" + GOOD));
        assertNull(v.mismatch(), () -> String.valueOf(v.mismatch()));
    }

    /** Two signaled sends of one QP polled newest first: a send queue completes in order. */
    @Test
    void shouldRejectSendCompletionsOutOfPostingOrder() {
        String bad = GOOD.replace("\"wr\":2,\"wrId\":101,\"signaled\":false", "\"wr\":2,\"wrId\":101,\"signaled\":true")
                .replace("{\"seq\":12,\"ev\":\"UserDestroy\",\"qpn\":64}",
                        "{\"seq\":12,\"ev\":\"UserPoll\",\"cq\":1,\"qpn\":64,\"wr\":2,\"wrId\":101,"
                        + "\"kind\":\"send\",\"status\":\"SUCCESS\"}\n"
                        + "{\"seq\":13,\"ev\":\"UserDestroy\",\"qpn\":64}");
        String inOrder = bad.replace("\"seq\":11,\"ev\":\"UserPoll\",\"cq\":1,\"qpn\":64,\"wr\":3,\"wrId\":102",
                "\"seq\":11,\"ev\":\"UserPoll\",\"cq\":1,\"qpn\":64,\"wr\":2,\"wrId\":101")
                .replace("\"seq\":12,\"ev\":\"UserPoll\",\"cq\":1,\"qpn\":64,\"wr\":2,\"wrId\":101",
                        "\"seq\":12,\"ev\":\"UserPoll\",\"cq\":1,\"qpn\":64,\"wr\":3,\"wrId\":102");
        TraceValidator.Verdict ok = TraceValidator.validate(SpecTrace.parse("in-order.ndjson", inOrder));
        assertNull(ok.mismatch(), () -> String.valueOf(ok.mismatch()));
        TraceValidator.Verdict v = TraceValidator.validate(SpecTrace.parse("bad.ndjson", bad));
        assertEquals(11, v.mismatch().seq(), String.valueOf(v.mismatch()));
        assertEquals("UserPoll", v.mismatch().event());
    }

    @Test
    void shouldAcceptRecvAndSendCompletionsOfOneQpInEitherOrder() {
        String bad = GOOD.replace("{\"seq\":10,\"ev\":\"UserPoll\",\"cq\":1,\"qpn\":64,\"wr\":1,\"wrId\":100,\"kind\":\"recv\"",
                "{\"seq\":10,\"ev\":\"UserPoll\",\"cq\":1,\"qpn\":64,\"wr\":3,\"wrId\":102,\"kind\":\"send\"")
                .replace("{\"seq\":11,\"ev\":\"UserPoll\",\"cq\":1,\"qpn\":64,\"wr\":3,\"wrId\":102,\"kind\":\"send\"",
                "{\"seq\":11,\"ev\":\"UserPoll\",\"cq\":1,\"qpn\":64,\"wr\":1,\"wrId\":100,\"kind\":\"recv\"");
        TraceValidator.Verdict v = TraceValidator.validate(SpecTrace.parse("bad.ndjson", bad));
        // Receive and send CQEs of one QP may interleave either way: the spec accepts this.
        assertNull(v.mismatch(), () -> String.valueOf(v.mismatch()));
    }

    @Test
    void shouldRejectAModifyTheTableForbids() {
        String bad = GOOD.replace("\"from\":\"RTR\",\"to\":\"RTS\",\"mask\":[\"STATE\",\"TIMEOUT\",",
                "\"from\":\"RTR\",\"to\":\"RTS\",\"mask\":[\"STATE\",");
        TraceValidator.Verdict v = TraceValidator.validate(SpecTrace.parse("bad.ndjson", bad));
        assertEquals(6, v.mismatch().seq(), String.valueOf(v.mismatch()));
        assertEquals(7, v.mismatch().line());
        assertEquals("UserModify", v.mismatch().event());
    }

    @Test
    void shouldRejectAPollOfAnUnsignaledSend() {
        String bad = GOOD.replace("\"wr\":3,\"wrId\":102,\"kind\":\"send\"", "\"wr\":2,\"wrId\":101,\"kind\":\"send\"");
        TraceValidator.Verdict v = TraceValidator.validate(SpecTrace.parse("bad.ndjson", bad));
        assertEquals(11, v.mismatch().seq(), String.valueOf(v.mismatch()));
        assertEquals("WorkQueues", v.mismatch().spec());
    }

    @Test
    void shouldNameFileAndLineOfAMalformedLine() {
        String bad = GOOD.replace("{\"seq\":7,\"ev\":\"UserPostSend\",\"qpn\":64,", "{\"seq\":7,\"ev\":\"UserPostSend\",");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> SpecTrace.parse("t.ndjson", bad));
        assertTrue(e.getMessage().startsWith("t.ndjson:8: UserPostSend without \"qpn\""), e.getMessage());
    }

    /** A file past the size read (or an endless one, /dev/zero) is refused whole, in a line. */
    @Test
    void shouldRefuseAFileLongerThanItReads() throws java.io.IOException {
        java.nio.file.Path f = java.nio.file.Files.createTempFile("big", ".ndjson");
        try {
            java.nio.file.Files.writeString(f, GOOD);
            TraceFormatException e = assertThrows(TraceFormatException.class, () -> SpecTrace.read(f, 100));
            assertEquals(f + ": longer than 100 bytes, so not a recorded run this reads", e.getMessage());
            assertEquals(12, SpecTrace.read(f, GOOD.length()).events().size(), "a file of just the size is read");
        } finally {
            java.nio.file.Files.delete(f);
        }
    }

    /** A field its event does not have is refused at its line rather than passed over. */
    @Test
    void shouldRefuseAFieldTheEventDoesNotHave() {
        String bad = GOOD.replace("{\"seq\":12,\"ev\":\"UserDestroy\",\"qpn\":64}",
                "{\"seq\":12,\"ev\":\"UserDestroy\",\"qpn\":64,\"zzz\":5}");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> SpecTrace.parse("t.ndjson", bad));
        assertTrue(e.getMessage().startsWith("t.ndjson:13: UserDestroy has no field \"zzz\"; its fields: [qpn]"),
                e.getMessage());
    }

    /** A string field names something: one that is no name (garbage, a whole file) is refused. */
    @Test
    void shouldRefuseAStringFieldThatIsNoName() {
        for (String status : new String[] {"", "NOT A NAME", "9lives", "x".repeat(65)}) {
            String bad = GOOD.replace("\"kind\":\"send\",\"status\":\"SUCCESS\"",
                    "\"kind\":\"send\",\"status\":\"" + status + "\"");
            TraceFormatException e = assertThrows(TraceFormatException.class, () -> SpecTrace.parse("t.ndjson", bad));
            assertTrue(e.getMessage().startsWith("t.ndjson:12: UserPoll: \"status\" is not a name"), e.getMessage());
        }
        String longest = GOOD.replace("\"status\":\"SUCCESS\"}\n{\"seq\":12",
                "\"status\":\"" + "x".repeat(64) + "\"}\n{\"seq\":12");
        assertTrue(longest.contains("x".repeat(64)), longest);
        assertEquals(12, SpecTrace.parse("t.ndjson", longest).events().size(), "64 characters are a name");
    }

    /** A header that names one spec twice is refused at its line, not read as a run of it. */
    @Test
    void shouldRefuseAHeaderNamingASpecTwice() {
        String twice = "{\"trace\":\"ibmodel-spec\",\"specs\":[\"HcaCommands\",\"HcaCommands\"]}\n";
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> SpecTrace.parse("t.ndjson", twice));
        assertTrue(e.getMessage().startsWith("t.ndjson:1: the header names HcaCommands twice"), e.getMessage());
    }

    @Test
    void shouldRoundTripNdjson() {
        SpecTrace t = SpecTrace.parse("good.ndjson", GOOD);
        assertEquals(t.events(), SpecTrace.parse("again", t.toNdjson()).events().stream()
                .map(e -> new SpecEvent(e.seq(), t.events().get((int) e.seq() - 1).line(), e.action(), e.fields()))
                .toList());
        assertEquals(List.of("QpStateMachine", "WorkQueues"), t.specs());
    }
}
