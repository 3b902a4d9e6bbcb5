// docs/HCA.md §3.15 (and §3.8, §3.10): Mellanox's ExtendedPortInfo, which tells FDR10 from QDR
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.ibmodel.sim.fabric.LinkSpeed;
import org.ibmodel.sim.fabric.LinkWidth;
import org.ibmodel.sim.world.World;
import org.junit.jupiter.api.Test;

/**
 * The firmware's agent answers SubnGet(ExtendedPortInfo), attribute 0xff90, with the port's FDR10
 * bits: supported and enabled always, active exactly on an FDR10 link, which PortInfo shows as QDR.
 */
class ExtendedPortInfoTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 47);
    /** ib_mlnx_ext_port_info_t's FDR10 bit. */
    private static final int FDR10 = 1;

    private static byte[] subn(int method, int attrId, long attrMod) {
        byte[] in = new byte[Layout.Mad.SIZE];
        Layout.Mad.BASE_VERSION.set(in, 0, 1);
        Layout.Mad.MGMT_CLASS.set(in, 0, Sma.CLASS_SUBN_LID_ROUTED);
        Layout.Mad.CLASS_VERSION.set(in, 0, 1);
        Layout.Mad.METHOD.set(in, 0, method);
        Layout.Mad.ATTR_ID.set(in, 0, attrId);
        Layout.Mad.ATTR_MOD.set(in, 0, attrMod);
        return in;
    }

    private static byte[] ask(World world, int method, int attrId, long attrMod) {
        Firmware fw = world.host(0).hca(0).firmware();
        return new Sma(fw.caps(), new HcaPort[] {fw.port(1)}).answer(fw.port(1), subn(method, attrId, attrMod));
    }

    @Test
    void shouldNameFdr10OnlyOnAnFdr10Link() {
        for (LinkSpeed s : List.of(LinkSpeed.SDR, LinkSpeed.DDR, LinkSpeed.QDR, LinkSpeed.FDR10, LinkSpeed.FDR,
                LinkSpeed.EDR)) {
            try (World world = World.of(SEED, 1, LinkWidth.WIDTH_4X, s)) {
                for (long attrMod : new long[] {0, 1}) {
                    byte[] r = ask(world, Sma.METHOD_GET, Sma.Attr.EXTENDED_PORT_INFO.id, attrMod);
                    int d = Layout.Mad.DATA;
                    String what = s + " attr_mod " + attrMod;
                    assertEquals(0, Layout.Mad.STATUS.getInt(r, 0), what + ": MAD status");
                    assertEquals(Sma.METHOD_GET_RESP, Layout.Mad.METHOD.getInt(r, 0), what);
                    assertEquals(0xff90, Layout.Mad.ATTR_ID.getInt(r, 0), what);
                    assertEquals(FDR10, Layout.ExtPortInfo.LINK_SPEED_SUPPORTED.getInt(r, d), what + ": supported");
                    assertEquals(FDR10, Layout.ExtPortInfo.LINK_SPEED_ENABLED.getInt(r, d), what + ": enabled");
                    assertEquals(s == LinkSpeed.FDR10 ? FDR10 : 0, Layout.ExtPortInfo.LINK_SPEED_ACTIVE.getInt(r, d),
                            what + ": active");
                    assertEquals(0, Layout.ExtPortInfo.STATE_CHANGE_ENABLE.getInt(r, d), what);
                    // PortInfo has no word for FDR10: QDR and no extended speed.
                    byte[] pi = ask(world, Sma.METHOD_GET, Sma.Attr.PORT_INFO.id, attrMod);
                    if (s == LinkSpeed.FDR10) {
                        assertEquals(HcaPort.SPEED_QDR, Layout.SmpPortInfo.LINK_SPEED_ACTIVE.getInt(pi, d), what);
                        assertEquals(0, Layout.SmpPortInfo.LINK_SPEED_EXT_ACTIVE.getInt(pi, d), what);
                    }
                }
            }
        }
    }

    @Test
    void shouldRefuseAPortThatDoesNotExist() {
        try (World world = World.of(SEED, 1, LinkWidth.WIDTH_4X, LinkSpeed.FDR10)) {
            byte[] r = ask(world, Sma.METHOD_GET, Sma.Attr.EXTENDED_PORT_INFO.id, 2);
            assertEquals(Sma.STATUS_INVALID_ATTRIB_VALUE, Layout.Mad.STATUS.getInt(r, 0));
            assertEquals(0, Layout.ExtPortInfo.LINK_SPEED_SUPPORTED.getInt(r, Layout.Mad.DATA), "no attribute");
        }
    }

    @Test
    void shouldAnswerAnotherVendorAttributeOrASetWithAStatus() {
        try (World world = World.of(SEED, 1, LinkWidth.WIDTH_4X, LinkSpeed.FDR10)) {
            for (int attrId : new int[] {0xff91, 0xff60, 0xffff}) {
                byte[] r = ask(world, Sma.METHOD_GET, attrId, 1);
                assertEquals(Sma.STATUS_UNSUPPORTED_METHOD_ATTRIB, Layout.Mad.STATUS.getInt(r, 0),
                        String.format("attribute 0x%04x", attrId));
                assertEquals(Sma.METHOD_GET_RESP, Layout.Mad.METHOD.getInt(r, 0));
            }
            byte[] set = ask(world, Sma.METHOD_SET, Sma.Attr.EXTENDED_PORT_INFO.id, 1);
            assertEquals(Sma.STATUS_UNSUPPORTED_METHOD_ATTRIB, Layout.Mad.STATUS.getInt(set, 0), "SubnSet");
        }
    }
}
