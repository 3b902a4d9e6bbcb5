// docs/HCA.md §3.12, §3.14; drivers/infiniband/hw/qib/qib_mad.c and hw/hfi1/mad.c (pma_get_*)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibmodel.core.IbDevice;
import org.ibmodel.core.MadResult;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;

/** The performance management agent answers for the port a MAD came in by, and no other. */
class PmaTest {
    private static final int GET = 0x01;
    private static final int SET = 0x02;
    /** One host with one two-port HCA, no switch. */
    private static final int SEED = 13;

    private static byte[] perf(int method, int attr, int portSelect, int attrMod) {
        byte[] in = new byte[MadResult.MAD_SIZE];
        in[0] = 1;
        in[1] = (byte) Pma.CLASS_PERF_MGMT;
        in[2] = 1;
        in[3] = (byte) method;
        in[16] = (byte) (attr >>> 8);
        in[17] = (byte) attr;
        for (int i = 0; i < 4; i++) {
            in[20 + i] = (byte) (attrMod >>> (24 - 8 * i));
        }
        in[64 + 1] = (byte) portSelect;
        return in;
    }

    private static byte[] process(IbDevice dev, int port, byte[] in) {
        byte[] out = new byte[MadResult.MAD_SIZE];
        assertEquals(MadResult.SUCCESS | MadResult.REPLY, dev.processMad(MadResult.IGNORE_MKEY, port, null, in, out));
        return out;
    }

    private static int status(byte[] out) {
        return (out[4] & 0xff) << 8 | out[5] & 0xff;
    }

    /** PortCounters' VL15Dropped: 16 bits at bit 176 of the attribute. */
    private static int vl15Dropped(byte[] out) {
        return (out[64 + 22] & 0xff) << 8 | out[64 + 23] & 0xff;
    }

    @Test
    void shouldRefuseToReadOrClearTheCountersOfAnotherPort() {
        try (World w = World.of(SEED, 2, 0, 2)) {
            IbDevice dev = w.host(0).driver(0).device();
            HcaPort second = w.host(0).hca(0).firmware().port(2);
            for (int i = 0; i < 3; i++) {
                second.vl15Dropped();
            }
            byte[] get = process(dev, 1, perf(GET, Pma.ATTR_PORT_COUNTERS, 2, 0));
            assertEquals(Sma.STATUS_INVALID_ATTRIB_VALUE, status(get), "PortSelect 2 in a MAD that came in by port 1");
            assertEquals(0, vl15Dropped(get), "and nothing of port 2's counters in it");
            byte[] clear = perf(SET, Pma.ATTR_PORT_COUNTERS, 2, 0);
            clear[64 + 2] = (byte) (HcaPort.SEL_VL15_DROPPED >>> 8);
            clear[64 + 3] = (byte) HcaPort.SEL_VL15_DROPPED;
            assertEquals(Sma.STATUS_INVALID_ATTRIB_VALUE, status(process(dev, 1, clear)));
            byte[] own = process(dev, 2, perf(GET, Pma.ATTR_PORT_COUNTERS, 2, 0));
            assertEquals(0, status(own));
            assertEquals(3, vl15Dropped(own), "port 2's counters are still there");
            assertEquals(Sma.STATUS_INVALID_ATTRIB_VALUE,
                    status(process(dev, 2, perf(GET, Pma.ATTR_PORT_COUNTERS_EXT, 1, 0))), "the extended ones too");
        }
    }

    @Test
    void shouldRefuseAnAttributeModifier() {
        try (World w = World.of(SEED, 2, 0, 2)) {
            IbDevice dev = w.host(0).driver(0).device();
            for (int attr : new int[] {Pma.ATTR_PORT_COUNTERS, Pma.ATTR_PORT_COUNTERS_EXT, Pma.ATTR_CLASS_PORT_INFO}) {
                assertEquals(Sma.STATUS_INVALID_ATTRIB_VALUE, status(process(dev, 1, perf(GET, attr, 1, 5))),
                        "attribute 0x" + Integer.toHexString(attr));
                assertEquals(0, status(process(dev, 1, perf(GET, attr, 1, 0))), "attribute 0x" + Integer.toHexString(attr));
            }
        }
    }

    @Test
    void shouldAnswerClassPortInfoWithTheResponseTimeQibAndHfi1Give() {
        try (World w = World.of(SEED, 2, 0, 2)) {
            byte[] out = process(w.host(0).driver(0).device(), 1, perf(GET, Pma.ATTR_CLASS_PORT_INFO, 0, 0));
            assertEquals(0, status(out));
            assertEquals(Pma.CAP_EXT_WIDTH, (out[64 + 2] & 0xff) << 8 | out[64 + 3] & 0xff);
            assertEquals(18, out[64 + 7] & 0x1f, "RespTimeValue");
        }
    }
}
