// The receive buffers of an SRQ belong to the SRQ's PD, as rdmavt's init_sge checks them against
// srq->pd (drivers/infiniband/sw/rdmavt/qp.c): here on the in-memory device
package org.ibmodel.verbs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.Test;

class MemSrqPdTest {
    final VerbsWorld world = new VerbsWorld();
    final Ibv ibv = world.process("p1");
    final IbvContext ctx = world.open(ibv);

    /** A SEND of a loopback QP to itself, received from an SRQ of another PD; the receive status. */
    private IbvWcStatus receive(boolean inSrqPd) {
        IbvPd qpPd = ctx.allocPd();
        IbvPd srqPd = ctx.allocPd();
        IbvCq cq = ctx.createCq(16, null, null, 0);
        IbvSrq srq = srqPd.createSrq(null, new IbvSrqAttr(4, 1, 0));
        assertNotNull(srq);
        IbvQpInitAttr init = VerbsWorld.rcInit(cq, 4);
        init.srq = srq;
        init.cap.maxRecvWr = 0;
        init.cap.maxRecvSge = 0;
        IbvQp qp = qpPd.createQp(init);
        assertNotNull(qp, "errno " + ibv.errno());
        assertEquals(0, VerbsWorld.toInit(qp, 1));
        assertEquals(0, VerbsWorld.connect(qp, 1, 1, 1, qp.qpNum(), 1));
        long src = ibv.alloc(4096);
        IbvMr smr = qpPd.regMr(src, 4096, IbvAccessFlags.LOCAL_WRITE);
        long dst = ibv.alloc(4096);
        IbvMr dmr = (inSrqPd ? srqPd : qpPd).regMr(dst, 4096, IbvAccessFlags.LOCAL_WRITE);
        assertEquals(0, srq.postRecv(new IbvRecvWr(5, new IbvSge(dst, 64, dmr.lkey())), null));
        assertEquals(0, qp.postSend(new IbvSendWr(6, IbvWrOpcode.SEND, IbvWrOpcode.SEND_SIGNALED,
                new IbvSge(src, 8, smr.lkey())), null));
        world.run();
        IbvWc[] wc = {new IbvWc(), new IbvWc()};
        int n = cq.poll(2, wc);
        for (int i = 0; i < n; i++) {
            if (wc[i].wrId == 5) {
                return wc[i].status;
            }
        }
        return null;
    }

    @Test
    void shouldScatterAnSrqReceiveThroughAKeyOfTheSrqsPd() {
        assertEquals(IbvWcStatus.SUCCESS, receive(true));
    }

    @Test
    void shouldRefuseAnSrqReceiveThroughAKeyOfTheQpsPdOnly() {
        assertEquals(IbvWcStatus.LOC_PROT_ERR, receive(false));
    }
}
