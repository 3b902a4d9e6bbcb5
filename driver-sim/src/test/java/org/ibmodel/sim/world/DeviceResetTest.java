// drivers/net/ethernet/mellanox/mlx4/catas.c (poll_catas, mlx4_enter_error_state,
// mlx4_handle_error_state), reset.c (mlx4_reset), main.c (mlx4_restart_one); docs/HCA.md §2.1, §2.2
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.IbClient;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.IbEventHandler;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.hca.HcaDriver;
import org.ibmodel.hca.PciFunction;
import org.ibmodel.sim.device.Firmware;
import org.ibmodel.sim.device.Hca;
import org.ibmodel.sim.device.HcaPort;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.fabric.Link;
import org.junit.jupiter.api.Test;

/**
 * A catastrophic error with the driver's default reset: the poll finds it, the device is reset,
 * a second later ib_core hears IB_EVENT_DEVICE_FATAL, the driver unloads (a kernel consumer's
 * remove drains its flushed work and frees everything) and probes the device again, and the
 * consumer is added to the new ib_device. Once the subnet manager has swept, traffic flows.
 */
class DeviceResetTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 23);
    private static final int LEN = 4096;
    private static final byte[] MGID = {(byte) 0xff, 0x12, 0x40, 0x1b, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0, 0, 0,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    private static final int MLID = 0xc001;

    /** A kernel consumer in the style of ib_ipoib: its objects on every device it is given. */
    static final class Ulp implements IbClient {
        final Host host;
        final List<String> log = new ArrayList<>();
        final List<Wc> drained = new ArrayList<>();
        IbDevice dev;
        Pd pd;
        Cq cq;
        Qp qp;
        /** A UD QP in a multicast group, as IPoIB's: its detach must succeed on a failed device. */
        Qp ud;
        Mr mr;
        long buf;
        IbEventHandler handler;

        Ulp(Host host) {
            this.host = host;
        }

        @Override
        public String name() {
            return "ulp";
        }

        @Override
        public int add(IbDevice device) {
            log.add("add " + device.name());
            dev = device;
            handler = e -> log.add("event " + e.event());
            device.registerEventHandler(handler);
            pd = Pd.alloc(device).get();
            cq = Cq.create(device, c -> { }, null, new CqInitAttr(64, 0)).get();
            qp = Qp.create(pd, QpInitAttr.of(QpType.RC, cq, cq, new QpCap(16, 16, 1, 1, 0))).get();
            buf = host.memory().alloc(LEN);
            mr = Mr.reg(pd, buf, LEN, buf, AccessFlags.LOCAL_WRITE).get();
            QpAttr init = new QpAttr().state(QpState.INIT);
            init.portNum = 1;
            assertEquals(0, qp.modify(init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.PORT,
                    QpAttrMask.ACCESS_FLAGS)));
            assertTrue(qp.postRecv(new RecvWr(41, new Sge(buf, LEN, mr.lkey()))).ok());
            ud = Qp.create(pd, QpInitAttr.of(QpType.UD, cq, cq, new QpCap(4, 4, 1, 1, 0))).get();
            assertEquals(0, ud.attachMcast(MGID, MLID));
            return 0;
        }

        @Override
        public void remove(IbDevice device, Object clientData) {
            log.add("remove " + device.name());
            Wc[] wc = {new Wc()};
            while (cq.poll(1, wc) == 1) {
                drained.add(wc[0]);
                wc[0] = new Wc();
            }
            assertEquals(0, qp.destroy());
            assertEquals(0, ud.detachMcast(MGID, MLID), "ib_detach_mcast");
            assertEquals(0, ud.destroy());
            assertEquals(0, mr.dereg());
            assertEquals(0, cq.destroy());
            assertEquals(0, pd.dealloc());
            device.unregisterEventHandler(handler);
        }
    }

    @Test
    void shouldResetTheDeviceAndGiveItsConsumersANewOne() {
        try (World w = World.of(SEED, 2)) {
            Host host = w.host(0);
            Hca hca = host.hca(0);
            HcaDriver drv = host.driver(0);
            Ulp ulp = new Ulp(host);
            assertEquals(0, host.core().registerClient(ulp));
            w.settle();
            IbDevice before = drv.device();

            hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
            w.runUntil(w.scheduler().now() + HcaDriver.CATAS_POLL_NS);
            w.settle();
            assertEquals(1, hca.resets(), "the poll found it and the driver reset the device");
            assertEquals(0, hca.readl(PciFunction.BAR0, Layout.Catas.CAUSE.offset()), "which clears the buffer");
            assertEquals(Layout.Catas.CAUSE_INTERNAL, drv.catasCause(), "read before the reset");
            assertEquals(List.of("add hca0"), ulp.log, "nothing told during the second it is left alone");

            w.runUntil(w.scheduler().now() + HcaDriver.RESET_WAIT_NS);
            w.settle();
            assertEquals(List.of("add hca0", "event DEVICE_FATAL", "remove hca0", "add hca0"), ulp.log);
            assertEquals(1, drv.restarts());
            assertEquals(1, ulp.drained.size(), "the posted receive, drained in remove: " + ulp.drained);
            assertEquals(WcStatus.WR_FLUSH_ERR, ulp.drained.get(0).status);
            assertEquals(41, ulp.drained.get(0).wrId);
            assertFalse(before.registered(), "the old ib_device is gone");
            assertNotNull(drv.device(), "probed again: " + drv.restartError());
            assertNotSame(before, drv.device());
            assertEquals(drv.device(), ulp.dev, "the consumer was given the new one");
            assertFalse(drv.internalError());
            assertEquals(Firmware.SysState.INITIALISED, hca.firmware().state());
            assertEquals(Link.State.UP, w.link(0).state(), "INIT_PORT trained the link again");
            assertEquals(HcaPort.INIT, hca.firmware().port(1).state(), "without a LID until the sweep");

            w.sweep();
            w.settle();
            assertEquals(HcaPort.ACTIVE, hca.firmware().port(1).state());
            assertEquals(w.lid(0), drv.device().port(1).lid(), "its LID as before");
            // The reset left the port without its master SM LID, so OpenSM's set asks its clients
            // to register again (osm_lid_mgr.c lid_mgr_set_physp_pi): one PORT_MNG_CHG, then the
            // port's PORT_CHANGE.
            assertEquals(List.of("event LID_CHANGE", "event CLIENT_REREGISTER", "event PORT_ACTIVE"),
                    ulp.log.subList(4, ulp.log.size()));

            // The new QP talks to a QP on the peer.
            Ulp peer = new Ulp(w.host(1));
            assertEquals(0, w.host(1).core().registerClient(peer));
            w.settle();
            connect(w, ulp, peer, 1);
            connect(w, peer, ulp, 0);
            assertTrue(ulp.qp.postSend(new SendWr().wrId(7).opcode(WrOpcode.SEND)
                    .sgList(new Sge(ulp.buf, 64, ulp.mr.lkey()))).ok());
            w.settle();
            assertEquals(WcStatus.SUCCESS, poll(ulp).status, "sent after the reset");
            Wc got = poll(peer);
            assertEquals(WcStatus.SUCCESS, got.status);
            assertEquals(41, got.wrId);

            // The buffer stays clear: later polls find nothing and nothing resets again.
            w.runUntil(w.scheduler().now() + 3 * HcaDriver.CATAS_POLL_NS);
            w.settle();
            assertEquals(1, hca.resets());
            assertEquals(1, drv.restarts());
        }
    }

    @Test
    void shouldStayInTheErrorStateWithTheResetDisabled() {
        try (World w = World.of(SEED, 2)) {
            Host host = w.host(0);
            HcaDriver drv = host.driver(0);
            drv.catasResetDisable(true);
            Ulp ulp = new Ulp(host);
            assertEquals(0, host.core().registerClient(ulp));
            w.settle();
            host.hca(0).catastrophicError(Layout.Catas.CAUSE_INTERNAL);
            w.runUntil(w.scheduler().now() + HcaDriver.CATAS_POLL_NS + HcaDriver.RESET_WAIT_NS);
            w.settle();
            assertEquals(List.of("add hca0", "event DEVICE_FATAL"), ulp.log);
            assertEquals(0, host.hca(0).resets());
            assertEquals(0, drv.restarts());
            assertTrue(drv.internalError());
            assertEquals(Firmware.SysState.FATAL, host.hca(0).firmware().state());
        }
    }

    @Test
    void shouldNotProbeAgainWhenTheDriverIsRemovedDuringTheReset() {
        try (World w = World.of(SEED, 2)) {
            HcaDriver drv = w.host(0).driver(0);
            Hca hca = w.host(0).hca(0);
            hca.catastrophicError(Layout.Catas.CAUSE_INTERNAL);
            w.runUntil(w.scheduler().now() + HcaDriver.CATAS_POLL_NS);
            w.settle();
            assertEquals(1, hca.resets());
            drv.remove();
            w.runUntil(w.scheduler().now() + 2 * HcaDriver.RESET_WAIT_NS);
            w.settle();
            assertEquals(0, drv.restarts(), "the module went away: no restart");
            assertEquals(null, drv.device());
            assertEquals(Firmware.SysState.RESET, hca.firmware().state(), "the device stays as the reset left it");
        }
    }

    private static Wc poll(Ulp u) {
        Wc[] wc = {new Wc()};
        assertEquals(1, u.cq.poll(1, wc), "a completion on " + u.host);
        return wc[0];
    }

    /** INIT (already) to RTR and RTS towards {@code peer} on host {@code peerIndex}. */
    private static void connect(World w, Ulp me, Ulp peer, int peerIndex) {
        QpAttr rtr = new QpAttr().state(QpState.RTR).pathMtu(Mtu.MTU_1024);
        rtr.ahAttr = AhAttr.lid(1, w.lid(peerIndex));
        rtr.destQpNum = peer.qp.qpNum();
        rtr.rqPsn = 0;
        rtr.maxDestRdAtomic = 1;
        rtr.minRnrTimer = 1;
        assertEquals(0, me.qp.modify(rtr, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV, QpAttrMask.PATH_MTU,
                QpAttrMask.DEST_QPN, QpAttrMask.RQ_PSN, QpAttrMask.MAX_DEST_RD_ATOMIC, QpAttrMask.MIN_RNR_TIMER)));
        QpAttr rts = new QpAttr().state(QpState.RTS);
        rts.sqPsn = 0;
        rts.timeout = 14;
        rts.retryCnt = 7;
        rts.rnrRetry = 7;
        rts.maxRdAtomic = 1;
        assertEquals(0, me.qp.modify(rts, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN, QpAttrMask.TIMEOUT,
                QpAttrMask.RETRY_CNT, QpAttrMask.RNR_RETRY, QpAttrMask.MAX_QP_RD_ATOMIC)));
    }
}
