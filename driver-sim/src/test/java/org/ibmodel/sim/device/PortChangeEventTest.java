// drivers/net/ethernet/mellanox/mlx4/eq.c (mlx4_eq_int, MLX4_EVENT_TYPE_PORT_CHANGE),
// drivers/infiniband/hw/mthca/mthca_eq.c (port_change); docs/HCA.md §7
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.IbEvent;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.PortState;
import org.ibmodel.kernel.ExecContext;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;

/**
 * Each PORT_CHANGE EQE is one port event, IB_EVENT_PORT_ERR for subtype down and
 * IB_EVENT_PORT_ACTIVE for subtype active, raised from the interrupt handler: a port that went
 * down and came back before anyone looked at it was still down for a while.
 */
class PortChangeEventTest {
    @Test
    void shouldRaisePortErrThenPortActiveForALinkThatBouncedBeforeTheInterrupt() {
        try (World world = World.of(5, 1)) {
            IbDevice dev = world.host(0).driver(0).device();
            HcaPort port = world.host(0).hca(0).firmware().port(1);
            List<IbEvent> events = new ArrayList<>();
            List<ExecContext> contexts = new ArrayList<>();
            dev.registerEventHandler(e -> {
                events.add(e);
                contexts.add(dev.kernel().context());
            });
            int lid = dev.port(1).lid();
            port.link(false);
            port.link(true);
            world.settle();
            assertEquals(List.of(IbEventType.PORT_ERR, IbEventType.PORT_ACTIVE),
                    events.stream().map(IbEvent::event).toList());
            for (IbEvent e : events) {
                assertEquals(1, e.portNum());
            }
            assertEquals(List.of(ExecContext.PROCESS, ExecContext.PROCESS), contexts);
            assertEquals(PortState.ACTIVE, dev.port(1).state());
            assertEquals(lid, dev.port(1).lid());
        }
    }

    @Test
    void shouldRaiseOnePortErrForALinkThatWentDown() {
        try (World world = World.of(5, 1)) {
            IbDevice dev = world.host(0).driver(0).device();
            List<IbEventType> events = new ArrayList<>();
            dev.registerEventHandler(e -> events.add(e.event()));
            world.host(0).hca(0).firmware().port(1).link(false);
            world.settle();
            assertEquals(List.of(IbEventType.PORT_ERR), events);
            assertEquals(PortState.DOWN, dev.port(1).state());
        }
    }
}
