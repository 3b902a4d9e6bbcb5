package org.ibmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
    @TempDir
    Path dir;

    private static final String HEADER = "{\"trace\":\"ibmodel-spec\",\"specs\":[\"QpStateMachine\",\"WorkQueues\"]}\n";

    /** A UD QP brought up; a send, a receive; the HCA runs; both polled. */
    private static final String GOOD = HEADER + """
            {"seq":1,"ev":"CreateCq","cq":1,"depth":2}
            {"seq":2,"ev":"CreateQp","qpn":64,"type":"UD","sendCq":1,"recvCq":1,"maxSendWr":2,"maxRecvWr":2}
            {"seq":3,"ev":"UserModify","qpn":64,"from":"RESET","to":"INIT","mask":["STATE","PKEY_INDEX","PORT","QKEY"]}
            {"seq":4,"ev":"UserPostRecv","qpn":64,"wr":1,"wrId":7}
            {"seq":5,"ev":"UserModify","qpn":64,"from":"INIT","to":"RTR","mask":["STATE"]}
            {"seq":6,"ev":"UserModify","qpn":64,"from":"RTR","to":"RTS","mask":["STATE","SQ_PSN"]}
            {"seq":7,"ev":"UserPostSend","qpn":64,"wr":2,"wrId":8,"signaled":true}
            {"seq":8,"ev":"HcaRun","states":{"64":"RTS"},"cqErr":[]}
            {"seq":9,"ev":"UserPoll","cq":1,"qpn":64,"wr":2,"wrId":8,"kind":"send","status":"SUCCESS"}
            {"seq":10,"ev":"UserPoll","cq":1,"qpn":64,"wr":1,"wrId":7,"kind":"recv","status":"SUCCESS"}
            """;

    /** RcTransport: two SENDs whose PSNs wrap; the first ACK is lost, the second covers both. */
    private static final String RC = """
            {"trace":"ibmodel-spec","specs":["RcTransport"],"numWr":2,"startPsn":16777215,"window":64,\
            "retryCnt":7,"rnrRetry":6}
            {"seq":1,"ev":"RespPostRecv"}
            {"seq":2,"ev":"RespPostRecv"}
            {"seq":3,"ev":"ReqSend","wr":1,"psn":16777215,"retry":false}
            {"seq":4,"ev":"ReqSend","wr":2,"psn":0,"retry":false}
            {"seq":5,"ev":"RespRecv","psn":16777215,"executed":true,"reply":"ACK","replyPsn":16777215}
            {"seq":6,"ev":"RespRecv","psn":0,"executed":true,"reply":"ACK","replyPsn":0}
            {"seq":7,"ev":"ChanLoseAck","type":"ACK","psn":16777215}
            {"seq":8,"ev":"CompRecv","type":"ACK","psn":0,"done":["SUCCESS","SUCCESS"],"wrs":[1,2]}
            """;

    @Test
    void shouldValidateAnRcTransportTrace() throws IOException {
        CliRun r = CliRun.of("validate", file("rc.ndjson", RC).toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("8 events, a behaviour of RcTransport"), r.out());
        // The responder takes a request with a PSN never sent.
        Path p = file("rc-bad.ndjson", RC.replace("{\"seq\":6,\"ev\":\"RespRecv\",\"psn\":0,",
                "{\"seq\":6,\"ev\":\"RespRecv\",\"psn\":1,"));
        CliRun bad = CliRun.of("validate", p.toString());
        assertEquals(1, bad.exit(), bad.out() + bad.err());
        assertTrue(bad.out().startsWith(p + ":7: seq 6: RespRecv is not a step of RcTransport"), bad.out());
    }

    /** SqDrain: a WRITE in progress at RTS2SQD, SQD2RTS refused until it completes with the event. */
    private static final String SQD = """
            {"trace":"ibmodel-spec","specs":["SqDrain"],"seed":3}
            {"seq":1,"ev":"Post"}
            {"seq":2,"ev":"Begin","wr":1}
            {"seq":3,"ev":"ToSqd","notify":true,"drained":0}
            {"seq":4,"ev":"RefuseLeaveSqd","to":"RTS"}
            {"seq":5,"ev":"Complete","wr":1,"drained":1}
            {"seq":6,"ev":"LeaveSqd","to":"RTS","change":false}
            """;

    @Test
    void shouldValidateAnSqDrainTrace() throws IOException {
        CliRun r = CliRun.of("validate", file("sqd.ndjson", SQD).toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("6 events, a behaviour of SqDrain"), r.out());
        // The device takes SQD2RTS with the WRITE still in progress.
        Path p = file("sqd-bad.ndjson", SQD.replace("{\"seq\":4,\"ev\":\"RefuseLeaveSqd\",\"to\":\"RTS\"}",
                "{\"seq\":4,\"ev\":\"LeaveSqd\",\"to\":\"RTS\",\"change\":false}"));
        CliRun bad = CliRun.of("validate", p.toString());
        assertEquals(1, bad.exit(), bad.out() + bad.err());
        assertTrue(bad.out().startsWith(p + ":5: seq 4: LeaveSqd is not a step of SqDrain"), bad.out());
        assertTrue(bad.out().contains("expected: LeaveSqd (IsLeaveSqd)"), bad.out());
    }

    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    @Test
    void shouldAcceptABehaviourOfItsSpecs() throws IOException {
        CliRun r = CliRun.of("validate", file("good.ndjson", GOOD).toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("10 events, a behaviour of QpStateMachine and WorkQueues"), r.out());
    }

    @Test
    void shouldReportTheFirstUnmatchedEventWithItsLine() throws IOException {
        // The send completes before it is posted: the HCA cannot have executed it yet.
        String bad = GOOD.replace("{\"seq\":7,\"ev\":\"UserPostSend\",\"qpn\":64,\"wr\":2,\"wrId\":8,\"signaled\":true}\n"
                + "{\"seq\":8,\"ev\":\"HcaRun\",\"states\":{\"64\":\"RTS\"},\"cqErr\":[]}",
                "{\"seq\":7,\"ev\":\"HcaRun\",\"states\":{\"64\":\"RTS\"},\"cqErr\":[]}\n"
                + "{\"seq\":8,\"ev\":\"UserPostSend\",\"qpn\":64,\"wr\":2,\"wrId\":8,\"signaled\":true}");
        Path p = file("bad.ndjson", bad);
        CliRun r = CliRun.of("validate", p.toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().startsWith(p + ":10: seq 9: UserPoll is not a step of WorkQueues"), r.out());
        assertTrue(r.out().contains("  event:    {\"seq\":9,\"ev\":\"UserPoll\""), r.out());
        assertTrue(r.out().contains("  expected: UserPoll (IsUserPoll)"), r.out());
    }

    @Test
    void shouldReportAModifyTheTableForbids() throws IOException {
        Path p = file("bad.ndjson", GOOD.replace("\"to\":\"RTS\",\"mask\":[\"STATE\",\"SQ_PSN\"]", "\"to\":\"RTS\",\"mask\":[\"STATE\"]"));
        CliRun r = CliRun.of("validate", p.toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().startsWith(p + ":7: seq 6: UserModify is not a step of QpStateMachine"), r.out());
    }

    /** A number out of the range its field can hold is a malformed trace, named by its line. */
    @Test
    void shouldRefuseAFieldOutOfRangeWithItsLine() throws IOException {
        for (String bad : new String[] {"\"depth\":2147483648", "\"depth\":-1"}) {
            Path p = file("range.ndjson", GOOD.replace("\"depth\":2", bad));
            CliRun r = CliRun.of("validate", p.toString());
            assertEquals(2, r.exit(), r.out() + r.err());
            assertEquals("ibmodel: " + p + ":2: CreateCq: \"depth\" is out of range (0 to 2147483647)", r.err().strip());
        }
    }

    /**
     * Header constants missing or out of their range make the trace malformed (exit 2), named
     * with the header's line, not a behaviour the spec refuses (exit 1), nor handed to TLC.
     */
    @Test
    void shouldNameTheRangesOfTheHeaderConstants() throws IOException {
        Path rc = file("rc.ndjson", RC.replace("\"retryCnt\":7", "\"retryCnt\":8"));
        CliRun r = CliRun.of("validate", rc.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().startsWith("ibmodel: " + rc + ":1: RcTransport: the header needs"), r.err());
        assertTrue(r.err().contains("retryCnt and rnrRetry 0 to 7"), r.err());
        Path uv = file("uv.ndjson", "{\"trace\":\"ibmodel-spec\",\"specs\":[\"UverbsDisassociate\"],"
                + "\"files\":2000000000}\n");
        CliRun u = CliRun.of("validate", uv.toString());
        assertEquals(2, u.exit(), u.out() + u.err());
        assertEquals("ibmodel: " + uv + ":1: UverbsDisassociate: the header needs the integer files, 1 to 1000",
                u.err().strip());
    }

    @Test
    void shouldNameFileAndLineOfAMalformedTrace() throws IOException {
        Path p = file("broken.ndjson", GOOD.replace("{\"seq\":5,\"ev\":\"UserModify\"", "{\"seq\":5,\"ev\":\"UserModfy\""));
        CliRun r = CliRun.of("validate", p.toString());
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals("ibmodel: " + p + ":6: unknown event \"UserModfy\"", r.err().strip());
        CliRun notJson = CliRun.of("validate", file("text.ndjson", HEADER + "seq 1\n").toString());
        assertEquals(2, notJson.exit());
        assertTrue(notJson.err().strip().matches("ibmodel: .*text.ndjson:2: not a JSON object: .*"), notJson.err());
        CliRun missing = CliRun.of("validate", dir.resolve("none.ndjson").toString());
        assertEquals(2, missing.exit());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
        // Not a regular file, but one that reads (as a pipe does): read, and found empty.
        CliRun devNull = CliRun.of("validate", "/dev/null");
        assertEquals(2, devNull.exit());
        assertEquals("ibmodel: /dev/null:1: empty trace: no header line", devNull.err().strip());
        CliRun directory = CliRun.of("validate", dir.toString());
        assertEquals(2, directory.exit());
        assertEquals("ibmodel: " + dir + ": is a directory", directory.err().strip());
        Path binary = dir.resolve("capture.pcap");
        Files.write(binary, new byte[] {(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, 2, 0, 4, 0});
        CliRun notText = CliRun.of("validate", binary.toString());
        assertEquals(2, notText.exit());
        assertEquals("ibmodel: " + binary + ":1: not UTF-8 text (byte 0), so not a recorded run (NDJSON)",
                notText.err().strip());
        // One byte flipped in a recorded run: its line and offset are said.
        byte[] run = GOOD.getBytes(StandardCharsets.UTF_8);
        int third = GOOD.indexOf('\n', GOOD.indexOf('\n') + 1) + 1;
        run[third + 5] = (byte) 0xff;
        Path flipped = dir.resolve("flipped.ndjson");
        Files.write(flipped, run);
        CliRun damaged = CliRun.of("validate", flipped.toString());
        assertEquals(2, damaged.exit());
        assertEquals("ibmodel: " + flipped + ":3: not UTF-8 text (byte " + (third + 5)
                + "), so not a recorded run (NDJSON)", damaged.err().strip());
    }
}
