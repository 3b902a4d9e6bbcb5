// drivers/infiniband/hw/mlx4/mad.c handle_port_mgmt_change_event: the events of a PORT_MNG_CHG EQE
// come from its subtype and, for PortInfo, its changed_attr mask, never from comparing copies;
// drivers/infiniband/core/cache.c ib_cache_event_task updates the cache before a client hears of them
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.Port;
import org.ibmodel.core.PortAttr;
import org.junit.jupiter.api.Test;
import org.ibmodel.sim.world.World;

class HcaPortMgmtChangeTest {
    private final HcaHost h = new HcaHost();
    private final Port port = h.dev.port(1);
    /** Each event as a client saw it, with the LID ib_core's copy of the port had by then. */
    private final List<String> seen = new ArrayList<>();

    {
        h.dev.registerEventHandler(e -> seen.add(String.format("%s lid %#x", e.event().kernelName(), port.lid())));
    }

    @Test
    void shouldRaiseLidChangeAndNoSmChangeWhenTheSubnetManagerReaddressesThePort() {
        assertEquals(0, h.drv.setPort(1, 0x42, 1, 0x7, 3, World.SUBNET_TIMEOUT));
        h.settle();

        assertEquals(List.of("IB_EVENT_LID_CHANGE lid 0x42"), seen,
                "mlx4 only moves its SM address handle for an SM change (update_sm_ah): no IB_EVENT_SM_CHANGE");
        PortAttr a = port.query();
        assertEquals(1, a.lmc);
        assertEquals(0x7, a.smLid);
        assertEquals(3, a.smSl);
    }

    /**
     * A port brought up by SET_PORT: the device posts the new LID's PORT_MNG_CHG EQE, then the
     * port's PORT_CHANGE, and a client hears LID_CHANGE and PORT_ACTIVE in that order, each only
     * once ib_core's copy of the port has been read again (ib_cache_event_task: ib_cache_update,
     * then ib_dispatch_event_clients), LID, LMC and state included.
     */
    @Test
    void shouldTellPortActiveOnlyAfterIbCoresCopyOfThePortIsRead() {
        HcaHost down = new HcaHost(0);
        Port p = down.dev.port(1);
        List<String> heard = new ArrayList<>();
        down.dev.registerEventHandler(e -> heard.add(String.format("%s lid %#x lmc %d %s",
                e.event().kernelName(), p.lid(), p.query().lmc, p.state())));
        assertEquals(0, down.drv.setPort(1, 0x40, 2, 0x40, 0, World.SUBNET_TIMEOUT));
        down.settle();

        assertEquals(List.of("IB_EVENT_LID_CHANGE lid 0x40 lmc 2 ACTIVE", "IB_EVENT_PORT_ACTIVE lid 0x40 lmc 2 ACTIVE"),
                heard);
    }

    @Test
    void shouldRaiseNothingWhenOnlyTheSubnetManagerMoved() {
        h.fw.port(1).smSet(HcaHost.LID, 0, 0x9, 2);
        h.settle();

        assertEquals(List.of(), seen);
        assertEquals(0x9, port.query().smLid, "ib_core's copy follows all the same");
        assertEquals(2, port.query().smSl);
    }

    @Test
    void shouldRaiseOneLidChangeForEachEqeEvenWhenTheLidCameBackBeforeTheWorkRan() {
        h.fw.port(1).smSet(0x31, 0, HcaHost.LID, 0);
        h.fw.port(1).smSet(HcaHost.LID, 0, HcaHost.LID, 0);
        h.settle();

        assertEquals(List.of("IB_EVENT_LID_CHANGE lid 0x11", "IB_EVENT_LID_CHANGE lid 0x11"), seen,
                "two EQEs with LID_CHANGE_MASK, two events, though the copies compare equal");
    }

    @Test
    void shouldRaiseClientReregisterWhenTheSubnetManagerAsksForIt() {
        h.fw.port(1).smClientReregister();
        h.settle();

        assertEquals(List.of("IB_EVENT_CLIENT_REREGISTER lid 0x11"), seen);
    }

    @Test
    void shouldRaiseLidChangeThenClientReregisterInTheOrderOfTheEqes() {
        h.fw.port(1).smSet(0x12, 0, HcaHost.LID, 0);
        h.fw.port(1).smClientReregister();
        h.settle();

        assertEquals(List.of("IB_EVENT_LID_CHANGE lid 0x12", "IB_EVENT_CLIENT_REREGISTER lid 0x12"), seen);
    }

    @Test
    void shouldTellNoClientOfAGidChangeOfAnInfinibandPort() {
        assertEquals(0, h.drv.setGid(1, 0xfe80_0000_0000_00abL, 0x0002_c903_00ab_cdefL));
        h.settle();

        assertEquals(List.of(), seen, "GID_PFX_CHANGE and GUIDInfo are IB_EVENT_GID_CHANGE, which only updates"
                + " the cache (ib_cache_event_task)");
        assertEquals(0xab, port.gid(0)[7] & 0xff);
    }

    @Test
    void shouldTellClientsOfATableSetWhileThePortWasInit() {
        HcaHost init = new HcaHost(0);
        List<String> events = new ArrayList<>();
        Port initPort = init.dev.port(1);
        init.dev.registerEventHandler(e -> events.add(e.event().kernelName() + " " + initPort.findPkey(0x8001)));
        assertEquals(0, init.drv.setPkeys(1, new int[] {0xffff, 0x8001}));
        init.settle();

        assertEquals(List.of("IB_EVENT_PKEY_CHANGE 1"), events, "not only cached for when the port comes up");
    }
}
