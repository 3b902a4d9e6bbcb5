// include/trace/events/rdma_core.h; the tracepoints as drivers/infiniband/core/cq.c and verbs.c fire them
package org.ibmodel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.ibmodel.traces.Layout;
import org.ibmodel.traces.RdmaCore;
import org.ibmodel.traces.TraceBuffer;
import org.ibmodel.traces.TraceReader;
import org.ibmodel.traces.TraceRecord;
import org.ibmodel.traces.Unparsed;
import org.junit.jupiter.api.Test;

class TracerTest {
    private final Fixture f = new Fixture();
    private final TraceBuffer buffer = new TraceBuffer(4096);

    private void attach() {
        f.core.tracer(new Tracer(f.kernel, buffer, Tracer.steppingClock(5_000_000_000L, 1_000L)).task("ulp", 42));
    }

    /** A ULP's life: two ib_alloc_cq CQs, a send, completions reaped in softirq, drain, teardown. */
    private void scenario() {
        Cq scq = Cq.alloc(f.dev, 64, 0, PollContext.SOFTIRQ).get();
        Cq rcq = Cq.alloc(f.dev, 64, 0, PollContext.SOFTIRQ).get();
        Qp a = f.rcQp(scq, scq);
        Qp b = f.rcQp(rcq, rcq);
        Fixture.connect(a, b);
        long src = f.pattern(64, 3);
        long dst = f.buf(64);
        Mr mr = f.mr(src, 64, AccessFlags.LOCAL_WRITE);
        Mr rmr = f.mr(dst, 64, AccessFlags.LOCAL_WRITE);
        List<Wc> done = new ArrayList<>();
        assertTrue(b.postRecv(new RecvWr(1, (c, wc) -> done.add(wc.copy()), List.of(new Sge(dst, 64, rmr.lkey()))))
                .ok());
        assertTrue(a.postSend(new SendWr().wrId(2).opcode(WrOpcode.SEND).sendFlags(SendFlags.SIGNALED)
                .sgList(new Sge(src, 64, mr.lkey())).wrCqe((c, wc) -> done.add(wc.copy()))).ok());
        f.run();
        assertEquals(2, done.size());
        a.drain();
        b.drain();
        assertEquals(0, a.destroy());
        assertEquals(0, b.destroy());
        assertEquals(0, mr.dereg());
        assertEquals(0, rmr.dereg());
        scq.freeCq();
        rcq.freeCq();
    }

    private List<String> names() {
        return buffer.records().stream().map(r -> r.event().name()).collect(Collectors.toList());
    }

    @Test
    void shouldFireNothingWithoutATracer() {
        scenario();
        assertEquals(0, buffer.written());
    }

    @Test
    void shouldFireTheRdmaCoreTracepointsWhereCqCAndVerbsCDo() {
        attach();
        scenario();
        List<String> names = names();
        assertEquals(List.of("cq_alloc", "cq_alloc"), names.subList(0, 2));
        assertEquals(new RdmaCore.CqAlloc(0, 64, 0, "SOFTIRQ"), buffer.records().get(0).event());
        assertEquals(new RdmaCore.CqAlloc(1, 64, 0, "SOFTIRQ"), buffer.records().get(1).event());
        int sched = names.indexOf("cq_schedule");
        // ib_cq_completion_softirq, then ib_poll_handler's __ib_process_cq and __poll_cq.
        assertTrue(sched < names.indexOf("cq_process") && names.indexOf("cq_process") < names.indexOf("cq_poll"));
        assertEquals("d.h1.", buffer.records().get(sched).header().flags());
        assertEquals("..s1.", buffer.records().get(names.indexOf("cq_process")).header().flags());
        assertEquals(4, names.stream().filter("cq_drain_complete"::equals).count());
        assertEquals(List.of("mr_dereg", "mr_dereg", "cq_free", "cq_free"), names.subList(names.size() - 4, names.size()));
        RdmaCore.CqProcess p = (RdmaCore.CqProcess) buffer.records().get(names.indexOf("cq_process")).event();
        assertTrue(p.interrupt());
    }

