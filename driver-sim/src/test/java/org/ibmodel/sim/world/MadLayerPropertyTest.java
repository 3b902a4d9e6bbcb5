// ib_core's MAD layer fed random MADs from the wire (drivers/infiniband/core/mad.c, agent.c,
// smi.c): each is answered as validate_mad and the methods say, and nothing is lost or left
package org.ibmodel.sim.world;

import static org.ibmodel.sim.device.MadGens.near;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.ibmodel.core.DeviceOps;
import org.ibmodel.core.ForwardingDeviceOps;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.MadResult;
import org.ibmodel.core.QpType;
import org.ibmodel.core.Tracer;
import org.ibmodel.core.Wc;
import org.ibmodel.core.mad.MadLayer;
import org.ibmodel.core.mad.MadPort;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.device.SeedReporter;
import org.ibmodel.traces.IbMad;
import org.ibmodel.traces.TraceRecord;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Random MADs from h0's own QP0 or QP1 to h1, which runs the MAD layer: LID-routed, or directed
 * along h0-switch-h1, with classes, methods and attributes mostly among those the layer and the
 * HCA tell apart and all other bytes random. A MAD that validate_mad refuses (base version, an
 * SMP off QP0, a GMP on QP0, a CM MAD but Send) gets no answer; a Get or Set is answered once,
 * GetResp with its TID, from the QP it reached (a directed one with D set); any other method
 * is never answered. After each, every receive buffer is posted again and nothing h1 holds
 * (memory, address handles, sends) has grown.
 */
