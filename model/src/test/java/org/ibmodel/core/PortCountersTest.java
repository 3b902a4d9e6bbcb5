// drivers/infiniband/core/sysfs.c get_perf_mad and get_counter_table: the PerfMgt Gets that the
// counter files send through process_mad
package org.ibmodel.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.mm.HostMemory;
import org.ibmodel.sw.mem.MemDevice;
import org.junit.jupiter.api.Test;

class PortCountersTest {
    private static final int PORT_SELECT = PortCounters.DATA + 1;
    private final Kernel kernel = new Kernel("host");
    private final IbCore core = new IbCore(kernel);
    /** The MADs process_mad was given, in order. */
    private final List<byte[]> sent = new ArrayList<>();

    /** A device whose process_mad records the MAD and answers it with itself, status 0. */
    private IbDevice recordingDevice() {
        IbDevice dev = MemDevice.create(core, "mem0", new HostMemory(), 1, real -> new ForwardingDeviceOps(real) {
            @Override
            public int processMad(int flags, int portNum, Wc inWc, byte[] inMad, byte[] outMad) {
                sent.add(inMad.clone());
                System.arraycopy(inMad, 0, outMad, 0, inMad.length);
                return MadResult.SUCCESS | MadResult.REPLY;
            }
        });
        assertEquals(0, core.registerDevice(dev));
        kernel.runPending();
        sent.clear();
        return dev;
    }

    private static int attrId(byte[] mad) {
        return (mad[16] & 0xff) << 8 | (mad[17] & 0xff);
    }

    @Test
    void shouldSetPortSelectInEveryGetButClassPortInfos() {
        IbDevice dev = recordingDevice();
        assertFalse(PortCounters.query(dev, 1).isErr());
        // No IB_PMA_CLASS_CAP_EXT_WIDTH in the echoed ClassPortInfo: PortCounters alone follows.
        assertEquals(2, sent.size());
        assertEquals(PortCounters.ATTR_CLASS_PORT_INFO, attrId(sent.get(0)));
        assertEquals(0, sent.get(0)[PORT_SELECT], "ClassPortInfo has no PortSelect");
        assertEquals(PortCounters.ATTR_PORT_COUNTERS, attrId(sent.get(1)));
        assertEquals(1, sent.get(1)[PORT_SELECT]);
    }
}
