// Duplicate requests at the responder: IBA 9.7.5.1.3, drivers/infiniband/sw/rxe/rxe_resp.c
// duplicate_request
package org.ibmodel.sim.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.Consumer;
import org.ibmodel.core.QpType;
import org.ibmodel.sim.wire.Opcode;
import org.ibmodel.sim.wire.OpcodeTable;
import org.junit.jupiter.api.Test;

/**
 * The peer asks the victim's responder for something twice under the same PSN, as a requester
 * that lost the response does. A READ the responder still keeps is executed again if it asks for
 * no more than the first time, through the same key; an atomic is answered from its kept result,
 * never executed again; a SEND is acknowledged again, never delivered twice.
 */
class ResponderDuplicateTest {
    private static final int PSN = HostilePeer.RQ_PSN;

    /** The victim's packets since the last look, as opcode@psn. */
    private static List<String> answers(HostilePeer h) {
        return h.sent().stream().map(s -> OpcodeTable.lookup(s.opcode()) + "@" + Integer.toHexString(s.psn()))
                .toList();
    }

    private static String at(Opcode op, int psn) {
        return op + "@" + Integer.toHexString(psn);
    }

    private static Consumer<HostilePeer.Fields> read(HostilePeer h, long offset, int len) {
        return f -> {
            f.va = h.base + offset;
            f.rkey = h.mr.rkey();
            f.dmaLen = len;
        };
    }

