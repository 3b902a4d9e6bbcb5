// drivers/infiniband/sw/rxe/rxe_opcode.h: the opcode property bits (RXE_*_MASK)
package org.ibmodel.sim.wire;

/** Property bits of an {@link Opcode} row; code reads them through Opcode's predicates. */
final class OpcodeMask {
    /** A requester-to-responder packet. */
    static final int REQ = 1;
    /** A responder-to-requester packet (ACK, read response, atomic ACK). */
    static final int ACK = 1 << 1;
    /** First packet of a message. */
    static final int START = 1 << 2;
    /** Neither first nor last packet of a message. */
    static final int MIDDLE = 1 << 3;
    /** Last packet of a message. */
    static final int END = 1 << 4;
    /** Carries a payload (possibly of zero bytes). */
    static final int PAYLOAD = 1 << 5;
    /** Consumes a receive WQE at the responder. */
    static final int RWR = 1 << 6;
    /** Completes a receive WQE at the responder (generates a receive completion). */
    static final int COMP = 1 << 7;
    static final int SEND = 1 << 8;
    static final int WRITE = 1 << 9;
    /** RDMA READ request. */
    static final int READ = 1 << 10;
    /** Atomic request (CmpSwap, FetchAdd). */
    static final int ATOMIC = 1 << 11;

    private OpcodeMask() {
    }
}
