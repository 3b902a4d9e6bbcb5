// PathMigrationTrace.tla on hand-written traces: both QPs rearm and arm, a path fails, one QP
// migrates on exhaustion and its peer follows (specs/src/main/tla/PathMigration.tla)
package org.ibmodel.specs.trace;

import org.junit.jupiter.api.Test;

class PathMigrationTraceTest {
    static final String GOOD = """
            {"trace":"ibmodel-spec","specs":["PathMigration"]}
            {"seq":1,"ev":"ApmRearm","q":"A"}
            {"seq":2,"ev":"ApmRearm","q":"B"}
            {"seq":3,"ev":"ApmSend","q":"A","k":1,"mig":false}
            {"seq":4,"ev":"ApmReceive","q":"B","k":1,"mig":false,"pm":"ARMED"}
            {"seq":5,"ev":"ApmSend","q":"B","k":1,"mig":false}
            {"seq":6,"ev":"ApmReceive","q":"A","k":1,"mig":false,"pm":"ARMED"}
            {"seq":7,"ev":"ApmSend","q":"A","k":1,"mig":false}
            {"seq":8,"ev":"ApmReceive","q":"B","k":1,"mig":false,"pm":"ARMED"}
            {"seq":9,"ev":"ApmFailPath","k":1}
            {"seq":10,"ev":"ApmExhaust","q":"A"}
            {"seq":11,"ev":"ApmSend","q":"A","k":2,"mig":true}
            {"seq":12,"ev":"ApmReceive","q":"B","k":2,"mig":true,"pm":"MIGRATED"}
            {"seq":13,"ev":"ApmSend","q":"B","k":2,"mig":true}
            {"seq":14,"ev":"ApmReceive","q":"A","k":2,"mig":true,"pm":"MIGRATED"}
            """;

    @Test
    void shouldAcceptAMigrationOnExhaustionThatThePeerFollows() {
        TraceAsserts.assertAccepted(GOOD);
    }

    @Test
    void shouldRejectAPeerThatDoesNotFollow() {
        assertMismatch(GOOD.replace("\"k\":2,\"mig\":true,\"pm\":\"MIGRATED\"}\n{\"seq\":13",
                "\"k\":2,\"mig\":true,\"pm\":\"ARMED\"}\n{\"seq\":13"), 12, "ApmReceive");
    }

    @Test
    void shouldRejectASendOnTheOldPathAfterTheMigration() {
        assertMismatch(GOOD.replace("{\"seq\":11,\"ev\":\"ApmSend\",\"q\":\"A\",\"k\":2,\"mig\":true}",
                "{\"seq\":11,\"ev\":\"ApmSend\",\"q\":\"A\",\"k\":1,\"mig\":true}"), 11, "ApmSend");
    }

    @Test
    void shouldRejectARearmedQpThatDoesNotArm() {
        assertMismatch(GOOD.replace("{\"seq\":4,\"ev\":\"ApmReceive\",\"q\":\"B\",\"k\":1,\"mig\":false,\"pm\":\"ARMED\"}",
                "{\"seq\":4,\"ev\":\"ApmReceive\",\"q\":\"B\",\"k\":1,\"mig\":false,\"pm\":\"REARM\"}"), 4,
                "ApmReceive");
    }

    @Test
    void shouldRejectAMigReqThatDoesNotMatchTheSendersState() {
        assertMismatch(GOOD.replace("{\"seq\":3,\"ev\":\"ApmSend\",\"q\":\"A\",\"k\":1,\"mig\":false}",
                "{\"seq\":3,\"ev\":\"ApmSend\",\"q\":\"A\",\"k\":1,\"mig\":true}"), 3, "ApmSend");
    }

    @Test
    void shouldRejectAMigrationOnExhaustionUnarmed() {
        // A is in REARM, not armed: its retries running out fail the connection.
        String bad = GOOD.replace("{\"seq\":3,\"ev\":\"ApmSend\",\"q\":\"A\",\"k\":1,\"mig\":false}",
                "{\"seq\":3,\"ev\":\"ApmExhaust\",\"q\":\"A\"}");
        assertMismatch(bad, 3, "ApmExhaust");
    }

    private static void assertMismatch(String trace, long seq, String event) {
        TraceAsserts.assertMismatch("PathMigration", trace, seq, event);
    }
}
