// docs/HCA.md §3.7 and §7: what a PORT_MNG_CHG EQE carries, as include/linux/mlx4/device.h lays out
// struct mlx4_eqe's port_mgmt_change and drivers/infiniband/hw/mlx4/mad.c
// handle_port_mgmt_change_event reads it
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortMngChgEqeTest {
    private static final long PREFIX = 0xfe80_0000_0000_0000L;

    private final RawHca h = new RawHca();
    private RawHca.EqRing eq;

    private HcaPort port() {
        return h.hca.firmware().port(1);
    }

    /** An open port, with the EQ that takes port events; {@code lid} 0 leaves it INIT. */
    private void open(int lid) {
        h.init();
        eq = h.new EqRing(0, 5, 0, EventType.PORT_CHANGE.maskBit() | EventType.PORT_MNG_CHG.maskBit());
        assertEquals(Status.OK, h.cmd(Command.INIT_PORT, 1, 0));
        if (lid != 0) {
            assertEquals(Status.OK, h.in(Command.SET_PORT, 1, addresses(lid, 0, 0, 0)));
            drain();
        }
    }

    private byte[] addresses(int lid, int lmc, int smLid, int smSl) {
        byte[] set = new byte[Layout.PortInfo.PKEY.offset() + 2 * h.caps.pkeyTableLen()];
        Layout.PortInfo.LID.set(set, 0, lid);
        Layout.PortInfo.LMC.set(set, 0, lmc);
        Layout.PortInfo.SM_LID.set(set, 0, smLid);
        Layout.PortInfo.SM_SL.set(set, 0, smSl);
        return set;
    }

    private List<byte[]> drain() {
        List<byte[]> out = new ArrayList<>();
        eq.arm();
        for (byte[] e = eq.poll(); e != null; e = eq.poll()) {
            out.add(e);
        }
        return out;
    }

    private static String describe(byte[] e) {
        int type = Layout.Eqe.TYPE.getInt(e, 0);
        if (type == EventType.PORT_CHANGE.value()) {
            return "PORT_CHANGE " + Layout.Eqe.SUBTYPE.getInt(e, 0) + " port " + Layout.Eqe.PORT.getInt(e, 0);
        }
        return String.format("PORT_MNG_CHG %#x port %d changed_attr %#x", Layout.Eqe.SUBTYPE.getInt(e, 0),
                Layout.Eqe.PMC_PORT.getInt(e, 0), Layout.Eqe.CHANGED_ATTR.getInt(e, 0));
    }

    private static List<String> describe(List<byte[]> eqes) {
        return eqes.stream().map(PortMngChgEqeTest::describe).toList();
    }

    @Test
    void shouldCarryTheChangedAttributeMaskAndTheNewAddressesInAPortInfoEqe() {
        open(0x11);
        assertEquals(Status.OK, h.in(Command.SET_PORT, 1, addresses(0x12, 0, 0x3, 0x5)));

        List<byte[]> eqes = drain();
        int lidSmLidSmSl = Layout.Eqe.LID_CHANGE | Layout.Eqe.MSTR_SM_LID_CHANGE | Layout.Eqe.MSTR_SM_SL_CHANGE;
        assertEquals(List.of(String.format("PORT_MNG_CHG 0x15 port 1 changed_attr %#x", lidSmLidSmSl)),
                describe(eqes));
        byte[] e = eqes.get(0);
        assertEquals(0x12, Layout.Eqe.PORT_LID.getInt(e, 0));
        assertEquals(0x3, Layout.Eqe.MSTR_SM_LID.getInt(e, 0));
        assertEquals(0x5, Layout.Eqe.MSTR_SM_SL.getInt(e, 0));
        assertEquals(PREFIX, Layout.Eqe.GID_PREFIX.get(e, 0), "the prefix is carried, changed or not");
    }

    @Test
    void shouldSetOnlyTheBitsOfWhatChanged() {
        open(0x11);
        assertEquals(Status.OK, h.in(Command.SET_PORT, 1, addresses(0x11, 0, 0x4, 0)));
        assertEquals(Status.OK, h.in(Command.SET_PORT, 1, addresses(0x11, 0, 0x4, 0)));
        assertEquals(Status.OK, h.in(Command.SET_PORT, 1, addresses(0x11, 2, 0x4, 0)));

        assertEquals(List.of(
                String.format("PORT_MNG_CHG 0x15 port 1 changed_attr %#x", Layout.Eqe.MSTR_SM_LID_CHANGE),
                String.format("PORT_MNG_CHG 0x15 port 1 changed_attr %#x", Layout.Eqe.LID_CHANGE)),
                describe(drain()), "the same set twice changes nothing the second time; an LMC is the port's LIDs");
    }

    @Test
    void shouldReportANewGidPrefixInPortInfoAndANewPortGuidInGuidInfo() {
        open(0x11);
        byte[] set = addresses(0x11, 0, 0, 0);
        Layout.PortInfo.SET_GID.set(set, 0, 1);
        Layout.PortInfo.GID_PREFIX.set(set, 0, PREFIX | 0xab);
        Layout.PortInfo.PORT_GUID.set(set, 0, port().gidInterfaceId(0));
        assertEquals(Status.OK, h.in(Command.SET_PORT, 1, set));
        List<byte[]> eqes = drain();
        assertEquals(List.of(String.format("PORT_MNG_CHG 0x15 port 1 changed_attr %#x", Layout.Eqe.GID_PFX_CHANGE)),
                describe(eqes));
        assertEquals(PREFIX | 0xab, Layout.Eqe.GID_PREFIX.get(eqes.get(0), 0));

        Layout.PortInfo.PORT_GUID.set(set, 0, 0x0002_c903_00ab_cdefL);
        assertEquals(Status.OK, h.in(Command.SET_PORT, 1, set));
        assertEquals(List.of("PORT_MNG_CHG 0x14 port 1 changed_attr 0x0"), describe(drain()));
    }

    @Test
    void shouldAskForClientReregistrationEvenWhenNothingElseChanged() {
        open(0x11);
        byte[] set = addresses(0x11, 0, 0, 0);
        Layout.PortInfo.CLIENT_REREGISTER.set(set, 0, 1);
        assertEquals(Status.OK, h.in(Command.SET_PORT, 1, set));
        port().smClientReregister();

        String rereg = String.format("PORT_MNG_CHG 0x15 port 1 changed_attr %#x", Layout.Eqe.CLIENT_REREG);
        assertEquals(List.of(rereg, rereg), describe(drain()), "SET_PORT's bit, then the world's subnet manager");
        assertEquals(0, Layout.PortInfo.CLIENT_REREGISTER.getInt(h.out(Command.QUERY_PORT, 1), 0));
    }

    @Test
    void shouldReportAChangeMadeWhileThePortIsInitBeforeItGoesActive() {
        open(0);
        byte[] set = addresses(0, 0, 0, 0);
        Layout.PortInfo.SET_PKEY.set(set, 0, 1);
        HcaPort.pkeyAt(set, 0, 0xffff);
        HcaPort.pkeyAt(set, 1, 0x8001);
        assertEquals(Status.OK, h.in(Command.SET_PORT, 1, set));
        assertEquals(HcaPort.INIT, port().state());
        assertEquals(List.of("PORT_MNG_CHG 0x16 port 1 changed_attr 0x0"), describe(drain()),
                "the SM configures a port in INIT; the P_Key table change is reported then");

        assertEquals(Status.OK, h.in(Command.SET_PORT, 1, addresses(0x11, 0, 0x1, 0)));
        assertEquals(List.of(
                String.format("PORT_MNG_CHG 0x15 port 1 changed_attr %#x",
                        Layout.Eqe.LID_CHANGE | Layout.Eqe.MSTR_SM_LID_CHANGE),
                "PORT_CHANGE 4 port 1"), describe(drain()), "the set, then the state it brings");
    }

    @Test
    void shouldReportAChangeMadeWhileThePortIsDown() {
        open(0x11);
        port().link(false);
        assertEquals(List.of("PORT_CHANGE 1 port 1"), describe(drain()));
        port().smSet(0x13, 0, 0, 0);
        assertEquals(List.of(String.format("PORT_MNG_CHG 0x15 port 1 changed_attr %#x", Layout.Eqe.LID_CHANGE)),
                describe(drain()));
        port().link(true);
        assertEquals(List.of("PORT_CHANGE 4 port 1"), describe(drain()));
        assertNull(eq.poll());
    }
}
