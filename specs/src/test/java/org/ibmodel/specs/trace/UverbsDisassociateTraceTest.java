// UverbsDisassociateTrace.tla on hand-written traces: objects made, a removal, remnants freed,
// and the ways uverbs could leave the spec (specs/src/main/tla/UverbsDisassociate.tla)
package org.ibmodel.specs.trace;

import org.junit.jupiter.api.Test;

class UverbsDisassociateTraceTest {
    private static final String HEADER =
            "{\"trace\":\"ibmodel-spec\",\"specs\":[\"UverbsDisassociate\"],\"files\":2}\n";

    /**
     * f1 makes two objects, f2 one; a create of f2 is in flight when removal clears the device and
     * commits before removal synchronizes; removal destroys both files' objects; f1 frees a remnant
     * and f2 closes.
     */
    static final String GOOD = HEADER + """
            {"seq":1,"ev":"UvBeginCreate","file":"f1","handle":1}
            {"seq":2,"ev":"UvDriverCreate","file":"f1","handle":1}
            {"seq":3,"ev":"UvCommit","file":"f1","handle":1}
            {"seq":4,"ev":"UvBeginCreate","file":"f1","handle":2}
            {"seq":5,"ev":"UvDriverCreate","file":"f1","handle":2}
            {"seq":6,"ev":"UvCommit","file":"f1","handle":2}
            {"seq":7,"ev":"UvBeginCreate","file":"f2","handle":1}
            {"seq":8,"ev":"UvClearDevice"}
            {"seq":9,"ev":"UvDriverCreate","file":"f2","handle":1}
            {"seq":10,"ev":"UvCommit","file":"f2","handle":1}
            {"seq":11,"ev":"UvSynchronized"}
            {"seq":12,"ev":"UvDestroyFile","file":"f1","hw":2}
            {"seq":13,"ev":"UvDestroyFile","file":"f2","hw":1}
            {"seq":14,"ev":"UvRemoved"}
            {"seq":15,"ev":"UvDestroy","file":"f1","handle":2,"remnant":true}
            {"seq":16,"ev":"UvClose","file":"f2"}
            """;

    @Test
    void shouldAcceptARemovalWithACreateInFlight() {
        TraceAsserts.assertAccepted(GOOD);
    }

    @Test
    void shouldRejectACreateBegunAfterTheDeviceWasCleared() {
        String bad = GOOD.replace("{\"seq\":7,\"ev\":\"UvBeginCreate\",\"file\":\"f2\",\"handle\":1}\n"
                + "{\"seq\":8,\"ev\":\"UvClearDevice\"}", "{\"seq\":7,\"ev\":\"UvClearDevice\"}\n"
                + "{\"seq\":8,\"ev\":\"UvBeginCreate\",\"file\":\"f2\",\"handle\":1}");
        assertMismatch(bad, 8, "UvBeginCreate");
    }

    @Test
    void shouldRejectASynchronizeBeforeTheCreateInFlightEnds() {
        String bad = GOOD.replace("{\"seq\":9,\"ev\":\"UvDriverCreate\",\"file\":\"f2\",\"handle\":1}\n"
                + "{\"seq\":10,\"ev\":\"UvCommit\",\"file\":\"f2\",\"handle\":1}\n"
                + "{\"seq\":11,\"ev\":\"UvSynchronized\"}", "{\"seq\":9,\"ev\":\"UvSynchronized\"}\n"
                + "{\"seq\":10,\"ev\":\"UvDriverCreate\",\"file\":\"f2\",\"handle\":1}\n"
                + "{\"seq\":11,\"ev\":\"UvCommit\",\"file\":\"f2\",\"handle\":1}");
        assertMismatch(bad, 9, "UvSynchronized");
    }

    @Test
    void shouldRejectARemovalThatKeepsTheHardware() {
        assertMismatch(GOOD.replace("\"file\":\"f1\",\"hw\":2", "\"file\":\"f1\",\"hw\":0"), 12, "UvDestroyFile");
    }

    @Test
    void shouldRejectAHandleOtherThanTheLowestFree() {
        assertMismatch(GOOD.replace("{\"seq\":4,\"ev\":\"UvBeginCreate\",\"file\":\"f1\",\"handle\":2}",
                "{\"seq\":4,\"ev\":\"UvBeginCreate\",\"file\":\"f1\",\"handle\":1}"), 4, "UvBeginCreate");
    }

    @Test
    void shouldRejectALiveObjectTakenForARemnant() {
        String bad = GOOD.replace("{\"seq\":15,\"ev\":\"UvDestroy\",\"file\":\"f1\",\"handle\":2,\"remnant\":true}",
                "{\"seq\":15,\"ev\":\"UvDestroy\",\"file\":\"f1\",\"handle\":2,\"remnant\":false}");
        assertMismatch(bad, 15, "UvDestroy");
    }

    private static void assertMismatch(String trace, long seq, String event) {
        TraceAsserts.assertMismatch("UverbsDisassociate", trace, seq, event);
    }
}
