// docs/HCA.md §2.2, §3.7: a port the device reset makes knows its cable from the fabric
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.ibmodel.hca.HcaDriver;
import org.ibmodel.sim.device.Hca;
import org.ibmodel.sim.device.HcaPort;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.fabric.Link;
import org.junit.jupiter.api.Test;

/**
 * A device reset gives the HCA new ports with their power-on attributes, but not a new cable:
 * a port the driver opens again after the reset is in INIT only if the link on its cable is up,
 * and stays DOWN (Polling) while it is not.
 */
class ResetCableTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 29);

    /** A catastrophic error, the driver's reset and its probe of the device again. */
    private static void resetAndReprobe(World w, Hca hca, HcaDriver drv) {
        hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
        w.runUntil(w.scheduler().now() + HcaDriver.CATAS_POLL_NS);
        w.settle();
        assertEquals(1, hca.resets());
        w.runUntil(w.scheduler().now() + HcaDriver.RESET_WAIT_NS);
        w.settle();
        assertNotNull(drv.device(), "probed again: " + drv.restartError());
    }

    @Test
    void shouldStayDownAfterAResetWhileItsCableIsDown() {
        try (World w = World.of(SEED, 2)) {
            Hca hca = w.host(0).hca(0);
            HcaDriver drv = w.host(0).driver(0);
            Link cable = w.link(0);
            cable.changeState(Link.State.DOWN);
            w.settle();
            resetAndReprobe(w, hca, drv);
            HcaPort port = hca.firmware().port(1);
            assertEquals(Link.State.DOWN, cable.state(), "nothing brought the cable back");
            assertEquals(HcaPort.DOWN, port.state(), "INIT_PORT found no partner on the cable");

            cable.changeState(Link.State.UP);
            w.settle();
            assertEquals(HcaPort.INIT, port.state(), "the cable is back: INIT until the sweep");
        }
    }

    @Test
    void shouldTrainAgainAfterAResetThatTookItsCableDown() {
        try (World w = World.of(SEED, 2)) {
            Hca hca = w.host(0).hca(0);
            resetAndReprobe(w, hca, w.host(0).driver(0));
            assertEquals(Link.State.UP, w.link(0).state(), "INIT_PORT trained the link again");
            assertEquals(HcaPort.INIT, hca.firmware().port(1).state());
        }
    }
}
