// The work completion mlx4_ib_poll_one (drivers/infiniband/hw/mlx4/cq.c) makes of each CQE:
// CQEs of docs/HCA.md §6 written into the ring by the test, polled through ib_poll_cq
package org.ibmodel.hca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import org.ibmodel.core.Cq;
import org.ibmodel.core.Qp;
import org.ibmodel.core.QpCap;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcFlags;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.junit.jupiter.api.Test;

class HcaCqTest {
    private final HcaHost h = new HcaHost();
    private final Cq cq = h.cq(63);
    private final Qp qp = h.qp(QpType.RC, cq, QpCap.of(64, 64, 1));
    /** The next ring entry the test writes, as the device's producer index would. */
    private int pi;

    HcaCqTest() {
        HcaHost.toRts(qp);
    }

    private Sge sge() {
        return new Sge(0x1_0000_1000L, 8, h.pd.localDmaLkey());
    }

    /** Posts {@code n} SENDs with wr_id 0 .. n-1: WQE indexes 0 .. n-1 for the CQEs to name. */
    private void postSends(int n) {
        for (int i = 0; i < n; i++) {
            assertTrue(qp.postSend(SendWr.send(i, sge())).ok());
        }
        byte[] ctx = h.fw.cqContext(((HcaCq) cq.drv()).cqn());
        assertEquals(0, Hw.CqCtx.PRODUCER_INDEX.getInt(ctx, 0), "nothing acknowledged: the device wrote no CQE");
    }

    /** Writes the next CQE of the ring, software-owned, with what {@code fields} sets. */
    private void cqe(Consumer<byte[]> fields) {
        HcaCq hc = (HcaCq) cq.drv();
        byte[] b = new byte[Hw.Cqe.SIZE];
        Hw.Cqe.QPN.set(b, 0, qp.qpNum());
        fields.accept(b);
        Hw.Cqe.OWNER.set(b, 0, (pi >>> hc.logSize()) & 1);
        h.host.memory().write(hc.buffer() + (long) (pi & ((1 << hc.logSize()) - 1)) * Hw.Cqe.SIZE, b);
        pi++;
    }

    private void sendCqe(int wqeIndex, SendOpcode op, int byteCnt) {
        cqe(b -> {
            Hw.Cqe.IS_SEND.set(b, 0, 1);
            Hw.Cqe.WQE_INDEX.set(b, 0, wqeIndex);
            Hw.Cqe.OPCODE.set(b, 0, op.value());
            Hw.Cqe.BYTE_CNT.set(b, 0, byteCnt);
        });
    }

    /** mlx4_ib_poll_one: a send CQE of SEND_IMM or RDMA_WRITE_IMM reports IB_WC_WITH_IMM. */
    @Test
    void shouldFlagSendCompletionsOfImmediateOpcodesWithImm() {
        SendOpcode[] ops = {SendOpcode.SEND, SendOpcode.SEND_IMM, SendOpcode.SEND_INVAL, SendOpcode.RDMA_WRITE,
            SendOpcode.RDMA_WRITE_IMM};
        int[] flags = {0, WcFlags.WITH_IMM, 0, 0, WcFlags.WITH_IMM};
        WcOpcode[] opcodes = {WcOpcode.SEND, WcOpcode.SEND, WcOpcode.SEND, WcOpcode.RDMA_WRITE, WcOpcode.RDMA_WRITE};
        postSends(ops.length);
        for (int i = 0; i < ops.length; i++) {
            sendCqe(i, ops[i], 100);
        }
        List<Wc> wcs = HcaHost.poll(cq);
        assertEquals(ops.length, wcs.size(), wcs.toString());
        for (int i = 0; i < ops.length; i++) {
            Wc w = wcs.get(i);
            assertEquals(i, w.wrId, ops[i].name());
            assertEquals(WcStatus.SUCCESS, w.status, ops[i].name());
            assertEquals(opcodes[i], w.opcode, ops[i].name());
            assertEquals(flags[i], w.wcFlags, ops[i].name());
            assertSame(qp, w.qp, ops[i].name());
        }
    }

    /** mlx4_ib_poll_one: RDMA_READ reports the CQE's byte count, an atomic always 8 bytes. */
    @Test
    void shouldReportEightBytesForAnAtomicAndTheByteCountForARead() {
        postSends(4);
        sendCqe(0, SendOpcode.RDMA_READ, 3000);
        sendCqe(1, SendOpcode.ATOMIC_CS, 16);
        sendCqe(2, SendOpcode.ATOMIC_FA, 0);
        sendCqe(3, SendOpcode.ATOMIC_FA, 8);
        List<Wc> wcs = HcaHost.poll(cq);
        assertEquals(List.of(WcOpcode.RDMA_READ, WcOpcode.COMP_SWAP, WcOpcode.FETCH_ADD, WcOpcode.FETCH_ADD),
                wcs.stream().map(w -> w.opcode).toList());
        assertEquals(List.of(3000, 8, 8, 8), wcs.stream().map(w -> w.byteLen).toList());
    }
}
