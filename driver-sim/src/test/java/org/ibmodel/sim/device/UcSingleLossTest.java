// UC loses the message a lost packet belonged to, whole, and nothing else (IBA 9.8.3; rxe_resp.c
// check_psn and drop_msg take the same path)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;

/**
 * Five SENDs of 3,000, 100, 2,000, 0 and 1,024 bytes on UC at a path MTU of 1,024: eight
 * packets, which a clean run numbers. Then, once per packet, that one is lost on its cable:
 * the sender still completes every SEND (UC has no ACKs), and the receiver gets every message
 * but the lost packet's, whole and in order, in its receive WQEs in order (the lost message's
 * WQE serves the next one); never a part of the lost message. On an SRQ the WQE a message took
 * with its first packet cannot serve another message (class E, rxe_resp.c): losing any later
 * packet of it completes that WQE with REM_INV_REQ_ERR in the message's place, whether the
 * packet after the gap is of the same message or starts the next one.
 */
class UcSingleLossTest {
    private static final long SEED = 0x0c_1055;
    private static final int[] SIZES = {3000, 100, 2000, 0, 1024};
    private static final int SLOT = 4096;

    /** The message each packet of a clean run belongs to, by the order the sender sends them. */
    private static List<Integer> messageOfPacket() {
        List<Integer> out = new ArrayList<>();
        for (int m = 0; m < SIZES.length; m++) {
            for (int k = 0; k < Math.max(1, (SIZES[m] + 1023) / 1024); k++) {
                out.add(m);
            }
        }
        return out;
    }

    /** Whether packet {@code i} of a clean run is the first of its message. */
    private static boolean startsMessage(List<Integer> owner, int i) {
        return i == 0 || !owner.get(i - 1).equals(owner.get(i));
    }

    /**
     * Runs the five SENDs with {@code lose} picking a packet to lose, host b receiving from an
     * SRQ or not; the messages received, -1 for a receive completed with REM_INV_REQ_ERR.
     */
    private static List<Integer> run(Predicate<byte[]> lose, boolean srq, String what) {
        try (TransportPair p = new TransportPair(SEED, QpType.UC, TransportPair.Conn.standard(Mtu.MTU_1024),
                q -> { }, srq)) {
            p.world.fabric().faults().loseFirst(lose);
            for (int m = 0; m < SIZES.length; m++) {
                p.b.postRecv(100 + m, TransportPair.TARGET + (long) m * SLOT, SLOT);
                p.a.fill((long) m * SLOT, TransportPair.pattern(m, SIZES[m]));
            }
            for (int m = 0; m < SIZES.length; m++) {
                p.a.postSend(new SendWr().wrId(m).opcode(WrOpcode.SEND).sgList(p.a.sge((long) m * SLOT, SIZES[m])));
            }
            p.settle();
            List<Wc> sent = p.a.poll();
            assertEquals(SIZES.length, sent.size(), what + ": every SEND completes: " + sent);
            for (Wc w : sent) {
                assertEquals(WcStatus.SUCCESS, w.status, what + ": " + w);
            }
            List<Integer> got = new ArrayList<>();
            List<Wc> received = p.b.poll();
            for (int r = 0; r < received.size(); r++) {
                Wc w = received.get(r);
                assertEquals(100 + r, w.wrId, what + ": the receive WQEs in order");
                if (srq && w.status == WcStatus.REM_INV_REQ_ERR) {
                    got.add(-1);
                    continue;
                }
                assertEquals(WcStatus.SUCCESS, w.status, what + ": " + w);
                byte[] bytes = p.b.read(TransportPair.TARGET + (long) r * SLOT, w.byteLen);
                int match = -1;
                for (int m = 0; m < SIZES.length && match < 0; m++) {
                    if (SIZES[m] == w.byteLen && java.util.Arrays.equals(bytes, TransportPair.pattern(m, SIZES[m]))) {
                        match = m;
                    }
                }
                assertEquals(true, match >= 0, what + ": receive " + r + " is no whole message sent");
                assertArrayEquals(TransportPair.pattern(match, SIZES[match]), bytes);
                got.add(match);
            }
            return got;
        }
    }

    @Test
    void shouldLoseTheLostPacketsMessageWholeAndNothingElse() {
        List<Integer> all = List.of(0, 1, 2, 3, 4);
        assertEquals(all, run(packet -> false, false, "a clean run"));
        List<Integer> owner = messageOfPacket();
        for (int i = 0; i < owner.size(); i++) {
            int target = i;
            int[] seen = {0};
            List<Integer> expected = new ArrayList<>(all);
            expected.remove(owner.get(i));
            assertEquals(expected, run(packet -> seen[0]++ == target, false, "losing packet " + (i + 1)),
                    "losing packet " + (i + 1) + " loses message " + owner.get(i) + " only");
        }
    }

    @Test
    void shouldFailTheSrqReceiveALostMessageTookAndNoOther() {
        List<Integer> all = List.of(0, 1, 2, 3, 4);
        assertEquals(all, run(packet -> false, true, "a clean run on an SRQ"));
        List<Integer> owner = messageOfPacket();
        for (int i = 0; i < owner.size(); i++) {
            int target = i;
            int[] seen = {0};
            List<Integer> expected = new ArrayList<>(all);
            int lost = expected.indexOf(owner.get(i));
            if (startsMessage(owner, i)) {
                expected.remove(lost);
            } else {
                expected.set(lost, -1);
            }
            assertEquals(expected, run(packet -> seen[0]++ == target, true, "losing packet " + (i + 1) + " on an SRQ"),
                    "losing packet " + (i + 1) + " of message " + owner.get(i) + " on an SRQ");
        }
    }
}
