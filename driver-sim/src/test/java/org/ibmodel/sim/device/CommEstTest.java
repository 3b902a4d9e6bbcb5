// IBA 11.6.3.1: Communication Established, the first packet a connected QP receives in RTR
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.IbEventType;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The passive side of a connection sits in RTR until the CM's RTU arrives. If the active side's
 * first message comes first, the HCA reports IB_EVENT_COMM_EST once, and the CM moves the QP to
 * RTS on it (ib_cm_notify). A QP already in RTS, or a UD QP, reports nothing.
 */
@ExtendWith(ReplayOnFailure.class)
class CommEstTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 7);

    private static String at(String what) {
        return ReplayOnFailure.at("CommEstTest", SEED, what);
    }

    private static void sendTwo(TransportPair p, int tag) {
        p.a.fill(0, TransportPair.pattern(tag, 64));
        for (int i = 0; i < 2; i++) {
            p.b.postRecv(tag * 10 + i, TransportPair.TARGET + i * 64L, 64);
            p.a.postSend(new SendWr().wrId(tag * 10 + i).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 64)));
        }
        p.settle();
    }

    private static void assertAllSucceeded(List<Wc> wcs, int n, String what) {
        assertEquals(n, wcs.size(), at(what + ": " + wcs));
        for (Wc wc : wcs) {
            assertEquals(WcStatus.SUCCESS, wc.status, at(what + ": " + wc));
        }
    }

    /** RTR to RTS for host b's QP, with the connection's send PSN and, for RC, its retry attributes. */
    private static void bToRts(TransportPair p, QpType type, TransportPair.Conn conn) {
        QpAttr rts = new QpAttr().state(QpState.RTS);
        rts.sqPsn = conn.psnB();
        int mask = type == QpType.RC
                ? QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN, QpAttrMask.TIMEOUT, QpAttrMask.RETRY_CNT,
                        QpAttrMask.RNR_RETRY, QpAttrMask.MAX_QP_RD_ATOMIC)
                : QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.SQ_PSN);
        rts.timeout = conn.timeout();
        rts.retryCnt = conn.retryCnt();
        rts.rnrRetry = conn.rnrRetry();
        rts.maxRdAtomic = TransportPair.MAX_RD_ATOMIC;
        assertEquals(0, p.b.qp.modify(rts, mask), at(type + ": RTR to RTS"));
    }

    @Test
    void shouldReportCommEstOnceForTheFirstPacketAConnectedQpReceivesInRtr() {
        for (QpType type : List.of(QpType.RC, QpType.UC)) {
            TransportPair.Conn conn = TransportPair.Conn.standard(Mtu.MTU_1024);
            try (TransportPair p = new TransportPair(SEED, type, conn)) {
                p.reconnectBToRtr(conn);
                sendTwo(p, 1);
                assertEquals(List.of(IbEventType.COMM_EST), p.b.events, at(type + ": events in RTR"));
                assertEquals(HwQpState.RTR, p.b.hwState(), at(type + ": the event changes no state"));
                assertAllSucceeded(p.b.poll(), 2, type + " receives in RTR");
                assertAllSucceeded(p.a.poll(), 2, type + " sends to a QP in RTR");

                // What the CM does on the event: RTR to RTS. No further event.
                bToRts(p, type, conn);
                sendTwo(p, 2);
                assertEquals(List.of(IbEventType.COMM_EST), p.b.events, at(type + ": events after RTS"));
                assertAllSucceeded(p.b.poll(), 2, type + " receives in RTS");
            }
        }
    }

    /**
     * A QP that received in RTR has its transport state from then; RTR2RTS's sq_psn, retry_cnt
     * and rnr_retry must still reach it, as rxe_qp_from_attr and rvt_modify_qp apply them at the
     * modify: it sends from that PSN, and the peer takes its messages.
     */
    @Test
    void shouldSendFromTheRtr2RtsPsnAfterReceivingInRtr() {
        for (QpType type : List.of(QpType.RC, QpType.UC)) {
            TransportPair.Conn conn = TransportPair.Conn.standard(Mtu.MTU_1024);
            try (TransportPair p = new TransportPair(SEED, type, conn)) {
                p.reconnectBToRtr(conn);
                sendTwo(p, 1);
                assertAllSucceeded(p.b.poll(), 2, type + " receives in RTR");
                p.a.poll();
                // The PSN a expects from b; b's context held another (0) when its transport began.
                bToRts(p, type, conn);
                p.b.fill(0, TransportPair.pattern(3, 64));
                p.a.postRecv(30, TransportPair.TARGET, 64);
                p.b.postSend(new SendWr().wrId(31).opcode(WrOpcode.SEND).sgList(p.b.sge(0, 64)));
                p.settle();
                assertAllSucceeded(p.b.poll(), 1, type + " b sends from its RTR2RTS PSN");
                assertAllSucceeded(p.a.poll(), 1, type + " a receives it");
            }
        }
    }

    /**
     * A packet the responder refuses does not establish communication (qib_rc_rcv, hfi1_rc_rcv
     * raise the event after the PSN and opcode checks): a QP in RTR that expects another PSN
     * than the sender's (a stale connection on the QPN) reports nothing while it NAKs or re-ACKs.
     */
    @Test
    void shouldNotReportCommEstForARequestOutOfSequence() {
        TransportPair.Conn conn = TransportPair.Conn.standard(Mtu.MTU_1024);
        for (int offset : new int[] {-0x10, 0x10}) {
            try (TransportPair p = new TransportPair(SEED, QpType.RC, conn)) {
                p.reconnectBToRtr(conn.psns(conn.psnA() + offset, conn.psnB()));
                p.b.postRecv(1, TransportPair.TARGET, 64);
                p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 64)));
                p.settle();
                assertEquals(List.of(), p.b.events, at("b expects PSN a's + " + offset));
                assertEquals(List.of(), p.b.poll(), at("nothing received"));
            }
        }
    }

    @Test
    void shouldReportCommEstAgainEachTimeTheQpEntersRtr() {
        TransportPair.Conn conn = TransportPair.Conn.standard(Mtu.MTU_1024);
        try (TransportPair p = new TransportPair(SEED, QpType.RC, conn)) {
            p.reconnectBToRtr(conn);
            sendTwo(p, 1);
            assertAllSucceeded(p.b.poll(), 2, "receives of the first connection");
            p.a.poll();
            // A new connection on the same QPs: both reset, b passive in RTR again.
            p.reconnect(conn);
            p.reconnectBToRtr(conn);
            sendTwo(p, 2);
            assertAllSucceeded(p.b.poll(), 2, "receives of the second connection");
            assertEquals(List.of(IbEventType.COMM_EST, IbEventType.COMM_EST), p.b.events,
                    at("one event per entry into RTR"));
        }
    }

    @Test
    void shouldReportNothingForAQpInRtsOrAUdQp() {
        for (QpType type : List.of(QpType.RC, QpType.UD)) {
            try (TransportPair p = new TransportPair(SEED, type, TransportPair.Conn.standard(Mtu.MTU_1024))) {
                if (type == QpType.UD) {
                    // A UD QP in RTR receives too; it has no connection to establish.
                    assertEquals(0, p.b.qp.modify(new QpAttr().state(QpState.RESET), QpAttrMask.STATE.bit()));
                    QpAttr init = new QpAttr().state(QpState.INIT);
                    init.portNum = 1;
                    init.pkeyIndex = 0;
                    init.qkey = TransportPair.QKEY;
                    assertEquals(0, p.b.qp.modify(init, QpAttrMask.of(QpAttrMask.STATE, QpAttrMask.PKEY_INDEX,
                            QpAttrMask.PORT, QpAttrMask.QKEY)));
                    assertEquals(0, p.b.qp.modify(new QpAttr().state(QpState.RTR), QpAttrMask.STATE.bit()));
                    p.b.postRecv(1, TransportPair.TARGET, 64 + 40);
                    Ah ah = Ah.create(p.a.pd, AhAttr.lid(1, p.world.lid(1))).get();
                    p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 64)).ah(ah)
                            .remoteQpn(p.b.qp.qpNum()).remoteQkey(TransportPair.QKEY));
                    p.settle();
                    assertEquals(1, p.b.poll().size(), at("the UD receive in RTR"));
                } else {
                    sendTwo(p, 3);
                    assertEquals(2, p.b.poll().size(), at("the RC receives in RTS"));
                }
                assertEquals(List.of(), p.b.events, at(type + ": no event"));
            }
        }
    }
}
