// A UC QP has no SEND with Invalidate (IBA 9.2: its opcodes are SEND and RDMA WRITE, with and
// without immediate); drivers/infiniband/sw/rxe/rxe_req.c next_opcode_uc fails any other work
// request with IB_WC_LOC_QP_OP_ERR
package org.ibmodel.sim.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
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
                UserProcess[] p = new UserProcess[2];
                IbvQp[] qp = new IbvQp[2];
                for (int h = 0; h < 2; h++) {
                    p[h] = new UserProcess(w, h, BUF);
                    qp[h] = ProcessIsolationPropertyTest.createQp(p[h].pd, p[h].cq, IbvQpType.UC, null, 0);
                    assertNotNull(qp[h], "ibv_create_qp");
                }
                for (int h = 0; h < 2; h++) {
                    assertEquals(0, ProcessIsolationPropertyTest.connect(qp[h], IbvQpType.UC, 0, qp[1 - h].qpNum(),
                            w.lid(1 - h), 0, 0, 0));
                }
                assertEquals(0, qp[1].postRecv(new IbvRecvWr(1, new IbvSge(p[1].buf, BUF, p[1].mr.lkey())),
                        new IbvRecvWr[1]));
                IbvSendWr wr = new IbvSendWr(2, IbvWrOpcode.SEND_WITH_INV, IbvWrOpcode.SEND_SIGNALED,
                        new IbvSge(p[0].buf, length, p[0].mr.lkey()));
                wr.immData = p[1].mr.rkey();
                assertEquals(0, qp[0].postSend(wr, new IbvSendWr[1]), "ibv_post_send");
                w.settle();
                List<IbvWc> sent = ProcessIsolationPropertyTest.poll(p[0].cq);
                assertEquals(1, sent.size(), "one completion for " + length + " bytes: " + sent);
                assertEquals(IbvWcStatus.LOC_QP_OP_ERR, sent.get(0).status, length + " bytes");
                assertEquals(List.of(), ProcessIsolationPropertyTest.poll(p[1].cq), "nothing arrived");
            }
        }
    }
}
