// docs/HCA.md §3.8: MAD_IFC fed random MADs, against the rules the document states
package org.ibmodel.sim.device;

import static org.ibmodel.sim.device.MadGens.near;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Random MADs, most of them near the values the agent distinguishes, through the raw HCR: the
 * command status, the echo of everything outside method, status and attribute, and the MAD
 * status follow §3.8 as {@link #expectedStatus} restates it; the firmware never throws and never
 * writes the outbox when it has no answer.
 */
class SmaPropertyTest {
    private static final long DEFAULT_SEED = 0x5a_3a_d0L;
    private static final SeedReporter REPORTER = SeedReporter.of("SmaPropertyTest", DEFAULT_SEED);
    private static final int EXAMPLES = Integer.getInteger("ibmodel.examples", 200) * 5;
    private static final int[] ATTRS = {0x0010, 0x0011, 0x0014, 0x0015, 0x0016, 0xff90};
    private static final byte UNTOUCHED = 0x5a;

    /** One generated MAD_IFC: the port it names and the MAD's header values, the rest random. */
    record Call(int port, int baseVersion, int mgmtClass, int classVersion, int method, int attrId, long attrMod,
            long fill) {
        byte[] mad() {
            byte[] m = new byte[Layout.Mad.SIZE];
            new SplittableRandom(fill).nextBytes(m);
            Layout.Mad.BASE_VERSION.set(m, 0, baseVersion);
            Layout.Mad.MGMT_CLASS.set(m, 0, mgmtClass);
            Layout.Mad.CLASS_VERSION.set(m, 0, classVersion);
            Layout.Mad.METHOD.set(m, 0, method);
            Layout.Mad.ATTR_ID.set(m, 0, attrId);
            Layout.Mad.ATTR_MOD.set(m, 0, attrMod);
            if (mgmtClass == Pma.CLASS_PERF_MGMT) {
                Layout.PortCounters.PORT_SELECT.set(m, Layout.Mad.DATA, portSelect());
            }
            return m;
        }

        /** A PerfMgt MAD's PortSelect: mostly port 1, the port the calls usually come in by (§3.12). */
        int portSelect() {
            return (fill >>> 62) == 0 ? (int) (fill >>> 8) & 0xff : 1;
        }
    }

    /**
     * Each header field is usually a value the agent tells apart, so that combinations deep in
     * §3.8's rules (a Get of GUIDInfo block 2 on port 1, say) come up many times per run.
     */
    private static Gen<Call> calls() {
        Gen<Integer> port = near(80, new int[] {1}, 2);
        Gen<Integer> version = near(90, new int[] {1}, 8);
        Gen<Integer> mgmtClass = near(90, new int[] {0x01, 0x81, 0x01, 0x81, 0x04, 0x07}, 8);
        Gen<Integer> method = near(90,
                new int[] {0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x02, 0x05, 0x06, 0x07, 0x81, 0x86}, 8);
        Gen<Integer> attrId = near(90,
                new int[] {0x0010, 0x0011, 0x0014, 0x0015, 0x0016, 0x0020, 0x0012, 0x001D, 0x0001, 0xff90, 0xff91}, 16);
        Gen<Long> attrMod = near(80, new int[] {0, 0, 0, 1, 2, 3}, 8).map(Integer::longValue)
                .mix(longs().between(0, 0xffff_ffffL), 10);
        Gen<Long> fill = longs().all();
        return port.zip(version, mgmtClass, version, (p, bv, mc, cv) -> new int[] {p, bv, mc, cv})
                .zip(method, attrId, attrMod, fill, (h, m, a, am, f) -> new Call(h[0], h[1], h[2], h[3], m, a, am, f));
    }

    /** §3.8 (and §3.12 for PerfMgt) as the document words it, for one port with 64 P_Keys and 16 GIDs. */
    static int expectedStatus(Call c, DevCaps caps) {
        if (c.baseVersion() != 1 || c.classVersion() != 1) {
            return Sma.STATUS_BAD_VERSION;
        }
        if (c.mgmtClass() == Pma.CLASS_PERF_MGMT) {
            if (c.method() != 0x01 && c.method() != 0x02) {
                return Sma.STATUS_UNSUPPORTED_METHOD;
            }
            boolean classPortInfo = c.attrId() == 0x0001 && c.method() == 0x01;
            if (!classPortInfo && c.attrId() != 0x0012 && c.attrId() != 0x001D) {
                return Sma.STATUS_UNSUPPORTED_METHOD_ATTRIB;
            }
            if (c.attrMod() != 0) {
                return Sma.STATUS_INVALID_ATTRIB_VALUE;
            }
            return classPortInfo || c.portSelect() == c.port() ? 0 : Sma.STATUS_INVALID_ATTRIB_VALUE;
        }
        // P_KeyTable is the one attribute a Set may write; its block is bits 15:0 of the modifier.
        boolean pkeyBlockInRange = (c.attrMod() & 0xffff) < (caps.pkeyTableLen() + 31) / 32;
        if (c.method() == 0x02) {
            if (c.attrId() == 0x0016) {
                return pkeyBlockInRange ? 0 : Sma.STATUS_INVALID_ATTRIB_VALUE;
            }
            return Sma.STATUS_UNSUPPORTED_METHOD_ATTRIB;
        }
        if (c.method() != 0x01) {
            return Sma.STATUS_UNSUPPORTED_METHOD;
        }
        if (Arrays.stream(ATTRS).noneMatch(a -> a == c.attrId())) {
            return Sma.STATUS_UNSUPPORTED_METHOD_ATTRIB;
        }
        boolean inRange = switch (c.attrId()) {
            case 0x0010, 0x0011 -> c.attrMod() == 0;
            case 0x0014 -> c.attrMod() < (caps.gidTableLen() + 7) / 8;
            case 0x0015, 0xff90 -> c.attrMod() <= caps.numPorts();
            case 0x0016 -> pkeyBlockInRange;
            default -> true;
        };
        return inRange ? 0 : Sma.STATUS_INVALID_ATTRIB_VALUE;
    }

    @Test
    void shouldAnswerEveryMadAsTheDocumentSays() {
        long seed = Long.getLong("ibmodel.seed", DEFAULT_SEED);
        int[] answered = {0};
        int[] outOfRange = {0};
        qt().withFixedSeed(seed)
                .withExamples(EXAMPLES)
                .withShrinkCycles(200)
                .withReporter(new SeedReporter("SmaPropertyTest", seed))
                .forAll(calls())
                .checkAssert(c -> {
                    int status = check(c);
                    answered[0] += status == 0 && c.mgmtClass() != Pma.CLASS_PERF_MGMT ? 1 : 0;
                    outOfRange[0] += status == Sma.STATUS_INVALID_ATTRIB_VALUE ? 1 : 0;
                });
        // The calls must reach what the property is about, or it holds for nothing: the deepest
        // of §3.8's rules, a Get the subnet agent answers with its attribute and one it refuses for
        // a modifier out of range (a few in a hundred calls: every header field must line up).
        REPORTER.assertReached(answered[0], EXAMPLES / 40, "of " + EXAMPLES + " calls answered with an attribute");
        REPORTER.assertReached(outOfRange[0], EXAMPLES / 64,
                "of " + EXAMPLES + " calls refused a modifier out of range");
    }

    /**
     * One call on a fresh device, so that a failure cannot leave the next example a broken one;
     * the MAD status answered, -1 for no answer.
     */
    static int check(Call c) {
        RawHca h = new RawHca();
        h.init();
        assertEquals(Status.OK, h.cmd(Command.INIT_PORT, 1, 0));
        byte[] in = c.mad();
        byte[] page = new byte[4096];
        System.arraycopy(in, 0, page, 0, in.length);
        h.mem.write(h.inbox, page);
        Arrays.fill(page, UNTOUCHED);
        h.mem.write(h.outbox, page);
        Status s = h.cmd(Command.MAD_IFC.opcode(), c.port(), h.inbox, h.outbox, 0, false);
        byte[] out = h.mem.read(h.outbox, Layout.Mad.SIZE);
        boolean subnet = c.mgmtClass() == Sma.CLASS_SUBN_LID_ROUTED || c.mgmtClass() == Sma.CLASS_SUBN_DIRECTED_ROUTE;
        boolean perf = c.mgmtClass() == Pma.CLASS_PERF_MGMT;
        // No agent answers a response or a trap (or, in the subnet classes, a report) of a
        // version it knows.
        boolean neverAnswered = c.baseVersion() == 1 && c.classVersion() == 1
                && (c.method() == 0x81 || c.method() == 0x05 || subnet && (c.method() == 0x06 || c.method() == 0x86));
        boolean served = (subnet || perf) && !neverAnswered;
        if (c.port() != 1 || !served) {
            assertEquals(c.port() != 1 ? Status.BAD_INDEX : Status.BAD_PKT, s, "command status");
            byte[] none = new byte[Layout.Mad.SIZE];
            Arrays.fill(none, UNTOUCHED);
            assertArrayEquals(none, out, "no answer, so the outbox is as it was");
            return -1;
        }
        assertEquals(Status.OK, s, "command status");
        assertEquals(Sma.METHOD_GET_RESP, Layout.Mad.METHOD.getInt(out, 0), "method");
        int status = expectedStatus(c, h.caps);
        assertEquals(status, Layout.Mad.STATUS.getInt(out, 0), "MAD status");
        // Everything but method (byte 3), status (bytes 4-5) and the attribute is the request's.
        byte[] expected = in.clone();
        expected[3] = out[3];
        expected[4] = out[4];
        expected[5] = out[5];
        // The PerfMgt agent keeps PortSelect and CounterSelect, the first four bytes, and owns
        // the attribute area to the end of the MAD; the subnet agent its 64 bytes.
        boolean pma = c.mgmtClass() == Pma.CLASS_PERF_MGMT;
        boolean classPortInfo = pma && c.attrId() == 0x0001 && status == 0;
        int kept = pma && !classPortInfo ? 4 : 0;
        int size = pma ? Pma.DATA_SIZE : Layout.Mad.DATA_SIZE;
        System.arraycopy(out, Layout.Mad.DATA + kept, expected, Layout.Mad.DATA + kept, size - kept);
        assertArrayEquals(expected, out, "echo of the request");
        byte[] data = Arrays.copyOfRange(out, Layout.Mad.DATA + kept, Layout.Mad.DATA + size);
        if (status != 0) {
            assertArrayEquals(new byte[size - kept], data, "no attribute with an error status");
        } else if (classPortInfo) {
            byte[] cpi = new byte[size];
            Layout.PmaClassPortInfo.BASE_VERSION.set(cpi, 0, 1);
            Layout.PmaClassPortInfo.CLASS_VERSION.set(cpi, 0, 1);
            Layout.PmaClassPortInfo.CAPABILITY_MASK.set(cpi, 0, Pma.CAP_EXT_WIDTH);
            Layout.PmaClassPortInfo.RESP_TIME_VALUE.set(cpi, 0, Pma.RESP_TIME_VALUE);
            assertArrayEquals(cpi, data,
                    "ClassPortInfo: versions, IB_PMA_CLASS_CAP_EXT_WIDTH and RespTimeValue, nothing else");
        } else if (pma) {
            assertArrayEquals(new byte[size - kept], data, "a port that has sent nothing counts nothing");
        } else if (c.method() == 0x02) {
            // A Set of a P_Key block is answered with the block as it now reads: what was written.
            assertArrayEquals(Arrays.copyOfRange(in, Layout.Mad.DATA, Layout.Mad.DATA + size), data,
                    "the P_Key block written");
        } else if (c.attrId() == 0x0011) {
            assertEquals(h.caps.nodeGuid(), Layout.NodeInfo.NODE_GUID.get(out, Layout.Mad.DATA));
        } else if (c.attrId() == 0x0015) {
            assertEquals(HcaPort.INIT, Layout.SmpPortInfo.PORT_STATE.getInt(out, Layout.Mad.DATA));
        } else if (c.attrId() == 0xff90) {
            assertEquals(1, Layout.ExtPortInfo.LINK_SPEED_SUPPORTED.getInt(out, Layout.Mad.DATA), "FDR10 supported");
            assertEquals(0, Layout.ExtPortInfo.LINK_SPEED_ACTIVE.getInt(out, Layout.Mad.DATA), "4x EDR is not FDR10");
        }
        return status;
    }
}
