// Which request packets ask for an ACK (IBA 9.7.2 AckReq): drivers/infiniband/hw/qib/qib_rc.c
// qib_make_rc_req and drivers/infiniband/hw/hfi1/rc.c hfi1_make_rc_req, QIB_PSN_CREDIT and
// HFI1_PSN_CREDIT
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.wire.Opcode;
import org.ibmodel.sim.wire.Packet;
import org.junit.jupiter.api.Test;

/**
 * A long message asks for an ACK on each packet whose PSN is a multiple of 16 past the
 * message's first, and on its last: the place in the message decides, not a count of packets
 * since the last request, so a go-back that resumes in the middle asks on the same packets.
 */
class RequesterAckReqTest {
    private static final int PACKETS = 40;
    /** enum ib_rate (include/rdma/ib_verbs.h): 2.5 Gb/s. */
    private static final int IB_RATE_2_5_GBPS = 2;

    /** Per phase, each packet's PSN offset from the requester's first to whether it set AckReq. */
    private static void tap(HostilePeer h, List<Map<Integer, Boolean>> phases) {
        int victim = h.world.lid(HostilePeer.VICTIM);
        h.world.fabric().addTap((t, link, dir, packet) -> {
            byte[] b = packet.clone();
            var r = Packet.parse(b, 0, b.length);
            if (r.isValid() && r.packet().lrh().slid() == victim) {
                Packet p = r.packet();
                phases.get(phases.size() - 1).put(Psn.diff(p.bth().psn(), HostilePeer.SQ_PSN), p.bth().ackReq());
            }
        });
    }

    /** Taps the victim's packets, a phase per map, and posts a SEND of {@link #PACKETS} packets. */
    private static List<Map<Integer, Boolean>> postLongSend(HostilePeer h) {
        List<Map<Integer, Boolean>> phases = new ArrayList<>();
        phases.add(new LinkedHashMap<>());
        tap(h, phases);
        SendWr send = new SendWr().wrId(1).opcode(WrOpcode.SEND).sendFlags(SendFlags.SIGNALED)
                .sgList(new Sge(h.base, PACKETS * HostilePeer.MTU, h.mr.lkey()));
        assertTrue(h.qp.postSend(send).ok());
        return phases;
    }

    private static List<Integer> asking(Map<Integer, Boolean> packets) {
        return packets.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).toList();
    }

    @Test
    void shouldAskForAnAckEverySixteenPsnsFromTheMessagesFirstAndOnItsLast() {
        try (HostilePeer h = new HostilePeer(QpType.RC, r -> {
        }, false, r -> {
        })) {
            List<Map<Integer, Boolean>> phases = postLongSend(h);
            h.run(200_000);
            assertEquals(PACKETS, phases.get(0).size(), "every packet sent once: " + phases.get(0).keySet());
            assertEquals(List.of(16, 32, 39), asking(phases.get(0)));

            // A PSN sequence error NAK at +10: the requester goes back there, and the packets it
            // sends again ask where they asked the first time.
            phases.add(new LinkedHashMap<>());
            h.send(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN + 10, f -> f.syndrome = 0x60);
            h.run(200_000);
            Map<Integer, Boolean> again = phases.get(1);
            assertEquals(10, again.keySet().iterator().next(), "resumed at the NAK's PSN: " + again.keySet());
            assertEquals(List.of(16, 32, 39), asking(again));
        }
    }

    /**
     * An ACK that reaches past the packet a go-back is about to send again moves the requester
     * on to the PSN after it, within the message too (qib_rc.c and hfi1 rc.c do_rc_ack,
     * reset_psn): what the responder has is not sent a third time. The QP sends at 2.5 Gb/s so
     * that the go-back is still under way when the ACK comes.
     */
    @Test
    void shouldResumeAfterTheAckedPsnWhenAnAckOvertakesAGoBack() {
        try (HostilePeer h = new HostilePeer(QpType.RC, r -> r.ahAttr = new org.ibmodel.core.AhAttr(r.ahAttr.dlid(),
                0, 0, IB_RATE_2_5_GBPS, 1, null), false, r -> {
                })) {
            List<Map<Integer, Boolean>> phases = postLongSend(h);
            h.run(40_000);
            phases.add(new LinkedHashMap<>());
            h.send(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN + 2, f -> f.syndrome = 0x60);
            h.run(10_000);
            List<Integer> resent = List.copyOf(phases.get(1).keySet());
            assertTrue(!resent.isEmpty() && resent.get(0) == 2 && resent.get(resent.size() - 1) < 8,
                    "the go-back from +2 is under way, short of +8: " + resent);
            phases.add(new LinkedHashMap<>());
            h.send(Opcode.RC_ACKNOWLEDGE, HostilePeer.SQ_PSN + 8, f -> f.syndrome = 0x1f);
            h.run(15_000);
            List<Integer> after = List.copyOf(phases.get(2).keySet());
            assertTrue(!after.isEmpty() && after.get(0) == 9, "the next packet is +9: " + after);
        }
    }
}
