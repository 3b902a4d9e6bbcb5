// RcTransportTrace.tla on a hand-written trace: the retry counters a NAK with progress refills
// (specs/src/main/tla/RcTransport.tla CompNak; rxe_comp.c check_psn, reset_retry_counters)
package org.ibmodel.specs.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class RcTransportTraceTest {
    /**
     * retry_cnt 1, rnr_retry 1. A timeout spends WR 1's only retry; its resend and WR 2 go out,
     * WR 2 finds no receive. The RNR NAK for WR 2 acknowledges WR 1, which refills both counters
     * before the RNR one counts this retry, so the timeout after WR 2's resend is a retry too,
     * not RETRY_EXC_ERR.
     */
    static final String REFILL = """
            {"trace":"ibmodel-spec","specs":["RcTransport"],"numWr":2,"startPsn":0,"window":64,\
            "retryCnt":1,"rnrRetry":1}
            {"seq":1,"ev":"RespPostRecv"}
            {"seq":2,"ev":"ReqSend","wr":1,"psn":0,"retry":false}
            {"seq":3,"ev":"CompTimeout","done":[],"wrs":[]}
            {"seq":4,"ev":"ReqSend","wr":1,"psn":0,"retry":true}
            {"seq":5,"ev":"ReqSend","wr":2,"psn":1,"retry":false}
            {"seq":6,"ev":"ChanLoseReq","psn":0}
            {"seq":7,"ev":"RespRecv","psn":0,"executed":true,"reply":"ACK","replyPsn":0}
            {"seq":8,"ev":"RespRecv","psn":1,"executed":false,"reply":"RNR_NAK","replyPsn":1}
            {"seq":9,"ev":"ChanLoseAck","type":"ACK","psn":0}
            {"seq":10,"ev":"CompRecv","type":"RNR_NAK","psn":1,"done":["SUCCESS"],"wrs":[1]}
            {"seq":11,"ev":"ReqSend","wr":2,"psn":1,"retry":true}
            {"seq":12,"ev":"CompTimeout","done":[],"wrs":[]}
            """;

    @Test
    void shouldRefillBothRetryCountersOnANakWithProgress() {
        TraceValidator.Verdict v = TraceValidator.validate(SpecTrace.parse("refill.ndjson", REFILL));
        assertNull(v.mismatch(), () -> String.valueOf(v.mismatch()));
    }

    @Test
    void shouldRejectTheTimeoutFailingWithItsRetriesRefilled() {
        String bad = REFILL.replace("{\"seq\":12,\"ev\":\"CompTimeout\",\"done\":[],\"wrs\":[]}",
                "{\"seq\":12,\"ev\":\"CompTimeout\",\"done\":[\"RETRY_EXC_ERR\"],\"wrs\":[2]}");
        TraceValidator.Mismatch m = TraceValidator.validate(SpecTrace.parse("bad.ndjson", bad)).mismatch();
        assertNotNull(m, bad);
        assertEquals(12, m.seq(), m.toString());
        assertEquals("CompTimeout", m.event());
    }

    /**
     * Traces of one connection share a load of the spec with NumWr the most of them; a trace whose
     * header says one WR is still refused at its second WR's first event.
     */
    @Test
    void shouldHoldEachTraceToItsOwnNumberOfWrs() {
        String one = REFILL.replace("\"numWr\":2", "\"numWr\":1");
        List<TraceValidator.Verdict> v = TraceValidator.validateAll(
                List.of(SpecTrace.parse("two.ndjson", REFILL), SpecTrace.parse("one.ndjson", one)));
        assertNull(v.get(0).mismatch(), () -> String.valueOf(v.get(0).mismatch()));
        TraceValidator.Mismatch m = v.get(1).mismatch();
        assertNotNull(m, one);
        assertEquals(5, m.seq(), m.toString());
        assertEquals("WR 2 is past the header's numWr 1", m.detail());
    }

    /** NumWr and Window are at least 1 in the spec: a header of 0 is malformed, not read as 1. */
    @Test
    void shouldRefuseAHeaderOfNoWrsOrNoWindow() {
        for (String bad : List.of("\"numWr\":0", "\"window\":0")) {
            String t = REFILL.replace(bad.startsWith("\"numWr") ? "\"numWr\":2" : "\"window\":64", bad);
            TraceValidator.Mismatch m = TraceValidator.validate(SpecTrace.parse("zero.ndjson", t)).mismatch();
            assertNotNull(m, t);
            assertEquals("header", m.event(), m.toString());
            assertEquals(1, m.line(), m.toString());
        }
    }

    /**
     * rnr_retry 7 retries for ever (IBA 9.7.5.2.8; rxe_comp.c, qib_rc.c do_rc_ack): eight RNR NAKs
     * in a row, each resent, then the receive is posted and the SEND goes through.
     */
    static String rnrForever(int naks, boolean failLast) {
        StringBuilder t = new StringBuilder("{\"trace\":\"ibmodel-spec\",\"specs\":[\"RcTransport\"],\"numWr\":1,"
                + "\"startPsn\":0,\"window\":64,\"retryCnt\":1,\"rnrRetry\":7}\n");
        int seq = 1;
        t.append("{\"seq\":").append(seq++).append(",\"ev\":\"ReqSend\",\"wr\":1,\"psn\":0,\"retry\":false}\n");
        for (int i = 0; i < naks; i++) {
            t.append("{\"seq\":").append(seq++).append(",\"ev\":\"RespRecv\",\"psn\":0,\"executed\":false,"
                    + "\"reply\":\"RNR_NAK\",\"replyPsn\":0}\n");
            boolean fail = failLast && i == naks - 1;
            t.append("{\"seq\":").append(seq++).append(",\"ev\":\"CompRecv\",\"type\":\"RNR_NAK\",\"psn\":0,")
                    .append(fail ? "\"done\":[\"RNR_RETRY_EXC_ERR\"],\"wrs\":[1]}\n" : "\"done\":[],\"wrs\":[]}\n");
            if (!fail) {
                t.append("{\"seq\":").append(seq++).append(",\"ev\":\"ReqSend\",\"wr\":1,\"psn\":0,\"retry\":true}\n");
            }
        }
        if (!failLast) {
            t.append("{\"seq\":").append(seq++).append(",\"ev\":\"RespPostRecv\"}\n");
            t.append("{\"seq\":").append(seq++).append(",\"ev\":\"RespRecv\",\"psn\":0,\"executed\":true,"
                    + "\"reply\":\"ACK\",\"replyPsn\":0}\n");
            t.append("{\"seq\":").append(seq).append(",\"ev\":\"CompRecv\",\"type\":\"ACK\",\"psn\":0,"
                    + "\"done\":[\"SUCCESS\"],\"wrs\":[1]}\n");
        }
        return t.toString();
    }

    @Test
    void shouldRetryRnrNaksForEverWithRnrRetrySeven() {
        TraceValidator.Verdict v = TraceValidator.validate(SpecTrace.parse("forever.ndjson", rnrForever(8, false)));
        assertNull(v.mismatch(), () -> String.valueOf(v.mismatch()));
        String failing = rnrForever(8, true);
        TraceValidator.Mismatch m = TraceValidator.validate(SpecTrace.parse("spent.ndjson", failing)).mismatch();
        assertNotNull(m, "rnr_retry 7 is never spent: " + failing);
        assertEquals("CompRecv", m.event(), m.toString());
    }
}
