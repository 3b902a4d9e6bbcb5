// drivers/infiniband/core/cache.c: port attributes, GID and P_Key tables, port events
package org.ibmodel.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.kernel.Errno;
import org.ibmodel.kernel.ExecContext;
import org.junit.jupiter.api.Test;

class PortTest {

    private final Fixture f = new Fixture();
    private final Port port = f.dev.port(Fixture.PORT);
    private final Fixture.Events events = f.events();

    {
        f.dev.registerEventHandler(events);
    }

    /** The port's P_Key table with the default P_Key at 0 and {@code entries} as (index, P_Key) pairs. */
    private int[] pkeys(int... entries) {
        int[] table = new int[port.pkeyTableLength()];
        table[0] = Port.DEFAULT_PKEY;
        for (int i = 0; i < entries.length; i += 2) {
            table[entries[i]] = entries[i + 1];
        }
        return table;
    }

    /** A device whose driver must not be called: the port rules live in ib_core alone. */
    private IbDevice bareDevice(long nodeGuid) {
        DeviceOps ops = new NoDriverOps();
        return new IbDevice(f.core, "bare0", ops, new DeviceAttr(), f.mem, nodeGuid, new PortAttr());
    }

    // include/rdma/ib_verbs.h: enum ib_port_state
    @Test
    void shouldReportEveryLogicalPortState() {
        for (PortState s : List.of(PortState.DOWN, PortState.INIT, PortState.ARMED, PortState.ACTIVE,
                PortState.ACTIVE_DEFER)) {
            port.setState(s);

            assertEquals(s, port.state());
            assertEquals(s, port.query().state);
        }
        assertEquals(List.of(1, 2, 3, 4, 5), List.of(PortState.DOWN.ordinal(), PortState.INIT.ordinal(),
                PortState.ARMED.ordinal(), PortState.ACTIVE.ordinal(), PortState.ACTIVE_DEFER.ordinal()));
    }

    // drivers/infiniband/core/cache.c: ib_cache_event_task dispatches from ib_wq
    @Test
    void shouldDeliverPortActiveAndPortErrInProcessContextAfterRunPending() {
        port.setState(PortState.DOWN);
        assertTrue(events.events.isEmpty(), "events are dispatched from a work item, not inline");
        f.run();
        port.setState(PortState.INIT);
        port.setState(PortState.ARMED);
        port.setState(PortState.ACTIVE);
        f.run();

        assertEquals(List.of(IbEventType.PORT_ERR, IbEventType.PORT_ACTIVE), events.types());
        assertEquals(List.of(ExecContext.PROCESS, ExecContext.PROCESS), events.contexts);
        for (IbEvent e : events.events) {
            assertEquals(Fixture.PORT, e.portNum());
            assertEquals(f.dev, e.device());
        }
    }

    // drivers/infiniband/core/cache.c: the events a driver dispatches reach clients from ib_wq
    @Test
    void shouldDeliverTheDriversPortEventsInProcessContext() {
        port.setLid(7, 0);
        port.setPkeys(pkeys(1, 0x8001));
        for (IbEventType t : List.of(IbEventType.LID_CHANGE, IbEventType.PKEY_CHANGE, IbEventType.GID_CHANGE,
                IbEventType.CLIENT_REREGISTER)) {
            f.dev.dispatchEvent(IbEvent.port(f.dev, t, Fixture.PORT));
        }
        assertTrue(events.events.isEmpty());

        f.run();

        assertEquals(List.of(IbEventType.LID_CHANGE, IbEventType.PKEY_CHANGE, IbEventType.CLIENT_REREGISTER),
                events.types(), "GID_CHANGE updates the cache only");
        assertEquals(List.of(ExecContext.PROCESS, ExecContext.PROCESS, ExecContext.PROCESS), events.contexts);
        assertEquals(7, port.lid());
        assertEquals(0x8001, port.pkey(1));
    }

