// What the responder checks of a remote operation before it moves a byte: the QP's own access
// flags (IBA 10.2.1), its responder resources, the target's alignment and the remote key over the
// whole range (IBA 9.4.5, 9.7.4.1.4, C9-88); drivers/infiniband/sw/rxe/rxe_resp.c check_op_valid,
// check_resource and check_rkey
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Consumer;
import org.ibmodel.core.AccessFlags;
import org.ibmodel.core.QpAttr;
import org.ibmodel.core.QpAttrMask;
import org.ibmodel.core.QpState;
import org.ibmodel.core.QpType;
import org.ibmodel.core.RecvWr;
import org.ibmodel.core.Sge;
import org.ibmodel.sim.wire.Aeth;
import org.ibmodel.sim.wire.Opcode;
import org.junit.jupiter.api.Test;

class ResponderAccessTest {
    private static final int PSN = HostilePeer.RQ_PSN;
    private static final int MTU = HostilePeer.MTU;
    private static final int REMOTE = AccessFlags.REMOTE_WRITE | AccessFlags.REMOTE_READ | AccessFlags.REMOTE_ATOMIC;

    /** The bytes HostilePeer writes over its region, for checking that nothing moved. */
    private static byte[] original(HostilePeer h, long at, int len) {
        return java.util.Arrays.copyOfRange(TransportPair.pattern(1, HostilePeer.REGION), (int) (at - h.base),
                (int) (at - h.base) + len);
    }

    private static void assertUntouched(HostilePeer h, long at, int len) {
        assertArrayEquals(original(h, at, len), h.victim.memory().read(at, len), "the target was written");
    }

    /** RTS to RTS with only IB_QP_ACCESS_FLAGS: the QP's remote access becomes {@code flags}. */
    private static void allow(HostilePeer h, int flags) {
        QpAttr a = new QpAttr();
        a.qpAccessFlags = AccessFlags.LOCAL_WRITE | flags;
        assertEquals(0, h.qp.modify(a, QpAttrMask.of(QpAttrMask.ACCESS_FLAGS)));
    }

    /** A WRITE ONLY, READ or FETCH_ADD of 16 bytes (8 for the atomic) at {@code va}, with the region's rkey. */
    private static Consumer<HostilePeer.Fields> at(HostilePeer h, Opcode op, long va) {
        return f -> {
            f.va = va;
            f.rkey = h.mr.rkey();
            f.dmaLen = 16;
            f.swapAdd = 1;
            f.payload = op.hasPayload() ? TransportPair.pattern(9, 16) : new byte[0];
        };
    }

    /** The victim answered {@code psn} with a NAK of {@code code}, sent nothing else, and its QP is in ERR. */
    private static void assertNak(HostilePeer h, Aeth.NakCode code, int psn) {
        h.world.settle();
        List<Transport.Sent> sent = h.sent();
        assertEquals(1, sent.size(), "one NAK and no response: " + sent);
        Transport.Sent nak = sent.get(0);
        assertEquals(Opcode.RC_ACKNOWLEDGE.value(), nak.opcode(), sent.toString());
        assertEquals(psn & Psn.MASK, nak.psn(), sent.toString());
        assertEquals(Aeth.nakSyndrome(code), nak.syndrome(), code + " expected: " + sent);
        assertEquals(QpState.ERR, h.state());
    }

    /** The victim answered {@code op} at {@code psn}: an ACK, a READ response or an ATOMIC ACKNOWLEDGE. */
    private static void assertAnswered(HostilePeer h, Opcode op, int psn) {
        h.world.settle();
        List<Transport.Sent> sent = h.sent();
        Opcode answer = op.isRdmaReadRequest() ? Opcode.RC_RDMA_READ_RESPONSE_ONLY
                : op.isAtomic() ? Opcode.RC_ATOMIC_ACKNOWLEDGE : Opcode.RC_ACKNOWLEDGE;
        assertEquals(1, sent.size(), sent.toString());
        assertEquals(answer.value(), sent.get(0).opcode(), sent.toString());
        assertEquals(psn & Psn.MASK, sent.get(0).psn(), sent.toString());
        assertEquals(Aeth.ackSyndrome(0) >>> 5, sent.get(0).syndrome() >>> 5, "an ACK: " + sent);
        assertEquals(QpState.RTS, h.state());
    }

