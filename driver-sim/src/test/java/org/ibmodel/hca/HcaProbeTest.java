// Bring-up and its failures: drivers/net/ethernet/mellanox/mlx4/main.c (mlx4_load_one, mlx4_init_hca,
// mlx4_setup_hca and their unwinding), drivers/infiniband/hw/mlx4/main.c (mlx4_ib_add)
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.CqNotifyFlags;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Port;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.device.DevCaps;
import org.ibmodel.sim.device.Firmware;
import org.ibmodel.sim.device.Hca;
import org.ibmodel.sim.device.HoldingStage;
import org.ibmodel.sim.device.Status;
import org.ibmodel.sim.sched.Scheduler;
import org.ibmodel.sim.world.Host;
import org.junit.jupiter.api.Test;

class HcaProbeTest {
    private static final long GUID = 0x0002_c903_0000_1234L;
    private final Host host = new Host("h1", new Scheduler(0x5eed));

    private Hca plug(DevCaps caps) {
        return host.plugHca(caps, new HoldingStage());
    }

    /** The standard caps with other P_Key and GID table lengths. */
    private static DevCaps tables(int pkeys, int gids) {
        return caps(pkeys, gids, DevCaps.standard(GUID).msixVectors());
    }

    private static DevCaps caps(int pkeys, int gids, int vectors) {
        DevCaps s = DevCaps.standard(GUID);
        return new DevCaps(s.maxQp(), s.maxQpWr(), s.maxCq(), s.maxCqe(), s.maxMpt(), s.maxPd(), s.maxEq(),
                s.maxSendSge(), s.maxRecvSge(), s.maxQpRdAtom(), s.maxQpInitRdAtom(), s.maxSrq(), s.maxSrqWr(),
                s.maxSrqSge(), s.numPorts(), s.maxMtu(), pkeys, s.localCaAckDelay(), gids, s.maxInlineData(),
                s.firstQpn(), s.nodeGuid(), s.sysImageGuid(), s.vendorId(), s.vendorPartId(), vectors,
                s.maxMcg());
    }

    private static void assertClosed(Firmware fw, String at) {
        assertEquals(Firmware.SysState.RESET, fw.state(), at + ": CLOSE_HCA");
        for (Map.Entry<String, Integer> e : fw.live().entrySet()) {
            assertEquals(0, e.getValue(), at + ": device table " + e.getKey());
        }
    }

    /**
     * mlx4_load_one unwinds whatever step of the bring-up fails: the EQs given back, the HCA
     * closed, the command's errno returned and no device registered; the device can then be
     * probed again. Every command of the bring-up is refused in turn, those sent while polling
     * and those completed by CMD EQE.
     */
    @Test
    void shouldLeaveTheDeviceClosedWhicheverBringUpCommandIsRefused() {
        Hca hca = plug(DevCaps.standard(GUID));
        Firmware fw = hca.firmware();
        int refused = 0;
        for (int passing = 0;; passing++) {
            long before = fw.commands();
            fw.injectStatusAfter(passing, Status.BAD_PARAM);
            int ret = host.loadDriver(hca, "hca0");
            if (fw.injectionPending(true)) {
                assertEquals(0, ret, "every command passed");
                break;
            }
            String at = "command " + (passing + 1) + " refused";
            assertEquals(Errno.EINVAL.negative(), ret, at);
            assertClosed(fw, at);
            assertTrue(host.core().devices().isEmpty(), at);
            assertTrue(fw.commands() - before > passing, at);
            refused++;
        }
        // QUERY_FW, QUERY_DEV_CAP, INIT_HCA, SW2HW_EQ per EQ, MAP_EQ of the async EQ,
        // CONF_SPECIAL_QP, INIT_PORT, then the MAD_IFCs of the port and its tables.
        assertTrue(refused >= 3 + 3 + 1 + 1 + 1 + 1 + 2 + 1 + 2, refused + " commands");
        IbDevice dev = host.driver(0).device();
        assertEquals(host.core().devices(), java.util.List.of(dev));
        assertEquals(Firmware.SysState.INITIALISED, fw.state());
    }

