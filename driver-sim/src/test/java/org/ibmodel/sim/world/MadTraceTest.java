// The MAD layer's tracepoints (include/trace/events/ib_mad.h) as mad.c fires them, read back from
// the text /sys/kernel/tracing/trace would show
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.QpType;
import org.ibmodel.core.Tracer;
import org.ibmodel.core.mad.MadAgent;
import org.ibmodel.core.mad.MadLayer;
import org.ibmodel.core.mad.MadSendBuf;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.traces.IbMad;
import org.ibmodel.traces.TraceBuffer;
import org.ibmodel.traces.TraceReader;
import org.ibmodel.traces.TraceRecord;
import org.ibmodel.traces.Unparsed;
import org.junit.jupiter.api.Test;

/** h0's kernel traced while an agent there asks h1 (which runs the MAD layer too) for its NodeInfo. */
class MadTraceTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 31);

    private static String at(String what) {
        return what + "\nreplay: mvn -B -pl driver-sim -am verify -Dtest=MadTraceTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dibmodel.seed=" + SEED;
    }

    private static List<TraceRecord> readBack(String text) throws IOException {
        List<TraceRecord> back = new ArrayList<>();
        List<Unparsed> bad = new ArrayList<>();
        new TraceReader().read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
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
        assertEquals(List.of(), bad, at("every line read"));
        return back;
    }

    @Test
    void shouldTraceAnAgentsRequestAndResponseAsTheKernelPrintsThem() throws IOException {
        try (World w = World.of(SEED, 2)) {
            MadLayer mad0 = new MadLayer();
            assertEquals(0, w.host(0).core().registerClient(mad0));
            assertEquals(0, w.host(1).core().registerClient(new MadLayer()));
            TraceBuffer buffer = new TraceBuffer(4096);
            w.host(0).core().tracer(new Tracer(w.host(0).kernel(), buffer, () -> w.scheduler().now()));
            IbDevice dev = w.host(0).driver(0).device();
            MadAgent agent = mad0.registerMadAgent(dev, 1, QpType.SMI, null, (sb, st) -> {
                sb.ah.destroy();
                sb.agent().freeSendMad(sb);
            }, (sb, r) -> { }).get();

            // A LID-routed SubnGet(NodeInfo), then a directed-route one along h0 port 1, switch port 2.
            for (boolean directed : new boolean[] {false, true}) {
                MadSendBuf sb = agent.createSendMad(0, 0, 24, 232).get();
                Layout.Mad.BASE_VERSION.set(sb.mad, 0, 1);
                Layout.Mad.MGMT_CLASS.set(sb.mad, 0, directed ? 0x81 : 0x01);
                Layout.Mad.CLASS_VERSION.set(sb.mad, 0, 1);
                Layout.Mad.METHOD.set(sb.mad, 0, 0x01);
                Layout.Mad.TID.set(sb.mad, 0, (long) agent.hiTid() << 32 | (directed ? 2 : 1));
                Layout.Mad.ATTR_ID.set(sb.mad, 0, 0x0011);
                if (directed) {
                    SwitchSma.HOP_CNT.set(sb.mad, 0, 2);
                    Layout.Mad.DR_SLID.set(sb.mad, 0, 0xffff);
                    Layout.Mad.DR_DLID.set(sb.mad, 0, 0xffff);
                    sb.mad[SwitchSma.INITIAL_PATH + 1] = 1;
                    sb.mad[SwitchSma.INITIAL_PATH + 2] = 2;
                }
                sb.timeoutMs = 100;
                sb.ah = Ah.create(agent.qp().pd(), AhAttr.lid(1, directed ? 0xffff : w.lid(1))).get();
                assertEquals(0, agent.postSendMad(sb));
                w.settle();
            }
            agent.unregister();

            // The CQ's own tracepoints (cq_schedule, cq_process, cq_poll) come between, as in a real trace.
            List<TraceRecord> madRecords = buffer.records().stream()
                    .filter(r -> r.event().name().startsWith("ib_mad_")).toList();
            assertTrue(buffer.records().stream().anyMatch(r -> r.event().name().equals("cq_poll")));
            List<String> names = madRecords.stream().map(r -> r.event().name()).toList();
            List<String> one = List.of("ib_mad_ib_send_mad", "ib_mad_send_done_agent", "ib_mad_send_done_handler",
                    "ib_mad_recv_done_handler", "ib_mad_recv_done_agent");
            List<String> want = new ArrayList<>();
            want.add("ib_mad_create_agent");
            want.addAll(one);
            want.add("ib_mad_handle_out_ib_smi");
            want.addAll(one.subList(0, 4));
            want.add("ib_mad_handle_ib_smi");
            want.add("ib_mad_recv_done_agent");
            want.add("ib_mad_unregister_agent");
            assertEquals(want, names, at("what mad.c fires, in order"));

            IbMad.MadEvent send = (IbMad.MadEvent) madRecords.get(1).event();
            String body = send.body();
            assertTrue(body.startsWith("0:1 QP0 agent "), at(body));
            assertTrue(body.contains("; 0/0 retries(0); timeout 25 length 256 :"), at("100 ms in jiffies: " + body));
            assertTrue(body.contains("tid 0x" + Long.toHexString((long) agent.hiTid() << 32 | 1)), at(body));
            assertTrue(body.contains("=> dlid 0x" + String.format("%02x", w.lid(1)) + "000000 sl 0 rpqn 0x0 "
                    + "rqpkey 0x80000000"), at("the DLID byte-swapped, as be32_to_cpu prints it: " + body));
            IbMad.MadEvent recv = (IbMad.MadEvent) madRecords.get(4).event();
            assertTrue(recv.body().contains("method 0x81") && recv.body().contains(
                    String.format("slid 0x%08x src QP0", w.lid(1))), at(recv.body()));
            IbMad.Smp back = (IbMad.Smp) madRecords.get(11).event();
            assertEquals(1, back.hopPtr(), at("as it came in, before the SMI moves it to 0 for the SM"));
            assertEquals(2, back.hopCnt());
            assertTrue(back.returnPath().startsWith("00 01 01 "), at("ReturnPath: switch port 1, h1 port 1"));

            StringBuilder text = new StringBuilder();
            buffer.writeTo(text, org.ibmodel.traces.Layout.SYSFS_FLAGS5, 1);
            assertEquals(buffer.records(), readBack(text.toString()), at("the text reads back as the records"));
        }
    }

    /**
     * Sends past the send queue are traced again when they leave the overflow list
     * (ib_mad_send_done_resend); a request sent again after its timeout counts its retries down.
     */
    @Test
    void shouldTraceTheOverflowListsResendsAndEachRetry() throws IOException {
        try (World w = World.of(SEED, 2)) {
            MadLayer mad0 = new MadLayer(MadLayer.QP_MIN_SIZE, MadLayer.QP_MIN_SIZE);
            assertEquals(0, w.host(0).core().registerClient(mad0));
            TraceBuffer buffer = new TraceBuffer(8192);
            w.host(0).core().tracer(new Tracer(w.host(0).kernel(), buffer, () -> w.scheduler().now()));
            IbDevice dev = w.host(0).driver(0).device();
            MadAgent agent = mad0.registerMadAgent(dev, 1, QpType.GSI, null, (sb, st) -> {
                sb.ah.destroy();
                sb.agent().freeSendMad(sb);
            }, (sb, r) -> { }).get();
            // h1 runs no MAD layer: nothing answers.
            for (int i = 0; i < MadLayer.QP_MIN_SIZE + 6; i++) {
                MadSendBuf sb = agent.createSendMad(1, 0, 24, 232).get();
                Layout.Mad.BASE_VERSION.set(sb.mad, 0, 1);
                Layout.Mad.MGMT_CLASS.set(sb.mad, 0, 0x04);
                Layout.Mad.CLASS_VERSION.set(sb.mad, 0, 1);
                Layout.Mad.METHOD.set(sb.mad, 0, 0x01);
                Layout.Mad.TID.set(sb.mad, 0, (long) agent.hiTid() << 32 | i);
                Layout.Mad.ATTR_ID.set(sb.mad, 0, 0x0012);
                if (i == 0) {
                    sb.timeoutMs = 20;
                    sb.retries = 1;
                }
                sb.ah = Ah.create(agent.qp().pd(), AhAttr.lid(1, w.lid(1))).get();
                assertEquals(0, agent.postSendMad(sb));
            }
            w.settle();
            w.runUntil(w.scheduler().now() + 100_000_000L);
            agent.unregister();

            List<String> bodies = buffer.records().stream().filter(r -> r.event() instanceof IbMad.MadEvent)
                    .map(r -> r.event().name() + ": " + ((IbMad.MadEvent) r.event()).body()).toList();
            assertEquals(6, bodies.stream().filter(b -> b.startsWith("ib_mad_send_done_resend")).count(),
                    at("six waited on the overflow list: " + bodies));
            String first = "wrtid 0x" + Long.toHexString((long) agent.hiTid() << 32) + ";";
            List<String> tries = bodies.stream().filter(b -> b.startsWith("ib_mad_ib_send_mad") && b.contains(first))
                    .toList();
            assertEquals(2, tries.size(), at("sent, then once again: " + tries));
            assertTrue(tries.get(0).contains("; 1/1 retries(0); timeout 5 length 256"), at(tries.get(0)));
            assertTrue(tries.get(1).contains("; 0/1 retries(0); timeout 5 length 256"), at(tries.get(1)));
            StringBuilder text = new StringBuilder();
            buffer.writeTo(text, org.ibmodel.traces.Layout.SYSFS_FLAGS5, 1);
            assertEquals(buffer.records(), readBack(text.toString()), at("the text reads back as the records"));
        }
    }
}
