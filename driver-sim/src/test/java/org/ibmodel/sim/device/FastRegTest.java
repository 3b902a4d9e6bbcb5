// Fast registration end to end: ib_alloc_mr, ib_map_mr_sg, IB_WR_REG_MR, IB_WR_LOCAL_INV and
// SEND with invalidate through the driver and the device (docs/HCA.md §4.1, §5.7, §5.8)
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.Mr;
import org.ibmodel.core.Mtu;
import org.ibmodel.core.QpType;
import org.ibmodel.core.SendFlags;
import org.ibmodel.core.SendWr;
import org.ibmodel.core.Sge;
import org.ibmodel.core.Wc;
import org.ibmodel.core.WcFlags;
import org.ibmodel.core.WcOpcode;
import org.ibmodel.core.WcStatus;
import org.ibmodel.core.WrOpcode;
import org.ibmodel.kernel.Errno;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ReplayOnFailure.class)
class FastRegTest {
    private static final long SEED = Long.getLong("ibmodel.seed", 5);
    private static final int ACCESS = AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE | AccessFlags.REMOTE_READ;
    /** Where b's fast-registered region starts: not page aligned, so it spans three pages. */
    private static final long REGION = TransportPair.TARGET + 100;
    private static final int LENGTH = 6000;

    private static TransportPair rc() {
        return new TransportPair(SEED, QpType.RC, TransportPair.Conn.standard(Mtu.MTU_1024));
    }

    private static String at(String what) {
        return ReplayOnFailure.at("FastRegTest", SEED, what);
    }

    /** ib_alloc_mr on b and ib_map_mr_sg over b's buffer at REGION, then the key's tag set to {@code tag}. */
    private static Mr mapped(TransportPair p, int tag) {
        Mr mr = Mr.alloc(p.b.pd, 16).get();
        assertEquals(1, mr.mapSg(new long[] {p.b.buf + REGION}, new int[] {LENGTH}));
        assertEquals(p.b.buf + REGION, mr.iova());
        assertEquals(LENGTH, mr.length());
        mr.updateFastRegKey(tag);
        return mr;
    }

    private static SendWr reg(Mr mr) {
        return new SendWr().wrId(100).opcode(WrOpcode.REG_MR).reg(mr, mr.rkey(), ACCESS).sendFlags(SendFlags.SIGNALED);
    }