class MadLayerPropertyTest {
    private static final long DEFAULT_SEED = 0x3ad_1a7e2L;
    private static final SeedReporter REPORTER = SeedReporter.of("MadLayerPropertyTest", DEFAULT_SEED);
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 200) * 3;
    private static final int GET = 0x01;
    private static final int SET = 0x02;
    private static final int GET_RESP = 0x81;

    /** One MAD: the QP it goes to, directed or not, header values and a seed for the other bytes. */
    record Call(int qpn, boolean directed, int baseVersion, int mgmtClass, int classVersion, int method, int attrId,
            long fill) {
        byte[] mad(long tid) {
            byte[] m = new byte[Layout.Mad.SIZE];
            new SplittableRandom(fill).nextBytes(m);
            Layout.Mad.BASE_VERSION.set(m, 0, baseVersion);
            Layout.Mad.MGMT_CLASS.set(m, 0, mgmtClass);
            Layout.Mad.CLASS_VERSION.set(m, 0, classVersion);
            Layout.Mad.METHOD.set(m, 0, method);
            Layout.Mad.TID.set(m, 0, tid);
            Layout.Mad.ATTR_ID.set(m, 0, attrId);
            if (method == SET && attrId == 0x0016) {
                // A P_Key block written keeps 0xFFFF first in the table: h0's GMPs, which carry it,
                // must still find QP1 (which takes a P_Key any entry matches) for the next MADs.
                Layout.Mad.ATTR_MOD.set(m, 0, Layout.Mad.ATTR_MOD.get(m, 0) & ~0xffffL);
                m[Layout.Mad.DATA] = (byte) 0xff;
                m[Layout.Mad.DATA + 1] = (byte) 0xff;
            }
            if (directed) {
                // As h0's SMI would send it along [h0 port 1, switch port 2]: HopPointer 1, D clear.
                Layout.Mad.STATUS.set(m, 0, 0);
                SwitchSma.HOP_PTR.set(m, 0, 1);
                SwitchSma.HOP_CNT.set(m, 0, 2);
                Layout.Mad.DR_SLID.set(m, 0, 0xffff);
                Layout.Mad.DR_DLID.set(m, 0, 0xffff);
                m[SwitchSma.INITIAL_PATH + 1] = 1;
                m[SwitchSma.INITIAL_PATH + 2] = 2;
            }
            return m;
        }

        /** validate_mad's verdict for the QP it reaches. */
        boolean valid() {
            boolean smp = mgmtClass == 0x01 || mgmtClass == 0x81;
            if (baseVersion != 1 || smp != (qpn == 0)) {
                return false;
            }
            return !(mgmtClass == 0x07 && attrId != 0x0001 && method != 0x03);
        }
    }

    private static Gen<Call> calls() {
        // Nine in ten go to the QP their class belongs on.
        Gen<Integer> misplaced = integers().between(0, 9);
        Gen<Integer> base = near(95, new int[] {1}, 8);
        Gen<Integer> mgmtClass = near(90, new int[] {0x01, 0x01, 0x81, 0x81, 0x81, 0x03, 0x04, 0x04, 0x05, 0x06,
            0x07, 0x09, 0x0a, 0x30}, 8);
        Gen<Integer> classVersion = near(80, new int[] {1, 2}, 8);
        Gen<Integer> method = near(90, new int[] {GET, GET, GET, SET, SET, 0x03, 0x05, 0x06, 0x07, GET_RESP, 0x86},
                8);
        Gen<Integer> attr = near(90, new int[] {0x0001, 0x0010, 0x0011, 0x0012, 0x0014, 0x0015, 0x0016, 0x0020,
            0xff90}, 16);
        Gen<int[]> head = misplaced.zip(base, mgmtClass,
                (x, b, c) -> new int[] {(c == 0x01 || c == 0x81) == (x != 0) ? 0 : 1, b, c});
        return head.flatMap(h -> classVersion.zip(method, attr, (v, m, a) -> new int[] {h[0], h[1], h[2], v, m, a}))
                .zip(longs().all(), (h, f) -> new Call(h[0], h[2] == 0x81 && h[0] == 0, h[1], h[2], h[3], h[4], h[5],
                        f));
    }

    /** h0 asking from its own QP0 and QP1; h1 with the MAD layer, and what it held once loaded. */
    private static final class Rig {
        final World w;
        final SwitchAgentTest.Side a;
        final MadPort port;
        final IbDevice dev;
        final int allocations;
        final int live;
        /** h1's tracepoints since the last MAD. */
        final List<TraceRecord> traced = new ArrayList<>();
        long tid = 0x7000_0000_0000L;

        Rig(long seed, UnaryOperator<DeviceOps> decorate) {
            w = World.of(seed, 2, decorate);
            a = new SwitchAgentTest.Side(w, 0);
            a.qp(QpType.SMI, 0);
            a.qp(QpType.GSI, SwitchAgent.GSI_QKEY);
            MadLayer mad = new MadLayer(MadLayer.QP_MIN_SIZE, MadLayer.QP_MIN_SIZE);
            assertEquals(0, w.host(1).core().registerClient(mad));
            dev = w.host(1).driver(0).device();
            port = mad.port(dev, 1);
            allocations = MadLayerTest.held(w, 1);
            live = dev.liveTotal();
            w.host(1).core().tracer(new Tracer(w.host(1).kernel(), traced::add, () -> w.scheduler().now()));
        }
    }

    /** The property for one MAD; the number of answers it got. */
    private static int check(Rig rig, Call c) {
        long tid = ++rig.tid;
        byte[] m = c.mad(tid);
        rig.traced.clear();
        long sentBy1 = rig.w.host(1).hca(0).firmware().port(1).xmitPackets();
        rig.a.send(c.qpn() == 0 ? rig.a.smi : rig.a.gsi, c.directed() ? 0xffff : rig.w.lid(1), c.qpn(),
                c.qpn() == 0 ? 0 : SwitchAgent.GSI_QKEY, m);
        rig.w.settle();
        List<byte[]> answers = rig.a.received();
        boolean due = c.valid() && (c.method() == GET || c.method() == SET);
        assertEquals(due ? 1 : 0, answers.size(), "answers to " + c);
        // validate_mad's verdict as h1's kernel traced it: ib_mad_recv_done_handler fires for a MAD it passed.
        long passed = rig.traced.stream().filter(r -> r.event().name().equals("ib_mad_recv_done_handler"))
                .filter(r -> ((IbMad.MadEvent) r.event()).fields().get(11).equals(tid)).count();
        assertEquals(c.valid() ? 1 : 0, passed, "validate_mad's verdict on " + c);
        assertEquals(sentBy1 + answers.size(), rig.w.host(1).hca(0).firmware().port(1).xmitPackets(),
                "h1 sent its answers and nothing else: " + c);
        for (byte[] r : answers) {
            assertEquals(GET_RESP, Layout.Mad.METHOD.getInt(r, 0), "a GetResp: " + c);
            assertEquals(tid, Layout.Mad.TID.get(r, 0), "the request's TID: " + c);
            assertEquals(c.qpn(), rig.a.lastSrcQp, "from the QP it reached: " + c);
            if (c.directed()) {
                assertTrue((Layout.Mad.STATUS.getInt(r, 0) & 0x8000) != 0, "D set: " + c);
            }
        }
        assertEquals(MadLayer.QP_MIN_SIZE, rig.port.recvPosted(0), "QP0's buffers all posted: " + c);
        assertEquals(MadLayer.QP_MIN_SIZE, rig.port.recvPosted(1), "QP1's buffers all posted: " + c);
        assertEquals(0, rig.port.responder(0).outstanding() + rig.port.responder(1).outstanding(),
                "every answer's send done: " + c);
        assertEquals(rig.allocations, MadLayerTest.held(rig.w, 1), "h1's memory as it was: " + c);
        assertEquals(rig.live, rig.dev.liveTotal(), "h1's objects as they were: " + rig.dev.liveSummary() + c);
        return answers.size();
    }

    private static int[] run(long seed, int examples, UnaryOperator<DeviceOps> decorate) {
        int[] counts = new int[3];
        Rig r = new Rig(seed, decorate);
        try (World w = r.w) {
            qt().withFixedSeed(seed)
                    .withExamples(examples)
                    .withShrinkCycles(50)
                    .withReporter(new SeedReporter("MadLayerPropertyTest", seed))
                    .forAll(calls())
                    .checkAssert(c -> {
                        int n = check(r, c);
                        counts[0] += n;
                        counts[1] += c.valid() ? 0 : 1;
                        counts[2] += c.directed() && n == 1 ? 1 : 0;
                    });
        }
        return counts;
    }

    @Test
    void shouldAnswerEachValidGetOrSetOnceAndNothingElseAndKeepEveryBuffer() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        int[] counts = run(seed, EXAMPLES, UnaryOperator.identity());
        REPORTER.assertReached(counts[0], EXAMPLES / 4, "of " + EXAMPLES + " MADs answered");
        REPORTER.assertReached(counts[1], EXAMPLES / 10, "of " + EXAMPLES + " MADs refused by validate_mad");
        REPORTER.assertReached(counts[2], EXAMPLES / 100, "of " + EXAMPLES + " directed-route SMPs answered");
    }

    /**
     * The property catches what it exists for: a driver whose process_mad also answers the
     * Traps and Sends it should leave alone gets answers where none are due.
     */
    @Test
    void shouldCatchADriverThatAnswersWhatNobodyAsked() {
        UnaryOperator<DeviceOps> answersAll = real -> new ForwardingDeviceOps(real) {
            @Override
            public int processMad(int flags, int portNum, Wc inWc, byte[] inMad, byte[] outMad) {
                int ret = real.processMad(flags, portNum, inWc, inMad, outMad);
                if (ret == MadResult.SUCCESS) {
                    System.arraycopy(inMad, 0, outMad, 0, inMad.length);
                    Layout.Mad.METHOD.set(outMad, 0, GET_RESP);
                    return MadResult.SUCCESS | MadResult.REPLY;
                }
                return ret;
            }
        };
        AssertionError e = assertThrows(AssertionError.class, () -> run(DEFAULT_SEED, EXAMPLES, answersAll));
        assertTrue(e.getMessage().contains("answers to"), e.getMessage());
    }
}
