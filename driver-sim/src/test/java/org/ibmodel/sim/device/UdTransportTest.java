// UD between two hosts: IBA 9.6.1.1 (P_Key), 10.2.4 (Q_Key), 11.4.1.1 (GRH room)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.PortAttr;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcFlags;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.wire.Grh;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ReplayOnFailure.class)
class UdTransportTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 11);
    private static final int GRH = 40;

    private static TransportPair ud() {
        return new TransportPair(SEED, QpType.UD, TransportPair.Conn.standard(Mtu.MTU_2048));
    }

    private static SendWr datagram(TransportPair p, int len, int qkey) {
        Ah ah = Ah.create(p.a.pd, AhAttr.lid(1, p.world.lid(1))).get();
        return new SendWr().wrId(len).opcode(WrOpcode.SEND).sgList(p.a.sge(0, len)).ah(ah)
                .remoteQpn(p.b.qp.qpNum()).remoteQkey(qkey);
    }

    /** A receive of 2048 bytes after the GRH room is posted at TARGET; {@code wr} arrives there as the only one. */
    private static Wc deliverOne(TransportPair p, SendWr wr) {
        p.b.postRecv(7, TransportPair.TARGET, GRH + 2048);
        p.a.postSend(wr);
        p.settle();
        assertEquals(WcStatus.SUCCESS, p.a.poll().get(0).status);
        List<Wc> r = p.b.poll();
        assertEquals(1, r.size(), "" + r);
        Wc w = r.get(0);
        assertEquals(WcStatus.SUCCESS, w.status);
        return w;
    }

    /** A receive is posted, {@code wr} completes at the sender (UD has no ACK), b drops it as {@code reason}. */
    private static void assertDropped(TransportPair p, SendWr wr, Transport.Drop reason) {
        p.b.postRecv(1, TransportPair.TARGET, GRH + 64);
        p.a.postSend(wr);
        p.settle();
        assertEquals(WcStatus.SUCCESS, p.a.poll().get(0).status, "UD send completes: no ACK");
        assertTrue(p.b.poll().isEmpty(), "nothing received");
        assertEquals(1, p.b.transport().dropped(reason), reason + " counted");
    }

    /**
     * docs/HCA.md §5.10 (IBA 10.3.1): a UD send that fails (here a bad lkey) completes in error and
     * moves the QP to SQE, as mlx4's hardware does, with no event: query_qp says so; the WR behind
     * it is flushed and never sent; the QP goes on receiving; a send posted in SQE is flushed; SQE
     * to RTS (as IPoIB's ipoib_qp_state_validate_work does) and it sends again.
     */
    @Test
    void shouldMoveAUdQpToSqeOnASendErrorAndBackToRtsWhenAsked() {
        try (TransportPair p = ud()) {
            p.a.postRecv(9, TransportPair.TARGET, GRH + 64);
            Ah toB = Ah.create(p.a.pd, AhAttr.lid(1, p.world.lid(1))).get();
            // The bad WR and a good one behind it, in one call: the good one is flushed, never sent.
            p.a.fill(4096, TransportPair.pattern(11, 16));
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(new Sge(p.a.buf, 16, p.a.mr.lkey() ^ 0x100))
                    .ah(toB).remoteQpn(p.b.qp.qpNum()).remoteQkey(TransportPair.QKEY),
                    new SendWr().wrId(11).opcode(WrOpcode.SEND).sgList(p.a.sge(4096, 16)).ah(toB)
                    .remoteQpn(p.b.qp.qpNum()).remoteQkey(TransportPair.QKEY));
            p.settle();
            List<Wc> wcs = p.a.poll();
            assertEquals(List.of(WcStatus.LOC_PROT_ERR, WcStatus.WR_FLUSH_ERR),
                    wcs.stream().map(w -> w.status).toList(), wcs.toString());
            QpAttr q = new QpAttr();
            assertEquals(0, p.a.qp.query(q));
            assertEquals(QpState.SQE, q.qpState, "a send error leaves a UD QP in SQE");
            assertEquals(List.of(), p.a.events, "with no event");

            // Still receiving: a datagram from b lands in the receive a posted before the error.
            Ah toA = Ah.create(p.b.pd, AhAttr.lid(1, p.world.lid(0))).get();
            p.b.fill(0, TransportPair.pattern(5, 32));
            p.b.postSend(new SendWr().wrId(2).opcode(WrOpcode.SEND).sgList(p.b.sge(0, 32)).ah(toA)
                    .remoteQpn(p.a.qp.qpNum()).remoteQkey(TransportPair.QKEY));
            // A send posted in SQE completes flushed.
            p.a.postSend(new SendWr().wrId(3).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 16)).ah(toB)
                    .remoteQpn(p.b.qp.qpNum()).remoteQkey(TransportPair.QKEY));
            p.settle();
            List<Wc> got = p.a.poll();
            assertEquals(2, got.size(), got.toString());
            Wc recv = got.stream().filter(w -> w.wrId == 9).findFirst().orElseThrow();
            assertEquals(WcStatus.SUCCESS, recv.status, "received in SQE: " + recv);
            assertArrayEquals(TransportPair.pattern(5, 32), p.a.read(TransportPair.TARGET + GRH, 32));
            Wc flushed = got.stream().filter(w -> w.wrId == 3).findFirst().orElseThrow();
            assertEquals(WcStatus.WR_FLUSH_ERR, flushed.status, "posted in SQE: " + flushed);

            assertEquals(0, p.a.qp.modify(new QpAttr().state(QpState.RTS), QpAttrMask.STATE.bit()), "SQE to RTS");
            assertEquals(HwQpState.RTS, p.a.hwState(), "the device back in RTS");
            p.b.postRecv(10, TransportPair.TARGET, GRH + 64);
            p.a.fill(0, TransportPair.pattern(4, 16));
            p.a.postSend(new SendWr().wrId(4).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 16)).ah(toB)
                    .remoteQpn(p.b.qp.qpNum()).remoteQkey(TransportPair.QKEY));
            p.settle();
            List<Wc> again = p.a.poll();
            assertEquals(List.of(4L), again.stream().map(w -> w.wrId).toList(), "only the new send: " + again);
            assertEquals(WcStatus.SUCCESS, again.get(0).status, "sending again in RTS");
            List<Wc> atB = p.b.poll();
            assertEquals(List.of(2L, 10L), atB.stream().map(w -> w.wrId).toList(), "b's send, then the datagram");
            assertArrayEquals(TransportPair.pattern(4, 16), p.b.read(TransportPair.TARGET + GRH, 16),
                    "the new send's bytes, not the flushed one's");
        }
    }

    /**
     * IB_QP_CUR_STATE says which state the caller knows the QP is in when ib_core's copy is stale:
     * after a send error moved it to SQE unseen, SQE to RTS with the bit goes through without a
     * query first (_mlx4_ib_modify_qp takes the caller's state; SQERR2RTS_QP), and a state the QP
     * is not in is refused by the device (BAD_QP_STATE, -EINVAL), changing nothing.
     */
    @Test
    void shouldLeaveSqeForRtsWhenTheCallerSaysTheQpIsInSqe() {
        try (TransportPair p = ud()) {
            Ah toB = Ah.create(p.a.pd, AhAttr.lid(1, p.world.lid(1))).get();
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(new Sge(p.a.buf, 16, p.a.mr.lkey() ^ 0x100))
                    .ah(toB).remoteQpn(p.b.qp.qpNum()).remoteQkey(TransportPair.QKEY));
            p.settle();
            assertEquals(WcStatus.LOC_PROT_ERR, p.a.poll().get(0).status);
            assertEquals(HwQpState.SQE, p.a.hwState());
            assertEquals(QpState.RTS, p.a.qp.state(), "ib_core's copy has not seen the error");

            QpAttr wrong = new QpAttr().state(QpState.RTS);
            wrong.curQpState = QpState.SQD;
            int mask = QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.CUR_STATE);
            assertEquals(Errno.EINVAL.negative(), p.a.qp.modify(wrong, mask), "SQD2RTS of a QP in SQE");
            assertEquals(HwQpState.SQE, p.a.hwState(), "a refused modify changes nothing");

            QpAttr sqe = new QpAttr().state(QpState.RTS);
            sqe.curQpState = QpState.SQE;
            assertEquals(0, p.a.qp.modify(sqe, mask), "SQE to RTS, told");
            assertEquals(HwQpState.RTS, p.a.hwState());
            assertEquals(QpState.RTS, p.a.qp.state());
            p.b.postRecv(10, TransportPair.TARGET, GRH + 64);
            p.a.postSend(new SendWr().wrId(4).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 16)).ah(toB)
                    .remoteQpn(p.b.qp.qpNum()).remoteQkey(TransportPair.QKEY));
            p.settle();
            assertEquals(WcStatus.SUCCESS, p.a.poll().get(0).status, "sending again");
            assertEquals(List.of(10L), p.b.poll().stream().map(w -> w.wrId).toList());
        }
    }

    @Test
    void shouldDeliverADatagramAfterFortyBytesOfGrhRoomWithItsSource() {
        try (TransportPair p = ud()) {
            byte[] data = TransportPair.pattern(4, 1000);
            p.a.fill(0, data);
            Wc w = deliverOne(p, datagram(p, 1000, TransportPair.QKEY));
            assertEquals(WcOpcode.RECV, w.opcode);
            assertEquals(GRH + 1000, w.byteLen, "byte_cnt counts the GRH room");
            assertEquals(p.a.qp.qpNum(), w.srcQp);
            assertEquals(p.world.lid(0), w.slid);
            assertEquals(0, w.pkeyIndex);
            assertEquals(0, w.wcFlags & WcFlags.GRH, "no GRH was received");
            assertArrayEquals(data, p.b.read(TransportPair.TARGET + GRH, 1000));
        }
    }

    /**
     * IBA 9.6.1 (UD SEND only with immediate): a datagram's immediate data reaches the receive
     * completion, with IB_WC_WITH_IMM; the sender's completion carries the flag too (mlx4_ib_poll_one).
     */
    @Test
    void shouldDeliverADatagramsImmediateData() {
        try (TransportPair p = ud()) {
            p.b.postRecv(7, TransportPair.TARGET, GRH + 2048);
            p.a.postSend(datagram(p, 16, TransportPair.QKEY).opcode(WrOpcode.SEND_WITH_IMM).immData(0x5eed_f00d));
            p.settle();
            Wc s = p.a.poll().get(0);
            assertEquals(WcStatus.SUCCESS, s.status, s.toString());
            assertEquals(WcFlags.WITH_IMM, s.wcFlags & WcFlags.WITH_IMM, s.toString());
            List<Wc> r = p.b.poll();
            assertEquals(1, r.size(), r.toString());
            Wc w = r.get(0);
            assertEquals(WcOpcode.RECV, w.opcode, w.toString());
            assertEquals(WcFlags.WITH_IMM, w.wcFlags & WcFlags.WITH_IMM, w.toString());
            assertEquals(0x5eed_f00d, w.immData, w.toString());
            assertEquals(GRH + 16, w.byteLen, w.toString());
        }
    }

    /**
     * A receive completion reports the service level the datagram came on, the LRH's SL, which
     * the sender's address vector chose (mlx4 cq.c takes wc->sl from the CQE's sl_vid).
     */
    @Test
    void shouldReportTheServiceLevelTheDatagramCameOn() {
        try (TransportPair p = ud()) {
            Ah ah = Ah.create(p.a.pd, new AhAttr(p.world.lid(1), 5, 0, 0, 1, null)).get();
            Wc w = deliverOne(p, new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 64)).ah(ah)
                    .remoteQpn(p.b.qp.qpNum()).remoteQkey(TransportPair.QKEY));
            assertEquals(5, w.sl, w.toString());
        }
    }

    private static SendWr globalDatagram(TransportPair p, int len, byte[] dgid) {
        AhAttr av = new AhAttr(p.world.lid(1), 0, 0, 0, 1, new AhAttr.Grh(dgid, 0x12345, 0, 64, 0x20));
        Ah ah = Ah.create(p.a.pd, av).get();
        return new SendWr().wrId(len).opcode(WrOpcode.SEND).sgList(p.a.sge(0, len)).ah(ah)
                .remoteQpn(p.b.qp.qpNum()).remoteQkey(TransportPair.QKEY);
    }

    @Test
    void shouldSendTheGrhTheAddressVectorAsksForAndReceiveItInTheFirstFortyBytes() {
        try (TransportPair p = ud()) {
            byte[] data = TransportPair.pattern(6, 1001);
            p.a.fill(0, data);
            byte[] dgid = p.b.dev.port(1).gid(0);
            Wc w = deliverOne(p, globalDatagram(p, 1001, dgid));
            assertEquals(WcFlags.GRH, w.wcFlags & WcFlags.GRH, "a GRH was received");
            assertEquals(GRH + 1001, w.byteLen);
            byte[] g = p.b.read(TransportPair.TARGET, GRH);
            Grh grh = new Grh().wrap(g, 0);
            assertEquals(Grh.IPVER_IBA, grh.ipVer());
            assertEquals(0x20, grh.tClass());
            assertEquals(0x12345, grh.flowLabel());
            // IBA 8.3: PayLen counts BTH, DETH, payload, pad and ICRC.
            assertEquals(12 + 8 + 1004 + 4, grh.payLen());
            assertEquals(Grh.NXTHDR_IBA_TRANSPORT, grh.nxtHdr());
            assertEquals(64, grh.hopLmt());
            assertArrayEquals(p.a.dev.port(1).gid(0), Arrays.copyOfRange(g, 8, 24), "SGID: the sender port's GID 0");
            assertArrayEquals(dgid, Arrays.copyOfRange(g, 24, 40), "DGID");
            assertArrayEquals(data, p.b.read(TransportPair.TARGET + GRH, 1001));
        }
    }

    /**
     * A UD server answers a datagram as ib_mad and UD servers do: ib_create_ah_from_wc from the
     * receive's completion and the GRH in its first 40 bytes gives the address of the sender, and
     * the answer reaches it with the GIDs swapped and the request's flow label and traffic class.
     */
    @Test
    void shouldAnswerADatagramThroughAnAhMadeFromItsCompletion() {
        try (TransportPair p = ud()) {
            p.a.fill(0, TransportPair.pattern(7, 64));
            Wc req = deliverOne(p, globalDatagram(p, 64, p.b.dev.port(1).gid(0)));
            Ah back = Ah.createFromWc(p.b.pd, req, p.b.read(TransportPair.TARGET, GRH), 0, 1).get();
            assertEquals(p.world.lid(0), back.attr().dlid(), "the request's SLID");

            p.a.postRecv(3, TransportPair.TARGET, GRH + 64);
            p.b.fill(0, TransportPair.pattern(8, 32));
            p.b.postSend(new SendWr().wrId(4).opcode(WrOpcode.SEND).sgList(p.b.sge(0, 32)).ah(back)
                    .remoteQpn(req.srcQp).remoteQkey(TransportPair.QKEY));
            p.settle();
            assertEquals(WcStatus.SUCCESS, p.b.poll().get(0).status);
            List<Wc> r = p.a.poll();
            assertEquals(1, r.size(), "" + r);
            assertEquals(WcStatus.SUCCESS, r.get(0).status);
            assertEquals(WcFlags.GRH, r.get(0).wcFlags & WcFlags.GRH);
            byte[] g = p.a.read(TransportPair.TARGET, GRH);
            Grh grh = new Grh().wrap(g, 0);
            assertEquals(0x12345, grh.flowLabel(), "the request's flow label");
            assertEquals(0x20, grh.tClass());
            assertEquals(0xff, grh.hopLmt());
            assertArrayEquals(p.b.dev.port(1).gid(0), Arrays.copyOfRange(g, 8, 24), "from b's GID 0");
            assertArrayEquals(p.a.dev.port(1).gid(0), Arrays.copyOfRange(g, 24, 40), "to a's GID");
            assertArrayEquals(TransportPair.pattern(8, 32), p.a.read(TransportPair.TARGET + GRH, 32));
            assertEquals(0, back.destroy());
        }
    }

    @Test
    void shouldDropAndCountAGrhForAnotherPortsGid() {
        try (TransportPair p = ud()) {
            assertDropped(p, globalDatagram(p, 64, p.a.dev.port(1).gid(0)), Transport.Drop.DGID_MISMATCH);
        }
    }

    @Test
    void shouldAnswerToEveryLidOfItsLmcRangeAndReportThePathBits() {
        TransportPair.Conn c = TransportPair.Conn.standard(Mtu.MTU_2048);
        try (TransportPair p = new TransportPair(SEED, QpType.UD, c, null, false, 2)) {
            int baseA = p.world.lid(0);
            int baseB = p.world.lid(1);
            assertEquals(0, baseB & 3, "an LMC 2 range starts at a multiple of 4");
            for (int bits = 0; bits < 4; bits++) {
                p.b.postRecv(bits, TransportPair.TARGET + bits * 4096L, GRH + 64);
                // Path bits 8 + n on the sending side: only the low two (LMC 2) reach the SLID.
                Ah ah = Ah.create(p.a.pd, new AhAttr(baseB + bits, 0, 8 + bits, 0, 1, null)).get();
                p.a.postSend(new SendWr().wrId(bits).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 64)).ah(ah)
                        .remoteQpn(p.b.qp.qpNum()).remoteQkey(TransportPair.QKEY));
            }
            p.settle();
            List<Wc> r = p.b.poll();
            assertEquals(4, r.size(), "every LID of the range is the port's: " + r);
            for (int bits = 0; bits < 4; bits++) {
                Wc w = r.get(bits);
                assertEquals(WcStatus.SUCCESS, w.status);
                assertEquals(bits, w.dlidPathBits, "DLID path bits of " + w);
                assertEquals(baseA + bits, w.slid, "SLID: a's base LID with its path bits");
            }
            // The switch routes one LID past the range to b as well; b's port does not take it.
            p.world.fabric().switches().get(0).route(baseB + 4, p.world.link(1).peerOf(
                    p.world.fabric().portOfLid(baseB)).portNum());
            p.b.postRecv(9, TransportPair.TARGET, GRH + 64);
            Ah outside = Ah.create(p.a.pd, AhAttr.lid(1, baseB + 4)).get();
            p.a.postSend(new SendWr().wrId(9).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 64)).ah(outside)
                    .remoteQpn(p.b.qp.qpNum()).remoteQkey(TransportPair.QKEY));
            p.settle();
            assertTrue(p.b.poll().isEmpty(), "DLID outside the range");
            assertEquals(1, p.b.transport().dropped(Transport.Drop.DLID_MISMATCH));
        }
    }

    @Test
    void shouldSendTheQpsOwnQkeyWhenTheHighBitIsSet() {
        try (TransportPair p = ud()) {
            p.b.postRecv(1, TransportPair.TARGET, GRH + 64);
            p.a.postSend(datagram(p, 64, 0x8000_0000));
            p.settle();
            assertEquals(1, p.b.poll().size(), "delivered with the sender QP's Q_Key");
        }
    }

    @Test
    void shouldDropAndCountAWrongQkey() {
        try (TransportPair p = ud()) {
            assertDropped(p, datagram(p, 64, TransportPair.QKEY + 1), Transport.Drop.QKEY_MISMATCH);
            // PortInfo:Q_KeyViolations of the receiving port (docs/HCA.md §3.10).
            assertEquals(1, p.b.host.hca(0).firmware().port(1).qkeyViolations());
            assertEquals(0, p.a.host.hca(0).firmware().port(1).qkeyViolations());
        }
    }

    @Test
    void shouldDropAndCountAWrongPkey() {
        // Host a's P_Key table gets entry 1 = 0x8001, a partition host b is not in; a's QP uses it.
        TransportPair.Conn c = TransportPair.Conn.standard(Mtu.MTU_2048).pkeyIndexA(1);
        try (TransportPair p = new TransportPair(SEED, QpType.UD, c,
                pair -> TransportPair.setPkey(pair.a.host.hca(0).firmware().port(1), 1, 0x8001))) {
            p.b.postRecv(1, TransportPair.TARGET, GRH + 64);
            p.a.postSend(datagram(p, 64, TransportPair.QKEY));
            p.settle();
            assertTrue(p.b.poll().isEmpty());
            assertEquals(1, p.b.transport().dropped(Transport.Drop.PKEY_MISMATCH));
            assertEquals(1, p.b.host.hca(0).firmware().port(1).pkeyViolations());
            assertEquals(0, p.b.host.hca(0).firmware().port(1).qkeyViolations());
        }
    }

    /**
     * ib_query_port asks the driver every time (drivers/infiniband/core/device.c), and mlx4's
     * ib_link_query_port reads the counters out of a fresh PortInfo: a drop shows at once.
     */
    @Test
    void shouldReportTheViolationCountersThroughIbQueryPort() {
        TransportPair.Conn c = TransportPair.Conn.standard(Mtu.MTU_2048).pkeyIndexA(1);
        try (TransportPair p = new TransportPair(SEED, QpType.UD, c,
                pair -> TransportPair.setPkey(pair.a.host.hca(0).firmware().port(1), 1, 0x8001))) {
            assertDropped(p, datagram(p, 64, TransportPair.QKEY), Transport.Drop.PKEY_MISMATCH);
            PortAttr b = new PortAttr();
            assertEquals(0, p.b.dev.queryPort(1, b));
            assertEquals(1, b.badPkeyCntr, "bad_pkey_cntr");
            assertEquals(0, b.qkeyViolCntr, "qkey_viol_cntr");
        }
        try (TransportPair p = ud()) {
            assertDropped(p, datagram(p, 64, TransportPair.QKEY + 1), Transport.Drop.QKEY_MISMATCH);
            PortAttr b = new PortAttr();
            assertEquals(0, p.b.dev.queryPort(1, b));
            assertEquals(1, b.qkeyViolCntr, "qkey_viol_cntr");
            assertEquals(0, b.badPkeyCntr, "bad_pkey_cntr");
            PortAttr a = new PortAttr();
            assertEquals(0, p.a.dev.queryPort(1, a));
            assertEquals(0, a.qkeyViolCntr, "the sender's port saw nothing");
        }
    }

    @Test
    void shouldStopTheViolationCountersAtTheirSixteenBitMaximum() {
        HcaPort port = new RawHca().hca.firmware().port(1);
        for (int i = 0; i < HcaPort.COUNTER_MAX + 5; i++) {
            port.pkeyViolation();
        }
        assertEquals(HcaPort.COUNTER_MAX, port.pkeyViolations());
        port.qkeyViolation();
        assertEquals(1, port.qkeyViolations());
    }

    /**
     * IBA 10.3.1: an error on the receive queue puts any QP, UD too, in ERR (SQE is for send
     * errors only). A receive WQE whose lkey the device cannot write through completes in error
     * and the QP enters ERR, as rxe (RESPST_ERR_MALFORMED_WQE) and hfi1 (hfi1_ud_rcv, then
     * rvt_rc_error) do: the next datagram finds no QP to take it, and its receive is flushed.
     */
    @Test
    void shouldFailTheQpOnAReceiveItCannotWriteThrough() {
        try (TransportPair p = ud()) {
            assertTrue(p.b.qp.postRecv(new RecvWr(1, new Sge(p.b.buf, GRH + 64, p.b.mr.lkey() ^ 0x80))).ok());
            p.b.postRecv(2, TransportPair.TARGET, GRH + 64);
            p.a.postSend(datagram(p, 64, TransportPair.QKEY));
            p.a.postSend(datagram(p, 32, TransportPair.QKEY));
            p.settle();
            assertEquals(List.of(WcStatus.SUCCESS, WcStatus.SUCCESS), p.a.poll().stream().map(w -> w.status).toList());
            List<Wc> r = p.b.poll();
            assertEquals(List.of(WcStatus.LOC_PROT_ERR, WcStatus.WR_FLUSH_ERR), r.stream().map(w -> w.status).toList(),
                    "" + r);
            assertEquals(HwQpState.ERR, p.b.hwState());
        }
    }

    @Test
    void shouldDropAndCountADatagramWithNoReceivePosted() {
        try (TransportPair p = ud()) {
            p.a.postSend(datagram(p, 64, TransportPair.QKEY));
            p.settle();
            assertEquals(WcStatus.SUCCESS, p.a.poll().get(0).status);
            assertEquals(1, p.b.transport().dropped(Transport.Drop.NO_RECV_WQE));
        }
    }

    /**
     * IBA C10-93.1.1, as rxe_req.c quotes it: a UD message longer than the port's MTU (its active
     * MTU, 4096 here) emits no packet and is no error; the WR completes successfully and the QP
     * goes on sending.
     */
    @Test
    void shouldSendNothingForADatagramLongerThanTheMtuAndCompleteIt() {
        try (TransportPair p = ud()) {
            p.b.postRecv(1, TransportPair.TARGET, GRH + 8192);
            long sentBefore = p.a.transport().packetsSent();
            p.a.postSend(datagram(p, 4097, TransportPair.QKEY));
            p.settle();
            List<Wc> s = p.a.poll();
            assertEquals(1, s.size(), "" + s);
            assertEquals(WcStatus.SUCCESS, s.get(0).status);
            assertEquals(4097, s.get(0).wrId);
            assertEquals(sentBefore, p.a.transport().packetsSent(), "no packet emitted");
            assertTrue(p.b.poll().isEmpty(), "nothing received");
            assertEquals(HwQpState.RTS, p.a.hwState());
            // The next datagram, of the MTU exactly, goes out as usual.
            p.a.postSend(datagram(p, 4096, TransportPair.QKEY));
            p.settle();
            assertEquals(WcStatus.SUCCESS, p.a.poll().get(0).status);
            List<Wc> r = p.b.poll();
            assertEquals(1, r.size(), "" + r);
            assertEquals(GRH + 4096, r.get(0).byteLen);
        }
    }
}
