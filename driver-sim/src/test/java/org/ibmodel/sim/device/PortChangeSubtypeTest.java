// drivers/net/ethernet/mellanox/mlx4/eq.c mlx4_eq_int: a PORT_CHANGE EQE of subtype down is
// MLX4_DEV_EVENT_PORT_DOWN, any other MLX4_DEV_EVENT_PORT_UP; docs/HCA.md §7
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.IbDevice;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;

/** The driver reads a PORT_CHANGE EQE's subtype as mlx4_eq_int does: down, or else up. */
class PortChangeSubtypeTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 5);

    @Test
    void shouldTakeAnySubtypeButDownForPortUp() {
        try (World w = World.of(SEED, 2)) {
            IbDevice dev = w.host(0).driver(0).device();
            List<String> seen = new ArrayList<>();
            dev.registerEventHandler(e -> seen.add(e.event().kernelName()));
            Firmware fw = w.host(0).hca(0).firmware();
            for (int subtype : new int[] {1, 2, 4, 5}) {
                fw.portEvent(EventType.PORT_CHANGE, 1, subtype);
                w.settle();
            }
            assertEquals(List.of("IB_EVENT_PORT_ERR", "IB_EVENT_PORT_ACTIVE", "IB_EVENT_PORT_ACTIVE",
                    "IB_EVENT_PORT_ACTIVE"), seen);
        }
    }
}
