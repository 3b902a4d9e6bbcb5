// docs/HCA.md §5.9: a QP paced to the static rate of its address path or address vector
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.core.Ah;
import org.ibmodel.core.AhAttr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The requester starts a paced QP's packets no closer than their length at the static rate, and
 * sends at the port's rate without one, with IB_RATE_PORT_CURRENT, a rate the port exceeds, or a
 * value that names no rate.
 */
@ExtendWith(ReplayOnFailure.class)
class StaticRateTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 7);
    /** IB_RATE_10_GBPS, IB_RATE_2_5_GBPS, IB_RATE_200_GBPS (include/rdma/ib_verbs.h). */
    private static final int RATE_10 = 3;
    private static final int RATE_2_5 = 2;
    private static final int RATE_200 = 17;
    private static final int LEN = 64 * 1024;
    /** A middle RC WRITE packet at MTU 4096: LRH 8, BTH 12, payload, ICRC 4, VCRC 2. */
    private static final int MIDDLE = 8 + 12 + 4096 + 4 + 2;

    private static String at(String what) {
        return ReplayOnFailure.at("StaticRateTest", SEED, what);
    }

    /** The start times of the WRITE's request packets from host a. */
    private static List<Long> writeStarts(int rate) {
        TransportPair.Conn c = TransportPair.Conn.standard(Mtu.MTU_4096).staticRate(rate);
        try (TransportPair p = new TransportPair(SEED, QpType.RC, c)) {
            byte[] data = TransportPair.pattern(1, LEN);
            p.a.fill(0, data);
            p.a.transport().logSent(true);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, LEN))
                    .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()));
            p.settle();
            List<Wc> wcs = p.a.poll();
            assertEquals(1, wcs.size(), at("rate " + rate + ": " + wcs));
            assertEquals(WcStatus.SUCCESS, wcs.get(0).status, at("rate " + rate));
            assertArrayEquals(data, p.b.read(TransportPair.TARGET, LEN), at("rate " + rate));
            return p.a.transport().sentLog().stream().map(Transport.Sent::timeNs).toList();
        }
    }

    @Test
    void shouldSpaceAnRcWritesPacketsByTheirLengthAtTheStaticRate() {
        List<Long> paced = writeStarts(RATE_10);
        assertEquals(16, paced.size(), at("64 KiB at MTU 4096: " + paced));
        // 4,126 bytes at 10,000 Mb/s: 3,300.8 ns, so 3,301 between starts (a packet never starts early).
        long gap = (MIDDLE * 8_000L + 9_999) / 10_000;
        for (int i = 2; i < paced.size(); i++) {
            assertEquals(gap, paced.get(i) - paced.get(i - 1), at("packet " + i + ": " + paced));
        }
        List<Long> free = writeStarts(0);
        long pacedSpan = paced.get(15) - paced.get(0);
        long freeSpan = free.get(15) - free.get(0);
        assertTrue(pacedSpan >= 14 * gap && freeSpan < pacedSpan / 5,
                at("paced over " + pacedSpan + " ns, at the port's rate over " + freeSpan + " ns"));
        assertEquals(free, writeStarts(RATE_200), at("200 Gb/s is above the port's 100: no pacing"));
        assertEquals(free, writeStarts(1), at("1 names no rate: no pacing"));
    }

    @Test
    void shouldWriteAnIbRateIntoTheContextAndZeroForAnythingElse() {
        int[][] cases = {{RATE_10, RATE_10}, {0, 0}, {1, 0}, {22, 22}, {23, 0}, {40, 0}, {255, 0}};
        for (int[] c : cases) {
            try (TransportPair p = new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024)
                    .staticRate(c[0]))) {
                QpContext ctx = p.a.host.hca(0).firmware().qp(p.a.qp.qpNum());
                assertEquals(c[1], ctx.get(Layout.QpCtx.STATIC_RATE), at("ah_attr.static_rate " + c[0]));
            }
        }
    }

    @Test
    void shouldPaceUdDatagramsByTheRateOfTheirAddressVector() {
        try (TransportPair p = new TransportPair(SEED, QpType.UD, TransportPair.Conn.standard(Mtu.MTU_4096))) {
            p.a.transport().logSent(true);
            for (int i = 0; i < 3; i++) {
                p.b.postRecv(i, TransportPair.TARGET + 8192L * i, 40 + 1000);
            }
            Ah slow = Ah.create(p.a.pd, new AhAttr(p.world.lid(1), 0, 0, RATE_2_5, 1, null)).get();
            for (int i = 0; i < 3; i++) {
                assertTrue(p.a.qp.postSend(new SendWr().wrId(i).opcode(WrOpcode.SEND).sgList(p.a.sge(0, 1000)).ah(slow)
                        .remoteQpn(p.b.qp.qpNum()).remoteQkey(TransportPair.QKEY)).ok());
            }
            p.settle();
            assertEquals(3, p.b.poll().size(), at("every datagram arrives"));
            List<Long> starts = p.a.transport().sentLog().stream().map(Transport.Sent::timeNs).toList();
            // LRH 8, BTH 12, DETH 8, 1,000 bytes, ICRC 4, VCRC 2 at 2,500 Mb/s.
            long gap = ((8 + 12 + 8 + 1000 + 4 + 2) * 8_000L + 2_499) / 2_500;
            assertEquals(List.of(starts.get(0), starts.get(0) + gap, starts.get(0) + 2 * gap), starts, at("UD at 2.5 Gb/s"));
        }
    }
}
