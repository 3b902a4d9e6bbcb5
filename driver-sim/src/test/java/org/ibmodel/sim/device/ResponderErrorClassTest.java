// The responder's error classes and what each does with the receive a message holds: IBA 9.9.3
// (responder classes A to E), as drivers/infiniband/sw/rxe/rxe_resp.c sorts them
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.sim.wire.Aeth;
import org.ibmodel.sim.wire.Opcode;
import org.junit.jupiter.api.Test;

class ResponderErrorClassTest {
    private static final int MTU = HostilePeer.MTU;
    private static final int PSN = HostilePeer.RQ_PSN;

    private static byte[] payload(int len) {
        return TransportPair.pattern(5, len);
    }

    private static void postRecvs(HostilePeer h, int n) {
        for (int i = 1; i <= n; i++) {
            RecvWr wr = new RecvWr(i, new Sge(h.base + 4096L * i, 4096, h.mr.lkey()));
            assertTrue((h.srq != null ? h.srq.postRecv(wr) : h.qp.postRecv(wr)).ok());
        }
    }

    private static List<WcStatus> statuses(List<Wc> wcs) {
        return wcs.stream().map(w -> w.status).toList();
    }

    /**
     * Class C on RC (rxe_resp.c do_class_ac_error, then do_complete): a SEND FIRST inside a SEND
     * is an invalid request; the receive the first one took completes with REM_INV_REQ_ERR, the
     * one behind it is flushed as the QP enters ERR.
     */
    @Test
    void shouldCompleteTheHeldReceiveWithRemoteInvalidRequest() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            postRecvs(h, 2);
            h.send(Opcode.RC_SEND_FIRST, PSN, f -> f.payload = payload(MTU));
            h.send(Opcode.RC_SEND_FIRST, PSN + 1, f -> f.payload = payload(MTU));
            h.world.settle();
            assertEquals(QpState.ERR, h.state());
            List<Wc> wcs = h.poll();
            assertEquals(List.of(1L, 2L), wcs.stream().map(w -> w.wrId).toList());
            assertEquals(List.of(WcStatus.REM_INV_REQ_ERR, WcStatus.WR_FLUSH_ERR), statuses(wcs));
        }
    }

    /** The same for a packet whose length the path MTU rules out (IBA C9-92), on an SRQ. */
    @Test
    void shouldCompleteTheHeldSrqReceiveWithRemoteInvalidRequest() {
        try (HostilePeer h = new HostilePeer(QpType.RC, q -> {
        }, true)) {
            postRecvs(h, 2);
            h.send(Opcode.RC_SEND_FIRST, PSN, f -> f.payload = payload(MTU));
            h.send(Opcode.RC_SEND_MIDDLE, PSN + 1, f -> f.payload = payload(MTU / 2));
            h.world.settle();
            assertEquals(QpState.ERR, h.state());
            List<Wc> wcs = h.poll();
            assertEquals(1, wcs.size(), "the SRQ's other receive is not the QP's to flush: " + wcs);
            assertEquals(WcStatus.REM_INV_REQ_ERR, wcs.get(0).status, wcs.toString());
        }
    }

    /**
     * An RDMA WRITE with immediate takes a receive; a bad rkey is class C too (rxe_resp.c
     * RESPST_ERR_RKEY_VIOLATION), and the receive completes with LOC_ACCESS_ERR, the status IBA
     * 11.6.2 gives a protection error on a local buffer while a WRITE with immediate is processed
     * (mlx4's LOCAL_ACCESS_ERR syndrome; rxe reports REM_ACCESS_ERR there).
     */
    @Test
    void shouldCompleteTheReceiveOfAWriteWithImmediateWithLocalAccessError() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            postRecvs(h, 1);
            h.send(Opcode.RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE, PSN, f -> {
                f.va = h.base;
                f.rkey = h.mr.rkey() ^ 0x100;
                f.dmaLen = 16;
                f.imm = 0x1234;
                f.payload = payload(16);
            });
            h.world.settle();
            assertEquals(QpState.ERR, h.state());
            assertEquals(List.of(WcStatus.LOC_ACCESS_ERR), statuses(h.poll()));
        }
    }

    /**
     * A duplicate READ within a SEND (its response lost) whose region has gone since (rxe_resp.c
     * rxe_recheck_mr) is a remote access error: the receive the SEND holds completes with the
     * requester's REM_ACCESS_ERR, the status of a WRITE with immediate's receive being its own.
     */
    @Test
    void shouldCompleteTheReceiveOfASendWithRemoteAccessErrorWhenADuplicateReadIsRefused() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            long region = h.base + 16 * 4096L;
            org.ibmodel.core.Mr read = org.ibmodel.core.Mr.reg(h.pd, region, 4096, region,
                    org.ibmodel.core.AccessFlags.LOCAL_WRITE | org.ibmodel.core.AccessFlags.REMOTE_READ).get();
            postRecvs(h, 1);
            java.util.function.Consumer<HostilePeer.Fields> request = f -> {
                f.va = region;
                f.rkey = read.rkey();
                f.dmaLen = 16;
            };
            h.send(Opcode.RC_RDMA_READ_REQUEST, PSN, request);
            h.send(Opcode.RC_SEND_FIRST, PSN + 1, f -> f.payload = payload(MTU));
            assertEquals(0, read.dereg());
            h.send(Opcode.RC_RDMA_READ_REQUEST, PSN, request);
            h.world.settle();
            assertEquals(QpState.ERR, h.state());
            assertEquals(List.of(WcStatus.REM_ACCESS_ERR), statuses(h.poll()));
        }
    }

    /**
     * Class E (rxe_resp.c, UC on an SRQ): a message dropped for its length completes the SRQ
     * receive it took with REM_INV_REQ_ERR, as that receive cannot wait for the next message;
     * the QP stays in RTS and the next message takes the next receive.
     */
    @Test
    void shouldCompleteAUcSrqReceiveOfADroppedMessageAndCarryOn() {
        try (HostilePeer h = new HostilePeer(QpType.UC, q -> {
        }, true)) {
            postRecvs(h, 2);
            h.send(Opcode.UC_SEND_FIRST, PSN, f -> f.payload = payload(MTU));
            h.send(Opcode.UC_SEND_LAST, PSN + 1);
            h.send(Opcode.UC_SEND_ONLY, PSN + 2, f -> f.payload = payload(8));
            h.world.settle();
            assertEquals(QpState.RTS, h.state());
            List<Wc> wcs = h.poll();
            assertEquals(List.of(1L, 2L), wcs.stream().map(w -> w.wrId).toList());
            assertEquals(List.of(WcStatus.REM_INV_REQ_ERR, WcStatus.SUCCESS), statuses(wcs));
            assertEquals(8, wcs.get(1).byteLen);
        }
    }

    /** Class D on UC without an SRQ: the message is lost, its receive serves the next one. */
    @Test
    void shouldKeepAUcReceiveOfADroppedMessageForTheNext() {
        try (HostilePeer h = new HostilePeer(QpType.UC)) {
            postRecvs(h, 1);
            h.send(Opcode.UC_SEND_FIRST, PSN, f -> f.payload = payload(MTU));
            h.send(Opcode.UC_SEND_LAST, PSN + 1);
            h.send(Opcode.UC_SEND_ONLY, PSN + 2, f -> f.payload = payload(8));
            h.world.settle();
            assertEquals(QpState.RTS, h.state());
            List<Wc> wcs = h.poll();
            assertEquals(List.of(1L), wcs.stream().map(w -> w.wrId).toList());
            assertEquals(List.of(WcStatus.SUCCESS), statuses(wcs));
        }
    }

    /**
     * UC (hfi1/uc.c hfi1_uc_rcv, its "inv" path): a FIRST or ONLY in sequence while a message is
     * unfinished, as after a sender's SQE recovery, abandons that message and starts the new one;
     * its receive serves the new message. rxe drops the new message as well.
     */
    @Test
    void shouldStartANewUcMessageThatFollowsAnUnfinishedOne() {
        try (HostilePeer h = new HostilePeer(QpType.UC)) {
            postRecvs(h, 1);
            h.send(Opcode.UC_SEND_FIRST, PSN, f -> f.payload = payload(MTU));
            h.send(Opcode.UC_SEND_ONLY, PSN + 1, f -> f.payload = payload(8));
            h.send(Opcode.UC_SEND_MIDDLE, PSN + 2, f -> f.payload = payload(MTU));
            h.world.settle();
            assertEquals(QpState.RTS, h.state());
            List<Wc> wcs = h.poll();
            assertEquals(List.of(1L), wcs.stream().map(w -> w.wrId).toList());
            assertEquals(List.of(WcStatus.SUCCESS), statuses(wcs));
            assertEquals(8, wcs.get(0).byteLen);
        }
    }

    /** The same on an SRQ: the receive the abandoned message took completes with REM_INV_REQ_ERR. */
    @Test
    void shouldStartANewUcMessageAfterAnUnfinishedOneOnAnSrq() {
        try (HostilePeer h = new HostilePeer(QpType.UC, q -> {
        }, true)) {
            postRecvs(h, 2);
            h.send(Opcode.UC_SEND_FIRST, PSN, f -> f.payload = payload(MTU));
            h.send(Opcode.UC_RDMA_WRITE_ONLY_WITH_IMMEDIATE, PSN + 1, f -> {
                f.va = h.base;
                f.rkey = h.mr.rkey();
                f.dmaLen = 16;
                f.imm = 0x1234;
                f.payload = payload(16);
            });
            h.world.settle();
            assertEquals(QpState.RTS, h.state());
            List<Wc> wcs = h.poll();
            assertEquals(List.of(1L, 2L), wcs.stream().map(w -> w.wrId).toList());
            assertEquals(List.of(WcStatus.REM_INV_REQ_ERR, WcStatus.SUCCESS), statuses(wcs));
            assertEquals(16, wcs.get(1).byteLen);
        }
    }

    /**
     * rxe_resp.c RESPST_ERR_LENGTH on UC: a SEND longer than its receive is class D without an
     * SRQ (the message is dropped and counted, the receive serves the next one) and class E on
     * one (the receive completes with REM_INV_REQ_ERR); the QP stays in RTS either way, where
     * on RC the same SEND is class C and ends the connection. A SEND with no receive posted at
     * all is dropped and counted too.
     */
    @Test
    void shouldDropAUcSendLongerThanItsReceive() {
        for (boolean onSrq : new boolean[] {false, true}) {
            try (HostilePeer h = new HostilePeer(QpType.UC, q -> {
            }, onSrq)) {
                Transport t = h.world.transport(HostilePeer.VICTIM);
                h.send(Opcode.UC_SEND_ONLY, PSN, f -> f.payload = payload(8));
                assertEquals(1, t.dropped(Transport.Drop.NO_RECV_WQE), "no receive posted");
                RecvWr small = new RecvWr(1, new Sge(h.base + 4096, 8, h.mr.lkey()));
                RecvWr next = new RecvWr(2, new Sge(h.base + 8192, 64, h.mr.lkey()));
                for (RecvWr wr : List.of(small, next)) {
                    assertTrue((onSrq ? h.srq.postRecv(wr) : h.qp.postRecv(wr)).ok());
                }
                h.send(Opcode.UC_SEND_ONLY, PSN + 1, f -> f.payload = payload(16));
                h.send(Opcode.UC_SEND_ONLY, PSN + 2, f -> f.payload = payload(8));
                h.world.settle();
                assertEquals(QpState.RTS, h.state());
                assertEquals(1, t.dropped(Transport.Drop.PARTIAL_MESSAGE), "the long SEND is dropped");
                List<Wc> wcs = h.poll();
                if (onSrq) {
                    assertEquals(List.of(1L, 2L), wcs.stream().map(w -> w.wrId).toList());
                    assertEquals(List.of(WcStatus.REM_INV_REQ_ERR, WcStatus.SUCCESS), statuses(wcs));
                } else {
                    assertEquals(List.of(1L), wcs.stream().map(w -> w.wrId).toList());
                    assertEquals(List.of(WcStatus.SUCCESS), statuses(wcs));
                }
                assertEquals(8, wcs.get(wcs.size() - 1).byteLen, wcs.toString());
            }
        }
    }

    /**
     * On RC a SEND longer than its receive is class C (rxe_resp.c RESPST_ERR_LENGTH): NAK Invalid
     * Request, the receive completes with LOC_LEN_ERR. A receive the device cannot write through
     * (its lkey) is class A (RESPST_ERR_MALFORMED_WQE): NAK Remote Operational Error, LOC_PROT_ERR.
     * Either way the QP enters ERR.
     */
    @Test
    void shouldTellAnRcSenderWhyItsSendFailed() {
        for (boolean badKey : new boolean[] {false, true}) {
            try (HostilePeer h = new HostilePeer(QpType.RC)) {
                int lkey = badKey ? h.mr.lkey() ^ 0x100 : h.mr.lkey();
                assertTrue(h.qp.postRecv(new RecvWr(1, new Sge(h.base + 4096, 8, lkey))).ok());
                h.send(Opcode.RC_SEND_ONLY, PSN, f -> f.payload = payload(badKey ? 8 : 16));
                h.world.settle();
                List<Transport.Sent> sent = h.sent();
                assertEquals(1, sent.size(), sent.toString());
                Aeth.NakCode code = badKey ? Aeth.NakCode.REMOTE_OPERATIONAL_ERROR : Aeth.NakCode.INVALID_REQUEST;
                assertEquals(Aeth.nakSyndrome(code), sent.get(0).syndrome(), code + ": " + sent);
                assertEquals(QpState.ERR, h.state());
                assertEquals(List.of(badKey ? WcStatus.LOC_PROT_ERR : WcStatus.LOC_LEN_ERR), statuses(h.poll()));
            }
        }
    }

    /**
     * A region deregistered in the middle of an RDMA WRITE (the device looks its key up for every
     * packet, as an HCA's MPT lookup does): the next packet is a remote access error on RC, class C,
     * and loses the message on UC, whose QP carries on. That packet's bytes are not written.
     */
    @Test
    void shouldRefuseTheRestOfAWriteWhoseRegionHasGone() {
        for (QpType type : List.of(QpType.RC, QpType.UC)) {
            try (HostilePeer h = new HostilePeer(type)) {
                boolean rc = type == QpType.RC;
                long va = h.base + 4096;
                h.send(rc ? Opcode.RC_RDMA_WRITE_FIRST : Opcode.UC_RDMA_WRITE_FIRST, PSN, f -> {
                    f.va = va;
                    f.rkey = h.mr.rkey();
                    f.dmaLen = 2 * MTU;
                    f.payload = payload(MTU);
                });
                assertEquals(0, h.mr.dereg());
                h.send(rc ? Opcode.RC_RDMA_WRITE_LAST : Opcode.UC_RDMA_WRITE_LAST, PSN + 1,
                        f -> f.payload = payload(MTU));
                h.world.settle();
                org.junit.jupiter.api.Assertions.assertArrayEquals(
                        java.util.Arrays.copyOfRange(TransportPair.pattern(1, HostilePeer.REGION), 4096 + MTU,
                                4096 + 2 * MTU),
                        h.victim.memory().read(va + MTU, MTU), "the LAST was written");
                List<Transport.Sent> sent = h.sent();
                if (rc) {
                    assertEquals(1, sent.size(), sent.toString());
                    assertEquals(Aeth.nakSyndrome(Aeth.NakCode.REMOTE_ACCESS_ERROR), sent.get(0).syndrome(),
                            sent.toString());
                    assertEquals(PSN + 1, sent.get(0).psn(), sent.toString());
                    assertEquals(QpState.ERR, h.state());
                } else {
                    assertEquals(List.of(), sent);
                    assertEquals(QpState.RTS, h.state());
                    assertEquals(1, h.world.transport(HostilePeer.VICTIM).dropped(Transport.Drop.PARTIAL_MESSAGE));
                }
            }
        }
    }

    /**
     * Class A, every transport (rxe_resp.c RESPST_ERR_MALFORMED_WQE): a receive the device cannot
     * write through completes in error and the QP enters ERR, on UC as on RC.
     */
    @Test
    void shouldFailAUcQpWhoseReceiveCannotBeWritten() {
        try (HostilePeer h = new HostilePeer(QpType.UC)) {
            assertTrue(h.qp.postRecv(new RecvWr(1, new Sge(h.base, 64, h.mr.lkey() ^ 0x100))).ok());
            postRecvs(h, 1);
            h.send(Opcode.UC_SEND_ONLY, PSN, f -> f.payload = payload(8));
            h.world.settle();
            assertEquals(QpState.ERR, h.state());
            List<Wc> wcs = h.poll();
            assertEquals(List.of(WcStatus.LOC_PROT_ERR, WcStatus.WR_FLUSH_ERR), statuses(wcs));
        }
    }
}
