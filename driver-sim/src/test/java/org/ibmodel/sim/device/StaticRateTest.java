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
 * A paced QP starts its packets, requests and responses alike, no closer than their length at the
 * static rate, and sends at the port's rate without one, with IB_RATE_PORT_CURRENT, a rate the port
 * exceeds, or a value that names no rate.
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
    /** A READ response FIRST or LAST at MTU 4096: a middle one with an AETH. */
    private static final int WITH_AETH = MIDDLE + 4;

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
        // 4x EDR signals at 103,125 Mb/s, ⌈103,125 / 10,000⌉ = 11 packet times at its 100,000 Mb/s of
        // data: 4,122 bytes take 329.76 ns, so 3,628 between starts (a packet never starts early).
        long gap = gap10(MIDDLE);
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

    /**
     * IBA 9.11 in the units of the signalling rates, as qib's ib_rate_to_delay table has it on
     * a 4x QDR port (40,000 Mb/s signalled, 32,000 of data after 8b/10b): 20 Gb/s is two packet
     * times, and so is 30 Gb/s (whole steps); 10 Gb/s four; 40 Gb/s and above none.
     */
    @Test
    void shouldPaceInWholePacketTimesOfTheSignallingRates() {
        int bytes = 4126;
        long oneTime = bytes * 8_000L / 32_000;
        assertEquals(1_031, oneTime);
        assertEquals(2 * 1_031 + 1, StaticRate.gapNs(6, bytes, 40_000, 32_000), "20 Gb/s");
        assertEquals(2 * 1_031 + 1, StaticRate.gapNs(4, bytes, 40_000, 32_000), "30 Gb/s");
        assertEquals(4 * 1_031 + 2, StaticRate.gapNs(RATE_10, bytes, 40_000, 32_000), "10 Gb/s");
        assertEquals(0, StaticRate.gapNs(7, bytes, 40_000, 32_000), "40 Gb/s");
        assertEquals(0, StaticRate.gapNs(RATE_200, bytes, 40_000, 32_000), "200 Gb/s");
        assertEquals(0, StaticRate.gapNs(0, bytes, 40_000, 32_000), "the port's own");
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
            // LRH 8, BTH 12, DETH 8, 1,000 bytes, ICRC 4, VCRC 2, ⌈103,125 / 2,500⌉ = 42 times.
            long gap = paced(8 + 12 + 8 + 1000 + 4 + 2, 2_500);
            assertEquals(List.of(starts.get(0), starts.get(0) + gap, starts.get(0) + 2 * gap), starts, at("UD at 2.5 Gb/s"));
        }
    }

    /** Gap at 10 Gb/s after a packet of {@code bytes}, rounded up as the device does. */
    private static long gap10(int bytes) {
        return paced(bytes, 10_000);
    }

    /**
     * IBA 9.11 on the default 4x EDR port: a whole number of packet times, the port's signalling
     * rate over the path's rounded up, each at the port's data rate; rounded up to a nanosecond.
     */
    private static long paced(int bytes, long rateMbps) {
        long times = (103_125 + rateMbps - 1) / rateMbps;
        return (times * bytes * 8_000L + 99_999) / 100_000;
    }

    /** Host a READs {@link #LEN} bytes from b; the start times of b's packets. */
    private static List<Long> readResponseStarts(int rate) {
        try (TransportPair p = new TransportPair(SEED, QpType.RC,
                TransportPair.Conn.standard(Mtu.MTU_4096).staticRate(rate))) {
            byte[] data = TransportPair.pattern(2, LEN);
            p.b.fill(TransportPair.TARGET, data);
            p.b.transport().logSent(true);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_READ).sgList(p.a.sge(0, LEN))
                    .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()));
            p.settle();
            List<Wc> wcs = p.a.poll();
            assertEquals(1, wcs.size(), at("rate " + rate + ": " + wcs));
            assertEquals(WcStatus.SUCCESS, wcs.get(0).status, at("rate " + rate));
            assertArrayEquals(data, p.a.read(0, LEN), at("rate " + rate));
            return p.b.transport().sentLog().stream().map(Transport.Sent::timeNs).toList();
        }
    }

    @Test
    void shouldPaceAnRdmaReadsResponsesAtTheRespondersStaticRate() {
        List<Long> paced = readResponseStarts(RATE_10);
        assertEquals(16, paced.size(), at("64 KiB of READ responses at MTU 4096: " + paced));
        // The FIRST carries an AETH, the MIDDLEs do not.
        assertEquals(gap10(WITH_AETH), paced.get(1) - paced.get(0), at("after FIRST: " + paced));
        for (int i = 2; i < paced.size(); i++) {
            assertEquals(gap10(MIDDLE), paced.get(i) - paced.get(i - 1), at("response " + i + ": " + paced));
        }
        List<Long> free = readResponseStarts(0);
        assertEquals(16, free.size(), at("unpaced: " + free));
        assertTrue(free.get(15) - free.get(0) < (paced.get(15) - paced.get(0)) / 5,
                at("at the port's rate " + free + ", paced " + paced));
    }

    @Test
    void shouldPaceRequestsAndResponsesOfOneQpAsOneStream() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC,
                TransportPair.Conn.standard(Mtu.MTU_4096).staticRate(RATE_10))) {
            byte[] readData = TransportPair.pattern(3, LEN);
            byte[] writeData = TransportPair.pattern(4, LEN);
            p.b.fill(TransportPair.TARGET, readData);
            p.b.fill(0, writeData);
            p.b.transport().logSent(true);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_READ).sgList(p.a.sge(0, LEN))
                    .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()));
            p.b.postSend(new SendWr().wrId(2).opcode(WrOpcode.RDMA_WRITE).sgList(p.b.sge(0, LEN))
                    .remoteAddr(p.a.buf + TransportPair.TARGET).rkey(p.a.mr.rkey()));
            p.settle();
            assertEquals(List.of(WcStatus.SUCCESS), p.a.poll().stream().map(w -> w.status).toList(), at("READ"));
            assertEquals(List.of(WcStatus.SUCCESS), p.b.poll().stream().map(w -> w.status).toList(), at("WRITE"));
            assertArrayEquals(readData, p.a.read(0, LEN), at("READ data"));
            assertArrayEquals(writeData, p.a.read(TransportPair.TARGET, LEN), at("WRITE data"));
            List<Transport.Sent> sent = p.b.transport().sentLog();
            assertEquals(32, sent.size(), at("16 READ responses and 16 WRITE packets: " + sent));
            // Every packet b sends carries 4 KiB: none starts sooner than a middle packet's gap.
            for (int i = 1; i < sent.size(); i++) {
                long d = sent.get(i).timeNs() - sent.get(i - 1).timeNs();
                assertTrue(d >= gap10(MIDDLE), at("packet " + i + " " + d + " ns after the one before: " + sent));
            }
        }
    }

    /**
     * Responses go before requests (qib_make_rc_req, hfi1_make_rc_req): a QP paced to 2.5 Gb/s
     * while it sends a mebibyte still acknowledges the SEND its peer sent meanwhile at once, so
     * the peer, with an ACK timeout of 262 us, does not run out of retries behind the WRITE.
     */
    @Test
    void shouldAcknowledgeBeforeItsOwnRequestsWhilePaced() {
        TransportPair.Conn c = new TransportPair.Conn(Mtu.MTU_4096, 0x100, 0x200, 6, 7, 7, 1).staticRate(RATE_2_5);
        int len = 1 << 20;
        try (TransportPair p = new TransportPair(SEED, QpType.RC, c)) {
            p.a.transport().logSent(true);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, len))
                    .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()));
            p.a.postRecv(9, len, 4096);
            p.b.postSend(new SendWr().wrId(2).opcode(WrOpcode.SEND).sgList(p.b.sge(0, 4096)));
            p.settle();
            assertEquals(List.of(WcStatus.SUCCESS), p.a.poll().stream().filter(w -> w.wrId == 1)
                    .map(w -> w.status).toList(), at("the WRITE"));
            assertEquals(List.of(WcStatus.SUCCESS), p.b.poll().stream().map(w -> w.status).toList(), at("the SEND"));
            List<Transport.Sent> sent = p.a.transport().sentLog();
            int firstAck = 0;
            while (sent.get(firstAck).opcode() != 0x11) {
                firstAck++;
            }
            assertTrue(firstAck < 8, at("a's ACK went out after " + firstAck + " of its WRITE packets"));
        }
    }

    @Test
    void shouldSendNoHeldResponseOnceTheQpIsReset() {
        try (TransportPair p = new TransportPair(SEED, QpType.RC,
                TransportPair.Conn.standard(Mtu.MTU_4096).staticRate(RATE_2_5))) {
            p.b.transport().logSent(true);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_READ).sgList(p.a.sge(0, LEN))
                    .remoteAddr(p.b.buf + TransportPair.TARGET).rkey(p.b.mr.rkey()));
            // 4 KiB at 2.5 Gb/s takes about 13 us: the first responses are out, the rest held.
            p.world.runUntil(p.world.scheduler().now() + 40_000);
            int before = p.b.transport().sentLog().size();
            assertTrue(before > 0 && before < 16, at("some responses sent by 40 us: " + before));
            assertEquals(0, p.b.qp.modify(new org.ibmodel.core.QpAttr().state(org.ibmodel.core.QpState.RESET),
                    org.ibmodel.core.QpAttrMask.STATE.bit()));
            p.world.runUntil(p.world.scheduler().now() + 1_000_000);
            assertEquals(before, p.b.transport().sentLog().size(), at("a reset QP sends nothing it held"));
        }
    }
}
