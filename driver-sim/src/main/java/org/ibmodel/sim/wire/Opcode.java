// IBA 9.2.1 Table 38 (OpCode field); properties as in drivers/infiniband/sw/rxe/rxe_opcode.c
package org.ibmodel.sim.wire;

import static org.ibmodel.sim.wire.ExtHeader.AETH;
import static org.ibmodel.sim.wire.ExtHeader.ATOMIC_ACK_ETH;
import static org.ibmodel.sim.wire.ExtHeader.ATOMIC_ETH;
import static org.ibmodel.sim.wire.ExtHeader.DETH;
import static org.ibmodel.sim.wire.ExtHeader.IETH;
import static org.ibmodel.sim.wire.ExtHeader.IMM_DT;
import static org.ibmodel.sim.wire.ExtHeader.RETH;
import static org.ibmodel.sim.wire.OpcodeMask.ACK;
import static org.ibmodel.sim.wire.OpcodeMask.ATOMIC;
import static org.ibmodel.sim.wire.OpcodeMask.COMP;
import static org.ibmodel.sim.wire.OpcodeMask.END;
import static org.ibmodel.sim.wire.OpcodeMask.MIDDLE;
import static org.ibmodel.sim.wire.OpcodeMask.PAYLOAD;
import static org.ibmodel.sim.wire.OpcodeMask.READ;
import static org.ibmodel.sim.wire.OpcodeMask.REQ;
import static org.ibmodel.sim.wire.OpcodeMask.RWR;
import static org.ibmodel.sim.wire.OpcodeMask.SEND;
import static org.ibmodel.sim.wire.OpcodeMask.START;
import static org.ibmodel.sim.wire.OpcodeMask.WRITE;

import java.util.Arrays;
import java.util.List;

/**
 * The opcode table: one row per BTH OpCode the model sends or accepts, with the IBTA name, the
 * properties of the packet and its extended headers in wire order. Header offsets and lengths
 * are derived from that order, so code asks {@code op.hasReth()} or {@code op.offset(RETH)} and
 * never switches on an OpCode value. Not modelled: RD (0x40-0x5F), XRC, CNP, and the RC FLUSH
 * and ATOMIC WRITE opcodes of later spec annexes.
 */