    @Test
    void shouldExecuteADuplicateReadAgainWhenItAsksForNoMoreThanTheFirst() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            h.send(Opcode.RC_RDMA_READ_REQUEST, PSN, read(h, 4096, 512));
            assertEquals(List.of(at(Opcode.RC_RDMA_READ_RESPONSE_ONLY, PSN)), answers(h));
            h.send(Opcode.RC_RDMA_READ_REQUEST, PSN, read(h, 4096, 512));
            assertEquals(List.of(at(Opcode.RC_RDMA_READ_RESPONSE_ONLY, PSN)), answers(h), "the same READ again");
            h.send(Opcode.RC_RDMA_READ_REQUEST, PSN, read(h, 4096 + 256, 256));
            assertEquals(List.of(at(Opcode.RC_RDMA_READ_RESPONSE_ONLY, PSN)), answers(h), "a part of it");
        }
    }

    @Test
    void shouldDropADuplicateReadThatAsksForMore() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            h.send(Opcode.RC_RDMA_READ_REQUEST, PSN, read(h, 4096, 512));
            assertEquals(1, answers(h).size());
            h.send(Opcode.RC_RDMA_READ_REQUEST, PSN, read(h, 4096 + 256, 512));
            assertEquals(List.of(), answers(h), "reaching 256 bytes past the first READ's end");
            h.send(Opcode.RC_RDMA_READ_REQUEST, PSN, read(h, 4096 - 256, 512));
            assertEquals(List.of(), answers(h), "starting before it");
            h.send(Opcode.RC_RDMA_READ_REQUEST, PSN, read(h, 4096, 1024));
            assertEquals(List.of(), answers(h), "longer than it");
            assertEquals(HwQpState.RTS, h.transportQp().ctx.state(), "a duplicate it cannot serve is only dropped");
        }
    }

    @Test
    void shouldDropADuplicateReadThroughAnotherKey() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            h.send(Opcode.RC_RDMA_READ_REQUEST, PSN, read(h, 4096, 512));
            assertEquals(1, answers(h).size());
            // A second registration of the same memory: a key that would serve the READ.
            org.ibmodel.core.Mr other = org.ibmodel.core.Mr.reg(h.pd, h.base, HostilePeer.REGION, h.base,
                    org.ibmodel.core.AccessFlags.LOCAL_WRITE | org.ibmodel.core.AccessFlags.REMOTE_READ).get();
            h.send(Opcode.RC_RDMA_READ_REQUEST, PSN, read(h, 4096, 512).andThen(f -> f.rkey = other.rkey()));
            assertEquals(List.of(), answers(h), "through another rkey");
            h.send(Opcode.RC_RDMA_READ_REQUEST, Psn.add(PSN, 1),
                    read(h, 4096, 512).andThen(f -> f.rkey = other.rkey()));
            assertEquals(1, answers(h).size(), "which serves a new READ");
        }
    }

    @Test
    void shouldAnswerADuplicateAtomicFromItsKeptResultWithoutAddingAgain() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            long target = h.base + 8192;
            byte[] before = h.victim.memory().read(target, 8);
            Consumer<HostilePeer.Fields> add = f -> {
                f.va = target;
                f.rkey = h.mr.rkey();
                f.swapAdd = 5;
            };
            h.send(Opcode.RC_FETCH_ADD, PSN, add);
            byte[] once = h.victim.memory().read(target, 8);
            h.send(Opcode.RC_FETCH_ADD, PSN, add);
            assertEquals(List.of(at(Opcode.RC_ATOMIC_ACKNOWLEDGE, PSN), at(Opcode.RC_ATOMIC_ACKNOWLEDGE, PSN)),
                    answers(h), "answered both times");
            assertArrayEquals(once, h.victim.memory().read(target, 8), "added once: " + bytes(before));
        }
    }

    @Test
    void shouldAcknowledgeADuplicateSendAgainWithoutDeliveringIt() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            h.qp.postRecv(new org.ibmodel.core.RecvWr(1, new org.ibmodel.core.Sge(h.base, 64, h.mr.lkey())));
            h.qp.postRecv(new org.ibmodel.core.RecvWr(2, new org.ibmodel.core.Sge(h.base + 64, 64, h.mr.lkey())));
            Consumer<HostilePeer.Fields> data = f -> f.payload = new byte[16];
            h.send(Opcode.RC_SEND_ONLY, PSN, data);
            h.send(Opcode.RC_SEND_ONLY, PSN, data);
            assertEquals(List.of(at(Opcode.RC_ACKNOWLEDGE, PSN), at(Opcode.RC_ACKNOWLEDGE, PSN)), answers(h));
            assertEquals(1, h.poll().size(), "one receive completes");
        }
    }

    /**
     * rxe_resp.c duplicate_request (after "IB/rxe: fix for duplicate request processing and ack
     * psns"): a repeated WRITE is acknowledged at the last SEND, WRITE or atomic executed, never
     * at a READ's PSN, which an ACK would tell the requester was answered by an ACK, not by data.
     */
    @Test
    void shouldAcknowledgeADuplicateWriteBelowAReadThatFollowedIt() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            Consumer<HostilePeer.Fields> write = f -> {
                f.va = h.base;
                f.rkey = h.mr.rkey();
                f.dmaLen = 16;
                f.payload = new byte[16];
            };
            h.send(Opcode.RC_RDMA_WRITE_ONLY, PSN, write);
            h.send(Opcode.RC_RDMA_READ_REQUEST, Psn.add(PSN, 1), read(h, 4096, 3 * HostilePeer.MTU));
            assertEquals(List.of(at(Opcode.RC_ACKNOWLEDGE, PSN), at(Opcode.RC_RDMA_READ_RESPONSE_FIRST, PSN + 1),
                    at(Opcode.RC_RDMA_READ_RESPONSE_MIDDLE, PSN + 2), at(Opcode.RC_RDMA_READ_RESPONSE_LAST, PSN + 3)),
                    answers(h));
            h.send(Opcode.RC_RDMA_WRITE_ONLY, PSN, write);
            assertEquals(List.of(at(Opcode.RC_ACKNOWLEDGE, PSN)), answers(h), "not at the READ's last PSN");

            // An atomic moves it: a WRITE repeated after one is acknowledged at the atomic's PSN.
            h.send(Opcode.RC_FETCH_ADD, Psn.add(PSN, 4), f -> {
                f.va = h.base + 8192;
                f.rkey = h.mr.rkey();
                f.swapAdd = 1;
            });
            answers(h);
            h.send(Opcode.RC_RDMA_WRITE_ONLY, PSN, write);
            assertEquals(List.of(at(Opcode.RC_ACKNOWLEDGE, PSN + 4)), answers(h));
        }
    }

    /**
     * rxe_resp.c rxe_recheck_mr: a duplicate READ executes again only through a region still
     * there; once it is deregistered, the duplicate is a remote access error, not a silent drop.
     */
    @Test
    void shouldRefuseADuplicateReadWhoseRegionHasGone() {
        try (HostilePeer h = new HostilePeer(QpType.RC)) {
            h.send(Opcode.RC_RDMA_READ_REQUEST, PSN, read(h, 4096, 512));
            assertEquals(List.of(at(Opcode.RC_RDMA_READ_RESPONSE_ONLY, PSN)), answers(h));
            assertEquals(0, h.mr.dereg());
            h.send(Opcode.RC_RDMA_READ_REQUEST, PSN, read(h, 4096, 512));
            List<Transport.Sent> sent = h.sent();
            assertEquals(1, sent.size(), sent.toString());
            assertEquals(org.ibmodel.sim.wire.Aeth.nakSyndrome(org.ibmodel.sim.wire.Aeth.NakCode.REMOTE_ACCESS_ERROR),
                    sent.get(0).syndrome(), sent.toString());
        }
    }

    private static String bytes(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }
}
