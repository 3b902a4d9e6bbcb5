// RC between two hosts through ib_core verbs, the driver, the device and the fabric
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.SrqAttr;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.PortState;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcFlags;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.ibmodel.sim.fabric.Link;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ReplayOnFailure.class)
class RcTransportTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 7);

    private static TransportPair rc(Mtu mtu) {
        return new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(mtu));
    }

    private static int[] sizes(int mtu) {
        return new int[] {0, 1, mtu - 1, mtu, mtu + 1, 3 * mtu + 5};
    }

    private static String at(String what) {
        return ReplayOnFailure.at("RcTransportTest", SEED, what);
    }

    private static Wc one(List<Wc> wcs, String what) {
        assertEquals(1, wcs.size(), at(what + ": " + wcs));
        return wcs.get(0);
    }

    @Test
    void shouldSendEverySizeAtEveryMtuByteExact() {
        for (Mtu mtu : Mtu.values()) {
            try (TransportPair p = rc(mtu)) {
                int tag = 0;
                for (int len : sizes(mtu.bytes())) {
                    byte[] data = TransportPair.pattern(++tag, len);
                    p.a.fill(0, data);
                    p.b.postRecv(tag, TransportPair.TARGET, len + 16);
                    p.a.postSend(new SendWr().wrId(tag).opcode(WrOpcode.SEND).sgList(p.a.sge(0, len))
                            .sendFlags(SendFlags.SIGNALED));
                    p.settle();
                    String what = "SEND " + len + " B at MTU " + mtu.bytes();
                    Wc s = one(p.a.poll(), what + " send CQ");
                    assertEquals(WcStatus.SUCCESS, s.status, at(what));
                    assertEquals(WcOpcode.SEND, s.opcode, at(what));
                    assertEquals(tag, s.wrId, at(what));
                    Wc r = one(p.b.poll(), what + " recv CQ");
                    assertEquals(WcStatus.SUCCESS, r.status, at(what));
                    assertEquals(WcOpcode.RECV, r.opcode, at(what));
                    assertEquals(len, r.byteLen, at(what));
                    assertEquals(p.a.qp.qpNum(), r.srcQp, at(what));
                    assertEquals(p.world.lid(0), r.slid, at(what));
                    assertArrayEquals(data, p.b.read(TransportPair.TARGET, len), at(what));
                }
            }
        }
    }

    @Test
    void shouldWriteAndReadEverySizeAtEveryMtuByteExact() {
        for (Mtu mtu : Mtu.values()) {
            try (TransportPair p = rc(mtu)) {
                int tag = 100;
                for (int len : sizes(mtu.bytes())) {
                    byte[] data = TransportPair.pattern(++tag, len);
                    p.a.fill(0, data);
                    long remote = p.b.buf + TransportPair.TARGET;
                    p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, len))
                            .remoteAddr(remote).rkey(p.b.mr.rkey()));
                    p.a.postSend(new SendWr().wrId(2).opcode(WrOpcode.RDMA_READ)
                            .sgList(p.a.sge(TransportPair.TARGET, len)).remoteAddr(remote).rkey(p.b.mr.rkey()));
                    p.settle();
                    String what = "WRITE+READ " + len + " B at MTU " + mtu.bytes();
                    List<Wc> wcs = p.a.poll();
                    assertEquals(2, wcs.size(), at(what + ": " + wcs));
                    assertEquals(WcOpcode.RDMA_WRITE, wcs.get(0).opcode, at(what));
                    assertEquals(WcOpcode.RDMA_READ, wcs.get(1).opcode, at(what));
                    assertEquals(len, wcs.get(1).byteLen, at(what));
                    for (Wc w : wcs) {
                        assertEquals(WcStatus.SUCCESS, w.status, at(what));
                    }
                    assertArrayEquals(data, p.b.read(TransportPair.TARGET, len), at(what + " remote"));
                    assertArrayEquals(data, p.a.read(TransportPair.TARGET, len), at(what + " read back"));
                    assertTrue(p.b.poll().isEmpty(), at(what + ": a WRITE without immediate consumes no receive"));
                }
            }
        }
    }

    @Test
    void shouldMoveOneMebibyteBySendWriteAndRead() {
        int len = 1 << 20;
        for (Mtu mtu : new Mtu[] {Mtu.MTU_256, Mtu.MTU_4096}) {
            try (TransportPair p = rc(mtu)) {
                byte[] data = TransportPair.pattern(5, len);
                p.a.fill(0, data);
                p.b.postRecv(9, TransportPair.TARGET, len);
                p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, len)));
                p.settle();
                assertEquals(len, one(p.b.poll(), "1 MiB SEND").byteLen, at("1 MiB SEND"));
                assertArrayEquals(data, p.b.read(TransportPair.TARGET, len), at("1 MiB SEND"));
                byte[] other = TransportPair.pattern(6, len);
                p.a.fill(0, other);
                p.a.postSend(new SendWr().wrId(2).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, len))
                        .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()),
                        new SendWr().wrId(3).opcode(WrOpcode.RDMA_READ).sgList(p.a.sge(TransportPair.TARGET, len))
                        .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()));
                p.settle();
                List<Wc> wcs = p.a.poll();
                assertEquals(3, wcs.size(), at("1 MiB: " + wcs));
                assertArrayEquals(other, p.b.read(TransportPair.TARGET, len), at("1 MiB WRITE"));
                assertArrayEquals(other, p.a.read(TransportPair.TARGET, len), at("1 MiB READ"));
            }
        }
    }

    @Test
    void shouldFetchAddAndCompareSwapOnRemoteMemory() {
        try (TransportPair p = rc(Mtu.MTU_1024)) {
            long target = p.b.buf + TransportPair.TARGET;
            p.b.memory().writeLong(target, 40);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.ATOMIC_FETCH_AND_ADD).sgList(p.a.sge(0, 8))
                    .remoteAddr(target).rkey(p.b.mr.rkey()).compareAdd(2));
            p.a.postSend(new SendWr().wrId(2).opcode(WrOpcode.ATOMIC_CMP_AND_SWP).sgList(p.a.sge(8, 8))
                    .remoteAddr(target).rkey(p.b.mr.rkey()).compareAdd(42).swap(0x1234_5678_9abc_def0L));
            p.a.postSend(new SendWr().wrId(3).opcode(WrOpcode.ATOMIC_CMP_AND_SWP).sgList(p.a.sge(16, 8))
                    .remoteAddr(target).rkey(p.b.mr.rkey()).compareAdd(42).swap(7));
            p.settle();
            List<Wc> wcs = p.a.poll();
            assertEquals(3, wcs.size(), at("atomics: " + wcs));
            assertEquals(WcOpcode.FETCH_ADD, wcs.get(0).opcode);
            assertEquals(WcOpcode.COMP_SWAP, wcs.get(1).opcode);
            for (Wc w : wcs) {
                assertEquals(WcStatus.SUCCESS, w.status, at("atomic " + w));
            }
            assertEquals(40, p.a.memory().readLong(p.a.buf), at("fetch-add returns the old value"));
            assertEquals(42, p.a.memory().readLong(p.a.buf + 8), at("compare-swap returns the old value"));
            assertEquals(0x1234_5678_9abc_def0L, p.a.memory().readLong(p.a.buf + 16),
                    at("a failed compare-swap returns the current value"));
            assertEquals(0x1234_5678_9abc_def0L, p.b.memory().readLong(target), at("remote value"));
        }
    }

    @Test
    void shouldAnswerReadsAndAtomicsAsInvalidRequestsWithoutResponderResources() {
        for (WrOpcode op : List.of(WrOpcode.RDMA_READ, WrOpcode.ATOMIC_FETCH_AND_ADD)) {
            TransportPair.Conn c = TransportPair.Conn.standard(Mtu.MTU_1024).maxDestRdAtomicB(0);
            try (TransportPair p = new TransportPair(SEED, QpType.RC, c)) {
                p.b.fill(TransportPair.TARGET, TransportPair.pattern(9, 64));
                p.a.fill(0, new byte[64]);
                // A WRITE needs no responder resources and goes through first.
                p.a.fill(4096, TransportPair.pattern(5, 64));
                p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(4096, 64))
                        .remoteAddr(p.b.buf + 8192).rkey(p.b.mr.rkey()),
                        new SendWr().wrId(2).opcode(op).sgList(p.a.sge(0, op == WrOpcode.RDMA_READ ? 64 : 8))
                        .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()).compareAdd(1));
                p.settle();
                List<Wc> wcs = p.a.poll();
                assertEquals(List.of(WcStatus.SUCCESS, WcStatus.REM_INV_REQ_ERR), statuses(wcs), at(op + ": " + wcs));
                assertEquals(2, wcs.get(1).wrId);
                assertArrayEquals(TransportPair.pattern(5, 64), p.b.read(8192, 64), at(op + ": the WRITE"));
                assertArrayEquals(new byte[64], p.a.read(0, 64), at(op + ": nothing came back"));
                assertArrayEquals(TransportPair.pattern(9, 64), p.b.read(TransportPair.TARGET, 64),
                        at(op + ": the target is untouched"));
                assertEquals(HwQpState.ERR, p.a.hwState(), at(op + ": requester QP"));
                assertEquals(HwQpState.ERR, p.b.hwState(), at(op + ": responder QP"));
                assertEquals(List.of(IbEventType.QP_REQ_ERR), p.b.events, at(op + ": responder's affiliated event"));
            }
        }
    }

    /**
     * IBA 9.2.3 and rxe_req.c init_req_packet: the BTH's solicited event bit goes on the last packet
     * of a SEND or an RDMA WRITE with immediate, the messages whose receive completes; an RDMA
     * WRITE without immediate completes none, so IB_SEND_SOLICITED on it sets no bit.
     */
    @Test
    void shouldSetTheSolicitedEventBitOnlyOnMessagesThatCompleteAReceive() {
        try (TransportPair p = rc(Mtu.MTU_1024)) {
            List<String> lastPackets = new ArrayList<>();
            Link[] aCable = new Link[1];
            p.world.fabric().addTap((t, link, dir, packet) -> {
                // a's first packet crosses a's cable first; the copy the switch forwards is not counted.
                if (aCable[0] == null) {
                    aCable[0] = link;
                }
                if (link != aCable[0]) {
                    return;
                }
                int opcode = packet[8] & 0xff;
                // RC SEND LAST/ONLY (with immediate), RDMA WRITE LAST/ONLY (with immediate).
                if (opcode == 0x02 || opcode == 0x03 || opcode == 0x04 || opcode == 0x05 || opcode == 0x08
                        || opcode == 0x09 || opcode == 0x0a || opcode == 0x0b) {
                    lastPackets.add(Integer.toHexString(opcode) + " SE=" + ((packet[9] >> 7) & 1));
                }
            });
            p.b.postRecv(1, TransportPair.TARGET, 4096);
            p.b.postRecv(2, TransportPair.TARGET + 4096, 4096);
            p.a.fill(0, TransportPair.pattern(4, 2000));
            int solicited = SendFlags.SOLICITED | SendFlags.SIGNALED;
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, 2000))
                    .remoteAddr(p.b.buf + TransportPair.TARGET + 8192).rkey(p.b.mr.rkey()).sendFlags(solicited));
            p.a.postSend(new SendWr().wrId(2).opcode(WrOpcode.RDMA_WRITE_WITH_IMM).sgList(p.a.sge(0, 2000))
                    .remoteAddr(p.b.buf + TransportPair.TARGET + 12288).rkey(p.b.mr.rkey()).immData(7)
                    .sendFlags(solicited));
            p.a.postSend(new SendWr().wrId(3).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 2000)).sendFlags(solicited));
            p.settle();
            assertEquals(List.of("8 SE=0", "9 SE=1", "2 SE=1"), lastPackets, at("SE bits"));
        }
    }

    /**
     * {@code n} WRITEs of {@code len} bytes from a's buffer into b's (the i-th at TARGET + i × 4 KiB),
     * then RTS2SQD asking for SQ_DRAINED.
     */
    private static void writesThenSqd(TransportPair p, int n, int len) {
        for (int i = 0; i < n; i++) {
            p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, len))
                    .remoteAddr(p.b.buf + TransportPair.TARGET + i * 4096L).rkey(p.b.mr.rkey()));
        }
        QpAttr sqd = new QpAttr().state(QpState.SQD);
        sqd.enSqdAsyncNotify = true;
        assertEquals(0, p.a.qp.modify(sqd, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.EN_SQD_ASYNC_NOTIFY)));
    }

    @Test
    void shouldFinishTheMessagesInProgressInSqdReportTheDrainAndResumeInRts() {
        try (TransportPair p = rc(Mtu.MTU_1024)) {
            // 40 three-packet WRITEs: the 64-PSN window lets the first 22 start (the last of them
            // with one packet out), the rest wait. WRITEs need no credits, so only the window counts.
            int n = 40;
            int len = 3000;
            int started = (Requester.WINDOW + 2) / 3;
            p.a.fill(0, TransportPair.pattern(8, len));
            writesThenSqd(p, n, len);
            QpAttr draining = new QpAttr();
            assertEquals(0, p.a.qp.query(draining));
            assertEquals(QpState.SQD, draining.qpState);
            assertTrue(draining.sqDraining, at("WRITEs in progress: still draining"));
            p.settle();
            List<Wc> drained = p.a.poll();
            assertEquals(List.of(IbEventType.SQ_DRAINED), p.a.events, at("one SQ_DRAINED event"));
            assertEquals(HwQpState.SQD, p.a.hwState());
            QpAttr done = new QpAttr();
            assertEquals(0, p.a.qp.query(done));
            assertEquals(QpState.SQD, done.qpState);
            assertFalse(done.sqDraining, at("drained"));
            assertEquals(started, drained.size(), at("the started WRITEs completed, no new one began"));
            assertArrayEquals(new byte[len], p.b.read(TransportPair.TARGET + started * 4096L, len),
                    at("the first WRITE that waits has not landed"));

            assertEquals(0, p.a.qp.modify(new QpAttr().state(QpState.RTS), QpAttrMask.STATE.bit()));
            p.settle();
            List<Wc> rest = p.a.poll();
            assertEquals(n - started, rest.size(), at("the waiting WRITEs went after SQD2RTS"));
            List<Wc> all = new ArrayList<>(drained);
            all.addAll(rest);
            for (int i = 0; i < n; i++) {
                assertEquals(i, all.get(i).wrId, at("completion order"));
                assertEquals(WcStatus.SUCCESS, all.get(i).status, at("WR " + i));
            }
            for (int i = 0; i < n; i++) {
                assertArrayEquals(TransportPair.pattern(8, len), p.b.read(TransportPair.TARGET + i * 4096L, len),
                        at("message " + i));
            }
            assertEquals(List.of(IbEventType.SQ_DRAINED), p.a.events, at("no second event"));
        }
    }

    @Test
    void shouldRefuseToLeaveSqdForRtsOrSqdWhileItDrains() {
        // rxe_qp.c rxe_qp_chk_attr: until the send queue has drained, SQD is left only for ERR
        // (and, on this device, RESET): a changed path or timeout must not meet a message in flight.
        try (TransportPair p = rc(Mtu.MTU_1024)) {
            // As above: 22 of the 40 WRITEs start, so the drain outlasts the commands below.
            int n = 40;
            int started = (Requester.WINDOW + 2) / 3;
            p.a.fill(0, TransportPair.pattern(9, 3000));
            writesThenSqd(p, n, 3000);
            assertEquals(Errno.EINVAL.negative(), p.a.qp.modify(new QpAttr().state(QpState.RTS),
                    QpAttrMask.STATE.bit()), at("SQD2RTS while the WRITEs are on the wire"));
            QpAttr timeout = new QpAttr().state(QpState.SQD);
            timeout.timeout = 20;
            assertEquals(Errno.EINVAL.negative(), p.a.qp.modify(timeout,
                    QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.TIMEOUT)), at("SQD2SQD while draining"));
            QpAttr still = new QpAttr();
            assertEquals(0, p.a.qp.query(still));
            assertEquals(QpState.SQD, still.qpState, at("the refused moves changed nothing"));
            assertTrue(still.sqDraining, at("still draining"));
            assertEquals(10, still.timeout, at("the refused SQD2SQD left the timeout"));

            p.settle();
            List<Wc> wcs = p.a.poll();
            assertEquals(started, wcs.size(), at("every WRITE in progress completed: " + wcs));
            assertTrue(wcs.stream().allMatch(w -> w.status == WcStatus.SUCCESS), at("" + wcs));
            assertEquals(List.of(IbEventType.SQ_DRAINED), p.a.events, at("the drain reported once"));
            assertEquals(0, p.a.qp.modify(timeout, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.TIMEOUT)),
                    at("SQD2SQD once drained"));
            assertEquals(0, p.a.qp.modify(new QpAttr().state(QpState.RTS), QpAttrMask.STATE.bit()),
                    at("SQD2RTS once drained"));
            p.settle();
            assertEquals(n - started, p.a.poll().size(), at("the waiting WRITEs went after SQD2RTS"));
            assertEquals(20, p.a.qp.query(still) == 0 ? still.timeout : -1, at("the timeout of the SQD2SQD"));
        }
    }

    @Test
    void shouldReportNoDrainForAnSqdLeftForErrBeforeItDrained() {
        try (TransportPair p = rc(Mtu.MTU_1024)) {
            int n = 4;
            p.a.fill(0, TransportPair.pattern(9, 3000));
            writesThenSqd(p, n, 3000);
            // To ERR while the WRITEs are still on the wire: the drain asked for never ends.
            assertEquals(0, p.a.qp.modify(new QpAttr().state(QpState.ERR), QpAttrMask.STATE.bit()));
            p.settle();
            List<Wc> wcs = p.a.poll();
            assertEquals(n, wcs.size(), at("every WRITE completed: " + wcs));
            assertTrue(wcs.stream().allMatch(w -> w.status == WcStatus.WR_FLUSH_ERR), at("" + wcs));
            assertTrue(p.a.events.isEmpty(), at("no SQ_DRAINED once the QP left SQD: " + p.a.events));
        }
    }

    /**
     * SQD2SQD's retry_cnt takes effect at once (rxe_qp_from_attr sets comp.retry_cnt at the
     * modify; rvt_modify_qp s_retry), not at the QP's next progress: with 0 retries, a WRITE into
     * a dead fabric is sent once and fails with RETRY_EXC_ERR.
     */
    @Test
    void shouldSpendTheRetryCountOfSqd2SqdFromTheNextWqe() {
        try (TransportPair p = rc(Mtu.MTU_1024)) {
            p.a.fill(0, TransportPair.pattern(5, 512));
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, 512))
                    .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()));
            p.settle();
            assertEquals(WcStatus.SUCCESS, p.a.poll().get(0).status);
            assertEquals(0, p.a.qp.modify(new QpAttr().state(QpState.SQD), QpAttrMask.STATE.bit()));
            p.settle();
            QpAttr none = new QpAttr().state(QpState.SQD);
            none.retryCnt = 0;
            assertEquals(0, p.a.qp.modify(none, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.RETRY_CNT)));
            assertEquals(0, p.a.qp.modify(new QpAttr().state(QpState.RTS), QpAttrMask.STATE.bit()));
            long before = p.a.transport().packetsSent();
            p.world.fabric().faults().dropProbability(1.0);
            p.a.postSend(new SendWr().wrId(2).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, 512))
                    .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()));
            p.settle();
            List<Wc> wcs = p.a.poll();
            assertEquals(WcStatus.RETRY_EXC_ERR, wcs.get(0).status, at("" + wcs));
            assertEquals(1, p.a.transport().packetsSent() - before, at("sent once, retried never"));
        }
    }

    /**
     * A go-back leaves the cursor before a READ already sent; an ACK for a later WRITE then passes
     * the READ without its response. That says the response was lost (hfi1 rc.c do_rc_ack,
     * rxe_comp.c check_psn): the READ is asked again, and the window must not move past it, or
     * every answer to it is dropped as stale and it fails on a clean fabric. The static rate
     * holds the READ's second request back until the WRITE's duplicate ACK has come.
     */
    @Test
    void shouldAskForAReadAgainWhenAnAckPassesItAfterAGoBack() {
        for (int rate : new int[] {0, 2}) {
            TransportPair.Conn conn = TransportPair.Conn.standard(Mtu.MTU_1024).staticRate(rate);
            try (TransportPair p = new TransportPair(SEED, QpType.RC, conn)) {
                p.b.postRecv(1, TransportPair.TARGET, 4096);
                byte[] remote = TransportPair.pattern(rate + 1, 1024);
                p.b.fill(3 * 65536, remote);
                // The first three responses of b (ACKs and READ responses: opcodes 13 to 18) are lost.
                int[] lost = {0};
                p.world.fabric().faults().loseEach(b -> {
                    int op = b[8] & 0xff;
                    return op >= 13 && op <= 18 && ++lost[0] <= 3;
                });
                p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 1024)),
                        new SendWr().wrId(2).opcode(WrOpcode.RDMA_READ).sgList(p.a.sge(65536, 1024))
                                .remoteAddr(p.b.buf + 3 * 65536).rkey(p.b.mr.rkey()),
                        new SendWr().wrId(3).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, 1024))
                                .remoteAddr(p.b.buf + 5 * 65536).rkey(p.b.mr.rkey()));
                p.settle();
                List<Wc> wcs = p.a.poll();
                String what = "static rate " + rate + ": " + wcs;
                assertEquals(List.of(1L, 2L, 3L), wcs.stream().map(w -> w.wrId).toList(), at(what));
                assertTrue(wcs.stream().allMatch(w -> w.status == WcStatus.SUCCESS), at(what));
                assertArrayEquals(remote, p.a.read(65536, 1024), at("the READ's data, " + what));
            }
        }
    }

    @Test
    void shouldRetransmitInSqdAndReportNoDrainUnlessAsked() {
        try (TransportPair p = rc(Mtu.MTU_1024)) {
            p.b.postRecv(1, TransportPair.TARGET, 4096);
            p.b.postRecv(2, TransportPair.TARGET + 4096, 4096);
            p.a.fill(0, TransportPair.pattern(3, 2000));
            // The first SEND's packets are lost: only a retransmission in SQD can complete it.
            p.world.fabric().faults().dropProbability(1.0);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 2000)));
            assertEquals(0, p.a.qp.modify(new QpAttr().state(QpState.SQD), QpAttrMask.STATE.bit()));
            p.a.postSend(new SendWr().wrId(2).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 2000)));
            p.world.fabric().faults().dropProbability(0.0);
            p.settle();
            List<Wc> wcs = p.a.poll();
            assertEquals(List.of(1L), wcs.stream().map(w -> w.wrId).toList(), at("only the started SEND: " + wcs));
            assertEquals(WcStatus.SUCCESS, wcs.get(0).status);
            assertTrue(p.a.transport().packetsSent() > 2, at("retransmitted in SQD"));
            assertTrue(p.a.events.isEmpty(), at("no SQ_DRAINED without en_sqd_async_notify: " + p.a.events));
            assertEquals(0, p.a.qp.modify(new QpAttr().state(QpState.RTS), QpAttrMask.STATE.bit()));
            p.settle();
            assertEquals(List.of(2L), p.a.poll().stream().map(w -> w.wrId).toList(), at("the second after SQD2RTS"));
            assertArrayEquals(TransportPair.pattern(3, 2000), p.b.read(TransportPair.TARGET + 4096, 2000));
        }
    }

    @Test
    void shouldCarryAConnectionOnPortTwoWhilePortOnesCableIsDown() {
        TransportPair.Conn c = TransportPair.Conn.standard(Mtu.MTU_1024).onPort(2);
        try (TransportPair p = new TransportPair(SEED, QpType.RC, c, null, false, 0, 2)) {
            assertEquals(2, p.a.dev.numPorts());
            for (int port = 1; port <= 2; port++) {
                assertEquals(PortState.ACTIVE, p.a.dev.port(port).state(), at("port " + port));
                assertEquals(p.world.lid(0, port), p.a.dev.port(port).lid(), at("port " + port + " LID"));
            }
            p.world.link(0, 1).changeState(Link.State.DOWN);
            p.a.fill(0, TransportPair.pattern(4, 5000));
            for (int i = 0; i < 3; i++) {
                p.b.postRecv(i, TransportPair.TARGET + i * 8192L, 8192);
                p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 5000)));
            }
            p.settle();
            List<Wc> wcs = p.a.poll();
            assertEquals(List.of(WcStatus.SUCCESS, WcStatus.SUCCESS, WcStatus.SUCCESS), statuses(wcs), at("" + wcs));
            assertEquals(3, p.b.poll().size());
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(TransportPair.pattern(4, 5000), p.b.read(TransportPair.TARGET + i * 8192L, 5000));
            }
            assertEquals(0, p.world.link(0, 1).counters().packetsSent(), at("nothing on port 1's cable"));
            assertEquals(0, p.world.link(1, 1).counters().packetsSent(), at("nor on the peer's port 1"));
            assertTrue(p.world.link(0, 2).counters().packetsSent() >= 15, at("SENDs and ACKs on port 2"));
        }
    }

    /** b posts four receives (on its SRQ with {@code srq}); a posts eight one-packet SENDs; rnr_retry 0. */
    private static TransportPair creditRun(boolean srq) {
        TransportPair.Conn c = TransportPair.Conn.standard(Mtu.MTU_1024).retries(7, 0);
        TransportPair p = new TransportPair(SEED, QpType.RC, c, null, srq);
        for (int i = 0; i < 4; i++) {
            p.b.postRecv(i, TransportPair.TARGET + i * 4096L, 4096);
        }
        for (int i = 0; i < 8; i++) {
            p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 64)));
        }
        p.settle();
        return p;
    }

    @Test
    void shouldSendOneSendBeyondTheAdvertisedCreditsAndNoMore() {
        try (TransportPair p = creditRun(false)) {
            // SEND 1 goes on no credit; its ACK grants 3 (three receives left), so SENDs 2-5 go,
            // the fifth one past the credits, and its RNR NAK ends the connection (rnr_retry 0).
            assertEquals(5, p.a.transport().packetsSent(), at("request packets on the wire"));
            assertEquals(List.of(WcStatus.SUCCESS, WcStatus.SUCCESS, WcStatus.SUCCESS, WcStatus.SUCCESS,
                    WcStatus.RNR_RETRY_EXC_ERR, WcStatus.WR_FLUSH_ERR, WcStatus.WR_FLUSH_ERR, WcStatus.WR_FLUSH_ERR),
                    statuses(p.a.poll()));
            assertEquals(4, p.b.poll().size());
        }
    }

    @Test
    void shouldStopCountingCreditsOnceAnAckSaysTheyAreInvalid() {
        try (TransportPair p = creditRun(true)) {
            // An SRQ's responder sends the invalid credit code: after the first ACK the other seven go.
            assertEquals(8, p.a.transport().packetsSent(), at("request packets on the wire"));
            assertEquals(WcStatus.RNR_RETRY_EXC_ERR, p.a.poll().get(4).status);
        }
    }

    @Test
    void shouldCarryImmediateDataOnSendAndWrite() {
        try (TransportPair p = rc(Mtu.MTU_512)) {
            p.a.fill(0, TransportPair.pattern(3, 600));
            p.b.postRecv(1, TransportPair.TARGET, 1024);
            p.b.postRecv(2, TransportPair.TARGET + 4096, 16);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND_WITH_IMM).sgList(p.a.sge(0, 600))
                    .immData(0xcafe_f00d).sendFlags(SendFlags.SOLICITED),
                    new SendWr().wrId(2).opcode(WrOpcode.RDMA_WRITE_WITH_IMM).sgList(p.a.sge(0, 600))
                    .remoteAddr(p.b.buf + 8192).rkey(p.b.mr.rkey()).immData(0x0bad_beef));
            p.settle();
            List<Wc> r = p.b.poll();
            assertEquals(2, r.size(), at("receives: " + r));
            assertEquals(WcOpcode.RECV, r.get(0).opcode);
            assertEquals(0xcafe_f00d, r.get(0).immData);
            assertTrue((r.get(0).wcFlags & WcFlags.WITH_IMM) != 0);
            assertEquals(WcOpcode.RECV_RDMA_WITH_IMM, r.get(1).opcode);
            assertEquals(0x0bad_beef, r.get(1).immData);
            assertEquals(600, r.get(1).byteLen, "a WRITE with immediate reports the bytes written");
            assertArrayEquals(TransportPair.pattern(3, 600), p.b.read(8192, 600));
        }
    }

    @Test
    void shouldSendInlineMessagesLongerThanTheMtuFromTheWqe() {
        // Inline data is copied into the WQE at post time (docs/HCA.md §5.5): every packet of the
        // message, the second and later ones included, must come from there, not from memory.
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_256)
                .maxInline(896))) {
            int tag = 0;
            // 896 B fits the largest WQE, 63 * 16 bytes less the control, address and atomic segments
            // and the 4-byte header of each 64-byte chunk's inline segment (§5.5).
            for (int len : new int[] {256, 257, 700, 896}) {
                byte[] data = TransportPair.pattern(++tag, len);
                p.a.fill(0, data);
                p.b.postRecv(tag, TransportPair.TARGET, 2048);
                p.a.postSend(new SendWr().wrId(tag).opcode(WrOpcode.SEND).sgList(p.a.sge(0, len))
                        .sendFlags(SendFlags.SIGNALED | SendFlags.INLINE));
                p.a.fill(0, new byte[len]);
                p.settle();
                String what = "inline SEND of " + len + " B at MTU 256";
                assertEquals(WcStatus.SUCCESS, one(p.a.poll(), what).status, at(what));
                Wc r = one(p.b.poll(), what);
                assertEquals(len, r.byteLen, at(what));
                assertArrayEquals(data, p.b.read(TransportPair.TARGET, len), at(what));
            }
            // Two gather entries, gathered at post time into the WQE's inline segments (§5.5).
            byte[] first = TransportPair.pattern(7, 300);
            byte[] second = TransportPair.pattern(8, 400);
            p.a.fill(0, first);
            p.a.fill(4096, second);
            p.b.postRecv(9, TransportPair.TARGET, 2048);
            p.a.postSend(new SendWr().wrId(9).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 300), p.a.sge(4096, 400))
                    .sendFlags(SendFlags.SIGNALED | SendFlags.INLINE));
            p.a.fill(0, new byte[300]);
            p.settle();
            assertEquals(WcStatus.SUCCESS, one(p.a.poll(), "two-segment inline SEND").status);
            assertEquals(700, one(p.b.poll(), "two-segment inline SEND").byteLen);
            assertArrayEquals(first, p.b.read(TransportPair.TARGET, 300));
            assertArrayEquals(second, p.b.read(TransportPair.TARGET + 300, 400));
        }
    }

    @Test
    void shouldWrapPsnsPast0xFFFFFF() {
        TransportPair.Conn c = TransportPair.Conn.standard(Mtu.MTU_256).psns(0xFF_FFF8, 0xFF_FFFE);
        try (TransportPair p = new TransportPair(SEED, QpType.RC, c)) {
            for (int i = 0; i < 4; i++) {
                byte[] data = TransportPair.pattern(i, 5 * 256 + i);
                p.a.fill(0, data);
                p.b.postRecv(i, TransportPair.TARGET, data.length);
                p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.SEND).sgList(p.a.sge(0, data.length)));
                p.b.fill(0, data);
                p.b.postSend(new SendWr().wrId(i).opcode(WrOpcode.RDMA_WRITE).sgList(p.b.sge(0, data.length))
                        .remoteAddr(p.a.buf + TransportPair.TARGET).rkey(p.a.mr.rkey()));
                p.settle();
                assertEquals(WcStatus.SUCCESS, one(p.a.poll(), "send across the wrap").status);
                assertEquals(WcStatus.SUCCESS, one(p.b.poll().subList(0, 1), "recv across the wrap").status);
                assertArrayEquals(data, p.b.read(TransportPair.TARGET, data.length), at("message " + i));
                assertArrayEquals(data, p.a.read(TransportPair.TARGET, data.length), at("write " + i));
            }
            assertEquals(0, p.a.transport().dropped(Transport.Drop.OUT_OF_SEQUENCE), at("no PSN error at the wrap"));
        }
    }

    @Test
    void shouldRnrNakWithoutReceiveThenDeliverOncePosted() {
        try (TransportPair p = rc(Mtu.MTU_1024)) {
            byte[] data = TransportPair.pattern(8, 3000);
            p.a.fill(0, data);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, data.length)));
            p.world.runUntil(p.world.scheduler().now() + 2_000_000);
            List<Wc> early = p.a.poll();
            assertTrue(early.isEmpty(), at("no completion while the responder has no receive: " + early));
            assertEquals(HwQpState.RTS, p.a.hwState());
            p.b.postRecv(5, TransportPair.TARGET, 4096);
            p.settle();
            assertEquals(WcStatus.SUCCESS, one(p.a.poll(), "send after RNR").status);
            Wc r = one(p.b.poll(), "recv after RNR");
            assertEquals(3000, r.byteLen);
            assertArrayEquals(data, p.b.read(TransportPair.TARGET, 3000));
        }
    }

    @Test
    void shouldEndInRnrRetryExceededWhenReceivesNeverCome() {
        TransportPair.Conn c = TransportPair.Conn.standard(Mtu.MTU_1024).retries(7, 2);
        try (TransportPair p = new TransportPair(SEED, QpType.RC, c)) {
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 10)),
                    new SendWr().wrId(2).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 10)));
            p.settle();
            List<Wc> wcs = p.a.poll();
            assertEquals(List.of(WcStatus.RNR_RETRY_EXC_ERR, WcStatus.WR_FLUSH_ERR), statuses(wcs), at("" + wcs));
            assertEquals(HwQpState.ERR, p.a.hwState());
        }
    }

    @Test
    void shouldReportRemoteAccessErrorForABadRkey() {
        try (TransportPair p = rc(Mtu.MTU_1024)) {
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, 100))
                    .remoteAddr(p.b.buf).rkey(p.b.mr.rkey() ^ 0x5500),
                    new SendWr().wrId(2).opcode(WrOpcode.RDMA_READ).sgList(p.a.sge(0, 100))
                    .remoteAddr(p.b.buf).rkey(p.b.mr.rkey()));
            p.settle();
            List<Wc> wcs = p.a.poll();
            assertEquals(List.of(WcStatus.REM_ACCESS_ERR, WcStatus.WR_FLUSH_ERR), statuses(wcs), at("" + wcs));
            assertEquals(1, wcs.get(0).wrId);
            assertEquals(HwQpState.ERR, p.a.hwState(), at("requester QP"));
            assertEquals(HwQpState.ERR, p.b.hwState(), at("responder QP"));
            assertEquals(List.of(IbEventType.QP_ACCESS_ERR), p.b.events, at("responder's affiliated event"));
        }
    }

    /**
     * HCA.md §7: a refused access reaches the responder's consumer once. An RDMA WRITE with
     * immediate holds a receive, which completes with LOC_ACCESS_ERR, and no QP_ACCESS_ERR
     * follows; the plain WRITE above, with no receive to fail, raises the event instead.
     */
    @Test
    void shouldReportARefusedWriteWithImmediateByItsReceiveAlone() {
        try (TransportPair p = rc(Mtu.MTU_1024)) {
            p.b.postRecv(7, TransportPair.TARGET, 100);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE_WITH_IMM).sgList(p.a.sge(0, 100))
                    .remoteAddr(p.b.buf).rkey(p.b.mr.rkey() ^ 0x5500).immData(9));
            p.settle();
            assertEquals(List.of(WcStatus.REM_ACCESS_ERR), statuses(p.a.poll()), at("requester"));
            List<Wc> received = p.b.poll();
            assertEquals(List.of(WcStatus.LOC_ACCESS_ERR), statuses(received), at("responder's receive"));
            assertEquals(7, received.get(0).wrId);
            assertEquals(HwQpState.ERR, p.b.hwState(), at("responder QP"));
            assertEquals(List.of(), p.b.events, at("no affiliated event besides the receive's error"));
        }
    }

    @Test
    void shouldReceiveFromAnSrqAndRaiseItsLimitEvent() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_512), null, true)) {
            for (int i = 0; i < 4; i++) {
                p.b.postRecv(i, TransportPair.TARGET + i * 4096L, 4096);
            }
            assertEquals(0, p.b.srq.modify(new SrqAttr(0, 0, 3), SrqAttr.LIMIT));
            for (int i = 0; i < 2; i++) {
                byte[] data = TransportPair.pattern(i, 1500);
                p.a.fill(i * 4096L, data);
                p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.SEND).sgList(p.a.sge(i * 4096L, 1500)));
            }
            p.settle();
            List<Wc> r = p.b.poll();
            assertEquals(2, r.size(), at("" + r));
            for (int i = 0; i < 2; i++) {
                assertEquals(i, r.get(i).wrId);
                assertArrayEquals(TransportPair.pattern(i, 1500), p.b.read(TransportPair.TARGET + i * 4096L, 1500));
            }
            assertEquals(List.of(IbEventType.SRQ_LIMIT_REACHED), p.b.events, at("limit 3 crossed once"));
        }
    }

    /**
     * Packets travel in arrays the fabric reuses: one given back twice, or used after it was
     * given back, would turn into a lost or repeated packet. On a clean fabric there is none.
     */
    @Test
    void shouldPassPooledPacketsOnWithoutOneLostOrRepeatedOnACleanFabric() {
        try (TransportPair p = rc(Mtu.MTU_1024)) {
            List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                int len = 1 + (i * 397) % 3000;
                byte[] data = TransportPair.pattern(100 + i, len);
                sent.add(data);
                p.b.postRecv(i, TransportPair.TARGET + i * 4096L, 4096);
                p.a.fill(i * 4096L, data);
                p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.SEND).sgList(p.a.sge(i * 4096L, len)));
                if (i % 6 == 5) {
                    byte[] w = TransportPair.pattern(200 + i, 20_000);
                    p.a.fill(1 << 20, w);
                    p.a.postSend(new SendWr().wrId(1000 + i).opcode(WrOpcode.RDMA_WRITE)
                            .sgList(p.a.sge(1 << 20, w.length)).remoteAddr(p.b.buf + (1 << 20)).rkey(p.b.mr.rkey()));
                    p.settle();
                    assertArrayEquals(w, p.b.read(1 << 20, w.length), at("WRITE " + i));
                }
            }
            p.settle();
            List<Wc> sends = p.a.poll();
            List<Wc> recvs = p.b.poll();
            assertEquals(28, sends.size(), at("send completions " + sends));
            assertEquals(24, recvs.size(), at("receive completions " + recvs));
            for (int i = 0; i < 24; i++) {
                assertEquals(WcStatus.SUCCESS, recvs.get(i).status, at("receive " + i));
                assertArrayEquals(sent.get(i), p.b.read(TransportPair.TARGET + i * 4096L, sent.get(i).length),
                        at("message " + i));
            }
            for (TransportPair.Side s : List.of(p.a, p.b)) {
                for (Transport.Drop d : Transport.Drop.values()) {
                    assertEquals(0, s.transport().dropped(d), at(d + " drops on a clean fabric: " + s.transport().drops()));
                }
            }
            assertTrue(p.world.fabric().pool().reused() > 0, at("the fabric reused its packet arrays"));
        }
    }

    @Test
    void shouldCountCorruptedPacketsAndStillDeliver() {
        try (TransportPair p = rc(Mtu.MTU_256)) {
            // 10 %: at 20 % a gap's one NAK and the resends after it are lost often enough that
            // some seeds spend the whole retry budget without the requester hearing progress.
            p.world.fabric().faults().corruptProbability(p.world.link(1), 0.1);
            byte[] data = TransportPair.pattern(2, 20_000);
            p.a.fill(0, data);
            p.b.postRecv(1, TransportPair.TARGET, data.length);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, data.length)));
            p.settle();
            assertEquals(WcStatus.SUCCESS, one(p.a.poll(), "send over a corrupting link").status);
            assertArrayEquals(data, p.b.read(TransportPair.TARGET, data.length));
            long malformed = p.a.transport().dropped(Transport.Drop.MALFORMED)
                    + p.b.transport().dropped(Transport.Drop.MALFORMED);
            long atSwitch = p.world.fabric().switches().get(0).droppedBadVcrc();
            // Most corrupted packets are requests, dropped by b; an ACK corrupted on its way out
            // is dropped by the switch.
            assertTrue(malformed + atSwitch > 0, at("corrupted packets counted: hca " + malformed + " switch "
                    + atSwitch + " " + p.b.transport().malformed()));
        }
    }

    /**
     * A message longer than the window whose first window is lost whole: no ACK and no NAK comes
     * back, so only the requester's timer, started by the packets sent (rxe_req.c update_state),
     * can bring the retransmission.
     */
    @Test
    void shouldRetransmitAWindowLostWholeMidMessage() {
        try (TransportPair p = rc(Mtu.MTU_256)) {
            byte[] data = TransportPair.pattern(3, 100 * 256);
            p.a.fill(0, data);
            p.b.postRecv(1, TransportPair.TARGET, data.length);
            // b's cable is down for 1 ms, under one timeout (4.096 us x 2^10).
            p.world.fabric().faults().flap(p.world.link(1), p.world.scheduler().now(), 1_000_000);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, data.length)));
            p.settle();
            assertEquals(WcStatus.SUCCESS, one(p.a.poll(), "the send").status);
            assertArrayEquals(data, p.b.read(TransportPair.TARGET, data.length), at("the message"));
            assertTrue(p.world.link(1).counters().droppedLinkDown() >= Requester.WINDOW,
                    at("the first window was lost: " + p.world.link(1).counters()));
        }
    }

    @Test
    void shouldReportRemoteAccessErrorOutsideTheRegion() {
        try (TransportPair p = rc(Mtu.MTU_1024)) {
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_READ).sgList(p.a.sge(0, 100))
                    .remoteAddr(p.b.buf + TransportPair.BUF - 50).rkey(p.b.mr.rkey()));
            p.settle();
            assertEquals(WcStatus.REM_ACCESS_ERR, one(p.a.poll(), "READ past the end").status);
        }
    }

    /**
     * An RDMA READ's or an atomic's local buffer is written only when the response comes
     * (rxe_comp.c do_read and do_atomic): an lkey it cannot be written through fails the WQE then,
     * with LOC_PROT_ERR; the QP enters ERR, the WQE behind it is flushed and the buffer is as it was.
     */
    @Test
    void shouldReportLocalProtectionErrorForAResponseItCannotPlace() {
        for (WrOpcode op : List.of(WrOpcode.RDMA_READ, WrOpcode.ATOMIC_FETCH_AND_ADD)) {
            try (TransportPair p = rc(Mtu.MTU_1024)) {
                int len = op == WrOpcode.RDMA_READ ? 64 : 8;
                p.b.fill(TransportPair.TARGET, TransportPair.pattern(9, 64));
                byte[] before = p.a.read(0, len);
                p.a.postSend(new SendWr().wrId(1).opcode(op)
                        .sgList(new org.ibmodel.core.Sge(p.a.buf, len, p.a.mr.lkey() ^ 0x100))
                        .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()).compareAdd(1),
                        new SendWr().wrId(2).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(4096, 16))
                        .remoteAddr(p.b.buf + 8192).rkey(p.b.mr.rkey()));
                p.settle();
                List<Wc> wcs = p.a.poll();
                assertEquals(List.of(WcStatus.LOC_PROT_ERR, WcStatus.WR_FLUSH_ERR), statuses(wcs), at(op + ": " + wcs));
                assertEquals(1, wcs.get(0).wrId, at(op + ": " + wcs));
                assertArrayEquals(before, p.a.read(0, len), at(op + ": the local buffer"));
                assertEquals(HwQpState.ERR, p.a.hwState(), at(op + ": requester QP"));
            }
        }
    }

    @Test
    void shouldReportLocalProtectionErrorForABadLkey() {
        try (TransportPair p = rc(Mtu.MTU_1024)) {
            p.b.postRecv(1, 0, 100);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 10)),
                    new SendWr().wrId(2).opcode(WrOpcode.SEND)
                    .sgList(new org.ibmodel.core.Sge(p.a.buf, 10, p.a.mr.lkey() ^ 0x100)),
                    new SendWr().wrId(3).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 10)));
            p.settle();
            List<Wc> wcs = p.a.poll();
            assertEquals(List.of(WcStatus.SUCCESS, WcStatus.LOC_PROT_ERR, WcStatus.WR_FLUSH_ERR), statuses(wcs),
                    at("" + wcs));
            assertEquals(HwQpState.ERR, p.a.hwState());
        }
    }

    @Test
    void shouldEndInRetryExceededWhenTheLinkStaysDownAndFlushTheRestInOrder() {
        TransportPair.Conn c = TransportPair.Conn.standard(Mtu.MTU_1024).retries(3, 7);
        try (TransportPair p = new TransportPair(SEED, QpType.RC, c)) {
            p.world.fabric().faults().linkDown(p.world.link(1), p.world.scheduler().now());
            p.world.runUntil(p.world.scheduler().now() + 1);
            for (int i = 0; i < 4; i++) {
                p.a.postSend(new SendWr().wrId(i).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, 2000))
                        .remoteAddr(p.b.buf).rkey(p.b.mr.rkey()));
            }
            p.settle();
            List<Wc> wcs = p.a.poll();
            assertEquals(List.of(WcStatus.RETRY_EXC_ERR, WcStatus.WR_FLUSH_ERR, WcStatus.WR_FLUSH_ERR,
                    WcStatus.WR_FLUSH_ERR), statuses(wcs), at("" + wcs));
            for (int i = 0; i < 4; i++) {
                assertEquals(i, wcs.get(i).wrId, at("in order"));
            }
            assertEquals(HwQpState.ERR, p.a.hwState());
        }
    }

    static List<WcStatus> statuses(List<Wc> wcs) {
        List<WcStatus> s = new ArrayList<>();
        for (Wc w : wcs) {
            s.add(w.status);
        }
        return s;
    }
}
