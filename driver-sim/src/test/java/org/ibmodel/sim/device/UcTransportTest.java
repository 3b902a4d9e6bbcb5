// UC's operations end to end: IBA 9.8 (SEND and RDMA WRITE, with or without immediate; no READ,
// atomic or SEND with Invalidate), and the local operations on a UC QP's send queue;
// drivers/infiniband/sw/rxe/rxe_req.c next_opcode_uc
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcFlags;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ReplayOnFailure.class)
class UcTransportTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 13);

    private static TransportPair uc() {
        return new TransportPair(SEED, QpType.UC, TransportPair.Conn.standard(Mtu.MTU_1024));
    }

    private static String at(String what) {
        return ReplayOnFailure.at("UcTransportTest", SEED, what);
    }

    /**
     * IBA 10.3.1, docs/HCA.md §5.10: a UC SEND already begun that fails while the send queue drains
     * in SQD (its MR deregistered under it) moves the QP from SQD to SQE, which ib_query_qp
     * reports as mlx4_ib_query_qp does, and SQE to RTS takes it back.
     */
    @Test
    void shouldReportSqeAfterASendErrorWhileDraining() {
        try (TransportPair p = new TransportPair(SEED, QpType.UC,
                TransportPair.Conn.standard(Mtu.MTU_256).staticRate(2))) {
            p.b.postRecv(8, 0, 1 << 20);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(new Sge(p.a.buf, 256 << 10, p.a.mr.lkey())));
            // Under way at a quarter of the link's rate: some packets out, most to come.
            p.world.scheduler().runUntil(p.world.scheduler().now() + 50_000);
            assertEquals(0, p.a.qp.modify(new QpAttr().state(QpState.SQD), QpAttrMask.STATE.bit()));
            assertEquals(0, p.a.mr.dereg());
            p.settle();
            assertEquals(List.of(WcStatus.LOC_PROT_ERR), p.a.poll().stream().map(w -> w.status).toList());
            QpAttr q = new QpAttr();
            assertEquals(0, p.a.qp.query(q));
            assertEquals(QpState.SQE, q.qpState, at("SQD to SQE on the send error"));
            assertEquals(0, p.a.qp.modify(new QpAttr().state(QpState.RTS), QpAttrMask.STATE.bit()), "SQE to RTS");
        }
    }

    /**
     * IBA 10.3.1, docs/HCA.md §5.10: a UC SEND that fails locally (a bad lkey) moves the QP to SQE
     * with no event; it goes on receiving (b's three-packet SEND lands), and after SQE to RTS its
     * next SEND arrives at the PSN b expects, the failed one having taken none.
     */
    @Test
    void shouldMoveToSqeOnASendErrorKeepReceivingAndSendAgainAfterRts() {
        try (TransportPair p = uc()) {
            p.a.postRecv(7, 0, 4096);
            p.b.postRecv(8, 0, 4096);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND)
                    .sgList(new Sge(p.a.buf, 64, p.a.mr.lkey() ^ 0x100)));
            p.settle();
            assertEquals(List.of(WcStatus.LOC_PROT_ERR), p.a.poll().stream().map(w -> w.status).toList());
            QpAttr q = new QpAttr();
            assertEquals(0, p.a.qp.query(q));
            assertEquals(QpState.SQE, q.qpState, at("a UC send error leaves the QP in SQE"));
            assertEquals(List.of(), p.a.events, at("with no event"));

            byte[] data = TransportPair.pattern(3, 3000);
            p.b.fill(0, data);
            p.b.postSend(new SendWr().wrId(2).opcode(WrOpcode.SEND).sgList(p.b.sge(0, 3000)));
            p.settle();
            List<Wc> got = p.a.poll();
            assertEquals(List.of(7L), got.stream().map(w -> w.wrId).toList(), at("received in SQE: " + got));
            assertEquals(WcStatus.SUCCESS, got.get(0).status);
            assertArrayEquals(data, p.a.read(0, 3000));

            assertEquals(0, p.a.qp.modify(new QpAttr().state(QpState.RTS),
                    QpAttrMask.STATE.bit()), "SQE to RTS");
            p.a.fill(8192, TransportPair.pattern(4, 100));
            p.a.postSend(new SendWr().wrId(3).opcode(WrOpcode.SEND).sgList(p.a.sge(8192, 100)));
            p.settle();
            assertEquals(WcStatus.SUCCESS, p.a.poll().get(0).status);
            List<Wc> atB = p.b.poll().stream().filter(w -> w.wrId == 8).toList();
            assertEquals(1, atB.size(), at("a's SEND after RTS reached b"));
            assertEquals(0, p.b.transport().dropped(Transport.Drop.OUT_OF_SEQUENCE), at("at the PSN b expected"));
            assertArrayEquals(TransportPair.pattern(4, 100), p.b.read(0, 100));
        }
    }

    /**
     * A SEND and an RDMA WRITE with immediate, of three packets each, each complete a receive
     * with their immediate data and IB_WC_WITH_IMM; the WRITE's bytes land at its remote address.
     */
    @Test
    void shouldCarryImmediateDataOnSendsAndWrites() {
        try (TransportPair p = uc()) {
            byte[] data = TransportPair.pattern(6, 3000);
            p.a.fill(0, data);
            p.b.postRecv(1, 0, 4096);
            p.b.postRecv(2, 4096, 16);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND_WITH_IMM).sgList(p.a.sge(0, 3000)).immData(0x11),
                    new SendWr().wrId(2).opcode(WrOpcode.RDMA_WRITE_WITH_IMM).sgList(p.a.sge(0, 3000))
                    .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()).immData(0x22));
            p.settle();
            List<Wc> sends = p.a.poll();
            assertEquals(List.of(WcStatus.SUCCESS, WcStatus.SUCCESS), sends.stream().map(w -> w.status).toList(),
                    at("" + sends));
            List<Wc> recvs = p.b.poll();
            assertEquals(2, recvs.size(), at("" + recvs));
            assertEquals(List.of(WcOpcode.RECV, WcOpcode.RECV_RDMA_WITH_IMM),
                    recvs.stream().map(w -> w.opcode).toList(), at("" + recvs));
            assertEquals(List.of(0x11, 0x22), recvs.stream().map(w -> w.immData).toList(), at("" + recvs));
            for (Wc w : recvs) {
                assertEquals(WcFlags.WITH_IMM, w.wcFlags & WcFlags.WITH_IMM, at("" + w));
                assertEquals(3000, w.byteLen, at("" + w));
            }
            assertArrayEquals(data, p.b.read(0, 3000), at("the SEND"));
            assertArrayEquals(data, p.b.read(TransportPair.TARGET, 3000), at("the WRITE"));
        }
    }

    /**
     * IB_WR_REG_MR and IB_WR_LOCAL_INV are local operations: a UC QP's send queue carries them out
     * as an RC QP's does; a WRITE goes through the registered key, and not once it is invalidated.
     */
    @Test
    void shouldRegisterAndInvalidateAKeyOnAUcQp() {
        try (TransportPair p = uc()) {
            Mr mr = Mr.alloc(p.b.pd, 4).get();
            assertEquals(1, mr.mapSg(new long[] {p.b.buf + TransportPair.TARGET}, new int[] {4096}));
            p.b.postSend(new SendWr().wrId(1).opcode(WrOpcode.REG_MR)
                    .reg(mr, mr.rkey(), AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE)
                    .sendFlags(SendFlags.SIGNALED));
            p.settle();
            Wc reg = p.b.poll().get(0);
            assertEquals(WcStatus.SUCCESS, reg.status, at("" + reg));
            assertEquals(WcOpcode.REG_MR, reg.opcode, at("" + reg));
            byte[] data = TransportPair.pattern(8, 64);
            p.a.fill(0, data);
            p.a.postSend(new SendWr().wrId(2).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, 64)).remoteAddr(mr.iova())
                    .rkey(mr.rkey()));
            p.settle();
            assertArrayEquals(data, p.b.read(TransportPair.TARGET, 64), at("the WRITE through the registered key"));

            p.b.postSend(new SendWr().wrId(3).opcode(WrOpcode.LOCAL_INV).invalidateRkey(mr.rkey())
                    .sendFlags(SendFlags.SIGNALED));
            p.settle();
            Wc inv = p.b.poll().get(0);
            assertEquals(WcStatus.SUCCESS, inv.status, at("" + inv));
            assertEquals(WcOpcode.LOCAL_INV, inv.opcode, at("" + inv));
            p.a.fill(0, TransportPair.pattern(9, 64));
            p.a.postSend(new SendWr().wrId(4).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, 64)).remoteAddr(mr.iova())
                    .rkey(mr.rkey()));
            p.settle();
            assertArrayEquals(data, p.b.read(TransportPair.TARGET, 64),
                    at("nothing lands once the key is invalidated"));
            assertEquals(1, p.b.transport().dropped(Transport.Drop.PARTIAL_MESSAGE), at("the WRITE is dropped"));
        }
    }
}