    // drivers/infiniband/core/cache.c ib_cache_update compares nothing and raises nothing: LID,
    // SM and GID changes are events only when the driver says so (mlx4 mad.c
    // handle_port_mgmt_change_event), and none is ever IB_EVENT_SM_CHANGE
    @Test
    void shouldRaiseNothingWhenTheDriverUpdatesTheCopy() {
        byte[] gid = Port.gid(Port.DEFAULT_GID_PREFIX | 1, 0x1234);
        port.setLid(7, 1);
        port.setSm(3, 2);
        port.setGid(0, gid);
        f.run();

        assertEquals(List.of(), events.types());
        PortAttr a = port.query();
        assertEquals(List.of(7, 1, 3, 2), List.of(a.lid, a.lmc, a.smLid, a.smSl));
        assertArrayEquals(gid, port.gid(0));
    }

    // drivers/infiniband/core/device.c: ib_register_event_handler takes event_handler_rwsem for
    // write, which sleeps, and ib_dispatch_event_clients holds it for read while the handlers run,
    // so registering from softirq context is a might_sleep bug and a handler that unregisters
    // itself deadlocks
    @Test
    void shouldKeepTheEventHandlerListUnderASleepingLockHeldWhileHandlersRun() {
        IbEventHandler nothing = e -> { };
        org.ibmodel.kernel.KernelBug sleep = org.junit.jupiter.api.Assertions.assertThrows(
                org.ibmodel.kernel.KernelBug.class,
                () -> f.kernel.runIn(ExecContext.SOFTIRQ, () -> f.dev.registerEventHandler(nothing)));
        assertEquals(org.ibmodel.kernel.KernelBug.MIGHT_SLEEP, sleep.rule());
        IbEventHandler[] self = new IbEventHandler[1];
        self[0] = e -> f.dev.unregisterEventHandler(self[0]);
        f.dev.registerEventHandler(self[0]);
        f.dev.dispatchEvent(IbEvent.port(f.dev, IbEventType.LID_CHANGE, Fixture.PORT));
        org.ibmodel.kernel.KernelBug deadlock = org.junit.jupiter.api.Assertions.assertThrows(
                org.ibmodel.kernel.KernelBug.class, f::run);
        assertEquals(org.ibmodel.kernel.KernelBug.LOCKDEP_RECURSIVE, deadlock.rule());
    }

    // drivers/infiniband/core/cache.c ib_cache_event_task: IB_EVENT_GID_CHANGE from a driver updates
    // the GID cache and reaches no client; clients hear of GIDs from dispatch_gid_change_event,
    // which only the RoCE GID table's adds and deletes call
    @Test
    void shouldUpdateTheGidTableWithoutTellingClientsOfGidChange() {
        byte[] gid = Port.gid(Port.DEFAULT_GID_PREFIX, 0x1234);
        port.setGid(1, gid);
        f.dev.dispatchEvent(IbEvent.port(f.dev, IbEventType.GID_CHANGE, Fixture.PORT));
        f.dev.dispatchEvent(IbEvent.port(f.dev, IbEventType.LID_CHANGE, Fixture.PORT));
        f.run();

        assertArrayEquals(gid, port.gid(1));
        assertEquals(List.of(IbEventType.LID_CHANGE), events.types());
    }

    // drivers/infiniband/core/cache.c ib_cache_update: the P_Key table is cached whole; the event
    // is the driver's, one per change its device reported (mlx4 handle_port_mgmt_change_event)
    @Test
    void shouldCacheANewPkeyTableWithoutAnEventOfItsOwn() {
        port.setPkeys(pkeys(1, 0x8001, 2, 0x0002, 3, 0x8003));
        f.run();

        assertTrue(events.events.isEmpty(), events.types().toString());
        assertEquals(List.of(0xffff, 0x8001, 0x0002, 0x8003, 0), List.of(port.pkey(0), port.pkey(1), port.pkey(2),
                port.pkey(3), port.pkey(4)));
    }

    // drivers/infiniband/core/cache.c: an update that changes nothing is no event
    @Test
    void shouldNotDispatchWhenNothingChanged() {
        port.setLid(port.lid(), 0);
        port.setPkeys(pkeys());
        port.setState(PortState.ACTIVE);
        port.setGid(0, port.gid(0));
        f.run();

        assertTrue(events.events.isEmpty(), events.types().toString());
    }

    // drivers/infiniband/core/device.c: ib_unregister_event_handler
    @Test
    void shouldStopDeliveringAfterUnregisterEventHandler() {
        f.dev.unregisterEventHandler(events);
        f.dev.dispatchEvent(IbEvent.port(f.dev, IbEventType.LID_CHANGE, Fixture.PORT));
        f.run();

        assertTrue(events.events.isEmpty());
    }

