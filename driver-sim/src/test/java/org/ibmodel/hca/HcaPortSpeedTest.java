// drivers/infiniband/hw/mlx4/main.c ib_link_query_port: the active speed from PortInfo, and from
// Mellanox's ExtendedPortInfo (docs/HCA.md §3.15) for a port PortInfo calls QDR
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.PortAttr;
import org.ibmodel.core.PortState;
import org.ibmodel.sim.device.Firmware;
import org.ibmodel.sim.fabric.Link;
import org.ibmodel.sim.fabric.LinkSpeed;
import org.ibmodel.sim.fabric.LinkWidth;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;

/**
 * ib_query_port reports the enum ib_port_speed of the link on the port's cable, FDR10 included, as
 * mlx4 does: one MAD_IFC (PortInfo) for every speed but QDR, a second (ExtendedPortInfo) when
 * PortInfo says QDR with no extended speed, which is how FDR10 looks to it.
 */
class HcaPortSpeedTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 53);
    /** enum ib_port_speed (include/rdma/ib_verbs.h). */
    private static final int IB_SPEED_SDR = 1;
    private static final int IB_SPEED_QDR = 4;
    private static final int IB_SPEED_FDR10 = 8;

    @Test
    void shouldReportFdr10ForAPortOnAnFdr10Link() {
        try (World world = World.of(SEED, 1, LinkWidth.WIDTH_4X, LinkSpeed.FDR10)) {
            IbDevice dev = world.host(0).driver(0).device();
            PortAttr a = new PortAttr();
            assertEquals(0, dev.queryPort(1, a), "ib_query_port");
            assertEquals(PortState.ACTIVE, a.state);
            assertEquals(IB_SPEED_FDR10, a.activeSpeed, "IB_SPEED_FDR10, from ExtendedPortInfo");
            assertEquals(LinkSpeed.FDR10.ibSpeed(), a.activeSpeed);
            assertEquals(LinkWidth.WIDTH_4X.ibWidth(), a.activeWidth);
            assertEquals(IB_SPEED_FDR10, dev.port(1).query().activeSpeed, "ib_core's copy from probe");
        }
    }

    @Test
    void shouldAskExtendedPortInfoOnlyWhenPortInfoSaysQdr() {
        for (LinkSpeed s : List.of(LinkSpeed.SDR, LinkSpeed.DDR, LinkSpeed.QDR, LinkSpeed.FDR10, LinkSpeed.FDR,
                LinkSpeed.EDR)) {
            try (World world = World.of(SEED, 1, LinkWidth.WIDTH_1X, s)) {
                Firmware fw = world.host(0).hca(0).firmware();
                PortAttr a = new PortAttr();
                long before = fw.commands();
                assertEquals(0, world.host(0).driver(0).queryPort(1, a), s.toString());
                boolean qdr = s == LinkSpeed.QDR || s == LinkSpeed.FDR10;
                assertEquals(qdr ? 2 : 1, fw.commands() - before, s + ": MAD_IFCs of one ib_query_port");
                assertEquals(s.ibSpeed(), a.activeSpeed, s + ": active_speed");
            }
        }
    }

    @Test
    void shouldKeepQdrForAQdrLink() {
        try (World world = World.of(SEED, 1, LinkWidth.WIDTH_4X, LinkSpeed.QDR)) {
            PortAttr a = new PortAttr();
            assertEquals(0, world.host(0).driver(0).queryPort(1, a));
            assertEquals(IB_SPEED_QDR, a.activeSpeed, "ExtendedPortInfo has no FDR10 active");
        }
    }

    @Test
    void shouldReportSdrForAPortThatIsDownWhateverItsLink() {
        try (World world = World.of(SEED, 2, LinkWidth.WIDTH_4X, LinkSpeed.FDR10)) {
            world.link(0).changeState(Link.State.DOWN);
            world.settle();
            PortAttr a = new PortAttr();
            assertEquals(0, world.host(0).driver(0).queryPort(1, a));
            assertEquals(PortState.DOWN, a.state);
            assertEquals(IB_SPEED_SDR, a.activeSpeed, "ib_link_query_port: a DOWN port is IB_SPEED_SDR");
        }
    }
}