    /**
     * rxe_resp.c check_op_valid: an RC QP takes an RDMA WRITE only with IB_ACCESS_REMOTE_WRITE
     * in its own access flags, a READ only with REMOTE_READ, an atomic only with REMOTE_ATOMIC,
     * whatever the region allows; the others are NAKed Invalid Request (class C) before any byte
     * moves. Each flag gates its own operation: with the other two, those two still pass.
     */
    @Test
    void shouldRefuseEachRemoteOperationTheQpDoesNotAllow() {
        List<Opcode> ops = List.of(Opcode.RC_RDMA_WRITE_ONLY, Opcode.RC_RDMA_READ_REQUEST, Opcode.RC_FETCH_ADD);
        List<Integer> flags = List.of(AccessFlags.REMOTE_WRITE, AccessFlags.REMOTE_READ, AccessFlags.REMOTE_ATOMIC);
        for (int refused = 0; refused < ops.size(); refused++) {
            try (HostilePeer h = new HostilePeer(QpType.RC)) {
                allow(h, REMOTE & ~flags.get(refused));
                int psn = PSN;
                for (int i = 0; i < ops.size(); i++) {
                    if (i != refused) {
                        Opcode op = ops.get(i);
                        h.send(op, psn, at(h, op, h.base + 64L * (i + 1)));
                        assertAnswered(h, op, psn);
                        psn++;
                    }
                }
                Opcode op = ops.get(refused);
                long va = h.base + 4096;
                h.send(op, psn, at(h, op, va));
                assertNak(h, Aeth.NakCode.INVALID_REQUEST, psn);
                assertUntouched(h, va, 16);
            }
        }
    }

    /**
     * The same on UC (rxe_resp.c check_op_valid): a WRITE the QP does not allow loses its
     * message and nothing else; the QP stays in RTS and the next SEND is received.
     */
    @Test
    void shouldDropAUcWriteTheQpDoesNotAllow() {
        try (HostilePeer h = new HostilePeer(QpType.UC)) {
            allow(h, 0);
            assertTrue(h.qp.postRecv(new RecvWr(1, new Sge(h.base + 8192, 64, h.mr.lkey()))).ok());
            long va = h.base + 4096;
            h.send(Opcode.UC_RDMA_WRITE_ONLY, PSN, at(h, Opcode.UC_RDMA_WRITE_ONLY, va));
            h.send(Opcode.UC_SEND_ONLY, PSN + 1, f -> f.payload = TransportPair.pattern(3, 8));
            h.assertOneReceive(8);
            assertUntouched(h, va, 16);
        }
    }

    /**
     * rxe_resp.c check_resource: a QP with max_dest_rd_atomic 0 has no responder resource for
     * an RDMA READ or an atomic, and refuses either as an invalid request; a WRITE needs none.
     * The driver already writes such a QP's remote_read and remote_atomic as 0 (mlx4's
     * to_mlx4_access_flags, HCA.md §4.5); the device refuses with the bits set all the same.
     */
    @Test
    void shouldRefuseAReadOrAtomicWithoutResponderResources() {
        for (boolean bitsSet : new boolean[] {false, true}) {
            for (Opcode op : List.of(Opcode.RC_RDMA_READ_REQUEST, Opcode.RC_COMPARE_SWAP)) {
                try (HostilePeer h = new HostilePeer(QpType.RC, rtr -> rtr.maxDestRdAtomic = 0)) {
                    QpContext ctx = h.transportQp().ctx;
                    assertEquals(0, ctx.get(Layout.QpCtx.MAX_DEST_RD_ATOMIC));
                    if (bitsSet) {
                        Layout.QpCtx.REMOTE_READ.set(ctx.raw(), 0, 1);
                        Layout.QpCtx.REMOTE_ATOMIC.set(ctx.raw(), 0, 1);
                    }
                    h.send(Opcode.RC_RDMA_WRITE_ONLY, PSN, at(h, Opcode.RC_RDMA_WRITE_ONLY, h.base + 64));
                    assertAnswered(h, Opcode.RC_RDMA_WRITE_ONLY, PSN);
                    long va = h.base + 4096;
                    h.send(op, PSN + 1, at(h, op, va));
                    assertNak(h, Aeth.NakCode.INVALID_REQUEST, PSN + 1);
                    assertUntouched(h, va, 16);
                }
            }
        }
    }

