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
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
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
