// docs/HCA.md §3.7, §3.10, §5.9: a port reports and runs at the width and speed of its link
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.PortAttr;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.fabric.LinkSpeed;
import org.ibmodel.sim.fabric.LinkWidth;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;

/**
 * The width and speed a port reports (QUERY_PORT, PortInfo, and so ib_query_port) are those of
 * the link on its cable, among the ones PortInfo says it supports and has enabled; its rate,
 * which a static rate is measured against, is that link's data rate.
 */
class PortLinkTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 43);
    /** IB_RATE_10_GBPS, IB_RATE_2_5_GBPS (include/rdma/ib_verbs.h). */
    private static final int RATE_10 = 3;
    private static final int RATE_2_5 = 2;

    /** SubnGet(PortInfo) of the port MAD_IFC is for (attribute modifier 0). */
    private static byte[] getPortInfo() {
        byte[] in = new byte[Layout.Mad.SIZE];
        Layout.Mad.BASE_VERSION.set(in, 0, 1);
        Layout.Mad.MGMT_CLASS.set(in, 0, Sma.CLASS_SUBN_LID_ROUTED);
        Layout.Mad.CLASS_VERSION.set(in, 0, 1);
        Layout.Mad.METHOD.set(in, 0, Sma.METHOD_GET);
        Layout.Mad.ATTR_ID.set(in, 0, Sma.Attr.PORT_INFO.id);
        return in;
    }

    @Test
    void shouldReportTheWidthAndSpeedOfItsLink() {
        List<LinkWidth> widths = List.of(LinkWidth.WIDTH_1X, LinkWidth.WIDTH_4X, LinkWidth.WIDTH_8X,
                LinkWidth.WIDTH_12X);
        List<LinkSpeed> speeds = List.of(LinkSpeed.SDR, LinkSpeed.DDR, LinkSpeed.QDR, LinkSpeed.FDR10, LinkSpeed.FDR,
                LinkSpeed.EDR);
        for (int i = 0; i < speeds.size(); i++) {
            LinkWidth w = widths.get(i % widths.size());
            LinkSpeed s = speeds.get(i);
            String link = w + " " + s;
            try (World world = World.of(SEED, 1, w, s)) {
                HcaPort port = world.host(0).hca(0).firmware().port(1);
                byte[] q = port.query();
                assertEquals(w.ibWidth(), Layout.PortInfo.ACTIVE_WIDTH.getInt(q, 0), link + ": active_width");
                assertEquals(s.ibSpeed(), Layout.PortInfo.ACTIVE_SPEED.getInt(q, 0), link + ": active_speed");

                byte[] mad = sma(world).answer(port, getPortInfo());
                int d = Layout.Mad.DATA;
                int active = Layout.SmpPortInfo.LINK_WIDTH_ACTIVE.getInt(mad, d);
                assertEquals(w.ibWidth(), active, link + ": LinkWidthActive");
                assertTrue((Layout.SmpPortInfo.LINK_WIDTH_SUPPORTED.getInt(mad, d) & active) != 0, link);
                assertTrue((Layout.SmpPortInfo.LINK_WIDTH_ENABLED.getInt(mad, d) & active) != 0, link);
                int speed = Layout.SmpPortInfo.LINK_SPEED_ACTIVE.getInt(mad, d);
                int ext = Layout.SmpPortInfo.LINK_SPEED_EXT_ACTIVE.getInt(mad, d);
                assertTrue((Layout.SmpPortInfo.LINK_SPEED_SUPPORTED.getInt(mad, d) & speed) != 0, link);
                assertTrue((Layout.SmpPortInfo.LINK_SPEED_ENABLED.getInt(mad, d) & speed) != 0, link);
                assertEquals(ext, Layout.SmpPortInfo.LINK_SPEED_EXT_SUPPORTED.getInt(mad, d) & ext, link);
                assertEquals(ext, Layout.SmpPortInfo.LINK_SPEED_EXT_ENABLED.getInt(mad, d) & ext, link);

                // What ib_query_port returns, through the driver's MAD_IFC: mlx4's reading of
                // PortInfo, and of ExtendedPortInfo (§3.15) for FDR10, which PortInfo shows as QDR.
                PortAttr attr = new PortAttr();
                assertEquals(0, world.host(0).driver(0).queryPort(1, attr), link);
                assertEquals(w.ibWidth(), attr.activeWidth, link + ": ib_port_attr.active_width");
                assertEquals(s.ibSpeed(), attr.activeSpeed, link + ": ib_port_attr.active_speed");
            }
        }
    }

    private static Sma sma(World world) {
        Firmware fw = world.host(0).hca(0).firmware();
        return new Sma(fw.caps(), new HcaPort[] {fw.port(1)});
    }

    @Test
    void shouldRefuseALinkItCannotRun() {
        assertThrows(IllegalArgumentException.class, () -> World.of(SEED, 1, LinkWidth.WIDTH_4X, LinkSpeed.HDR));
        assertThrows(IllegalArgumentException.class, () -> World.of(SEED, 1, LinkWidth.WIDTH_2X, LinkSpeed.EDR));
    }

    /** The start times of host a's packets of a 64 KiB RDMA WRITE paced to {@code rate}, over 1x QDR. */
    private static List<Long> writeStartsOn1xQdr(int rate) {
        TransportPair.Conn c = TransportPair.Conn.standard(Mtu.MTU_4096).staticRate(rate);
        try (TransportPair p = new TransportPair(World.of(SEED, 2, LinkWidth.WIDTH_1X, LinkSpeed.QDR), 0, 1,
                QpType.RC, c)) {
            assertEquals(8_000, p.a.host.hca(0).firmware().port(1).rateMbps(), "1x QDR: 8 Gb/s of data");
            p.a.transport().logSent(true);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, 64 * 1024))
                    .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()));
            p.settle();
            List<Wc> wcs = p.a.poll();
            assertEquals(1, wcs.size());
            assertEquals(WcStatus.SUCCESS, wcs.get(0).status);
            return p.a.transport().sentLog().stream().map(Transport.Sent::timeNs).toList();
        }
    }

    @Test
    void shouldMeasureAStaticRateAgainstItsLinksRate() {
        List<Long> fast = writeStartsOn1xQdr(RATE_10);
        assertEquals(fast.get(0), fast.get(1), "10 Gb/s is no slower than a 1x QDR port: no pacing");
        List<Long> slow = writeStartsOn1xQdr(RATE_2_5);
        // A middle WRITE packet at MTU 4096 (LRH 8, BTH 12, ICRC 4, VCRC 2): ⌈10,000 / 2,500⌉ = 4
        // times its time at the port's 8,000 Mb/s of data (IBA 9.11, signalling rates compared).
        assertEquals(4 * (8 + 12 + 4096 + 4 + 2) * 8_000L / 8_000, slow.get(2) - slow.get(1), "2.5 Gb/s paces");
    }
}
