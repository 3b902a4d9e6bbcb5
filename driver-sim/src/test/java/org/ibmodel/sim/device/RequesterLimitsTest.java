// What holds a WQE back before its first packet: max_rd_atomic and the fence (IBA 9.4.4,
// 10.8.3.3; drivers/infiniband/sw/rxe/rxe_req.c rxe_wqe_is_fenced and its rd_atomic check)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.sim.wire.Opcode;
import org.junit.jupiter.api.Test;

/**
 * The victim's requester as the peer sees it on the wire: a READ or an atomic begins only while
 * fewer than max_rd_atomic of them wait for their responses, a fenced WQE only once none does,
 * whatever else its limits allow. Each READ here is one path MTU, one PSN.
 */
class RequesterLimitsTest {
    private static HostilePeer peer(int maxRdAtomic) {
        return new HostilePeer(QpType.RC, r -> {
        }, false, r -> r.maxRdAtomic = maxRdAtomic);
    }

    private static SendWr read(HostilePeer h, long wrId, int slot) {
        return new SendWr().wrId(wrId).opcode(WrOpcode.RDMA_READ).sendFlags(SendFlags.SIGNALED)
                .sgList(new Sge(h.base + 8192L * slot, HostilePeer.MTU, h.mr.lkey())).remoteAddr(0x10_0000)
                .rkey(0x1234);
    }

    private static SendWr fetchAdd(HostilePeer h, long wrId) {
        return new SendWr().wrId(wrId).opcode(WrOpcode.ATOMIC_FETCH_AND_ADD).sendFlags(SendFlags.SIGNALED)
                .sgList(new Sge(h.base + 64, 8, h.mr.lkey())).remoteAddr(0x20_0000).rkey(0x1234).compareAdd(1);
    }

    private static SendWr write(HostilePeer h, long wrId, int flags) {
        return new SendWr().wrId(wrId).opcode(WrOpcode.RDMA_WRITE).sendFlags(SendFlags.SIGNALED | flags)
                .sgList(new Sge(h.base, 8, h.mr.lkey())).remoteAddr(0x30_0000).rkey(0x1234);
    }

    private static void post(HostilePeer h, SendWr... wrs) {
        for (SendWr w : wrs) {
            assertTrue(h.qp.postSend(w).ok(), w.toString());
        }
        // The driver's doorbell takes the device some 20 µs to answer.
        h.run(50_000);
    }

    /** The opcodes of the victim's requests since the last look, in the order they went. */
    private static List<Integer> requests(HostilePeer h) {
        return h.sent().stream().map(Transport.Sent::opcode).toList();
    }

    private static void readResponse(HostilePeer h, int psn) {
        h.send(Opcode.RC_RDMA_READ_RESPONSE_ONLY, psn, f -> {
            f.syndrome = 0x1f;
            f.msn = 1;
            f.payload = new byte[HostilePeer.MTU];
        });
    }

    /**
     * IBA 9.4 (max_msg_sz, rxe_resp.c check_length's 1 << 31): a message of 2^31 bytes goes out,
     * one a byte longer is a local length error before any packet. The segments go through the
     * PD's local DMA key, which covers all of host memory, so no protection check stops them.
     */
    @Test
    void shouldSendAMessageOfTwoGibibytesAndRefuseALongerOneWithALengthError() {
        try (HostilePeer h = peer(1)) {
            int lkey = h.pd.localDmaLkey();
            SendWr max = new SendWr().wrId(1).opcode(WrOpcode.SEND).sendFlags(SendFlags.SIGNALED)
                    .sgList(new Sge(h.base, 1 << 30, lkey), new Sge(h.base, 1 << 30, lkey));
            post(h, max);
            List<Integer> sent = requests(h);
            assertTrue(!sent.isEmpty() && sent.get(0) == Opcode.RC_SEND_FIRST.value(), "2^31 bytes begin: " + sent);
            assertTrue(h.poll().isEmpty(), "nothing completed yet");
        }
        try (HostilePeer h = peer(1)) {
            int lkey = h.pd.localDmaLkey();
            SendWr over = new SendWr().wrId(2).opcode(WrOpcode.SEND).sendFlags(SendFlags.SIGNALED)
                    .sgList(new Sge(h.base, 1 << 30, lkey), new Sge(h.base, 1 << 30, lkey), new Sge(h.base, 1, lkey));
            post(h, over);
            assertEquals(List.of(), requests(h), "no packet");
            List<org.ibmodel.core.Wc> wcs = h.poll();
            assertEquals(1, wcs.size(), wcs.toString());
            assertEquals(org.ibmodel.core.WcStatus.LOC_LEN_ERR, wcs.get(0).status, wcs.toString());
        }
    }

    @Test
    void shouldHoldTheReadPastMaxRdAtomicUntilAResponseCompletesOne() {
        try (HostilePeer h = peer(2)) {
            post(h, read(h, 1, 1), fetchAdd(h, 2), read(h, 3, 2));
            assertEquals(List.of(Opcode.RC_RDMA_READ_REQUEST.value(), Opcode.RC_FETCH_ADD.value()),
                    requests(h), "a READ and an atomic out: max_rd_atomic 2 counts both");
            readResponse(h, HostilePeer.SQ_PSN);
            assertEquals(List.of(Opcode.RC_RDMA_READ_REQUEST.value()), requests(h),
                    "the first READ's response lets the second READ go");
        }
    }

    @Test
    void shouldHoldTheAtomicPastMaxRdAtomicToo() {
        try (HostilePeer h = peer(2)) {
            post(h, read(h, 1, 1), read(h, 2, 2), fetchAdd(h, 3));
            assertEquals(List.of(Opcode.RC_RDMA_READ_REQUEST.value(), Opcode.RC_RDMA_READ_REQUEST.value()),
                    requests(h), "two READs out; the atomic waits");
            readResponse(h, HostilePeer.SQ_PSN);
            assertEquals(List.of(Opcode.RC_FETCH_ADD.value()), requests(h), "then it goes");
        }
    }

    @Test
    void shouldHoldAFencedWqeUntilTheReadBeforeItIsAnswered() {
        try (HostilePeer h = peer(4)) {
            post(h, read(h, 1, 1), write(h, 2, 0), write(h, 3, SendFlags.FENCE));
            assertEquals(List.of(Opcode.RC_RDMA_READ_REQUEST.value(), Opcode.RC_RDMA_WRITE_ONLY.value()),
                    requests(h), "the unfenced WRITE passes the READ; the fenced one waits");
            readResponse(h, HostilePeer.SQ_PSN);
            assertEquals(List.of(Opcode.RC_RDMA_WRITE_ONLY.value()), requests(h), "the READ answered, it goes");
        }
    }

    @Test
    void shouldNotHoldAFencedWqeWithNoReadOrAtomicOutstanding() {
        try (HostilePeer h = peer(1)) {
            post(h, write(h, 1, 0), write(h, 2, SendFlags.FENCE));
            assertEquals(List.of(Opcode.RC_RDMA_WRITE_ONLY.value(), Opcode.RC_RDMA_WRITE_ONLY.value()), requests(h),
                    "a fence waits for READs and atomics only, not for WRITEs' ACKs");
        }
    }
}
