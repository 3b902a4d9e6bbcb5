// drivers/infiniband/hw/mlx4/qp.c: mlx4_ib_query_qp reads the attributes back from the QP context
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Cq;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.sim.device.Layout;
import org.ibmodel.sim.device.QpContext;
import org.junit.jupiter.api.Test;

class HcaQueryQpTest {
    private final HcaHost h = new HcaHost();

    private Qp rcQp() {
        Cq cq = h.cq(4);
        return h.qp(QpType.RC, cq, QpCap.of(2, 2, 1));
    }

    /**
     * _mlx4_ib_modify_qp puts values into their context fields as they come, and mlx4_ib_query_qp
     * reports each field as the device holds it: what was cut to the field is reported cut.
     */
    @Test
    void shouldReportValuesCutToTheirContextFields() {
        Qp qp = rcQp();
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        QpAttr rtr = HcaHost.rtr(0x100_0005);
        rtr.minRnrTimer = 33;
        assertEquals(0, qp.modify(rtr, HcaHost.RC_RTR));
        QpAttr rts = HcaHost.rts(0x123);
        rts.timeout = 32;
        rts.retryCnt = 9;
        rts.rnrRetry = 15;
        assertEquals(0, qp.modify(rts, HcaHost.RC_RTS));

        QpAttr q = new QpAttr();
        assertEquals(0, qp.query(q));
        assertEquals(QpState.RTS, q.qpState);
        assertEquals(5, q.destQpNum, "dest_qp_num: the context's 24 bits");
        assertEquals(1, q.minRnrTimer, "min_rnr_timer: 5 bits");
        assertEquals(0, q.timeout, "timeout: 5 bits, 32 is 0");
        assertEquals(1, q.retryCnt, "retry_cnt: 3 bits");
        assertEquals(7, q.rnrRetry, "rnr_retry: 3 bits");
        assertEquals(0x4242, q.rqPsn);
        assertEquals(0x123, q.sqPsn);
        assertEquals(1, q.portNum);
        assertEquals(0, q.pkeyIndex);
    }

    /**
     * mlx4_ib_query_qp decodes both address paths of an RC QP whatever was loaded: in INIT the
     * primary path is zeros on the QP's port, and the alternate one, never loaded, zeros on port 1
     * (to_rdma_ah_attr reads the port from sched_queue).
     */
    @Test
    void shouldReportBothAddressPathsOfAConnectedQpBeforeTheyAreLoaded() {
        Qp qp = rcQp();
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        QpAttr q = new QpAttr();
        assertEquals(0, qp.query(q));
        assertEquals(new org.ibmodel.core.AhAttr(0, 0, 0, 0, 1, null), q.ahAttr);
        assertEquals(new org.ibmodel.core.AhAttr(0, 0, 0, 0, 1, null), q.altAhAttr);
        assertEquals(1, q.altPortNum);
    }

    /**
     * __mlx4_ib_modify_qp writes a connected QP's MTU only when the modify gives IB_QP_PATH_MTU,
     * so mlx4_ib_query_qp reads 0 in INIT, the MTU from RTR on, and 0 again after RESET and INIT.
     */
    @Test
    void shouldReportNoPathMtuUntilRtrGivesIt() {
        Qp qp = rcQp();
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        QpAttr q = new QpAttr();
        assertEquals(0, qp.query(q));
        assertEquals(0, q.pathMtuValue, "INIT: none given yet");
        assertEquals(0, qp.modify(HcaHost.rtr(1), HcaHost.RC_RTR));
        assertEquals(0, qp.modify(HcaHost.rts(1), HcaHost.RC_RTS));
        assertEquals(0, qp.query(q));
        assertEquals(Mtu.MTU_2048.value(), q.pathMtuValue, "given at RTR, kept through RTS");
        assertEquals(0, qp.modify(new QpAttr().state(QpState.RESET), QpAttrMask.STATE.bit()));
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        q = new QpAttr();
        assertEquals(0, qp.query(q));
        assertEquals(0, q.pathMtuValue, "a new context after RESET");
    }

