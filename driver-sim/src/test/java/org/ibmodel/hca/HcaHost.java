package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.IbEvent;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.Wc;
import org.ibmodel.kernel.ExecContext;
import org.ibmodel.kernel.Kernel;
import org.ibmodel.sim.device.Firmware;
import org.ibmodel.sim.device.Hca;
import org.ibmodel.sim.world.Host;
import org.ibmodel.sim.world.Hosts;
import org.ibmodel.sim.sched.Scheduler;

/** One host with the HCA and its driver, a PD, and the QP steps the tests take. */
final class HcaHost {
    static final int LID = 0x11;
    static final int RC_INIT = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.PORT,
            QpAttrMask.ACCESS_FLAGS);
    static final int RC_RTR = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV, QpAttrMask.PATH_MTU,
            QpAttrMask.DEST_QPN, QpAttrMask.RQ_PSN, QpAttrMask.MAX_DEST_RD_ATOMIC, QpAttrMask.MIN_RNR_TIMER);
    static final int RC_RTS = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN, QpAttrMask.TIMEOUT,
            QpAttrMask.RETRY_CNT, QpAttrMask.RNR_RETRY, QpAttrMask.MAX_QP_RD_ATOMIC);

    final Scheduler scheduler = new Scheduler(0x5eed);
    final Host host;
    final Kernel kernel;
    final HcaDriver drv;
    final IbDevice dev;
    final Hca hca;
    final Firmware fw;
    final Pd pd;

    HcaHost() {
        this(LID);
    }

    HcaHost(int lid) {
        this(lid, java.util.function.UnaryOperator.identity());
    }

    /** With the driver's ops seen by ib_core through {@code decorate}. */
    HcaHost(int lid, java.util.function.UnaryOperator<org.ibmodel.core.DeviceOps> decorate) {
        host = Hosts.withHca(scheduler, "h1", lid, decorate);
        kernel = host.kernel();
        drv = host.driver(0);
        dev = drv.device();
        hca = host.hca(0);
        fw = hca.firmware();
        pd = Pd.alloc(dev).get();
    }

    void settle() {
        host.settle();
    }

    Cq cq(int cqe) {
        return Cq.create(dev, c -> { }, null, new CqInitAttr(cqe, 0)).get();
    }

    Qp qp(QpType type, Cq cq, QpCap cap) {
        return Qp.create(pd, QpInitAttr.of(type, cq, cq, cap)).get();
    }

    static QpAttr init() {
        QpAttr a = new QpAttr().state(QpState.INIT);
        a.portNum = 1;
        a.qpAccessFlags = AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE | AccessFlags.REMOTE_READ;
        return a;
    }

    static QpAttr rtr(int destQpn) {
        QpAttr a = new QpAttr().state(QpState.RTR).pathMtu(Mtu.MTU_2048);
        a.ahAttr = new AhAttr(0x22, 3, 0, 0, 1, null);
        a.destQpNum = destQpn;
        a.rqPsn = 0x4242;
        a.maxDestRdAtomic = 4;
        a.minRnrTimer = 12;
        return a;
    }

    static QpAttr rts(int sqPsn) {
        QpAttr a = new QpAttr().state(QpState.RTS);
        a.sqPsn = sqPsn;
        a.timeout = 14;
        a.retryCnt = 7;
        a.rnrRetry = 6;
        a.maxRdAtomic = 2;
        return a;
    }

    static void toRts(Qp qp) {
        assertEquals(0, qp.modify(init(), RC_INIT));
        assertEquals(0, qp.modify(rtr(0x99), RC_RTR));
        assertEquals(0, qp.modify(rts(0x100), RC_RTS));
    }

    static void toErr(Qp qp) {
        assertEquals(0, qp.modify(new QpAttr().state(QpState.ERR), QpAttrMask.STATE.bit()));
    }

    static List<Wc> poll(Cq cq) {
        List<Wc> out = new ArrayList<>();
        Wc[] batch = new Wc[3];
        int n;
        while ((n = cq.poll(batch.length, batch)) > 0) {
            for (int i = 0; i < n; i++) {
                out.add(batch[i].copy());
            }
        }
        return out;
    }

    /** An event handler recording each event and the context it ran in. */
    final class Events implements org.ibmodel.core.IbEventHandler {
        final List<IbEvent> events = new ArrayList<>();
        final List<ExecContext> contexts = new ArrayList<>();

        @Override
        public void handle(IbEvent e) {
            events.add(e);
            contexts.add(kernel.context());
        }

        List<IbEventType> types() {
            List<IbEventType> t = new ArrayList<>();
            for (IbEvent e : events) {
                t.add(e.event());
            }
            return t;
        }
    }
}
