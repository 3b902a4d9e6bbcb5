// RcTransportTrace.tla on a hand-written trace: the retry counters a NAK with progress refills
// (specs/src/main/tla/RcTransport.tla CompNak; rxe_comp.c check_psn, reset_retry_counters)
package org.ibmodel.specs.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
