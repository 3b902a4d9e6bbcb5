// docs/HCA.md §2.2, §3.7: a port drives its link only while the device has it open
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.sim.fabric.Fabric;
import org.ibmodel.sim.fabric.FabricPort;
import org.ibmodel.sim.fabric.Link;
import org.ibmodel.sim.fabric.LinkSpeed;
import org.ibmodel.sim.fabric.LinkWidth;
import org.ibmodel.sim.fabric.PacketSink;
import org.ibmodel.sim.sched.Scheduler;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;

/**
 * A link is up while its cable is plugged in and both its ports drive it (IBA 14.2.5.6: a
 * Disabled port does not train). An HCA port drives its link from INIT_PORT until CLOSE_PORT,
 * CLOSE_HCA, a reset or a catastrophic error, so the port at the other end sees the link go down
 * with it, and INIT_PORT brings the link up only if the cable is plugged in.
 */
class PortDrivesLinkTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 47);

    /** A device with no driver, its port 1 cabled to a port that records what it sees. */
    private static final class Cabled {
        final Scheduler scheduler = new Scheduler(SEED);
        final Transport transport = new Transport(scheduler, "raw");
        final RawHca h = new RawHca(scheduler, transport);
        final List<Link.State> peerSaw = new ArrayList<>();
        final Link link;

        Cabled() {
            transport.bind(h.hca);
            Fabric f = new Fabric(scheduler);
            FabricPort hcaPort = f.addEndpointPort("raw-hca0", 1, transport.sink(1));
            FabricPort peer = f.addEndpointPort("peer", 1, new PacketSink() {
                @Override
                public void receive(FabricPort port, byte[] packet) {
                    port.pool().give(packet);
                }

                @Override
                public void linkStateChanged(FabricPort port, Link.State state) {
                    peerSaw.add(state);
                }
            });
            link = f.connect(hcaPort, peer, LinkWidth.WIDTH_4X, LinkSpeed.EDR, 1.0);
            transport.attach(1, hcaPort);
        }
    }

    @Test
    void shouldBringTheLinkUpAtInitPortAndDownAtCloseHca() {
        Cabled c = new Cabled();
        assertEquals(Link.State.DOWN, c.link.state(), "a port the device has not opened drives no link");
        c.h.init();
        assertEquals(Link.State.DOWN, c.link.state(), "nor does INIT_HCA open it");
        assertEquals(Status.OK, c.h.cmd(Command.INIT_PORT, 1, 0));
        assertEquals(Link.State.UP, c.link.state());
        assertEquals(HcaPort.PHYS_LINK_UP, c.h.hca.firmware().port(1).physState());

        // The driver closes its ports first; a CLOSE_HCA with one still open closes it too.
        assertEquals(Status.OK, c.h.cmd(Command.CLOSE_HCA, 0, 0));
        assertEquals(Link.State.DOWN, c.link.state(), "the closed port drives its link no longer");
        assertEquals(List.of(Link.State.DOWN, Link.State.UP, Link.State.DOWN), c.peerSaw,
                "the peer sees the link come up at INIT_PORT and go down at CLOSE_HCA");
        assertEquals(HcaPort.PHYS_DISABLED, c.h.hca.firmware().port(1).physState());
    }

    @Test
    void shouldStayPollingAtInitPortWhileItsCableIsPulled() {
        Cabled c = new Cabled();
        c.h.init();
        assertEquals(Status.OK, c.h.cmd(Command.INIT_PORT, 1, 0));
        assertEquals(Status.OK, c.h.cmd(Command.CLOSE_PORT, 1, 0));
        assertFalse(c.link.changeState(Link.State.UP), "closing the port did not pull the cable");
        c.link.changeState(Link.State.DOWN);
        assertEquals(Status.OK, c.h.cmd(Command.INIT_PORT, 1, 0));
        assertEquals(Link.State.DOWN, c.link.state(), "INIT_PORT plugs no cable in");
        assertEquals(HcaPort.PHYS_POLLING, c.h.hca.firmware().port(1).physState());
        assertEquals(HcaPort.DOWN, c.h.hca.firmware().port(1).state());

        c.link.changeState(Link.State.UP);
        assertEquals(Link.State.UP, c.link.state());
        assertEquals(HcaPort.INIT, c.h.hca.firmware().port(1).state(), "trained, no LID yet");
    }

    @Test
    void shouldKeepTheLinkDownWhileTheHcaPortIsClosedWhateverTheCableDoes() {
        try (World w = World.of(SEED, 2)) {
            HcaPort port = w.host(1).hca(0).firmware().port(1);
            Link cable = w.link(1);
            int routed = w.sweep();
            assertEquals(0, w.host(1).driver(0).closePort(1));
            w.settle();
            assertEquals(Link.State.DOWN, cable.state());
            cable.changeState(Link.State.DOWN);
            cable.changeState(Link.State.UP);
            w.settle();
            assertEquals(Link.State.DOWN, cable.state(), "a flap of the cable trains no link to a closed port");
            assertEquals(HcaPort.PHYS_DISABLED, port.physState());
            assertTrue(w.sweep() < routed, "the sweep routes nothing to a port whose link is down");
        }
    }
}
