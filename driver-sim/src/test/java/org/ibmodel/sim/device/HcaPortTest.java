// docs/HCA.md §3.7, §3.10: a port's logical and physical state as its cable and INIT_PORT make them
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * PortState and PortPhysicalState (IBA 14.2.5.6; include/rdma/ib_verbs.h enum ib_port_phys_state)
 * follow two things apart: whether INIT_PORT has opened the port, and whether its cable has a
 * partner. A closed port is Disabled; an open port whose cable is down keeps Polling, the
 * LinkDownDefaultState its PortInfo advertises, and comes back when the cable does.
 */
class HcaPortTest {
    /** IB_PORT_PHYS_STATE_POLLING. */
    private static final int POLLING = 2;

    private final RawHca h = new RawHca();

    private HcaPort port() {
        return h.hca.firmware().port(1);
    }

    private void openWithLid(int lid) {
        h.init();
        assertEquals(Status.OK, h.cmd(Command.INIT_PORT, 1, 0));
        byte[] set = new byte[Layout.PortInfo.PKEY.offset() + 2 * h.caps.pkeyTableLen()];
        Layout.PortInfo.LID.set(set, 0, lid);
        assertEquals(Status.OK, h.in(Command.SET_PORT, 1, set));
    }

    @Test
    void shouldKeepPollingWhenTheCableOfAnOpenPortGoesDown() {
        openWithLid(0x11);
        assertEquals(HcaPort.ACTIVE, port().state());
        assertEquals(HcaPort.PHYS_LINK_UP, port().physState());
        port().link(false);
        assertEquals(HcaPort.DOWN, port().state());
        assertEquals(POLLING, port().physState(), "a pulled cable is no administrative Disabled");
        port().link(true);
        assertEquals(HcaPort.ACTIVE, port().state());
        assertEquals(HcaPort.PHYS_LINK_UP, port().physState());
    }

    @Test
    void shouldNotOpenAPortWhenACableComesUpBeforeInitPort() {
        h.init();
        port().link(false);
        port().link(true);
        assertEquals(HcaPort.DOWN, port().state(), "no INIT_PORT yet");
        assertEquals(HcaPort.PHYS_DISABLED, port().physState());
        assertEquals(Status.OK, h.cmd(Command.INIT_PORT, 1, 0), "the port is still closed");
        assertEquals(HcaPort.INIT, port().state());
    }

    @Test
    void shouldStayDownAfterInitPortUntilTheCableIsBack() {
        h.init();
        port().link(false);
        assertEquals(Status.OK, h.cmd(Command.INIT_PORT, 1, 0));
        assertEquals(HcaPort.DOWN, port().state(), "no partner to train with");
        assertEquals(POLLING, port().physState());
        port().link(true);
        assertEquals(HcaPort.INIT, port().state());
        assertEquals(HcaPort.PHYS_LINK_UP, port().physState());
    }

    @Test
    void shouldKeepAClosedPortDisabledAndUncountedWhenItsCableFlaps() {
        openWithLid(0x11);
        assertEquals(Status.OK, h.cmd(Command.CLOSE_PORT, 1, 0));
        port().link(false);
        port().link(true);
        assertEquals(HcaPort.DOWN, port().state());
        assertEquals(HcaPort.PHYS_DISABLED, port().physState());
        byte[] mad = new byte[Layout.Mad.SIZE];
        port().portCounters(mad, Layout.Mad.DATA);
        assertEquals(0, Layout.PortCounters.LINK_DOWNED_COUNTER.getInt(mad, Layout.Mad.DATA),
                "closing is no link failure, nor is a closed port's cable going");
    }
}
