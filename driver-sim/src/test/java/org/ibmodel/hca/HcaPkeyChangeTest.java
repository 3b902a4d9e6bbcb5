// drivers/infiniband/hw/mlx4/main.c handle_port_mgmt_change_event: one IB_EVENT_PKEY_CHANGE per
// PORT_MNG_CHG EQE of subtype MLX4_DEV_PMC_SUBTYPE_PKEY_TABLE; drivers/infiniband/core/cache.c
// ib_cache_event_task reads the whole table (ib_cache_update) before the clients hear of it
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.Port;
import org.ibmodel.core.PortAttr;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.device.Command;
import org.ibmodel.sim.device.Status;
import org.junit.jupiter.api.Test;
import org.ibmodel.sim.world.World;

class HcaPkeyChangeTest {
    private final HcaHost h = new HcaHost();
    private final Port port = h.dev.port(1);
    /** Each event's type, and for PKEY_CHANGE entries 0, 1, 2 and 33 as the client saw them. */
    private final List<String> seen = new ArrayList<>();

    {
        h.dev.registerEventHandler(e -> seen.add(e.event() != IbEventType.PKEY_CHANGE ? e.event().kernelName()
                : String.format("%s %04x %04x %04x %04x", e.event().kernelName(), port.pkey(0), port.pkey(1),
                        port.pkey(2), port.pkey(33))));
    }

    @Test
    void shouldRaiseOnePkeyChangeForATableChangedInManyEntries() {
        int[] table = new int[34];
        table[0] = 0x7fff;
        table[1] = 0x8001;
        table[2] = 0x0002;
        table[33] = 0x8033;

        assertEquals(0, h.drv.setPkeys(1, table));
        h.settle();

        assertEquals(List.of("IB_EVENT_PKEY_CHANGE 7fff 8001 0002 8033"), seen,
                "one SET_PORT, one PORT_MNG_CHG EQE, one event, the whole new table in place");
    }

    @Test
    void shouldRaiseOnePkeyChangeForEachTableChange() {
        assertEquals(0, h.drv.setPkeys(1, new int[] {0xffff, 0x8001}));
        h.settle();
        assertEquals(0, h.drv.setPkeys(1, new int[] {0xffff, 0x8001, 0x8002}));
        h.settle();
        // The same table again: the device posts no EQE, so there is no event.
        assertEquals(0, h.drv.setPkeys(1, new int[] {0xffff, 0x8001, 0x8002}));
        h.settle();

        assertEquals(List.of("IB_EVENT_PKEY_CHANGE ffff 8001 0000 0000", "IB_EVENT_PKEY_CHANGE ffff 8001 8002 0000"),
                seen);
    }

    @Test
    void shouldRaiseNoPkeyChangeForAnAddressChange() {
        PortAttr a = port.query();
        assertEquals(0, h.drv.setPort(1, HcaHost.LID + 1, a.lmc, a.smLid, a.smSl, a.subnetTimeout));
        h.settle();

        assertEquals(List.of("IB_EVENT_LID_CHANGE"), seen);
    }

    /**
     * A P_Key table set by SET_PORT keeps the port's addresses as PortInfo has them (LID, LMC,
     * the SM's LID and SL); a table as long as the port's is taken, a longer one refused.
     */
    @Test
    void shouldKeepThePortsAddressesAndTakeAWholeTable() {
        assertEquals(0, h.drv.setPort(1, 0x42, 1, 0x7, 3, World.SUBNET_TIMEOUT));
        h.settle();
        int[] table = new int[port.pkeyTableLength()];
        table[0] = 0xffff;
        table[table.length - 1] = 0x8077;
        assertEquals(0, h.drv.setPkeys(1, table));
        assertEquals(Errno.EINVAL.negative(), h.drv.setPkeys(1, new int[table.length + 1]));
        h.settle();
        PortAttr a = port.query();
        assertEquals(0x42, a.lid);
        assertEquals(1, a.lmc);
        assertEquals(0x7, a.smLid);
        assertEquals(3, a.smSl);
        assertEquals(0x8077, port.pkey(table.length - 1));
    }

    /** SET_PORT and CLOSE_PORT refused, or the PortInfo read before refused: the command's errno. */
    @Test
    void shouldReturnTheErrnoOfARefusedPortCommand() {
        h.fw.injectStatus(Command.SET_PORT.opcode(), Status.BAD_PARAM);
        assertEquals(Errno.EINVAL.negative(), h.drv.setPort(1, 0x42, 0, 0x42, 0, World.SUBNET_TIMEOUT));
        h.fw.injectStatus(Command.SET_PORT.opcode(), Status.BAD_PARAM);
        assertEquals(Errno.EINVAL.negative(), h.drv.setPkeys(1, new int[] {0xffff}));
        h.fw.injectStatus(Command.MAD_IFC.opcode(), Status.BAD_RES_STATE);
        assertEquals(Errno.EBADF.negative(), h.drv.setGid(1, 0xfe80_0000_0000_0000L, 1));
        h.fw.injectStatus(Command.CLOSE_PORT.opcode(), Status.BAD_PARAM);
        assertEquals(Errno.EINVAL.negative(), h.drv.closePort(1));
        h.settle();
        assertEquals(HcaHost.LID, port.query().lid, "nothing changed");
        assertEquals(List.of(), seen);
    }

    /** mlx4_unload_one closes every port before the HCA. */
    @Test
    void shouldCloseThePortsOnRemove() {
        assertEquals(0, h.pd.dealloc());
        h.hca.logCommands(true);
        h.drv.remove();
        List<String> names = h.hca.commandLog().stream().map(e -> e.name()).toList();
        assertEquals(names.indexOf("CLOSE_PORT"), names.lastIndexOf("CLOSE_PORT"), names.toString());
        assertTrue(names.indexOf("CLOSE_PORT") >= 0 && names.indexOf("CLOSE_PORT") < names.indexOf("CLOSE_HCA"),
                names.toString());
        // mlx4_cleanup_qp_table's CONF_SPECIAL_QP with base 0, then mlx4_cleanup_eq_table's unmap
        // of the async EQ before the EQs go.
        int conf = names.indexOf("CONF_SPECIAL_QP");
        int unmap = names.indexOf("MAP_EQ");
        assertTrue(conf > names.lastIndexOf("CLOSE_PORT") && conf < unmap && unmap < names.indexOf("HW2SW_EQ"),
                names.toString());
        assertTrue(h.hca.commandLog().stream().allMatch(e -> e.status() == Status.OK), h.hca.commandLog().toString());
    }
}
