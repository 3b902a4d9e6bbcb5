// docs/HCA.md §3.7: CLOSE_PORT stops the port driving its link
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibmodel.hca.HcaDriver;
import org.ibmodel.sim.device.HcaPort;
import org.ibmodel.sim.fabric.Link;
import org.junit.jupiter.api.Test;

/** A closed HCA port takes its link down, so the switch on the other end sees it go. */
class ClosePortTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 31);

    @Test
    void shouldTakeTheLinkDownForBothEnds() {
        try (World w = World.of(SEED, 2)) {
            HcaDriver drv = w.host(0).driver(0);
            long downed = w.link(0).linkDowned();
            assertEquals(0, drv.closePort(1));
            w.settle();
            assertEquals(HcaPort.DOWN, w.host(0).hca(0).firmware().port(1).state());
            assertEquals(Link.State.DOWN, w.link(0).state(), "the cable's link");
            assertEquals(downed + 1, w.link(0).linkDowned());
            assertEquals(Link.State.UP, w.link(1).state(), "the other host's link stays up");
        }
    }
}
