// QP0 takes only what another QP0 sends (IBA 7.6.5, 13.5.1: subnet management goes on VL15, which only
// QP0 sends on, drivers/infiniband/hw/mthca/mthca_qp.c build_mlx_header), so a process's UD QP cannot
// reach the kernel's SMI QP
package org.ibmodel.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.ibmodel.core.Cq;
import org.ibmodel.core.CqInitAttr;
import org.ibmodel.core.IbDevice;
import org.ibmodel.core.Pd;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpInitAttr;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.junit.jupiter.api.Test;

/**
 * The kernel's SMI QP on the in-memory device, with a receive posted, and a process's UD QP with the
 * same Q_Key (0, as ib_mad gives QP0) sending to QPN 0 on the same port: nothing may arrive.
 */
class UserSmiTest {
    final VerbsWorld world = new VerbsWorld();
    final Ibv ibv = world.process("p1");
    final IbvContext ctx = world.open(ibv);

    @Test
    void shouldNotLetAProcessUdQpReachTheKernelSmiQp() {
        IbDevice dev = world.host.device();
        Pd kpd = Pd.alloc(dev).get();
        Cq kcq = Cq.create(dev, null, null, new CqInitAttr(8, 0)).get();
        QpInitAttr init = new QpInitAttr();
        init.sendCq = kcq;
        init.recvCq = kcq;
        init.qpType = QpType.SMI;
        init.portNum = 1;
        init.cap = new QpCap(4, 4, 1, 1, 0);
        Qp smi = Qp.create(kpd, init).get();
        assertEquals(0, smi.qpNum());
        QpAttr a = new QpAttr().state(QpState.INIT);
        a.qkey = 0;
        assertEquals(0, smi.modify(a, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX, QpAttrMask.QKEY)));
        assertEquals(0, smi.modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()));
        assertEquals(0, smi.modify(new QpAttr().state(QpState.RTS), QpAttrMask.of(QpAttrMask.STATE,
                QpAttrMask.SQ_PSN)));
        long kbuf = dev.memory().alloc(4096);
        assertEquals(0, smi.postRecv(new RecvWr(1, new Sge(kbuf, 4096, kpd.localDmaLkey()))).ret());

        IbvPd pd = ctx.allocPd();
        IbvCq cq = ctx.createCq(8, null, null, 0);
        IbvQpInitAttr ui = VerbsWorld.rcInit(cq, 4);
        ui.qpType = IbvQpType.UD;
        IbvQp qp = pd.createQp(ui);
        assertNotNull(qp);
        IbvQpAttr ua = new IbvQpAttr();
        ua.qpState = IbvQpState.INIT;
        ua.portNum = 1;
        ua.qkey = 0;
        assertEquals(0, qp.modify(ua, IbvQpAttrMask.STATE | IbvQpAttrMask.PKEY_INDEX | IbvQpAttrMask.PORT
                | IbvQpAttrMask.QKEY));
        ua = new IbvQpAttr();
        ua.qpState = IbvQpState.RTR;
        assertEquals(0, qp.modify(ua, IbvQpAttrMask.STATE));
        ua = new IbvQpAttr();
        ua.qpState = IbvQpState.RTS;
        assertEquals(0, qp.modify(ua, IbvQpAttrMask.STATE | IbvQpAttrMask.SQ_PSN));
        IbvAhAttr ah = new IbvAhAttr();
        ah.dlid = 1;
        ah.portNum = 1;
        IbvAh uah = pd.createAh(ah);
        assertNotNull(uah);
        long buf = ibv.alloc(4096);
        IbvMr mr = pd.regMr(buf, 4096, 0);
        IbvSendWr wr = new IbvSendWr(2, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED, new IbvSge(buf, 256, mr.lkey()));
        wr.ah = uah;
        wr.remoteQpn = 0;
        wr.remoteQkey = 0;
        assertEquals(0, qp.postSend(wr, null));
        world.run();
        Wc[] wc = {new Wc()};
        assertEquals(0, kcq.poll(1, wc), "the kernel's SMI QP received a process's datagram");
    }
}
