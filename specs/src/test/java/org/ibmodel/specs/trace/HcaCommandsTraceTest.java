// HcaCommandsTrace.tla on hand-written traces: a command, a hang, its timeout, the error state
// and the restart, and the ways a driver could leave the spec (specs/src/main/tla/HcaCommands.tla)
package org.ibmodel.specs.trace;

import org.junit.jupiter.api.Test;

class HcaCommandsTraceTest {
    private static final String HEADER = "{\"trace\":\"ibmodel-spec\",\"specs\":[\"HcaCommands\"]}\n";

    /**
     * A command answered by its EQE; the firmware hangs under the second, which times out; the
     * third is answered in the error state; the restart; a fourth command on the reset device.
     */
    static final String GOOD = HEADER + """
            {"seq":1,"ev":"CmdIssue","op":"SW2HW_CQ","answered":false}
            {"seq":2,"ev":"CmdPost","cmd":1,"gen":0}
            {"seq":3,"ev":"CmdDeviceFinish","cmd":1,"gen":0}
            {"seq":4,"ev":"CmdDeliver","cmd":1,"gen":0,"completed":true}
            {"seq":5,"ev":"CmdIssue","op":"HW2SW_CQ","answered":false}
            {"seq":6,"ev":"CmdPost","cmd":2,"gen":0}
            {"seq":7,"ev":"CmdHang"}
            {"seq":8,"ev":"CmdTimeOut"}
            {"seq":9,"ev":"CmdIssue","op":"MAD_IFC","answered":true}
            {"seq":10,"ev":"CmdResetAndRestart"}
            {"seq":11,"ev":"CmdIssue","op":"MAD_IFC","answered":false}
            {"seq":12,"ev":"CmdPost","cmd":4,"gen":1}
            {"seq":13,"ev":"CmdDeviceFinish","cmd":4,"gen":1}
            {"seq":14,"ev":"CmdDeliver","cmd":4,"gen":1,"completed":true}
            """;

    @Test
    void shouldAcceptAHangItsTimeoutAndTheRestart() {
        TraceAsserts.assertAccepted(GOOD);
    }

    @Test
    void shouldRejectACommandPostedInTheErrorState() {
        String bad = GOOD.replace("{\"seq\":9,\"ev\":\"CmdIssue\",\"op\":\"MAD_IFC\",\"answered\":true}",
                "{\"seq\":9,\"ev\":\"CmdIssue\",\"op\":\"MAD_IFC\",\"answered\":false}");
        assertMismatch(bad, 9, "CmdIssue");
    }

    @Test
    void shouldRejectAnEqeOfAnotherCommandTakenAsItsOwn() {
        String bad = GOOD.replace("{\"seq\":3,\"ev\":\"CmdDeviceFinish\",\"cmd\":1,\"gen\":0}",
                "{\"seq\":3,\"ev\":\"CmdDeviceFinish\",\"cmd\":2,\"gen\":0}");
        assertMismatch(bad, 3, "CmdDeviceFinish");
    }

    @Test
    void shouldRejectAnEqeThatCompletesNothingClaimedToComplete() {
        String bad = GOOD.replace("{\"seq\":4,\"ev\":\"CmdDeliver\",\"cmd\":1,\"gen\":0,\"completed\":true}",
                "{\"seq\":4,\"ev\":\"CmdDeliver\",\"cmd\":1,\"gen\":0,\"completed\":false}");
        assertMismatch(bad, 4, "CmdDeliver");
    }

    @Test
    void shouldRejectAHungDeviceFinishing() {
        String bad = GOOD.replace("{\"seq\":8,\"ev\":\"CmdTimeOut\"}",
                "{\"seq\":8,\"ev\":\"CmdDeviceFinish\",\"cmd\":2,\"gen\":0}");
        assertMismatch(bad, 8, "CmdDeviceFinish");
    }

    @Test
    void shouldRejectARestartWithoutATimeout() {
        String bad = GOOD.replace("{\"seq\":5,\"ev\":\"CmdIssue\",\"op\":\"HW2SW_CQ\",\"answered\":false}",
                "{\"seq\":5,\"ev\":\"CmdResetAndRestart\"}");
        assertMismatch(bad, 5, "CmdResetAndRestart");
    }

    /** A catastrophic error under a command waiting for its EQE: woken, answered, restarted. */
    static final String CATAS = HEADER + """
            {"seq":1,"ev":"CmdIssue","op":"SW2HW_CQ","answered":false}
            {"seq":2,"ev":"CmdPost","cmd":1,"gen":0}
            {"seq":3,"ev":"CmdCatas"}
            {"seq":4,"ev":"CmdIssue","op":"HW2SW_CQ","answered":true}
            {"seq":5,"ev":"CmdResetAndRestart"}
            {"seq":6,"ev":"CmdIssue","op":"MAD_IFC","answered":false}
            {"seq":7,"ev":"CmdPost","cmd":3,"gen":1}
            {"seq":8,"ev":"CmdDeviceFinish","cmd":3,"gen":1}
            {"seq":9,"ev":"CmdDeliver","cmd":3,"gen":1,"completed":true}
            """;

    @Test
    void shouldAcceptACatastrophicErrorWakingTheCommandWaiting() {
        TraceAsserts.assertAccepted(CATAS);
    }

    @Test
    void shouldRejectACommandLeftWaitingByACatastrophicError() {
        // The woken command no longer waits: the device's late EQE for it completes nothing.
        String late = HEADER + """
                {"seq":1,"ev":"CmdIssue","op":"SW2HW_CQ","answered":false}
                {"seq":2,"ev":"CmdPost","cmd":1,"gen":0}
                {"seq":3,"ev":"CmdCatas"}
                {"seq":4,"ev":"CmdDeviceFinish","cmd":1,"gen":0}
                {"seq":5,"ev":"CmdDeliver","cmd":1,"gen":0,"completed":false}
                """;
        TraceAsserts.assertAccepted(late);
        assertMismatch(late.replace("\"completed\":false", "\"completed\":true"), 5, "CmdDeliver");
    }

    private static void assertMismatch(String trace, long seq, String event) {
        TraceAsserts.assertMismatch("HcaCommands", trace, seq, event);
    }
}
