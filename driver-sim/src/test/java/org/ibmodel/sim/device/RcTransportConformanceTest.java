// Conformance of the RC transport to specs/src/main/tla/RcTransport.tla: seeded runs under loss,
// recorded and validated with TLC (Kuppe, Cirstea and Merz 2024), and two injected bugs rejected
// at the event they produce
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.ibmodel.specs.trace.SpecEvent;
import org.ibmodel.specs.trace.SpecTrace;
import org.ibmodel.specs.trace.TraceAction;
import org.ibmodel.specs.trace.TraceValidator;
import org.junit.jupiter.api.Test;

class RcTransportConformanceTest {
    /** Seeded runs per build: {@code -Dibmodel.rcRuns=N} for more. */
    private static final int RUNS = Integer.getInteger("ibmodel.rcRuns", 200);

    @Test
    void shouldValidateEverySeededLossyRunAgainstRcTransport() {
        List<SpecTrace> traces = new ArrayList<>();
        for (long seed = 1; seed <= RUNS; seed++) {
            traces.add(RcTransportRuns.record(seed));
        }
        List<TraceValidator.Verdict> vs = TraceValidator.validateAll(traces);
        for (TraceValidator.Verdict v : vs) {
            assertTrue(v.ok(), () -> "seed " + v.trace().header().get("seed") + ": " + v.mismatch() + "\n"
                    + v.trace().toNdjson());
        }
        List<SpecEvent> all = traces.stream().flatMap(t -> t.events().stream()).toList();
        // What the runs must have exercised for the check to mean something.
        assertSeen(all, "a lost request", e -> e.action() == TraceAction.ChanLoseReq);
        assertSeen(all, "a lost response", e -> e.action() == TraceAction.ChanLoseAck);
        assertSeen(all, "a retransmission", e -> e.action() == TraceAction.ReqSend && e.bool("retry"));
        assertSeen(all, "a timeout", e -> e.action() == TraceAction.CompTimeout);
        assertSeen(all, "a duplicate re-ACKed", e -> e.action() == TraceAction.RespRecv && !e.bool("executed")
                && e.str("reply").equals("ACK"));
        assertSeen(all, "a sequence NAK", e -> e.action() == TraceAction.CompRecv && e.str("type").equals("NAK_SEQ"));
        assertSeen(all, "an RNR NAK", e -> e.action() == TraceAction.CompRecv && e.str("type").equals("RNR_NAK"));
        assertSeen(all, "RETRY_EXC_ERR", e -> e.fields().containsKey("done") && e.list("done").contains("RETRY_EXC_ERR"));
        assertSeen(all, "a flush", e -> e.action() == TraceAction.CompFlush);
        assertSeen(all, "a PSN wrap", e -> e.action() == TraceAction.ReqSend && e.num("psn") == 0);
    }

    /** The responder skips the PSN check: a duplicate request is executed as if it were new. */
    private static final TransportPolicy ACCEPTS_DUPLICATES = new TransportPolicy() {
        @Override
        public int psnDiff(int psn, int expected) {
            return Math.max(0, Psn.diff(psn, expected));
        }
    };

    /** The completer retires a WQE as soon as it is sent, before its ACK. */
    private static final TransportPolicy RETIRES_EARLY = new TransportPolicy() {
        @Override
        public boolean retirable(TransportQp t) {
            return t.cursor > 0;
        }
    };

    @Test
    void shouldRejectTheDuplicateTheResponderExecutesAsNew() {
        Rejected r = firstRejected(ACCEPTS_DUPLICATES, RcTransportConformanceTest::firstDuplicate);
        assertEquals(TraceAction.RespRecv.name(), r.mismatch.event(), r.toString());
        assertEquals(r.bugSeq, r.mismatch.seq(), r.toString());
    }

    @Test
    void shouldRejectTheCompletionTheCompleterRetiresBeforeItsAck() {
        Rejected r = firstRejected(RETIRES_EARLY, RcTransportConformanceTest::firstEarlyRetirement);
        assertTrue(r.mismatch.event().startsWith("Comp"), r.toString());
        assertEquals(r.bugSeq, r.mismatch.seq(), r.toString());
    }

    /** A requester that sends without waiting for end-to-end credits, as rxe's does. */
    private static final TransportPolicy IGNORES_CREDITS = new TransportPolicy() {
        @Override
        public boolean honoursCredits() {
            return false;
        }
    };

