// A UC QP has no SEND with Invalidate (IBA 9.2: its opcodes are SEND and RDMA WRITE, with and
// without immediate); drivers/infiniband/sw/rxe/rxe_req.c next_opcode_uc fails any other work
// request with IB_WC_LOC_QP_OP_ERR
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import org.ibmodel.kernel.Task;
import org.ibmodel.mm.UserAddressSpace;
import org.ibmodel.uverbs.Uverbs;
import org.ibmodel.uverbs.UverbsDevice;
import org.ibmodel.uverbs.UverbsHost;
import org.ibmodel.verbs.Ibv;
import org.ibmodel.verbs.IbvAccessFlags;
import org.ibmodel.verbs.IbvContext;
import org.ibmodel.verbs.IbvCq;
import org.ibmodel.verbs.IbvDevice;
import org.ibmodel.verbs.IbvMr;
import org.ibmodel.verbs.IbvPd;
import org.ibmodel.verbs.IbvQp;
import org.ibmodel.verbs.IbvQpType;
import org.ibmodel.verbs.IbvRecvWr;
import org.ibmodel.verbs.IbvSendWr;
import org.ibmodel.verbs.IbvSge;
import org.ibmodel.verbs.IbvWc;
import org.ibmodel.verbs.IbvWcStatus;
import org.ibmodel.verbs.IbvWrOpcode;
import org.junit.jupiter.api.Test;

/**
 * A process posts SEND_WITH_INV, one packet and three, on a connected UC QP: the device has no
 * UC opcode to send it with, so each fails with IB_WC_LOC_QP_OP_ERR and nothing reaches the peer,
 * where before the device threw on a packet opcode it could not find.
 */
class UserUcSendInvTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 11);
    private static final int BUF = 8192;

    @Test
    void shouldFailASendWithInvalidateOnAUcQpLocally() {
        for (int length : new int[] {64, 3000}) {
            try (World w = World.of(SEED, 2)) {
                IbvContext[] ctx = new IbvContext[2];
                IbvQp[] qp = new IbvQp[2];
                IbvCq[] cq = new IbvCq[2];
                IbvMr[] mr = new IbvMr[2];
                long[] buf = new long[2];
                for (int h = 0; h < 2; h++) {
                    ctx[h] = open(w, h);
                    IbvPd pd = ctx[h].allocPd();
                    buf[h] = ctx[h].ibv().alloc(BUF);
                    mr[h] = pd.regMr(buf[h], BUF, IbvAccessFlags.LOCAL_WRITE);
                    cq[h] = ctx[h].createCq(16, null, null, 0);
                    qp[h] = ProcessIsolationPropertyTest.createQp(pd, cq[h], IbvQpType.UC, null, 0);
                    assertNotNull(qp[h], "ibv_create_qp");
                }
                for (int h = 0; h < 2; h++) {
                    assertEquals(0, ProcessIsolationPropertyTest.connect(qp[h], IbvQpType.UC, 0, qp[1 - h].qpNum(),
                            w.lid(1 - h), 0, 0, 0));
                }
                assertEquals(0, qp[1].postRecv(new IbvRecvWr(1, new IbvSge(buf[1], BUF, mr[1].lkey())),
                        new IbvRecvWr[1]));
                IbvSendWr wr = new IbvSendWr(2, IbvWrOpcode.SEND_WITH_INV, IbvWrOpcode.SEND_SIGNALED,
                        new IbvSge(buf[0], length, mr[0].lkey()));
                wr.immData = mr[1].rkey();
                assertEquals(0, qp[0].postSend(wr, new IbvSendWr[1]), "ibv_post_send");
                w.settle();
                List<IbvWc> sent = ProcessIsolationPropertyTest.poll(cq[0]);
                assertEquals(1, sent.size(), "one completion for " + length + " bytes: " + sent);
                assertEquals(IbvWcStatus.LOC_QP_OP_ERR, sent.get(0).status, length + " bytes");
                assertEquals(List.of(), ProcessIsolationPropertyTest.poll(cq[1]), "nothing arrived");
            }
        }
    }

    private static IbvContext open(World w, int h) {
        Uverbs uv = ProcessIsolationPropertyTest.Proc.uverbs(w, h);
        UverbsDevice dev = uv.device("uverbs0");
        Ibv ibv = new Ibv(new Task("p" + h, new UserAddressSpace(w.host(h).memory(), UverbsHost.MAX_PAGES)));
        return ibv.openDevice(ibv.getDeviceList(List.of(new IbvDevice(dev.name(), dev.ibDevice().name(),
                dev::open))).get(0));
    }
}
