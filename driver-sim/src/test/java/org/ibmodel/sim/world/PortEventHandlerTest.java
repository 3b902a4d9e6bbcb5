// drivers/infiniband/core/device.c ib_dispatch_event_clients (event_handler_rwsem taken for read),
// drivers/infiniband/core/cache.c ib_cache_event_task; docs/HCA.md §7
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.PortAttr;
import org.junit.jupiter.api.Test;

/**
 * A port event handler that asks the device (ib_query_port, a MAD_IFC it sleeps for) while the
 * cable is pulled and put back at once: the second event's work runs during the first handler's
 * sleep and runs the handlers too, under event_handler_rwsem taken for read by both, as two of
 * ib_wq's workers would. Each handler sees the port as the device answers it then.
 */
class PortEventHandlerTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 31);

    @Test
    void shouldRunTheHandlersOfAFlapsTwoEventsWhileOneSleeps() {
        try (World w = World.of(SEED, 2)) {
            IbDevice dev = w.host(0).driver(0).device();
            List<String> seen = new ArrayList<>();
            dev.registerEventHandler(e -> {
                PortAttr p = new PortAttr();
                int ret = dev.queryPort(1, p);
                seen.add(e.event().kernelName() + " " + ret);
            });
            w.fabric().faults().flap(w.link(0), w.scheduler().now() + 1_000, 0);
            w.settle();
            assertEquals(2, seen.size(), seen.toString());
            assertEquals(List.of("IB_EVENT_PORT_ACTIVE 0", "IB_EVENT_PORT_ERR 0"), seen.stream().sorted().toList(),
                    "both events heard, each handler's query answered");
        }
    }
}