    /**
     * Behind an RNR NAK the model's responder sends no sequence NAK for the requests that follow
     * (Responder.rnr sets nakSent), as hfi1 and qib do; rxe_resp.c NAKs the first of them, and
     * RcTransport allows either. Two SENDs, no receive posted at first, from a requester that
     * ignores credits (the model's waits for the first ACK's credits, so its second SEND is never
     * behind an RNR NAK): the run validates, the second request's RespRecv without a reply.
     */
    @Test
    void shouldAcceptNoSequenceNakBehindAnRnrNak() {
        RcTransportRuns.Scenario s = new RcTransportRuns.Scenario(5, 2, 0x100, 7, 0, 200_000, 0, 0, 0, 0,
                new int[] {64, 64});
        SpecTrace t = RcTransportRuns.record(s, IGNORES_CREDITS, java.util.Map.of());
        SpecEvent behind = t.events().stream().filter(e -> e.action() == TraceAction.RespRecv
                && e.num("psn") == 0x101).findFirst().orElseThrow();
        assertEquals("NONE", behind.str("reply"), t.toNdjson());
        TraceValidator.Mismatch m = TraceValidator.validate(t).mismatch();
        assertNull(m, () -> m + "\n" + t.toNdjson());
    }

    /** A run with the bug, the event of it where the bug shows, and what the validator said. */
    private record Rejected(long seed, long bugSeq, TraceValidator.Mismatch mismatch, SpecTrace trace) {
        @Override
        public String toString() {
            return "seed " + seed + ": the bug is at seq " + bugSeq + "; the validator: " + mismatch + "\n"
                    + trace.toNdjson();
        }
    }

    /**
     * The first seed whose run with {@code bug} has an event {@code where} finds (the event the
     * bug produced, judged from the trace alone), validated.
     */
    private static Rejected firstRejected(TransportPolicy bug, java.util.function.ToLongFunction<SpecTrace> where) {
        for (long seed = 1; seed <= 400; seed++) {
            SpecTrace t = RcTransportRuns.record(seed, bug);
            long at = where.applyAsLong(t);
            if (at > 0) {
                TraceValidator.Verdict v = TraceValidator.validate(t);
                assertNotNull(v.mismatch(), "seed " + seed + ": the run with the bug at seq " + at + " was accepted");
                return new Rejected(seed, at, v.mismatch(), t);
            }
        }
        throw new AssertionError("no run in 400 seeds made the bug show");
    }

    /** The first RespRecv of a PSN already executed (behind the expected PSN), or 0. */
    static long firstDuplicate(SpecTrace t) {
        long expected = (Long) t.header().get("startPsn");
        for (SpecEvent e : t.events()) {
            if (e.action() != TraceAction.RespRecv) {
                continue;
            }
            long behind = Math.floorMod(expected - e.num("psn"), TraceValidator.RC_PSN_MOD);
            if (behind > 0 && behind <= TraceValidator.RC_PSN_MOD / 2) {
                return e.seq();
            }
            if (e.bool("executed") && behind == 0) {
                expected = (expected + 1) % TraceValidator.RC_PSN_MOD;
            }
        }
        return 0;
    }

    /** The first completer step that retires with success a WR no response has acknowledged, or 0. */
    static long firstEarlyRetirement(SpecTrace t) {
        long start = (Long) t.header().get("startPsn");
        long acked = 0;
        for (SpecEvent e : t.events()) {
            if (e.action() == TraceAction.CompRecv) {
                long wr = Math.floorMod(e.num("psn") - start, TraceValidator.RC_PSN_MOD) + 1;
                acked = Math.max(acked, e.str("type").equals("ACK") ? wr : wr - 1);
            }
            if (e.action() == TraceAction.CompRecv || e.action() == TraceAction.CompTimeout) {
                List<Object> done = e.list("done");
                List<Object> wrs = e.list("wrs");
                for (int i = 0; i < done.size(); i++) {
                    if (done.get(i).equals("SUCCESS") && (Long) wrs.get(i) > acked) {
                        return e.seq();
                    }
                }
            }
        }
        return 0;
    }

    private static void assertSeen(List<SpecEvent> all, String what, Predicate<SpecEvent> p) {
        assertTrue(all.stream().anyMatch(p), "no " + what + " in " + RUNS + " runs");
    }
}