    private static SendWr write(TransportPair p, long wrId, int rkey, long remote, int len) {
        return new SendWr().wrId(wrId).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, len)).remoteAddr(remote)
                .rkey(rkey).sendFlags(SendFlags.SIGNALED);
    }

    /** A 64-byte WRITE from a through {@code rkey} completes with REM_ACCESS_ERR. */
    private static void assertWriteRefused(TransportPair p, int rkey, long remote, String what) {
        p.a.postSend(write(p, 9, rkey, remote, 64));
        p.settle();
        assertEquals(WcStatus.REM_ACCESS_ERR, only(p.a.poll(), what).status);
    }

    private static Wc only(List<Wc> wcs, String what) {
        assertEquals(1, wcs.size(), at(what + ": " + wcs));
        return wcs.get(0);
    }

    /** b registers a fresh key with {@code access}; a then runs {@code granted} and {@code refused} through it. */
    private static void accessRun(int access, WrOpcode granted, WrOpcode refused) {
        try (TransportPair p = rc()) {
            Mr mr = mapped(p, 0x33);
            p.b.postSend(new SendWr().wrId(100).opcode(WrOpcode.REG_MR).reg(mr, mr.rkey(), access)
                    .sendFlags(SendFlags.SIGNALED));
            p.settle();
            assertEquals(WcStatus.SUCCESS, only(p.b.poll(), "REG_MR").status);
            for (WrOpcode op : List.of(granted, refused)) {
                SendWr wr = new SendWr().wrId(op.ordinal()).opcode(op).rkey(mr.rkey()).sendFlags(SendFlags.SIGNALED);
                if (op == WrOpcode.ATOMIC_FETCH_AND_ADD) {
                    wr.sgList(p.a.sge(4096, 8)).remoteAddr(mr.iova() + 4).compareAdd(1);
                } else {
                    wr.sgList(p.a.sge(4096, 64)).remoteAddr(mr.iova());
                }
                p.a.postSend(wr);
                p.settle();
                String what = op + " through a key registered with access 0x" + Integer.toHexString(access);
                assertEquals(op == granted ? WcStatus.SUCCESS : WcStatus.REM_ACCESS_ERR, only(p.a.poll(), what).status,
                        at(what));
            }
        }
    }

    /** mlx4 set_reg_seg: the key grants the remote access the REG_MR asked for, and no other. */
    @Test
    void shouldGrantOnlyTheRemoteAccessTheRegistrationAsked() {
        accessRun(AccessFlags.REMOTE_READ, WrOpcode.RDMA_READ, WrOpcode.RDMA_WRITE);
        accessRun(AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE, WrOpcode.RDMA_WRITE, WrOpcode.RDMA_READ);
        accessRun(AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_ATOMIC, WrOpcode.ATOMIC_FETCH_AND_ADD,
                WrOpcode.RDMA_WRITE);
        accessRun(AccessFlags.LOCAL_WRITE | AccessFlags.REMOTE_WRITE, WrOpcode.RDMA_WRITE,
                WrOpcode.ATOMIC_FETCH_AND_ADD);
    }

    /**
     * mlx4 set_reg_seg's local write bit: the device writes into a fast-registered region through
     * its key only when the registration asked for IB_ACCESS_LOCAL_WRITE. b READs 64 bytes of a's
     * buffer into its region: LOC_PROT_ERR without the bit, the bytes with it.
     */
    @Test
    void shouldWriteLocallyThroughAKeyOnlyWhenTheRegistrationAskedForLocalWrite() {
        for (boolean localWrite : new boolean[] {false, true}) {
            try (TransportPair p = rc()) {
                Mr mr = mapped(p, 0x44);
                int access = AccessFlags.REMOTE_READ | (localWrite ? AccessFlags.LOCAL_WRITE : 0);
                p.b.postSend(new SendWr().wrId(100).opcode(WrOpcode.REG_MR).reg(mr, mr.rkey(), access)
                        .sendFlags(SendFlags.SIGNALED));
                p.settle();
                assertEquals(WcStatus.SUCCESS, only(p.b.poll(), "REG_MR").status);
                byte[] source = new byte[64];
                java.util.Arrays.fill(source, (byte) 0x5a);
                p.a.fill(0, source);
                p.b.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_READ).sgList(new Sge(mr.iova(), 64, mr.lkey()))
                        .remoteAddr(p.a.buf).rkey(p.a.mr.rkey()).sendFlags(SendFlags.SIGNALED));
                p.settle();
                String what = "a READ into a region registered " + (localWrite ? "with" : "without") + " LOCAL_WRITE";
                assertEquals(localWrite ? WcStatus.SUCCESS : WcStatus.LOC_PROT_ERR, only(p.b.poll(), what).status,
                        at(what));
                if (localWrite) {
                    assertArrayEquals(source, p.b.read(REGION, 64), at(what));
                }
            }
        }
    }

    /**
     * A region's pages need not follow each other in host memory: mapped from two pages in
     * reverse order, a WRITE and a READ across the boundary between its first and second page
     * each move their halves through the page the MPT names for them (§4.1, the MTT per page).
     */
    @Test
    void shouldMoveDataAcrossPagesMappedOutOfOrder() {
        try (TransportPair p = rc()) {
            long first = p.b.buf + TransportPair.TARGET + 8192;
            long second = p.b.buf + TransportPair.TARGET;
            Mr mr = Mr.alloc(p.b.pd, 4).get();
            assertEquals(2, mr.mapSg(new long[] {first, second}, new int[] {4096, 4096}));
            p.b.postSend(reg(mr));
            p.settle();
            assertEquals(WcStatus.SUCCESS, only(p.b.poll(), "REG_MR").status);

            byte[] data = TransportPair.pattern(4, 64);
            p.a.fill(0, data);
            long across = mr.iova() + 4096 - 32;
            p.a.postSend(write(p, 1, mr.rkey(), across, 64));
            p.settle();
            assertEquals(WcStatus.SUCCESS, only(p.a.poll(), "WRITE").status);
            assertArrayEquals(Arrays.copyOfRange(data, 0, 32), p.b.memory().read(first + 4096 - 32, 32),
                    at("the first half at the end of the region's first page"));
            assertArrayEquals(Arrays.copyOfRange(data, 32, 64), p.b.memory().read(second, 32),
                    at("the second half at the start of its second page"));
            assertArrayEquals(new byte[32], p.b.memory().read(first + 4096, 32),
                    at("nothing where the first page continues in host memory"));

            p.b.memory().write(first + 4096 - 32, TransportPair.pattern(5, 32));
            p.b.memory().write(second, TransportPair.pattern(6, 32));
            p.a.postSend(new SendWr().wrId(2).opcode(WrOpcode.RDMA_READ).sgList(p.a.sge(4096, 64))
                    .remoteAddr(across).rkey(mr.rkey()).sendFlags(SendFlags.SIGNALED));
            p.settle();
            assertEquals(WcStatus.SUCCESS, only(p.a.poll(), "READ").status);
            assertArrayEquals(TransportPair.pattern(5, 32), p.a.read(4096, 32), at("the READ's first half"));
            assertArrayEquals(TransportPair.pattern(6, 32), p.a.read(4096 + 32, 32), at("the READ's second half"));
        }
    }

    @Test
    void shouldOpenAWriteOnlyAfterRegistrationAndCloseItWithALocalInvalidate() {
        try (TransportPair p = rc()) {
            Mr mr = mapped(p, 0x5a);
            assertEquals(0x5a, mr.rkey() & 0xff);
            p.b.postSend(reg(mr));
            p.settle();
            Wc r = only(p.b.poll(), "REG_MR");
            assertEquals(WcStatus.SUCCESS, r.status, at("" + r));
            assertEquals(WcOpcode.REG_MR, r.opcode);

            byte[] data = TransportPair.pattern(2, LENGTH);
            p.a.fill(0, data);
            p.a.postSend(write(p, 1, mr.rkey(), mr.iova(), LENGTH));
            p.settle();
            assertEquals(WcStatus.SUCCESS, only(p.a.poll(), "WRITE").status);
            assertArrayEquals(data, p.b.read(REGION, LENGTH), at("the WRITE landed through the new key"));

            p.b.postSend(new SendWr().wrId(101).opcode(WrOpcode.LOCAL_INV).invalidateRkey(mr.rkey())
                    .sendFlags(SendFlags.SIGNALED));
            p.settle();
            Wc inv = only(p.b.poll(), "LOCAL_INV");
            assertEquals(WcStatus.SUCCESS, inv.status);
            assertEquals(WcOpcode.LOCAL_INV, inv.opcode);

            // rxe_mr.c rxe_invalidate_mr looks at the key and the type, not the state: the key of
            // a region already free is invalidated again without error, and the QP goes on.
            p.b.postSend(new SendWr().wrId(102).opcode(WrOpcode.LOCAL_INV).invalidateRkey(mr.rkey())
                    .sendFlags(SendFlags.SIGNALED));
            p.settle();
            assertEquals(WcStatus.SUCCESS, only(p.b.poll(), "LOCAL_INV of a free key").status);
            assertEquals(HwQpState.RTS, p.b.hwState());

            assertWriteRefused(p, mr.rkey(), mr.iova(), "WRITE after LOCAL_INV");
        }
    }

    @Test
    void shouldFreeTheKeyASendWithInvalidateNamesAndRegisterItAgainUnderANewTag() {
        try (TransportPair p = rc()) {
            Mr mr = mapped(p, 1);
            int first = mr.rkey();
            p.b.postSend(reg(mr));
            p.b.postRecv(7, 0, 64);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND_WITH_INV).sgList(p.a.sge(0, 64))
                    .invalidateRkey(first).sendFlags(SendFlags.SIGNALED));
            p.settle();
            assertEquals(WcStatus.SUCCESS, only(p.a.poll(), "SEND_WITH_INV").status);
            List<Wc> b = p.b.poll();
            assertEquals(2, b.size(), at("REG_MR and the receive: " + b));
            Wc recv = b.get(1);
            assertEquals(WcStatus.SUCCESS, recv.status, at("" + recv));
            assertEquals(WcFlags.WITH_INVALIDATE, recv.wcFlags & WcFlags.WITH_INVALIDATE);
            assertEquals(first, recv.immData, "invalidate_rkey");

            mr.updateFastRegKey(2);
            p.b.postSend(reg(mr));
            p.settle();
            assertEquals(WcStatus.SUCCESS, only(p.b.poll(), "REG_MR again").status);
            byte[] data = TransportPair.pattern(3, LENGTH);
            p.b.fill(REGION, data);
            p.a.postSend(new SendWr().wrId(2).opcode(WrOpcode.RDMA_READ).sgList(p.a.sge(8192, LENGTH))
                    .remoteAddr(mr.iova()).rkey(mr.rkey()).sendFlags(SendFlags.SIGNALED));
            p.settle();
            assertEquals(WcStatus.SUCCESS, only(p.a.poll(), "READ through the new tag").status);
            assertArrayEquals(data, p.a.read(8192, LENGTH));

            assertWriteRefused(p, first, mr.iova(), "the old tag");
        }
    }

    @Test
    void shouldCompleteLocalOperationsInPostingOrder() {
        try (TransportPair p = rc()) {
            Mr mr = mapped(p, 9);
            // b's WRITE to a goes first on the wire; the REG_MR after it waits for its ACK to complete.
            p.b.fill(0, TransportPair.pattern(4, 5000));
            p.b.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sgList(p.b.sge(0, 5000))
                    .remoteAddr(p.a.buf + TransportPair.TARGET).rkey(p.a.mr.rkey()).sendFlags(SendFlags.SIGNALED),
                    reg(mr));
            p.settle();
            List<Wc> wcs = p.b.poll();
            assertEquals(List.of(WcOpcode.RDMA_WRITE, WcOpcode.REG_MR), wcs.stream().map(w -> w.opcode).toList(),
                    at("" + wcs));
        }
    }

    /**
     * A local invalidate waits until every WQE before it has completed (IBA 10.6.5.1, the Local
     * Invalidate Fence, which rxe_req.c rxe_wqe_is_fenced applies to every LOCAL_INV, and hfi1
     * hfi1_make_rc_req to every local operation): a READ into the region, posted just before, has
     * its data in place before the key goes. Before, the key went when the requester reached the
     * LOCAL_INV, and the READ's response found it gone.
     */
    @Test
    void shouldInvalidateOnlyOnceTheWqesBeforeItHaveCompleted() {
        try (TransportPair p = rc()) {
            Mr mr = mapped(p, 0x33);
            p.b.postSend(reg(mr));
            p.settle();
            assertEquals(WcStatus.SUCCESS, only(p.b.poll(), "REG_MR").status);
            p.a.fill(0, TransportPair.pattern(8, 3000));
            p.b.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_READ).sgList(new Sge(mr.iova(), 3000, mr.lkey()))
                    .remoteAddr(p.a.buf).rkey(p.a.mr.rkey()).sendFlags(SendFlags.SIGNALED),
                    new SendWr().wrId(2).opcode(WrOpcode.LOCAL_INV).invalidateRkey(mr.rkey())
                    .sendFlags(SendFlags.SIGNALED));
            p.settle();
            List<Wc> wcs = p.b.poll();
            assertEquals(List.of(WcStatus.SUCCESS, WcStatus.SUCCESS), wcs.stream().map(w -> w.status).toList(),
                    at("" + wcs));
            assertEquals(List.of(WcOpcode.RDMA_READ, WcOpcode.LOCAL_INV), wcs.stream().map(w -> w.opcode).toList(),
                    at("" + wcs));
            assertArrayEquals(TransportPair.pattern(8, 3000), p.b.read(REGION, 3000));
            assertWriteRefused(p, mr.rkey(), mr.iova(), "a WRITE through the invalidated key");
        }
    }

    @Test
    void shouldNotCarryOutALocalOperationAgainWhenGoingBackPastIt() {
        try (TransportPair p = rc()) {
            Mr mr = mapped(p, 6);
            p.b.fill(0, TransportPair.pattern(5, 3000));
            long remote = p.a.buf + TransportPair.TARGET;
            // Everything b sends is lost until the retransmission timer makes it go back to the
            // first WRITE; the REG_MR between the WRITEs was carried out once, when reached.
            p.world.fabric().faults().dropProbability(1.0);
            p.b.postSend(new SendWr().wrId(1).opcode(WrOpcode.RDMA_WRITE).sgList(p.b.sge(0, 3000)).remoteAddr(remote)
                    .rkey(p.a.mr.rkey()).sendFlags(SendFlags.SIGNALED), reg(mr),
                    new SendWr().wrId(2).opcode(WrOpcode.RDMA_WRITE).sgList(p.b.sge(0, 3000))
                    .remoteAddr(remote + 4096).rkey(p.a.mr.rkey()).sendFlags(SendFlags.SIGNALED));
            p.world.fabric().faults().dropProbability(0.0);
            p.settle();
            List<Wc> wcs = p.b.poll();
            assertEquals(List.of(WcOpcode.RDMA_WRITE, WcOpcode.REG_MR, WcOpcode.RDMA_WRITE),
                    wcs.stream().map(w -> w.opcode).toList(), at("" + wcs));
            assertEquals(List.of(WcStatus.SUCCESS, WcStatus.SUCCESS, WcStatus.SUCCESS),
                    wcs.stream().map(w -> w.status).toList(), at("" + wcs));
            assertArrayEquals(TransportPair.pattern(5, 3000), p.a.read(TransportPair.TARGET + 4096, 3000));
        }
    }

    @Test
    void shouldFailARegistrationOfARegionStillRegistered() {
        try (TransportPair p = rc()) {
            Mr mr = mapped(p, 3);
            p.b.postSend(reg(mr), reg(mr));
            p.settle();
            List<Wc> wcs = p.b.poll();
            assertEquals(List.of(WcStatus.SUCCESS, WcStatus.LOC_QP_OP_ERR), wcs.stream().map(w -> w.status).toList(),
                    at("" + wcs));
            assertEquals(HwQpState.ERR, p.b.hwState());
        }
    }

    /** A key whose tag the region has not taken (no REG_MR gave it one) is not the region's key. */
    @Test
    void shouldFailALocalInvalidateOfAKeyTheRegionDoesNotHave() {
        try (TransportPair p = rc()) {
            Mr mr = mapped(p, 4);
            p.b.postSend(new SendWr().wrId(1).opcode(WrOpcode.LOCAL_INV).invalidateRkey(mr.rkey())
                    .sendFlags(SendFlags.SIGNALED));
            p.settle();
            assertEquals(WcStatus.LOC_QP_OP_ERR, only(p.b.poll(), "LOCAL_INV of a key of another tag").status);
            assertEquals(HwQpState.ERR, p.b.hwState());
        }
    }

    @Test
    void shouldFailTheReceiveOfASendThatInvalidatesAnOrdinaryRegion() {
        try (TransportPair p = rc()) {
            p.b.postRecv(7, 0, 64);
            p.a.postSend(new SendWr().wrId(1).opcode(WrOpcode.SEND_WITH_INV).sgList(p.a.sge(0, 64))
                    .invalidateRkey(p.b.mr.rkey()).sendFlags(SendFlags.SIGNALED));
            p.settle();
            assertEquals(WcStatus.SUCCESS, only(p.a.poll(), "the sender is ACKed").status);
            assertEquals(WcStatus.REM_INV_REQ_ERR, only(p.b.poll(), "the receive").status);
            assertEquals(HwQpState.ERR, p.b.hwState(), "class J ends the responder's QP");
            byte[] e = p.b.host.hca(0).firmware().mpts().entry(p.b.mr.rkey() >>> 8);
            assertEquals(0, Layout.Mpt.FREE.getInt(e, 0), "the ordinary region is untouched");
            assertEquals(p.b.mr.rkey(), Layout.Mpt.KEY.getInt(e, 0));
        }
    }

    /**
     * ib_map_mr_sg's sg_offset, as srp_map_finish_fr and the NFS and iSER clients use it: a
     * mapping the region's pages cut short says where it stopped, and the next call, given that
     * offset, maps the rest; each piece registers and is written through in turn.
     */
    @Test
    void shouldMapTheRestOfARangeFromTheOffsetTheLastMappingStoppedAt() {
        try (TransportPair p = rc()) {
            Mr mr = Mr.alloc(p.b.pd, 2).get();
            long start = p.b.buf + TransportPair.TARGET + 100;
            int len = 3 * 4096;
            int[] offset = {0};
            long[] expectIova = {start, p.b.buf + TransportPair.TARGET + 4096, p.b.buf + TransportPair.TARGET + 8192};
            long[] expectLength = {3996, 4096, 4196};
            int[] expectRet = {0, 0, 1};
            byte[] data = TransportPair.pattern(7, len);
            for (int piece = 0; piece < 3; piece++) {
                long from = start + Integer.toUnsignedLong(offset[0]);
                assertEquals(expectRet[piece], mr.mapSg(new long[] {start}, new int[] {len}, offset),
                        at("piece " + piece));
                assertEquals(expectIova[piece], mr.iova(), at("piece " + piece + " starts where the last stopped"));
                assertEquals(from, mr.iova());
                assertEquals(expectLength[piece], mr.length(), at("piece " + piece));
                assertEquals(piece < 2 ? from + expectLength[piece] - start : 0, Integer.toUnsignedLong(offset[0]),
                        at("the offset to go on from, 0 once the range is done"));
                mr.updateFastRegKey(piece + 1);
                p.b.postSend(new SendWr().wrId(100 + piece).opcode(WrOpcode.REG_MR).reg(mr, mr.rkey(), ACCESS)
                        .sendFlags(SendFlags.SIGNALED));
                p.settle();
                assertEquals(WcStatus.SUCCESS, only(p.b.poll(), "REG_MR").status);
                int n = (int) mr.length();
                int at = (int) (mr.iova() - start);
                p.a.fill(0, java.util.Arrays.copyOfRange(data, at, at + n));
                p.a.postSend(new SendWr().wrId(piece).opcode(WrOpcode.RDMA_WRITE).sgList(p.a.sge(0, n))
                        .remoteAddr(mr.iova()).rkey(mr.rkey()).sendFlags(SendFlags.SIGNALED));
                p.settle();
                assertEquals(WcStatus.SUCCESS, only(p.a.poll(), "WRITE").status, at("piece " + piece));
                p.b.postSend(new SendWr().wrId(200 + piece).opcode(WrOpcode.LOCAL_INV).invalidateRkey(mr.rkey())
                        .sendFlags(SendFlags.SIGNALED));
                p.settle();
                assertEquals(WcStatus.SUCCESS, only(p.b.poll(), "LOCAL_INV").status);
            }
            assertArrayEquals(data, p.b.read(TransportPair.TARGET + 100, len), at("the three pieces make the range"));
            // The offset is into the first range only.
            Mr three = Mr.alloc(p.b.pd, 3).get();
            long base = p.b.buf + TransportPair.TARGET;
            int[] skip = {4096};
            assertEquals(2, three.mapSg(new long[] {base, base + 8192}, new int[] {8192, 4096}, skip));
            assertEquals(base + 4096, three.iova());
            assertEquals(8192, three.length(), at("4 KiB of the first range and all of the second"));
            assertEquals(0, skip[0]);
            assertEquals(0, three.dereg());
            int[] beyond = {len + 1};
            assertEquals(Errno.EINVAL.negative(), mr.mapSg(new long[] {start}, new int[] {len}, beyond),
                    at("an offset beyond the first range"));
        }
    }

    @Test
    void shouldRefuseMappingsIbMapMrSgRefuses() {
        try (TransportPair p = rc()) {
            Mr mr = Mr.alloc(p.b.pd, 2).get();
            // ib_sg_to_pages with mlx4_set_page, which is -ENOMEM once the pages are used up: a
            // range that runs out of pages after its first is mapped up to its last page's start.
            assertEquals(0, mr.mapSg(new long[] {p.b.buf + 100}, new int[] {3 * 4096}), "four pages, room for two");
            assertEquals(3996, mr.length(), "up to where the second page begins");
            Mr one = Mr.alloc(p.b.pd, 1).get();
            assertEquals(1, one.mapSg(new long[] {p.b.buf + 8192}, new int[] {200}));
            assertEquals(Errno.ENOMEM.negative(), one.mapSg(new long[] {p.b.buf}, new int[] {2 * 4096}),
                    "nothing mapped: the page set is where the range begins");
            // ib_sg_to_pages sets iova and clears length first; mlx4_ib_map_mr_sg clears npages.
            assertEquals(p.b.buf, one.iova(), "the failed mapping's start, not the last one's");
            assertEquals(0, one.length(), "and nothing of the mapping before it to register");
            assertEquals(0, one.pages().length);
            assertEquals(0, one.dereg());
            assertEquals(2, mr.mapSg(new long[] {p.b.buf + 100, p.b.buf + 8192}, new int[] {3996, 4096}),
                    "two ranges that end and start on page boundaries fill two pages");
            assertEquals(1, mr.mapSg(new long[] {p.b.buf, p.b.buf + 8192 + 8}, new int[] {4096, 64}),
                    "a second range not on a page boundary stops the mapping after the first");
            assertEquals(4096, mr.length());
            assertEquals(2, mr.mapSg(new long[] {p.b.buf, p.b.buf + 100}, new int[] {100, 200}),
                    "a range that continues the last exactly goes into its page");
            assertEquals(300, mr.length());
            assertEquals(1, mr.pages().length, "one page for both");
            assertEquals(1, mr.mapSg(new long[] {p.b.buf, p.b.buf + 4096}, new int[] {4096, 3 * 4096}),
                    "the pages run out inside the second range: one whole range mapped");
            assertEquals(2, mr.pages().length);
            assertEquals(4096, mr.length(), "and the length ib_sg_to_pages counts for it");
            assertEquals(1, mr.mapSg(new long[] {p.b.buf, p.b.buf + 8192}, new int[] {100, 4096}),
                    "a range after one that did not end on a page must continue it");
            Mr three = Mr.alloc(p.b.pd, 3).get();
            assertEquals(1, three.mapSg(new long[] {p.b.buf, p.b.buf + 4096}, new int[] {4096, 4 * 4096}));
            // ib_sg_to_pages adds, for the range cut short, up to the start of its last page set.
            assertEquals(2 * 4096, three.length());
            Mr none = Mr.alloc(p.b.pd, 0).get();
            assertEquals(Errno.ENOMEM.negative(), none.mapSg(new long[] {p.b.buf}, new int[] {64}),
                    "mlx4_ib_alloc_mr takes no pages at all; mlx4_set_page then has no room");
            assertEquals(Errno.EINVAL.negative(), Mr.alloc(p.b.pd, 512).errno().negative(), "over mlx4's 511");
        }
    }
}