    /**
     * mlx4_ib_add fails when ib_register_device does (a name taken): the driver unwinds as for a
     * refused command, and the first device stays.
     */
    @Test
    void shouldCloseTheDeviceWhenItsRegistrationFails() {
        Hca first = plug(DevCaps.standard(GUID));
        Hca second = plug(DevCaps.standard(GUID + 1));
        assertEquals(0, host.loadDriver(first, "hca0"));
        assertEquals(Errno.ENFILE.negative(), host.loadDriver(second, "hca0"));
        assertClosed(second.firmware(), "second");
        assertEquals(1, host.core().devices().size());
        assertEquals(0, host.loadDriver(second, "hca1"), "and can be probed again");
    }

    /**
     * ib_cache_update reads the tables a block at a time, 32 P_Keys or 8 GUIDs a block, a last
     * block only in part; entries the SM assigned nothing are 0 and the zero GID.
     */
    @Test
    void shouldReadTablesWhoseLengthsAreNoWholeNumberOfBlocks() {
        Hca hca = plug(tables(40, 12));
        assertEquals(0, host.loadDriver(hca, "hca0"));
        HcaDriver drv = host.driver(0);
        int[] pkeys = new int[40];
        for (int i = 33; i < pkeys.length; i++) {
            pkeys[i] = 0x8000 | i;
        }
        pkeys[0] = 0xffff;
        assertEquals(0, drv.setPkeys(1, pkeys));
        assertEquals(0, drv.setGid(1, 0xfe80_0000_0000_0000L, 0x1122_3344_5566_7788L));
        host.settle();
        Port port = drv.device().port(1);
        assertEquals(40, port.pkeyTableLength());
        for (int i = 0; i < pkeys.length; i++) {
            assertEquals(pkeys[i], port.pkey(i), "P_Key " + i);
        }
        assertArrayEquals(Port.gid(0xfe80_0000_0000_0000L, 0x1122_3344_5566_7788L), port.gid(0));
        for (int i = 1; i < 12; i++) {
            assertArrayEquals(Port.gid(0xfe80_0000_0000_0000L, 0), port.gid(i), "GID " + i + ": no GUID assigned");
        }
    }

    /**
     * With a single MSI-X vector there is one EQ: the async EQ takes the completions too (as
     * mlx4 with one vector shares it), sized for every CQ's EQE besides its own.
     */
    @Test
    void shouldCompleteOnTheAsyncEqWhenThereIsOneVector() {
        DevCaps one = caps(64, 16, 1);
        Hca hca = plug(one);
        assertEquals(0, host.loadDriver(hca, "hca0"));
        IbDevice dev = host.driver(0).device();
        byte[] eq = hca.firmware().eqContext(0);
        assertEquals(HcaQp.log2Ceil(HcaDriver.NUM_ASYNC_EQE + one.maxCq() + Eq.NUM_SPARE_EQE),
                org.ibmodel.sim.device.Layout.EqCtx.LOG_SIZE.getInt(eq, 0));
        Pd pd = Pd.alloc(dev).get();
        int[] calls = new int[1];
        Cq cq = Cq.create(dev, c -> calls[0]++, null, new CqInitAttr(4, 3)).get();
        byte[] ctx = hca.firmware().cqContext(((HcaCq) cq.drv()).cqn());
        assertEquals(0, org.ibmodel.sim.device.Layout.CqCtx.COMP_EQN.getInt(ctx, 0), "comp_vector 3 on EQ 0");
        Qp qp = Qp.create(pd, QpInitAttr.of(QpType.RC, cq, cq, QpCap.of(2, 2, 1))).get();
        HcaHost.toRts(qp);
        HcaHost.toErr(qp);
        assertEquals(0, cq.reqNotify(CqNotifyFlags.NEXT_COMP));
        assertTrue(qp.postSend(SendWr.send(1, new Sge(0x1_0000_1000L, 8, pd.localDmaLkey()))).ok());
        host.settle();
        assertEquals(1, calls[0], "the completion's EQE, by the async EQ");
        assertEquals(1, HcaHost.poll(cq).size());
    }
}
