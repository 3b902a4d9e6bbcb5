package org.ibmodel.sim.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ibmodel.sim.wire.ExtHeader.AETH;
import static org.ibmodel.sim.wire.ExtHeader.ATOMIC_ACK_ETH;
import static org.ibmodel.sim.wire.ExtHeader.ATOMIC_ETH;
import static org.ibmodel.sim.wire.ExtHeader.DETH;
import static org.ibmodel.sim.wire.ExtHeader.IETH;
import static org.ibmodel.sim.wire.ExtHeader.IMM_DT;
import static org.ibmodel.sim.wire.ExtHeader.RETH;
import static org.ibmodel.sim.wire.Opcode.*;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpcodeTableTest {

    @Test
    void shouldHoldEveryRcUcAndUdOpcodeTheModelUses() {
        // IBA Table 38: RC 0x00-0x14 plus 0x16, 0x17; UC 0x20-0x2B; UD 0x64, 0x65
        assertEquals(23, OpcodeTable.of(Transport.RC).size());
        assertEquals(12, OpcodeTable.of(Transport.UC).size());
        assertEquals(0, OpcodeTable.of(Transport.RD).size());
        assertEquals(2, OpcodeTable.of(Transport.UD).size());
        assertEquals(37, Opcode.values().length);
        for (int v = 0x00; v <= 0x14; v++) {
            assertEquals(Transport.RC, OpcodeTable.lookup(v).transport(), "0x" + Integer.toHexString(v));
        }
        for (int v = 0x20; v <= 0x2B; v++) {
            assertEquals(Transport.UC, OpcodeTable.lookup(v).transport(), "0x" + Integer.toHexString(v));
        }
    }

    @Test
    void shouldFindEachRowByItsValueAndNothingElse() {
        int found = 0;
        for (int v = 0; v < 256; v++) {
            Opcode op = OpcodeTable.lookup(v);
            if (op != null) {
                assertEquals(v, op.value());
                found++;
            }
        }
        assertEquals(Opcode.values().length, found);
        assertNull(OpcodeTable.lookup(0x15), "RC 0x15 is reserved");
        assertNull(OpcodeTable.lookup(0x2C), "UC stops at RDMA WRITE Only with Immediate");
        assertNull(OpcodeTable.lookup(0x40), "RD is not modelled");
        assertNull(OpcodeTable.lookup(0x66), "UD has only the two SEND Only opcodes");
        assertNull(OpcodeTable.lookup(-1));
        assertNull(OpcodeTable.lookup(256));
    }

    @Test
    void shouldMatchIbaHeaderLayoutOfSelectedOpcodes() {
        // IBA 9.2/9.3: BTH 12, RETH 16, AETH 4, AtomicETH 28, AtomicAckETH 8, ImmDt 4, IETH 4, DETH 8
        assertEquals(12, RC_SEND_FIRST.headerLength());
        assertEquals(List.of(), RC_SEND_MIDDLE.headers());

        assertEquals(List.of(RETH, IMM_DT), RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE.headers());
        assertEquals(12, RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE.offset(RETH));
        assertEquals(28, RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE.offset(IMM_DT));
        assertEquals(32, RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE.headerLength());
        assertEquals(20, RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE.extHeaderLength());

        assertEquals(12, RC_ATOMIC_ACKNOWLEDGE.offset(AETH));
        assertEquals(16, RC_ATOMIC_ACKNOWLEDGE.offset(ATOMIC_ACK_ETH));
        assertEquals(24, RC_ATOMIC_ACKNOWLEDGE.headerLength());

        assertEquals(40, RC_COMPARE_SWAP.headerLength());
        assertEquals(12, RC_FETCH_ADD.offset(ATOMIC_ETH));

        assertEquals(12, UD_SEND_ONLY_WITH_IMMEDIATE.offset(DETH));
        assertEquals(20, UD_SEND_ONLY_WITH_IMMEDIATE.offset(IMM_DT));
        assertEquals(24, UD_SEND_ONLY_WITH_IMMEDIATE.headerLength());

        assertEquals(16, RC_SEND_ONLY_WITH_INVALIDATE.headerLength());
        assertEquals(-1, RC_SEND_ONLY.offset(RETH));
    }

    @Test
    void shouldCarryTheFlagsIbaGivesSelectedOpcodes() {
        // RDMA READ Request: a request with a RETH and no payload, a whole message in one packet
        assertTrue(RC_RDMA_READ_REQUEST.isRequest() && RC_RDMA_READ_REQUEST.isRdmaReadRequest());
        assertTrue(RC_RDMA_READ_REQUEST.hasReth() && RC_RDMA_READ_REQUEST.isOnly());
        assertFalse(RC_RDMA_READ_REQUEST.hasPayload() || RC_RDMA_READ_REQUEST.requiresRecvWqe());

        // RDMA READ response Middle: a response with payload and no AETH
        assertTrue(RC_RDMA_READ_RESPONSE_MIDDLE.isResponse() && RC_RDMA_READ_RESPONSE_MIDDLE.isMiddle());
        assertTrue(RC_RDMA_READ_RESPONSE_MIDDLE.isRdmaReadResponse());
        assertFalse(RC_RDMA_READ_RESPONSE_MIDDLE.hasAeth());
        assertTrue(RC_RDMA_READ_RESPONSE_FIRST.hasAeth() && RC_RDMA_READ_RESPONSE_LAST.hasAeth());

        // Acknowledge: AETH only, no payload
        assertTrue(RC_ACKNOWLEDGE.isResponse() && RC_ACKNOWLEDGE.hasAeth() && !RC_ACKNOWLEDGE.hasPayload());
        assertFalse(RC_ACKNOWLEDGE.isRdmaReadResponse());

        // SEND First consumes the receive WQE; SEND Last completes it
        assertTrue(RC_SEND_FIRST.requiresRecvWqe() && !RC_SEND_FIRST.completesRecvWqe());
        assertTrue(RC_SEND_LAST.completesRecvWqe() && !RC_SEND_LAST.requiresRecvWqe());
        assertTrue(RC_SEND_ONLY.requiresRecvWqe() && RC_SEND_ONLY.completesRecvWqe());

        // RDMA WRITE consumes a receive WQE only when it carries immediate data
        assertFalse(RC_RDMA_WRITE_ONLY.requiresRecvWqe());
        assertTrue(RC_RDMA_WRITE_LAST_WITH_IMMEDIATE.requiresRecvWqe());
        assertTrue(UC_RDMA_WRITE_ONLY_WITH_IMMEDIATE.requiresRecvWqe());

        // Atomics: AtomicETH, request, one packet
        assertTrue(RC_COMPARE_SWAP.isAtomic() && RC_FETCH_ADD.isAtomic() && RC_FETCH_ADD.hasAtomicEth());
        assertTrue(RC_ATOMIC_ACKNOWLEDGE.hasAtomicAckEth() && !RC_ATOMIC_ACKNOWLEDGE.isAtomic());

        // UD: DETH on every packet, single-packet messages only
        for (Opcode op : OpcodeTable.of(Transport.UD)) {
            assertTrue(op.hasDeth() && op.isOnly() && op.isSend(), op.name());
        }
        assertEquals("IB_OPCODE_UC_SEND_ONLY_WITH_IMMEDIATE", UC_SEND_ONLY_WITH_IMMEDIATE.kernelName());
        assertEquals("RDMA WRITE Only with Immediate", RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE.ibtaName());
    }

    @Test
    void shouldKeepEveryRowConsistent() {
        for (Opcode op : Opcode.values()) {
            String n = op.name();
            assertTrue(op.isRequest() != op.isResponse(), n + ": request xor response");
            assertTrue(!op.isMiddle() || (!op.isStart() && !op.isEnd()), n + ": MIDDLE excludes START/END");
            assertTrue(op.isStart() || op.isMiddle() || op.isEnd(), n + ": has a place in its message");
            assertEquals(op.ibtaName().contains("Immediate"), op.hasImmDt(), n);
            assertEquals(op.ibtaName().contains("Invalidate"), op.hasIeth(), n);
            assertEquals(op.ibtaName().startsWith("RDMA WRITE") && (op.isStart()), op.hasReth() && op.isRdmaWrite(), n);
            assertEquals(op.transport() == Transport.UD, op.hasDeth(), n);
            int sum = 0;
            for (ExtHeader h : op.headers()) {
                assertEquals(12 + sum, op.offset(h), n + " " + h);
                sum += h.length();
            }
            assertEquals(sum, op.extHeaderLength(), n);
            assertEquals(op.value() & Transport.PREFIX_MASK, op.transport().prefix(), n);
        }
    }

    @Test
    void shouldListLegalSuccessorsInsideAMessage() {
        assertEquals(EnumSet.of(RC_SEND_MIDDLE, RC_SEND_LAST, RC_SEND_LAST_WITH_IMMEDIATE, RC_SEND_LAST_WITH_INVALIDATE),
            OpcodeTable.successors(RC_SEND_FIRST));
        assertEquals(EnumSet.of(UC_SEND_MIDDLE, UC_SEND_LAST, UC_SEND_LAST_WITH_IMMEDIATE),
            OpcodeTable.successors(UC_SEND_FIRST), "UC has no SEND with Invalidate");
        assertEquals(EnumSet.of(RC_RDMA_WRITE_MIDDLE, RC_RDMA_WRITE_LAST, RC_RDMA_WRITE_LAST_WITH_IMMEDIATE),
            OpcodeTable.successors(RC_RDMA_WRITE_MIDDLE));
        assertEquals(EnumSet.of(RC_RDMA_READ_RESPONSE_MIDDLE, RC_RDMA_READ_RESPONSE_LAST),
            OpcodeTable.successors(RC_RDMA_READ_RESPONSE_FIRST));
        assertTrue(OpcodeTable.successors(RC_SEND_ONLY).isEmpty());
    }

    @Test
    void shouldGiveEveryUnfinishedMessageAWayToContinue() {
        for (Opcode op : Opcode.values()) {
            Set<Opcode> next = OpcodeTable.successors(op);
            assertEquals(op.isEnd(), next.isEmpty(), op.name());
            for (Opcode n : next) {
                assertFalse(n.isStart(), op + " -> " + n);
                assertSame(op.transport(), n.transport(), op + " -> " + n);
                assertEquals(op.isSend(), n.isSend(), op + " -> " + n);
                assertEquals(op.isRdmaWrite(), n.isRdmaWrite(), op + " -> " + n);
                assertEquals(op.isResponse(), n.isResponse(), op + " -> " + n);
            }
            if (!op.isStart()) {
                boolean reachable = false;
                for (Opcode p : Opcode.values()) {
                    reachable |= OpcodeTable.successors(p).contains(op);
                }
                assertTrue(reachable, op + " continues a message but nothing leads to it");
            }
        }
    }

    @Test
    void shouldAllowOnlyAStartAfterAnEnd() {
        assertTrue(OpcodeTable.mayFollow(null, RC_SEND_FIRST));
        assertFalse(OpcodeTable.mayFollow(null, RC_SEND_MIDDLE));
        assertTrue(OpcodeTable.mayFollow(RC_SEND_LAST, RC_RDMA_WRITE_FIRST));
        assertFalse(OpcodeTable.mayFollow(RC_SEND_LAST, RC_SEND_MIDDLE));
        assertFalse(OpcodeTable.mayFollow(RC_SEND_FIRST, RC_RDMA_WRITE_MIDDLE));
        assertFalse(OpcodeTable.mayFollow(RC_SEND_FIRST, RC_SEND_FIRST));
        assertFalse(OpcodeTable.mayFollow(UC_SEND_ONLY, RC_SEND_ONLY), "transport switch");
        assertFalse(OpcodeTable.mayFollow(RC_SEND_ONLY, RC_ACKNOWLEDGE), "direction switch");
        assertTrue(OpcodeTable.mayFollow(RC_RDMA_READ_RESPONSE_MIDDLE, RC_RDMA_READ_RESPONSE_LAST));
    }
}