public enum Opcode {
    // value, IBTA name, properties, extended headers after the BTH in wire order
    RC_SEND_FIRST(0x00, "SEND First", REQ | SEND | PAYLOAD | START | RWR),
    RC_SEND_MIDDLE(0x01, "SEND Middle", REQ | SEND | PAYLOAD | MIDDLE),
    RC_SEND_LAST(0x02, "SEND Last", REQ | SEND | PAYLOAD | END | COMP),
    RC_SEND_LAST_WITH_IMMEDIATE(0x03, "SEND Last with Immediate", REQ | SEND | PAYLOAD | END | COMP, IMM_DT),
    RC_SEND_ONLY(0x04, "SEND Only", REQ | SEND | PAYLOAD | START | END | RWR | COMP),
    RC_SEND_ONLY_WITH_IMMEDIATE(0x05, "SEND Only with Immediate", REQ | SEND | PAYLOAD | START | END | RWR | COMP, IMM_DT),
    RC_RDMA_WRITE_FIRST(0x06, "RDMA WRITE First", REQ | WRITE | PAYLOAD | START, RETH),
    RC_RDMA_WRITE_MIDDLE(0x07, "RDMA WRITE Middle", REQ | WRITE | PAYLOAD | MIDDLE),
    RC_RDMA_WRITE_LAST(0x08, "RDMA WRITE Last", REQ | WRITE | PAYLOAD | END),
    RC_RDMA_WRITE_LAST_WITH_IMMEDIATE(0x09, "RDMA WRITE Last with Immediate", REQ | WRITE | PAYLOAD | END | RWR | COMP, IMM_DT),
    RC_RDMA_WRITE_ONLY(0x0A, "RDMA WRITE Only", REQ | WRITE | PAYLOAD | START | END, RETH),
    RC_RDMA_WRITE_ONLY_WITH_IMMEDIATE(0x0B, "RDMA WRITE Only with Immediate", REQ | WRITE | PAYLOAD | START | END | RWR | COMP, RETH, IMM_DT),
    RC_RDMA_READ_REQUEST(0x0C, "RDMA READ Request", REQ | READ | START | END, RETH),
    RC_RDMA_READ_RESPONSE_FIRST(0x0D, "RDMA READ response First", ACK | PAYLOAD | START, AETH),
    RC_RDMA_READ_RESPONSE_MIDDLE(0x0E, "RDMA READ response Middle", ACK | PAYLOAD | MIDDLE),
    RC_RDMA_READ_RESPONSE_LAST(0x0F, "RDMA READ response Last", ACK | PAYLOAD | END, AETH),
    RC_RDMA_READ_RESPONSE_ONLY(0x10, "RDMA READ response Only", ACK | PAYLOAD | START | END, AETH),
    RC_ACKNOWLEDGE(0x11, "Acknowledge", ACK | START | END, AETH),
    RC_ATOMIC_ACKNOWLEDGE(0x12, "ATOMIC Acknowledge", ACK | START | END, AETH, ATOMIC_ACK_ETH),
    RC_COMPARE_SWAP(0x13, "CmpSwap", REQ | ATOMIC | START | END, ATOMIC_ETH),
    RC_FETCH_ADD(0x14, "FetchAdd", REQ | ATOMIC | START | END, ATOMIC_ETH),
    RC_SEND_LAST_WITH_INVALIDATE(0x16, "SEND Last with Invalidate", REQ | SEND | PAYLOAD | END | COMP, IETH),
    RC_SEND_ONLY_WITH_INVALIDATE(0x17, "SEND Only with Invalidate", REQ | SEND | PAYLOAD | START | END | RWR | COMP, IETH),

    UC_SEND_FIRST(0x20, "SEND First", REQ | SEND | PAYLOAD | START | RWR),
    UC_SEND_MIDDLE(0x21, "SEND Middle", REQ | SEND | PAYLOAD | MIDDLE),
    UC_SEND_LAST(0x22, "SEND Last", REQ | SEND | PAYLOAD | END | COMP),
    UC_SEND_LAST_WITH_IMMEDIATE(0x23, "SEND Last with Immediate", REQ | SEND | PAYLOAD | END | COMP, IMM_DT),
    UC_SEND_ONLY(0x24, "SEND Only", REQ | SEND | PAYLOAD | START | END | RWR | COMP),
    UC_SEND_ONLY_WITH_IMMEDIATE(0x25, "SEND Only with Immediate", REQ | SEND | PAYLOAD | START | END | RWR | COMP, IMM_DT),
    UC_RDMA_WRITE_FIRST(0x26, "RDMA WRITE First", REQ | WRITE | PAYLOAD | START, RETH),
    UC_RDMA_WRITE_MIDDLE(0x27, "RDMA WRITE Middle", REQ | WRITE | PAYLOAD | MIDDLE),
    UC_RDMA_WRITE_LAST(0x28, "RDMA WRITE Last", REQ | WRITE | PAYLOAD | END),
    UC_RDMA_WRITE_LAST_WITH_IMMEDIATE(0x29, "RDMA WRITE Last with Immediate", REQ | WRITE | PAYLOAD | END | RWR | COMP, IMM_DT),
    UC_RDMA_WRITE_ONLY(0x2A, "RDMA WRITE Only", REQ | WRITE | PAYLOAD | START | END, RETH),
    UC_RDMA_WRITE_ONLY_WITH_IMMEDIATE(0x2B, "RDMA WRITE Only with Immediate", REQ | WRITE | PAYLOAD | START | END | RWR | COMP, RETH, IMM_DT),

    UD_SEND_ONLY(0x64, "SEND Only", REQ | SEND | PAYLOAD | START | END | RWR | COMP, DETH),
    UD_SEND_ONLY_WITH_IMMEDIATE(0x65, "SEND Only with Immediate", REQ | SEND | PAYLOAD | START | END | RWR | COMP, DETH, IMM_DT);