    /**
     * IBA 9.4.5: an atomic's target is 8 bytes, naturally aligned; another is an invalid request,
     * once its key has passed.
     */
    @Test
    void shouldRefuseAnAtomicNotNaturallyAligned() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            long va = h.base + 4096 + 4;
            h.send(Opcode.RC_FETCH_ADD, PSN, at(h, Opcode.RC_FETCH_ADD, va));
            assertNak(h, Aeth.NakCode.INVALID_REQUEST, PSN);
            assertUntouched(h, va - 4, 16);
        }
        // The key is checked first (rxe_resp.c check_rkey, then rxe_atomic_reply's alignment): a
        // misaligned atomic through a wrong key is a remote access error.
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            long va = h.base + 4096 + 4;
            h.send(Opcode.RC_FETCH_ADD, PSN, f -> {
                at(h, Opcode.RC_FETCH_ADD, va).accept(f);
                f.rkey ^= 0x100;
            });
            assertNak(h, Aeth.NakCode.REMOTE_ACCESS_ERROR, PSN);
            assertUntouched(h, va - 4, 16);
        }
    }

    /**
     * rxe_resp.c check_rkey: the first packet of a WRITE checks the whole of its RETH's range. A
     * WRITE FIRST that fits the region for a DMA length running past its end is a remote access
     * error at once: not even that first packet's bytes are written.
     */
    @Test
    void shouldRefuseAWriteRunningPastItsRegionBeforeWritingAnything() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            long va = h.base + HostilePeer.REGION - MTU;
            h.send(Opcode.RC_RDMA_WRITE_FIRST, PSN, f -> {
                f.va = va;
                f.rkey = h.mr.rkey();
                f.dmaLen = 2 * MTU;
                f.payload = TransportPair.pattern(9, MTU);
            });
            assertNak(h, Aeth.NakCode.REMOTE_ACCESS_ERROR, PSN);
            assertUntouched(h, va, MTU);
        }
    }

    /**
     * A READ past its region, and an atomic through a key the region does not have, are remote
     * access errors: NAKed, not answered with data (rxe_resp.c RESPST_ERR_RKEY_VIOLATION).
     */
    @Test
    void shouldRefuseAReadPastItsRegionAndAnAtomicThroughAnotherKey() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            h.send(Opcode.RC_RDMA_READ_REQUEST, PSN, f -> {
                f.va = h.base + HostilePeer.REGION - 16;
                f.rkey = h.mr.rkey();
                f.dmaLen = 32;
            });
            assertNak(h, Aeth.NakCode.REMOTE_ACCESS_ERROR, PSN);
        }
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            long va = h.base + 4096;
            h.send(Opcode.RC_COMPARE_SWAP, PSN, f -> {
                at(h, Opcode.RC_COMPARE_SWAP, va).accept(f);
                f.rkey ^= 0x100;
            });
            assertNak(h, Aeth.NakCode.REMOTE_ACCESS_ERROR, PSN);
            assertUntouched(h, va, 8);
        }
    }

    /**
     * IBA C9-88 (rxe_resp.c check_rkey): a zero-length RDMA WRITE or READ needs no valid key or
     * address; it is acknowledged, the READ with one empty response, and nothing moves.
     */
    @Test
    void shouldTakeAZeroLengthWriteOrReadWhateverItsKey() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            Consumer<HostilePeer.Fields> nowhere = f -> {
                f.va = 0xdead_0000L;
                f.rkey = h.mr.rkey() ^ 0x100;
                f.dmaLen = 0;
            };
            h.send(Opcode.RC_RDMA_WRITE_ONLY, PSN, nowhere);
            assertAnswered(h, Opcode.RC_RDMA_WRITE_ONLY, PSN);
            h.send(Opcode.RC_RDMA_READ_REQUEST, PSN + 1, nowhere);
            assertAnswered(h, Opcode.RC_RDMA_READ_REQUEST, PSN + 1);
        }
    }
}
