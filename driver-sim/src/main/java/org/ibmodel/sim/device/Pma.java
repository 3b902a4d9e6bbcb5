// docs/HCA.md §3.12; IBA 16.1.3.5 (PortCounters); include/rdma/ib_pma.h for the numbers
package org.ibmodel.sim.device;

import java.util.Arrays;

/**
 * A performance management agent: Get and Set of PortCounters and PortCountersExtended (and of
 * PortXmitDiscardDetails where the agent has it), and Get of ClassPortInfo, the MADs of class
 * PerfMgt. The HCA's firmware answers those MAD_IFC hands it
 * from the counters each {@link HcaPort} keeps; a switch's agent those that reach its management
 * port, from its ports' counters. Which ports an agent answers for, and what they count, is its
 * {@link Ports}.
 */
public final class Pma {
    public static final int CLASS_PERF_MGMT = 0x04;
    public static final int ATTR_CLASS_PORT_INFO = 0x0001;
    public static final int ATTR_PORT_COUNTERS = 0x0012;
    public static final int ATTR_PORT_COUNTERS_EXT = 0x001D;
    /** IB_GSI_PORT_XMIT_DISCARD_DETAILS (rdma-core include/infiniband/mad.h), IBA 16.1.4.3. */
    public static final int ATTR_PORT_XMIT_DISCARD_DETAILS = 0x0016;
    /** IB_PMA_CLASS_CAP_EXT_WIDTH: PortCountersExtended is there (include/rdma/ib_pma.h). */
    static final int CAP_EXT_WIDTH = 1 << 9;
    /** A PerfMgt MAD's attribute runs from 0x40 to the end of the 256-byte MAD. */
    static final int DATA_SIZE = Layout.Mad.SIZE - Layout.Mad.DATA;

    /** The ports an agent answers for, by PortSelect, and their counters. */
    public interface Ports {
        /** Whether the agent answers for the port PortSelect {@code select} names. */
        boolean selects(int select);

        /** PortCounters of port {@code select}, each counter stopped at its field's largest value. */
        void portCounters(int select, byte[] mad, int d);

        /** PortCountersExtended of port {@code select}. */
        void portCountersExt(int select, byte[] mad, int d);

        /** Set PortCounters: clears the counters {@code counterSelect} names (IB_PMA_SEL_* bits). */
        void clearCounters(int select, int counterSelect);

        /** Set PortCountersExtended: clears what {@code counterSelect} names (IB_PMA_SELX_* bits). */
        void clearCountersExt(int select, int counterSelect);

        /** Whether the agent has PortXmitDiscardDetails: a switch's has, an HCA's has not here. */
        default boolean hasXmitDiscardDetails() {
            return false;
        }

        /** PortXmitDiscardDetails of port {@code select}, each counter stopped at its largest value. */
        default void xmitDiscardDetails(int select, byte[] mad, int d) {
            throw new UnsupportedOperationException("no PortXmitDiscardDetails");
        }

        /** Set PortXmitDiscardDetails: clears the counters {@code counterSelect} names, bit i the i-th. */
        default void clearXmitDiscardDetails(int select, int counterSelect) {
            throw new UnsupportedOperationException("no PortXmitDiscardDetails");
        }
    }

    /**
     * An HCA's agent answers for the port the MAD came in by and no other (qib_mad.c
     * pma_get_portcounters, hfi1 mad.c pma_get_ib_portcounters: port_select != port is an
     * invalid field).
     */
    private record OnePort(HcaPort port) implements Ports {
        @Override
        public boolean selects(int select) {
            return select == port.num();
        }

        @Override
        public void portCounters(int select, byte[] mad, int d) {
            port.portCounters(mad, d);
        }

        @Override
        public void portCountersExt(int select, byte[] mad, int d) {
            port.portCountersExt(mad, d);
        }

        @Override
        public void clearCounters(int select, int counterSelect) {
            port.clearCounters(counterSelect);
        }

        @Override
        public void clearCountersExt(int select, int counterSelect) {
            port.clearCountersExt(counterSelect);
        }
    }

    public Pma() {
    }

    /** ClassPortInfo's RespTimeValue: 4.096 µs × 2^18, about 1.07 s, as qib and hfi1 set it. */
    static final int RESP_TIME_VALUE = 18;

