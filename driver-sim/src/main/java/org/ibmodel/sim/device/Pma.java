// docs/HCA.md §3.12; IBA 16.1.3.5 (PortCounters); include/rdma/ib_pma.h for the numbers
package org.ibmodel.sim.device;

import java.util.Arrays;

/**
 * The performance management agent in firmware: Get and Set of PortCounters, the MADs of class
 * PerfMgt that MAD_IFC hands it, from the counters each {@link HcaPort} keeps.
 */
final class Pma {
    static final int CLASS_PERF_MGMT = 0x04;
    static final int ATTR_PORT_COUNTERS = 0x0012;

    private final HcaPort[] ports;

    Pma(HcaPort[] ports) {
        this.ports = ports;
    }

    /** The response to {@code in}, a PerfMgt MAD; {@code in} is not changed. */
    byte[] answer(byte[] in) {
        byte[] out = in.clone();
        // The response keeps PortSelect and CounterSelect; the counters are the agent's to fill.
        Arrays.fill(out, Layout.Mad.DATA + 4, Layout.Mad.DATA + Layout.Mad.DATA_SIZE, (byte) 0);
        Layout.Mad.METHOD.set(out, 0, Sma.METHOD_GET_RESP);
        Layout.Mad.STATUS.set(out, 0, status(in, out));
        return out;
    }

    private int status(byte[] in, byte[] out) {
        if (Layout.Mad.BASE_VERSION.getInt(in, 0) != 1 || Layout.Mad.CLASS_VERSION.getInt(in, 0) != 1) {
            return Sma.STATUS_BAD_VERSION;
        }
        int method = Layout.Mad.METHOD.getInt(in, 0);
        if (method != Sma.METHOD_GET && method != Sma.METHOD_SET) {
            return Sma.STATUS_UNSUPPORTED_METHOD;
        }
        if (Layout.Mad.ATTR_ID.getInt(in, 0) != ATTR_PORT_COUNTERS) {
            return Sma.STATUS_UNSUPPORTED_METHOD_ATTRIB;
        }
        int d = Layout.Mad.DATA;
        int select = Layout.PortCounters.PORT_SELECT.getInt(in, d);
        if (select < 1 || select > ports.length) {
            return Sma.STATUS_INVALID_ATTRIB_VALUE;
        }
        HcaPort port = ports[select - 1];
        if (method == Sma.METHOD_SET) {
            port.clearCounters(Layout.PortCounters.COUNTER_SELECT.getInt(in, d));
        }
        port.portCounters(out, d);
        return 0;
    }
}
