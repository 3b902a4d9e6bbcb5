package org.ibmodel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DemoCommandTest {
    @Test
    void shouldWalkThroughTheVerbsOnOneHostAndLeaveNothingAllocated() {
        CliRun run = CliRun.of("demo", "--single-host");
        assertEquals(0, run.exit(), run.err());
        String out = run.out();
        assertTrue(out.contains("RESET -> INIT  mask IB_QP_STATE | IB_QP_ACCESS_FLAGS | IB_QP_PKEY_INDEX | IB_QP_PORT"), out);
        assertTrue(out.contains("RTR->RTS without IB_QP_SQ_PSN: EINVAL"), out);
        assertTrue(out.contains("B's buffer now holds \"hello, InfiniBand\""), out);
        assertTrue(out.contains("read back: \"written by RDMA\""), out);
        assertTrue(out.contains("original value returned to A: 37; counter now 42"), out);
        assertTrue(out.contains("status=IB_WC_REM_ACCESS_ERR"), out);
        assertTrue(out.contains("status=IB_WC_WR_FLUSH_ERR"), out);
        assertTrue(out.contains("ib_destroy_cq while QPs use it: EBUSY"), out);
        assertTrue(out.contains("0 objects left allocated"), out);
    }

    @Test
    void shouldPrintOnlyTheSummaryWhenQuiet() {
        CliRun run = CliRun.of("demo", "--single-host", "--quiet");
        assertEquals(0, run.exit());
        assertEquals(1, run.out().lines().count(), run.out());
        assertTrue(run.out().startsWith("summary:"), run.out());
    }

    @Test
    void shouldBeDeterministic() {
        assertEquals(CliRun.of("demo", "--single-host").out(), CliRun.of("demo", "--single-host").out());
    }
}
