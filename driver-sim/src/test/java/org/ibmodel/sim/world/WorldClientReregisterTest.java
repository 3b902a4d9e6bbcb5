// The subnet manager asks a port's clients to register again: PortInfo:ClientReregister (IBA
// 14.2.5.6) in a SubnSet, a PORT_MNG_CHG EQE with CLIENT_REREG, IB_EVENT_CLIENT_REREGISTER
// (drivers/infiniband/hw/mlx4/mad.c handle_client_rereg_event)
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorldClientReregisterTest {

    @Test
    void shouldRaiseClientReregisterOnThePortTheSubnetManagerAsked() {
        try (World w = World.of(1, 2, 0, 2)) {
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String host = "h" + i;
                w.host(i).driver(0).device().registerEventHandler(
                        e -> seen.add(host + " port " + e.portNum() + " " + e.event().kernelName()));
            }

            w.clientReregister(1, 2);
            w.settle();

            assertEquals(List.of("h1 port 2 IB_EVENT_CLIENT_REREGISTER"), seen);
            assertEquals(w.lid(1, 2), w.host(1).driver(0).device().port(2).lid(), "nothing else changed");
        }
    }

    @Test
    void shouldRefuseAPortTheWorldDoesNotHave() {
        try (World w = World.of(1, 2)) {
            assertThrows(IllegalArgumentException.class, () -> w.clientReregister(2, 1));
            assertThrows(IllegalArgumentException.class, () -> w.clientReregister(0, 2));
        }
    }
}
