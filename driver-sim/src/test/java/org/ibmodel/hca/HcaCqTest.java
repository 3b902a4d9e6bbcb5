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
import org.ibmodel.core.RecvWr;
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

    private void recvCqe(int wqeIndex, int opcode, int imm) {
        cqe(b -> {
            Hw.Cqe.WQE_INDEX.set(b, 0, wqeIndex);
            Hw.Cqe.OPCODE.set(b, 0, opcode);
            Hw.Cqe.IMM.set(b, 0, Integer.toUnsignedLong(imm));
            Hw.Cqe.BYTE_CNT.set(b, 0, 40 + wqeIndex);
            Hw.Cqe.GRH.set(b, 0, wqeIndex & 1);
            Hw.Cqe.DLID_PATH_BITS.set(b, 0, 3);
            Hw.Cqe.SRC_QPN.set(b, 0, 0xabcde);
            Hw.Cqe.SL.set(b, 0, 5);
            Hw.Cqe.SLID.set(b, 0, 0x22);
            Hw.Cqe.PKEY_INDEX.set(b, 0, 2);
        });
    }

    /**
     * mlx4_ib_poll_one: a receive reports byte_cnt, its opcode and flags by CQE opcode, imm_data
     * or invalidate_rkey, src_qp, slid, sl, dlid_path_bits, pkey_index and IB_WC_GRH.
     */
    @Test
    void shouldReportEveryReceiveKindWithItsAddressFields() {
        for (int i = 0; i < 4; i++) {
            assertTrue(qp.postRecv(new RecvWr(100 + i, sge())).ok());
        }
        recvCqe(0, Hw.Cqe.RECV_SEND, 0);
        recvCqe(1, Hw.Cqe.RECV_SEND_IMM, 0xcafe_f00d);
        recvCqe(2, Hw.Cqe.RECV_SEND_INVAL, 0x1234_5600);
        recvCqe(3, Hw.Cqe.RECV_RDMA_WRITE_IMM, 0x0bad_beef);
        List<Wc> wcs = HcaHost.poll(cq);
        assertEquals(List.of(100L, 101L, 102L, 103L), wcs.stream().map(w -> w.wrId).toList());
        assertEquals(List.of(WcOpcode.RECV, WcOpcode.RECV, WcOpcode.RECV, WcOpcode.RECV_RDMA_WITH_IMM),
                wcs.stream().map(w -> w.opcode).toList());
        assertEquals(List.of(0, WcFlags.WITH_IMM | WcFlags.GRH, WcFlags.WITH_INVALIDATE,
                WcFlags.WITH_IMM | WcFlags.GRH), wcs.stream().map(w -> w.wcFlags).toList());
        assertEquals(0xcafe_f00d, wcs.get(1).immData);
        assertEquals(0x1234_5600, wcs.get(2).immData, "ex.invalidate_rkey");
        assertEquals(0x0bad_beef, wcs.get(3).immData);
        for (int i = 0; i < wcs.size(); i++) {
            Wc w = wcs.get(i);
            assertEquals(WcStatus.SUCCESS, w.status);
            assertEquals(40 + i, w.byteLen);
            assertEquals(0xabcde, w.srcQp);
            assertEquals(0x22, w.slid);
            assertEquals(5, w.sl);
            assertEquals(3, w.dlidPathBits);
            assertEquals(2, w.pkeyIndex);
            assertSame(qp, w.qp);
        }
    }

    /**
     * mlx4_ib_handle_error_cqe: each syndrome of include/linux/mlx4/cq.h becomes its status, any
     * other IB_WC_GENERAL_ERR; vendor_err is the vendor syndrome; no byte_len is reported.
     */
    @Test
    void shouldMapEverySyndromeOfAnErrorCqeAsMlx4Does() {
        int[] syndromes = {0x01, 0x02, 0x04, 0x05, 0x06, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x22, 0x07};
        WcStatus[] statuses = {WcStatus.LOC_LEN_ERR, WcStatus.LOC_QP_OP_ERR, WcStatus.LOC_PROT_ERR,
            WcStatus.WR_FLUSH_ERR, WcStatus.MW_BIND_ERR, WcStatus.BAD_RESP_ERR, WcStatus.LOC_ACCESS_ERR,
            WcStatus.REM_INV_REQ_ERR, WcStatus.REM_ACCESS_ERR, WcStatus.REM_OP_ERR, WcStatus.RETRY_EXC_ERR,
            WcStatus.RNR_RETRY_EXC_ERR, WcStatus.REM_ABORT_ERR, WcStatus.GENERAL_ERR};
        postSends(syndromes.length);
        for (int i = 0; i < syndromes.length; i++) {
            int index = i;
            cqe(b -> {
                Hw.Cqe.IS_SEND.set(b, 0, 1);
                Hw.Cqe.WQE_INDEX.set(b, 0, index);
                Hw.Cqe.OPCODE.set(b, 0, Hw.Cqe.OPCODE_ERROR);
                Hw.Cqe.SYNDROME.set(b, 0, syndromes[index]);
                Hw.Cqe.VENDOR_SYNDROME.set(b, 0, 0x80 + index);
                Hw.Cqe.BYTE_CNT.set(b, 0, 100);
            });
        }
        List<Wc> wcs = HcaHost.poll(cq);
        assertEquals(syndromes.length, wcs.size(), wcs.toString());
        for (int i = 0; i < syndromes.length; i++) {
            Wc w = wcs.get(i);
            String what = "syndrome 0x" + Integer.toHexString(syndromes[i]);
            assertEquals(i, w.wrId, what);
            assertEquals(statuses[i], w.status, what);
            assertEquals(0x80 + i, w.vendorErr, what);
            assertSame(qp, w.qp, what);
            assertEquals(0, w.byteLen, what);
        }
    }
}