    private static final int ABSENT = -1;

    private final int value;
    private final Transport transport;
    private final String ibtaName;
    private final int mask;
    private final List<ExtHeader> headers;
    private final int[] offsets = new int[ExtHeader.values().length];
    private final int extHeaderLength;

    Opcode(int value, String ibtaName, int mask, ExtHeader... headers) {
        this.value = value;
        this.transport = Transport.ofOpCode(value);
        this.ibtaName = ibtaName;
        this.mask = mask;
        this.headers = List.of(headers);
        Arrays.fill(offsets, ABSENT);
        int at = Bth.HEADER_LENGTH;
        for (ExtHeader h : headers) {
            offsets[h.ordinal()] = at;
            at += h.length();
        }
        this.extHeaderLength = at - Bth.HEADER_LENGTH;
    }

    /** The 8-bit BTH OpCode. */
    public int value() {
        return value;
    }

    /** The operation's name in IBA Table 38, e.g. "RDMA WRITE Only with Immediate". */
    public String ibtaName() {
        return ibtaName;
    }

    /** The kernel's name, as in include/rdma/ib_pack.h: IB_OPCODE_RC_SEND_FIRST. */
    public String kernelName() {
        return "IB_OPCODE_" + name();
    }

    /** The transport, from the OpCode's top three bits. */
    public Transport transport() {
        return transport;
    }

    public boolean isRequest() {
        return (mask & REQ) != 0;
    }

    public boolean isResponse() {
        return (mask & ACK) != 0;
    }

    public boolean isStart() {
        return (mask & START) != 0;
    }

    public boolean isMiddle() {
        return (mask & MIDDLE) != 0;
    }

    public boolean isEnd() {
        return (mask & END) != 0;
    }

    /** A single-packet message: both first and last. */
    public boolean isOnly() {
        return isStart() && isEnd();
    }

    public boolean hasPayload() {
        return (mask & PAYLOAD) != 0;
    }

    /** The responder consumes a receive WQE for this packet. */
    public boolean requiresRecvWqe() {
        return (mask & RWR) != 0;
    }

    /** The responder completes the receive WQE when this packet arrives. */
    public boolean completesRecvWqe() {
        return (mask & COMP) != 0;
    }

    public boolean isSend() {
        return (mask & SEND) != 0;
    }

    public boolean isRdmaWrite() {
        return (mask & WRITE) != 0;
    }

    public boolean isRdmaReadRequest() {
        return (mask & READ) != 0;
    }

    public boolean isRdmaReadResponse() {
        return isResponse() && hasPayload();
    }

    public boolean isAtomic() {
        return (mask & ATOMIC) != 0;
    }

    public boolean has(ExtHeader header) {
        return offsets[header.ordinal()] != ABSENT;
    }

    public boolean hasDeth() {
        return has(DETH);
    }

    public boolean hasReth() {
        return has(RETH);
    }

    public boolean hasAtomicEth() {
        return has(ATOMIC_ETH);
    }

    public boolean hasAeth() {
        return has(AETH);
    }

    public boolean hasAtomicAckEth() {
        return has(ATOMIC_ACK_ETH);
    }

    public boolean hasImmDt() {
        return has(IMM_DT);
    }

    public boolean hasIeth() {
        return has(IETH);
    }

    /** Offset of an extended header from the first byte of the BTH; -1 when absent. */
    public int offset(ExtHeader header) {
        return offsets[header.ordinal()];
    }

    /** The extended headers after the BTH, in wire order. */
    public List<ExtHeader> headers() {
        return headers;
    }

    /** Bytes of extended headers after the BTH. */
    public int extHeaderLength() {
        return extHeaderLength;
    }

    /** Bytes from the first byte of the BTH to the payload: BTH plus extended headers. */
    public int headerLength() {
        return Bth.HEADER_LENGTH + extHeaderLength;
    }
}