    /**
     * to_mlx4_access_flags: while max_dest_rd_atomic is 0 the context takes remote write alone, and
     * mlx4_ib_query_qp reports the remote bits the context has (never LOCAL_WRITE); a later
     * max_dest_rd_atomic gives back the flags asked for, since the driver keeps them.
     */
    @Test
    void shouldDropRemoteReadAndAtomicWhileNoResponderResources() {
        Qp qp = rcQp();
        QpAttr init = HcaHost.init();
        init.qpAccessFlags |= AccessFlags.REMOTE_ATOMIC;
        assertEquals(0, qp.modify(init, HcaHost.RC_INIT));
        QpContext c = h.fw.qp(qp.qpNum());
        assertEquals(1, c.get(Layout.QpCtx.REMOTE_WRITE));
        assertEquals(0, c.get(Layout.QpCtx.REMOTE_READ), "no responder resources yet");
        assertEquals(0, c.get(Layout.QpCtx.REMOTE_ATOMIC));
        QpAttr q = new QpAttr();
        assertEquals(0, qp.query(q));
        assertEquals(AccessFlags.REMOTE_WRITE, q.qpAccessFlags);

        QpAttr rtr = HcaHost.rtr(1);
        rtr.maxDestRdAtomic = 0;
        assertEquals(0, qp.modify(rtr, HcaHost.RC_RTR));
        assertEquals(0, qp.query(q));
        assertEquals(AccessFlags.REMOTE_WRITE, q.qpAccessFlags, "max_dest_rd_atomic 0");
        assertEquals(0, c.get(Layout.QpCtx.REMOTE_READ));
        assertEquals(0, c.get(Layout.QpCtx.REMOTE_ATOMIC));
    }

    /** INIT->RTR with max_dest_rd_atomic re-enables what the INIT access flags asked for. */
    @Test
    void shouldGiveBackRemoteReadAndAtomicWithResponderResources() {
        Qp qp = rcQp();
        QpAttr init = HcaHost.init();
        init.qpAccessFlags |= AccessFlags.REMOTE_ATOMIC;
        assertEquals(0, qp.modify(init, HcaHost.RC_INIT));
        assertEquals(0, qp.modify(HcaHost.rtr(1), HcaHost.RC_RTR));
        QpContext c = h.fw.qp(qp.qpNum());
        assertEquals(1, c.get(Layout.QpCtx.REMOTE_READ));
        assertEquals(1, c.get(Layout.QpCtx.REMOTE_ATOMIC));
        QpAttr q = new QpAttr();
        assertEquals(0, qp.query(q));
        assertEquals(AccessFlags.REMOTE_WRITE | AccessFlags.REMOTE_READ | AccessFlags.REMOTE_ATOMIC,
                q.qpAccessFlags);
    }

    /**
     * __mlx4_ib_modify_qp keeps the read depths as log2 (fls(n - 1)), so the device runs with the
     * next power of two, and mlx4_ib_query_qp reports 1 << log2: 3 comes back as 4, 0 as 1.
     */
    @Test
    void shouldRoundTheReadDepthsUpToAPowerOfTwo() {
        Qp qp = rcQp();
        assertEquals(0, qp.modify(HcaHost.init(), HcaHost.RC_INIT));
        QpAttr q = new QpAttr();
        assertEquals(0, qp.query(q));
        assertEquals(1, q.maxRdAtomic, "a depth never given is 2^0");
        assertEquals(1, q.maxDestRdAtomic);
        QpAttr rtr = HcaHost.rtr(1);
        rtr.maxDestRdAtomic = 3;
        assertEquals(0, qp.modify(rtr, HcaHost.RC_RTR));
        QpAttr rts = HcaHost.rts(1);
        rts.maxRdAtomic = 5;
        assertEquals(0, qp.modify(rts, HcaHost.RC_RTS));
        QpContext c = h.fw.qp(qp.qpNum());
        assertEquals(4, c.get(Layout.QpCtx.MAX_DEST_RD_ATOMIC), "the device keeps 4 responder resources");
        assertEquals(8, c.get(Layout.QpCtx.MAX_RD_ATOMIC));
        assertEquals(0, qp.query(q));
        assertEquals(4, q.maxDestRdAtomic);
        assertEquals(8, q.maxRdAtomic);
    }