    // include/rdma/ib_mad.h: IB_DEFAULT_PKEY_FULL, the default P_Key at index 0 (IBA 10.9.1.2)
    @Test
    void shouldHoldDefaultFullMemberPkeyAtIndexZero() {
        assertEquals(0xffff, port.pkey(0));
        assertEquals(0, port.findPkey(0xffff));
        assertEquals(0, port.pkey(1));
        assertEquals(Errno.EINVAL.negative(), port.pkey(port.pkeyTableLength()));
    }

    // drivers/infiniband/core/device.c: ib_find_pkey prefers the full member entry
    @Test
    void shouldPreferFullMembershipInFindPkey() {
        port.setPkeys(pkeys(3, 0x1234, 5, 0x9234, 7, 0x0042));

        assertEquals(5, port.findPkey(0x1234));
        assertEquals(5, port.findPkey(0x9234));
        assertEquals(7, port.findPkey(0x8042), "a limited member is used when there is no full one");
    }

    // drivers/infiniband/core/device.c: ib_find_pkey compares every entry's low 15 bits, an
    // empty (zero) entry's too, so the invalid P_Key 0x8000 finds the first empty entry
    @Test
    void shouldCompareEmptyEntriesInFindPkeyAsTheKernelDoes() {
        assertEquals(1, port.findPkey(0x8000), "entry 1 is 0x0000: a limited-member match");
        assertEquals(1, port.findPkey(0x0000));

        port.setPkeys(pkeys(3, 0x8000));

        assertEquals(3, port.findPkey(0x0000), "a full-member entry is still preferred");
    }

    // drivers/infiniband/core/device.c: ib_find_pkey
    @Test
    void shouldReturnEnoentForAbsentPkey() {
        int before = port.pkey(1);

        assertEquals(Errno.ENOENT.negative(), port.findPkey(0x5555));

        assertEquals(before, port.pkey(1));
    }

    // drivers/infiniband/hw/mthca/mthca_provider.c: mthca_query_gid, GID 0 is the link-local
    // prefix fe80::/64 followed by the port GUID (IBA 4.1.1)
    @Test
    void shouldBuildGidZeroFromLinkLocalPrefixAndPortGuid() {
        long nodeGuid = 0x0002_c903_00ab_cd00L;
        IbDevice bare = bareDevice(nodeGuid);
        byte[] expected = {
            (byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0,
            0x00, 0x02, (byte) 0xc9, 0x03, 0x00, (byte) 0xab, (byte) 0xcd, 0x01};

        assertArrayEquals(expected, bare.port(1).gid(0));
        assertArrayEquals(new byte[16], bare.port(1).gid(1));
        assertNull(bare.port(1).gid(bare.port(1).query().gidTblLen));
    }

    // drivers/infiniband/core/cache.c: the GID of the in-memory device too
    @Test
    void shouldStartEveryGidZeroWithLinkLocalPrefix() {
        byte[] gid = port.gid(0);

        assertEquals((byte) 0xfe, gid[0]);
        assertEquals((byte) 0x80, gid[1]);
        for (int i = 2; i < 8; i++) {
            assertEquals(0, gid[i]);
        }
    }

    // IBA 14.2.5.6: ACTIVE_DEFER is still an active port; moving between the two is no event
    @Test
    void shouldNotSignalMovesBetweenActiveAndActiveDefer() {
        f.run();
        events.events.clear();
        port.setState(PortState.ACTIVE_DEFER);
        port.setState(PortState.ACTIVE);
        f.run();

        assertTrue(events.events.isEmpty(), events.types().toString());
    }

    // drivers/infiniband/core/device.c: events reach handlers only of registered devices
    @Test
    void shouldNotDispatchEventsOfAnUnregisteredDevice() {
        IbDevice bare = bareDevice(0x77);
        Fixture.Events seen = f.events();
        bare.registerEventHandler(seen);
        bare.port(1).setState(PortState.ACTIVE);
        bare.port(1).setLid(9, 0);
        bare.dispatchEvent(IbEvent.port(bare, IbEventType.LID_CHANGE, 1));
        f.run();

        assertTrue(seen.events.isEmpty(), seen.types().toString());
        assertEquals(9, bare.port(1).lid(), "the cache is still updated");
    }
}