    /**
     * ib_cq_poll_work runs on a kworker of ib-comp-wq (high priority, per CPU) or of
     * ib-comp-unb-wq (unbound): its cq_process and cq_poll are that worker's, not the task's that
     * made the CQ, as workqueue.c create_worker names it.
     */
    @Test
    void shouldChargeTheCqPollWorkToItsKworker() {
        attach();
        for (PollContext ctx : new PollContext[] {PollContext.WORKQUEUE, PollContext.UNBOUND_WORKQUEUE}) {
            int from = buffer.records().size();
            Cq cq = Cq.alloc(f.dev, 16, 0, ctx).get();
            Qp a = f.rcQp(cq, cq);
            Qp b = f.rcQp(cq, cq);
            Fixture.connect(a, b);
            long src = f.pattern(8, 1);
            Mr mr = f.mr(src, 8, AccessFlags.LOCAL_WRITE);
            List<Wc> done = new ArrayList<>();
            assertTrue(a.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sendFlags(SendFlags.SIGNALED)
                    .sgList(new Sge(src, 8, mr.lkey())).remoteAddr(src).rkey(mr.rkey())
                    .wrCqe((c, wc) -> done.add(wc.copy()))).ok());
            f.run();
            assertEquals(1, done.size(), ctx.name());
            String worker = ctx == PollContext.WORKQUEUE ? "kworker/0:1H" : "kworker/u4:1";
            List<TraceRecord> run = buffer.records().subList(from, buffer.records().size());
            for (TraceRecord r : run) {
                String name = r.event().name();
                // cq_schedule fires in the completion interrupt.
                String want = name.equals("cq_process") || name.equals("cq_poll") ? worker
                        : name.equals("cq_schedule") ? "<idle>" : "ulp";
                assertEquals(want, r.header().comm(), ctx.name() + " " + name);
            }
            assertTrue(run.stream().anyMatch(r -> r.event().name().equals("cq_poll")), ctx.name());
            assertEquals(0, a.destroy());
            assertEquals(0, b.destroy());
            assertEquals(0, mr.dereg());
            cq.freeCq();
        }
    }

    @Test
    void shouldRoundTripModelRecordsThroughTheSysfsText() throws IOException {
        attach();
        scenario();
        StringBuilder text = new StringBuilder();
        buffer.writeTo(text, Layout.SYSFS_FLAGS5, 1);
        List<TraceRecord> back = new ArrayList<>();
        List<Unparsed> bad = new ArrayList<>();
        new TraceReader().read(new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)),
                new TraceReader.Handler() {
                    @Override
                    public void record(TraceRecord record) {
                        back.add(record.withoutLine());
                    }

                    @Override
                    public void unparsed(Unparsed problem) {
                        bad.add(problem);
                    }
                });
        assertEquals(List.of(), bad);
        assertEquals(buffer.records(), back);
    }

    @Test
    void shouldGiveRestrackIdsCyclicallyPerTypeAndReuseThemAfterWrapping() {
        Restrack rt = new Restrack(2);
        assertEquals(0, rt.add(ResType.CQ));
        assertEquals(1, rt.add(ResType.CQ));
        assertEquals(0, rt.add(ResType.MR));
        rt.del(ResType.CQ, 0);
        // xa_alloc_cyclic goes on from next_id; id 0 comes back only after the wrap.
        assertEquals(2, rt.add(ResType.CQ));
        assertEquals(0, rt.add(ResType.CQ));
        assertEquals(-1, rt.add(ResType.CQ));
    }

    @Test
    void shouldPrintTheIdOfAFreedCqForTheNextCqOnlyAfterWrapping() {
        attach();
        Cq a = Cq.alloc(f.dev, 8, 0, PollContext.DIRECT).get();
        a.freeCq();
        Cq b = Cq.alloc(f.dev, 8, 0, PollContext.DIRECT).get();
        assertEquals(0, a.resId());
        assertEquals(1, b.resId());
        b.freeCq();
    }
}