    /**
     * __mlx4_ib_modify_qp gives a UD QP's context a 4096-byte MTU whatever the port's (the device
     * sends UD at the port's own), and mlx4_ib_query_qp reads it back: IB_MTU_4096 with QKEY and the
     * PSNs as the context holds them.
     */
    @Test
    void shouldReportA4096MtuForAUdQp() {
        Cq cq = h.cq(4);
        Qp qp = h.qp(QpType.UD, cq, QpCap.of(2, 2, 1));
        QpAttr init = new QpAttr().state(QpState.INIT);
        init.portNum = 1;
        init.qkey = 0x1111_0000;
        assertEquals(0, qp.modify(init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX,
                QpAttrMask.PORT, QpAttrMask.QKEY)));
        assertEquals(0, qp.modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()));
        QpAttr rts = new QpAttr().state(QpState.RTS);
        rts.sqPsn = 0x77;
        assertEquals(0, qp.modify(rts, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN)));
        assertEquals(Mtu.MTU_4096.value(), h.fw.qp(qp.qpNum()).get(Layout.QpCtx.PATH_MTU));
        QpAttr q = new QpAttr();
        assertEquals(0, qp.query(q));
        assertEquals(Mtu.MTU_4096, q.pathMtu);
        assertEquals(Mtu.MTU_4096.value(), q.pathMtuValue);
        assertEquals(0x1111_0000, q.qkey);
        assertEquals(0x77, q.sqPsn);
        assertEquals(1, q.portNum);
    }

    /** mlx4_ib_query_qp reads the GSI QP's context as any other: QUERY_QP, then each field. */
    @Test
    void shouldReadTheGsiQpFromItsContext() {
        Cq cq = h.cq(4);
        QpInitAttr gsi = QpInitAttr.of(QpType.GSI, cq, cq, QpCap.of(4, 4, 1));
        gsi.portNum = 1;
        Qp qp = Qp.create(h.pd, gsi).get();
        QpAttr init = new QpAttr().state(QpState.INIT);
        init.qkey = 0x8001_0000;
        assertEquals(0, qp.modify(init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.QKEY)));
        QpAttr q = new QpAttr();
        assertEquals(0, qp.query(q));
        assertEquals(QpState.INIT, q.qpState);
        assertEquals(Mtu.MTU_4096, q.pathMtu, "the GSI QP's context MTU");
        assertEquals(0x8001_0000, q.qkey);
        assertEquals(1, q.portNum);
        assertEquals(0, q.pkeyIndex);
    }

    /**
     * mlx4_ib_query_qp reads the paths of a connected QP, UC as RC, from the context: a static
     * rate the device does not know went in as 0, the port's rate, and is read back so.
     */
    @Test
    void shouldReadTheAddressPathOfAUcQpFromTheDevice() {
        Cq cq = h.cq(4);
        Qp qp = h.qp(QpType.UC, cq, QpCap.of(2, 2, 1));
        QpAttr init = HcaHost.init();
        init.qpAccessFlags = AccessFlags.REMOTE_WRITE;
        assertEquals(0, qp.modify(init, HcaHost.RC_INIT));
        QpAttr rtr = HcaHost.rtr(7);
        rtr.ahAttr = new org.ibmodel.core.AhAttr(0x22, 3, 0, 30, 1, null);
        assertEquals(0, qp.modify(rtr, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.AV, QpAttrMask.PATH_MTU,
                QpAttrMask.DEST_QPN, QpAttrMask.RQ_PSN)));
        QpAttr q = new QpAttr();
        assertEquals(0, qp.query(q));
        assertEquals(0x22, q.ahAttr.dlid());
        assertEquals(0, q.ahAttr.staticRate(), "IB_RATE_PORT_CURRENT, as the context holds it");
    }
}