    /**
     * The response to {@code in}, a PerfMgt MAD that came in by {@code port}; null for a response
     * or a trap, which the agent never answers (qib_mad.c process_perf), and the firmware reports
     * as BAD_PKT. {@code in} is not changed.
     */
    byte[] answer(HcaPort port, byte[] in) {
        return answer(new OnePort(port), in);
    }

    /**
     * The response to {@code in}, a PerfMgt MAD, answered for {@code ports}; null for a response
     * or a trap, which an agent never answers. {@code in} is not changed.
     */
    public byte[] answer(Ports ports, byte[] in) {
        int method = Layout.Mad.METHOD.getInt(in, 0);
        if (Sma.versionsKnown(in) && (method == Sma.METHOD_GET_RESP || method == Sma.METHOD_TRAP)) {
            return null;
        }
        byte[] out = in.clone();
        // The response keeps PortSelect and CounterSelect; the counters are the agent's to fill.
        Arrays.fill(out, Layout.Mad.DATA + 4, Layout.Mad.DATA + DATA_SIZE, (byte) 0);
        Layout.Mad.METHOD.set(out, 0, Sma.METHOD_GET_RESP);
        Layout.Mad.STATUS.set(out, 0, status(ports, in, out));
        return out;
    }

    private int status(Ports ports, byte[] in, byte[] out) {
        if (Layout.Mad.BASE_VERSION.getInt(in, 0) != 1 || Layout.Mad.CLASS_VERSION.getInt(in, 0) != 1) {
            return Sma.STATUS_BAD_VERSION;
        }
        int method = Layout.Mad.METHOD.getInt(in, 0);
        if (method != Sma.METHOD_GET && method != Sma.METHOD_SET) {
            return Sma.STATUS_UNSUPPORTED_METHOD;
        }
        int attr = Layout.Mad.ATTR_ID.getInt(in, 0);
        int d = Layout.Mad.DATA;
        boolean known = attr == ATTR_CLASS_PORT_INFO && method == Sma.METHOD_GET || attr == ATTR_PORT_COUNTERS
                || attr == ATTR_PORT_COUNTERS_EXT
                || attr == ATTR_PORT_XMIT_DISCARD_DETAILS && ports.hasXmitDiscardDetails();
        if (!known) {
            return Sma.STATUS_UNSUPPORTED_METHOD_ATTRIB;
        }
        // qib_mad.c and hfi1 mad.c pma_get_*: these attributes take no attribute modifier.
        if (Layout.Mad.ATTR_MOD.getInt(in, 0) != 0) {
            return Sma.STATUS_INVALID_ATTRIB_VALUE;
        }
        if (attr == ATTR_CLASS_PORT_INFO) {
            Arrays.fill(out, d, d + 8, (byte) 0);
            Layout.PmaClassPortInfo.BASE_VERSION.set(out, d, 1);
            Layout.PmaClassPortInfo.CLASS_VERSION.set(out, d, 1);
            Layout.PmaClassPortInfo.CAPABILITY_MASK.set(out, d, CAP_EXT_WIDTH);
            Layout.PmaClassPortInfo.RESP_TIME_VALUE.set(out, d, RESP_TIME_VALUE);
            return 0;
        }
        // PortSelect and CounterSelect sit at the same place in each attribute.
        int select = Layout.PortCounters.PORT_SELECT.getInt(in, d);
        if (!ports.selects(select)) {
            return Sma.STATUS_INVALID_ATTRIB_VALUE;
        }
        int counters = Layout.PortCounters.COUNTER_SELECT.getInt(in, d);
        if (attr == ATTR_PORT_COUNTERS) {
            if (method == Sma.METHOD_SET) {
                ports.clearCounters(select, counters);
            }
            ports.portCounters(select, out, d);
        } else if (attr == ATTR_PORT_XMIT_DISCARD_DETAILS) {
            if (method == Sma.METHOD_SET) {
                ports.clearXmitDiscardDetails(select, counters);
            }
            ports.xmitDiscardDetails(select, out, d);
        } else {
            if (method == Sma.METHOD_SET) {
                ports.clearCountersExt(select, counters);
            }
            ports.portCountersExt(select, out, d);
        }
        return 0;
    }
}
